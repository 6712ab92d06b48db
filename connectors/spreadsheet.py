"""Event logs in spreadsheets (``.xlsx``, ``.xlsm``; also ``.xls``, ``.xlsb``, ``.ods``).

Read with python-calamine (Rust, no Excel needed). The sheet is chosen by name, or by
position counting from 1 (``sheet=2`` or ``"2"``); without one, the first visible worksheet
that holds data (a warning names the others). Title rows above the header are skipped as for
CSV (:func:`connectors.tabular.detect_header_row`; ``[source] header_row`` names it outright).

Cell types are kept: text stays text (``007``), a column of numbers becomes Int64 when all are
whole numbers, else Float64; date and date-time cells become (naive, local) date-times; a
column mixing kinds is read as text (numbers without ``.0``, date-times in ISO form). A
timestamp column holding numbers is read as Excel serial dates (days since 1899-12-30,
kept to the millisecond), as when a date column was formatted as a number. ``SOURCE_ROW``
is the Excel row number.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.event_log import Duplicates, EventLog
from connectors.mapping import Mapping, SourceHints, read_mapping
from connectors.tabular import (
    HEADER_SEARCH,
    SAMPLE_ROWS,
    Progress,
    detect_header_row,
    drop_empty_rows,
    drop_unnamed_empty_columns,
    finalize_table,
    report,
    unique_headers,
)

SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# Plausible serial dates: 1954-10-04 .. 2119-01-10; other numbers are left for the parser
# to report.
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000


def sheet_names(path: str | Path) -> list[str]:
    """Names of the sheets of the workbook at ``path``."""
    return list(_open(Path(path)).sheet_names)


def read_excel_log(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: Mapping | str | Path | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    progress: Progress = None,
) -> EventLog:
    """The event log in a sheet of the workbook ``path``.

    ``sheet``: name or position from 1 (default: the mapping's ``[source] sheet``, else the
    visible sheet with the most cells). A sheet that does not exist raises :class:`InputError`
    listing the sheets. Without a mapping, columns are recognised from their headers as for
    CSV. Timestamps without a zone are read in ``timezone`` (default: mapping, Europe/Berlin).
    """
    path = Path(path)
    source = str(path)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    hints = mapping.source if mapping is not None else SourceHints()
    wanted = mapping.source_columns() if mapping is not None else ()
    frame, details, warnings = _read_sheet(
        path,
        sheet=sheet if sheet is not None else hints.sheet,
        header_row=hints.header_row,
        wanted=wanted,
        progress=progress,
    )
    return finalize_table(
        frame,
        source=source,
        mapping=mapping,
        timezone=timezone,
        duplicates=duplicates,
        details=details,
        problems=warnings,
        prepare=excel_dates,
    )


def read_excel_sample(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    rows: int = SAMPLE_ROWS,
    header_row: int | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The first ``rows`` rows of a sheet (source headers, cell types) and how it was read."""
    frame, details, _ = _read_sheet(Path(path), sheet=sheet, header_row=header_row, rows=rows)
    return frame, details


def _open(path: Path):
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise InputError(
            [problem("file.not_found", "Datei nicht gefunden", "file not found", file=str(path))]
        )
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for zip/xml/password problems
        raise InputError(
            [
                problem(
                    "excel.unreadable",
                    f"die Arbeitsmappe ist nicht lesbar ({type(exc).__name__}: {exc}); ist sie "
                    "passwortgeschützt oder beschädigt?",
                    f"the workbook cannot be read ({type(exc).__name__}: {exc}); is it "
                    "password-protected or damaged?",
                    file=str(path),
                )
            ]
        ) from None


def _choose_sheet(workbook, path: Path, sheet: str | int | None) -> tuple[Any, list[Problem]]:
    names = list(workbook.sheet_names)
    listed = ", ".join(f"„{n}“" for n in names)
    listed_en = ", ".join(f"'{n}'" for n in names)
    if sheet is not None:
        if isinstance(sheet, str) and sheet in names:
            return workbook.get_sheet_by_name(sheet), []
        position = None
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            position = sheet
        elif isinstance(sheet, str) and sheet.strip().isdigit():
            position = int(sheet.strip())
        if position is not None and 1 <= position <= len(names):
            return workbook.get_sheet_by_index(position - 1), []
        raise InputError(
            [
                problem(
                    "excel.sheet_missing",
                    f"die Arbeitsmappe hat kein Blatt „{sheet}“; vorhandene Blätter: {listed} "
                    "(Name oder Position ab 1 angeben)",
                    f"the workbook has no sheet '{sheet}'; sheets present: {listed_en} "
                    "(give a name or a position counting from 1)",
                    file=str(path),
                    value=str(sheet),
                )
            ]
        )
    visible = [
        m.name
        for m in workbook.sheets_metadata
        if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
    ] or names
    sizes = {n: _size(workbook.get_sheet_by_name(n)) for n in visible}
    filled = sorted((n for n in visible if sizes[n] > 0), key=lambda n: -sizes[n])
    if not filled:
        raise InputError(
            [
                problem(
                    "file.empty",
                    "die Arbeitsmappe ist leer",
                    "the workbook is empty",
                    file=str(path),
                )
            ]
        )
    warnings: list[Problem] = []
    if len(filled) > 1:
        others = ", ".join(f"„{n}“" for n in filled[1:])
        warnings.append(
            problem(
                "excel.sheet_chosen",
                f"Blatt „{filled[0]}“ gelesen; weitere Blätter mit Daten: {others} "
                "(anderes Blatt mit --sheet oder [source] sheet)",
                f"read sheet '{filled[0]}'; other sheets with data: {others} "
                "(choose another with --sheet or [source] sheet)",
                file=str(path),
                severity=Severity.WARNING,
            )
        )
    return workbook.get_sheet_by_name(filled[0]), warnings


