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
    collect_findings,
    id_list,
    labelled,
    lazy_findings,
    words,
)
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN
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
    # only steps done twice or more at one place in a case can be repeats
    repeated = steps.in_shared_groups(lf, group)
    counted = steps.running_count(repeated, group, order, _OCCURRENCE)
    marked = steps.shifted(
        counted, {schema.EVENT_ID: p(schema.EVENT_ID)}, partition=group, order=order
    ).with_columns(_work_minutes(columns).alias(_WORK_MINUTES))
    c = nw.col
    n = c(_OCCURRENCE)
    where_de, where_en = _where(columns)
    return collect_findings(
        lazy_findings(
            marked.filter(~c(p(schema.EVENT_ID)).is_null()),
            detector=DETECTOR,
            burden=Burden.REWORK,
            rule=RULE,
            severity=nw.when(n >= 3)
            .then(nw.lit(Severity.HIGH.value))
            .otherwise(nw.lit(Severity.MEDIUM.value)),
            minutes_lost=nw.coalesce(c(_WORK_MINUTES), nw.lit(float(minutes_per_repeat))),
            evidence_de=words(
                "„", c(task_column), "“ wird zum ", n, ". Mal ausgeführt", *where_de, "."
            ),
            evidence_en=words(
                "'",
                c(task_column),
                "' is done for the ",
                n,
                _ordinal_suffix(n),
                " time",
                *where_en,
                ".",
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )


def _where(columns: list[str]) -> tuple[list[str | nw.Expr], list[str | nw.Expr]]:
    """Sentence parts `` (Ebene Kreis)`` or `` (bei „Amt“)``: where the step was repeated."""
    if schema.LEVEL in columns:
        level = nw.col(schema.LEVEL)
        return (
            [" (Ebene ", labelled(level, LEVEL_LABELS_DE), ")"],
            [" (level ", labelled(level, LEVEL_LABELS_EN), ")"],
        )
    if schema.ORG_UNIT in columns:
        unit = nw.col(schema.ORG_UNIT)
        return [" (bei „", unit, "“)"], [" (at '", unit, "')"]
    return [], []


def _ordinal_suffix(n: nw.Expr) -> nw.Expr:
    """English ordinal suffix of ``n``: st, nd, rd, th (11th-13th)."""
    return (
        nw.when(((n % 100) >= 11) & ((n % 100) <= 13))
        .then(nw.lit("th"))
        .when((n % 10) == 1)
        .then(nw.lit("st"))
        .when((n % 10) == 2)
        .then(nw.lit("nd"))
        .when((n % 10) == 3)
        .then(nw.lit("rd"))
        .otherwise(nw.lit("th"))
    )


def _work_minutes(columns: list[str]) -> nw.Expr:
    """Processing minutes of an event where its start is known (else null)."""
    if schema.START_TIMESTAMP not in columns:
        return nw.lit(None, nw.Float64())
    seconds = steps.seconds_between(schema.START_TIMESTAMP, schema.TIMESTAMP)
    return nw.when(seconds >= 0).then(seconds / 60.0).otherwise(nw.lit(None, nw.Float64()))
