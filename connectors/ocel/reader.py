"""Reading an OCEL 2.0 file (any of the three serialisations, optionally gzip-compressed) as an
:class:`~connectors.ocel.log.OcelLog`, or straight away as a flattened event log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer import schema
from connectors.event_log import Duplicates, EventLog
from connectors.mapping import Mapping as ColumnMapping
from connectors.ocel.file_format import format_of, read_bytes
from connectors.ocel.flattening import ObjectAttributes, as_mapping, flatten_ocel
from connectors.ocel.frames import log_from_raw
from connectors.ocel.json_reader import parse_json
from connectors.ocel.log import OcelLog
from connectors.ocel.sqlite_reader import parse_sqlite
from connectors.ocel.xml_reader import parse_xml


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
    data, compressed = read_bytes(path)
    kind = format_of(path, data)
    if kind == "sqlite":
        raw = parse_sqlite(data, source=source, path=None if compressed else path)
    elif kind == "json":
        raw = parse_json(data, source=source)
    else:
        raw = parse_xml(data, source=source)
    del data
    if progress is not None:
        progress(len(raw.event_ids), len(raw.event_ids))
    details = {"format": f"ocel2-{kind}", "compressed": compressed}
    return log_from_raw(raw, source=source, timezone=timezone, details=details)


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
    mapping = as_mapping(mapping)
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
