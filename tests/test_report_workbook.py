"""The Excel workbook and the CSV a consultant hands over (issue 13): reopened with openpyxl
and read back as German Excel would read them."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analyzer import findings_summary as fs
from analyzer import schema
from analyzer.detectors.base import typed_findings
from connectors.findings_files import write_table, write_workbook
from reports.workbook import report_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
EDITION = "Kostentafel Probe 2031"
HOSTILE = ('=HYPERLINK("http://x.invalid","klick")', "+1", "@SUM(A1:A2)", "-2+3", "\tTab")


def tiny_findings() -> pd.DataFrame:
    """Three findings of Oberau and Unterau; two of them with evidence a spreadsheet would run."""
    rows = [
        {
            schema.FINDING_DETECTOR: "media_breaks",
            schema.FINDING_BURDEN: "media_break",
            schema.FINDING_RULE: "to_analogue",
            schema.FINDING_SEVERITY: "high",
            schema.MUNICIPALITY: "Oberau",
            schema.SERVICE: "Hundesteuer",
            schema.CASE: "HS-1",
            schema.EVENT_ID: "HS-1-2",
            schema.FINDING_MINUTES_LOST: 12.345,
            schema.FINDING_EVIDENCE: HOSTILE[0],
            schema.FINDING_EVIDENCE_EN: "printed",
            schema.FINDING_INFERRED: True,
        },
        {
            schema.FINDING_DETECTOR: "once_only",
            schema.FINDING_BURDEN: "once_only",
            schema.FINDING_RULE: "authority_holds",
            schema.FINDING_SEVERITY: "low",
            schema.MUNICIPALITY: "Oberau",
            schema.SERVICE: "Hundesteuer",
            schema.CASE: "HS-2",
            schema.EVENT_ID: "HS-2-1",
            schema.FINDING_MINUTES_LOST: 1234.5,
            schema.FINDING_EVIDENCE: HOSTILE[2],
            schema.FINDING_EVIDENCE_EN: "asked again",
            schema.FINDING_INFERRED: False,
        },
        {
            schema.FINDING_DETECTOR: "rework",
            schema.FINDING_BURDEN: "rework",
            schema.FINDING_RULE: "repeated_step",
            schema.FINDING_SEVERITY: "medium",
            schema.MUNICIPALITY: "Unterau",
            schema.SERVICE: "Hundesteuer",
            schema.CASE: "HS-9",
            schema.EVENT_ID: "HS-9-4",
            schema.FINDING_MINUTES_LOST: 3.0,
            schema.FINDING_EVIDENCE: "Marke zweimal ausgegeben",
            schema.FINDING_EVIDENCE_EN: "tag issued twice",
            schema.FINDING_INFERRED: False,
        },
    ]
    return typed_findings(pd.DataFrame(rows))


def tiny_ranking() -> pd.DataFrame:
    """Three municipalities listed alphabetically, ranked 3, 1, 2; an all-empty column."""
    return pd.DataFrame(
        {
            schema.SERVICE: ["Hundesteuer"] * 3,
            schema.KPI_PEER_GROUP: ["alle"] * 3,
            schema.MUNICIPALITY: ["Aheim", "Bdorf", "Cstadt"],
            schema.RANK_SCORE: [2.5, 1.25, 2.0],
            schema.RANK: [3, 1, 2],
            schema.RANK_PEERS: [3, 3, 3],
            schema.KPI_SIZE: [float("nan")] * 3,
            schema.COST_EDITION: [EDITION] * 3,
        }
    )


def tiny_kpis() -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.MUNICIPALITY: ["Aheim", "Bdorf"],
            schema.SERVICE: ["Hundesteuer"] * 2,
            schema.KPI_CASES: [1200, 80],
            schema.KPI_THROUGHPUT_MEDIAN_DAYS: [46.70833333333333, 3.0],
            schema.KPI_EUROS_PER_CASE: [79.3712, 12.0],
            schema.KPI_REWORK_RATE: [0.111, 0.5],
            schema.RANK: [2, 1],
            schema.COST_EDITION: [EDITION] * 2,
        }
    )


def reopened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def columns_of(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def test_the_workbook_has_german_sheets_headings_values_formats_and_frozen_filtered_headers():
    data = report_workbook(
        findings=tiny_findings(),
        kpis=tiny_kpis(),
        ranking=tiny_ranking(),
        mappings=pd.DataFrame(columns=[schema.MAPPING_LABEL, schema.STEP]),  # no rows: no sheet
        provenance=[("Eingabedatei", "hundesteuer.csv")],
    )
    book = reopened(data)
    assert book.sheetnames == ["Befunde", "Kennzahlen", "Rangfolge", "Herkunft"]
    findings = book["Befunde"]
    heads = columns_of(findings)
    assert {"Detektor", "Belastungsart", "Schwere", "verlorene Minuten", "Befund"} <= set(heads)
    assert "Befund (englisch)" not in heads and not [h for h in heads if ":" in h]
    values = [[c.value for c in row] for row in findings.iter_rows(min_row=2)]
    assert [r[heads["Detektor"] - 1] for r in values] == [
        "Medienbrüche",
        "Once-only-Verstöße",
        "Nacharbeit",
    ]
    assert [r[heads["Belastungsart"] - 1] for r in values] == [
        "Medienbruch",
        "Once-only-Verstoß",
        "Nacharbeit",
    ]
    assert [r[heads["Schwere"] - 1] for r in values] == ["hoch", "niedrig", "mittel"]
    assert [r[heads["abgeleitet"] - 1] for r in values] == ["ja", "nein", "nein"]
    minutes = findings.cell(row=3, column=heads["verlorene Minuten"])
    assert minutes.value == 1234.5 and minutes.number_format == "#,##0.0"
    for sheet in (findings, book["Kennzahlen"], book["Rangfolge"]):
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert "Kostenstand" not in columns_of(sheet)  # the edition: once, on Herkunft
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 60 for w in widths), widths
    assert findings.column_dimensions["A"].width == len("Once-only-Verstöße") + 2

    kpis = book["Kennzahlen"]
    heads = columns_of(kpis)
    assert kpis.cell(row=2, column=heads["Kommune"]).value == "Bdorf"  # rank 1 first
    row = {h: kpis.cell(row=3, column=c) for h, c in heads.items()}
    assert row["Fälle"].value == 1200 and row["Fälle"].number_format == "#,##0"
    days = row["Durchlaufzeit (Median, Tage)"]
    assert days.value == pytest.approx(46.70833333333333) and days.number_format == "#,##0.0"
    euros = row["Kosten je Fall (Euro)"]
    assert euros.value == pytest.approx(79.3712) and euros.number_format == '#,##0.00 "€"'
    share = row["Anteil der Fälle mit Nacharbeit"]
    assert share.value == pytest.approx(0.111) and share.number_format == "0 %"

    ranking = book["Rangfolge"]
    heads = columns_of(ranking)
    assert "Einwohner" not in heads  # a column without any value is left out
    towns = [ranking.cell(row=r, column=heads["Kommune"]).value for r in (2, 3, 4)]
    assert towns == ["Bdorf", "Cstadt", "Aheim"]  # by rank, not alphabetically
    assert ranking.cell(row=2, column=heads["mittlerer Rang"]).number_format == "#,##0.00"

    provenance = [[c.value for c in row] for row in book["Herkunft"].iter_rows()]
    assert provenance[0] == ["Angabe", "Wert"]
    assert ["Eingabedatei", "hundesteuer.csv"] in provenance
    assert ["Kostenstand (Destatis-Tabellen)", EDITION] in provenance  # once, not per row
    assert sum(EDITION in str(v) for row in provenance for v in row) == 1


def test_formula_like_texts_stay_text_in_the_workbook():
    findings = tiny_findings()
    findings[schema.CASE] = pd.Series(HOSTILE[1:4], dtype=findings[schema.CASE].dtype)
    book = reopened(report_workbook(findings=findings))
    sheet = book["Befunde"]
    heads = columns_of(sheet)
    cells = [sheet.cell(row=r, column=heads["Befund"]) for r in (2, 3)]
    cells += [sheet.cell(row=r, column=heads["Vorgang (Fall-ID)"]) for r in (2, 3, 4)]
    assert [c.value for c in cells] == [HOSTILE[0], HOSTILE[2], *HOSTILE[1:4]]
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    plain = sheet.cell(row=4, column=heads["Befund"])
    assert plain.value == "Marke zweimal ausgegeben" and not plain.quotePrefix
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_english_workbook_has_english_sheets_headings_and_values():
    book = reopened(report_workbook(findings=tiny_findings(), kpis=tiny_kpis(), language="en"))
    assert book.sheetnames == ["Findings", "KPIs", "Provenance"]
    sheet = book["Findings"]
    heads = columns_of(sheet)
    assert {"detector", "burden kind", "severity", "evidence"} <= set(heads)
    assert sheet.cell(row=2, column=heads["burden kind"]).value == "media break"
    assert sheet.cell(row=2, column=heads["evidence"]).value == "printed"
    euros = book["KPIs"].cell(row=2, column=columns_of(book["KPIs"])["cost per case (euros)"])
    assert euros.number_format == '"€"#,##0.00'


def test_german_csv_opens_in_german_excel_and_neutralises_formulas(tmp_path):
    path = write_table(tiny_findings(), tmp_path / "befunde.csv", language="de")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the umlauts
    text = raw.decode("utf-8-sig")
    head, first, second, *_ = text.split("\r\n")
    assert head.split(";")[:4] == ["Detektor", "Belastungsart", "Regel", "Schwere"]
    assert ";12,3;" in first and ";1234,5;" in second  # decimal comma, one decimal
    assert ";'@SUM(A1:A2);" in second and "'=HYPERLINK" in first
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["verlorene Minuten"].tolist() == [12.3, 1234.5, 3.0]
    english = write_table(tiny_findings(), tmp_path / "f.csv", language="en").read_text("utf-8-sig")
    assert english.startswith("detector,burden kind,rule,severity")


def test_comparison_workbook_from_findings_files_puts_the_edition_on_provenance(tmp_path):
    tables = {"Kennzahlen": tiny_kpis(), "Rangfolge": tiny_ranking(), "Leer": tiny_kpis()[:0]}
    path = write_workbook(tables, tmp_path / "v.xlsx", language="de")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Kennzahlen", "Rangfolge", "Herkunft"]
    assert book["Rangfolge"].freeze_panes == "A2"
    assert ["Kostenstand (Destatis-Tabellen)", EDITION] in [
        [c.value for c in row] for row in book["Herkunft"].iter_rows()
    ]


@pytest.fixture(scope="module")
def musterdorf():
    """Musterdorf's Wohngeld export analysed as the app does, and its costs."""
    from analyzer import cost_model, steps
    from app import api
    from connectors.cost_settings import default_cost_settings

    csv = SAMPLES / "wohngeld_musterdorf.csv"
    result = api.analyze(csv, mapping=SAMPLES / "wohngeld_musterdorf.csv.mapping.toml")
    log = steps.prepare(
        api.read_log(csv, mapping=SAMPLES / "wohngeld_musterdorf.csv.mapping.toml").frame
    )
    settings = default_cost_settings()
    burden = cost_model.finding_costs(result.findings, log=log, tables=settings.tables)
    costs = cost_model.annual_cost(log, tables=settings.tables, lower_bound=True)
    return result, burden, costs, settings


