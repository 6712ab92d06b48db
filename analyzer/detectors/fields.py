"""Data fields written by the events of a log, one row per event and field (lazy).

DATA_FIELDS holds the names of the fields (or documents) an event writes, joined by
:data:`analyzer.schema.DATA_FIELDS_SEPARATOR`. Re-entry and once-only rules compare them per
field, so the column is split and exploded here. Field names are compared after trimming
spaces; an event that lists a field twice writes it once.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

from analyzer import engine, schema, steps

#: Working column: one field name.
FIELD = "step:field"


def has_data_fields(lf: nw.LazyFrame) -> bool:
    """Whether the log has a DATA_FIELDS column with at least one value."""
    if schema.DATA_FIELDS not in lf.collect_schema().names():
        return False
    filled = lf.select(nw.col(schema.DATA_FIELDS).count().alias("n")).collect()["n"][0]
    return bool(filled)


def field_rows(lf: nw.LazyFrame, *, keep: Sequence[str]) -> nw.LazyFrame:
    """One row per (event, field) of the events with DATA_FIELDS: ``keep`` and :data:`FIELD`.

    ``keep`` should hold CASE, EVENT_ID and the order columns. On pandas, whose string
    columns narwhals cannot split, the events with fields are handed to Polars first (they
    are in memory anyway).
    """
    keep = list(dict.fromkeys([*keep, schema.DATA_FIELDS]))
    with_fields = lf.filter(~nw.col(schema.DATA_FIELDS).is_null()).select(keep)
    if lf.implementation is nw.Implementation.PANDAS:
        with_fields = engine.as_lazy(engine.to_polars(with_fields))
    exploded = (
        with_fields.with_columns(
            nw.col(schema.DATA_FIELDS).str.split(schema.DATA_FIELDS_SEPARATOR).alias(FIELD)
        )
        .explode(FIELD)
        .with_columns(nw.col(FIELD).str.strip_chars())
        .filter(~nw.col(FIELD).is_null() & (nw.col(FIELD) != ""))
    )
    return exploded.unique([schema.EVENT_ID, FIELD], keep="any").drop(schema.DATA_FIELDS)


def earlier_writes(rows: nw.LazyFrame, *, first: Sequence[str] = ()) -> nw.LazyFrame:
    """``rows`` (from :func:`field_rows`) with, per (case, field), the previous writer's
    EVENT_ID (``steps.prev_name(EVENT_ID)``; null for the first write) and the first
    writer's ``first`` columns (``first_name(c)``)."""
    order = steps.order_columns(rows.collect_schema().names())
    window = dict(order_by=order)
    return rows.with_columns(
        nw.col(schema.EVENT_ID)
        .shift(1)
        .over(schema.CASE, FIELD, **window)
        .alias(steps.prev_name(schema.EVENT_ID)),
        *(
            nw.col(c).first().over(schema.CASE, FIELD, **window).alias(first_name(c))
            for c in dict.fromkeys([schema.EVENT_ID, *order, *first])
        ),
    )


def first_name(column: str) -> str:
    """Working column: ``column`` of the first event of the case that wrote the field."""
    return column + "@first"
