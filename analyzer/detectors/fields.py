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


def field_rows(lf: nw.LazyFrame, *, keep: Sequence[str], unique: bool = True) -> nw.LazyFrame:
    """One row per (event, field) of the events with DATA_FIELDS: ``keep`` and :data:`FIELD`.

    ``keep`` holds CASE and what the rule compares; a prepared log's
    :data:`~analyzer.steps.SEQUENCE` is always kept (it stands for the event and its
    place in the case: carry it, not texts, through the windows). On pandas, whose string
    columns narwhals cannot split, the events with fields are handed to Polars first (they
    are in memory anyway). ``unique=False`` leaves an event that lists a field twice with
    two identical rows: cheaper (the deduplication is a window over every field row) where
    a window over (CASE, FIELD) follows that sees the copies side by side
    (:func:`earlier_writes`).
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
        event = numbered[0] if numbered else schema.EVENT_ID
        exploded = exploded.unique([event, FIELD], keep="any")
    return exploded.drop(schema.DATA_FIELDS)


def earlier_writes(rows: nw.LazyFrame) -> nw.LazyFrame:
    """``rows`` (from :func:`field_rows` of a prepared log) with, per (case, field), the
    previous write's :data:`~analyzer.steps.SEQUENCE` in ``steps.prev_name(SEQUENCE)`` (null
    for the field's first write). Rows of an event that lists a field twice are written once.

    Only the numbers move: the rows carry what the rule compares, and the text of the
    events a finding names is fetched at the end (:func:`analyzer.steps.with_event_columns`).
    """
    previous = steps.prev_name(steps.SEQUENCE)
    marked = steps.shifted(
        rows,
        {steps.SEQUENCE: previous},
        partition=[schema.CASE, FIELD],
        order=[steps.SEQUENCE],
    )
    # a copy of a row (from field_rows(..., unique=False)) follows its original: drop it; the
    # row after it sees the same values as the original
    again = nw.col(previous) == nw.col(steps.SEQUENCE)
    return marked.filter(~again.fill_null(False))


def earliest_sources(rows: nw.LazyFrame, *, counted: str, first: str, last: str) -> nw.LazyFrame:
    """One row per anchor event (:data:`~analyzer.steps.SEQUENCE`) of ``rows`` (field rows
    with the previous write's SEQUENCE, see :func:`earlier_writes`): the number of its rows
    (``counted``), the smallest and largest FIELD (``first``, ``last``), and in
    ``steps.prev_name(SEQUENCE)`` its earliest source (of several fields, the one whose
    earlier write came first; a case's SEQUENCE runs in time order).

    A group-by over numbers: no ordering of the rows.
    """
    previous = steps.prev_name(steps.SEQUENCE)
    text = nw.col(FIELD).cast(nw.String())
    return rows.group_by(steps.SEQUENCE).agg(
        nw.len().cast(nw.Int64()).alias(counted),
        text.min().alias(first),
        text.max().alias(last),
        nw.col(previous).min(),
    )


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
