"""The OCEL 2.0 JSON serialisation (``eventTypes``, ``objectTypes``, ``events``, ``objects``)
parsed into a :class:`~connectors.ocel.raw_log.RawLog`; an OCEL 1.0 file is refused by name."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from analyzer.problems import error
from connectors.ocel.raw_log import RawLog, as_text, malformed


def parse_json(data: bytes, *, source: str) -> RawLog:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise error(
            "ocel.json.encoding",
            "die JSON-Datei ist nicht UTF-8-kodiert",
            "the JSON file is not UTF-8 encoded",
            file=source,
            value=str(exc),
        ) from exc
    except json.JSONDecodeError as exc:
        raise error(
            "ocel.json.malformed",
            f"die Datei ist kein gültiges JSON ({exc.msg}, Spalte {exc.colno}); bei einer "
            "abgeschnittenen Datei bitte erneut exportieren",
            f"the file is not valid JSON ({exc.msg}, column {exc.colno}); if it was cut off, "
            "please export it again",
            file=source,
            row=exc.lineno,
        ) from exc
    if isinstance(doc, dict) and ("ocel:events" in doc or "ocel:objects" in doc):
        raise error(
            "ocel.version",
            "die Datei ist im älteren Format OCEL 1.0; bitte als OCEL 2.0 exportieren",
            "the file is in the older OCEL 1.0 format; please export it as OCEL 2.0",
            file=source,
        )
    if not isinstance(doc, dict) or not ({"events", "objects"} & doc.keys()):
        raise error(
            "ocel.json.not_ocel",
            "keine OCEL-2.0-JSON-Datei: „events“ und „objects“ fehlen",
            "not an OCEL 2.0 JSON file: 'events' and 'objects' are missing",
            file=source,
        )
    raw = RawLog()
    raw.event_types = _declared(doc.get("eventTypes"), key="eventTypes", source=source, raw=raw)
    raw.object_types = _declared(doc.get("objectTypes"), key="objectTypes", source=source, raw=raw)
    for i, ev in enumerate(_items(doc, "events", source, raw)):
        raw.event_ids.append(as_text(ev.get("id")))
        raw.event_kinds.append(as_text(ev.get("type")))
        raw.event_times.append(as_text(ev.get("time")))
        for a in ev.get("attributes") or []:
            if isinstance(a, dict) and a.get("name") is not None:
                raw.event_attr_pos.append(i)
                raw.event_attr_name.append(str(a["name"]))
                raw.event_attr_value.append(as_text(a.get("value")))
        for r in ev.get("relationships") or []:
            if isinstance(r, dict):
                raw.e2o_event.append(raw.event_ids[-1])
                raw.e2o_object.append(as_text(r.get("objectId")))
                raw.e2o_qualifier.append(as_text(r.get("qualifier")))
    for ob in _items(doc, "objects", source, raw):
        oid = as_text(ob.get("id"))
        raw.object_ids.append(oid)
        raw.object_kinds.append(as_text(ob.get("type")))
        for a in ob.get("attributes") or []:
            if isinstance(a, dict) and a.get("name") is not None:
                raw.value_object.append(oid)
                raw.value_name.append(str(a["name"]))
                raw.value_time.append(as_text(a.get("time")))
                raw.value_value.append(as_text(a.get("value")))
        for r in ob.get("relationships") or []:
            if isinstance(r, dict):
                raw.o2o_source.append(oid)
                raw.o2o_target.append(as_text(r.get("objectId")))
                raw.o2o_qualifier.append(as_text(r.get("qualifier")))
    return raw


def _declared(types: Any, *, key: str, source: str, raw: RawLog) -> dict[str, dict[str, str]]:
    declared: dict[str, dict[str, str]] = {}
    if types is None:
        return declared
    if not isinstance(types, list):
        raw.problems.append(malformed(source, f"„{key}“ ist keine Liste", f"'{key}' is not a list"))
        return declared
    for item in types:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raw.problems.append(
                malformed(
                    source, f"Eintrag in „{key}“ ohne Namen", f"entry of '{key}' without a name"
                )
            )
            continue
        attrs = item.get("attributes") or []
        declared[item["name"]] = {
            str(a.get("name")): str(a.get("type", "string")).lower()
            for a in attrs
            if isinstance(a, dict) and a.get("name") is not None
        }
    return declared


def _items(doc: dict, key: str, source: str, raw: RawLog) -> Iterable[dict]:
    items = doc.get(key) or []
    if not isinstance(items, list):
        raw.problems.append(malformed(source, f"„{key}“ ist keine Liste", f"'{key}' is not a list"))
        return []
    good = [x for x in items if isinstance(x, dict)]
    if len(good) < len(items):
        raw.problems.append(
            malformed(
                source, f"Eintrag in „{key}“ ist kein Objekt", f"entry of '{key}' is not an object"
            )
        )
    return good
