"""The frames of an :class:`~connectors.ocel.log.OcelLog` built from a parsed
:class:`~connectors.ocel.raw_log.RawLog`: references checked, times and attribute types applied,
object attribute values split into initial values and changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, errors_only
from connectors.ocel.attributes import (
    attribute_column,
    attribute_types,
    declared_order,
    instants,
    pivot,
    renamed_attributes,
    typed_columns,
    undeclared,
)
from connectors.ocel.log import EPOCH, EVENT_RESERVED, OBJECT_RESERVED, OcelLog, empty_o2o
from connectors.ocel.raw_log import RawLog
from connectors.ocel.references import reference_problems


def log_from_raw(raw: RawLog, *, source: str, timezone: str, details: Mapping[str, Any]) -> OcelLog:
    problems = list(raw.problems)
    events = pl.DataFrame(
        {
            schema.OCEL_EVENT_ID: raw.event_ids,
            schema.OCEL_ACTIVITY: raw.event_kinds,
            "_time": raw.event_times,
        },
        schema={
            schema.OCEL_EVENT_ID: pl.String,
            schema.OCEL_ACTIVITY: pl.String,
            "_time": pl.String,
        },
    ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(schema.SOURCE_ROW))
    objects = pl.DataFrame(
        {schema.OCEL_OBJECT_ID: raw.object_ids, schema.OCEL_OBJECT_TYPE: raw.object_kinds},
        schema={schema.OCEL_OBJECT_ID: pl.String, schema.OCEL_OBJECT_TYPE: pl.String},
    )
    relations = pl.DataFrame(
        {
            schema.OCEL_EVENT_ID: raw.e2o_event,
            schema.OCEL_OBJECT_ID: raw.e2o_object,
            schema.OCEL_QUALIFIER: raw.e2o_qualifier,
        },
        schema=dict.fromkeys(
            (schema.OCEL_EVENT_ID, schema.OCEL_OBJECT_ID, schema.OCEL_QUALIFIER), pl.String
        ),
    ).with_columns(pl.col(schema.OCEL_QUALIFIER).replace("", None))
    o2o = pl.DataFrame(
        {
            schema.OCEL_OBJECT_ID: raw.o2o_source,
            schema.OCEL_TARGET_OBJECT_ID: raw.o2o_target,
            schema.OCEL_QUALIFIER: raw.o2o_qualifier,
        },
        schema=empty_o2o().schema,
    ).with_columns(pl.col(schema.OCEL_QUALIFIER).replace("", None))
    values = pl.DataFrame(
        {
            schema.OCEL_OBJECT_ID: raw.value_object,
            "_name": raw.value_name,
            "_time": raw.value_time,
            "_value": raw.value_value,
        },
        schema=dict.fromkeys((schema.OCEL_OBJECT_ID, "_name", "_time", "_value"), pl.String),
    ).with_row_index("_seq")
    # an object attribute value without a time has been known from the start
    values = values.with_columns(
        pl.when(pl.col("_time").str.strip_chars().fill_null("") == "")
        .then(pl.lit(EPOCH))
        .otherwise(pl.col("_time"))
        .alias("_time")
    )
    problems += reference_problems(
        events, objects, relations, o2o, values, raw.event_types, raw.object_types, source=source
    )
    errors = errors_only(problems)
    if errors:
        raise InputError(errors)

    events = events.with_columns(
        instants(
            events["_time"],
            column="time",
            rows=events[schema.SOURCE_ROW],
            source=source,
            timezone=timezone,
        ).alias(schema.OCEL_TIMESTAMP)
    ).drop("_time")
    event_names = {
        n: attribute_column(n, EVENT_RESERVED) for n in dict.fromkeys(raw.event_attr_name)
    }
    long = pl.DataFrame(
        {"_pos": raw.event_attr_pos, "_name": raw.event_attr_name, "_value": raw.event_attr_value},
        schema={"_pos": pl.UInt32, "_name": pl.String, "_value": pl.String},
    )
    kinds = pl.DataFrame(
        {"_pos": range(len(raw.event_kinds)), "_kind": raw.event_kinds},
        schema={"_pos": pl.UInt32, "_kind": pl.String},
    )
    problems += undeclared(
        long.join(kinds, on="_pos", how="left"), raw.event_types, what="event", source=source
    )
    problems += renamed_attributes(event_names, source=source)
    long = long.with_columns(pl.col("_name").replace(event_names))
    order = [
        event_names[n] for n in declared_order(raw.event_types, event_names) if n in event_names
    ]
    wide_events = pivot(long, index="_pos", order=order)
    events = events.with_row_index("_pos").join(wide_events, on="_pos", how="left").drop("_pos")
    events, typed_problems = typed_columns(
        events,
        attribute_types(raw.event_types, event_names),
        ids=events[schema.OCEL_EVENT_ID],
        what="event",
        source=source,
        timezone=timezone,
    )
    problems += typed_problems
    events = events.select(
        [schema.OCEL_EVENT_ID, schema.OCEL_ACTIVITY, schema.OCEL_TIMESTAMP, schema.SOURCE_ROW]
        + [c for c in events.columns if c not in EVENT_RESERVED]
    )

    objects, changes, object_problems = _object_frames(
        objects, values, raw, source=source, timezone=timezone
    )
    # relations in the order of their event, O2O in the order of their source object (the
    # serialisations list them differently: nested in JSON/XML, in a table of their own in SQLite)
    relations = _in_order_of(relations, events.select(schema.OCEL_EVENT_ID), schema.OCEL_EVENT_ID)
    o2o = _in_order_of(o2o, objects.select(schema.OCEL_OBJECT_ID), schema.OCEL_OBJECT_ID)
    problems += object_problems
    return OcelLog(
        events=events,
        objects=objects,
        relations=relations,
        o2o=o2o,
        object_changes=changes,
        event_types=raw.event_types,
        object_types=raw.object_types,
        source=source,
        problems=tuple(problems),
        details=dict(details),
    )


def _in_order_of(frame: pl.DataFrame, keys: pl.DataFrame, column: str) -> pl.DataFrame:
    order = keys.unique(column, keep="first", maintain_order=True).with_row_index("_order")
    return (
        frame.with_row_index("_seq")
        .join(order, on=column, how="left")
        .sort(["_order", "_seq"], nulls_last=True)
        .drop("_order", "_seq")
    )


def _object_frames(
    objects: pl.DataFrame, values: pl.DataFrame, raw: RawLog, *, source: str, timezone: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """(objects with initial values, changes, warnings) from the long attribute values."""
    oid = schema.OCEL_OBJECT_ID
    names = {n: attribute_column(n, OBJECT_RESERVED) for n in dict.fromkeys(raw.value_name)}
    kinds = attribute_types(raw.object_types, names)
    order = [names.get(n, n) for n in declared_order(raw.object_types, names)]
    kind_of = objects.select(oid, pl.col(schema.OCEL_OBJECT_TYPE).alias("_kind"))
    found = undeclared(
        values.join(kind_of, on=oid, how="left"), raw.object_types, what="object", source=source
    )
    found += renamed_attributes(names, source=source)
    values = values.with_columns(
        pl.col("_name").replace(names),
        instants(
            values["_time"],
            column="time",
            rows=values["_seq"] + 1,
            source=source,
            timezone=timezone,
        ).alias("_t"),
    )
    ranked = values.sort([oid, "_name", "_t", "_seq"]).with_columns(
        (pl.int_range(pl.len()).over([oid, "_name"]) == 0).alias("_initial")
    )
    initial = pivot(
        ranked.filter("_initial").select(oid, "_name", "_value"), index=oid, order=order
    )
    wide = objects.join(initial, on=oid, how="left")
    wide, typed = typed_columns(
        wide, kinds, ids=wide[oid], what="object", source=source, timezone=timezone
    )
    found += typed

    position = objects.select(oid).with_row_index("_object_order")
    later = (
        ranked.filter(~pl.col("_initial"))
        .join(position, on=oid, how="left")
        .sort(["_object_order", "_t", "_seq"])
    )
    changes = later.select(
        oid,
        pl.col("_name").alias(schema.OCEL_CHANGED_FIELD),
        pl.col("_t").alias(schema.OCEL_TIMESTAMP),
    )
    if later.height:
        spread = pivot(later.select("_seq", "_name", "_value"), index="_seq", order=order)
        spread = later.select("_seq").join(spread, on="_seq", how="left", maintain_order="left")
        changes = pl.concat([changes, spread.drop("_seq")], how="horizontal")
        # the same dtype as in `objects` (a text fallback there keeps the changes text too)
        typed_kinds = {
            c: kinds[c]
            for c in changes.columns[3:]
            if c in kinds and c in wide.columns and wide[c].dtype != pl.String
        }
        changes, _ = typed_columns(
            changes,
            typed_kinds,
            ids=changes[oid],
            what="object",
            source=source,
            timezone=timezone,
        )
    return wide, changes, found
