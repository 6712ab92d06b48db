"""The OCEL 2.0 log as Polars frames (:class:`OcelLog`) and the names all its modules share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import Problem

#: Attribute types of OCEL 2.0 (JSON/XML names).
OCEL_ATTRIBUTE_TYPES = ("string", "integer", "float", "boolean", "time")

#: Time of initial object attribute values (the convention of the standard's examples); a value
#: read without a time counts as known from then on.
EPOCH = "1970-01-01T00:00:00Z"

#: Columns of ``OcelLog.events`` that are not attributes.
EVENT_RESERVED = (
    schema.OCEL_EVENT_ID,
    schema.OCEL_ACTIVITY,
    schema.OCEL_TIMESTAMP,
    schema.SOURCE_ROW,
)
#: Columns of ``OcelLog.objects``/``object_changes`` that are not attributes.
OBJECT_RESERVED = (
    schema.OCEL_OBJECT_ID,
    schema.OCEL_OBJECT_TYPE,
    schema.OCEL_CHANGED_FIELD,
    schema.OCEL_TIMESTAMP,
)


@dataclass(frozen=True)
class OcelLog:
    """An OCEL 2.0 log as Polars frames (column names from :mod:`analyzer.schema`).

    * ``events``: ``OCEL_EVENT_ID``, ``OCEL_ACTIVITY`` (the event type), ``OCEL_TIMESTAMP``
      (UTC), ``SOURCE_ROW`` (1-based position of the event in the file), then the event
      attributes (typed);
    * ``objects``: ``OCEL_OBJECT_ID``, ``OCEL_OBJECT_TYPE``, then each attribute's initial value;
    * ``relations`` (E2O): ``OCEL_EVENT_ID``, ``OCEL_OBJECT_ID``, ``OCEL_QUALIFIER``;
    * ``o2o``: ``OCEL_OBJECT_ID`` (source), ``OCEL_TARGET_OBJECT_ID``, ``OCEL_QUALIFIER``;
    * ``object_changes``: ``OCEL_OBJECT_ID``, ``OCEL_CHANGED_FIELD``, ``OCEL_TIMESTAMP``, then
      the attribute columns (only the changed one is filled), ordered by object and time.

    ``event_types``/``object_types`` map each declared type to its attributes and their OCEL
    types; ``problems`` are the warnings found while reading.
    """

    events: pl.DataFrame
    objects: pl.DataFrame
    relations: pl.DataFrame
    o2o: pl.DataFrame = field(default_factory=lambda: empty_o2o())
    object_changes: pl.DataFrame = field(default_factory=lambda: empty_changes())
    event_types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    object_types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    source: str = ""
    problems: tuple[Problem, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def object_counts(self) -> dict[str, int]:
        """Number of objects of each object type (declared types without objects count 0)."""
        counts = dict.fromkeys(self.object_types, 0)
        if self.objects.height:
            grouped = self.objects.group_by(schema.OCEL_OBJECT_TYPE, maintain_order=True).len()
            for kind, n in grouped.iter_rows():
                counts[kind] = n
        return counts


def empty_o2o() -> pl.DataFrame:
    return pl.DataFrame(
        schema=dict.fromkeys(
            (schema.OCEL_OBJECT_ID, schema.OCEL_TARGET_OBJECT_ID, schema.OCEL_QUALIFIER), pl.String
        )
    )


def empty_changes() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            schema.OCEL_OBJECT_ID: pl.String,
            schema.OCEL_CHANGED_FIELD: pl.String,
            schema.OCEL_TIMESTAMP: pl.Datetime("us", schema.STORAGE_TIMEZONE),
        }
    )
