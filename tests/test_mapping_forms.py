"""Mapping forms for real exports: a case attribute as the first event's medium, an activity
built from several columns, and a warning when a value translation merges neighbours."""

from __future__ import annotations

import pytest

from analyzer import schema
from analyzer.detectors import detect_media_breaks
from analyzer.problems import InputError
from connectors.mapping import mapping_from_dict, mapping_text, read_mapping
from connectors.reading import read_event_log

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace>
    <string key="concept:name" value="C1"/>
    <string key="channel" value="Web"/>
    <event>
      <string key="concept:name" value="Pruefen"/>
      <date key="time:timestamp" value="2026-01-05T10:00:00+01:00"/>
    </event>
    <event>
      <string key="concept:name" value="Eingang"/>
      <date key="time:timestamp" value="2026-01-05T09:00:00+01:00"/>
    </event>
    <event>
      <string key="concept:name" value="Bestaetigung ausdrucken"/>
      <date key="time:timestamp" value="2026-01-06T09:00:00+01:00"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="C2"/>
    <string key="channel" value="Hausintern"/>
    <event>
      <string key="concept:name" value="Eingang"/>
      <date key="time:timestamp" value="2026-01-05T09:00:00+01:00"/>
    </event>
  </trace>
</log>
"""

FIRST_EVENT = {
    "columns": {"medium_of_first_event": "case:channel"},
    "values": {"medium": {"Web": "online", "Hausintern": ""}},
}


def test_a_case_attribute_is_the_medium_of_the_first_event_only_xes(tmp_path):
    path = tmp_path / "tiny.xes"
    path.write_text(XES, encoding="utf-8")
    log = read_event_log(path, mapping=mapping_from_dict(FIRST_EVENT))
    frame = log.frame.sort(schema.CASE, schema.TIMESTAMP)
    assert frame[schema.ACTIVITY].to_list() == [
        "Eingang",
        "Pruefen",
        "Bestaetigung ausdrucken",
        "Eingang",
    ]
    # by time, not by the file's order: "Eingang" is C1's first event
    assert frame[schema.MEDIUM].to_list() == ["online", None, None, None]
    assert "case:channel" in frame.columns  # the attribute itself stays
    assert "mapping:medium_of_first_event" not in frame.columns
    # the online application, then the print (inferred): one media break
    found = detect_media_breaks(frame)
    assert found[schema.FINDING_RULE].astype(str).tolist() == ["digital_to_analogue"]
    assert found[schema.FINDING_INFERRED].tolist() == [True]


def test_a_case_attribute_as_first_medium_in_a_csv_keeps_given_media(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        "Az;Schritt;Zeitpunkt;Weg;Kanal\n"
        "1;b;02.01.2026 10:00;Schalter;fax\n"
        "1;a;01.01.2026 10:00;Schalter;\n"
        "2;a;01.01.2026 10:00;Telefon;Brief\n",
        encoding="utf-8",
    )
    mapping = mapping_from_dict(
        {
            "columns": {
                "case": "Az",
                "activity": "Schritt",
                "timestamp": "Zeitpunkt",
                "medium": "Kanal",
                "medium_of_first_event": "Weg",
            },
            "values": {"medium": {"Schalter": "in_person", "Telefon": "phone", "Brief": "post"}},
        }
    )
    frame = read_event_log(path, mapping=mapping).frame
    # case 1: its first event (a) had no medium and takes the attribute's; case 2's own wins
    assert frame[schema.MEDIUM].to_list() == ["fax", "in_person", "post"]


def test_first_event_medium_reads_back_from_the_written_mapping(tmp_path):
    mapping = mapping_from_dict(FIRST_EVENT)
    path = tmp_path / "m.mapping.toml"
    path.write_text(mapping_text(mapping), encoding="utf-8")
    again = read_mapping(path)
    assert again.medium_of_first_event == "case:channel"
    assert again.values == mapping.values


def test_an_activity_from_several_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "Az;Code;Bezeichnung;Zeitpunkt\n"
        "1;A12;Rechnung prüfen;01.01.2026 10:00\n"
        "1;A13;;01.01.2026 11:00\n",
        encoding="utf-8",
    )
    mapping = mapping_from_dict(
        {"columns": {"case": "Az", "activity": ["Code", "Bezeichnung"], "timestamp": "Zeitpunkt"}}
    )
    frame = read_event_log(path, mapping=mapping).frame
    assert frame[schema.ACTIVITY].to_list() == ["A12 · Rechnung prüfen", "A13"]
    written = tmp_path / "a.mapping.toml"
    written.write_text(mapping_text(mapping), encoding="utf-8")
    assert read_mapping(written).joined == {"activity": ("Code", "Bezeichnung")}


def test_several_columns_only_for_text_columns():
    with pytest.raises(InputError) as caught:
        mapping_from_dict({"columns": {"timestamp": ["Datum", "Uhrzeit"]}})
    assert caught.value.problems[0].code == "mapping.column_value"


def test_a_translation_merging_neighbouring_labels_is_warned_about(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(
        "Az;Schritt;Zeitpunkt\n"
        "1;Prüfung Teil 1;01.01.2026 10:00\n"
        "1;Prüfung Teil 2;01.01.2026 11:00\n"
        "1;Bescheid;01.01.2026 12:00\n"
        "2;Prüfung Teil 2;01.01.2026 10:00\n"
        "2;Bescheid;01.01.2026 11:00\n",
        encoding="utf-8",
    )
    mapping = mapping_from_dict(
        {
            "columns": {"case": "Az", "activity": "Schritt", "timestamp": "Zeitpunkt"},
            "values": {"activity": {"Prüfung Teil 1": "Prüfung", "Prüfung Teil 2": "Prüfung"}},
        }
    )
    log = read_event_log(path, mapping=mapping)
    merged = [p for p in log.problems if p.code == "mapping.labels_merged"]
    assert len(merged) == 1
    assert merged[0].en.startswith(
        "[values.activity] turns 'Prüfung Teil 1' and 'Prüfung Teil 2' into the same step "
        "'Prüfung', and they follow each other 1×"
    )
    assert log.frame[schema.ACTIVITY].to_list()[:2] == ["Prüfung", "Prüfung"]


def test_merged_labels_are_warned_about_in_an_xes_file_too(tmp_path):
    path = tmp_path / "tiny.xes"
    path.write_text(XES.replace("Eingang", "Eingang Post", 1), encoding="utf-8")
    mapping = mapping_from_dict(
        {"values": {"activity": {"Eingang Post": "Eingang", "Pruefen": "Eingang"}}}
    )
    log = read_event_log(path, mapping=mapping)
    merged = [p for p in log.problems if p.code == "mapping.labels_merged"]
    # C1 in the file's order: Pruefen, then Eingang Post: both become "Eingang"
    assert [p.en.split(", and")[0] for p in merged] == [
        "[values.activity] turns 'Pruefen' and 'Eingang Post' into the same step 'Eingang'"
    ]
