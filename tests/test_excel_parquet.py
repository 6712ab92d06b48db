"""Excel and Parquet: sheets, header rows, cell types, serial dates, round trips."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analyzer import schema
from analyzer.problems import InputError
from connectors.delimited import read_csv_log
from connectors.parquet import read_parquet_log, write_parquet_log
from connectors.reading import read_event_log
from connectors.spreadsheet import read_excel_log, sheet_names

C, A, T = schema.CASE, schema.ACTIVITY, schema.TIMESTAMP
UTC_US = pl.Datetime("us", "UTC")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


VORGAENGE = [
    ["Export Bauamt Musterstadt"],
    [],
    ["Aktenzeichen", "Tätigkeit", "Zeitpunkt", "Kanal", "Gebühr", "Anzahl", "Bemerkung"],
    ["007", "Antrag prüfen", dt.datetime(2026, 11, 23, 14, 5), "paper", 12.5, 1, "a"],
    [8, "Bescheid", 46349.5, "online", 3, 2, None],  # serial date: 23.11.2026 12:00
    [9, "Antrag prüfen", "24.11.2026 10:00", "post", None, 3, "c"],
    [10, "Bescheid", dt.date(2026, 11, 25), None, 4, 4, 5],
]


def test_excel_with_title_rows_cell_types_and_serial_dates(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Info": [["nur Hinweise"]], "Vorgänge": VORGAENGE})
    log = read_excel_log(path, sheet="Vorgänge")
    expected = pl.DataFrame(
        {
            C: ["007", "8", "9", "10"],
            A: ["Antrag prüfen", "Bescheid", "Antrag prüfen", "Bescheid"],
            T: [
                utc(2026, 11, 23, 13, 5),
                utc(2026, 11, 23, 11, 0),
                utc(2026, 11, 24, 9, 0),
                utc(2026, 11, 24, 23, 0),
            ],
            schema.EVENT_ID: ["4", "5", "6", "7"],
            schema.MEDIUM: ["paper", "online", "post", None],
            schema.SOURCE_ROW: [4, 5, 6, 7],
            "Gebühr": [12.5, 3.0, None, 4.0],
            "Anzahl": [1, 2, 3, 4],
            "Bemerkung": ["a", None, "c", "5"],  # mixed kinds are read as text
        },
        schema_overrides={T: UTC_US},
    )
    assert_frame_equal(log.frame, expected)
    assert log.details["sheet"] == "Vorgänge" and log.details["header_row"] == 3


def test_sheet_by_position_and_default_choice(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Info": [["nur Hinweise"]], "Vorgänge": VORGAENGE})
    assert sheet_names(path) == ["Info", "Vorgänge"]
    assert read_excel_log(path, sheet=2).frame.height == 4
    assert read_excel_log(path, sheet="2").frame.height == 4
    log = read_excel_log(path)  # the sheet with the most cells
    assert log.details["sheet"] == "Vorgänge"
    chosen = [p for p in log.problems if p.code == "excel.sheet_chosen"]
    assert chosen and "„Info“" in chosen[0].de


def test_missing_sheet_lists_the_sheets(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Info": [["x"]], "Vorgänge": VORGAENGE})
    with pytest.raises(InputError) as info:
        read_excel_log(path, sheet="Vorgange")
    [p] = info.value.problems
    assert (p.code, p.file, p.value) == ("excel.sheet_missing", str(path), "Vorgange")
    assert "„Info“, „Vorgänge“" in p.de and "'Info', 'Vorgänge'" in p.en
    with pytest.raises(InputError) as info:
        read_excel_log(path, sheet=3)
    assert info.value.problems[0].code == "excel.sheet_missing"


def test_empty_workbook_and_broken_file(tmp_path):
    path = workbook(tmp_path / "empty.xlsx", {"Leer": []})
    with pytest.raises(InputError) as info:
        read_excel_log(path)
    assert info.value.problems[0].code == "file.empty"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError) as info:
        read_excel_log(broken)
    assert info.value.problems[0].code == "excel.unreadable"


def test_excel_with_mapping_and_sheet_hint(tmp_path):
    path = workbook(
        tmp_path / "x.xlsx",
        {
            "Info": [["x"]],
            "Daten": [
                ["AZ", "Schritt", "Wann", "Ebene"],
                ["A", "prüfen", dt.datetime(2026, 1, 5, 8, 0), "Kreis"],
            ],
        },
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[source]\nsheet = "Daten"\n[columns]\ncase = "AZ"\nactivity = "Schritt"\n'
        'timestamp = "Wann"\nlevel = "Ebene"\n[values.level]\nKreis = "county"\n',
        encoding="utf-8",
    )
    log = read_event_log(path, mapping=mapping)
    assert log.frame[schema.LEVEL].to_list() == ["county"]
    assert log.frame[T].to_list() == [utc(2026, 1, 5, 7, 0)]


def _reference_log(tmp_path):
    data = (
        "Aktenzeichen;Tätigkeit;Zeitpunkt;Beginn;Amt;Kanal;Gebühr;Anzahl;Notiz\n"
        "007;Antrag prüfen;23.11.2026 14:05:09;23.11.2026 14:00;Bauamt;paper;12,50;3;x\n"
        "007;Bescheid;24.11.2026 09:30;;Bauamt;efile;0,5;;\n"
        "008;Antrag prüfen;25.11.2026 10:00;;Ordnungsamt;online;;7;y\n"
    )
    path = tmp_path / "ref.csv"
    path.write_bytes(data.encode("cp1252"))
    return read_csv_log(path)


def test_parquet_round_trip(tmp_path):
    log = _reference_log(tmp_path)
    path = write_parquet_log(log.frame, tmp_path / "log.parquet")
    again = read_parquet_log(path)
    assert_frame_equal(again.frame, log.frame)
    assert read_event_log(path).frame.equals(log.frame)
    lazy = write_parquet_log(log.frame.lazy(), tmp_path / "lazy.parquet")
    assert_frame_equal(read_parquet_log(lazy).frame, log.frame)
    assert not list(tmp_path.glob(".amtsweg-*"))  # no temporary files left behind


def test_parquet_with_source_names_and_mapping(tmp_path):
    raw = pl.DataFrame(
        {
            "AZ": [1, 2],
            "Schritt": ["a", "b"],
            "Wann": [dt.datetime(2026, 1, 5, 8, 0), dt.datetime(2026, 1, 6, 8, 0)],
            "Name": ["X", "Y"],
        }
    )
    path = tmp_path / "raw.parquet"
    raw.write_parquet(path)
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\ncase = "AZ"\nactivity = "Schritt"\ntimestamp = "Wann"\n'
        '[drop]\ncolumns = ["Name"]\n',
        encoding="utf-8",
    )
    log = read_parquet_log(path, mapping=mapping)
    expected = pl.DataFrame(
        {
            C: ["1", "2"],
            A: ["a", "b"],
            T: [utc(2026, 1, 5, 7, 0), utc(2026, 1, 6, 7, 0)],
            schema.EVENT_ID: ["1", "2"],
            schema.SOURCE_ROW: [1, 2],
        },
        schema_overrides={T: UTC_US},
    )
    assert_frame_equal(log.frame, expected)


def test_excel_round_trip(tmp_path):
    """A log written to a workbook (German headers, local date-time cells) reads back equal."""
    log = _reference_log(tmp_path)
    frame = log.frame.drop(schema.SOURCE_ROW)
    local = frame.with_columns(
        pl.col(T, schema.START_TIMESTAMP)
        .dt.convert_time_zone(schema.DEFAULT_TIMEZONE)
        .dt.replace_time_zone(None)
    )
    headers = {
        C: "Aktenzeichen",
        A: "Tätigkeit",
        T: "Zeitpunkt",
        schema.START_TIMESTAMP: "Beginn",
        schema.EVENT_ID: "Ereignis-ID",
        schema.ORG_UNIT: "Amt",
        schema.MEDIUM: "Kanal",
    }
    rows = [[headers.get(c, c) for c in local.columns], *local.rows()]
    path = workbook(tmp_path / "log.xlsx", {"Protokoll": rows})
    again = read_excel_log(path)
    assert_frame_equal(again.frame.drop(schema.SOURCE_ROW), frame)
