"""Writing findings tables (and other result tables) to CSV, Parquet, JSON or Excel.

CSV and Excel are read by people: with a ``language`` ("de" | "en") they are written as
:mod:`analyzer.headings` lays a table out for a person (headings and values in words, number
formats, widths, frozen header and filter, rows by rank, no empty columns, formula-like
texts neutralised, the cost tables' edition once on a provenance sheet; German CSV with
``;`` and a decimal comma). Parquet and JSON are read by programs: they keep the canonical
column names of :mod:`analyzer.schema`, whatever the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analyzer.headings import (
    HEADINGS,
    csv_bytes,
    heading,
    provenance_table,
    readable_table,
    with_headings,
    workbook_bytes,
)
from analyzer.problems import error

__all__ = ["FORMATS", "HEADINGS", "READABLE", "heading", "with_headings", "write_table"]

FORMATS = (".csv", ".parquet", ".json", ".xlsx")
#: Formats read by people, written with headings in words.
READABLE = (".csv", ".xlsx")


def write_table(
    table: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str = "Amtsweg",
    language: str | None = None,
    headings: Mapping[str, tuple[str, str]] | None = None,
) -> Path:
    """Write ``table`` to ``path`` in the format its name ends with.

    JSON is a list of records with ISO 8601 times; Excel gets the sheet ``sheet`` (and a
    provenance sheet where the table names a cost edition). ``language``: CSV and Excel as a
    person reads them (:func:`analyzer.headings.readable_table`, ``headings`` for columns
    defined elsewhere; a CSV keeps its edition column, having no provenance sheet); without
    it, and always in Parquet and JSON, the canonical names (CSV then UTF-8 with a byte-order
    mark and ``,``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise error(
            "file.format_not_writable",
            f"in dieses Format kann nicht geschrieben werden; möglich: {', '.join(FORMATS)}",
            f"cannot write this format; possible: {', '.join(FORMATS)}",
            file=path,
        )
    plain = table.copy()
    plain.attrs = {}  # notes and other metadata are not data
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        if language is None:
            plain.to_csv(path, index=False, encoding="utf-8-sig")
        else:
            readable = readable_table(plain, language, headings=headings, keep_edition=True)
            path.write_bytes(csv_bytes(readable, language=language))
    elif suffix == ".parquet":
        plain.to_parquet(path, index=False)
    elif suffix == ".json":
        plain.to_json(path, orient="records", date_format="iso", force_ascii=False, indent=1)
    else:
        sheets = {sheet: readable_table(plain, language, headings=headings)}
        path.write_bytes(_workbook(sheets, [plain], language))
    return path


def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: str | Path, *, language: str | None = None
) -> Path:
    """Write several tables to one Excel file, one sheet each (sheet name → table; a table
    without rows gets no sheet), laid out as :func:`write_table` lays out one, and a
    provenance sheet with the cost tables' edition."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise error(
            "file.format_not_writable",
            "mehrere Tabellen nur als .xlsx",
            "several tables only as .xlsx",
            file=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets = {name: readable_table(t, language) for name, t in tables.items() if len(t)}
    path.write_bytes(_workbook(sheets, list(tables.values()), language))
    return path


def _workbook(sheets: dict, tables: list[pd.DataFrame], language: str | None) -> bytes:
    """``sheets`` and, where the tables name a cost edition, the provenance sheet."""
    provenance = provenance_table([], tables, language=language or "en")
    if len(provenance.frame) > 1:  # more than the line on times: an edition
        sheets = {**sheets, "Herkunft" if language == "de" else "Provenance": provenance}
    return workbook_bytes(sheets, language=language)
