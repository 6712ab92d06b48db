"""The report's contents as data (reports/content.py): tiny hand-made results, exact values."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analyzer import schema
from analyzer.medium_lexicon import MEDIUM_LABELS_DE
from reports.burden_style import BURDEN_COLOURS, contrast_ratio
from reports.content import TimelineStep, _around_marked, example_cases, report_content


def _findings(rows):
    """Findings with the columns the report reads: (detector, kind, case, minutes, ids)."""
    return pd.DataFrame(
        {
            schema.FINDING_DETECTOR: [r[0] for r in rows],
            schema.FINDING_BURDEN: [r[1] for r in rows],
            schema.FINDING_RULE: ["r"] * len(rows),
            schema.CASE: [r[2] for r in rows],
            schema.EVENT_ID: [r[4].split(";")[-1] for r in rows],
            schema.FINDING_EVENT_IDS: [r[4] for r in rows],
            schema.FINDING_MINUTES_LOST: [float(r[3]) for r in rows],
            schema.FINDING_EVIDENCE: [f"Befund in {r[2]}" for r in rows],
            schema.FINDING_EVIDENCE_EN: [f"finding in {r[2]}" for r in rows],
            schema.FINDING_INFERRED: [r[2] == "C" for r in rows],
        }
    )


def test_example_cases_are_the_costliest_cases_per_detector_ties_by_id():
    found = _findings(
        [
            ("rework", "rework", "B", 5, "b1"),
            ("rework", "rework", "A", 5, "a1"),
            ("rework", "rework", "C", 9, "c1"),
            ("rework", "rework", "D", 1, "d1"),
            ("media_breaks", "media_break", "D", 2, "d2"),
        ]
    )
    assert example_cases(found) == {"media_breaks": ["D"], "rework": ["C", "A", "B"]}


def test_a_timeline_keeps_the_marked_steps_and_one_either_side():
    steps = tuple(TimelineStep(str(i), f"s{i}", "", "", "", i in (3, 4)) for i in range(8))
    shown = [s.activity for s in _around_marked(steps, context=1)]
    assert shown == ["…", "s2", "s3", "s4", "s5", "…"]


def _costs(hours, euros, note):
    return pd.DataFrame(
        {
            schema.COST_HOURS_PER_YEAR: [hours],
            schema.COST_EUROS_PER_YEAR: [euros],
            schema.COST_NOTE: [note],
            schema.COST_NOTE_EN: [note + " (en)"],
        }
    )


def _content(language="de", **changes):
    found = _findings(
        [
            ("rework", "rework", "A", 30, "a1;a2"),
            ("rework", "rework", "C", 30, "c1;c2"),
            ("media_breaks", "media_break", "A", 10, "a0;a1"),
        ]
    )
    burden = pd.DataFrame(
        {
            schema.FINDING_BURDEN: ["media_break", "rework"],
            schema.COST_FINDINGS: [1, 2],
            schema.COST_FINDINGS_PER_1000: [250.0, 500.0],
            schema.COST_HOURS_PER_YEAR: [1.5, 12.0],
            schema.COST_EUROS_PER_YEAR: [60.0, 480.25],
            schema.COST_SAVINGS_HOURS_PER_YEAR: [1.5, 6.0],
            schema.COST_SAVINGS_EUROS_PER_YEAR: [60.0, 240.0],
        }
    )
    levels = pd.DataFrame(
        {
            schema.LEVEL: ["county", "municipality"],
            schema.COST_HOURS_PER_YEAR: [None, 3.0],
            schema.COST_EUROS_PER_YEAR: [None, 120.0],
            schema.COST_NOTE: ["Kosten fehlen: X ohne Zeit", "gemessen"],
            schema.COST_NOTE_EN: ["cost missing: X has no time", "measured"],
        }
    )
    options = dict(
        findings=found,
        cases=4,
        period=(dt.date(2025, 1, 6), dt.date(2025, 12, 30)),
        burden_costs=burden,
        costs=_costs(None, None, "Kosten fehlen"),
        costs_by_level=levels,
        costs_by_step=pd.DataFrame(),
        edition="Tabellenstand X",
        verified=False,
        municipality="Ahornhausen",
        service="Hundesteuer",
        date=dt.date(2026, 2, 1),
        language=language,
    )
    options.update(changes)
    return report_content(**options)


def test_summary_sums_the_burden_kinds_and_ranks_the_costliest():
    content = _content()
    s = content.summary
    assert (s.cases, s.findings) == (4, 3)
    assert (s.hours_per_year, s.euros_per_year, s.savings_euros_per_year) == (13.5, 540.25, 300.0)
    assert [k.kind for k in s.costliest] == ["rework", "media_break"]
    assert s.sentences[0].startswith("Im Zeitraum 06.01.2025 – 30.12.2025 hat Ahornhausen 4 Fälle")
    assert "0,8 je Fall" in s.sentences[0]
    assert "rund 14 Arbeitsstunden und 540 € im Jahr" in s.sentences[1]
    assert "„Nacharbeit“ mit 480 €" in s.sentences[2]


def test_findings_by_detector_with_rule_rates_and_inferred_count():
    content = _content(language="en")
    rework = content.findings[0]
    assert (rework.detector, rework.findings, rework.cases_affected) == ("rework", 2, 2)
    assert rework.per_1000_cases == 500.0
    assert rework.hours == 1.0
    assert rework.inferred == 1
    assert rework.rule.startswith("A step is done again")
    assert [e.case for e in rework.examples] == ["A", "C"]
    assert content.provenance.inferred == (
        "rework: 1 of 2 findings rest on an inferred attribute (e.g. medium or level read "
        "from a name).",
    )


def test_a_missing_cost_stays_missing_with_its_reason_after_the_priced_rows():
    content = _content()
    rows = content.costs.by_level
    assert [(r.label, r.hours_per_year, r.euros_per_year) for r in rows] == [
        ("Gemeinde", 3.0, 120.0),
        ("Kreis", None, None),
    ]
    assert rows[1].note == "Kosten fehlen: X ohne Zeit"
    assert content.costs.total.euros_per_year is None
    assert content.costs.total.note == "Kosten fehlen"


def test_timelines_mark_the_events_the_finding_names():
    events = pd.DataFrame(
        {
            schema.CASE: ["C"] * 3,
            schema.EVENT_ID: ["c0", "c1", "c2"],
            schema.ACTIVITY: ["Antrag", "Prüfung", "Prüfung"],
            schema.TIMESTAMP: pd.to_datetime(
                ["2025-03-01 08:00", "2025-03-02 09:30", "2025-03-03 10:00"], utc=True
            ),
            schema.MEDIUM: ["paper", "efile", "efile"],
            schema.LEVEL: ["county"] * 3,
        }
    )
    content = _content(timelines=events)
    example = next(e for e in content.findings[0].examples if e.case == "C")
    assert [(s.when, s.activity, s.medium, s.level, s.marked) for s in example.steps] == [
        ("01.03.2025 09:00", "Antrag", "Papier", "Kreis", False),
        ("02.03.2025 10:30", "Prüfung", MEDIUM_LABELS_DE["efile"], "Kreis", True),
        ("03.03.2025 11:00", "Prüfung", MEDIUM_LABELS_DE["efile"], "Kreis", True),
    ]


def test_every_burden_colour_is_readable_on_white_and_distinct():
    assert all(contrast_ratio(c) >= 4.5 for c in BURDEN_COLOURS.values())
    kinds = [k for k in BURDEN_COLOURS if k != schema.Burden.HANDOVER]
    assert len({BURDEN_COLOURS[k] for k in kinds}) == len(kinds)
