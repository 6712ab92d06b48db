"""What the three parsers (JSON, XML, SQLite) fill: the log's values as text, in long lists.

:func:`connectors.ocel.frames.log_from_raw` turns a :class:`RawLog` into an
:class:`~connectors.ocel.log.OcelLog`; the parsers only collect, so the rules for references,
times and types are applied once for all serialisations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from analyzer.problems import Problem, problem


@dataclass
class RawLog:
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


def as_text(value: Any) -> str | None:
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


def malformed(source: str, de: str, en: str) -> Problem:
    return problem(
        "ocel.malformed", f"fehlerhafte OCEL-Datei: {de}", f"malformed OCEL file: {en}", file=source
    )
