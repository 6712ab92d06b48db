"""Throughput time: how long a case takes from its first to its last event.

A case's throughput time is the time from its earliest start (START_TIMESTAMP where the log
has one, else TIMESTAMP) to its latest TIMESTAMP. For the citizen it is the time waited for
the decision; for the comparison of municipalities it is the first KPI. Pure and lazy on
every backend.

Only closed cases have a throughput time: a case is *open* when its last event (latest
TIMESTAMP; any of them where several share it) is not an end activity of its service. End
activities are given per service (or for all); where they are not, an activity ends cases
where it is the last step of at least ``end_share`` of the group's cases (default 5 %), so a
case stuck at an unusual step when the log was taken does not count as finished.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps

SECONDS_PER_DAY = 86_400
_BEGIN = "__begin"
_END = "__end"
_SECONDS = "__seconds"
_DAYS = "__days"
_OPEN = "__open"
_LAST = "__last"
_IS_END = "__is_end"
#: Default share of a group's cases an activity must end to count as an end activity.
END_SHARE = 0.05
#: End activities: one list for every service, or per service (key: SERVICE value).
EndActivities = Sequence[str] | Mapping[str, Sequence[str]] | None


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
    frame: engine.FrameLike,
    *,
    by: Sequence[str] | None = None,
    quantile: float = 0.9,
    end_activities: EndActivities = None,
    end_share: float = END_SHARE,
    include_open: bool = False,
) -> pd.DataFrame:
    """Median and ``quantile`` (linear interpolation) of the throughput time of closed cases
    in days (of all cases with ``include_open``); open cases: see the module docstring.

    One row per ``by`` group (default: municipality and service where present) with columns
    ``by``, ``cases`` (all), ``open_cases``, ``median_days`` and ``quantile_days``.
    """
    keys = group_keys(frame, by)
    lf = engine.as_lazy(frame)
    spans = case_spans(lf, by=keys).join(
        open_cases(lf, by=keys, end_activities=end_activities, end_share=end_share),
        on=[*keys, schema.CASE],
        how="left",
    )
    spans = spans.with_columns(
        (nw.col(_SECONDS) / SECONDS_PER_DAY).alias(_DAYS),
        nw.col(_OPEN).fill_null(False).cast(nw.Int64()).alias(_OPEN),
    )
    # plain aggregations of a column (not of an expression) run natively on every backend
    counts = [nw.len().alias("cases"), nw.col(_OPEN).sum().alias("open_cases")]
    closed = spans if include_open else spans.filter(nw.col(_OPEN) == 0)
    aggs = [
        nw.col(_DAYS).median().alias("median_days"),
        nw.col(_DAYS).quantile(quantile, interpolation="linear").alias("quantile_days"),
    ]
    if keys:
        result = engine.to_pandas(spans.group_by(keys).agg(counts)).merge(
            engine.to_pandas(closed.group_by(keys).agg(aggs)), on=keys, how="left"
        )
        result = result.sort_values(keys)
    else:
        result = pd.concat(
            [engine.to_pandas(spans.select(counts)), engine.to_pandas(closed.select(aggs))],
            axis=1,
        )
    result = result.reset_index(drop=True)
    for column in ("cases", "open_cases"):
        result[column] = result[column].astype("int64")
    return result


def open_cases(
    frame: engine.FrameLike,
    *,
    by: Sequence[str] = (),
    end_activities: EndActivities = None,
    end_share: float = END_SHARE,
) -> nw.LazyFrame:
    """One row per case (and ``by`` keys) with ``__open``: True where none of the case's
    last events is an end activity (see the module docstring), lazily."""
    lf = engine.as_lazy(frame)
    case = [*list(by), schema.CASE]
    last_ts = lf.group_by(case).agg(nw.col(schema.TIMESTAMP).max().alias(_END))
    # as text: a log in memory holds labels as enums, which refuse labels from outside
    last = (
        lf.join(last_ts, on=case, how="inner")
        .filter(nw.col(schema.TIMESTAMP) == nw.col(_END))
        .select(*case, nw.col(schema.ACTIVITY).cast(nw.String()).alias(_LAST))
        .unique()
    )
    marked = _with_end_flag(last, by=list(by), end_activities=end_activities, share=end_share)
    return (
        marked.with_columns(nw.col(_IS_END).fill_null(False).cast(nw.Int64()).alias(_IS_END))
        .group_by(case)
        .agg(nw.col(_IS_END).max())
        .select(*case, (nw.col(_IS_END) == 0).alias(_OPEN))
    )


def _with_end_flag(
    last: nw.LazyFrame, *, by: list[str], end_activities: EndActivities, share: float
) -> nw.LazyFrame:
    """``last`` (keys, CASE, ``__last``) with ``__is_end``: given end activities, or those
    that are the last step of at least ``share`` of the group's cases."""
    if isinstance(end_activities, Mapping):
        if schema.SERVICE not in last.collect_schema().names():
            names = sorted({a for acts in end_activities.values() for a in acts})
            return last.with_columns(nw.col(_LAST).is_in(names).alias(_IS_END))
        flag = nw.lit(False)
        for service, names in sorted(end_activities.items()):
            flag = (
                nw.when(nw.col(schema.SERVICE) == service)
                .then(nw.col(_LAST).is_in(list(names)))
                .otherwise(flag)
            )
        return last.with_columns(flag.alias(_IS_END))
    if end_activities is not None:
        return last.with_columns(nw.col(_LAST).is_in(list(end_activities)).alias(_IS_END))
    endings = last.group_by([*by, _LAST]).agg(nw.len().alias("__n"))
    if by:
        totals = last.select(*by, schema.CASE).unique().group_by(by).agg(nw.len().alias("__t"))
        endings = endings.join(totals, on=by, how="left")
    else:
        endings = endings.with_columns(
            nw.lit(engine.row_count(last.select(schema.CASE).unique())).alias("__t")
        )
    usual = endings.filter(nw.col("__n") >= share * nw.col("__t")).select(
        *by, _LAST, nw.lit(True).alias(_IS_END)
    )
    return last.join(usual, on=[*by, _LAST], how="left")
