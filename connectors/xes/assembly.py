"""The flat frame of a read file: typed event and ``case:`` columns, ``SOURCE_ROW``, the
warnings about traces and events, generated case ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.xes.attributes import Attributes, Retype
from connectors.xes.errors import bilingual
from connectors.xes.global_defaults import Defaults, with_defaults
from connectors.xes.vocabulary import (
    EVENT_NO,
    OWNER_NO,
    TRACE_NO,
)


@dataclass
class Parts:
    """What a reader found, block by block."""

    file: Path
    timezone: str
    text_keys: tuple[frozenset[str], frozenset[str]]  # (event keys, trace keys)
    events: Attributes = field(init=False)
    traces: Attributes = field(init=False)
    traces_seen: int = 0
    events_seen: int = 0
    loose_events: int = 0
    first_loose_line: int | None = None
    log_attributes: dict[str, str] = field(default_factory=dict)
    defaults: Defaults = field(default_factory=Defaults)  # the <global> elements
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.events = Attributes(EVENT_NO, self.text_keys[0])
        self.traces = Attributes(TRACE_NO, self.text_keys[1])

    def add(self, events: pl.DataFrame, event_long: pl.DataFrame, trace_long: pl.DataFrame) -> None:
        """One block: ``events`` (EVENT_NO, TRACE_NO), long attribute tables (OWNER_NO,
        KEY_COLUMN, TYPE_COLUMN, VALUE_COLUMN)."""
        self.events.add(events, event_long)
        if trace_long.height:
            ids = trace_long.select(pl.col(OWNER_NO).unique(maintain_order=True).alias(TRACE_NO))
            self.traces.add(ids, trace_long)


def assemble(parts: Parts) -> tuple[pl.DataFrame, list[Problem]]:
    """The flat frame: typed event and ``case:`` columns (global defaults filled in, see
    :mod:`connectors.xes.global_defaults`), ``SOURCE_ROW``, warnings."""
    file, source = parts.file, str(parts.file)
    warnings: list[Problem] = []
    if parts.events_seen - parts.loose_events == 0:
        raise bilingual(
            "log.empty",
            "die Datei enthält keine Ereignisse (keine <event>-Elemente in <trace>-Elementen)",
            "the file contains no events (no <event> elements inside <trace> elements)",
            file,
        )
    event_defaults = parts.defaults.applied(parts.events)
    trace_defaults = parts.defaults.applied(parts.traces)
    retype = (
        parts.events.declare({k: {d.kind} for k, d in event_defaults.items()}),
        parts.traces.declare({k: {d.kind} for k, d in trace_defaults.items()}),
    )
    if any(retype):
        raise Retype(*retype)  # a default's type disagrees with its key's values: as text
    prefix = schema.CASE_ATTRIBUTE_PREFIX
    case_columns = {k: prefix + k for k in parts.traces.types}
    clash = sorted(set(parts.events.types) & {*case_columns.values(), schema.SOURCE_ROW})
    if clash:
        raise bilingual(
            "xes.column_clash",
            f"Ereignisattribut „{clash[0]}“ hat denselben Namen wie ein Vorgangsattribut "
            "oder die Zeilennummer; bitte im Export umbenennen",
            f"event attribute '{clash[0]}' has the same name as a case attribute or the "
            "source row; please rename it in the export",
            file,
            column=clash[0],
        )

    errors: list[Problem] = []
    events = traces = None
    try:
        events = parts.events.frame(source=source, timezone=parts.timezone)
    except InputError as exc:
        errors.extend(exc.problems)
    try:
        traces = parts.traces.frame(source=source, timezone=parts.timezone)
    except InputError as exc:
        errors.extend(exc.problems)
    if errors:
        raise InputError(errors)
    assert events is not None and traces is not None
    if TRACE_NO not in traces.columns:
        traces = pl.DataFrame({TRACE_NO: pl.Series([], dtype=pl.Int64)})
    warnings += parts.events.mixed(source=source) + parts.traces.mixed(source=source)

    with_events = events.select(pl.col(TRACE_NO).unique(maintain_order=True))
    empty_traces = parts.traces_seen - with_events.height
    if empty_traces:
        warnings.append(
            problem(
                "xes.trace_without_events",
                f"{empty_traces} Traces ohne Ereignisse übersprungen",
                f"{empty_traces} traces without events skipped",
                file=source,
                severity=Severity.WARNING,
            )
        )
    if parts.loose_events:
        line = parts.first_loose_line
        warnings.append(
            problem(
                "xes.event_outside_trace",
                f"{parts.loose_events} Ereignisse außerhalb eines <trace> übersprungen"
                + (f" (das erste in Zeile {line})" if line else ""),
                f"{parts.loose_events} events outside any <trace> skipped"
                + (f" (the first at line {line})" if line else ""),
                file=source,
                severity=Severity.WARNING,
            )
        )

    traces = with_events.join(traces, on=TRACE_NO, how="left", maintain_order="left")
    filled = []
    for frame_, defaults, attributes in (
        (events, event_defaults, parts.events),
        (traces, trace_defaults, parts.traces),
    ):
        try:
            filled.append(
                with_defaults(frame_, defaults, attributes, source=source, timezone=parts.timezone)
            )
        except InputError as exc:
            errors.extend(exc.problems)
    if errors:
        raise InputError(errors)
    (events, event_warnings), (traces, trace_warnings) = filled
    warnings += event_warnings + trace_warnings
    traces = traces.rename({k: v for k, v in case_columns.items() if k in traces.columns})
    traces = _name_cases(traces, source=source, warnings=warnings, file=file)
    # traces are in file order and so are the events' traces: gather, do not copy the events
    position = np.searchsorted(traces[TRACE_NO].to_numpy(), events[TRACE_NO].to_numpy())
    per_event = traces.drop(TRACE_NO).gather(pl.Series(position, dtype=pl.Int64))
    frame = events.drop(TRACE_NO).hstack(per_event.get_columns())
    frame = frame.rename({EVENT_NO: schema.SOURCE_ROW})
    parts.details.update(
        traces=with_events.height,
        events=frame.height,
        traces_without_events=empty_traces,
        events_outside_traces=parts.loose_events,
        log_attributes=dict(parts.log_attributes),
        global_defaults=parts.defaults.as_details(),
    )
    return frame, warnings


def _name_cases(
    traces: pl.DataFrame, *, source: str, warnings: list[Problem], file: Path
) -> pl.DataFrame:
    """Generate ``trace-<n>`` for traces without a (non-blank) concept:name."""
    if schema.CASE not in traces.columns:
        traces = traces.with_columns(pl.lit(None, dtype=pl.String).alias(schema.CASE))
    name = pl.col(schema.CASE).cast(pl.String)
    missing = name.is_null() | (name.str.strip_chars() == "")
    n_missing = traces.select(missing.sum()).item()
    if not n_missing:
        return traces
    generated = pl.lit("trace-") + pl.col(TRACE_NO).cast(pl.String)
    taken = set(traces.filter(~missing)[schema.CASE].cast(pl.String).to_list())
    new = traces.filter(missing).select(generated.alias("g"))["g"].to_list()
    clash = next((g for g in new if g in taken), None)
    if clash is not None:
        raise bilingual(
            "xes.case_name_clash",
            f"{n_missing} Traces haben keinen concept:name, und der erzeugte Name „{clash}“ "
            "ist schon vergeben; bitte allen Traces einen Namen geben",
            f"{n_missing} traces have no concept:name and the generated name '{clash}' is "
            "already taken; please name all traces",
            file,
        )
    first = traces.filter(missing)[TRACE_NO][0]
    warnings.append(
        problem(
            "xes.trace_without_name",
            f"{n_missing} Traces ohne concept:name; ihre Ereignisse heißen nach der Position "
            f"des Traces in der Datei (z. B. „trace-{first}“)",
            f"{n_missing} traces without concept:name; their case id is the trace's position "
            f"in the file (e.g. 'trace-{first}')",
            file=source,
            column=schema.CASE,
            severity=Severity.WARNING,
        )
    )
    return traces.with_columns(pl.when(missing).then(generated).otherwise(name).alias(schema.CASE))
