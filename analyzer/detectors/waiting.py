"""Long waits (Liegezeiten): a case lies idle between two steps for longer than a threshold.

Rule (``wait_above_threshold``): the wait before an event is the time from the previous
event's TIMESTAMP (its completion) to this event's START_TIMESTAMP where the log has one for
it, else to this event's TIMESTAMP; a finding is every event whose wait exceeds
``threshold`` (default 30 days: a month without progress). The first event of a case has no
wait; overlapping events (start before the previous completion) wait 0.
Anchor: the event that ends the wait. Evidence events: the previous event, then the anchor.

Columns: CASE, ACTIVITY, TIMESTAMP; START_TIMESTAMP optional; MUNICIPALITY, SERVICE,
ORG_UNIT, LEVEL copied where present.

Minutes lost: the whole wait in minutes (time the citizen waits; the Standard Cost Model
prices waiting differently from work later). Severity: high from 4× the threshold, medium
from 2×, else low.
"""

from __future__ import annotations

from datetime import timedelta

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    findings_table,
    joined,
    minutes_text_de,
    minutes_text_en,
    text,
)
from analyzer.problems import InputError, problem
from analyzer.schema import Burden

DETECTOR = "long_waits"
RULE = "wait_above_threshold"
DEFAULT_THRESHOLD = timedelta(days=30)


def detect_long_waits(
    frame: engine.FrameLike, *, threshold: timedelta = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """Waits longer than ``threshold`` in ``frame`` as a findings table (see module docstring)."""
    if threshold <= timedelta(0):
        raise InputError(
            [
                problem(
                    "option.threshold",
                    "die Schwelle für lange Liegezeiten muss positiv sein",
                    "the long-wait threshold must be positive",
                    value=threshold,
                )
            ]
        )
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    p = steps.prev_name
    waits = steps.with_waits(lf).filter(nw.col(steps.WAIT_SECONDS) > threshold.total_seconds())
    rows = engine.to_pandas(
        waits.select(
            *anchor_columns(columns), steps.WAIT_SECONDS, p(schema.EVENT_ID), p(schema.ACTIVITY)
        )
    )
    minutes = rows[steps.WAIT_SECONDS].astype("float64") / 60.0
    limit = threshold.total_seconds() / 60.0
    severity = [
        Severity.HIGH.value
        if m >= 4 * limit
        else Severity.MEDIUM.value
        if m >= 2 * limit
        else Severity.LOW.value
        for m in minutes
    ]
    de = [
        f"Der Vorgang lag {minutes_text_de(m)} zwischen „{text(a)}“ und „{text(b)}“ "
        f"(Schwelle {minutes_text_de(limit)})."
        for m, a, b in zip(minutes, rows[p(schema.ACTIVITY)], rows[schema.ACTIVITY], strict=True)
    ]
    en = [
        f"The case waited {minutes_text_en(m)} between '{text(a)}' and '{text(b)}' "
        f"(threshold {minutes_text_en(limit)})."
        for m, a, b in zip(minutes, rows[p(schema.ACTIVITY)], rows[schema.ACTIVITY], strict=True)
    ]
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.LONG_WAIT,
        rule=RULE,
        severity=severity,
        minutes_lost=minutes,
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[p(schema.EVENT_ID)], rows[schema.EVENT_ID]),
    )
