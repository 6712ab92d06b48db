"""OCEL 2.0 object-centric event logs: reading all three serialisations, flattening, writing.

OCEL 2.0 (https://www.ocel-standard.org, specification of 16 October 2023) stores events and
objects of several types together: each event has a type (the activity), a time, typed
attributes and qualified relationships to objects (E2O); each object has a type, time-stamped
attribute values and qualified relationships to other objects (O2O). Three serialisations are
read, each also gzip-compressed (detected from the content, not the name):

* JSON (``.jsonocel``/``.json``): ``eventTypes``, ``objectTypes``, ``events``, ``objects``;
* XML (``.xmlocel``/``.xml``): ``<log>`` with ``<event-types>``, ``<object-types>``,
  ``<events>``, ``<objects>``; parsed without DTD, entity expansion or network access, and a
  file with a ``<!DOCTYPE`` is refused;
* SQLite (``.sqlite``): tables ``event``, ``object``, ``event_object``, ``object_object``,
  ``event_map_type``, ``object_map_type`` and one ``event_<Type>``/``object_<Type>`` table per
  type (``ocel_time``, attributes; object tables also ``ocel_changed_field``).

:func:`read_ocel` returns an :class:`OcelLog` (Polars frames with pm4py's column names);
:func:`flatten_ocel` turns it into a canonical :class:`~connectors.event_log.EventLog` for one
object type; :func:`read_ocel_log` does both; :func:`write_ocel` writes JSON or XML.

Rules this module applies (the same for all three serialisations):

* **Times.** A time with an offset (``Z``, ``+01:00``) is that instant; a time without one is
  wall-clock time in ``timezone`` (Europe/Berlin unless told otherwise). Unlike a CSV column,
  an OCEL file may mix both (pm4py writes the "initial value" time as ``1970-01-01T00:00:00Z``
  and other times without offset). pm4py's example log shows why naive times must not be read
  as UTC: its JSON says ``2022-01-09T14:00:00+00:00`` where its XML and SQLite twins say
  ``2022-01-09T15:00:00``, and the SQLite file stores the initial-value time, which the JSON
  and XML files give as ``1970-01-01T00:00:00Z``, as ``1970-01-01 01:00:00``: the naive times
  are German winter time (UTC+1). Read in Europe/Berlin, all three files give the same instants;
  pm4py 2.7.23 reads the naive ones as UTC and puts the XML/SQLite events an hour late.
* **Initial values and changes.** Of the time-stamped values of one attribute of one object,
  the earliest is the object's initial value (a column of ``OcelLog.objects``); every later
  value is a change (a row of ``OcelLog.object_changes``). A value without a time counts as
  known from the start (1970-01-01, the standard's convention for initial values). In SQLite,
  an ``object_<Type>`` row with ``ocel_changed_field`` set contributes only that field's value.
* **Attribute types.** Declared types (``string``, ``integer``, ``float``, ``boolean``,
  ``time``; in SQLite the column types TEXT, INTEGER, REAL, BOOLEAN, TIMESTAMP) become column
  dtypes. An attribute declared with different types by different event/object types, one not
  declared at all, or one whose values do not fit its declared type stays text (a warning).
* **References.** An event or object of an undeclared type, a relation naming an event or
  object that does not exist, an event without a time and a duplicate id are errors, all
  reported at once with the file and the ids.
* **Flattening** (:func:`flatten_ocel`): every object of the chosen type is a case; an event
  related to several objects of that type appears once in each of their cases, with the event
  id ``<event id>:<object id>`` (``OCEL_EVENT_ID`` keeps the event's own id, ``SOURCE_ROW`` its
  position in the file, ``OCEL_QUALIFIER`` the qualifier(s) of the relation, ``;``-joined).
  Events related to no object of the type are not in the flattened log. Event attributes become
  columns (those empty for every event of the log are left out). The case object's attributes
  become ``case:<attribute>`` columns holding, by default, the value valid at the event's time
  (the initial value, replaced by each change from its time on; a change stamped with the
  event's own time counts, as it is usually the change the event made); ``"latest"`` gives the
  last value instead, ``"none"`` leaves them out.
"""

from __future__ import annotations

import decimal
import gzip
import json
import math
import os
import re
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from lxml import etree

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, error, errors_only, problem
from connectors.event_log import Duplicates, EventLog, finalize_event_log
from connectors.mapping import Mapping as ColumnMapping
from connectors.mapping import apply_mapping, mapping_names, read_mapping
from connectors.timestamps import localize_timestamps, parse_timestamps

#: Attribute types of OCEL 2.0 (JSON/XML names).
OCEL_ATTRIBUTE_TYPES = ("string", "integer", "float", "boolean", "time")

