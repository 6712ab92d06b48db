"""Mapping files: reading and checking, applying, proposing, writing, the map command."""

from __future__ import annotations

import tomllib

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analyzer import schema, vocabulary
from analyzer.problems import InputError
from connectors.delimited import read_csv_log
from connectors.mapping import (
    Mapping,
    SourceHints,
    apply_mapping,
    automatic_mapping,
    mapping_names,
    propose_mapping,
    read_mapping,
    write_mapping,
)

FULL = """# Amtsweg-Zuordnung / mapping for export.csv
[source]
format = "csv"
delimiter = ";"
encoding = "cp1252"
decimal = ","
sheet = "Vorgänge"
timezone = "Europe/Berlin"
object_type = "Antrag"
[columns]
case = "Aktenzeichen"
activity = "Tätigkeit"
timestamp = "Zeitpunkt"
medium = "Kanal"
[values.medium]
"Papier" = "paper"
"Online-Antrag" = "online"
[values.level]
"Gemeinde" = "municipality"
[constants]
level = "municipality"
[drop]
columns = ["Name", "Geburtsdatum"]
"""


def mapping_file(tmp_path, text: str, name: str = "m.mapping.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_full_mapping(tmp_path):
    m = read_mapping(mapping_file(tmp_path, FULL))
    assert m.source == SourceHints(
        format="csv",
        delimiter=";",
        encoding="cp1252",
        decimal=",",
        sheet="Vorgänge",
        timezone="Europe/Berlin",
        object_type="Antrag",
    )
    assert m.columns == {
        "case": "Aktenzeichen",
        "activity": "Tätigkeit",
        "timestamp": "Zeitpunkt",
        "medium": "Kanal",
    }
    assert m.values == {
        "medium": {"Papier": "paper", "Online-Antrag": "online"},
        "level": {"Gemeinde": "municipality"},
    }
    assert m.constants == {"level": "municipality"}
    assert m.drop == ("Name", "Geburtsdatum")
    assert m.lines["columns.activity"] == 12
    assert mapping_names(m) == {
        schema.CASE: "Aktenzeichen",
        schema.ACTIVITY: "Tätigkeit",
        schema.TIMESTAMP: "Zeitpunkt",
        schema.MEDIUM: "Kanal",
    }


def test_typo_key_names_file_line_key_and_closest(tmp_path):
    path = mapping_file(tmp_path, FULL.replace('activity = "Tätigkeit"', 'activty = "Tätigkeit"'))
    with pytest.raises(InputError) as info:
        read_mapping(path)
    [p] = info.value.problems
    assert (p.code, p.file, p.row, p.column) == ("mapping.unknown_key", str(path), 12, "activty")
    assert "meinten Sie „activity“" in p.de and "did you mean 'activity'" in p.en


def test_every_problem_at_once(tmp_path):
    text = (
        "[sorce]\n"
        'delimiter = ";"\n'
        "[columns]\n"
        'case = "AZ"\n'
        "timestamp = 3\n"
        "[values.medium]\n"
        '"Papier" = "papier"\n'
        "[constants]\n"
        'level = "Gemeinde"\n'
        'case = "x"\n'
        "[drop]\n"
        'colums = ["Name"]\n'
    )
    path = mapping_file(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_mapping(path)
    found = [(p.code, p.row, p.column, p.value) for p in info.value.problems]
    assert found == [
        ("mapping.unknown_key", 1, "sorce", None),
        ("mapping.column_value", 5, "timestamp", "3"),
        ("mapping.value_unknown", 7, "medium", "papier"),
        ("mapping.value_unknown", 9, "level", "Gemeinde"),
        ("mapping.constant_and_column", 10, "case", None),
        ("mapping.unknown_key", 12, "colums", None),
    ]
    by_code = {p.column: p for p in info.value.problems}
    assert "meinten Sie „source“" in by_code["sorce"].de
    assert "meinten Sie „paper“" in by_code["medium"].de
    assert "meinten Sie „municipality“" in by_code["level"].de


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('format = "pdf"', "mapping.source_value"),
        ('timezone = "Europe/Bonn"', "mapping.source_value"),
        ('encoding = "klingon"', "mapping.source_value"),
        ('delimiter = ";;"', "mapping.source_value"),
        ("header_row = 0", "mapping.source_value"),
    ],
)
def test_bad_source_hints(tmp_path, line, code):
    with pytest.raises(InputError) as info:
        read_mapping(mapping_file(tmp_path, f"[source]\n{line}\n"))
    assert [(p.code, p.row) for p in info.value.problems] == [(code, 2)]


