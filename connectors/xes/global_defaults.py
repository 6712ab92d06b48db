"""XES global defaults: ``<global scope="event">`` and ``<global scope="trace">``.

A global declares an attribute that every event (or trace) of the log has, with a default
value. An event or trace that lacks the key gets that value, typed as the global's element
says (an ``<int>`` default is an integer, a ``<date>`` default a UTC datetime, a date
without offset local time in the reader's zone); a key no event has becomes a column of
defaults. The global's type counts like one more event's: a key whose events and global
disagree on the type is read as text, with the usual warning. Each key filled is reported in
a warning with the number of events (traces) that got the default. A ``<global>`` without
``scope`` is for events; a key declared twice in one scope: the last declaration counts.

Not applied:

* the value ``__INVALID__``: what ProM and pm4py write for a global without a meaningful
  default; events lacking such a key still lack it;
* a ``<date>`` default at the start of 1970 (``1970-01-01T00:00:00``, any offset): the Unix
  epoch is what ProM writes when it has no date (the receipt log's ``case:enddate``), and a
  case "ended" in 1970 would be read as a fact;
* a trace default for ``concept:name``: one name for every unnamed trace would merge their
  events into one case; such traces keep their generated case id ``trace-<n>``;
* attributes nested inside a global's attribute (only the global's own children are
  defaults; both readers ignore the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.timestamps import parse_timestamps
from connectors.xes.attributes import Attributes, typed
from connectors.xes.vocabulary import EVENT_NO, EVENT_SCOPE, TRACE_SCOPE

#: the value ProM and pm4py give a global that has no meaningful default
NO_DEFAULT = "__INVALID__"
#: a date default starting so is a placeholder (the Unix epoch), not a value
EPOCH_PLACEHOLDER = "1970-01-01T00:00:00"


@dataclass(frozen=True)
class Default:
    """One global default: the XES type of its element and its value as written."""

    kind: str
    value: str


@dataclass
class Defaults:
    """The globals of a file per scope, in the order the readers find them."""

    by_scope: dict[str, dict[str, Default]] = field(default_factory=dict)

    def add(self, scope: str | None, key: str, kind: str, value: str) -> None:
        """One child of a ``<global>`` (``scope`` None: the element had no ``scope``)."""
        scope = EVENT_SCOPE if scope is None else scope
        if scope not in (EVENT_SCOPE, TRACE_SCOPE):
            return  # XES knows no other scope
        found = self.by_scope.setdefault(scope, {})
        found.pop(key, None)
        if value != NO_DEFAULT:
            found[key] = Default(kind, value)

    def applied(self, attributes: Attributes) -> dict[str, Default]:
        """The defaults for the owners of ``attributes`` (events or traces) that are applied."""
        scope = EVENT_SCOPE if attributes.index == EVENT_NO else TRACE_SCOPE
        found = self.by_scope.get(scope, {})
        return {k: d for k, d in found.items() if attributes.column(k) != schema.CASE}

    def as_details(self) -> dict[str, dict[str, str]]:
        """``{scope: {key: value}}`` for ``EventLog.details``."""
        return {s: {k: d.value for k, d in found.items()} for s, found in self.by_scope.items()}


def with_defaults(
    frame: pl.DataFrame,
    defaults: dict[str, Default],
    attributes: Attributes,
    *,
    source: str,
    timezone: str,
) -> tuple[pl.DataFrame, list[Problem]]:
    """``frame`` (one row per owner, a column per key, as ``attributes.frame`` returns it)
    with the missing values of each key of ``defaults`` set to its typed default, and a
    warning per key filled. ``attributes`` must have the defaults' types declared. Raises
    :class:`InputError` naming every default that does not fit its type."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    fills: list[pl.Expr] = []
    events = attributes.index == EVENT_NO
    scope = EVENT_SCOPE if events else TRACE_SCOPE
    for key, default in defaults.items():
        if default.kind == "date" and default.value.strip().startswith(EPOCH_PLACEHOLDER):
            continue
        column = attributes.column(key)
        value = _typed_default(key, default, attributes, source=source, timezone=timezone)
        if isinstance(value, Problem):
            errors.append(value)
            continue
        missing = frame[key].null_count() if key in frame.columns else frame.height
        if not missing:
            continue
        fill = pl.lit(value.item(), dtype=value.dtype)
        fills.append(pl.col(key).fill_null(fill) if key in frame.columns else fill.alias(key))
        if events:
            owners_de = "Ereignis" if missing == 1 else "Ereignissen"
        else:
            owners_de = "Trace" if missing == 1 else "Traces"
        owners_en = ("event" if events else "trace") + ("" if missing == 1 else "s")
        warnings.append(
            problem(
                "xes.global_default",
                f"{missing} {owners_de} fehlte „{key}“; eingesetzt wurde der Standardwert "
                f'„{default.value}“ aus <global scope="{scope}">',
                f"{missing} {owners_en} lacked '{key}'; the default '{default.value}' from "
                f'<global scope="{scope}"> was used',
                file=source,
                column=column,
                severity=Severity.WARNING,
            )
        )
    if errors:
        raise InputError(errors)
    return (frame.with_columns(fills) if fills else frame), warnings


def _typed_default(
    key: str, default: Default, attributes: Attributes, *, source: str, timezone: str
) -> pl.Series | Problem:
    """The default as a one-value series of the type its key is read as, or the problem."""
    kind = attributes.kind(key)
    text = pl.Series(key, [default.value], dtype=pl.String)
    value, date_text, bad = typed(text, pl.Series([0]), key, kind)
    if date_text:
        try:
            value = parse_timestamps(text, column=key, source=source, timezone=timezone)
        except InputError:
            bad = text.to_frame()
    if bad is None and value.null_count() == 0:
        return value
    scope = EVENT_SCOPE if attributes.index == EVENT_NO else TRACE_SCOPE
    return problem(
        "xes.global_value_type",
        f'Standardwert in <global scope="{scope}"> passt nicht zu seinem Typ <{default.kind}>',
        f'default value in <global scope="{scope}"> does not fit its type <{default.kind}>',
        file=source,
        column=attributes.column(key),
        value=default.value,
    )
