"""`amtsweg report` from a shipped sample: self-contained HTML, an A4 PDF whose numbers are
the analyzer's (Musterdorf's Wohngeld)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analyzer.comparison.kpi_definitions import number_text
from app.api.report import report_of
from app.api.results import results_of_log
from app.cli.main import main
from reports.html import html_report
from reports.pdf import pdf_report
from reports.report_text import word

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "wohngeld_musterdorf.csv"
HEADINGS = ("Zusammenfassung", "Befunde nach Art", "Kosten", "Methode und Herkunft der Daten")


@pytest.fixture(scope="module")
def content():
    return report_of(SAMPLE, date=dt.date(2026, 1, 15))


@pytest.fixture(scope="module")
def analysed():
    from app.api.logs import read_log

    tables, _ = results_of_log(read_log(SAMPLE).frame)
    return tables


def test_html_is_self_contained_with_title_lang_and_sections(content):
    html = html_report(content).decode("utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="de">')
    assert "<title>Bürokratielast Wohngeld – Musterdorf</title>" in html
    for heading in HEADINGS:
        assert f">{heading}</h2>" in html
    # nothing is fetched: no src/href/url()/@import pointing anywhere, and outside plotly's
    # own library (whose code names map-tile servers it never calls here) no URL at all
    outside = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert "<script src" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", outside)
    assert "@import" not in outside and "url(" not in outside
    assert "http://" not in outside and "https://" not in outside
    assert html.count("<script>/**") <= 1  # plotly's library inline once


def test_html_numbers_equal_the_analyzer(content, analysed):
    html = html_report(content).decode("utf-8")
    assert len(analysed["findings"]) == content.summary.findings
    hours = analysed["burden_costs"]["cost:hours_per_year"].astype(float).sum()
    assert number_text(hours, 0) in html


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


@needs_poppler
def test_pdf_without_figures_has_sections_numbers_and_says_how_to_get_figures(
    content, analysed, tmp_path
):
    pdf = pdf_report(content, figures={})  # as on a machine without a browser
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    for heading in (*HEADINGS, "Inhalt"):
        assert heading in text
    assert f"darin {number_text(len(analysed['findings']))} Belastungen" in flat
    burden = analysed["burden_costs"]
    media = burden[burden["finding:kind"] == "media_break"].iloc[0]
    assert number_text(float(media["cost:euros_per_year"])) in flat
    assert number_text(float(media["cost:hours_per_year"]), 1) in flat
    assert " ".join(word("no_figures", "de").split()[:6]) in flat
    assert re.search(r"Seite 2 / \d+", text)


@needs_poppler
def test_pdf_pages_with_figures_are_not_blank(content, tmp_path):
    if shutil.which("chromium") is None and shutil.which("google-chrome") is None:
        pytest.skip("no Chrome/Chromium for the figures")
    from PIL import Image

    pdf = pdf_report(content)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    assert "Die Abbildungen fehlen" not in _pdf_text(pdf, tmp_path)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 5
    for page in pages:
        grey = Image.open(page).convert("L")
        dark = sum(1 for v in grey.get_flattened_data() if v < 200)
        assert dark > 100, f"{page.name} is blank"


def test_cli_writes_html_and_names_an_unknown_format(tmp_path, capsys):
    out = tmp_path / "bericht.html"
    assert main(["report", str(SAMPLE), "--out", str(out)]) == 0
    assert b"<title>" in out.read_bytes()
    assert main(["--lang", "en", "report", str(SAMPLE), "--out", str(tmp_path / "r.docx")]) == 2
    said = capsys.readouterr()
    assert "r.docx" in said.out + said.err and ".pdf" in said.out + said.err
