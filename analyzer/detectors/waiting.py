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
    collect_findings,
    duration_words,
    id_list,
    lazy_findings,
    minutes_text_de,
    minutes_text_en,
    words,
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
    p = steps.prev_name
    c = nw.col
    waits = steps.with_waits(lf).filter(c(steps.WAIT_SECONDS) > threshold.total_seconds())
    minutes = c(steps.WAIT_SECONDS) / 60.0
    limit = threshold.total_seconds() / 60.0
    severity = (
        nw.when(minutes >= 4 * limit)
        .then(nw.lit(Severity.HIGH.value))
        .when(minutes >= 2 * limit)
        .then(nw.lit(Severity.MEDIUM.value))
        .otherwise(nw.lit(Severity.LOW.value))
    )
    between = (c(p(schema.ACTIVITY)), c(schema.ACTIVITY))
    return collect_findings(
        lazy_findings(
            waits,
            detector=DETECTOR,
            burden=Burden.LONG_WAIT,
            rule=RULE,
            severity=severity,
            minutes_lost=minutes,
            evidence_de=words(
                "Der Vorgang lag ",
                duration_words(minutes, "de"),
                " zwischen „",
                between[0],
                "“ und „",
                between[1],
                f"“ (Schwelle {minutes_text_de(limit)}).",
            ),
            evidence_en=words(
                "The case waited ",
                duration_words(minutes, "en"),
                " between '",
                between[0],
                "' and '",
                between[1],
                f"' (threshold {minutes_text_en(limit)}).",
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )
