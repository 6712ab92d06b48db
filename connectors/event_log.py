"""What every connector returns: a validated canonical event log.

A connector reads its source, renames columns to the canonical names of
:mod:`analyzer.schema` (usually via a mapping) and hands a Polars frame to
:func:`finalize_event_log`, which brings every column to its canonical type, gives each
event an id, validates the whole log (all problems at once) and applies the duplicate policy.
A log that fails validation raises :class:`~analyzer.problems.InputError`; nothing is returned
half-done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, errors_only, problem
from analyzer.validation import missing_required_columns, validate_event_log
from connectors.mapping.model import FIRST_EVENT_MEDIUM
from connectors.timestamps import localize_timestamps, parse_timestamps


class Duplicates(StrEnum):
    """What to do with exact duplicate events (always reported)."""

    KEEP = "keep"
    DROP = "drop"
    ERROR = "error"


@dataclass(frozen=True)
class EventLog:
    """A canonical event log and what reading it found out.

    ``frame`` holds the canonical columns (schema order) followed by extra attributes.
    ``problems`` are warnings (errors are raised). ``details`` records how the source was
    read (encoding, delimiter, sheet, mapping, ...) for the workspace's provenance.
    """

    frame: pl.DataFrame
    source: str
    rows_read: int
    rows_rejected: int = 0
    problems: tuple[Problem, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rows_kept(self) -> int:
        return self.frame.height


def finalize_event_log(
    frame: pl.DataFrame,
    *,
    source: str,
    timezone: str = schema.DEFAULT_TIMEZONE,
    duplicates: Duplicates | str = Duplicates.KEEP,
    names: Mapping[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
    problems: tuple[Problem, ...] = (),
) -> EventLog:
    """``frame`` (canonical column names) as a validated :class:`EventLog`.

    Text timestamps are parsed (German and ISO forms, see :mod:`connectors.timestamps`),
    naive ones read in ``timezone``; canonical text columns are trimmed; events without an
    id get one (their source row). ``names`` maps canonical columns to the user's headers
    for messages. ``problems`` are warnings the connector found while reading.
    Raises :class:`InputError` with every problem found.
    """
    duplicates = Duplicates(duplicates)
    rows_read = frame.height
    missing = missing_required_columns(frame, source=source, names=names)
    if missing:
        raise InputError(missing)
    if schema.SOURCE_ROW not in frame.columns:
        frame = frame.with_row_index(schema.SOURCE_ROW, offset=1)
    frame = _canonical_types(frame, source=source, timezone=timezone, names=names or {})
    frame = _with_first_event_medium(frame)
    if schema.EVENT_ID not in frame.columns:
        frame = frame.with_columns(pl.col(schema.SOURCE_ROW).cast(pl.String).alias(schema.EVENT_ID))
    frame = _canonical_order(frame)

    found = validate_event_log(frame, source=source, names=names)
    errors = errors_only(found)
    if errors:
        raise InputError(errors)

    rejected = 0
    has_duplicates = any(p.code == "event.exact_duplicate" for p in found)
    if has_duplicates and duplicates is Duplicates.ERROR:
        raise InputError([_as_error(p) for p in found if p.code == "event.exact_duplicate"])
    if has_duplicates and duplicates is Duplicates.DROP:
        keys = [c for c in frame.columns if c not in (schema.EVENT_ID, schema.SOURCE_ROW)]
        kept = frame.unique(subset=keys, keep="first", maintain_order=True)
        rejected = frame.height - kept.height
        frame = kept
        found = [
            problem(
                "event.exact_duplicate.dropped",
                f"{rejected} exakte Duplikate verworfen",
                f"{rejected} exact duplicate events dropped",
                file=source,
                severity=Severity.WARNING,
            )
            if p.code == "event.exact_duplicate"
            else p
            for p in found
        ]
    return EventLog(
        frame=frame,
        source=source,
        rows_read=rows_read,
        rows_rejected=rejected,
        problems=tuple(problems) + tuple(found),
        details=dict(details or {}),
    )


def _canonical_types(
    frame: pl.DataFrame, *, source: str, timezone: str, names: Mapping[str, str]
) -> pl.DataFrame:
    errors: list[Problem] = []
    updates: list[pl.Series] = []
    rows = frame[schema.SOURCE_ROW]
    for column in frame.columns:
        values = frame[column]
        f = schema.FIELDS_BY_COLUMN.get(column)
        if f is None:
            if values.dtype == pl.Null:
                updates.append(values.cast(pl.String))
            continue
        if f.kind is schema.Kind.DATETIME:
            try:
                if values.dtype in (pl.String, pl.Categorical) or values.dtype == pl.Null:
                    updates.append(
                        parse_timestamps(
                            values,
                            column=names.get(column, column),
                            source=source,
                            rows=rows,
                            timezone=timezone,
                        )
                    )
                elif isinstance(values.dtype, pl.Datetime | pl.Date):
                    updates.append(localize_timestamps(values, timezone=timezone))
                else:
                    errors.append(
                        problem(
                            "timestamp.type",
                            "Spalte ist kein Zeitpunkt (Datum/Uhrzeit)",
                            "column is not a timestamp (date/time)",
                            file=source,
                            column=names.get(column, column),
                            value=str(values.dtype),
                        )
                    )
            except InputError as exc:
                errors.extend(exc.problems)
        elif f.kind is schema.Kind.INTEGER:
            updates.append(values.cast(pl.Int64))
        else:
            text = values.cast(pl.String).str.strip_chars()
            updates.append(text.replace("", None))
    if errors:
        raise InputError(errors)
    return frame.with_columns(updates)


def _with_first_event_medium(frame: pl.DataFrame) -> pl.DataFrame:
    """The case attribute a mapping names as ``medium_of_first_event`` as the medium of each
    case's first event (by time, then source row) where that event has none; later events
    keep theirs (or none, to be inferred). Needs parsed timestamps, hence here."""
    if FIRST_EVENT_MEDIUM not in frame.columns:
        return frame
    given = pl.col(FIRST_EVENT_MEDIUM).cast(pl.String).str.strip_chars()
    given = pl.when(given == "").then(None).otherwise(given)
    row = pl.col(schema.SOURCE_ROW)
    first_row = row.sort_by([schema.TIMESTAMP, schema.SOURCE_ROW], nulls_last=True).first()
    first = row == first_row.over(schema.CASE)
    own = (
        pl.col(schema.MEDIUM).cast(pl.String)
        if schema.MEDIUM in frame.columns
        else pl.lit(None, dtype=pl.String)
    )
    medium = pl.when(first).then(pl.coalesce(own, given)).otherwise(own).alias(schema.MEDIUM)
    return frame.with_columns(medium).drop(FIRST_EVENT_MEDIUM)


def _canonical_order(frame: pl.DataFrame) -> pl.DataFrame:
    canonical = [c for c in schema.CANONICAL_COLUMNS if c in frame.columns]
    extra = [c for c in frame.columns if c not in schema.FIELDS_BY_COLUMN]
    return frame.select(canonical + extra)


def _as_error(p: Problem) -> Problem:
    return Problem(
        code=p.code,
        de=p.de,
        en=p.en,
        file=p.file,
        row=p.row,
        column=p.column,
        value=p.value,
        severity=Severity.ERROR,
    )
