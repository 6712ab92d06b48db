"""Segments of a log by a case attribute (procedure type, permit type, status): the cases
whose attribute has a value (``where``) and one log per value (``by``).

A case belongs to one segment: its attribute value is the first non-missing value among its
events in time order (a case attribute is the same on every event; an event attribute that
changes within the case counts as it was first recorded). A case without a value is in the
segment "–". Segments are named in MUNICIPALITY ("Musterdorf · vereinfacht"), so every
analysis that works per municipality and service (findings per 1,000 cases, KPIs, ranking,
best practice, reference catalogues by service) works per segment unchanged.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import polars as pl

from analyzer import engine, schema
from analyzer.problems import error

#: Between the municipality and the segment's value in MUNICIPALITY.
SEPARATOR = " · "
#: The segment of cases without a value.
NO_VALUE = "–"
_CASE_VALUE = "__segment_value"
_CANONICAL = frozenset(f.column for f in schema.FIELDS)


def extra_attributes(columns: Sequence[str]) -> list[str]:
    """The columns of a log that are not canonical (its own case and event attributes), in
    their order: what ``by`` and ``where`` can name."""
    return [c for c in columns if c not in _CANONICAL and not c.startswith(("source:", "step:"))]


def attribute_column(columns: Sequence[str], name: str) -> str:
    """The column ``name`` stands for: itself, the canonical column of a field key
    (``lifecycle``), or the case attribute ``case:<name>`` (XES); a name none of these is
    an error naming the attributes there are and the closest one."""
    field = schema.FIELDS_BY_KEY.get(name)
    for candidate in (name, field.column if field else None, f"case:{name}"):
        if candidate is not None and candidate in columns:
            return candidate
    known = extra_attributes(columns)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint_de = f" Meinten Sie „{close[0]}“?" if close else ""
    hint_en = f" Did you mean '{close[0]}'?" if close else ""
    listed = ", ".join(known) or "–"
    raise error(
        "segment.no_attribute",
        f"das Protokoll hat kein Attribut „{name}“; vorhanden: {listed}.{hint_de}",
        f"the log has no attribute '{name}'; there are: {listed}.{hint_en}",
        value=name,
    )


def segmented(
    frame: engine.FrameLike, *, by: str | None = None, where: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """The events of the cases whose attributes have the values of ``where`` (all of them),
    with MUNICIPALITY naming each case's segment of ``by``; ``frame`` as it is (in memory)
    where neither is given. Values compare as text."""
    events = engine.to_polars(frame)
    if isinstance(events, pl.LazyFrame):
        events = events.collect()
    for name, value in (where or {}).items():
        column = attribute_column(events.columns, name)
        events = (
            _with_case_value(events, column)
            .filter(pl.col(_CASE_VALUE) == str(value))
            .drop(_CASE_VALUE)
        )
    if by is None:
        return events
    label = pl.col(_CASE_VALUE).fill_null(NO_VALUE)
    if schema.MUNICIPALITY in events.columns:
        municipality = pl.col(schema.MUNICIPALITY).cast(pl.String).fill_null("")
        label = municipality + pl.lit(SEPARATOR) + label
    return (
        _with_case_value(events, attribute_column(events.columns, by))
        .with_columns(label.alias(schema.MUNICIPALITY))
        .drop(_CASE_VALUE)
    )


def _with_case_value(events: pl.DataFrame, column: str) -> pl.DataFrame:
    """``events`` (in their order) with each case's first non-missing value of ``column``
    (as text) in a working column."""
    lf = events.lazy()
    if schema.TIMESTAMP in events.columns:
        lf = lf.sort([schema.CASE, schema.TIMESTAMP], maintain_order=True)
    first = lf.group_by(schema.CASE).agg(
        pl.col(column).cast(pl.String).drop_nulls().first().alias(_CASE_VALUE)
    )
    return events.lazy().join(first, on=schema.CASE, how="left", maintain_order="left").collect()
