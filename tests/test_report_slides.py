"""The steering committee's deck (issue 13): python-pptx reopens it and finds the slide
titles, native charts with the analyzer's numbers, and no text larger than its box."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu

from analyzer import schema
from analyzer.comparison import number_text
from reports.process_map_figure import BURDEN_COLOURS
from reports.slides import steering_deck

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"


def burden_costs() -> pd.DataFrame:
    """Six priced burden kinds of Kleinau's Hundesteuer (and one row of another town)."""
    kinds = [
        ("rework", "400.00", "100.00", 10.0, 12.5),
        ("media_break", "9000.50", "8000.25", 300.0, 250.0),
        ("once_only", "1200.00", "1200.00", 40.0, 30.0),
        ("manual_reentry", "2500.00", "2000.00", 90.0, 80.0),
        ("ping_pong", "150.00", "150.00", 5.0, 4.0),
        ("duplicate_responsibility", "800.00", "400.00", 25.0, 20.0),
    ]
    rows = [
        {
            schema.MUNICIPALITY: "Kleinau",
            schema.SERVICE: "Hundesteuer",
            schema.FINDING_BURDEN: kind,
            schema.COST_EUROS_PER_YEAR: Decimal(euros),
            schema.COST_SAVINGS_EUROS_PER_YEAR: Decimal(savings),
            schema.COST_HOURS_PER_YEAR: Decimal(str(hours)),
            schema.COST_FINDINGS_PER_1000: per_1000,
            schema.COST_CASES_PER_YEAR: 420,
            schema.COST_EDITION: "Probetafel 2030",
        }
        for kind, euros, savings, hours, per_1000 in kinds
    ]
    other = {**rows[0], schema.MUNICIPALITY: "Großau", schema.COST_EUROS_PER_YEAR: Decimal(99999)}
    return pd.DataFrame([*rows, other])


def peers() -> tuple[pd.DataFrame, pd.DataFrame]:
    kpis = pd.DataFrame(
        {
            schema.MUNICIPALITY: ["Kleinau", "Großau", "Mittelau"],
            schema.SERVICE: ["Hundesteuer"] * 3,
            schema.KPI_EUROS_PER_CASE: [30.5, 12.25, 20.0],
            schema.KPI_MEDIA_BREAKS_PER_1000: [250.0, 20.0, 100.0],
            schema.RANK: [3, 1, 2],
        }
    )
    best = pd.DataFrame(
        {
            schema.MUNICIPALITY: ["Kleinau", "Kleinau"],
            schema.SERVICE: ["Hundesteuer"] * 2,
            schema.RANK_BEST_MUNICIPALITY: ["Großau", "Großau"],
            schema.DIFF_TEXT: ["Großau scannt nie.", "Großau prüft einmal."],
            schema.DIFF_TEXT_EN: ["Großau never scans.", "Großau checks once."],
        }
    )
    return kpis, best


