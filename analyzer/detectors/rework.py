"""Rework: a step is done again in the same case at the same government level.

Rule (``repeated_step``): a finding is every event whose task (``task_column``, default the
ACTIVITY; pass the harmonised step column once activity names are harmonised)
occurred earlier in the same case at the same LEVEL; events with an empty level count as one
level of their own. Where the log has no LEVEL column, "the same level" becomes "the same
ORG_UNIT" (the finest stand-in: a repeat by another unit may be a duplicate, not rework),
and where it has neither, any earlier occurrence in the case counts. Anchor: the repeat (the
second, third, ... occurrence). Evidence events: the latest earlier occurrence at that level,
then the anchor.

Together with :mod:`duplicate_responsibility` this splits every repeated step of a case: done
again at a level that already did it (rework) or for the first time at a level after another
level did it (duplicate responsibility).

Columns: CASE, ACTIVITY (or ``task_column``), TIMESTAMP; LEVEL optional; START_TIMESTAMP
optional (minutes); MUNICIPALITY, SERVICE, ORG_UNIT copied where present.

Minutes lost: the repeat's own processing time (TIMESTAMP − START_TIMESTAMP) where the log
has it for the event, else ``minutes_per_repeat``. Severity: medium (high from the third
occurrence on).
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    findings_table,
    joined,
    text,
)
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN, level_text
from analyzer.schema import Burden

DETECTOR = "rework"
RULE = "repeated_step"
_OCCURRENCE = "step:occurrence"
_WORK_MINUTES = "step:work_minutes"


def detect_rework(
    frame: engine.FrameLike,
    *,
    task_column: str = schema.ACTIVITY,
    minutes_per_repeat: float = 15.0,
) -> pd.DataFrame:
    """Repeated steps of ``frame`` as a findings table (rule in the module docstring)."""
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    steps.require_columns(
        lf, [task_column], purpose_de="die Erkennung von Nacharbeit", purpose_en="detecting rework"
    )
    order = steps.order_columns(columns)
    where = steps.optional(columns, schema.LEVEL) or steps.optional(columns, schema.ORG_UNIT)
    group = [schema.CASE, task_column, *where]
    p = steps.prev_name
    marked = steps.running_count(lf, group, order, _OCCURRENCE).with_columns(
        nw.col(schema.EVENT_ID).shift(1).over(*group, order_by=order).alias(p(schema.EVENT_ID)),
        _work_minutes(columns).alias(_WORK_MINUTES),
    )
    rows = engine.to_pandas(
        marked.filter(~nw.col(p(schema.EVENT_ID)).is_null()).select(
            *dict.fromkeys([*anchor_columns(columns), task_column]),
            p(schema.EVENT_ID),
            _OCCURRENCE,
            _WORK_MINUTES,
        )
    )
    occurrence = rows[_OCCURRENCE].astype("int64")
    minutes = rows[_WORK_MINUTES].astype("float64").fillna(float(minutes_per_repeat))
    where_de, where_en = _where(rows)
    de = [
        f"„{text(t)}“ wird zum {n}. Mal ausgeführt{w}."
        for t, n, w in zip(rows[task_column], occurrence, where_de, strict=True)
    ]
    en = [
        f"'{text(t)}' is done for the {_ordinal(n)} time{w}."
        for t, n, w in zip(rows[task_column], occurrence, where_en, strict=True)
    ]
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.REWORK,
        rule=RULE,
        severity=[Severity.HIGH.value if n >= 3 else Severity.MEDIUM.value for n in occurrence],
        minutes_lost=minutes,
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[p(schema.EVENT_ID)], rows[schema.EVENT_ID]),
    )


def _where(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """`` (Ebene Kreis)`` or `` (bei „Amt“)`` per row: where the step was repeated."""
    if schema.LEVEL in rows:
        levels = rows[schema.LEVEL]
        return (
            [f" (Ebene {level_text(v, LEVEL_LABELS_DE)})" for v in levels],
            [f" (level {level_text(v, LEVEL_LABELS_EN)})" for v in levels],
        )
    if schema.ORG_UNIT in rows:
        units = rows[schema.ORG_UNIT]
        return [f" (bei „{text(u)}“)" for u in units], [f" (at '{text(u)}')" for u in units]
    return [""] * len(rows), [""] * len(rows)


def _work_minutes(columns: list[str]) -> nw.Expr:
    """Processing minutes of an event where its start is known (else null)."""
    if schema.START_TIMESTAMP not in columns:
        return nw.lit(None, nw.Float64())
    seconds = steps.seconds_between(schema.START_TIMESTAMP, schema.TIMESTAMP)
    return nw.when(seconds >= 0).then(seconds / 60.0).otherwise(nw.lit(None, nw.Float64()))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