#: Separator of several qualifiers of one event-object pair in a flattened log.
QUALIFIER_SEPARATOR = ";"

ObjectAttributes = Literal["at_event", "latest", "none"]

_SHOW = 10  # problems quoted per kind
_EPOCH = "1970-01-01T00:00:00Z"
_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"
_SQLITE_TYPES = {
    "TEXT": "string",
    "VARCHAR": "string",
    "STRING": "string",
    "INTEGER": "integer",
    "INT": "integer",
    "BIGINT": "integer",
    "REAL": "float",
    "FLOAT": "float",
    "DOUBLE": "float",
    "NUMERIC": "float",
    "BOOLEAN": "boolean",
    "BOOL": "boolean",
    "TIMESTAMP": "time",
    "DATETIME": "time",
    "DATE": "time",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_REQUIRED = ("event", "object", "event_object", "event_map_type", "object_map_type")


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
    o2o: pl.DataFrame = field(default_factory=lambda: _empty_o2o())
    object_changes: pl.DataFrame = field(default_factory=lambda: _empty_changes())
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


# --- public API ------------------------------------------------------------------------------


def read_ocel(
    path: str | Path,
    *,
    timezone: str = schema.DEFAULT_TIMEZONE,
    progress: Callable[..., Any] | None = None,
) -> OcelLog:
    """The OCEL 2.0 log in ``path`` (JSON, XML or SQLite, optionally gzip-compressed).

    Times without offset are read in ``timezone``. Raises :class:`InputError` for a file that
    cannot be read (missing, damaged, truncated, not OCEL 2.0, an XML DOCTYPE) and for broken
    references (see the module documentation), with every problem found.
    """
    path = Path(path)
    source = str(path)
    data, compressed = _read_bytes(path)
    kind = _format_of(path, data)
    if kind == "sqlite":
        raw = _parse_sqlite_bytes(data, source=source, path=None if compressed else path)
    elif kind == "json":
        raw = _parse_json(data, source=source)
    else:
        raw = _parse_xml(data, source=source)
    del data
    if progress is not None:
        progress(len(raw.event_ids), len(raw.event_ids))
    details = {"format": f"ocel2-{kind}", "compressed": compressed}
    return _build(raw, source=source, timezone=timezone, details=details)


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
    attribute_columns = [c for c in ocel.events.columns if c not in _EVENT_RESERVED]
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
    mapping = _as_mapping(mapping)
    frame = flat if mapping is None else apply_mapping(flat, mapping, source=source)
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


def read_ocel_log(
    path: str | Path,
    *,
    object_type: str | None = None,
    mapping: ColumnMapping | str | Path | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    object_attributes: ObjectAttributes = "at_event",
    progress: Callable[..., Any] | None = None,
) -> EventLog:
    """The OCEL 2.0 file ``path`` flattened to ``object_type`` (see :func:`flatten_ocel`).

    ``object_type`` and ``timezone`` default to the mapping's ``[source]`` hints, then to the
    only object type of the file and Europe/Berlin.
    """
    mapping = _as_mapping(mapping)
    hints = mapping.source if mapping is not None else None
    timezone = timezone or (hints and hints.timezone) or schema.DEFAULT_TIMEZONE
    object_type = object_type or (hints and hints.object_type) or None
    ocel = read_ocel(path, timezone=timezone, progress=progress)
    return flatten_ocel(
        ocel,
        object_type=object_type,
        source=str(path),
        object_attributes=object_attributes,
        mapping=mapping,
        timezone=timezone,
        duplicates=duplicates,
    )


def _as_mapping(mapping: ColumnMapping | str | Path | None) -> ColumnMapping | None:
    if mapping is None or isinstance(mapping, ColumnMapping):
        return mapping
    return read_mapping(mapping)


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


# --- reading bytes and telling formats apart ---------------------------------------------------


def _read_bytes(path: Path) -> tuple[bytes, bool]:
    if not path.is_file():
        raise error(
            "file.not_found",
            "Datei nicht gefunden",
            "file not found",
            file=path,
        )
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
            f.seek(0)
            if head == _SQLITE_MAGIC:  # opened in place; only its header is needed here
                return head, False
            if head[:2] != b"\x1f\x8b":
                return f.read(), False
            with gzip.GzipFile(fileobj=f) as g:
                return g.read(), True
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise error(
            "file.gzip_damaged",
            "die komprimierte Datei ist beschädigt oder unvollständig (abgeschnitten); bitte "
            "erneut herunterladen oder exportieren",
            "the compressed file is damaged or incomplete (truncated); please download or "
            "export it again",
            file=path,
            value=str(exc),
        ) from exc
    except OSError as exc:
        raise error(
            "file.unreadable",
            "Datei kann nicht gelesen werden",
            "file cannot be read",
            file=path,
            value=exc.strerror or str(exc),
        ) from exc


def _format_of(path: Path, data: bytes) -> str:
    if data.startswith(_SQLITE_MAGIC):
        return "sqlite"
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        return "json"
    if start.startswith(b"<"):
        return "xml"
    name = path.name.lower().removesuffix(".gz")
    for ext, kind in (
        (".jsonocel", "json"),
        (".json", "json"),
        (".xmlocel", "xml"),
        (".xml", "xml"),
        (".sqlite", "sqlite"),
        (".sqlite3", "sqlite"),
        (".db", "sqlite"),
    ):
        if name.endswith(ext):
            return kind
    raise error(
        "ocel.format.unknown",
        "keine OCEL-2.0-Datei: weder JSON noch XML noch SQLite",
        "not an OCEL 2.0 file: neither JSON nor XML nor SQLite",
        file=path,
    )


# --- the three parsers: each fills a _Raw with text values, _build does the rest ---------------


@dataclass
class _Raw:
    event_types: dict[str, dict[str, str]] = field(default_factory=dict)
    object_types: dict[str, dict[str, str]] = field(default_factory=dict)
    event_ids: list[Any] = field(default_factory=list)
    event_kinds: list[Any] = field(default_factory=list)
    event_times: list[Any] = field(default_factory=list)
    # long: (event position, attribute name, value as text)
    event_attr_pos: list[int] = field(default_factory=list)
    event_attr_name: list[str] = field(default_factory=list)
    event_attr_value: list[str | None] = field(default_factory=list)
    e2o_event: list[Any] = field(default_factory=list)
    e2o_object: list[Any] = field(default_factory=list)
    e2o_qualifier: list[Any] = field(default_factory=list)
    object_ids: list[Any] = field(default_factory=list)
    object_kinds: list[Any] = field(default_factory=list)
    # long: (object id, attribute name, time as text, value as text)
    value_object: list[Any] = field(default_factory=list)
    value_name: list[str] = field(default_factory=list)
    value_time: list[Any] = field(default_factory=list)
    value_value: list[str | None] = field(default_factory=list)
    o2o_source: list[Any] = field(default_factory=list)
    o2o_target: list[Any] = field(default_factory=list)
    o2o_qualifier: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _text(value: Any) -> str | None:
    """An attribute value as text (JSON numbers/booleans, SQLite integers/reals)."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _declared(types: Any, *, key: str, source: str, raw: _Raw) -> dict[str, dict[str, str]]:
    declared: dict[str, dict[str, str]] = {}
    if types is None:
        return declared
    if not isinstance(types, list):
        raw.problems.append(
            _malformed(source, f"„{key}“ ist keine Liste", f"'{key}' is not a list")
        )
        return declared
    for item in types:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raw.problems.append(
                _malformed(
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


def _parse_json(data: bytes, *, source: str) -> _Raw:
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
    raw = _Raw()
    raw.event_types = _declared(doc.get("eventTypes"), key="eventTypes", source=source, raw=raw)
    raw.object_types = _declared(doc.get("objectTypes"), key="objectTypes", source=source, raw=raw)
    for i, ev in enumerate(_items(doc, "events", source, raw)):
        raw.event_ids.append(_text(ev.get("id")))
        raw.event_kinds.append(_text(ev.get("type")))
        raw.event_times.append(_text(ev.get("time")))
        for a in ev.get("attributes") or []:
            if isinstance(a, dict) and a.get("name") is not None:
                raw.event_attr_pos.append(i)
                raw.event_attr_name.append(str(a["name"]))
                raw.event_attr_value.append(_text(a.get("value")))
        for r in ev.get("relationships") or []:
            if isinstance(r, dict):
                raw.e2o_event.append(raw.event_ids[-1])
                raw.e2o_object.append(_text(r.get("objectId")))
                raw.e2o_qualifier.append(_text(r.get("qualifier")))
    for ob in _items(doc, "objects", source, raw):
        oid = _text(ob.get("id"))
        raw.object_ids.append(oid)
        raw.object_kinds.append(_text(ob.get("type")))
        for a in ob.get("attributes") or []:
            if isinstance(a, dict) and a.get("name") is not None:
                raw.value_object.append(oid)
                raw.value_name.append(str(a["name"]))
                raw.value_time.append(_text(a.get("time")))
                raw.value_value.append(_text(a.get("value")))
        for r in ob.get("relationships") or []:
            if isinstance(r, dict):
                raw.o2o_source.append(oid)
                raw.o2o_target.append(_text(r.get("objectId")))
                raw.o2o_qualifier.append(_text(r.get("qualifier")))
    return raw


def _items(doc: dict, key: str, source: str, raw: _Raw) -> Iterable[dict]:
    items = doc.get(key) or []
    if not isinstance(items, list):
        raw.problems.append(
            _malformed(source, f"„{key}“ ist keine Liste", f"'{key}' is not a list")
        )
        return []
    good = [x for x in items if isinstance(x, dict)]
    if len(good) < len(items):
        raw.problems.append(
            _malformed(
                source, f"Eintrag in „{key}“ ist kein Objekt", f"entry of '{key}' is not an object"
            )
        )
    return good


def _malformed(source: str, de: str, en: str) -> Problem:
    return problem(
        "ocel.malformed", f"fehlerhafte OCEL-Datei: {de}", f"malformed OCEL file: {en}", file=source
    )


def _refuse_doctype(data: bytes, source: str) -> None:
    # A DOCTYPE can only come before the root element; look at the prolog only.
    root = re.search(rb"<(?![?!])", data)
    prolog = data[: root.start()] if root else data
    if re.search(rb"<!DOCTYPE", prolog, flags=re.IGNORECASE) or re.search(rb"<!ENTITY", prolog):
        raise error(
            "ocel.xml.doctype",
            "XML-Datei mit DOCTYPE-Deklaration abgelehnt (aus Sicherheitsgründen werden keine "
            "DTDs oder Entitäten verarbeitet); OCEL 2.0 braucht keine",
            "XML file with a DOCTYPE declaration refused (for safety no DTDs or entities are "
            "processed); OCEL 2.0 needs none",
            file=source,
        )


def _local(el: etree._Element) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parse_xml(data: bytes, *, source: str) -> _Raw:
    _refuse_doctype(data, source)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise error(
            "ocel.xml.malformed",
            f"die Datei ist kein wohlgeformtes XML ({exc.msg}); bei einer abgeschnittenen Datei "
            "bitte erneut exportieren",
            f"the file is not well-formed XML ({exc.msg}); if it was cut off, please export it "
            "again",
            file=source,
            row=exc.lineno,
        ) from exc
    if root.getroottree().docinfo.doctype:
        _refuse_doctype(b"<!DOCTYPE>", source)
    if _local(root) != "log" or not any(_local(c) in ("events", "objects") for c in root):
        raise error(
            "ocel.xml.not_ocel",
            "keine OCEL-2.0-XML-Datei: erwartet wird <log> mit <events> und <objects>",
            "not an OCEL 2.0 XML file: expected <log> with <events> and <objects>",
            file=source,
        )
    raw = _Raw()
    for section in root:
        name = _local(section)
        if name in ("event-types", "object-types"):
            target = raw.event_types if name == "event-types" else raw.object_types
            for t in section:
                attrs: dict[str, str] = {}
                for block in t:
                    for a in block:
                        if a.get("name") is not None:
                            attrs[a.get("name")] = (a.get("type") or "string").lower()
                if t.get("name") is not None:
                    target[t.get("name")] = attrs
        elif name == "events":
            for ev in section:
                if _local(ev) != "event":
                    continue
                i = len(raw.event_ids)
                eid = ev.get("id")
                raw.event_ids.append(eid)
                raw.event_kinds.append(ev.get("type"))
                raw.event_times.append(ev.get("time"))
                for block in ev:
                    if _local(block) == "attributes":
                        for a in block:
                            if a.get("name") is not None:
                                raw.event_attr_pos.append(i)
                                raw.event_attr_name.append(a.get("name"))
                                raw.event_attr_value.append(a.text)
                    elif _local(block) == "objects":
                        for r in block:
                            raw.e2o_event.append(eid)
                            raw.e2o_object.append(r.get("object-id"))
                            raw.e2o_qualifier.append(_qualifier(r))
        elif name == "objects":
            for ob in section:
                if _local(ob) != "object":
                    continue
                oid = ob.get("id")
                raw.object_ids.append(oid)
                raw.object_kinds.append(ob.get("type"))
                for block in ob:
                    if _local(block) == "attributes":
                        for a in block:
                            if a.get("name") is not None:
                                raw.value_object.append(oid)
                                raw.value_name.append(a.get("name"))
                                raw.value_time.append(a.get("time"))
                                raw.value_value.append(a.text)
                    elif _local(block) == "objects":
                        for r in block:
                            raw.o2o_source.append(oid)
                            raw.o2o_target.append(r.get("object-id"))
                            raw.o2o_qualifier.append(_qualifier(r))
    return raw


def _qualifier(relationship: etree._Element) -> str | None:
    # The specification's XML uses qualifier="..."; the minimal example on the standard's
    # web site writes relationship="..." instead.
    q = relationship.get("qualifier")
    return q if q is not None else relationship.get("relationship")


def _parse_sqlite_bytes(data: bytes, *, source: str, path: Path | None) -> _Raw:
    if path is not None:
        return _parse_sqlite(path, source=source)
    fd, tmp = tempfile.mkstemp(suffix=".sqlite", prefix="amtsweg-ocel-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return _parse_sqlite(Path(tmp), source=source)
    finally:
        os.unlink(tmp)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _parse_sqlite(path: Path, *, source: str) -> _Raw:
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _sqlite_error(source, exc) from exc
    try:
        return _read_sqlite(con, source=source)
    except sqlite3.Error as exc:
        raise _sqlite_error(source, exc) from exc
    finally:
        con.close()


def _sqlite_error(source: str, exc: Exception) -> InputError:
    return error(
        "ocel.sqlite.unreadable",
        "die SQLite-Datei kann nicht gelesen werden (beschädigt oder keine Datenbank)",
        "the SQLite file cannot be read (damaged or not a database)",
        file=source,
        value=str(exc),
    )


def _read_sqlite(con: sqlite3.Connection, *, source: str) -> _Raw:
    tables = {
        name
        for (name,) in con.execute("select name from sqlite_master where type in ('table', 'view')")
    }
    missing = [t for t in _SQLITE_REQUIRED if t not in tables]
    if missing:
        raise error(
            "ocel.sqlite.not_ocel",
            "keine OCEL-2.0-SQLite-Datei: Tabellen fehlen: " + ", ".join(missing),
            "not an OCEL 2.0 SQLite file: tables missing: " + ", ".join(missing),
            file=source,
        )
    raw = _Raw()

    def columns(table: str) -> list[tuple[str, str]]:
        return [(r[1], r[2]) for r in con.execute(f"pragma table_info({_quote(table)})")]

    def type_tables(map_table: str, prefix: str, target: dict) -> dict[str, str]:
        found: dict[str, str] = {}
        for kind, suffix in con.execute(f"select ocel_type, ocel_type_map from {map_table}"):
            table = f"{prefix}_{suffix}"
            if table not in tables:
                raw.problems.append(
                    problem(
                        "ocel.sqlite.type_table_missing",
                        f"Tabelle „{table}“ für den Typ „{kind}“ fehlt",
                        f"table '{table}' of type '{kind}' is missing",
                        file=source,
                        value=table,
                    )
                )
                target[kind] = {}
                continue
            target[kind] = {
                name: _SQLITE_TYPES.get(decl.upper().split("(")[0].strip(), "string")
                for name, decl in columns(table)
                if name not in ("ocel_id", "ocel_time", "ocel_changed_field")
            }
            found[kind] = table
        return found

    event_tables = type_tables("event_map_type", "event", raw.event_types)
    object_tables = type_tables("object_map_type", "object", raw.object_types)

    for eid, kind in con.execute("select ocel_id, ocel_type from event order by rowid"):
        raw.event_ids.append(_text(eid))
        raw.event_kinds.append(kind)
    position = {eid: i for i, eid in enumerate(raw.event_ids)}
    times: list[Any] = [None] * len(raw.event_ids)
    for kind, table in event_tables.items():
        attrs = list(raw.event_types[kind])
        select = ", ".join(_quote(c) for c in ["ocel_id", "ocel_time", *attrs])
        for row in con.execute(f"select {select} from {_quote(table)} order by rowid"):
            eid = _text(row[0])
            i = position.get(eid)
            if i is None or raw.event_kinds[i] != kind:
                raw.problems.append(
                    problem(
                        "ocel.event.dangling_type_row",
                        f"Tabelle „{table}“ nennt das Ereignis „{eid}“, das in der Tabelle "
                        f"„event“ {'fehlt' if i is None else 'einen anderen Typ hat'}",
                        f"table '{table}' names event '{eid}', which "
                        f"{'is missing from' if i is None else 'has another type in'} "
                        "table 'event'",
                        file=source,
                        value=eid,
                    )
                )
                continue
            times[i] = _text(row[1])
            for name, value in zip(attrs, row[2:], strict=True):
                if value is not None:
                    raw.event_attr_pos.append(i)
                    raw.event_attr_name.append(name)
                    raw.event_attr_value.append(_text(value))
    raw.event_times = times

    for eid, oid, qualifier in con.execute(
        "select ocel_event_id, ocel_object_id, ocel_qualifier from event_object order by rowid"
    ):
        raw.e2o_event.append(_text(eid))
        raw.e2o_object.append(_text(oid))
        raw.e2o_qualifier.append(qualifier)

    for oid, kind in con.execute("select ocel_id, ocel_type from object order by rowid"):
        raw.object_ids.append(_text(oid))
        raw.object_kinds.append(kind)
    for kind, table in object_tables.items():
        attrs = list(raw.object_types[kind])
        has_changed = "ocel_changed_field" in dict(columns(table))
        cols = ["ocel_id", "ocel_time", "ocel_changed_field" if has_changed else None, *attrs]
        select = ", ".join("null" if c is None else _quote(c) for c in cols)
        for row in con.execute(f"select {select} from {_quote(table)} order by rowid"):
            oid, time, changed = _text(row[0]), _text(row[1]), row[2]
            for name, value in zip(attrs, row[3:], strict=True):
                if value is None or (changed is not None and name != changed):
                    continue
                raw.value_object.append(oid)
                raw.value_name.append(name)
                raw.value_time.append(time)
                raw.value_value.append(_text(value))

    if "object_object" in tables:
        for src, tgt, qualifier in con.execute(
            "select ocel_source_id, ocel_target_id, ocel_qualifier "
            "from object_object order by rowid"
        ):
            raw.o2o_source.append(_text(src))
            raw.o2o_target.append(_text(tgt))
            raw.o2o_qualifier.append(qualifier)
    return raw


# --- building the frames: references, times, types ----------------------------------------------

_EVENT_RESERVED = (
    schema.OCEL_EVENT_ID,
    schema.OCEL_ACTIVITY,
    schema.OCEL_TIMESTAMP,
    schema.SOURCE_ROW,
)
_OBJECT_RESERVED = (
    schema.OCEL_OBJECT_ID,
    schema.OCEL_OBJECT_TYPE,
    schema.OCEL_CHANGED_FIELD,
    schema.OCEL_TIMESTAMP,
)


def _build(raw: _Raw, *, source: str, timezone: str, details: Mapping[str, Any]) -> OcelLog:
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
        schema=_empty_o2o().schema,
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
        .then(pl.lit(_EPOCH))
        .otherwise(pl.col("_time"))
        .alias("_time")
    )
    problems += _reference_problems(
        events, objects, relations, o2o, values, raw.event_types, raw.object_types, source=source
    )
    errors = errors_only(problems)
    if errors:
        raise InputError(errors)

    events = events.with_columns(
        _instants(
            events["_time"],
            column="time",
            rows=events[schema.SOURCE_ROW],
            source=source,
            timezone=timezone,
        ).alias(schema.OCEL_TIMESTAMP)
    ).drop("_time")
    event_names = {
        n: _attribute_column(n, _EVENT_RESERVED) for n in dict.fromkeys(raw.event_attr_name)
    }
    long = pl.DataFrame(
        {"_pos": raw.event_attr_pos, "_name": raw.event_attr_name, "_value": raw.event_attr_value},
        schema={"_pos": pl.UInt32, "_name": pl.String, "_value": pl.String},
    )
    kinds = pl.DataFrame(
        {"_pos": range(len(raw.event_kinds)), "_kind": raw.event_kinds},
        schema={"_pos": pl.UInt32, "_kind": pl.String},
    )
    problems += _undeclared(
        long.join(kinds, on="_pos", how="left"), raw.event_types, what="event", source=source
    )
    problems += _renamed_attributes(event_names, source=source)
    long = long.with_columns(pl.col("_name").replace(event_names))
    order = [
        event_names[n] for n in _declared_order(raw.event_types, event_names) if n in event_names
    ]
    wide_events = _pivot(long, index="_pos", order=order)
    events = events.with_row_index("_pos").join(wide_events, on="_pos", how="left").drop("_pos")
    events, typed_problems = _typed_columns(
        events,
        _attribute_types(raw.event_types, event_names),
        ids=events[schema.OCEL_EVENT_ID],
        what="event",
        source=source,
        timezone=timezone,
    )
    problems += typed_problems
    events = events.select(
        [schema.OCEL_EVENT_ID, schema.OCEL_ACTIVITY, schema.OCEL_TIMESTAMP, schema.SOURCE_ROW]
        + [c for c in events.columns if c not in _EVENT_RESERVED]
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


def _unknown(frame: pl.DataFrame, column: str, known: pl.Series) -> pl.DataFrame:
    """Rows of ``frame`` whose ``column`` is empty or not among ``known``."""
    keys = known.unique().alias(column).to_frame()
    return frame.join(keys, on=column, how="anti", maintain_order="left")


def _reference_problems(
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
    """Errors for every broken reference, at most ``_SHOW`` per kind (plus a count)."""
    found: list[Problem] = []
    eid, oid = schema.OCEL_EVENT_ID, schema.OCEL_OBJECT_ID
    event_ids = events[eid].drop_nulls()
    object_ids = objects[oid].drop_nulls()

    def report(rows: pl.DataFrame, code: str, de: Callable, en: Callable, value: str, row=None):
        for rec in rows.head(_SHOW).iter_rows(named=True):
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
        if rows.height > _SHOW:
            found.append(
                problem(
                    code + ".more",
                    f"{rows.height} solche Fehler insgesamt (die ersten {_SHOW} stehen oben)",
                    f"{rows.height} such errors in all (the first {_SHOW} are shown above)",
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


def _instants(
    values: pl.Series, *, column: str, rows: pl.Series, source: str, timezone: str
) -> pl.Series:
    """OCEL times as UTC instants: each with an offset as given, each without read in
    ``timezone`` (see the module documentation for why both may occur in one file)."""
    text = values.cast(pl.String).str.strip_chars()
    # "+01" (hours only, as PostgreSQL prints offsets) → "+01:00"
    text = text.str.replace(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})$", "${1}${2}:00")
    frame = pl.DataFrame({"v": text, "row": rows}).with_row_index("_i")
    frame = frame.with_columns(pl.col("v").str.contains(_OFFSET).fill_null(False).alias("aware"))
    parts = []
    for aware in (True, False):
        part = frame.filter(pl.col("aware") == aware)
        if part.height:
            parsed = parse_timestamps(
                part["v"], column=column, source=source, rows=part["row"], timezone=timezone
            )
            parts.append(part.select("_i").with_columns(parsed.alias("t")))
    if not parts:
        return pl.Series(values.name, [], dtype=pl.Datetime("us", schema.STORAGE_TIMEZONE))
    return pl.concat(parts).sort("_i")["t"].alias(values.name)


def _attribute_column(name: str, reserved: Iterable[str]) -> str:
    """The column of attribute ``name``: its name, unless that is one of the table's own."""
    return f"attribute:{name}" if name in reserved else name


def _renamed_attributes(names: Mapping[str, str], *, source: str) -> list[Problem]:
    return [
        problem(
            "ocel.attribute.renamed",
            f"Attribut „{name}“ heißt wie eine OCEL-Spalte und wird als „{column}“ geführt",
            f"attribute '{name}' has the name of an OCEL column and is kept as '{column}'",
            file=source,
            column=name,
            severity=Severity.WARNING,
        )
        for name, column in names.items()
        if name != column
    ]


def _declared_order(types: Mapping[str, Mapping[str, str]], names: Mapping[str, str]) -> list[str]:
    order = [a for attrs in types.values() for a in attrs]
    return list(dict.fromkeys([*order, *names]))


def _attribute_types(
    types: Mapping[str, Mapping[str, str]], names: Mapping[str, str]
) -> dict[str, str]:
    """Column → OCEL type: the declared type where all declarations agree, else string."""
    seen: dict[str, set[str]] = {}
    for attrs in types.values():
        for name, kind in attrs.items():
            seen.setdefault(name, set()).add(kind if kind in OCEL_ATTRIBUTE_TYPES else "string")
    return {
        names.get(name, name): (kinds.pop() if len(kinds) == 1 else "string")
        for name, kinds in seen.items()
    }


def _pivot(long: pl.DataFrame, *, index: str, order: list[str]) -> pl.DataFrame:
    if not long.height:
        return pl.DataFrame(schema={index: long.schema[index]})
    wide = long.pivot(on="_name", index=index, values="_value", aggregate_function="first")
    present = [c for c in order if c in wide.columns]
    return wide.select([index, *present])


def _undeclared(
    long: pl.DataFrame, types: Mapping[str, Mapping[str, str]], *, what: str, source: str
) -> list[Problem]:
    if not long.height:
        return []
    pairs = long.select("_kind", "_name").unique(maintain_order=True).iter_rows()
    found = []
    for kind, name in pairs:
        if kind in types and name not in types[kind]:
            de_what = "Ereignistyp" if what == "event" else "Objekttyp"
            found.append(
                problem(
                    f"ocel.{what}.undeclared_attribute",
                    f"Attribut „{name}“ ist beim {de_what} „{kind}“ nicht deklariert; es wird "
                    "als Text gelesen",
                    f"attribute '{name}' is not declared for {what} type '{kind}'; it is read "
                    "as text",
                    file=source,
                    column=name,
                    severity=Severity.WARNING,
                )
            )
    return found[:_SHOW]


def _typed_columns(
    frame: pl.DataFrame,
    kinds: Mapping[str, str],
    *,
    ids: pl.Series,
    what: str,
    source: str,
    timezone: str,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Text attribute columns cast to their declared OCEL types; a column whose values do not
    fit stays text (with a warning naming the first misfit)."""
    updates, found = [], []
    for column, kind in kinds.items():
        if column not in frame.columns or kind == "string":
            continue
        text = frame[column].str.strip_chars().replace("", None)
        typed = _cast(text, kind, column=column, source=source, timezone=timezone)
        bad = text.is_not_null() & typed.is_null() if typed is not None else None
        if typed is None or bad.any():
            first = int(bad.arg_max()) if bad is not None else 0
            found.append(
                problem(
                    f"ocel.{what}.attribute_type",
                    f"Attribut „{column}“ ist als {kind} deklariert, aber „{text[first]}“ "
                    f"({'Ereignis' if what == 'event' else 'Objekt'} „{ids[first]}“) passt "
                    "nicht; die Spalte wird als Text gelesen",
                    f"attribute '{column}' is declared {kind}, but '{text[first]}' "
                    f"({what} '{ids[first]}') does not fit; the column is read as text",
                    file=source,
                    column=column,
                    value=text[first],
                    severity=Severity.WARNING,
                )
            )
            continue
        updates.append(typed.alias(column))
    return frame.with_columns(updates), found


def _cast(
    text: pl.Series, kind: str, *, column: str, source: str, timezone: str
) -> pl.Series | None:
    if kind == "integer":
        both = pl.DataFrame(
            {"i": text.cast(pl.Int64, strict=False), "f": text.cast(pl.Float64, strict=False)}
        )
        whole = pl.col("f").is_finite() & (pl.col("f") == pl.col("f").floor())
        return both.select(
            pl.when(pl.col("i").is_not_null())
            .then(pl.col("i"))
            .when(whole)
            .then(pl.col("f").cast(pl.Int64, strict=False))
        ).to_series()
    if kind == "float":
        return text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        low = text.str.to_lowercase()
        return pl.select(
            pl.when(low.is_in(["true", "1"])).then(True).when(low.is_in(["false", "0"])).then(False)
        ).to_series()
    if kind == "time":
        try:
            return _instants(
                text,
                column=column,
                rows=pl.Series(range(1, len(text) + 1)),
                source=source,
                timezone=timezone,
            )
        except InputError:
            return None
    return text


def _object_frames(
    objects: pl.DataFrame, values: pl.DataFrame, raw: _Raw, *, source: str, timezone: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """(objects with initial values, changes, warnings) from the long attribute values."""
    oid = schema.OCEL_OBJECT_ID
    names = {n: _attribute_column(n, _OBJECT_RESERVED) for n in dict.fromkeys(raw.value_name)}
    kinds = _attribute_types(raw.object_types, names)
    order = [names.get(n, n) for n in _declared_order(raw.object_types, names)]
    kind_of = objects.select(oid, pl.col(schema.OCEL_OBJECT_TYPE).alias("_kind"))
    found = _undeclared(
        values.join(kind_of, on=oid, how="left"), raw.object_types, what="object", source=source
    )
    found += _renamed_attributes(names, source=source)
    values = values.with_columns(
        pl.col("_name").replace(names),
        _instants(
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
    initial = _pivot(
        ranked.filter("_initial").select(oid, "_name", "_value"), index=oid, order=order
    )
    wide = objects.join(initial, on=oid, how="left")
    wide, typed = _typed_columns(
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
        spread = _pivot(later.select("_seq", "_name", "_value"), index="_seq", order=order)
        spread = later.select("_seq").join(spread, on="_seq", how="left", maintain_order="left")
        changes = pl.concat([changes, spread.drop("_seq")], how="horizontal")
        # the same dtype as in `objects` (a text fallback there keeps the changes text too)
        typed_kinds = {
            c: kinds[c]
            for c in changes.columns[3:]
            if c in kinds and c in wide.columns and wide[c].dtype != pl.String
        }
        changes, _ = _typed_columns(
            changes,
            typed_kinds,
            ids=changes[oid],
            what="object",
            source=source,
            timezone=timezone,
        )
    return wide, changes, found


def _empty_o2o() -> pl.DataFrame:
    return pl.DataFrame(
        schema=dict.fromkeys(
            (schema.OCEL_OBJECT_ID, schema.OCEL_TARGET_OBJECT_ID, schema.OCEL_QUALIFIER), pl.String
        )
    )


def _empty_changes() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            schema.OCEL_OBJECT_ID: pl.String,
            schema.OCEL_CHANGED_FIELD: pl.String,
            schema.OCEL_TIMESTAMP: pl.Datetime("us", schema.STORAGE_TIMEZONE),
        }
    )


# --- flattening helpers --------------------------------------------------------------------------


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


# --- writing -----------------------------------------------------------------------------------


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
    found = _reference_problems(
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
    event_types = _types_of(ocel.events, schema.OCEL_ACTIVITY, ocel.event_types, _EVENT_RESERVED)
    object_types = _types_of(
        ocel.objects, schema.OCEL_OBJECT_TYPE, ocel.object_types, _OBJECT_RESERVED
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
            {"name": a, "time": _EPOCH, "value": _value(rec[a])}
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
