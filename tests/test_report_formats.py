"""``amtsweg report --out x.xlsx | x.pptx``: the workbook and the deck of one municipality's
report, with the same numbers as the document (the same analysis of the same log)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from app import api
from app.api.report import report, report_data

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "wohngeld_musterdorf.csv"


@pytest.fixture(scope="module")
def data():
    return report_data(SAMPLE, date=dt.date(2026, 1, 15))


def test_the_workbook_has_the_reports_tables_and_counts(tmp_path: Path, data) -> None:
    out = report(SAMPLE, out=tmp_path / "bericht.xlsx", date=dt.date(2026, 1, 15))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["Zusammenfassung", "Befunde"]
    assert "Herkunft" in book.sheetnames
    findings = book["Befunde"]
    assert findings.max_row - 1 == len(data.tables["findings"])  # one row per finding
    assert findings.max_row - 1 == len(api.analyze(SAMPLE).findings)  # = the analyzer's
    provenance = {r[0].value: r[1].value for r in book["Herkunft"].iter_rows(min_row=2)}
    assert provenance["Kommune"] == "Musterdorf" and provenance["Leistung"] == "Wohngeld"
    assert provenance["Stand"] == data.content.title.date


def test_the_deck_has_the_steering_committees_slides(tmp_path: Path, data) -> None:
    out = report(SAMPLE, out=tmp_path / "bericht.pptx", date=dt.date(2026, 1, 15))
    titles = [s.shapes.title.text for s in Presentation(str(out)).slides if s.shapes.title]
    assert titles[0] == "Wohngeld: Bürokratiebelastung in Musterdorf"
    assert "Die fünf teuersten Belastungsarten" in titles
    assert titles[-1] == "Methode und Datengrundlage"
