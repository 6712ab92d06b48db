"""Broken references of an OCEL log, all reported at once: events and objects without id,
duplicate ids, undeclared types, events without time, and relations or attribute values naming
an event or object that does not exist (at most :data:`SHOWN` quoted per kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import Problem, problem

SHOWN = 10  # problems quoted per kind


def reference_problems(
    events: pl.DataFrame,
    objects: pl.DataFrame,
    relations: pl.DataFrame,
    o2o: pl.DataFrame,
    values: pl.DataFrame,
    event_types: Mapping[str, Any],
    object_types: Mapping[str, Any],
    *,
    source: str,
) -> list[Problem]:
    """Errors for every broken reference, at most ``SHOWN`` per kind (plus a count)."""
    found: list[Problem] = []
    eid, oid = schema.OCEL_EVENT_ID, schema.OCEL_OBJECT_ID
    event_ids = events[eid].drop_nulls()
    object_ids = objects[oid].drop_nulls()

    def report(rows: pl.DataFrame, code: str, de: Callable, en: Callable, value: str, row=None):
        for rec in rows.head(SHOWN).iter_rows(named=True):
            found.append(
                problem(
                    code,
                    de(rec),
                    en(rec),
                    file=source,
                    row=rec.get(row) if row else None,
                    value=rec[value],
                )
            )
        if rows.height > SHOWN:
            found.append(
                problem(
                    code + ".more",
                    f"{rows.height} solche Fehler insgesamt (die ersten {SHOWN} stehen oben)",
                    f"{rows.height} such errors in all (the first {SHOWN} are shown above)",
                    file=source,
                )
            )

    report(
        events.filter(pl.col(eid).is_null()),
        "ocel.event.no_id",
        lambda r: f"Ereignis Nr. {r[schema.SOURCE_ROW]} hat keine ID",
        lambda r: f"event no. {r[schema.SOURCE_ROW]} has no id",
        schema.OCEL_ACTIVITY,
        row=schema.SOURCE_ROW,
    )
    report(
        events.filter(pl.col(eid).is_duplicated() & pl.col(eid).is_not_null()).unique(
            eid, keep="first", maintain_order=True
        ),
        "ocel.event.duplicate_id",
        lambda r: f"die Ereignis-ID „{r[eid]}“ kommt mehrfach vor",
        lambda r: f"event id '{r[eid]}' occurs more than once",
        eid,
        row=schema.SOURCE_ROW,
    )
    report(
        events.filter(
            ~pl.col(schema.OCEL_ACTIVITY).is_in(list(event_types))
            | pl.col(schema.OCEL_ACTIVITY).is_null()
        ),
        "ocel.event.unknown_type",
        lambda r: (
            f"Ereignis „{r[eid]}“ hat den Typ „{r[schema.OCEL_ACTIVITY]}“, der nicht als "
            "Ereignistyp deklariert ist"
        ),
        lambda r: (
            f"event '{r[eid]}' has type '{r[schema.OCEL_ACTIVITY]}', which is not a "
            "declared event type"
        ),
        schema.OCEL_ACTIVITY,
        row=schema.SOURCE_ROW,
    )
    report(
        events.filter(pl.col("_time").is_null() | (pl.col("_time").str.strip_chars() == "")),
        "ocel.event.no_time",
        lambda r: f"Ereignis „{r[eid]}“ hat keinen Zeitpunkt",
        lambda r: f"event '{r[eid]}' has no time",
        eid,
        row=schema.SOURCE_ROW,
    )
    report(
        objects.filter(pl.col(oid).is_null()),
        "ocel.object.no_id",
        lambda r: f"ein Objekt vom Typ „{r[schema.OCEL_OBJECT_TYPE]}“ hat keine ID",
        lambda r: f"an object of type '{r[schema.OCEL_OBJECT_TYPE]}' has no id",
        schema.OCEL_OBJECT_TYPE,
    )
    report(
        objects.filter(pl.col(oid).is_duplicated() & pl.col(oid).is_not_null()).unique(
            oid, keep="first", maintain_order=True
        ),
        "ocel.object.duplicate_id",
        lambda r: f"die Objekt-ID „{r[oid]}“ kommt mehrfach vor",
        lambda r: f"object id '{r[oid]}' occurs more than once",
        oid,
    )
    report(
        objects.filter(
            ~pl.col(schema.OCEL_OBJECT_TYPE).is_in(list(object_types))
            | pl.col(schema.OCEL_OBJECT_TYPE).is_null()
        ),
        "ocel.object.unknown_type",
        lambda r: (
            f"Objekt „{r[oid]}“ hat den Typ „{r[schema.OCEL_OBJECT_TYPE]}“, der nicht als "
            "Objekttyp deklariert ist"
        ),
        lambda r: (
            f"object '{r[oid]}' has type '{r[schema.OCEL_OBJECT_TYPE]}', which is not a "
            "declared object type"
        ),
        schema.OCEL_OBJECT_TYPE,
    )
    report(
        _unknown(relations, oid, object_ids),
        "ocel.e2o.missing_object",
        lambda r: (
            f"Ereignis „{r[eid]}“ verweist auf das Objekt „{r[oid]}“, das es in der Datei "
            "nicht gibt"
        ),
        lambda r: f"event '{r[eid]}' refers to object '{r[oid]}', which does not exist in the file",
        oid,
    )
    report(
        _unknown(relations, eid, event_ids),
        "ocel.e2o.missing_event",
        lambda r: (
            f"eine Ereignis-Objekt-Beziehung zu Objekt „{r[oid]}“ nennt das Ereignis "
            f"„{r[eid]}“, das es in der Datei nicht gibt"
        ),
        lambda r: (
            f"an event-object relation to object '{r[oid]}' names event '{r[eid]}', which "
            "does not exist in the file"
        ),
        eid,
    )
    tgt = schema.OCEL_TARGET_OBJECT_ID
    report(
        _unknown(o2o, oid, object_ids),
        "ocel.o2o.missing_source",
        lambda r: (
            f"eine Objekt-Objekt-Beziehung zu „{r[tgt]}“ geht von Objekt „{r[oid]}“ aus, das "
            "es in der Datei nicht gibt"
        ),
        lambda r: (
            f"an object-object relation to '{r[tgt]}' starts at object '{r[oid]}', which "
            "does not exist in the file"
        ),
        oid,
    )
    report(
        _unknown(o2o, tgt, object_ids),
        "ocel.o2o.missing_object",
        lambda r: (
            f"Objekt „{r[oid]}“ verweist auf das Objekt „{r[tgt]}“, das es in der Datei nicht gibt"
        ),
        lambda r: (
            f"object '{r[oid]}' refers to object '{r[tgt]}', which does not exist in the file"
        ),
        tgt,
    )
    report(
        _unknown(values, oid, object_ids),
        "ocel.object_value.missing_object",
        lambda r: (
            f"ein Wert des Attributs „{r['_name']}“ gehört zum Objekt „{r[oid]}“, das es in "
            "der Datei nicht gibt"
        ),
        lambda r: (
            f"a value of attribute '{r['_name']}' belongs to object '{r[oid]}', which does "
            "not exist in the file"
        ),
        oid,
    )
    return found


def _unknown(frame: pl.DataFrame, column: str, known: pl.Series) -> pl.DataFrame:
    """Rows of ``frame`` whose ``column`` is empty or not among ``known``."""
    keys = known.unique().alias(column).to_frame()
    return frame.join(keys, on=column, how="anti", maintain_order="left")
