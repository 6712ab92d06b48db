"""The columnar engine: analysis is written once against narwhals and runs on any backend.

Analysis functions accept any frame narwhals understands (a DuckDB relation, a Polars
DataFrame or LazyFrame, a pandas DataFrame, a PyArrow table, or a narwhals frame), work on
it lazily where the backend allows (DuckDB, Polars lazy, later PySpark), and hand back small
pandas frames for pm4py and plotly. DuckDB is the embedded default; a 10M-event log in a
workspace is a DuckDB relation and is never materialised in pandas on the default path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import narwhals as nw
import pandas as pd

FrameLike = Any  # any native frame narwhals accepts, or a narwhals frame


class Backend(StrEnum):
    DUCKDB = "duckdb"
    POLARS = "polars"
    PANDAS = "pandas"


def as_lazy(frame: FrameLike) -> nw.LazyFrame:
    """A narwhals LazyFrame over ``frame`` without copying it (eager frames become lazy)."""
    if isinstance(frame, nw.LazyFrame):
        return frame
    if isinstance(frame, nw.DataFrame):
        return frame.lazy()
    if _is_pyarrow_table(frame):
        import polars as pl

        frame = pl.from_arrow(frame)
    native = nw.from_native(frame)
    return native if isinstance(native, nw.LazyFrame) else native.lazy()


def collect(frame: FrameLike) -> nw.DataFrame:
    """Run ``frame`` and return an eager narwhals DataFrame (Polars-backed where lazy)."""
    lazy = as_lazy(frame)
    return lazy.collect()


def to_pandas(frame: FrameLike) -> pd.DataFrame:
    """Run ``frame`` and return a pandas DataFrame; meant for small results only."""
    if isinstance(frame, pd.DataFrame):
        return frame
    return collect(frame).to_pandas()


def to_polars(frame: FrameLike):
    """Run ``frame`` and return a Polars DataFrame (Arrow memory, cheap to hand to DuckDB)."""
    import polars as pl

    if isinstance(frame, pl.DataFrame):
        return frame
    return collect(frame).to_polars()


def columns_of(frame: FrameLike) -> list[str]:
    """Column names of ``frame`` without running it."""
    return list(as_lazy(frame).collect_schema().names())


def row_count(frame: FrameLike) -> int:
    """Number of rows of ``frame`` (runs a count on the backend, not a materialisation)."""
    return int(as_lazy(frame).select(nw.len()).collect().item())


def on_backend(frame: FrameLike, backend: Backend | str, *, connection: Any = None) -> Any:
    """The same data as a native frame of ``backend``; tests run every analysis on each.

    DuckDB needs a connection that outlives the returned relation; one is created when
    ``connection`` is None and kept alive by the relation.
    """
    backend = Backend(backend)
    data = to_polars(frame)
    if backend is Backend.POLARS:
        return data.lazy()
    if backend is Backend.PANDAS:
        return data.to_pandas()
    import duckdb

    con = connection or duckdb.connect()
    arrow = data.to_arrow()
    return con.from_arrow(arrow)


def _is_pyarrow_table(frame: Any) -> bool:
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a hard dependency
        return False
    return isinstance(frame, pa.Table)
