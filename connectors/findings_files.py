"""Writing findings tables (and other result tables) to CSV, Parquet, JSON or Excel."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analyzer.problems import error

FORMATS = (".csv", ".parquet", ".json", ".xlsx")


def write_table(table: pd.DataFrame, path: str | Path, *, sheet: str = "Amtsweg") -> Path:
    """Write ``table`` to ``path`` in the format its name ends with.

    CSV is UTF-8 with a byte-order mark, so Excel shows umlauts right; JSON is a list of
    records with ISO 8601 times; Excel gets one sheet named ``sheet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    plain = table.copy()
    plain.attrs = {}  # notes and other metadata are not data
    if suffix not in FORMATS:
        raise error(
            "file.format_not_writable",
            f"in dieses Format kann nicht geschrieben werden; möglich: {', '.join(FORMATS)}",
            f"cannot write this format; possible: {', '.join(FORMATS)}",
            file=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        plain.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        plain.to_parquet(path, index=False)
    elif suffix == ".json":
        plain.to_json(path, orient="records", date_format="iso", force_ascii=False, indent=1)
    else:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            _excel_ready(plain).to_excel(writer, sheet_name=sheet[:31], index=False)
    return path


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write several tables to one Excel file, one sheet each (sheet name → table)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise error(
            "file.format_not_writable",
            "mehrere Tabellen nur als .xlsx",
            "several tables only as .xlsx",
            file=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, table in tables.items():
            plain = table.copy()
            plain.attrs = {}
            _excel_ready(plain).to_excel(writer, sheet_name=sheet[:31], index=False)
    return path


def _excel_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: times are written as UTC wall-clock times."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out
