"""The report as an Excel workbook a consultant can hand over: one sheet per table.

Sheets, in this order and only where their table has rows: summary (findings per detector,
:func:`analyzer.findings_summary.findings_by_detector`), findings (schema.FINDING_COLUMNS),
costs (:func:`analyzer.cost_model.annual_cost`), costs by burden kind
(:func:`analyzer.cost_model.finding_costs`), KPIs, ranking, ranks per KPI and best practice
(:func:`app.api.compare`'s tables), mappings (labels and their reference steps), and always
provenance: the rows given (input hashes, mappings, version, date) and the cost tables'
edition once. Each sheet is laid out by :mod:`analyzer.headings` (headings and values in
words, number formats, widths, frozen header, filter, by rank, formula-like texts
neutralised), the numbers themselves unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analyzer.headings import provenance_table, readable_table, workbook_bytes

#: Sheet names, German and English, in the workbook's order.
SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("Zusammenfassung", "Summary"),
    "findings": ("Befunde", "Findings"),
    "costs": ("Kosten", "Costs"),
    "burden_costs": ("Kosten je Belastungsart", "Costs by burden kind"),
    "kpis": ("Kennzahlen", "KPIs"),
    "ranking": ("Rangfolge", "Ranking"),
    "ranks": ("Ränge je Kennzahl", "Ranks per KPI"),
    "best_practice": ("Best Practice", "Best practice"),
    "mappings": ("Zuordnungen", "Mappings"),
    "provenance": ("Herkunft", "Provenance"),
}


def report_workbook(
    *,
    summary: pd.DataFrame | None = None,
    findings: pd.DataFrame | None = None,
    costs: pd.DataFrame | None = None,
    burden_costs: pd.DataFrame | None = None,
    kpis: pd.DataFrame | None = None,
    ranking: pd.DataFrame | None = None,
    ranks: pd.DataFrame | None = None,
    best_practice: pd.DataFrame | None = None,
    mappings: pd.DataFrame | None = None,
    provenance: Sequence[tuple[str, str]] = (),
    language: str = "de",
) -> bytes:
    """The workbook (XLSX bytes) of the tables given, in ``language`` ("de" | "en");
    ``provenance``: (item, value) rows in that language, e.g. input file and its SHA-256,
    mapping, Amtsweg version, date."""
    given = {
        "summary": summary,
        "findings": findings,
        "costs": costs,
        "burden_costs": burden_costs,
        "kpis": kpis,
        "ranking": ranking,
        "ranks": ranks,
        "best_practice": best_practice,
        "mappings": mappings,
    }
    which = 0 if language == "de" else 1
    tables = {key: t for key, t in given.items() if t is not None and len(t)}
    sheets = {SHEETS[key][which]: readable_table(t, language) for key, t in tables.items()}
    sheets[SHEETS["provenance"][which]] = provenance_table(
        provenance, tables.values(), language=language
    )
    return workbook_bytes(sheets, language=language)
