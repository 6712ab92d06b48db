"""Rework: a step is done again in the same case at the same government level.

Rule (``repeated_step``), in the order it is applied:

1. *Occurrences.* The events of one task (``task_column``, default the ACTIVITY; pass the
   harmonised step column once activity names are harmonised) in one case at one LEVEL;
   events with an empty level count as one level of their own. Where the log has no LEVEL
   column, "the same level" becomes "the same ORG_UNIT" (the finest stand-in: a repeat by
   another unit may be a duplicate, not rework), and where it has neither, the case.
2. *The citizen's steps are not the office's rework.* Events whose task names something
   the citizen or business does (pays, hands in, uploads, objects:
   :func:`analyzer.task_lexicon.is_citizen_step`), or whose RESOURCE or ROLE is the citizen
   (:func:`analyzer.task_lexicon.is_citizen_actor`), are left out: a second instalment or
   a second submission is the applicant acting again.
3. *Echoes are not occurrences.* An event is left out when, compared with the previous
   occurrence of its task (step 1), it is
   - an exact duplicate: the same TIMESTAMP, and the same RESOURCE or a RESOURCE missing on
     either (or no RESOURCE column): one record exported twice;
   - a click-level repeat: the same RESOURCE (known on both) less than ``min_gap_minutes``
     later: one person saving or clicking twice.
4. *Rework.* A finding is every remaining occurrence after the first. Anchor: the repeat
   (the second, third, ... occurrence). Evidence events: the previous remaining
   occurrence, then the anchor. The evidence says which time it is, how long after the
   previous occurrence, and whether by the same or another person (where both RESOURCEs
   are known).

Together with :mod:`duplicate_responsibility` this splits every repeated step of a case: done
again at a level that already did it (rework) or for the first time at a level after another
level did it (duplicate responsibility).

Columns: CASE, ACTIVITY (or ``task_column``), TIMESTAMP; LEVEL, RESOURCE, ROLE optional;
START_TIMESTAMP optional (minutes); MUNICIPALITY, SERVICE, ORG_UNIT copied where present.

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
    duration_words,
    id_list,
    labelled,
    lazy_findings,
    words,
)
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN
from analyzer.schema import Burden
from analyzer.task_lexicon import is_citizen_actor, is_citizen_step

DETECTOR = "rework"
RULE = "repeated_step"
_OCCURRENCE = "step:occurrence"
_WORK_MINUTES = "step:work_minutes"
_MICROS = "step:rework_micros"
_GAP_MINUTES = "step:gap_minutes"


def detect_rework(
    frame: engine.FrameLike,
    *,
    task_column: str = schema.ACTIVITY,
    minutes_per_repeat: float = 15.0,
    min_gap_minutes: float = 5.0,
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
    resource = steps.optional(columns, schema.RESOURCE)
    p = steps.prev_name
    c = nw.col
    # only steps done twice or more at one place in a case can be repeats
    repeated = steps.in_shared_groups(_office_steps(lf, task_column, columns), group)
    timed = steps.with_epoch_microseconds(repeated, {schema.TIMESTAMP: _MICROS})
    carried = [_MICROS, *resource]
    echoes = steps.shifted(timed, {k: p(k) for k in carried}, partition=group, order=order)
    occurrences = echoes.filter(~_echo(resource, min_gap_minutes)).drop(*[p(k) for k in carried])
    counted = steps.running_count(occurrences, group, order, _OCCURRENCE)
    marked = steps.shifted(
        counted,
        {k: p(k) for k in [schema.EVENT_ID, *carried]},
        partition=group,
        order=order,
    ).with_columns(
        _work_minutes(columns).alias(_WORK_MINUTES),
        ((c(_MICROS) - c(p(_MICROS))).cast(nw.Float64()) / 60e6).alias(_GAP_MINUTES),
    )
    n = c(_OCCURRENCE)
    where_de, where_en = _where(columns)
    gap = _shown_minutes(c(_GAP_MINUTES))
    by_de, by_en = _by_whom(resource)
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
                "„",
                c(task_column),
                "“ wird zum ",
                n,
                ". Mal ausgeführt",
                *where_de,
                ", ",
                duration_words(gap, "de"),
                " nach dem vorigen Mal",
                by_de,
                ".",
            ),
            evidence_en=words(
                "'",
                c(task_column),
                "' is done for the ",
                n,
                _ordinal_suffix(n),
                " time",
                *where_en,
                ", ",
                duration_words(gap, "en"),
                " after the previous time",
                by_en,
                ".",
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )


def _office_steps(lf: nw.LazyFrame, task_column: str, columns: list[str]) -> nw.LazyFrame:
    """``lf`` without the citizen's steps: tasks named as theirs, events they performed.

    The names are read once per distinct task, resource and role, not per event.
    """
    c = nw.col
    checks = [(task_column, is_citizen_step)]
    checks += [(k, is_citizen_actor) for k in steps.optional(columns, schema.RESOURCE, schema.ROLE)]
    for column, is_citizens in checks:
        names = lf.select(c(column).cast(nw.String())).unique().collect()[column].to_list()
        theirs = sorted(v for v in names if v is not None and is_citizens(v))
        if theirs:
            lf = lf.filter(c(column).is_null() | ~c(column).is_in(theirs))
    return lf


def _echo(resource: list[str], min_gap_minutes: float) -> nw.Expr:
    """Whether an event repeats the previous occurrence of its task as a duplicate row or a
    click (rule 3 of the module docstring); False for a first occurrence."""
    c = nw.col
    p = steps.prev_name
    gap = c(_MICROS) - c(p(_MICROS))
    first = c(p(_MICROS)).is_null()
    if not resource:
        return nw.when(first).then(nw.lit(False)).otherwise(gap == 0)
    who, before = c(schema.RESOURCE), c(p(schema.RESOURCE))
    known = ~who.is_null() & ~before.is_null()
    same = known & (who == before)
    duplicate = (gap == 0) & (same | ~known)
    click = same & (gap < round(min_gap_minutes * 60e6))
    return nw.when(first).then(nw.lit(False)).otherwise(duplicate | click)


def _shown_minutes(minutes: nw.Expr) -> nw.Expr:
    """``minutes`` rounded half up to the precision :func:`duration_words` shows (0.1 day,
    0.1 h or 0.1 min), so that it rounds no further.

    Backends round a tie differently (Polars half to even, DuckDB half away from zero):
    "42,85 Std." would read 42,8 on one and 42,9 on the other.
    """
    step = (
        nw.when(minutes >= 2 * 24 * 60)
        .then(nw.lit(144.0))
        .when(minutes >= 120)
        .then(nw.lit(6.0))
        .otherwise(nw.lit(0.1))
    )
    return (minutes / step + 0.5).floor() * step


def _by_whom(resource: list[str]) -> tuple[nw.Expr, nw.Expr]:
    """Sentence parts ``, durch eine andere Person`` / ``, by the same person``: who repeated
    the step, compared with the previous occurrence; empty where either resource is unknown."""
    if not resource:
        return nw.lit(""), nw.lit("")
    p = steps.prev_name
    who, before = nw.col(schema.RESOURCE), nw.col(p(schema.RESOURCE))
    known = ~who.is_null() & ~before.is_null()
    same = who == before

    def part(same_text: str, other_text: str) -> nw.Expr:
        return (
            nw.when(known & same)
            .then(nw.lit(same_text))
            .when(known)
            .then(nw.lit(other_text))
            .otherwise(nw.lit(""))
        )

    return (
        part(", durch dieselbe Person", ", durch eine andere Person"),
        part(", by the same person", ", by another person"),
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