def titles(deck: Presentation) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def all_text(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def assert_text_fits(deck: Presentation) -> None:
    """Every text box holds its text at its font size (letters about half the size wide)."""
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            width = Emu(shape.width).pt - 14
            used = 0.0
            for paragraph in shape.text_frame.paragraphs:
                size = max((r.font.size.pt for r in paragraph.runs if r.font.size), default=18)
                per_line = max(int(width / (size * 0.5)), 1)
                used += max(math.ceil(len(paragraph.text) / per_line), 1) * size * 1.25
            assert used <= Emu(shape.height).pt + 1, (number, shape.text_frame.text[:60])


def test_deck_with_peers_has_the_steering_committee_slides_and_native_charts():
    kpis, best = peers()
    data = steering_deck(
        municipality="Kleinau",
        service="Hundesteuer",
        burden_costs=burden_costs(),
        period="01.01.2030 – 31.12.2030",
        date="02.02.2031",
        kpis=kpis,
        best_practice=best,
        method=["Eingabe: hundesteuer.csv"],
    )
    deck = Presentation(io.BytesIO(data))
    assert titles(deck) == [
        "Hundesteuer: Bürokratiebelastung in Kleinau",
        "Die Belastung auf einen Blick",
        "Die fünf teuersten Belastungsarten",
        "Medienbrüche und Mehrfacherfassungen",
        "Vergleich mit anderen Kommunen: Rang 3 von 3",
        "Was Großau anders macht",
        "Nächste Schritte",
        "Methode und Datengrundlage",
    ]
    glance = all_text(deck.slides[1])
    assert "470 " in glance  # hours: 10 + 300 + 40 + 90 + 5 + 25 (Großau's row not counted)
    assert "14.050 €" in glance and "11.850 €" in glance  # euros and savings, rounded
    (costliest,) = charts(deck.slides[2])
    plot = costliest.plots[0]
    assert list(plot.categories) == [
        "Medienbruch",
        "Mehrfacherfassung",
        "Once-only-Verstoß",
        "Doppelzuständigkeit",
        "Nacharbeit",
    ]
    cost, savings = plot.series
    assert list(cost.values) == [9000.5, 2500.0, 1200.0, 800.0, 400.0]
    assert list(savings.values) == [8000.25, 2000.0, 1200.0, 400.0, 100.0]
    media = cost.points[0].format.fill.fore_color.rgb
    assert f"#{media}".lower() == BURDEN_COLOURS[schema.Burden.MEDIA_BREAK].lower()
    (comparison,) = charts(deck.slides[4])
    assert list(comparison.plots[0].categories) == ["Großau", "Mittelau", "Kleinau"]
    assert list(comparison.plots[0].series[0].values) == [12.25, 20.0, 30.5]
    assert "Großau scannt nie." in all_text(deck.slides[5])
    assert "Probetafel 2030" in all_text(deck.slides[7])
    assert_text_fits(deck)


def test_deck_without_peers_in_english_has_six_slides():
    deck = Presentation(
        io.BytesIO(
            steering_deck(
                municipality="Kleinau",
                service="Hundesteuer",
                burden_costs=burden_costs(),
                language="en",
            )
        )
    )
    assert titles(deck) == [
        "Hundesteuer: bureaucratic burden in Kleinau",
        "The burden at a glance",
        "The five costliest kinds of burden",
        "Media breaks and re-entries",
        "Next steps",
        "Method and data",
    ]
    assert charts(deck.slides[2])[0].plots[0].categories[0] == "media break"
    assert "14,050 €" in all_text(deck.slides[1])
    assert_text_fits(deck)


def test_long_texts_are_set_smaller_and_cut_to_their_box():
    kpis, best = peers()
    best[schema.DIFF_TEXT] = ["Großau " + "macht alles anders und " * 120] * 2
    deck = Presentation(
        io.BytesIO(
            steering_deck(
                municipality="Kleinau",
                service="Hundesteuer",
                burden_costs=burden_costs(),
                kpis=kpis,
                best_practice=best,
            )
        )
    )
    assert "…" in all_text(deck.slides[5])
    assert_text_fits(deck)


def test_deck_numbers_equal_the_analyzers_for_musterdorf():
    from analyzer import cost_model, steps
    from app import api
    from connectors.cost_settings import default_cost_settings

    csv, mapping = (
        SAMPLES / "wohngeld_musterdorf.csv",
        SAMPLES / "wohngeld_musterdorf.csv.mapping.toml",
    )
    result = api.analyze(csv, mapping=mapping)
    log = steps.prepare(api.read_log(csv, mapping=mapping).frame)
    tables = default_cost_settings().tables
    burden = cost_model.finding_costs(result.findings, log=log, tables=tables)
    deck = Presentation(
        io.BytesIO(
            steering_deck(municipality="Musterdorf", service="Wohngeld", burden_costs=burden)
        )
    )
    hours = sum(float(v) for v in burden[schema.COST_HOURS_PER_YEAR])
    euros = sum(float(v) for v in burden[schema.COST_EUROS_PER_YEAR])
    glance = all_text(deck.slides[1])
    assert number_text(hours, 0) in glance and f"{number_text(euros, 0)} €" in glance
    values = list(charts(deck.slides[2])[0].plots[0].series[0].values)
    expected = sorted((float(v) for v in burden[schema.COST_EUROS_PER_YEAR] if v > 0), reverse=True)
    assert values == pytest.approx(expected[:5])
