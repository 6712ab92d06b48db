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
_NUMBER = "step:field_number"


def has_data_fields(lf: nw.LazyFrame) -> bool:
    """Whether the log has a DATA_FIELDS column with at least one value."""
    if schema.DATA_FIELDS not in lf.collect_schema().names():
        return False
    filled = lf.select(nw.col(schema.DATA_FIELDS).count().alias("n")).collect()["n"][0]
    return bool(filled)


def field_rows(
    lf: nw.LazyFrame, *, keep: Sequence[str], unique: bool = True, repeated_only: bool = False
) -> nw.LazyFrame:
    """One row per (event, field) of the events with DATA_FIELDS: ``keep`` and :data:`FIELD`.

    ``keep`` should hold CASE, EVENT_ID and the order columns. On pandas, whose string
    columns narwhals cannot split, the events with fields are handed to Polars first (they
    are in memory anyway). ``unique=False`` leaves an event that lists a field twice with
    two identical rows: cheaper (the deduplication is a window over every field row) where
    a window over (CASE, FIELD) follows that sees the copies side by side
    (:func:`earlier_writes`). ``repeated_only`` keeps only the rows of (CASE, FIELD) pairs
    with two rows or more.
    """
    # SEQUENCE (a prepared log's case order) keeps the windows over the rows cheap
    numbered = [steps.SEQUENCE] if steps.SEQUENCE in lf.collect_schema().names() else []
    keep = list(dict.fromkeys([*keep, *numbered, schema.DATA_FIELDS]))
    with_fields = lf.filter(~nw.col(schema.DATA_FIELDS).is_null()).select(keep)
    if lf.implementation is nw.Implementation.PANDAS:
        with_fields = engine.as_lazy(engine.to_polars(with_fields))
    # each distinct list of fields is split once (exports repeat a handful of lists, one per
    # kind of step), then joined to its events: no text split per event
    lists = with_fields.select(schema.DATA_FIELDS).unique()
    split = engine.coded_text(
        lists.with_columns(
            nw.col(schema.DATA_FIELDS)
            .cast(nw.String())
            .str.split(schema.DATA_FIELDS_SEPARATOR)
            .alias(FIELD)
        )
        # lists without fields are dropped below anyway; keeping them would make the backend
        # run the query above twice (DuckDB: a union of a list branch and a null branch)
        .explode(FIELD, empty_as_null=False, keep_nulls=False)
        .with_columns(nw.col(FIELD).str.strip_chars())
        .filter(~nw.col(FIELD).is_null() & (nw.col(FIELD) != "")),
        [FIELD],
    )
    exploded = with_fields.join(split, on=schema.DATA_FIELDS, how="inner")
    if unique:
        exploded = exploded.unique([schema.EVENT_ID, FIELD], keep="any")
    out = exploded.drop(schema.DATA_FIELDS)
    # a field written once in its case has no earlier write: rules about earlier writes can
    # skip those rows before ordering the rest (about half of them in the simulated logs)
    return steps.in_shared_groups(out, [schema.CASE, FIELD]) if repeated_only else out


def earlier_writes(rows: nw.LazyFrame, *, previous: Sequence[str] = ()) -> nw.LazyFrame:
    """``rows`` (from :func:`field_rows`) with, per (case, field), the previous writer's
    EVENT_ID, order columns and ``previous`` columns (``steps.prev_name(c)``; null for the
    field's first write). Rows of an event that lists a field twice are written once.

    Only ``shift`` windows: an ordered ``first`` would be an ordered aggregate per row on
    DuckDB, orders of magnitude slower.
    """
    order = steps.order_columns(rows.collect_schema().names())
    wanted = dict.fromkeys([schema.EVENT_ID, *order, *previous])
    marked = steps.shifted(
        rows, {c: steps.prev_name(c) for c in wanted}, partition=[schema.CASE, FIELD], order=order
    )
    # a copy of a row (from field_rows(..., unique=False)) follows its original (same order
    # keys, same values): drop it; the row after it sees the same values as the original
    again = nw.col(steps.prev_name(schema.EVENT_ID)) == nw.col(schema.EVENT_ID)
    return marked.filter(~again.fill_null(False))


def first_per(
    rows: nw.LazyFrame, key: str, order: Sequence[str], *, counted: str, first: str, last: str
) -> nw.LazyFrame:
    """One row per ``key`` value: its first row by ``order`` (then FIELD), with the number
    of its rows (``counted``) and the smallest and largest FIELD (``first``, ``last``).

    A count and a group-by, no window partitioned by ``key``.
    """
    if key == schema.EVENT_ID and steps.SEQUENCE in rows.collect_schema().names():
        key = steps.SEQUENCE  # one per event as well, and a number: cheaper to sort and group
    numbered = steps.running_count(rows, [key], [*order, FIELD], _NUMBER)
    text = nw.col(FIELD).cast(nw.String())
    stats = rows.group_by(key).agg(
        nw.len().alias(counted), text.min().alias(first), text.max().alias(last)
    )
    firsts = numbered.filter(nw.col(_NUMBER) == 1).drop(_NUMBER)
    return firsts.join(stats, on=key, how="left").with_columns(nw.col(counted).cast(nw.Int64()))


def field_list_words(count: nw.Expr, first: nw.Expr, last: nw.Expr, language: str) -> nw.Expr:
    """The fields of a finding for its sentence: ``A``; ``A, B``; ``u. a. A, Z`` (more than
    two: the first and last in alphabetical order)."""
    from analyzer.detectors.base import words

    among = "u. a. " if language == "de" else "among them "
    return (
        nw.when(count == 1)
        .then(words(first))
        .when(count == 2)
        .then(words(first, ", ", last))
        .otherwise(words(among, first, ", ", last))
    )
