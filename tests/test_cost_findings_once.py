"""One burden instance, one price; idle time is days, never working hours (issue 10.12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import polars as pl

from analyzer import engine, schema
from analyzer import findings_summary as fs
from analyzer.cost_model import finding_costs
from analyzer.cost_tables import load_cost_tables
from analyzer.detectors.base import typed_findings

TABLES = load_cost_tables("destatis-2025")
D = Decimal


def finding(detector: str, kind: str, case: str, event: str, minutes: float | None) -> dict:
    return {
        schema.FINDING_DETECTOR: detector,
        schema.FINDING_BURDEN: kind,
        schema.FINDING_RULE: "r",
        schema.FINDING_SEVERITY: "medium",
        schema.MUNICIPALITY: "Kleinhausen",
        schema.SERVICE: "Hundesteuer",
        schema.CASE: case,
        schema.FINDING_EVENT_ID: event,
        schema.FINDING_EVENT_IDS: event,
        schema.ACTIVITY: "Halterdaten übernehmen",
        schema.ORG_UNIT: None,
        schema.LEVEL: "municipality",
        schema.FINDING_MINUTES_LOST: minutes,
        schema.FINDING_EVIDENCE: "",
        schema.FINDING_EVIDENCE_EN: "",
        schema.FINDING_INFERRED: False,
    }


# k1/e2: data typed again from another system: both system_breaks (media_break) and
# manual_reentry report it. k2/e5: a change of medium (media_breaks). k3/e7: a long wait.
FINDINGS = [
    finding("system_breaks", "media_break", "k1", "e2", 5.0),
    finding("manual_reentry", "manual_reentry", "k1", "e2", 6.0),
    finding("media_breaks", "media_break", "k2", "e5", 3.0),
    finding("long_waits", "long_wait", "k3", "e7", 2880.0),
]


def four_cases() -> pl.DataFrame:
    return pl.DataFrame(
        {
            schema.MUNICIPALITY: "Kleinhausen",
            schema.SERVICE: "Hundesteuer",
            schema.CASE: ["k1", "k2", "k3", "k4"],
            schema.ACTIVITY: "Halterdaten übernehmen",
            schema.TIMESTAMP: [dt.datetime(2026, 7, d, 9, tzinfo=dt.UTC) for d in (1, 2, 3, 4)],
            schema.LEVEL: "municipality",
        }
    )


def test_a_reentry_reported_by_two_detectors_is_priced_once(backend):
    """4 cases, 400 a year: each finding stands for 100. manual_reentry owns k1/e2 (6 min,
    einfach/mittlerer Dienst 25.50 €/h: 2.55 € → 255.00 € a year); the system_breaks
    finding on the same event is not priced again. media_break: only k2/e5 (3 min,
    einfach/mittlerer Dienst 25.50 €/h: 1.275 € → 127.50 € a year, 5.00 h)."""
    costs = finding_costs(
        engine.on_backend(pl.DataFrame(FINDINGS), backend),
        log=engine.on_backend(four_cases(), backend),
        tables=TABLES,
        cases_per_year=400,
    ).set_index(schema.FINDING_BURDEN)
    media = costs.loc["media_break"]
    assert media[schema.COST_FINDINGS] == 1
    assert media[schema.COST_FINDINGS_PRICED_ELSEWHERE] == 1
    assert media[schema.COST_DETECTORS] == "media_breaks"
    assert media[schema.COST_EUROS_PER_YEAR] == D("127.50")
    assert media[schema.COST_HOURS_PER_YEAR] == D("5.00")
    reentry = costs.loc["manual_reentry"]
    assert reentry[schema.COST_FINDINGS] == 1
    assert reentry[schema.COST_FINDINGS_PRICED_ELSEWHERE] == 0
    assert reentry[schema.COST_DETECTORS] == "manual_reentry"
    assert reentry[schema.COST_EUROS_PER_YEAR] == D("255.00")


def test_idle_time_is_days_apart_from_working_hours():
    """The long wait (2 days) is 200 idle days a year, no working hours, no euros."""
    costs = finding_costs(
        pl.DataFrame(FINDINGS), log=four_cases(), tables=TABLES, cases_per_year=400
    ).set_index(schema.FINDING_BURDEN)
    wait = costs.loc["long_wait"]
    assert wait[schema.COST_IDLE_DAYS_PER_YEAR] == D("200.00")
    assert wait[schema.COST_HOURS_PER_YEAR] == D("0.00")
    assert wait[schema.COST_EUROS_PER_YEAR] == D("0.00")
    assert costs.loc["media_break", schema.COST_IDLE_DAYS_PER_YEAR] == D("0.00")


def test_findings_per_detector_keep_working_minutes_and_idle_days_apart():
    """Before: long_waits had 2,880 'minutes lost' added to working time. The system_breaks
    row says its finding is priced as manual_reentry."""
    findings = typed_findings(pd.DataFrame(FINDINGS))
    cases = pd.DataFrame(
        {schema.MUNICIPALITY: ["Kleinhausen"], schema.SERVICE: ["Hundesteuer"], "cases": [4]}
    )
    out = fs.findings_by_detector(findings, cases).set_index(schema.FINDING_DETECTOR)
    assert out[fs.MINUTES_LOST].to_dict() == {
        "long_waits": 0.0,
        "manual_reentry": 6.0,
        "media_breaks": 3.0,
        "system_breaks": 0.0,  # its re-typing is priced once, as manual_reentry
    }
    assert out[fs.IDLE_DAYS].to_dict() == {
        "long_waits": 2.0,
        "manual_reentry": 0.0,
        "media_breaks": 0.0,
        "system_breaks": 0.0,
    }
    assert out[fs.PRICED_ELSEWHERE].to_dict() == {
        "long_waits": 0,
        "manual_reentry": 0,
        "media_breaks": 0,
        "system_breaks": 1,
    }
    assert out.loc["system_breaks", fs.PRICED_AS] == "manual_reentry"
    assert out.loc["media_breaks", fs.PRICED_AS] == "media_breaks"
