"""Writing an :class:`~connectors.ocel.log.OcelLog` as OCEL 2.0 JSON or XML (optionally
gzip-compressed), references checked first so a written file always reads back."""

from __future__ import annotations

import decimal
import gzip
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
from lxml import etree

from analyzer import schema
from analyzer.problems import InputError, error
from connectors.ocel.log import EPOCH, EVENT_RESERVED, OBJECT_RESERVED, OcelLog
from connectors.ocel.references import reference_problems
from connectors.timestamps import localize_timestamps


def write_ocel(ocel: OcelLog, path: str | Path) -> Path:
    """Write ``ocel`` as OCEL 2.0 JSON (``.jsonocel``/``.json``) or XML (``.xmlocel``/``.xml``),
    gzip-compressed when the name ends in ``.gz``; returns ``path``.

    Times are written in UTC with offset; initial object attribute values get the time
    ``1970-01-01T00:00:00Z`` (the convention of the standard's examples), changes their own.
    Attribute types come from ``ocel.event_types``/``ocel.object_types`` where declared, else
    from the column dtypes. References are checked first (:class:`InputError` if broken), so a
    written file always reads back.
    """
    path = Path(path)
    compressed = path.suffix.lower() == ".gz"
    suffix = Path(path.stem).suffix.lower() if compressed else path.suffix.lower()
    if suffix not in (".jsonocel", ".json", ".xmlocel", ".xml"):
        raise error(
            "ocel.write.format",
            "OCEL 2.0 kann als .jsonocel/.json oder .xmlocel/.xml geschrieben werden "
            "(optional mit .gz)",
            "OCEL 2.0 can be written as .jsonocel/.json or .xmlocel/.xml (optionally .gz)",
            file=path,
        )
    _check_log_references(ocel)
    doc = _document(ocel)
    if suffix in (".jsonocel", ".json"):
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        data = _xml_document(doc)
    if compressed:
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def _check_log_references(ocel: OcelLog) -> None:
    ev = ocel.events.select(
        schema.OCEL_EVENT_ID,
        schema.OCEL_ACTIVITY,
        pl.col(schema.OCEL_TIMESTAMP).cast(pl.String).alias("_time"),
        pl.int_range(1, pl.len() + 1).alias(schema.SOURCE_ROW),
    )
    values = pl.DataFrame(
        schema=dict.fromkeys((schema.OCEL_OBJECT_ID, "_name", "_time"), pl.String)
    )
    event_types = ocel.event_types or dict.fromkeys(ocel.events[schema.OCEL_ACTIVITY].unique())
    object_types = ocel.object_types or dict.fromkeys(
        ocel.objects[schema.OCEL_OBJECT_TYPE].unique()
    )
    found = reference_problems(
        ev,
        ocel.objects,
        ocel.relations,
        ocel.o2o,
        values,
        event_types,
        object_types,
        source=ocel.source or "OCEL",
    )
    if found:
        raise InputError(found)


_DTYPE_KINDS = (
    (pl.Boolean, "boolean"),
    (pl.Datetime, "time"),
    (pl.Date, "time"),
)


