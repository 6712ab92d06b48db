"""Minutes per occurrence of each activity: fixed, measured in the log, or from the tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.cost_model.costing import ActivityCosting, CostDefaults, LogStatistic, TimeSource
from analyzer.cost_model.money import (
    quantize,
    require_columns,
    round_int,
    to_cents,
    unique_problems,
    with_edition,
)
from analyzer.cost_tables import CostTables
from analyzer.problems import InputError, Problem
from analyzer.throughput import group_keys

_N = "__n"
_DUR = "__duration"
_SEC = "__seconds"
_RATE = "__rate_cents"
_MAT = "__material_cents"
_NUMER = "__numer"
_SECTOTAL = "__seconds_total"
_UNPRICED = "__unpriced"
_LEVEL = "__level"
_CAREER = "__career"


def activity_times(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
    label_column: str = schema.ACTIVITY,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Minutes per occurrence of each activity, and where they came from.

    One row per ``by`` group (default: municipality and service where present) and label
    (``label_column``: ACTIVITY, or STEP after harmonisation). Columns: the keys, the label,
    ``cost:events`` (occurrences; lifecycle ``start`` events are part of an occurrence, not
    one of their own), ``cost:measured`` (occurrences with a measured duration),
    ``cost:minutes`` (per occurrence, 2 decimals; empty where unpriced),
    ``cost:time_source`` (:class:`TimeSource`), ``cost:standard_activity``,
    ``cost:complexity``, ``cost:career``, ``cost:edition``.
    """
    keys = group_keys(frame, by)
    table = time_table(
        frame,
        tables=tables,
        activities=activities or {},
        defaults=defaults,
        label_column=label_column,
        keys=keys,
    )
    table[schema.COST_MINUTES] = [
        None if s is None else quantize(Fraction(int(s), 60)) for s in table[_SEC]
    ]
    columns = [
        *keys,
        label_column,
        schema.COST_EVENTS,
        schema.COST_MEASURED,
        schema.COST_MINUTES,
        schema.COST_TIME_SOURCE,
        schema.COST_STANDARD_ACTIVITY,
        schema.COST_COMPLEXITY,
        schema.COST_CAREER,
    ]
    return with_edition(table[columns], tables)


def time_table(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting],
    defaults: CostDefaults,
    label_column: str,
    keys: list[str],
) -> pd.DataFrame:
    lf = engine.as_lazy(frame)
    require_columns(lf, [schema.CASE, schema.TIMESTAMP, label_column])
    durations = measured_durations(lf, label_column)
    stat = (
        nw.col(_DUR).median()
        if defaults.log_statistic is LogStatistic.MEDIAN
        else (nw.col(_DUR).mean())
    )
    grouped = (
        durations.group_by([*keys, label_column], drop_null_keys=False)
        .agg(
            nw.len().alias(schema.COST_EVENTS),
            nw.col(_DUR).count().alias(schema.COST_MEASURED),
            stat.alias(_DUR),
        )
        .sort([*keys, label_column], nulls_last=True)
    )
    table = engine.to_pandas(grouped).reset_index(drop=True)
    table[schema.COST_EVENTS] = table[schema.COST_EVENTS].astype("int64")
    table[schema.COST_MEASURED] = table[schema.COST_MEASURED].astype("int64")

    problems: list[Problem] = []
    rows = []
    for label, measured, duration in zip(
        table[label_column], table[schema.COST_MEASURED], table[_DUR], strict=True
    ):
        costing = activities.get(label) if isinstance(label, str) else None
        costing = costing or ActivityCosting()
        complexity = costing.complexity or defaults.complexity
        career = costing.career or defaults.career
        seconds: int | None = None
        source = TimeSource.MISSING
        if costing.minutes is not None:
            seconds, source = round_int(costing.minutes * 60), TimeSource.FIXED
        elif measured > 0:
            seconds, source = round_int(Decimal(repr(float(duration)))), TimeSource.LOG
        elif costing.standard_activity:
            try:
                minutes = tables.standard_minutes(costing.standard_activity, complexity)
                seconds, source = round_int(minutes * 60), TimeSource.TABLE
            except InputError as exc:
                problems.extend(exc.problems)
        try:
            material = to_cents(costing.material_cost, what="material_cost")
        except InputError as exc:
            problems.extend(exc.problems)
            material = 0
        rows.append(
            (
                seconds,
                source.value,
                costing.standard_activity,
                complexity.value if costing.standard_activity else None,
                career.value,
                material,
            )
        )
    if problems:
        raise InputError(unique_problems(problems))
    extra = pd.DataFrame(
        rows,
        columns=[
            _SEC,
            schema.COST_TIME_SOURCE,
            schema.COST_STANDARD_ACTIVITY,
            schema.COST_COMPLEXITY,
            schema.COST_CAREER,
            _MAT,
        ],
        dtype=object,
    )
    return pd.concat([table.drop(columns=[_DUR]), extra], axis=1)


def measured_durations(lf: nw.LazyFrame, label_column: str) -> nw.LazyFrame:
    """Occurrences of activities with their measured duration in seconds (``__duration``).

    A duration is measured where START_TIMESTAMP is set and not after TIMESTAMP, or where a
    ``complete`` event directly follows a ``start`` of the same label in the same case.
    Lifecycle ``start`` events are dropped afterwards: they open an occurrence.
    """
    columns = lf.collect_schema().names()
    order = steps.order_columns(columns)
    duration = None
    if schema.START_TIMESTAMP in columns:
        span = steps.seconds_between(schema.START_TIMESTAMP, schema.TIMESTAMP)
        duration = nw.when(span >= 0).then(span)
    if schema.LIFECYCLE in columns:
        lifecycle = nw.col(schema.LIFECYCLE).cast(nw.String()).str.to_lowercase()
        lf = steps.shifted(
            lf.with_columns(lifecycle.alias("__lc")),
            {"__lc": "__prev_lc", schema.TIMESTAMP: "__prev_ts"},
            partition=[schema.CASE, label_column],
            order=order,
        )
        paired = nw.when((nw.col("__lc") == "complete") & (nw.col("__prev_lc") == "start")).then(
            steps.seconds_between("__prev_ts", schema.TIMESTAMP)
        )
        duration = paired if duration is None else nw.coalesce(duration, paired)
        lf = lf.filter((nw.col("__lc") != "start") | nw.col("__lc").is_null())
    if duration is None:
        duration = nw.lit(None, dtype=nw.Float64)
    return lf.with_columns(duration.cast(nw.Float64).alias(_DUR))
