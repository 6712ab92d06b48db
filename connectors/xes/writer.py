"""Writing a canonical log as an XES file, streamed in chunks."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import narwhals as nw
import polars as pl
import pyarrow as pa

from analyzer import engine, schema
from connectors.xes.errors import bilingual

_EXTENSIONS = (
    ("Concept", "concept"),
    ("Time", "time"),
    ("Organizational", "org"),
    ("Lifecycle", "lifecycle"),
    ("Identity", "identity"),
)
_XES_NAMESPACE = "http://www.xes-standard.org/"
_WRITE_CHUNK = 25_000  # events per chunk: the chunk's XML text is built in memory


def write_xes_log(frame: engine.FrameLike, path: str | os.PathLike[str]) -> Path:
    """Write the canonical log ``frame`` as an XES file; ``.gz`` at the end compresses it.

    ``frame`` is any frame narwhals accepts (Polars, pandas, Arrow, a DuckDB relation); it is
    streamed in chunks, never held as an XML tree. One ``<trace>`` per case, cases in the order
    of their first event (by ``SOURCE_ROW`` where present, else by first timestamp), events in
    that order within their case. ``case:*`` columns become trace attributes (``CASE`` the
    trace's ``concept:name``); their values must agree within a case. All other columns become
    event attributes, typed by their dtype: datetimes ``date`` (UTC with offset, microseconds;
    naive ones without offset), integers ``int``, floats ``float``, booleans ``boolean``,
    text ``string`` (also ``identity:id``, as pm4py writes it). Missing values are left out.
    ``SOURCE_ROW`` is not written: it describes the source file, and a reader of the new
    file numbers its events anew. Returns the path written.
    """
    target = Path(path)
    lf = engine.as_lazy(frame)
    columns = engine.columns_of(lf)
    if schema.CASE not in columns:
        raise bilingual(
            "column.missing",
            "Pflichtspalte Vorgang (Fall-ID) fehlt; ohne sie gibt es keine Traces",
            "required column case id is missing; without it there are no traces",
            target,
            column=schema.CASE,
        )
    ordered = _write_order(lf, columns, native=frame)
    written = [c for c in columns if c != schema.SOURCE_ROW]
    part = target.with_name(target.name + ".part")
    compress = target.name.lower().endswith(".gz")
    try:
        with (
            gzip.open(part, "wb", compresslevel=6) if compress else open(part, "wb") as out,
            _Writer(out) as put,
        ):
            put(_header(written).encode("utf-8"))
            carry: pl.DataFrame | None = None
            for chunk in _chunks(ordered, written):
                data = chunk if carry is None else pl.concat([carry, chunk], how="vertical_relaxed")
                # the last case may go on in the next chunk: keep it back
                last = data[schema.CASE][-1]
                cut = int((data[schema.CASE] == last).arg_true()[0]) if last is not None else 0
                ready, carry = data.slice(0, cut), data.slice(cut)
                if ready.height:
                    put(_traces_xml(ready, target).encode("utf-8"))
            if carry is not None and carry.height:
                put(_traces_xml(carry, target).encode("utf-8"))
            put(b"</log>\n")
        os.replace(part, target)
    finally:
        if part.exists():
            part.unlink()
    return target


class _Writer:
    """Writes byte chunks in order in a thread (gzip compresses there, releasing the GIL)
    while the caller builds the next chunk; at most one chunk waits."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Any = None

    def __call__(self, data: bytes) -> None:
        if self.pending is not None:
            self.pending.result()
        self.pending = self.pool.submit(self.out.write, data)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.pending is not None:
                self.pending.result()
        finally:
            self.pool.shutdown(wait=True)


def _write_order(lf: nw.LazyFrame, columns: list[str], *, native: Any = None) -> nw.LazyFrame:
    """``lf`` with each case's events together: cases by their first event, events in order.

    A Polars frame already in that order (a log as a reader returns it) is not sorted, so
    it is not copied."""
    if isinstance(native, pl.DataFrame) and _in_write_order(native, columns):
        return lf
    first = "__xes_first"
    if schema.SOURCE_ROW in columns:
        keys = [first, schema.CASE, schema.SOURCE_ROW]
        by = nw.col(schema.SOURCE_ROW).min().over(schema.CASE)
    elif schema.TIMESTAMP in columns:
        keys = [first, schema.CASE, schema.TIMESTAMP]
        keys += [schema.EVENT_ID] if schema.EVENT_ID in columns else []
        by = nw.col(schema.TIMESTAMP).min().over(schema.CASE)
    else:
        keys = [first, schema.CASE]
        by = nw.lit(0)
    return lf.with_columns(by.alias(first)).sort(keys, nulls_last=True).drop(first)


def _in_write_order(frame: pl.DataFrame, columns: list[str]) -> bool:
    if schema.SOURCE_ROW not in columns or frame.height == 0:
        return False
    case = frame[schema.CASE]
    runs = int((case != case.shift(1)).fill_null(True).sum())
    return frame[schema.SOURCE_ROW].is_sorted() and runs == case.n_unique()


def _chunks(lf: nw.LazyFrame, columns: list[str]) -> Iterator[pl.DataFrame]:
    native = nw.to_native(lf.select(columns))
    if hasattr(native, "to_arrow_reader"):  # DuckDB: streamed from the database
        reader = native.to_arrow_reader(_WRITE_CHUNK)
        for batch in reader:
            if batch.num_rows:
                yield pl.from_arrow(pa.Table.from_batches([batch]))
        return
    data = engine.to_polars(lf.select(columns))
    yield from data.iter_slices(_WRITE_CHUNK)


def _header(columns: list[str]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- written by Amtsweg; XES 1849-2016 -->",
        f'<log xes.version="1849-2016" xes.features="" xmlns="{_XES_NAMESPACE}">',
    ]
    for name, prefix in _EXTENSIONS:
        lines.append(
            f'\t<extension name="{name}" prefix="{prefix}" uri="{_XES_NAMESPACE}{prefix}.xesext"/>'
        )
    lines.append('\t<global scope="trace">')
    lines.append(f'\t\t<string key="{schema.ACTIVITY}" value="__INVALID__"/>')
    lines.append("\t</global>")
    lines.append('\t<global scope="event">')
    if schema.ACTIVITY in columns:
        lines.append(f'\t\t<string key="{schema.ACTIVITY}" value="__INVALID__"/>')
    if schema.TIMESTAMP in columns:
        lines.append(f'\t\t<date key="{schema.TIMESTAMP}" value="1970-01-01T00:00:00.000+00:00"/>')
    lines.append("\t</global>")
    lines.append(f'\t<classifier name="Activity" keys="{schema.ACTIVITY}"/>')
    return "\n".join(lines) + "\n"


# what an attribute value cannot hold as it is; tab, newline and carriage return as character
# references, since a parser would turn them into spaces (attribute-value normalisation)
_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\t", "&#9;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
)