def _kind_of_dtype(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "float"
    for cls, kind in _DTYPE_KINDS:
        if isinstance(dtype, cls) or dtype == cls:
            return kind
    return "string"


def _json_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetimes as ISO text with offset, in UTC (the JSON/XML form of OCEL times); naive
    datetimes are wall-clock time in Europe/Berlin, as everywhere in Amtsweg."""
    return frame.with_columns(
        localize_timestamps(frame[c]).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        for c, d in frame.schema.items()
        if isinstance(d, pl.Datetime | pl.Date)
    )


def _value(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, decimal.Decimal):
        return float(v)
    if v is None or isinstance(v, str | bool | int | float):
        return v
    return str(v)


def _types_of(
    frame: pl.DataFrame,
    kind_column: str,
    declared: Mapping[str, Mapping[str, str]],
    reserved: Iterable[str],
) -> dict[str, dict[str, str]]:
    reserved = set(reserved)
    attrs = [c for c in frame.columns if c not in reserved]
    out: dict[str, dict[str, str]] = {k: dict(v) for k, v in declared.items()}
    if frame.height:
        present = frame.group_by(kind_column, maintain_order=True).agg(
            [pl.col(c).is_not_null().any().alias(c) for c in attrs]
        )
        for rec in present.iter_rows(named=True):
            kind = rec[kind_column]
            known = out.setdefault(kind, {})
            for c in attrs:
                if rec[c] and c not in known:
                    known[c] = _kind_of_dtype(frame.schema[c])
    return out


def _document(ocel: OcelLog) -> dict[str, Any]:
    """The OCEL 2.0 JSON document of ``ocel`` (also the model the XML is written from)."""
    eid, oid, q = schema.OCEL_EVENT_ID, schema.OCEL_OBJECT_ID, schema.OCEL_QUALIFIER
    event_types = _types_of(ocel.events, schema.OCEL_ACTIVITY, ocel.event_types, EVENT_RESERVED)
    object_types = _types_of(
        ocel.objects, schema.OCEL_OBJECT_TYPE, ocel.object_types, OBJECT_RESERVED
    )
    for rec in (
        ocel.object_changes.select(oid, schema.OCEL_CHANGED_FIELD)
        .join(ocel.objects.select(oid, schema.OCEL_OBJECT_TYPE), on=oid, how="left")
        .unique()
        .iter_rows(named=True)
    ):
        attrs = object_types.setdefault(rec[schema.OCEL_OBJECT_TYPE], {})
        field_ = rec[schema.OCEL_CHANGED_FIELD]
        if field_ not in attrs:
            attrs[field_] = _kind_of_dtype(ocel.object_changes.schema[field_])

    e2o: dict[str, list[dict[str, Any]]] = {}
    for e, o, qual in ocel.relations.select(eid, oid, q).iter_rows():
        e2o.setdefault(e, []).append({"objectId": o, "qualifier": qual or ""})
    o2o: dict[str, list[dict[str, Any]]] = {}
    for s, t, qual in ocel.o2o.select(oid, schema.OCEL_TARGET_OBJECT_ID, q).iter_rows():
        o2o.setdefault(s, []).append({"objectId": t, "qualifier": qual or ""})
    changes: dict[str, list[dict[str, Any]]] = {}
    for rec in _json_ready(ocel.object_changes).iter_rows(named=True):
        name = rec[schema.OCEL_CHANGED_FIELD]
        changes.setdefault(rec[oid], []).append(
            {"name": name, "time": rec[schema.OCEL_TIMESTAMP], "value": _value(rec.get(name))}
        )

    events = []
    for rec in _json_ready(ocel.events).iter_rows(named=True):
        kind = rec[schema.OCEL_ACTIVITY]
        events.append(
            {
                "id": rec[eid],
                "type": kind,
                "time": rec[schema.OCEL_TIMESTAMP],
                "attributes": [
                    {"name": a, "value": _value(rec[a])}
                    for a in event_types.get(kind, {})
                    if rec.get(a) is not None
                ],
                "relationships": e2o.get(rec[eid], []),
            }
        )
    objects = []
    for rec in _json_ready(ocel.objects).iter_rows(named=True):
        kind = rec[schema.OCEL_OBJECT_TYPE]
        attributes = [
            {"name": a, "time": EPOCH, "value": _value(rec[a])}
            for a in object_types.get(kind, {})
            if rec.get(a) is not None
        ]
        objects.append(
            {
                "id": rec[oid],
                "type": kind,
                "attributes": attributes + changes.get(rec[oid], []),
                "relationships": o2o.get(rec[oid], []),
            }
        )

    def declared(types: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
        return [
            {"name": k, "attributes": [{"name": a, "type": t} for a, t in v.items()]}
            for k, v in types.items()
        ]

    return {
        "objectTypes": declared(object_types),
        "eventTypes": declared(event_types),
        "objects": objects,
        "events": events,
    }


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _xml_document(doc: Mapping[str, Any]) -> bytes:
    root = etree.Element("log")
    for key, tag in (("objectTypes", "object-types"), ("eventTypes", "event-types")):
        section = etree.SubElement(root, tag)
        for t in doc[key]:
            el = etree.SubElement(section, tag[:-1], name=t["name"])
            attrs = etree.SubElement(el, "attributes")
            for a in t["attributes"]:
                etree.SubElement(attrs, "attribute", name=a["name"], type=a["type"])
    section = etree.SubElement(root, "objects")
    for ob in doc["objects"]:
        el = etree.SubElement(section, "object", id=ob["id"], type=ob["type"])
        attrs = etree.SubElement(el, "attributes")
        for a in ob["attributes"]:
            etree.SubElement(attrs, "attribute", name=a["name"], time=a["time"]).text = _xml_text(
                a["value"]
            )
        rels = etree.SubElement(el, "objects")
        for r in ob["relationships"]:
            etree.SubElement(
                rels, "relationship", {"object-id": r["objectId"], "qualifier": r["qualifier"]}
            )
    section = etree.SubElement(root, "events")
    for ev in doc["events"]:
        el = etree.SubElement(section, "event", id=ev["id"], type=ev["type"], time=ev["time"])
        attrs = etree.SubElement(el, "attributes")
        for a in ev["attributes"]:
            etree.SubElement(attrs, "attribute", name=a["name"]).text = _xml_text(a["value"])
        rels = etree.SubElement(el, "objects")
        for r in ev["relationships"]:
            etree.SubElement(
                rels, "relationship", {"object-id": r["objectId"], "qualifier": r["qualifier"]}
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
