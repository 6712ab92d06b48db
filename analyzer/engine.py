"""The columnar engine: analysis is written once against narwhals and runs on any backend.

Analysis functions accept any frame narwhals understands (a DuckDB relation, a Polars
DataFrame or LazyFrame, a pandas DataFrame, a PyArrow table, or a narwhals frame), work on
it lazily where the backend allows (DuckDB, Polars lazy, later PySpark), and hand back small
pandas frames for pm4py and plotly. DuckDB is the embedded default; a 10M-event log in a
workspace is a DuckDB relation and is never materialised in pandas on the default path.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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


#: Rows from which :func:`to_pandas` converts column by column (slower per call, half the
#: peak memory).
_LARGE_RESULT = 100_000


def to_pandas(frame: FrameLike, *, categorical: bool = False) -> pd.DataFrame:
    """Run ``frame`` and return a pandas DataFrame; meant for small results only.

    Categorical columns (text of a log in memory, see :func:`in_memory_in_order`) come back
    as plain text, so results look the same whatever backend computed them; with
    ``categorical`` as pandas categoricals (findings' label columns, whose texts repeat).
    """
    if isinstance(frame, pd.DataFrame):
        return frame

    def converted(part):
        return (part if categorical else _plain_text(part)).to_pandas()

    data = collect(frame).to_polars()
    if data.height < _LARGE_RESULT:
        return converted(data)
    # column by column, each Polars column dropped once converted: a large result (a
    # million findings with their sentences) is never held twice in full
    columns = {}
    for name in data.columns:
        columns[name] = converted(data.select(name))[name]
        data = data.drop(name)
    return pd.DataFrame(columns)


def to_polars(frame: FrameLike):
    """Run ``frame`` and return a Polars DataFrame (Arrow memory, cheap to hand to DuckDB);
    categorical columns come back as plain text."""
    import polars as pl

    if isinstance(frame, pl.DataFrame):
        return _plain_text(frame)
    return _plain_text(collect(frame).to_polars())


def numbered_in_order(
    lf: nw.LazyFrame, *, groups: Sequence[str], order: Sequence[str], name: str
) -> nw.LazyFrame:
    """``lf`` with ``name``: 0, 1, 2, ... by ``groups``, then ``order`` (nulls first; ties
    keep their order), so that the rows of a group are consecutive and in ``order``.

    On Polars the rows are also put in that order (one sort) and categorical ``groups`` are
    sorted by their codes: which group comes first does not matter, only that its rows are
    together. Elsewhere a lazy row number in that order.
    """
    if lf.implementation is nw.Implementation.POLARS:
        native = nw.to_native(lf)
        types = native.collect_schema()
        packed = _packed_key(types, groups, order)
        if packed is not None:
            ordered = native.sort(packed, maintain_order=True)
        else:
            keys = _group_keys(types, groups)
            ordered = native.sort([*keys, *order], nulls_last=False, maintain_order=True)
        return nw.from_native(ordered.with_row_index(name))
    return lf.with_row_index(name, order_by=[*groups, *order])


def _packed_key(types, groups: Sequence[str], order: Sequence[str]):
    """One 64-bit Polars sort key for a categorical group and an unsigned 32-bit order (a
    prepared log's SEQUENCE), or None for other keys: the group's code (plus one; 0 for a
    missing group, which comes first) in the high half, the order in the low half.

    Sorting one integer costs a fifth of sorting the two columns (10M rows: 0.2 s against
    1.2 s). Codes stay below 2**31 (that many distinct texts would not fit in memory).
    """
    import polars as pl

    if len(groups) != 1 or len(order) != 1:
        return None
    group, position = groups[0], order[0]
    if not isinstance(types[group], pl.Categorical | pl.Enum):
        return None
    if types[position] not in (pl.UInt8, pl.UInt16, pl.UInt32):
        return None
    code = (pl.col(group).to_physical().cast(pl.UInt64) + 1).fill_null(0)
    return code * (1 << 32) + pl.col(position).cast(pl.UInt64).fill_null(0)


def shifted_along(
    lf: nw.LazyFrame, columns: dict[str, str], *, ordinal: str, offset: int = 1
) -> nw.LazyFrame:
    """``lf`` with, for each ``{column: name}``, the value of ``column`` in the row whose
    ``ordinal`` comes ``offset`` places earlier (null where there is none); ``ordinal``
    numbers the rows without gaps or ties.

    On Polars the rows are put in ``ordinal`` order (free where they are in it already, as
    a filtered prepared log is) and shifted: a plain shift costs a hundredth of an ordered
    window (narwhals 2.29 runs ``shift().over(order_by=...)`` on Polars as a window over
    one group, 1 s per text column at 10M rows). Elsewhere the backend's ordered window.
    """
    if lf.implementation is nw.Implementation.POLARS:
        import polars as pl

        native = nw.to_native(lf).sort(ordinal)
        return nw.from_native(
            native.with_columns(pl.col(c).shift(offset).alias(n) for c, n in columns.items())
        )
    return lf.with_columns(
        nw.col(c).shift(offset).over(order_by=ordinal).alias(n) for c, n in columns.items()
    )


def with_mapped(
    lf: nw.LazyFrame, column: str, mappings: dict[str, dict[str, Any]], *, default: Any, dtype
) -> nw.LazyFrame:
    """``lf`` with, for each ``{name: mapping}``, column ``name``: ``mapping`` applied to the
    text of ``column`` (``default`` where the text is missing or not a key), of narwhals
    ``dtype``.

    On a Polars enum (a prepared log's text, see :func:`in_memory_in_order`) each mapping is
    a lookup by the column's codes, a tenth of the cost of matching ten million texts
    (``replace_strict``, which every other backend and dtype gets).
    """
    if lf.implementation is nw.Implementation.POLARS:
        import polars as pl

        native = nw.to_native(lf)
        kind = native.collect_schema()[column]
        if isinstance(kind, pl.Enum):
            codes = pl.col(column).to_physical()
            tables = {
                name: nw.to_native(
                    nw.new_series(
                        name, [m.get(t, default) for t in kind.categories], dtype, backend="polars"
                    )
                )
                for name, m in mappings.items()
            }
            return nw.from_native(
                native.with_columns(
                    pl.lit(table)
                    .gather(codes)
                    .fill_null(pl.lit(default, dtype=table.dtype))
                    .alias(name)
                    for name, table in tables.items()
                )
            )
    return lf.with_columns(
        nw.col(column)
        .cast(nw.String())
        .replace_strict(m, default=default, return_dtype=dtype)
        .alias(name)
        for name, m in mappings.items()
    )


def _coded_batch(batch, keep: Collection[str]):
    """One Arrow record batch from DuckDB as a Polars frame that owns its memory: text
    dictionary-encoded by Arrow (Polars reads that as categorical), other columns copied.

    Measured on a 10M-event workspace log: Polars' own import plus a categorical cast peaks
    at 3.5 GB, this at 1.8 GB. Polars' import keeps every batch DuckDB exported alive as long
    as one column of it is used without copying, and converts each text column once more
    before coding it.
    """
    import polars as pl
    import pyarrow as pa

    columns = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        if text and name not in keep:
            columns.append(column.dictionary_encode())
        else:
            columns.append(pa.concat_arrays([column, column.slice(0, 0)]))  # a copy
    return pl.from_arrow(pa.RecordBatch.from_arrays(columns, names=batch.schema.names))


def _group_keys(types, groups: Sequence[str]) -> list:
    """Polars sort keys that put equal ``groups`` values together: categorical columns by
    their codes (which group comes first does not matter, and codes sort faster than text)."""
    import polars as pl

    return [
        pl.col(c).to_physical() if isinstance(types[c], pl.Categorical | pl.Enum) else pl.col(c)
        for c in groups
    ]


def _already_in_order(data, groups: Sequence[str], order: Sequence[str]) -> bool:
    """Whether the rows of the Polars frame ``data`` are in order already: the rows of each
    ``groups`` value consecutive, and within them ``order`` never decreasing (False where a
    key has nulls)."""
    import polars as pl

    if not len(data) or not groups:
        return not len(data)
    names = [*groups, *order]
    if any(data.select(pl.col(names).null_count()).row(0)):
        return False
    same = pl.all_horizontal(pl.col(g) == pl.col(g).shift(1) for g in groups)
    runs = data.select((~same.slice(1)).sum() + 1).item()
    distinct = (
        pl.col(groups[0]).to_physical().n_unique()
        if len(groups) == 1 and isinstance(data.schema[groups[0]], pl.Categorical | pl.Enum)
        else pl.struct(groups).n_unique()
    )
    if runs != data.select(distinct).item():
        return False  # some group comes in more than one piece
    # within a group, row i follows row i-1: a greater key, or equal ones from the last back
    later = pl.lit(True)
    for name in reversed(order):
        now, before = pl.col(name), pl.col(name).shift(1)
        later = (now > before) | ((now == before) & later)
    return bool(data.select((~same | later).slice(1).all()).item())


def label_dtype(lf: nw.LazyFrame):
    """The dtype for text labels derived from a log's columns (a medium, a class): categorical
    where the backend codes text as integers (Polars: a mapped categorical column stays 4
    bytes a row instead of becoming text), else text."""
    return nw.Categorical() if lf.implementation is nw.Implementation.POLARS else nw.String()


def coded_text(lf: nw.LazyFrame, columns: Sequence[str]) -> nw.LazyFrame:
    """``lf`` with the text ``columns`` categorical where the backend codes text as integers
    (Polars: sorting and grouping then compare codes); elsewhere ``lf`` unchanged."""
    if lf.implementation is not nw.Implementation.POLARS:
        return lf
    return lf.with_columns(nw.col(c).cast(nw.Categorical()) for c in columns)


def _plain_text(frame):
    import polars as pl

    categorical = [n for n, t in frame.schema.items() if isinstance(t, pl.Categorical | pl.Enum)]
    if not categorical:
        return frame
    return frame.with_columns(pl.col(categorical).cast(pl.String))


def in_memory_in_order(
    frame: FrameLike,
    *,
    groups: Sequence[str],
    order: Sequence[str],
    index: str,
    unique_text: Collection[str] = (),
    batch_rows: int = 500_000,
) -> nw.LazyFrame:
    """``frame`` read once into memory as a compact Polars frame with the rows of each
    ``groups`` value together and, within them, in ``order``; ``index`` numbers the rows
    0, 1, 2, ... in that order (a lazy narwhals frame over it).

    This is the one place a log is materialised for analysis: ordered once, every later
    "previous event of the case" is a shift along ``index`` instead of a window that sorts
    the log again (10M events: one sort of 1 s instead of a sort per detector).

    Text columns become integer codes, except ``unique_text`` (values unique per row, such
    as event ids, gain nothing): enums of one or two bytes a row where a column has few
    distinct texts (:func:`_few_texts_as_enums`), categorical otherwise. A 10M-event log
    shrinks from about 1.5 GB to 0.6 GB, and grouping and comparing work on the codes.
    Which group comes first is left to the codes (text sorting of a million case ids is the
    costliest part of a sort), and rows already in such an order (as many exports are) are
    not moved at all. Rows with equal keys keep their input order; nulls come first.

    DuckDB relations are fetched in batches of ``batch_rows`` and encoded batch by batch
    (:func:`_coded_batch`), so their text never sits in memory twice.
    """
    import polars as pl

    lazy = as_lazy(frame)
    native = nw.to_native(lazy)
    keep = set(unique_text)

    def compact(part: pl.LazyFrame | pl.DataFrame):
        text = [n for n, t in part.collect_schema().items() if t == pl.String and n not in keep]
        return part.with_columns(pl.col(text).cast(pl.Categorical)) if text else part

    if isinstance(native, pl.LazyFrame):
        data = compact(native).collect()
    elif lazy.implementation is nw.Implementation.DUCKDB:
        batches = [_coded_batch(b, keep) for b in native.to_arrow_reader(batch_rows)]
        data = (
            pl.concat(batches, how="vertical")
            if batches
            else compact(pl.from_arrow(native.arrow()))
        )
        del batches  # the batches' memory belongs to ``data`` alone from here on
    else:
        data = compact(lazy.collect().to_polars())
    _few_texts_as_enums(data)
    keys = [*_group_keys(data.schema, groups), *(pl.col(c) for c in order)]
    if _already_in_order(data, groups, order):
        # many exports come in case order already: nothing to move
        return nw.from_native(data.with_row_index(index).lazy())
    order = data.select(pl.arg_sort_by(keys, nulls_last=False, maintain_order=True)).to_series()
    # column by column, dropping each original as soon as its ordered copy exists: the log
    # is held about once, not twice
    names = data.columns
    ordered = {}
    for name in names:
        ordered[name] = data.get_column(name).gather(order)
        data = data.drop(name)
    del data, order
    result = pl.DataFrame(ordered).with_row_index(index)
    return nw.from_native(result.lazy())


#: Most distinct texts a column may have to be held as an enum (two bytes a row at most).
_ENUM_LIMIT = 65_535


def _few_texts_as_enums(data) -> None:
    """Turn, in the Polars frame ``data`` (the engine's own copy of a log: changed in place),
    each categorical column of at most :data:`_ENUM_LIMIT` distinct texts into an enum of its
    sorted texts: one byte a row (two above 255 texts)
    instead of four, and categories that belong to this log alone.

    A 10M-event log shrinks by about 290 MB (activities, units, levels, media, systems,
    resources: a few hundred texts each). The codes are mapped by a lookup table, not by
    the texts (10 columns of 10M rows: 0.6 s).
    """
    import numpy as np
    import polars as pl

    coded = [n for n, t in data.schema.items() if isinstance(t, pl.Categorical)]
    if not coded or not len(data):
        return
    distinct = data.select(pl.col(coded).unique().drop_nulls().implode())
    for name in coded:
        values = distinct[name][0]
        if len(values) > _ENUM_LIMIT:
            continue
        texts = values.cast(pl.String).to_list()
        codes = values.to_physical().to_numpy()
        ordered = sorted(texts)
        rank = {text: i for i, text in enumerate(ordered)}
        table = np.zeros(int(codes.max()) + 1 if len(codes) else 1, dtype=np.uint16)
        table[codes] = [rank[t] for t in texts]
        if len(ordered) <= 256:
            table = table.astype(np.uint8)
        lookup = pl.lit(pl.Series(table)).gather(pl.col(name).to_physical())
        enum = data.select(lookup.cat.to(pl.Enum(ordered)).alias(name)).to_series()
        # in place, one column at a time: each column's 4-byte codes are freed as soon as
        # its enum exists (a workspace log read from DuckDB peaks here otherwise)
        data.replace_column(data.get_column_index(name), enum)


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