def test_toml_syntax_error_names_the_line(tmp_path):
    path = mapping_file(tmp_path, "[columns]\ncase = Aktenzeichen\n")
    with pytest.raises(InputError) as info:
        read_mapping(path)
    p = info.value.problems[0]
    assert (p.code, p.row, p.file) == ("mapping.syntax", 2, str(path))


def test_missing_mapping_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_mapping(tmp_path / "nope.toml")
    assert info.value.problems[0].code == "mapping.not_found"


RAW = pl.DataFrame(
    {
        "Aktenzeichen": ["1", "2", "3"],
        "Tätigkeit": ["a", "b", "c"],
        "Zeitpunkt": ["23.11.2026", "24.11.2026", "25.11.2026"],
        "Kanal": ["Papier", " papier ", "Brieftaube"],
        "Name": ["X", "Y", "Z"],
        "Geburtsdatum": ["1.1.1970", "2.2.1980", "3.3.1990"],
        "Bemerkung": ["r", "s", "t"],
        schema.SOURCE_ROW: [2, 3, 4],
    }
)


def test_apply_mapping_renames_maps_values_adds_constants_drops(tmp_path):
    m = read_mapping(mapping_file(tmp_path, FULL))
    out = apply_mapping(RAW, m, source="export.csv")
    expected = pl.DataFrame(
        {
            schema.CASE: ["1", "2", "3"],
            schema.ACTIVITY: ["a", "b", "c"],
            schema.TIMESTAMP: ["23.11.2026", "24.11.2026", "25.11.2026"],
            # exact, then ignoring case and spaces; unknown values stay for validation
            schema.MEDIUM: ["paper", "paper", "Brieftaube"],
            "Bemerkung": ["r", "s", "t"],
            schema.SOURCE_ROW: [2, 3, 4],
            schema.LEVEL: ["municipality"] * 3,
        }
    )
    assert_frame_equal(out, expected)
    lazy = apply_mapping(RAW.lazy(), m, source="export.csv")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), expected)
    assert RAW.columns[0] == "Aktenzeichen"  # input untouched


def test_drop_unmapped(tmp_path):
    text = '[columns]\ncase = "Aktenzeichen"\nactivity = "Tätigkeit"\n[drop]\nunmapped = true\n'
    out = apply_mapping(RAW, read_mapping(mapping_file(tmp_path, text)), source="x")
    assert out.columns == [schema.CASE, schema.ACTIVITY, schema.SOURCE_ROW]