def test_workbook_numbers_equal_the_analyzers_for_musterdorf(musterdorf):
    result, burden, costs, settings = musterdorf
    data = report_workbook(
        summary=result.summary, findings=result.findings, costs=costs, burden_costs=burden
    )
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == [
        "Zusammenfassung",
        "Befunde",
        "Kosten",
        "Kosten je Belastungsart",
        "Herkunft",
    ]
    found = sheets["Befunde"]
    assert len(found) == len(result.findings)
    assert found["verlorene Minuten"].sum() == pytest.approx(
        result.findings[schema.FINDING_MINUTES_LOST].sum()
    )
    summary = sheets["Zusammenfassung"].set_index("Detektor")
    expected = result.summary.set_index(schema.FINDING_DETECTOR)
    assert summary.loc["Medienbrüche", "Befunde"] == expected.loc["media_breaks", fs.FINDINGS]
    assert summary.loc["Medienbrüche", "Anteil der Fälle"] == pytest.approx(
        expected.loc["media_breaks", fs.SHARE_OF_CASES]
    )
    by_kind = sheets["Kosten je Belastungsart"].set_index("Belastungsart")
    priced = burden.set_index(schema.FINDING_BURDEN)
    for kind, name in (("media_break", "Medienbruch"), ("manual_reentry", "Mehrfacherfassung")):
        assert by_kind.loc[name, "Euro je Jahr (Verwaltung)"] == pytest.approx(
            float(priced.loc[kind, schema.COST_EUROS_PER_YEAR])
        )
        assert by_kind.loc[name, "Einsparung Euro je Jahr"] == pytest.approx(
            float(priced.loc[kind, schema.COST_SAVINGS_EUROS_PER_YEAR])
        )
    provenance = sheets["Herkunft"].set_index("Angabe")["Wert"]
    assert provenance["Kostenstand (Destatis-Tabellen)"] == settings.tables.edition
    book = reopened(data)
    heads = columns_of(book["Kosten je Belastungsart"])
    cell = book["Kosten je Belastungsart"].cell(row=2, column=heads["Euro je Jahr (Verwaltung)"])
    assert cell.number_format == '#,##0.00 "€"'


