"""Findings summed up per detector, per 1,000 cases; top findings by working time."""

from __future__ import annotations

import pandas as pd

from analyzer import findings_summary as fs
from analyzer import schema
from analyzer.detectors.base import typed_findings


def finding(m: str, detector: str, kind: str, case: str, event: str, minutes: float) -> dict:
    return {
        schema.MUNICIPALITY: m,
        schema.SERVICE: "Wohngeld",
        schema.FINDING_DETECTOR: detector,
        schema.FINDING_BURDEN: kind,
        schema.CASE: case,
        schema.EVENT_ID: event,
        schema.FINDING_MINUTES_LOST: minutes,
    }


FINDINGS = typed_findings(
    pd.DataFrame(
        [
            finding("A", "media_breaks", "media_break", "a1", "e1", 5.0),
            finding("A", "media_breaks", "media_break", "a1", "e2", 5.0),
            finding("A", "media_breaks", "media_break", "a2", "e3", 5.0),
            finding("A", "long_waits", "long_wait", "a2", "e4", 43200.0),
            finding("B", "media_breaks", "media_break", "b1", "e5", 7.5),
        ]
    )
)
CASES = pd.DataFrame(
    {schema.MUNICIPALITY: ["A", "B"], schema.SERVICE: ["Wohngeld"] * 2, "cases": [4, 2]}
)


def test_per_detector_with_zero_rows_for_the_other_municipality() -> None:
    out = fs.findings_by_detector(FINDINGS, CASES)
    rows = out[
        [
            schema.MUNICIPALITY,
            schema.FINDING_DETECTOR,
            fs.FINDINGS,
            fs.CASES_AFFECTED,
            fs.SHARE_OF_CASES,
            fs.PER_1000_CASES,
            fs.MINUTES_LOST,
            fs.IDLE_DAYS,
        ]
    ].values.tolist()
    # the long wait's 43,200 minutes are 30 idle days, not working time
    assert rows == [
        ["A", "long_waits", 1, 1, 0.25, 250.0, 0.0, 30.0],
        ["A", "media_breaks", 3, 2, 0.5, 750.0, 15.0, 0.0],
        ["B", "long_waits", 0, 0, 0.0, 0.0, 0.0, 0.0],
        ["B", "media_breaks", 1, 1, 0.5, 500.0, 7.5, 0.0],
    ]


def test_no_findings_at_all() -> None:
    out = fs.findings_by_detector(FINDINGS.head(0), CASES)
    assert out.empty


def test_top_findings_leave_idle_time_out_unless_asked() -> None:
    top = fs.top_findings(FINDINGS, n=2)
    assert top[schema.EVENT_ID].tolist() == ["e5", "e1"]  # 7.5 min, then the first 5-min tie
    everything = fs.top_findings(FINDINGS, n=1, working_time_only=False)
    assert everything[schema.EVENT_ID].tolist() == ["e4"]
    assert len(FINDINGS) == 5  # input untouched


def with_activity(row: dict, activity: str, event_ids: str | None = None) -> dict:
    return {
        **row,
        schema.ACTIVITY: activity,
        schema.FINDING_EVENT_ID: row[schema.EVENT_ID],
        schema.FINDING_EVENT_IDS: event_ids or row[schema.EVENT_ID],
    }


def test_costliest_patterns_group_findings_by_step_and_price_an_instance_once() -> None:
    rows = [
        with_activity(finding("A", "media_breaks", "media_break", "a1", "e1", 5.0), "Drucken"),
        with_activity(finding("A", "media_breaks", "media_break", "a2", "e3", 5.0), "Drucken"),
        with_activity(finding("A", "media_breaks", "media_break", "a2", "e2", 5.0), "Scannen"),
        with_activity(finding("A", "manual_reentry", "manual_reentry", "a1", "e6", 4.0), "Tippen"),
        # the same re-typing seen as a system break: counted, not priced again
        with_activity(finding("A", "system_breaks", "media_break", "a1", "e6", 4.0), "Tippen"),
        with_activity(finding("A", "long_waits", "long_wait", "a2", "e4", 43200.0), "Warten"),
    ]
    found = typed_findings(pd.DataFrame(rows))
    out = fs.costliest_patterns(found, n=10)
    got = out[
        [
            schema.FINDING_DETECTOR,
            schema.ACTIVITY,
            fs.FINDINGS,
            fs.CASES_AFFECTED,
            fs.PATTERN_MINUTES,
            fs.EXAMPLE_CASE,
        ]
    ].values.tolist()
    assert got == [
        ["media_breaks", "Drucken", 2, 2, 10.0, "a1"],
        ["media_breaks", "Scannen", 1, 1, 5.0, "a2"],
        ["manual_reentry", "Tippen", 1, 1, 4.0, "a1"],
        ["system_breaks", "Tippen", 1, 1, 0.0, "a1"],
    ]  # the long wait is idle time, nobody's work
    assert fs.costliest_patterns(found, n=1)[schema.ACTIVITY].tolist() == ["Drucken"]
    # a file without municipality and service still has patterns
    bare = found.drop(columns=[schema.MUNICIPALITY, schema.SERVICE]).assign(
        **{schema.MUNICIPALITY: None, schema.SERVICE: None}
    )
    assert fs.costliest_patterns(bare, n=10)[fs.FINDINGS].tolist() == [2, 1, 1, 1]
    assert len(found) == 6  # input untouched
