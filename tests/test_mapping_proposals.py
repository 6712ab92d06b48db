"""A proposed mapping always imports: every value gets a target, end to end to the detectors."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from analyzer import schema
from analyzer.detectors import run_detectors
from analyzer.problems import InputError
from connectors.mapping import (
    mapping_from_dict,
    proposal_lines,
    propose_mapping,
    read_mapping,
    value_guesses,
    write_mapping,
)
from connectors.reading import read_event_log, read_table_sample

# Two exports of invented authorities, with channel and level words the samples do not use.
KREIS_EXPORT = (
    (
        "Vorgangsnummer;Arbeitsschritt;Erledigt am;Zugangsweg;Dienststelle;Verwaltungsebene;"
        "Datenfelder\n"
    )
    + """K-1;Antrag stellen;03.02.2026 08:15;Kundenportal;Empfang;Ortsgemeinde;"Einkommen;Miete"
K-1;Antrag erfassen;04.02.2026 09:00;Antragsformular;Leistungsstelle;Kreisbehörde;"Einkommen;Miete"
K-1;Antrag prüfen;05.02.2026 10:00;Fachanwendung;Leistungsstelle;Kreisbehörde;
K-1;Antrag prüfen;06.02.2026 11:00;Fachanwendung;Prüfstelle;Landesbetrieb;
K-1;Bescheid zustellen;07.02.2026 12:00;Brieftaube;Poststelle;Kreisbehörde;
K-2;Antrag stellen;03.02.2026 08:30;Servicetheke;Empfang;Ortsgemeinde;
K-2;Antrag prüfen;04.02.2026 08:30;Scanstelle;Leistungsstelle;Kreisbehörde;
"""
)

STADT_EXPORT = """Az,Aktion,Zeitstempel,Eingangskanal,Behörde,Ebene
B-7,Eingang registrieren,2026-03-02 08:00,Onlinedienst,Stadtverwaltung Ahrweiler,Kommunalverwaltung
B-7,Unterlagen ausdrucken,2026-03-02 09:00,Sonstiges,Stadtverwaltung Ahrweiler,Kommunalverwaltung
B-7,Stellungnahme einholen,2026-03-03 10:00,Faxgerät,Kreisstraßenmeisterei,Kreisebene
B-7,Stellungnahme prüfen,2026-03-04 10:00,Faxgerät,Stadtverwaltung Ahrweiler,Kommunalverwaltung
B-7,Stellungnahme einholen,2026-03-05 10:00,Faxgerät,Kreisstraßenmeisterei,Kreisebene
B-7,Genehmigung erteilen,2026-03-06 10:00,E-Akte VIS,Stadtverwaltung Ahrweiler,Kommunalverwaltung
"""


def proposed_and_imported(tmp_path, text: str, *, name: str, sample_rows: int = 10_000):
    """Propose a mapping from the file's first rows, write it, read it back, import with it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    sample, hints = read_table_sample(path, rows=sample_rows)
    proposal = replace(propose_mapping(sample, source=path.name), source=hints)
    written = write_mapping(proposal, tmp_path / (name + ".mapping.toml"))
    log = read_event_log(path, mapping=read_mapping(written))
    return proposal, log


def counts(findings, column: str) -> dict[str, int]:
    return findings[column].astype(str).value_counts().to_dict()


def test_kreis_export_imports_untouched_and_its_burdens_are_found(tmp_path):
    _proposal, log = proposed_and_imported(tmp_path, KREIS_EXPORT, name="kreis.csv")
    frame = log.frame
    assert frame[schema.MEDIUM].to_list() == [
        "online",
        "paper",
        "efile",
        "efile",
        None,  # "Brieftaube": unknown, missing
        "in_person",
        "efile",
    ]
    assert frame[schema.LEVEL].to_list() == [
        "municipality",
        "county",
        "county",
        "state",
        "county",
        "municipality",
        "county",
    ]
    found = run_detectors(frame)
    by_detector = counts(found, schema.FINDING_DETECTOR)
    assert by_detector["media_breaks"] == 3
    assert by_detector["manual_reentry"] == 1
    assert by_detector["duplicate_responsibility"] == 1
    assert "ping_pong" not in by_detector
    media = found[found[schema.FINDING_DETECTOR] == "media_breaks"]
    assert sorted(media[schema.FINDING_RULE].astype(str)) == [
        "analogue_to_digital",
        "analogue_to_digital",
        "digital_to_analogue",
    ]
    duplicate = found[found[schema.FINDING_DETECTOR] == "duplicate_responsibility"]
    assert duplicate[schema.ACTIVITY].astype(str).tolist() == ["Antrag prüfen"]
    assert duplicate[schema.LEVEL].astype(str).tolist() == ["state"]
    reentry = found[found[schema.FINDING_DETECTOR] == "manual_reentry"]
    assert reentry[schema.FINDING_RULE].astype(str).tolist() == ["reentry_of_digital_data"]


