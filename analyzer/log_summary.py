"""What a log holds: cases, events, activities, time span and attribute coverage.

Pure and lazy: works on any backend; results are small pandas frames, one row per
municipality and service (or one row for the whole log when it has neither column).
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from analyzer import engine, schema

_KEYS = (schema.MUNICIPALITY, schema.SERVICE)


def log_overview(frame: engine.FrameLike) -> pd.DataFrame:
    """Cases, events, activities, first and last timestamp per municipality and service."""
    lf = engine.as_lazy(frame)
    keys = _group_keys(lf)
    aggs = [
        nw.col(schema.CASE).n_unique().alias("cases"),
        nw.len().alias("events"),
        nw.col(schema.ACTIVITY).n_unique().alias("activities"),
        nw.col(schema.TIMESTAMP).min().alias("first"),
        nw.col(schema.TIMESTAMP).max().alias("last"),
    ]
    out = lf.group_by(keys).agg(aggs) if keys else lf.select(aggs)
    result = engine.to_pandas(out.sort(keys) if keys else out)
    return result.reset_index(drop=True)


def attribute_coverage(frame: engine.FrameLike) -> pd.DataFrame:
    """Share of events (0..1) that carry each canonical attribute, per municipality/service.

    Columns: the keys, then one column per canonical field key (``resource``, ``medium``, ...)
    that is not a key itself; an attribute absent from the log has coverage 0.
    """
    lf = engine.as_lazy(frame)
    columns = lf.collect_schema().names()
    keys = _group_keys(lf)
    fields = [f for f in schema.FIELDS if f.column not in keys and f.column != schema.SOURCE_ROW]
    present = [f for f in fields if f.column in columns]
    # Plain counts first, shares after: simple aggregations run natively on every backend.
    counts = [nw.col(f.column).count().alias(f.key) for f in present] + [nw.len().alias("__n")]
    out = lf.group_by(keys).agg(counts).sort(keys) if keys else lf.select(counts)
    out = out.with_columns(
        *[(nw.col(f.key) / nw.col("__n")).alias(f.key) for f in present],
        *[nw.lit(0.0).alias(f.key) for f in fields if f.column not in columns],
    ).select(*keys, *[f.key for f in fields])
    return engine.to_pandas(out).reset_index(drop=True)


def _group_keys(lf: nw.LazyFrame) -> list[str]:
    columns = lf.collect_schema().names()
    return [k for k in _KEYS if k in columns]
