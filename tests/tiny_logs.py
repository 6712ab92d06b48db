"""Hand-made event logs for exact tests: rows written as tuples, canonical types added."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd
import polars as pl

from analyzer import engine, schema

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def make_log(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> pl.DataFrame:
    """A canonical log from ``rows``; a column ``"minutes"`` becomes TIMESTAMP (T0 + minutes).

    Every event gets SOURCE_ROW (its row, 1-based) and EVENT_ID ``"e<row>"`` unless the
    columns give them.
    """
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    if "minutes" in data:
        data[schema.TIMESTAMP] = [T0 + timedelta(minutes=m) for m in data.pop("minutes")]
    if "start_minutes" in data:
        data[schema.START_TIMESTAMP] = [
            None if m is None else T0 + timedelta(minutes=m) for m in data.pop("start_minutes")
        ]
    n = len(rows)
    data.setdefault(schema.SOURCE_ROW, list(range(1, n + 1)))
    data.setdefault(schema.EVENT_ID, [f"e{i}" for i in range(1, n + 1)])
    frame = pl.DataFrame(data)
    casts = {c: pl.Datetime("us", "UTC") for c in schema.DATETIME_COLUMNS if c in frame.columns}
    casts[schema.SOURCE_ROW] = pl.Int64
    for c in frame.columns:
        if c not in casts and frame[c].dtype == pl.Null:
            casts[c] = pl.String
    return frame.with_columns(pl.col(c).cast(t) for c, t in casts.items())


def on(frame: pl.DataFrame, backend: str):
    """``frame`` as a native frame of ``backend`` (duckdb, polars or pandas)."""
    return engine.on_backend(frame, backend)


def rows_of(table: pd.DataFrame, *columns: str) -> list[tuple]:
    """The rows of ``table`` as tuples of ``columns`` (NaN as None), in table order."""
    part = table[list(columns)].astype(object)
    part = part.where(part.notna(), None)
    return [tuple(r) for r in part.itertuples(index=False)]