def _escaped(expr: pl.Expr) -> pl.Expr:
    for char, reference in _ESCAPES:
        expr = expr.str.replace_all(char, reference, literal=True)
    return expr


def _escape_text(text: str) -> str:
    for char, reference in _ESCAPES:
        text = text.replace(char, reference)
    return text


def _value_xml(
    column: str, dtype: pl.DataType, key: str, indent: str, target: Path
) -> pl.Expr | None:
    """``<type key="key" value="..."/>`` per row (null where the value is missing)."""
    col = pl.col(column)
    if dtype == pl.Null:
        return None
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            text, tag = col.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"), "date"
        else:
            utc = col.dt.convert_time_zone(schema.STORAGE_TIMEZONE)
            text, tag = utc.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00"), "date"
    elif isinstance(dtype, pl.Date):
        text, tag = col.dt.strftime("%Y-%m-%dT00:00:00"), "date"
    elif dtype.is_integer():
        text, tag = col.cast(pl.String), "int"
    elif dtype.is_float() or isinstance(dtype, pl.Decimal):
        text = col.cast(pl.Float64).cast(pl.String).replace({"inf": "INF", "-inf": "-INF"})
        tag = "float"
    elif dtype == pl.Boolean:
        text, tag = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false")), "boolean"
    elif dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text, tag = _escaped(col.cast(pl.String)), "string"
    else:
        raise bilingual(
            "xes.write_type",
            f"Spalte hat den Typ {dtype}, den XES nicht kennt; bitte vorher in Text umwandeln",
            f"column has type {dtype}, which XES cannot hold; please convert it to text first",
            target,
            column=column,
        )
    opening = f'{indent}<{tag} key="{_escape_text(key)}" value="'
    return pl.when(col.is_not_null()).then(pl.lit(opening) + text + pl.lit('"/>\n'))


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _traces_xml(data: pl.DataFrame, target: Path) -> str:
    """Complete cases (sorted, contiguous) as XML text."""
    if data[schema.CASE].null_count():
        raise bilingual(
            "value.missing",
            "Vorgang (Fall-ID) fehlt bei mindestens einem Ereignis",
            "case id is empty for at least one event",
            target,
            column=schema.CASE,
        )
    _refuse_control_characters(data, target)
    prefix = schema.CASE_ATTRIBUTE_PREFIX
    case_columns = [c for c in data.columns if c.startswith(prefix)]
    event_columns = [c for c in data.columns if not c.startswith(prefix)]

    varying = (
        data.group_by(schema.CASE).agg(
            pl.col(c).drop_nulls().n_unique().alias(c) for c in case_columns if c != schema.CASE
        )
        if len(case_columns) > 1
        else None
    )
    if varying is not None:
        for c in varying.columns[1:]:
            bad = varying.filter(pl.col(c) > 1)
            if bad.height:
                raise bilingual(
                    "xes.case_attribute_varies",
                    "Vorgangsattribut hat in einem Vorgang verschiedene Werte; XES speichert "
                    "einen Wert je Trace",
                    "case attribute has different values within one case; XES stores one "
                    "value per trace",
                    target,
                    column=c,
                    value=bad[schema.CASE][0],
                )

    trace_parts = [
        _value_xml(
            c,
            data.schema[c],
            schema.ACTIVITY if c == schema.CASE else c[len(prefix) :],
            "\t\t",
            target,
        )
        for c in case_columns
    ]
    event_parts = [_value_xml(c, data.schema[c], c, "\t\t\t", target) for c in event_columns]
    trace_parts = [p for p in trace_parts if p is not None]
    event_parts = [p for p in event_parts if p is not None]
    case = pl.col(schema.CASE)
    first = case.is_first_distinct()
    last = case.is_last_distinct()
    trace_open = (
        pl.when(first)
        .then(
            pl.concat_str([pl.lit("\t<trace>\n"), *[p.fill_null(pl.lit("")) for p in trace_parts]])
            if trace_parts
            else pl.lit("\t<trace>\n")
        )
        .otherwise(pl.lit(""))
    )
    event = pl.concat_str(
        [
            pl.lit("\t\t<event>\n"),
            *[p.fill_null(pl.lit("")) for p in event_parts],
            pl.lit("\t\t</event>\n"),
        ]
    )
    trace_close = pl.when(last).then(pl.lit("\t</trace>\n")).otherwise(pl.lit(""))
    text = data.select(pl.concat_str([trace_open, event, trace_close]).str.join("").alias("x"))
    return text["x"][0]


def _refuse_control_characters(data: pl.DataFrame, target: Path) -> None:
    for c, dtype in data.schema.items():
        if dtype not in (pl.String, pl.Categorical) and not isinstance(dtype, pl.Enum):
            continue
        bad = data.filter(pl.col(c).cast(pl.String).str.contains(_CONTROL))
        if bad.height:
            raise bilingual(
                "xes.write_control_character",
                "Wert enthält ein Steuerzeichen, das XML nicht darstellen kann",
                "value contains a control character that XML cannot hold",
                target,
                column=c,
                value=repr(bad[c].cast(pl.String)[0]),
            )
