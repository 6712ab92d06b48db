"""Throughput time: how long a case takes from its first to its last event.

A case's throughput time is the time from its earliest start (START_TIMESTAMP where the log
has one, else TIMESTAMP) to its latest TIMESTAMP. For the citizen it is the time waited for
the decision; for the comparison of municipalities it is the first KPI. Pure and lazy on every backend.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps

SECONDS_PER_DAY = 86_400
_BEGIN = "__begin"
_END = "__end"
_SECONDS = "__seconds"
_DAYS = "__days"


def group_keys(frame: engine.FrameLike, by: Sequence[str] | None = None) -> list[str]:
    """``by`` if given, else the municipality and service columns the frame has."""
    if by is not None:
        return list(by)
    columns = engine.columns_of(frame)
    return [k for k in (schema.MUNICIPALITY, schema.SERVICE) if k in columns]


def case_spans(frame: engine.FrameLike, *, by: Sequence[str] = ()) -> nw.LazyFrame:
    """One row per case (and ``by`` keys): its throughput time in seconds, lazily.

    Columns: ``by``, CASE and ``__seconds`` (float).
    """
    lf = engine.as_lazy(frame)
    columns = lf.collect_schema().names()
    # coalesce, not min_horizontal per event: on pandas a missing start makes it null
    begin = nw.col(schema.TIMESTAMP)
    if schema.START_TIMESTAMP in columns:
        begin = nw.coalesce(nw.col(schema.START_TIMESTAMP), nw.col(schema.TIMESTAMP))
    # min and max first, the difference after: plain aggregations run natively everywhere.
    spans = (
        lf.with_columns(begin.alias(_BEGIN))
        .group_by([*by, schema.CASE])
        .agg(
            nw.col(_BEGIN).min(),
            nw.col(schema.TIMESTAMP).min().alias("__first"),
            nw.col(schema.TIMESTAMP).max().alias(_END),
        )
    )
    spans = spans.with_columns(nw.min_horizontal(_BEGIN, "__first").alias(_BEGIN))
    return spans.select(*by, schema.CASE, steps.seconds_between(_BEGIN, _END).alias(_SECONDS))


def throughput_days(
    frame: engine.FrameLike, *, by: Sequence[str] | None = None, quantile: float = 0.9
) -> pd.DataFrame:
    """Median and ``quantile`` (linear interpolation) of case throughput time in days.

    One row per ``by`` group (default: municipality and service where present) with columns
    ``by``, ``cases``, ``median_days`` and ``quantile_days``.
    """
    keys = group_keys(frame, by)
    spans = case_spans(frame, by=keys).with_columns(
        (nw.col(_SECONDS) / SECONDS_PER_DAY).alias(_DAYS)
    )
    # plain aggregations of a column (not of an expression) run natively on every backend
    aggs = [
        nw.len().alias("cases"),
        nw.col(_DAYS).median().alias("median_days"),
        nw.col(_DAYS).quantile(quantile, interpolation="linear").alias("quantile_days"),
    ]
    out = spans.group_by(keys).agg(aggs).sort(keys) if keys else spans.select(aggs)
    result = engine.to_pandas(out).reset_index(drop=True)
    result["cases"] = result["cases"].astype("int64")
    return result
