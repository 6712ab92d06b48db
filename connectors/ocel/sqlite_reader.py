"""The OCEL 2.0 SQLite serialisation parsed into a :class:`~connectors.ocel.raw_log.RawLog`.

Tables ``event``, ``object``, ``event_object``, ``object_object``, ``event_map_type``,
``object_map_type`` and one ``event_<Type>``/``object_<Type>`` table per type; column types
(TEXT, INTEGER, REAL, BOOLEAN, TIMESTAMP, ...) are the attributes' declared types. The file is
opened read-only; a gzip-compressed one is unpacked to a temporary file first.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from analyzer.problems import InputError, error, problem
from connectors.ocel.raw_log import RawLog, as_text

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


_SQLITE_REQUIRED = ("event", "object", "event_object", "event_map_type", "object_map_type")


def parse_sqlite(data: bytes, *, source: str, path: Path | None) -> RawLog:
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


def _parse_sqlite(path: Path, *, source: str) -> RawLog:
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


def _read_sqlite(con: sqlite3.Connection, *, source: str) -> RawLog:
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
    raw = RawLog()

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
        raw.event_ids.append(as_text(eid))
        raw.event_kinds.append(kind)
    position = {eid: i for i, eid in enumerate(raw.event_ids)}
    times: list[Any] = [None] * len(raw.event_ids)
    for kind, table in event_tables.items():
        attrs = list(raw.event_types[kind])
        select = ", ".join(_quote(c) for c in ["ocel_id", "ocel_time", *attrs])
        for row in con.execute(f"select {select} from {_quote(table)} order by rowid"):
            eid = as_text(row[0])
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
            times[i] = as_text(row[1])
            for name, value in zip(attrs, row[2:], strict=True):
                if value is not None:
                    raw.event_attr_pos.append(i)
                    raw.event_attr_name.append(name)
                    raw.event_attr_value.append(as_text(value))
    raw.event_times = times

    for eid, oid, qualifier in con.execute(
        "select ocel_event_id, ocel_object_id, ocel_qualifier from event_object order by rowid"
    ):
        raw.e2o_event.append(as_text(eid))
        raw.e2o_object.append(as_text(oid))
        raw.e2o_qualifier.append(qualifier)

    for oid, kind in con.execute("select ocel_id, ocel_type from object order by rowid"):
        raw.object_ids.append(as_text(oid))
        raw.object_kinds.append(kind)
    for kind, table in object_tables.items():
        attrs = list(raw.object_types[kind])
        has_changed = "ocel_changed_field" in dict(columns(table))
        cols = ["ocel_id", "ocel_time", "ocel_changed_field" if has_changed else None, *attrs]
        select = ", ".join("null" if c is None else _quote(c) for c in cols)
        for row in con.execute(f"select {select} from {_quote(table)} order by rowid"):
            oid, time, changed = as_text(row[0]), as_text(row[1]), row[2]
            for name, value in zip(attrs, row[3:], strict=True):
                if value is None or (changed is not None and name != changed):
                    continue
                raw.value_object.append(oid)
                raw.value_name.append(name)
                raw.value_time.append(time)
                raw.value_value.append(as_text(value))

    if "object_object" in tables:
        for src, tgt, qualifier in con.execute(
            "select ocel_source_id, ocel_target_id, ocel_qualifier "
            "from object_object order by rowid"
        ):
            raw.o2o_source.append(as_text(src))
            raw.o2o_target.append(as_text(tgt))
            raw.o2o_qualifier.append(qualifier)
    return raw
