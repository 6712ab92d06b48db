"""Writing findings tables (and other result tables) to CSV, Parquet, JSON or Excel.

CSV and Excel are read by people: their headings are German (``language="de"``) or English
words. Parquet and JSON are read by programs: they keep the canonical column names of
:mod:`analyzer.schema`, whatever the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analyzer import schema
from analyzer.problems import error

FORMATS = (".csv", ".parquet", ".json", ".xlsx")
#: Formats read by people, written with headings in words.
READABLE = (".csv", ".xlsx")

#: German and English headings of result columns that are not event attributes (those
#: have :attr:`analyzer.schema.Field.label_de`) nor KPIs (:data:`KPI_NAMES`).
HEADINGS: dict[str, tuple[str, str]] = {
    schema.FINDING_DETECTOR: ("Detektor", "detector"),
    schema.FINDING_BURDEN: ("Belastungsart", "burden kind"),
    schema.FINDING_RULE: ("Regel", "rule"),
    schema.FINDING_SEVERITY: ("Schwere", "severity"),
    schema.FINDING_EVENT_ID: ("Ereignis-ID", "event id"),
    schema.FINDING_EVENT_IDS: ("beteiligte Ereignisse", "events involved"),
    schema.FINDING_MINUTES_LOST: ("verlorene Minuten", "minutes lost"),
    schema.FINDING_EVIDENCE: ("Befund", "evidence (German)"),
    schema.FINDING_EVIDENCE_EN: ("Befund (englisch)", "evidence"),
    schema.FINDING_INFERRED: ("abgeleitet", "inferred"),
    schema.KPI_CASES: ("Fälle", "cases"),
    schema.KPI_VARIANTS: ("Varianten", "variants"),
    schema.KPI_SIZE: ("Einwohner", "inhabitants"),
    schema.KPI_PEER_GROUP: ("Vergleichsgruppe", "peer group"),
    schema.RANK_KPI: ("Kennzahl", "KPI"),
    schema.RANK_KPI_NAME: ("Name der Kennzahl", "KPI name"),
    schema.RANK_VALUE: ("Wert", "value"),
    schema.RANK: ("Rang", "rank"),
    schema.RANK_PEERS: ("Kommunen in der Gruppe", "municipalities in the group"),
    schema.RANK_BEST_VALUE: ("bester Wert", "best value"),
    schema.RANK_BEST_MUNICIPALITY: ("beste Kommune", "best municipality"),
    schema.RANK_SCORE: ("mittlerer Rang", "mean rank"),
    schema.DIFF_TEXT: ("Unterschied", "difference (German)"),
    schema.DIFF_TEXT_EN: ("Unterschied (englisch)", "difference"),
    schema.MAPPING_LABEL: ("Tätigkeit", "activity label"),
    schema.MAPPING_EVENTS: ("Ereignisse", "events"),
    schema.MAPPING_SCORE: ("Ähnlichkeit (%)", "similarity (%)"),
    schema.STEP: ("Referenzschritt", "reference step"),
    schema.COST_EDITION: ("Kostenstand", "cost tables"),
}


def heading(column: str, language: str) -> str:
    """The heading of ``column`` in ``language`` ("de" | "en"); the canonical name where
    none is known (a column of the user's own export keeps its name)."""
    from analyzer.comparison import KPI_NAMES

    de = language == "de"
    if column in schema.FIELDS_BY_COLUMN:
        f = schema.FIELDS_BY_COLUMN[column]
        return f.label_de if de else f.label_en
    names = HEADINGS.get(column) or KPI_NAMES.get(column)
    return (names[0] if de else names[1]) if names else column


def with_headings(
    table: pd.DataFrame, language: str, *, more: Mapping[str, tuple[str, str]] | None = None
) -> pd.DataFrame:
    """``table`` with its columns named by :func:`heading` (``more``: headings of columns
    defined elsewhere, German and English)."""
    extra = more or {}
    names = {
        c: (extra[c][0] if language == "de" else extra[c][1])
        if c in extra
        else heading(c, language)
        for c in table.columns
    }
    return table.rename(columns=names)


def write_table(
    table: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str = "Amtsweg",
    language: str | None = None,
    headings: Mapping[str, tuple[str, str]] | None = None,
) -> Path:
    """Write ``table`` to ``path`` in the format its name ends with.

    CSV is UTF-8 with a byte-order mark, so Excel shows umlauts right; JSON is a list of
    records with ISO 8601 times; Excel gets one sheet named ``sheet``. ``language``: CSV and
    Excel get headings in that language (:func:`with_headings`, ``headings`` for columns
    defined elsewhere); without it, and always in Parquet and JSON, the canonical names.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    plain = table.copy()
    plain.attrs = {}  # notes and other metadata are not data
    if language is not None and suffix in READABLE:
        plain = with_headings(plain, language, more=headings)
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


def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: str | Path, *, language: str | None = None
) -> Path:
    """Write several tables to one Excel file, one sheet each (sheet name → table), with
    headings in ``language`` where given (:func:`with_headings`)."""
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
            if language is not None:
                plain = with_headings(plain, language)
            _excel_ready(plain).to_excel(writer, sheet_name=sheet[:31], index=False)
    return path


def _excel_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: times are written as UTC wall-clock times."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out