def test_compare_workbook_numbers_equal_the_analyzers(tmp_path):
    """The shipped Wohngeld samples compared with their step mapping: the KPI sheet holds the
    analyzer's KPIs, the ranking sheet is by rank, the ranks sheet names each KPI."""
    from app import api

    result = api.compare(
        [SAMPLES / "wohngeld.parquet"],
        step_mappings=[SAMPLES / "step_mapping_wohngeld.toml"],
        proposal_dir=tmp_path,
    )
    data = report_workbook(
        kpis=result.kpis,
        ranking=result.ranking,
        ranks=result.ranks,
        best_practice=result.best_practice,
    )
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == [
        "Kennzahlen",
        "Rangfolge",
        "Ränge je Kennzahl",
        "Best Practice",
        "Herkunft",
    ]
    kpis = sheets["Kennzahlen"]
    assert kpis["Rang"].tolist() == sorted(kpis["Rang"])
    expected = result.kpis.set_index(schema.MUNICIPALITY)
    for _, row in kpis.iterrows():
        town = row["Kommune"]
        assert row["Kosten je Fall (Euro)"] == pytest.approx(
            expected.loc[town, schema.KPI_EUROS_PER_CASE]
        )
        assert row["Medienbrüche je 1.000 Fälle"] == pytest.approx(
            expected.loc[town, schema.KPI_MEDIA_BREAKS_PER_1000]
        )
    assert sheets["Rangfolge"]["Kommune"].iloc[0] == "Musterstadt"
    ranks = sheets["Ränge je Kennzahl"]
    assert "Medienbrüche je 1.000 Fälle" in set(ranks["Kennzahl"])
    assert "Name der Kennzahl" not in ranks.columns
    assert (
        ranks.groupby("Kennzahl", sort=False)["Rang"]
        .apply(lambda r: r.is_monotonic_increasing)
        .all()
    )
