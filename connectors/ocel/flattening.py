"""Flattening an OCEL log to one object type (the case notion) as a canonical event log.

Every object of the chosen type is a case; an event related to several of them appears once in
each of their cases (event id ``<event id>:<object id>``); the case object's attributes become
``case:`` columns holding the value valid at the event's time, the latest value, or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import polars as pl

from analyzer import schema
from analyzer.problems import Problem, Severity, error, problem
from connectors.event_log import Duplicates, EventLog, finalize_event_log
from connectors.mapping import Mapping as ColumnMapping
from connectors.mapping import apply_mapping, mapping_names, merged_label_warnings, read_mapping
from connectors.ocel.log import EVENT_RESERVED, OcelLog

#: Separator of several qualifiers of one event-object pair in a flattened log.
QUALIFIER_SEPARATOR = ";"


ObjectAttributes = Literal["at_event", "latest", "none"]


def flatten_ocel(
    ocel: OcelLog,
    *,
    object_type: str | None = None,
    source: str | None = None,
    object_attributes: ObjectAttributes = "at_event",
    mapping: ColumnMapping | str | Path | None = None,
    timezone: str = schema.DEFAULT_TIMEZONE,
    duplicates: Duplicates | str = Duplicates.KEEP,
) -> EventLog:
    """``ocel`` as a canonical event log with the objects of ``object_type`` as cases.

    See the module documentation for the rule. ``object_type`` may be left out when the log
    has one object type only; otherwise, or when it names no object type of the log, an
    :class:`InputError` lists the object types with their object counts. ``object_attributes``:
    ``"at_event"`` (value valid at the event's time), ``"latest"`` or ``"none"``. ``mapping``
    (a mapping or the path of a mapping file) is applied to the flattened columns before the
    log is finalised.
    """
    source = source or ocel.source
    object_type = _chosen_object_type(ocel, object_type, source=source)
    objs = (
        ocel.objects.filter(pl.col(schema.OCEL_OBJECT_TYPE) == object_type)
        .select(schema.OCEL_OBJECT_ID)
        .with_row_index("_object_order")
    )
    pairs = (
        ocel.relations.join(objs, on=schema.OCEL_OBJECT_ID, how="inner")
        .group_by([schema.OCEL_EVENT_ID, schema.OCEL_OBJECT_ID], maintain_order=True)
        .agg(
            pl.col(schema.OCEL_QUALIFIER)
            .drop_nulls()
            .unique(maintain_order=True)
            .str.join(QUALIFIER_SEPARATOR),
            pl.col("_object_order").first(),
        )
        .with_columns(pl.col(schema.OCEL_QUALIFIER).replace("", None))
    )
    events = ocel.events
    if schema.SOURCE_ROW not in events.columns:  # a log built in code rather than read
        events = events.with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(schema.SOURCE_ROW)
        )
    structural = [
        schema.CASE,
        schema.ACTIVITY,
        schema.TIMESTAMP,
        schema.EVENT_ID,
        schema.SOURCE_ROW,
        schema.OCEL_EVENT_ID,
        schema.OCEL_QUALIFIER,
    ]
    attribute_columns = [c for c in ocel.events.columns if c not in EVENT_RESERVED]
    warnings: list[Problem] = []
    renames = _clashes(attribute_columns, structural, source=source, warnings=warnings)
    events = events.rename(
        {**renames, schema.OCEL_ACTIVITY: schema.ACTIVITY, schema.OCEL_TIMESTAMP: schema.TIMESTAMP}
    )
    flat = pairs.join(events, on=schema.OCEL_EVENT_ID, how="inner").with_columns(
        pl.col(schema.OCEL_OBJECT_ID).alias(schema.CASE),
        pl.concat_str(
            [pl.col(schema.OCEL_EVENT_ID), pl.col(schema.OCEL_OBJECT_ID)], separator=":"
        ).alias(schema.EVENT_ID),
    )
    attribute_columns = [renames.get(c, c) for c in attribute_columns]
    kept = [c for c in attribute_columns if flat[c].null_count() < flat.height]
    flat = flat.select([*structural, *kept, "_object_order"])
    if object_attributes != "none":
        flat = _with_case_attributes(
            flat, ocel, object_type, how=object_attributes, source=source, warnings=warnings
        )
    flat = flat.sort(["_object_order", schema.TIMESTAMP, schema.SOURCE_ROW]).drop("_object_order")

    if not flat.height:
        raise error(
            "ocel.flatten.empty",
            f"kein Ereignis der Datei betrifft ein Objekt vom Typ „{object_type}“; bitte einen "
            "anderen Objekttyp als Fall wählen",
            f"no event of the file concerns an object of type '{object_type}'; please choose "
            "another object type as the case",
            file=source,
            value=object_type,
        )
    in_log = flat[schema.OCEL_EVENT_ID].n_unique()
    left_out = ocel.events.height - in_log
    if left_out:
        warnings.append(
            problem(
                "ocel.events_without_case",
                f"{left_out} von {ocel.events.height} Ereignissen betreffen kein Objekt vom Typ "
                f"„{object_type}“ und fehlen im abgeflachten Protokoll",
                f"{left_out} of {ocel.events.height} events concern no object of type "
                f"'{object_type}' and are not in the flattened log",
                file=source,
                severity=Severity.WARNING,
            )
        )
    mapping = as_mapping(mapping)
    frame = flat if mapping is None else apply_mapping(flat, mapping, source=source)
    if mapping is not None:
        warnings = [*warnings, *merged_label_warnings(flat, mapping, source=source)]
    details = {
        **dict(ocel.details),
        "object_type": object_type,
        "object_types": ocel.object_counts(),
        "object_attributes": object_attributes,
        "ocel_events": ocel.events.height,
        "ocel_objects": ocel.objects.height,
        "events_without_case": left_out,
    }
    return finalize_event_log(
        frame,
        source=source,
        timezone=timezone,
        duplicates=duplicates,
        names=mapping_names(mapping),
        details={**details, "mapping": mapping.label} if mapping is not None else details,
        problems=(*ocel.problems, *warnings),
    )


def as_mapping(mapping: ColumnMapping | str | Path | None) -> ColumnMapping | None:
    if mapping is None or isinstance(mapping, ColumnMapping):
        return mapping
    return read_mapping(mapping)


def _chosen_object_type(ocel: OcelLog, object_type: str | None, *, source: str) -> str:
    counts = ocel.object_counts()
    if object_type is not None and object_type in counts:
        return object_type
    if object_type is None and len(counts) == 1:
        return next(iter(counts))
    listing = ", ".join(f"„{k}“ ({n})" for k, n in counts.items()) or "—"
    listing_en = ", ".join(f"'{k}' ({n})" for k, n in counts.items()) or "-"
    if object_type is None:
        raise error(
            "ocel.object_type.ambiguous",
            f"die Datei enthält mehrere Objekttypen; bitte einen als Fall wählen "
            f"(Objekttyp und Anzahl Objekte): {listing}",
            f"the file holds several object types; please choose one as the case "
            f"(object type and number of objects): {listing_en}",
            file=source,
        )
    raise error(
        "ocel.object_type.unknown",
        f"Objekttyp „{object_type}“ kommt in der Datei nicht vor; vorhanden sind (mit Anzahl "
        f"Objekte): {listing}",
        f"object type '{object_type}' does not occur in the file; present are (with number of "
        f"objects): {listing_en}",
        file=source,
        value=object_type,
    )


def _clashes(
    columns: Iterable[str], taken: Iterable[str], *, source: str, warnings: list[Problem]
) -> dict[str, str]:
    taken = set(taken)
    renames = {}
    for c in columns:
        if c in taken:
            renames[c] = f"attribute:{c}"
            warnings.append(
                problem(
                    "ocel.attribute.renamed",
                    f"Attribut „{c}“ heißt wie eine Spalte des Protokolls und wird als "
                    f"„attribute:{c}“ geführt",
                    f"attribute '{c}' has the name of a log column and is kept as 'attribute:{c}'",
                    file=source,
                    column=c,
                    severity=Severity.WARNING,
                )
            )
    return renames


def _with_case_attributes(
    flat: pl.DataFrame,
    ocel: OcelLog,
    object_type: str,
    *,
    how: str,
    source: str,
    warnings: list[Problem],
) -> pl.DataFrame:
    oid = schema.OCEL_OBJECT_ID
    mine = ocel.objects.filter(pl.col(schema.OCEL_OBJECT_TYPE) == object_type)
    changes = ocel.object_changes.join(mine.select(oid), on=oid, how="semi")
    declared = list(ocel.object_types.get(object_type, {}))
    candidates = [c for c in mine.columns if c not in (oid, schema.OCEL_OBJECT_TYPE)]
    changed = (
        set(changes[schema.OCEL_CHANGED_FIELD].unique().to_list()) if changes.height else set()
    )
    attrs = [
        c for c in candidates if c in declared or mine[c].null_count() < mine.height or c in changed
    ]
    if not attrs:
        return flat
    targets = {a: schema.CASE_ATTRIBUTE_PREFIX + a for a in attrs}
    renames = _clashes(targets.values(), flat.columns, source=source, warnings=warnings)
    targets = {a: renames.get(t, t) for a, t in targets.items()}
    flat = flat.join(
        mine.select(
            pl.col(oid).alias(schema.CASE), *[pl.col(a).alias(t) for a, t in targets.items()]
        ),
        on=schema.CASE,
        how="left",
    )
    for attr, target in targets.items():
        rows = changes.filter(pl.col(schema.OCEL_CHANGED_FIELD) == attr)
        if not rows.height:
            continue
        rows = rows.select(
            pl.col(oid).alias(schema.CASE),
            pl.col(schema.OCEL_TIMESTAMP).alias("_t"),
            pl.col(attr).alias("_v"),
        ).sort("_t")
        if how == "latest":
            last = rows.group_by(schema.CASE).agg(pl.col("_v").last())
            flat = flat.join(last, on=schema.CASE, how="left")
        else:
            flat = (
                flat.sort(schema.TIMESTAMP)
                .join_asof(
                    rows,
                    left_on=schema.TIMESTAMP,
                    right_on="_t",
                    by=schema.CASE,
                    strategy="backward",
                    check_sortedness=False,  # sorted by time just above; groups by case
                )
                .drop("_t")
            )
        flat = flat.with_columns(
            pl.coalesce(pl.col("_v").cast(flat.schema[target]), pl.col(target)).alias(target)
        ).drop("_v")
    return flat