def _size(sheet) -> int:
    return sheet.height * sheet.width if sheet.height else 0


def _read_sheet(
    path: Path,
    *,
    sheet: str | int | None,
    header_row: int | None,
    wanted: tuple[str, ...] = (),
    rows: int | None = None,
    progress: Progress = None,
) -> tuple[pl.DataFrame, dict[str, Any], list[Problem]]:
    workbook = _open(path)
    chosen, warnings = _choose_sheet(workbook, path, sheet)
    limit = None if rows is None else rows + HEADER_SEARCH + 1
    if header_row is not None and limit is not None:
        limit += header_row
    cells = chosen.to_python(skip_empty_area=False, nrows=limit)
    report(progress, 1, 2)
    if not any(any(c not in ("", None) for c in row) for row in cells):
        raise InputError(
            [
                problem(
                    "file.empty",
                    "das Blatt ist leer",
                    "the sheet is empty",
                    file=str(path),
                    value=chosen.name,
                )
            ]
        )
    if header_row is not None:
        index = header_row - 1
    else:
        index = detect_header_row(
            [[_cell_text(c) or "" for c in row] for row in cells[:HEADER_SEARCH]], wanted=wanted
        )
    raw_names = [_cell_text(c) or "" for c in cells[index]]
    names = unique_headers(raw_names)
    generated = [n for n, raw in zip(names, raw_names, strict=True) if not raw.strip()]
    body = cells[index + 1 :]
    if rows is not None:
        body = body[:rows]
    width = len(names)
    if any(len(row) != width for row in body):
        body = [list(row[:width]) + [""] * (width - len(row)) for row in body]
    columns = list(zip(*body, strict=True)) if body else [() for _ in names]
    series = [_column(name, values) for name, values in zip(names, columns, strict=True)]
    frame = pl.DataFrame(series) if series else pl.DataFrame()
    frame = frame.with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + index + 2).alias(schema.SOURCE_ROW)
    )
    frame = drop_unnamed_empty_columns(drop_empty_rows(frame), generated)
    report(progress, 2, 2)
    details = {"format": "excel", "sheet": chosen.name, "header_row": index + 1}
    return frame, details, warnings


def _cell_text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _column(name: str, values: tuple[Any, ...]) -> pl.Series:
    """A column of cell values as one Polars series (see the module docstring for types)."""
    cleaned = [None if (isinstance(v, str) and v == "") else v for v in values]
    kinds = {type(v) for v in cleaned if v is not None}
    if not kinds:
        return pl.Series(name, cleaned, dtype=pl.String)
    if kinds <= {float, int}:
        numbers = pl.Series(name, cleaned, dtype=pl.Float64)
        whole = numbers.drop_nulls()
        if ((whole % 1) == 0).all() and (whole.abs() < 2**53).all():
            return numbers.cast(pl.Int64)
        return numbers
    if kinds <= {dt.datetime, dt.date}:
        stamps = [dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v for v in cleaned]
        return pl.Series(name, stamps, dtype=pl.Datetime("us"))
    if kinds <= {str}:
        return pl.Series(name, cleaned, dtype=pl.String)
    return pl.Series(name, [_cell_text(v) for v in cleaned], dtype=pl.String)


def excel_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with Excel serial dates in canonical timestamp columns as ISO text."""
    updates: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        f = schema.FIELDS_BY_COLUMN.get(name)
        if f is None:
            continue
        if f.kind is schema.Kind.DATETIME and (dtype.is_numeric() or dtype == pl.String):
            text = pl.col(name).cast(pl.String).str.strip_chars()
            number = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
            serial = (
                pl.datetime(1899, 12, 30)
                + pl.duration(milliseconds=(number * 86_400_000).round(0).cast(pl.Int64))
            ).dt.strftime("%Y-%m-%dT%H:%M:%S%.3f")
            plausible = number.is_between(_SERIAL_MIN, _SERIAL_MAX) & text.str.contains(
                r"^\d+([.,]\d+)?$"
            )
            updates.append(pl.when(plausible).then(serial).otherwise(text).alias(name))
    return frame.with_columns(updates) if updates else frame