def test_mapping_naming_a_column_the_file_lacks(tmp_path):
    """Acceptance: the message names the mapping file, the key, the missing column and the
    columns that do exist."""
    csv = tmp_path / "export.csv"
    csv.write_bytes("Aktenzeichen;Tätigkeit;Zeitpunkt\n1;a;23.11.2026\n".encode("cp1252"))
    text = '[columns]\ncase = "Aktenzeichen"\nactivity = "Tätigkeit"\ntimestamp = "Zeitpnukt"\n'
    path = mapping_file(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_csv_log(csv, mapping=path)
    [p] = info.value.problems
    assert p.code == "mapping.column_not_in_file"
    assert p.file == str(path) and p.row == 4
    assert p.column == "Zeitpnukt" and p.value == "timestamp"
    assert "„Aktenzeichen“, „Tätigkeit“, „Zeitpunkt“" in p.de
    assert "Meinten Sie „Zeitpunkt“?" in p.de
    assert str(csv) in p.de


def test_drop_naming_a_column_the_file_lacks(tmp_path):
    text = '[columns]\ncase = "Aktenzeichen"\n[drop]\ncolumns = ["Geburtstag"]\n'
    with pytest.raises(InputError) as info:
        apply_mapping(RAW, read_mapping(mapping_file(tmp_path, text)), source="x.csv")
    [p] = info.value.problems
    assert (p.code, p.column, p.row) == ("mapping.column_not_in_file", "Geburtstag", 4)


# --- proposals ---------------------------------------------------------------------------------

GERMAN_SAMPLE = pl.DataFrame(
    {
        "Aktenzeichen": ["BA-1", "BA-1", "BA-2"],
        "Vorgang": ["Bauantrag", "Bauantrag", "Bauantrag"],
        "Tätigkeit": ["Antrag prüfen", "Bescheid", "Antrag prüfen"],
        "Zeitpunkt": ["23.11.2026 14:05", "24.11.2026 09:00", "25.11.2026 10:00"],
        "Sachbearbeiter": ["Müller", "Müller", "Schmidt"],
        "Amt": ["Bauamt", "Bauamt", "Bauamt"],
        "Kanal": ["Papier", "Online-Antrag", "E-Mail"],
        "Geburtsdatum": ["01.01.1970", "01.01.1970", "02.02.1980"],
        "Bemerkung": ["x", "y", "z"],
    }
)


def test_propose_on_german_headers():
    m = propose_mapping(GERMAN_SAMPLE, source="export.csv")
    assert m.columns == {
        "case": "Aktenzeichen",
        "activity": "Tätigkeit",
        "timestamp": "Zeitpunkt",
        "resource": "Sachbearbeiter",
        "org_unit": "Amt",
        "medium": "Kanal",
    }
    assert m.values == {"medium": {"Papier": "paper", "Online-Antrag": "online", "E-Mail": "email"}}
    assert m.drop == ("Geburtsdatum",)
    how = {r.column: (r.key, r.how) for r in m.recognitions}
    assert how["Aktenzeichen"] == ("case", "header")
    assert how["Vorgang"] == (None, "unmapped")
    assert how["Geburtsdatum"] == (None, "personal")
    assert how["Bemerkung"] == (None, "unmapped")
    case = next(r for r in m.recognitions if r.key == "case")
    assert case.alternatives == ("„Vorgang“",)  # also fitted, and the file says so


def test_propose_from_normalised_and_similar_headers():
    sample = pl.DataFrame(
        {
            "AKTENZEICHEN ": ["1"],
            "Taetigkeit": ["a"],
            "Datum / Uhrzeit": ["23.11.2026 14:05"],
            "Organisationseinheiten": ["Bauamt"],
        }
    )
    m = propose_mapping(sample, source="x")
    how = {r.column: (r.key, r.how) for r in m.recognitions}
    assert how["AKTENZEICHEN "] == ("case", "header")
    assert how["Taetigkeit"] == ("activity", "header")
    assert how["Datum / Uhrzeit"] == ("timestamp", "normalised_header")
    assert how["Organisationseinheiten"] == ("org_unit", "similar_header")


def test_propose_from_values():
    sample = pl.DataFrame(
        {
            "Nr": ["1", "2", "3", "4"],
            "Was": ["a", "b", "c", "d"],
            "Eingang": ["Papier", "Online", "E-Mail", "Fax"],
            "Zuständig": ["Gemeinde", "Kreis", "Land", "Gemeinde"],
            "Wann": ["23.11.2026 14:05", "24.11.2026 09:00", "25.11.2026 10:00", "1.12.2026 8:00"],
            "Stichtag": ["23.11.2026", "24.11.2026", "25.11.2026", "26.11.2026"],
        }
    )
    m = propose_mapping(sample, source="x")
    how = {r.column: (r.key, r.how) for r in m.recognitions}
    assert how["Eingang"] == ("medium", "values")
    assert how["Zuständig"] == ("level", "values")
    assert how["Wann"] == ("timestamp", "timestamps")  # times of day beat plain dates
    assert how["Nr"] == (None, "unmapped") and how["Was"] == (None, "unmapped")
    assert m.values["medium"] == {
        "Papier": "paper",
        "Online": "online",
        "E-Mail": "email",
        "Fax": "fax",
    }
    assert m.values["level"] == {"Gemeinde": "municipality", "Kreis": "county", "Land": "state"}
    # case and activity cannot be told from values: a file read without mapping is refused
    with pytest.raises(InputError) as info:
        automatic_mapping(sample, source="x.csv")
    assert [p.column for p in info.value.problems] == ["case", "activity", "timestamp"]
    assert "amtsweg map x.csv" in info.value.problems[0].de


def test_header_named_like_timestamp_without_timestamps_is_not_taken():
    sample = pl.DataFrame(
        {"Aktenzeichen": ["1"], "Tätigkeit": ["a"], "Datum": ["gestern"], "Ende": ["23.11.2026"]}
    )
    m = propose_mapping(sample, source="x")
    assert m.columns["timestamp"] == "Ende"
    datum = next(r for r in m.recognitions if r.column == "Datum")
    assert datum.key is None and "keine Zeitpunkte" in datum.note_de


def test_automatic_mapping_holds_back_values_that_need_mapping():
    mapping, note = automatic_mapping(GERMAN_SAMPLE, source="export.csv")
    assert "medium" not in mapping.columns and mapping.values == {} and mapping.drop == ()
    assert mapping.columns["case"] == "Aktenzeichen"
    assert "„Kanal“ hat Werte" in note.de


def test_unrecognised_values_are_listed():
    sample = GERMAN_SAMPLE.with_columns(pl.Series("Kanal", ["Papier", "Bote", "Brieftaube"]))
    m = propose_mapping(sample, source="x")
    assert m.unrecognised_values == {"medium": ("Bote", "Brieftaube")}


def test_written_mapping_reads_back_and_is_commented(tmp_path):
    m = propose_mapping(GERMAN_SAMPLE, source="export.csv")
    path = write_mapping(m, tmp_path / "export.mapping.toml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Amtsweg-Zuordnung für export.csv / Amtsweg mapping for export.csv")
    assert "# Vorgang (Fall-ID): Spaltenname erkannt / case id: header recognised" in text
    assert "„Bemerkung“" in text  # not mapped, and said so
    assert "# level = " in text  # not recognised keys appear as commented lines
    assert "vermutlich personenbezogen" in text.lower() or "Vermutlich personenbezogen" in text
    tomllib.loads(text)
    again = read_mapping(path)
    assert again.columns == m.columns and again.values == m.values and again.drop == m.drop
    # and it imports the file it was proposed for
    csv = tmp_path / "export.csv"
    GERMAN_SAMPLE.write_csv(csv, separator=";")
    log = read_csv_log(csv, mapping=path)
    assert log.frame[schema.MEDIUM].to_list() == ["paper", "online", "email"]
    assert "Geburtsdatum" not in log.frame.columns


def test_write_and_read_back_a_full_mapping(tmp_path):
    m = Mapping(
        columns={"case": "AZ", "activity": 'Schritt "neu"'},
        values={"level": {"Kreis": "county"}},
        constants={"municipality": "Musterstadt"},
        drop=("Name",),
        drop_unmapped=True,
        source=SourceHints(delimiter="\t", encoding="utf-8", header_row=2),
    )
    again = read_mapping(write_mapping(m, tmp_path / "m.toml"))
    for attribute in ("columns", "values", "constants", "drop", "drop_unmapped", "source"):
        assert getattr(again, attribute) == getattr(m, attribute)


def test_vocabulary_lookups():
    assert vocabulary.medium_of("Online-Antrag") == schema.Medium.ONLINE
    assert vocabulary.medium_of("per Post") == schema.Medium.POST
    assert vocabulary.medium_of("E-Mail") == schema.Medium.EMAIL
    assert vocabulary.medium_of("Brieftaube") is None
    assert vocabulary.level_of("Landratsamt Musterkreis") == schema.Level.COUNTY
    assert vocabulary.level_of("Gemeinde") == schema.Level.MUNICIPALITY
    assert vocabulary.level_of("Land") == schema.Level.STATE
    assert vocabulary.normalise_term("Datum/Uhrzeit") == "datumuhrzeit"
    assert vocabulary.looks_personal("Geburtsdatum") and not vocabulary.looks_personal("Amt")


# --- the map command ---------------------------------------------------------------------------


def test_map_command_writes_a_proposal_and_never_overwrites(tmp_path, capsys):
    from app.cli.main import main

    csv = tmp_path / "export.csv"
    csv.write_bytes(
        "Vorgangsliste\r\nAktenzeichen;Tätigkeit;Zeitpunkt;Kanal\r\n1;a;23.11.2026;Papier\r\n".encode(
            "cp1252"
        )
    )
    assert main(["map", str(csv)]) == 0
    target = tmp_path / "export.mapping.toml"
    m = read_mapping(target)
    assert m.columns == {
        "case": "Aktenzeichen",
        "activity": "Tätigkeit",
        "timestamp": "Zeitpunkt",
        "medium": "Kanal",
    }
    assert m.values == {"medium": {"Papier": "paper"}}
    assert m.source.encoding == "cp1252" and m.source.header_row == 2
    out = capsys.readouterr().out
    # the proposal lies beside the file, where every command finds it: no --mapping needed
    assert "amtsweg import" in out and "--mapping" not in out and "Aktenzeichen" in out
    assert "„Papier“ (1 Zeile) → paper" in out  # what was guessed, with counts
    assert "[/" not in out and "[yellow" not in out
    before = target.read_text(encoding="utf-8")
    assert main(["map", str(csv)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == before
    assert main(["map", str(csv), "--out", str(tmp_path / "other.toml"), "--force"]) == 0
    assert read_csv_log(csv, mapping=tmp_path / "other.toml").frame[schema.MEDIUM].to_list() == [
        "paper"
    ]
