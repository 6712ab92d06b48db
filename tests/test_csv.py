"""Reading and writing delimited files: encodings, delimiters, German forms, bad inputs."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analyzer import schema
from analyzer.problems import InputError, Severity
from connectors.delimited import (
    csv_layout,
    detect_delimiter,
    detect_encoding,
    read_csv_log,
    write_csv_log,
)
from connectors.mapping import read_mapping
from connectors.reading import read_event_log

C, A, T = schema.CASE, schema.ACTIVITY, schema.TIMESTAMP
UTC_US = pl.Datetime("us", "UTC")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


GERMAN = (
    "Aktenzeichen;Vorgang;Tätigkeit;Zeitpunkt;Sachbearbeiter;Amt;Kanal;Gebühr\r\n"
    "007;Bauantrag;Antrag prüfen;23.11.2026 14:05;Müller;Bauamt;paper;12,50\r\n"
    "007;Bauantrag;Bescheid „erstellen“;24.11.2026 09:30;Müller;Bauamt;post;3\r\n"
    "008;Bauantrag;Antrag prüfen;25.11.2026 10:00;Schmidt;Bauamt;online;\r\n"
)


def test_semicolon_cp1252_german_dates_decimal_comma(tmp_path):
    path = write(tmp_path, "export.csv", GERMAN.encode("cp1252"))
    log = read_csv_log(path)
    expected = pl.DataFrame(
        {
            C: ["007", "007", "008"],
            A: ["Antrag prüfen", "Bescheid „erstellen“", "Antrag prüfen"],
            T: [utc(2026, 11, 23, 13, 5), utc(2026, 11, 24, 8, 30), utc(2026, 11, 25, 9, 0)],
            schema.RESOURCE: ["Müller", "Müller", "Schmidt"],
            schema.EVENT_ID: ["2", "3", "4"],
            schema.ORG_UNIT: ["Bauamt", "Bauamt", "Bauamt"],
            schema.MEDIUM: ["paper", "post", "online"],
            schema.SOURCE_ROW: [2, 3, 4],
            "Vorgang": ["Bauantrag", "Bauantrag", "Bauantrag"],
            "Gebühr": [12.5, 3.0, None],
        },
        schema_overrides={T: UTC_US},
    )
    assert_frame_equal(log.frame, expected)
    assert log.details["encoding"] == "cp1252"
    assert log.details["delimiter"] == ";"
    assert log.details["decimal"] == ","
    # the automatic mapping is reported, never silent
    note = [p for p in log.problems if p.code == "mapping.automatic"]
    assert note and "Aktenzeichen" in note[0].de and "amtsweg map" in note[0].de


def test_utf8_with_bom(tmp_path):
    data = "\ufeffAktenzeichen;Tätigkeit;Zeitpunkt\nA-1;Prüfen;23.11.2026 14:05:09\n"
    path = write(tmp_path, "bom.csv", data.encode("utf-8"))
    assert detect_encoding(path) == "utf-8-sig"
    log = read_csv_log(path)
    assert log.frame[C].to_list() == ["A-1"]
    assert log.frame[A].to_list() == ["Prüfen"]
    assert log.frame[T].to_list() == [utc(2026, 11, 23, 13, 5, 9)]


def test_utf16_with_bom(tmp_path):
    data = "Aktenzeichen\tTätigkeit\tZeitpunkt\r\nA-1\tÄndern\t2026-11-23\r\n"
    path = write(tmp_path, "u16.txt", data.encode("utf-16"))
    assert detect_encoding(path) == "utf-16"
    log = read_csv_log(path)
    assert log.details["delimiter"] == "\t"
    assert log.frame[A].to_list() == ["Ändern"]
    assert log.frame[T].to_list() == [utc(2026, 11, 22, 23, 0)]


def test_comma_iso_with_offsets(tmp_path):
    data = (
        "case:concept:name,concept:name,time:timestamp,amount\n"
        "c1,register,2026-03-29T01:30:00+01:00,1.5\n"
        "c1,decide,2026-03-29T03:30:00+02:00,2\n"
        "c2,register,2026-11-23T14:05:00Z,\n"
    )
    path = write(tmp_path, "std.csv", data.encode())
    log = read_csv_log(path)
    expected = pl.DataFrame(
        {
            C: ["c1", "c1", "c2"],
            A: ["register", "decide", "register"],
            T: [utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), utc(2026, 11, 23, 14, 5)],
            schema.EVENT_ID: ["2", "3", "4"],
            schema.SOURCE_ROW: [2, 3, 4],
            "amount": [1.5, 2.0, None],
        },
        schema_overrides={T: UTC_US},
    )
    assert_frame_equal(log.frame, expected)
    assert log.details["encoding"] == "utf-8"
    assert log.details["decimal"] == "."


def test_two_digit_years_and_date_only(tmp_path):
    data = "Aktenzeichen;Tätigkeit;Zeitpunkt\n1;a;23.11.26\n2;b;01.02.70 08:15\n"
    log = read_csv_log(write(tmp_path, "yy.csv", data.encode()))
    assert log.frame[T].to_list() == [utc(2026, 11, 22, 23, 0), utc(1970, 2, 1, 7, 15)]


def test_title_lines_blank_lines_and_multiline_fields_keep_line_numbers(tmp_path):
    data = (
        "Vorgangsliste Bauamt Musterstadt;;\r\n"
        "Stand: 01.12.2026;;\r\n"
        "\r\n"
        "Aktenzeichen;Tätigkeit;Zeitpunkt\r\n"  # line 4
        'A;"Bescheid\r\nerstellen";23.11.2026 14:05\r\n'  # lines 5-6
        "\r\n"  # line 7
        ";;\r\n"  # line 8
        "B;Prüfen;24.11.2026 10:00\r\n"  # line 9
    )
    path = write(tmp_path, "title.csv", data.encode("cp1252"))
    assert csv_layout(path).header_line == 4
    log = read_csv_log(path)
    assert log.frame[schema.SOURCE_ROW].to_list() == [5, 9]
    assert log.frame[A].to_list() == ["Bescheid\r\nerstellen", "Prüfen"]
    assert log.details["header_line"] == 4


def test_ids_stay_text_and_numbers_are_typed(tmp_path):
    data = (
        "Aktenzeichen;Tätigkeit;Zeitpunkt;PLZ;Anzahl;Betrag;Kapitel\n"
        "007;a;23.11.2026;01067;3;1.234,50;3.10\n"
        "010;b;24.11.2026;10115;-2;7;2.1\n"
    )
    log = read_csv_log(write(tmp_path, "types.csv", data.encode()))
    frame = log.frame
    assert frame[C].to_list() == ["007", "010"]
    assert frame["PLZ"].dtype == pl.String and frame["PLZ"].to_list() == ["01067", "10115"]
    assert frame["Anzahl"].dtype == pl.Int64 and frame["Anzahl"].to_list() == [3, -2]
    assert frame["Betrag"].to_list() == [1234.5, 7.0]
    # with decimal comma, "3.10" is no number: the chapter stays text
    assert frame["Kapitel"].to_list() == ["3.10", "2.1"]


def test_cp1252_and_latin1_are_told_apart(tmp_path):
    euro = write(tmp_path, "euro.csv", "Aktenzeichen;Betrag\n1;5 €\n".encode("cp1252"))
    assert detect_encoding(euro) == "cp1252"
    plain = write(tmp_path, "plain.csv", "Aktenzeichen;Straße\n1;Grüne Au\n".encode("latin-1"))
    assert detect_encoding(plain) == "cp1252"  # identical bytes; cp1252 is the superset
    latin = write(tmp_path, "latin.csv", b"Aktenzeichen;Text\n1;a\x81b\xe4\n")
    assert detect_encoding(latin) == "latin-1"


def test_mixed_encoding_is_refused_with_line(tmp_path):
    data = "Aktenzeichen;Tätigkeit\n1;Prüfen\n".encode() + "2;Prüfen\n".encode("cp1252")
    path = write(tmp_path, "mixed.csv", data)
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    p = info.value.problems[0]
    assert p.code == "csv.mixed_encoding" and p.row == 3 and p.file == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('a,b,c\n1,"x;y;z",3\n4,"p;q",6\n', ","),
        ("Titel, mit Komma\na;b;c\n1;2;3\n4;5;6\n", ";"),
    ],
)
def test_delimiter_detection(text, expected):
    assert detect_delimiter(text) == expected


# --- bad inputs -------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = write(tmp_path, "empty.csv", b"")
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    assert info.value.problems[0].code == "file.empty"
    assert info.value.problems[0].file == str(path)


def test_header_only(tmp_path):
    path = write(tmp_path, "head.csv", b"Aktenzeichen;T\xe4tigkeit;Zeitpunkt\r\n")
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    p = info.value.problems[0]
    assert p.code == "log.empty" and p.file == str(path)
    assert "keine Ereignisse" in p.de


@pytest.mark.parametrize("missing", ["Aktenzeichen", "Tätigkeit", "Zeitpunkt"])
def test_missing_required_column_without_mapping(tmp_path, missing):
    header = [h for h in ("Aktenzeichen", "Tätigkeit", "Zeitpunkt", "Bemerkung") if h != missing]
    row = {"Aktenzeichen": "1", "Tätigkeit": "a", "Zeitpunkt": "23.11.2026", "Bemerkung": "x"}
    text = ";".join(header) + "\n" + ";".join(row[h] for h in header) + "\n"
    path = write(tmp_path, "missing.csv", text.encode())
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    key = {"Aktenzeichen": "case", "Tätigkeit": "activity", "Zeitpunkt": "timestamp"}[missing]
    problems = info.value.problems
    assert [p.column for p in problems] == [key]
    assert problems[0].file == str(path)
    assert f"amtsweg map {path}" in problems[0].de


def test_missing_required_column_with_mapping(tmp_path):
    path = write(tmp_path, "m.csv", b"AZ;Schritt\n1;a\n")
    mapping = tmp_path / "m.mapping.toml"
    mapping.write_text('[columns]\ncase = "AZ"\nactivity = "Schritt"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_csv_log(path, mapping=mapping)
    p = info.value.problems[0]
    assert p.code == "column.missing" and p.column == "timestamp" and p.file == str(path)
    assert "AZ, Schritt" in p.de  # the columns that do exist


def test_unparseable_timestamps_name_rows_and_first_values(tmp_path):
    rows = ["Aktenzeichen;Tätigkeit;Zeitpunkt"]
    rows += [f"{i};a;23.11.2026 14:0{i}" for i in range(3)]
    rows += ["5;a;31.02.2026 10:00", "6;a;gestern", "7;a;23.11.2026 14:05"]
    rows += [f"{i};a;kaputt{i}" for i in range(8, 14)]
    path = write(tmp_path, "bad.csv", ("\n".join(rows) + "\n").encode())
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    shown = [p for p in info.value.problems if p.code == "timestamp.unparseable"]
    assert [(p.row, p.value) for p in shown] == [
        (5, "31.02.2026 10:00"),
        (6, "gestern"),
        (8, "kaputt8"),
        (9, "kaputt9"),
        (10, "kaputt10"),
    ]
    assert all(p.column == "Zeitpunkt" and p.file == str(path) for p in shown)
    more = [p for p in info.value.problems if p.code == "timestamp.unparseable.more"]
    assert more and "8 Zeitpunkte" in more[0].de


def test_mixed_time_zones(tmp_path):
    data = (
        "Aktenzeichen;Tätigkeit;Zeitpunkt\n1;a;2026-11-23T14:05:00+01:00\n1;b;2026-11-23T15:05:00\n"
    )
    path = write(tmp_path, "tz.csv", data.encode())
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    p = info.value.problems[0]
    assert p.code == "timestamp.mixed_offsets" and p.column == "Zeitpunkt"
    assert p.file == str(path)
    assert "Zeile 2" in p.de and "Zeile 3" in p.de and "2026-11-23T15:05:00" in p.de


DUPLICATES = "Aktenzeichen;Tätigkeit;Zeitpunkt\n1;a;23.11.2026\n1;a;23.11.2026\n1;b;24.11.2026\n"


def test_exact_duplicates_kept_and_reported(tmp_path):
    path = write(tmp_path, "dup.csv", DUPLICATES.encode())
    log = read_csv_log(path)
    assert log.frame.height == 3
    warning = [p for p in log.problems if p.code == "event.exact_duplicate"]
    assert warning and warning[0].severity is Severity.WARNING and warning[0].file == str(path)
    assert warning[0].de.startswith("1 Ereignisse")


def test_exact_duplicates_dropped(tmp_path):
    log = read_csv_log(write(tmp_path, "dup.csv", DUPLICATES.encode()), duplicates="drop")
    assert log.frame[schema.SOURCE_ROW].to_list() == [2, 4]
    assert log.rows_rejected == 1 and log.rows_read == 3


def test_exact_duplicates_error(tmp_path):
    path = write(tmp_path, "dup.csv", DUPLICATES.encode())
    with pytest.raises(InputError) as info:
        read_csv_log(path, duplicates="error")
    p = info.value.problems[0]
    assert p.code == "event.exact_duplicate" and p.severity is Severity.ERROR
    assert p.file == str(path)


def test_line_with_too_many_fields_is_named(tmp_path):
    data = "Aktenzeichen;Tätigkeit;Zeitpunkt\n1;a;23.11.2026\n2;Prüfen; ok;23.11.2026\n"
    path = write(tmp_path, "ragged.csv", data.encode())
    with pytest.raises(InputError) as info:
        read_csv_log(path)
    p = info.value.problems[0]
    assert p.code == "csv.too_many_fields" and p.row == 3
    assert p.value == "2;Prüfen; ok;23.11.2026"


# --- writing and round trips ------------------------------------------------------------------


def _log_with_everything(tmp_path):
    data = (
        "Aktenzeichen;Tätigkeit;Zeitpunkt;Beginn;Amt;Ebene;Kanal;Gebühr;Anzahl;Notiz\r\n"
        "007;Antrag prüfen;23.11.2026 14:05:09;23.11.2026 14:00;Bauamt;municipality;paper;"
        '12,50;3;"mit ; Semikolon"\r\n'
        "007;Bescheid;24.11.2026 09:30;;Bauamt;county;efile;0,5;;Zeile\r\n"
        "008;Antrag prüfen;25.11.2026 10:00;;Ordnungsamt;;online;;7;\r\n"
    )
    return read_csv_log(write(tmp_path, "source.csv", data.encode("cp1252")))


def test_round_trip_german_style(tmp_path):
    log = _log_with_everything(tmp_path)
    target = tmp_path / "out.csv"
    mapping_path = write_csv_log(log.frame, target, style="german")
    assert mapping_path == tmp_path / "out.mapping.toml"
    raw = target.read_bytes()
    assert raw.startswith("Aktenzeichen;Tätigkeit;Zeitpunkt;Beginn;".encode("cp1252"))
    assert b"\r\n007;Antrag pr\xfcfen;23.11.2026 14:05:09;23.11.2026 14:00;2;" in raw
    assert b";12,5;3;" in raw
    mapping = read_mapping(mapping_path)
    assert mapping.columns["case"] == "Aktenzeichen"
    assert mapping.source.encoding == "cp1252" and mapping.source.delimiter == ";"
    again = read_csv_log(target, mapping=mapping_path)
    assert_frame_equal(again.frame, log.frame)


def test_round_trip_standard_style(tmp_path):
    log = _log_with_everything(tmp_path)
    target = tmp_path / "out.csv"
    assert write_csv_log(log.frame, target, style="standard") is None
    text = target.read_text(encoding="utf-8")
    assert text.startswith("case:concept:name,concept:name,time:timestamp,start_timestamp,")
    assert "007,Antrag prüfen,2026-11-23T14:05:09+01:00,2026-11-23T14:00:00+01:00," in text
    again = read_csv_log(target)
    assert_frame_equal(again.frame, log.frame)


def test_german_style_minutes_only_when_no_seconds(tmp_path):
    frame = pl.DataFrame(
        {C: ["1"], A: ["a"], T: [utc(2026, 7, 1, 12, 0)], schema.EVENT_ID: ["e1"]},
        schema_overrides={T: UTC_US},
    )
    target = tmp_path / "m.csv"
    write_csv_log(frame, target)
    assert target.read_bytes() == (
        "Aktenzeichen;Tätigkeit;Zeitpunkt;Ereignis-ID\r\n1;a;01.07.2026 14:00;e1\r\n"
    ).encode("cp1252")


def test_fractions_of_seconds_survive_the_german_style(tmp_path):
    frame = pl.DataFrame(
        {C: ["1"], A: ["a"], T: [datetime(2026, 7, 1, 12, 0, 1, 250000, tzinfo=UTC)]},
        schema_overrides={T: UTC_US},
    )
    target = tmp_path / "f.csv"
    write_csv_log(frame, target)
    assert b"2026-07-01 14:00:01.250000" in target.read_bytes()
    again = read_csv_log(target, mapping=tmp_path / "f.mapping.toml")
    assert again.frame[T].to_list() == frame[T].to_list()


def test_characters_outside_cp1252_are_refused_before_writing(tmp_path):
    frame = pl.DataFrame(
        {
            C: ["1", "2"],
            A: ["Antrag", "Prüfung"],
            T: [utc(2026, 7, 1, 12, 0)] * 2,
            schema.RESOURCE: ["Müller", "Łukasz"],
            schema.SOURCE_ROW: [10, 11],
        },
        schema_overrides={T: UTC_US},
    )
    target = tmp_path / "pl.csv"
    with pytest.raises(InputError) as info:
        write_csv_log(frame, target)
    p = info.value.problems[0]
    assert (p.code, p.row, p.column, p.value) == ("csv.not_cp1252", 11, "Sachbearbeiter", "Łukasz")
    assert "„Ł“" in p.de
    assert not target.exists()
    write_csv_log(frame, target, style="standard")  # UTF-8 takes it
    assert "Łukasz" in target.read_text(encoding="utf-8")


def test_writer_accepts_other_frames(tmp_path):
    import duckdb

    log = _log_with_everything(tmp_path)
    con = duckdb.connect()
    relation = con.from_arrow(log.frame.to_arrow())
    target = tmp_path / "duck.csv"
    write_csv_log(relation, target, style="standard")
    assert_frame_equal(read_csv_log(target).frame, log.frame)
    target_pd = tmp_path / "pd.csv"
    write_csv_log(log.frame.to_pandas(), target_pd, style="standard")
    # pandas turns an integer column with gaps into floats; everything else is the same
    again = read_csv_log(target_pd).frame
    assert again["Anzahl"].to_list() == [3.0, None, 7.0]
    assert_frame_equal(again.drop("Anzahl"), log.frame.drop("Anzahl"))


# --- dispatch --------------------------------------------------------------------------------


def test_read_event_log_dispatches_and_refuses_unknown_formats(tmp_path):
    path = write(tmp_path, "x.csv", GERMAN.encode("cp1252"))
    assert read_event_log(path, sheet=None).frame.height == 3
    odd = write(tmp_path, "x.dat", GERMAN.encode("cp1252"))
    with pytest.raises(InputError) as info:
        read_event_log(odd)
    assert info.value.problems[0].code == "file.format_unknown"
    assert ".csv" in info.value.problems[0].de and ".xlsx" in info.value.problems[0].de
    mapping = tmp_path / "dat.toml"
    toml = '[source]\nformat = "csv"\n[columns]\ncase = "Aktenzeichen"\nactivity = "Tätigkeit"\n'
    mapping.write_text(toml + 'timestamp = "Zeitpunkt"\n', encoding="utf-8")
    assert read_event_log(odd, mapping=str(mapping)).frame.height == 3
    with pytest.raises(InputError) as info:
        read_event_log(path, delimeter=";")
    assert info.value.problems[0].code == "option.unknown"
    assert "delimiter" in info.value.problems[0].de