def test_stadt_export_with_an_unknown_channel_infers_it_and_finds_the_ping_pong(tmp_path):
    _proposal, log = proposed_and_imported(tmp_path, STADT_EXPORT, name="stadt.csv")
    assert log.frame[schema.MEDIUM].to_list() == [
        "online",
        None,  # "Sonstiges": missing, inferred by the detectors from "ausdrucken"
        "fax",
        "fax",
        "fax",
        "efile",
    ]
    found = run_detectors(log.frame)
    media = found[found[schema.FINDING_DETECTOR] == "media_breaks"]
    assert sorted(media[schema.FINDING_RULE].astype(str)) == [
        "analogue_to_digital",
        "digital_to_analogue",
    ]
    inferred = media[media[schema.FINDING_RULE].astype(str) == "digital_to_analogue"]
    assert inferred[schema.FINDING_INFERRED].tolist() == [True]
    ping_pong = found[found[schema.FINDING_DETECTOR] == "ping_pong"]
    assert len(ping_pong) == 2


def test_values_beyond_the_sample_import_as_missing(tmp_path):
    # the proposal sees three rows; "Brieftaube", "Servicetheke", "Scanstelle", "Landesbetrieb"
    # come later, and the proposal's default = "" takes them
    proposal, log = proposed_and_imported(
        tmp_path, KREIS_EXPORT, name="kreis_head.csv", sample_rows=3
    )
    assert "Landesbetrieb" not in proposal.values["level"]
    assert proposal.value_defaults == {"level": "", "medium": ""}
    assert log.frame[schema.LEVEL].to_list()[3] is None
    assert log.frame[schema.MEDIUM].to_list()[4:] == [None, None, None]


@pytest.mark.parametrize(
    "channels",
    [
        ["Kundenportal", "default", "Gelbe Karte", 'Anführung "x"', "  Ämter  "],
        ["Zettel", "Holzweg", "paper", "Papier", "über Dritte"],
        ["1", "2", "3", "x/y", "#7"],
    ],
)
def test_a_proposal_never_writes_a_mapping_its_own_import_refuses(tmp_path, channels):
    rows = "\n".join(
        f"F-{i};Schritt {i};0{i + 1}.01.2026 10:00;{c}" for i, c in enumerate(channels)
    )
    text = "Aktenzeichen;Tätigkeit;Zeitpunkt;Kanal\n" + rows + "\n"
    proposal, log = proposed_and_imported(tmp_path, text, name="property.csv")
    assert proposal.columns["medium"] == "Kanal"
    assert log.frame.height == len(channels)
    allowed = set(schema.FIELDS_BY_KEY["medium"].allowed)
    assert set(log.frame[schema.MEDIUM].drop_nulls().to_list()) <= allowed


def test_value_guesses_say_what_was_guessed_how_and_how_often():
    values = pl.Series(
        "Kanal",
        ["Bürgerportal", "Bürgerportal", "Onlne-Antrag", "Brieftaube", "paper", "DMS", None],
    )
    guesses = {g.value: (g.rows, g.target, g.how) for g in value_guesses(values, "medium")}
    assert guesses == {
        "Bürgerportal": (2, "online", "word_part"),
        "Onlne-Antrag": (1, "online", "similar"),
        "Brieftaube": (1, "", "unknown"),
        "paper": (1, "paper", "canonical"),
        "DMS": (1, "efile", "known_word"),
    }


def test_proposal_lines_are_plain_text_in_either_language():
    sample = pl.DataFrame(
        {
            "Aktenzeichen": ["A", "A"],
            "Tätigkeit": ["x", "y"],
            "Zeitpunkt": ["01.01.2026 10:00", "02.01.2026 10:00"],
            "Kanal": ["Bürgerportal", "Brieftaube"],
        }
    )
    proposal = propose_mapping(sample, source="x.csv")
    german = proposal_lines(proposal, language="de")
    english = proposal_lines(proposal, language="en")
    assert "  „Bürgerportal“ (1 Zeile) → online [?]: Wortteil „portal“" in german
    assert "  „Brieftaube“ (1 row) → missing [?]: unknown: missing, inferred" in english
    assert not any("[/" in line or "[yellow" in line for line in german + english)


def test_default_and_missing_values_in_a_mapping(tmp_path):
    mapping = mapping_from_dict(
        {
            "columns": {"case": "c", "activity": "a", "timestamp": "t", "medium": "m"},
            "values": {"medium": {"Zettel": "paper", "egal": "", "default": "online"}},
        }
    )
    assert mapping.values["medium"] == {"Zettel": "paper", "egal": ""}
    assert mapping.value_defaults == {"medium": "online"}
    path = tmp_path / "d.csv"
    path.write_text(
        "c;a;t;m\n1;x;01.01.2026 10:00;Zettel\n1;y;01.01.2026 11:00;egal\n"
        "1;z;01.01.2026 12:00;irgendwas\n1;w;01.01.2026 13:00;fax\n",
        encoding="utf-8",
    )
    log = read_event_log(path, mapping=mapping)
    assert log.frame[schema.MEDIUM].to_list() == ["paper", None, "online", "fax"]


def test_a_typo_in_a_default_or_a_value_still_fails_with_the_closest_value():
    with pytest.raises(InputError) as caught:
        mapping_from_dict(
            {
                "columns": {"case": "c", "activity": "a", "timestamp": "t", "medium": "m"},
                "values": {"medium": {"Zettel": "papr", "default": "onlin"}},
            }
        )
    messages = [p.en for p in caught.value.problems]
    assert len(messages) == 2
    assert "did you mean 'paper'?" in messages[0]
    assert "did you mean 'online'?" in messages[1]
