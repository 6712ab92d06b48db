"""Reading and writing XES event logs (IEEE 1849-2016, ``.xes`` and ``.xes.gz``).

Reading (:func:`read_xes_log`)
    Each ``<event>`` of a ``<trace>`` becomes one row; ``SOURCE_ROW`` is the event's ordinal
    (1-based, in file order, counting every ``<event>`` element of the file). Event attributes
    become columns named by their key; trace attributes become ``case:<key>`` columns (pm4py's
    convention, so the trace's ``concept:name`` is ``schema.CASE``).

    Types follow the XES element: ``string`` and ``id`` → text, ``int`` → Int64, ``float`` →
    Float64, ``boolean`` (``true``/``false``/``1``/``0``) → Boolean, ``date`` → tz-aware UTC
    datetime (a date without offset is local time in ``timezone``). A key that carries
    different types in different events is read as text (``int`` with ``float`` as Float64),
    with a warning. A value that does not fit its declared type is an error naming the row.
    Keys that are canonical text columns (``concept:name``, ``org:resource``,
    ``identity:id``, ...) keep their text as written whatever the element says (an id
    ``<int value="007">`` stays ``"007"``).

    Nested attributes (XES ``nested-attributes`` feature, lists and containers) are flattened
    into their key path, joined with ``:``: a child ``unit`` of a ``string`` attribute ``cost``
    is the column ``cost:unit`` (the parent keeps its own value in ``cost``); the items of a
    list ``L`` are ``L:1``, ``L:2``, ... by position (list item keys repeat and carry no
    meaning); the children of a container ``C`` are ``C:<child key>``. Lists and containers
    have no value of their own and get no column. Written back, these are flat attributes.

    Not applied, as in pm4py: the ``<global>`` default values (they describe which attributes
    exist, they are not values), classifiers and log-level attributes (the log's name and
    other log attributes are kept in ``EventLog.details["log_attributes"]``).

    A trace without ``concept:name`` (or a blank one) keeps its events together under the
    generated case id ``trace-<n>`` (n = the trace's ordinal in the file), with a warning; the
    trace boundaries in the file are unambiguous, so refusing the log would lose nothing but
    the user's time. (pm4py leaves the case id empty.) Traces without events and events
    outside any trace are skipped, with a warning.

Safety
    XES never needs a document type declaration. A file whose prolog holds ``<!DOCTYPE``
    (the only place an ``<!ENTITY`` can be declared) is refused before any parser sees it, so
    neither external entities nor entity expansion ("billion laughs") can happen. The lxml
    parser is additionally run with ``resolve_entities=False, no_network=True,
    load_dtd=False, huge_tree=False``. Damaged gzip data, malformed XML (with its line) and
    empty files raise :class:`~analyzer.problems.InputError` naming the file.

Speed and memory
    Files in the common shape (UTF-8, flat attributes in ``<trace>``/``<event>``) are read by
    a vectorised reader: the decompressed stream (gzip inflated in a thread) is cut into
    blocks of a few MB at tag boundaries; numpy finds every tag of a block and recognises
    the usual ones (``<TYPE key="K" value="V"/>``, bare ``<event>``/``<trace>`` tags) by
    comparing bytes at fixed places, copies keys and values out by their byte spans, checks
    that open and close tags match level by level and that the XES structure holds, and
    Polars pivots and types each block. Only the blocks' typed columns are kept. Anything
    outside that shape (nested attributes, other encodings, CDATA, processing instructions,
    namespace prefixes, unknown elements in events, or anything malformed) sends the whole
    file through the lxml ``iterparse`` reader, the reference: it reads every valid XES file
    and reports every malformed one with its line. Both give the same frame (tests check it
    on hand-made, random and real logs). ``EventLog.details["reader"]`` says which one read.

Writing (:func:`write_xes_log`) streams a canonical log (any frame narwhals accepts,
including a DuckDB relation) in chunks as XES 1849-2016 with the concept, time, org,
lifecycle and identity extensions declared.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import gzip
import os
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import narwhals as nw
import numpy as np
import polars as pl
import pyarrow as pa

from analyzer import engine, schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.event_log import Duplicates, EventLog, finalize_event_log
from connectors.mapping import Mapping, apply_mapping, mapping_names, read_mapping
from connectors.timestamps import parse_timestamps

#: ``progress(done, total)``: bytes of the file read so far and the file's size.
Progress = Callable[[float, float | None], None]

_BLOCK = 4 << 20  # decompressed bytes per block of the fast reader
_WORKERS = 2  # worker threads of the fast reader (numpy and Polars release the GIL)
_BATCH = 100_000  # events per batch of the lxml reader
_GZIP_MAGIC = b"\x1f\x8b"

_LEAF_TYPES = ("string", "date", "int", "float", "boolean", "id")
_NESTING_TYPES = ("list", "container")
_EVENT_TAG = "event"
_TRACE_TAG = "trace"
_LOG_TAG = "log"
_KEY = "key"
_VALUE = "value"

# Internal columns of the intermediate frames; never visible outside this module.
_EV = "__xes_event"
_TR = "__xes_trace"
_OWNER = "__xes_owner"
_K = "__xes_key"
_T = "__xes_type"
_V = "__xes_value"

_XES_DATE = "%Y-%m-%dT%H:%M:%S%.f%z"


class _Unsupported(Exception):
    """The fast reader cannot read this file; the lxml reader takes over."""


def _bilingual(code: str, de: str, en: str, path: Path, **where: Any) -> InputError:
    return InputError([problem(code, de, en, file=path, **where)])


# =========================================================================================
# public API
# =========================================================================================


def read_xes_log(
    path: str | os.PathLike[str],
    *,
    mapping: Mapping | str | os.PathLike[str] | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    progress: Progress | None = None,
) -> EventLog:
    """The XES file at ``path`` (``.xes`` or gzip-compressed ``.xes.gz``) as an :class:`EventLog`.

    ``mapping`` (a :class:`~connectors.mapping.Mapping` or the path of a mapping file) renames
    columns, maps values, adds constants and drops columns after reading (an XES file needs
    none: its standard keys are the canonical names). ``timezone`` is the zone of dates
    without an offset (default: the mapping's ``[source] timezone``, else
    ``schema.DEFAULT_TIMEZONE``); ``duplicates`` is the policy for exact duplicate events
    (see :func:`~connectors.event_log.finalize_event_log`); ``progress(done, total)`` is
    called with the bytes of the file read so far. The rules (columns, types, nested
    attributes, missing case ids, safety) are in the module docstring. Raises
    :class:`InputError`.
    """
    file = Path(path)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    zone = timezone or (mapping.source.timezone if mapping else None) or schema.DEFAULT_TIMEZONE
    frame, warnings, details = _read_frame(file, timezone=zone, progress=progress)
    _release_free_memory()
    details["timezone"] = zone
    if mapping is not None:
        frame = apply_mapping(frame, mapping, source=str(file))
        details["mapping"] = mapping.path or "given"
    return finalize_event_log(
        frame,
        source=str(file),
        timezone=zone,
        duplicates=duplicates,
        names=mapping_names(mapping),
        details=details,
        problems=tuple(warnings),
    )


def _release_free_memory() -> None:
    """Give memory freed while reading back to the operating system (glibc keeps freed
    blocks of numpy arrays in its heap), so that validation starts from a lower peak."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _read_frame(
    file: Path, *, timezone: str, progress: Progress | None = None, reader: str = "auto"
) -> tuple[pl.DataFrame, list[Problem], dict[str, Any]]:
    """The flat frame before finalising; ``reader`` "auto", "fast" or "lxml" (tests)."""
    if not file.is_file():
        raise _bilingual("file.not_found", "Datei nicht gefunden", "file not found", file)
    if file.stat().st_size == 0:
        raise _empty(file)
    prolog = _read_prolog(file)
    text_keys: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    reason = "" if prolog.fast else "encoding or prolog"
    use_fast = prolog.fast and reader != "lxml"
    if reader == "fast" and not prolog.fast:
        raise _Unsupported(reason)
    while True:
        parts = _Parts(file=file, timezone=timezone, text_keys=text_keys)
        try:
            if use_fast:
                try:
                    _fast_parts(file, prolog, progress, parts)
                    parts.details["reader"] = "fast"
                except _Unsupported as exc:
                    if reader == "fast":
                        raise
                    reason, use_fast = str(exc), False
                    continue
            else:
                _lxml_parts(file, progress, parts)
                parts.details.update(reader="lxml", reader_reason=reason)
            frame, warnings = _assemble(parts)
        except _Retype as retype:
            # a key changed its type between blocks: read again, keeping those keys as text
            text_keys = (text_keys[0] | retype.event_keys, text_keys[1] | retype.trace_keys)
            continue
        return frame, warnings, {"format": "xes", **parts.details}


# =========================================================================================
# reading: common
# =========================================================================================


class _Retype(Exception):
    """Keys whose values have different types in different blocks: to be read as text."""

    def __init__(self, event_keys: frozenset[str], trace_keys: frozenset[str]):
        super().__init__(sorted(event_keys | trace_keys))
        self.event_keys = event_keys
        self.trace_keys = trace_keys


@dataclass
class _Attributes:
    """Typed wide blocks of one owner kind (events or traces) and what typing them found."""

    index: str  # _EV or _TR
    text_keys: frozenset[str]  # keys read as text whatever their elements say
    blocks: list[pl.DataFrame] = field(default_factory=list)
    types: dict[str, set[str]] = field(default_factory=dict)  # XES types seen per key
    date_text: set[str] = field(default_factory=set)  # date keys not in the usual form
    bad: dict[str, list[pl.DataFrame]] = field(default_factory=dict)  # key -> (value, owner)

    def add(self, owners: pl.DataFrame, long: pl.DataFrame) -> None:
        """Pivot a long block (_OWNER, _K, _T, _V) onto ``owners``, type it and keep it."""
        self.merge(_widened(owners, long, self.index, self.text_keys))

    def merge(self, widened: _Widened) -> None:
        """Keep a widened block (blocks come in file order)."""
        conflicts = set()
        for key, found in widened.types.items():
            seen = self.types.setdefault(key, set())
            seen.update(found)
            if not _as_text(key, self.index, self.text_keys) and _column_type(seen) is None:
                conflicts.add(key)
        if conflicts:
            raise _Retype(
                frozenset(conflicts) if self.index == _EV else frozenset(),
                frozenset(conflicts) if self.index == _TR else frozenset(),
            )
        self.date_text |= widened.date_text
        for key, bad in widened.bad.items():
            self.bad.setdefault(key, []).append(bad)
        self._append(widened.block)

    def _append(self, block: pl.DataFrame) -> None:
        """Add ``block``; an owner cut by the block boundary (the last of the previous block
        is the first of this one) becomes one row (the last value of a key given in both
        pieces wins, as for a key given twice)."""
        if self.blocks and block.height and self.blocks[-1].height:
            before = self.blocks[-1]
            if before[self.index][-1] == block[self.index][0]:
                pieces = pl.concat([before.tail(1), block.head(1)], how="diagonal_relaxed")
                joined = pieces.group_by(self.index).agg(pl.all().drop_nulls().last())
                self.blocks[-1] = pl.concat(
                    [before.head(before.height - 1), joined], how="diagonal_relaxed"
                )
                block = block.slice(1)
        self.blocks.append(block)

    def column(self, key: str) -> str:
        return _column_name(key, self.index)

    def frame(self, *, source: str, timezone: str, rows: pl.Series | None = None) -> pl.DataFrame:
        """All blocks as one frame with one type per key (raises InputError for bad values)."""
        errors: list[Problem] = []
        for key, frames in self.bad.items():
            kind = _column_type(self.types[key])
            errors.extend(
                self._bad_values(pl.concat(frames), kind=kind or "string", key=key, source=source)
            )
        float_keys = {k for k, t in self.types.items() if _column_type(t) == "float"}
        blocks = []
        for block in self.blocks:
            casts = [
                pl.col(k).cast(pl.Float64)
                for k in block.columns
                if k in float_keys and block.schema[k] == pl.Int64
            ]
            casts += [
                pl.col(k).dt.strftime("%Y-%m-%dT%H:%M:%S%.f+00:00")
                for k in block.columns
                if k in self.date_text and isinstance(block.schema[k], pl.Datetime)
            ]
            blocks.append(block.with_columns(casts) if casts else block)
        frame = pl.concat(blocks, how="diagonal") if blocks else pl.DataFrame()
        updates = []
        for key in sorted(self.date_text):
            try:
                updates.append(
                    parse_timestamps(
                        frame[key],
                        column=self.column(key),
                        source=source,
                        rows=rows if rows is not None else frame[self.index],
                        timezone=timezone,
                    )
                )
            except InputError as exc:
                errors.extend(exc.problems)
        if errors:
            raise InputError(errors)
        return frame.with_columns(updates) if updates else frame

    def _bad_values(self, bad: pl.DataFrame, *, kind: str, key: str, source: str) -> list[Problem]:
        de_kind = {
            "int": "keine ganze Zahl",
            "float": "keine Zahl",
            "boolean": "kein Wahrheitswert (true/false)",
        }.get(kind, "falsch typisiert")
        en_kind = {
            "int": "not an integer",
            "float": "not a number",
            "boolean": "not a boolean (true/false)",
        }.get(kind, "of the wrong type")
        trace = self.index == _TR
        found = [
            problem(
                "xes.value_type",
                f"Wert ist {de_kind}, obwohl die Datei ihn so auszeichnet"
                + (f" (Trace Nr. {owner})" if trace else ""),
                f"value is {en_kind} although the file marks it as such"
                + (f" (trace no. {owner})" if trace else ""),
                file=source,
                row=None if trace else int(owner),
                column=self.column(key),
                value=value,
            )
            for value, owner in bad.head(5).iter_rows()
        ]
        if bad.height > 5:
            found.append(
                problem(
                    "xes.value_type.more",
                    f"{bad.height} Werte insgesamt passen nicht zu ihrem Typ (die ersten 5 "
                    "stehen oben)",
                    f"{bad.height} values in all do not fit their type (the first 5 are shown "
                    "above)",
                    file=source,
                    column=self.column(key),
                )
            )
        return found

    def mixed(self, *, source: str) -> list[Problem]:
        """A warning for each key read as text because its elements disagree on the type."""
        return [
            problem(
                "xes.mixed_types",
                f"Attribut hat gemischte Typen ({', '.join(sorted(self.types[k]))}); als Text "
                "gelesen",
                f"attribute has mixed types ({', '.join(sorted(self.types[k]))}); read as text",
                file=source,
                column=self.column(k),
                severity=Severity.WARNING,
            )
            for k in sorted(self.text_keys)
            if k in self.types and _column_type(self.types[k]) is None
        ]


@dataclass
class _Widened:
    """One block of one owner kind, typed, with what typing it found."""

    block: pl.DataFrame  # owners (index column first) and their attribute columns
    types: dict[str, set[str]]  # XES types per key in this block
    date_text: set[str]  # date keys not in the usual form (read as text for now)
    bad: dict[str, pl.DataFrame]  # key -> values that do not fit their type (v, o)


def _column_name(key: str, index: str) -> str:
    return key if index == _EV else schema.CASE_ATTRIBUTE_PREFIX + key


def _as_text(key: str, index: str, text_keys: frozenset[str]) -> bool:
    """Kept as text: asked for, or a canonical text column (an id "007" stays "007")."""
    f = schema.FIELDS_BY_COLUMN.get(_column_name(key, index))
    return key in text_keys or (f is not None and f.kind is schema.Kind.STRING)


def _widened(
    owners: pl.DataFrame, long: pl.DataFrame, index: str, text_keys: frozenset[str]
) -> _Widened:
    """Pivot a long block (_OWNER, _K, _T, _V) onto ``owners`` and type its columns by the
    block's own types (blocks are reconciled when merged). Pure: runs in worker threads."""
    if long.height == 0:
        return _Widened(owners, {}, set(), {})
    types = {k: set(t) for k, t in long.group_by(_K).agg(pl.col(_T).unique()).iter_rows()}
    wide = long.pivot(
        on=_K, index=_OWNER, values=_V, aggregate_function=pl.element().last()
    ).rename({_OWNER: index})
    date_text: set[str] = set()
    bad: dict[str, pl.DataFrame] = {}
    updates = []
    for key in wide.columns[1:]:
        kind = "string" if _as_text(key, index, text_keys) else _column_type(types[key])
        typed, is_date_text, wrong = _typed(wide[key], wide[index], key, kind)
        updates.append(typed)
        if is_date_text:
            date_text.add(key)
        if wrong is not None:
            bad[key] = wrong
    wide = wide.with_columns(updates)
    if wide.height == owners.height and (wide[index] == owners[index]).all():
        # every owner has attributes (the usual case): no join needed
        wide = owners.hstack(wide.drop(index).get_columns())
    else:
        wide = owners.join(wide, on=index, how="left", maintain_order="left")
    return _Widened(wide, types, date_text, bad)


def _typed(
    values: pl.Series, owners: pl.Series, key: str, kind: str | None
) -> tuple[pl.Series, bool, pl.DataFrame | None]:
    """``values`` as ``kind``; whether they are dates left as text; the values that do not
    fit (value, owner)."""
    if kind in ("string", None):
        return _compact(values), False, None
    if kind == "date":
        text = values.str.strip_chars().str.replace(r"Z$", "+00:00")
        parsed = text.str.to_datetime(_XES_DATE, time_unit="us", strict=False)
        if parsed.null_count() == values.null_count():
            return parsed.dt.convert_time_zone(schema.STORAGE_TIMEZONE).alias(key), False, None
        return _compact(values), True, None  # read with the shared timestamp rules at the end
    if kind == "boolean":
        low = values.str.strip_chars().str.to_lowercase()
        cast = pl.select(
            pl.when(low.is_in(["true", "1"]))
            .then(True)
            .when(low.is_in(["false", "0"]))
            .then(False)
            .alias(key)
        ).to_series()
    else:
        target = pl.Int64 if kind == "int" else pl.Float64
        cast = values.str.strip_chars().cast(target, strict=False)
    wrong = values.is_not_null() & cast.is_null()
    bad = pl.DataFrame({"v": values, "o": owners}).filter(wrong) if wrong.any() else None
    return cast.alias(key), False, bad


def _compact(values: pl.Series) -> pl.Series:
    """``values`` in buffers of their own: text cut out of a block would otherwise keep the
    whole block's buffer alive for as long as the log lives."""
    if values.dtype != pl.String:
        return values
    return pl.Series(values.name, values.to_arrow().cast(pa.large_string()))


def _column_type(found: set[str]) -> str | None:
    kinds = {"string" if t == "id" else t for t in found}
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"int", "float"}:
        return "float"
    return None


@dataclass
class _Parts:
    """What a reader found, block by block."""

    file: Path
    timezone: str
    text_keys: tuple[frozenset[str], frozenset[str]]  # (event keys, trace keys)
    events: _Attributes = field(init=False)
    traces: _Attributes = field(init=False)
    traces_seen: int = 0
    events_seen: int = 0
    loose_events: int = 0
    first_loose_line: int | None = None
    log_attributes: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.events = _Attributes(_EV, self.text_keys[0])
        self.traces = _Attributes(_TR, self.text_keys[1])

    def add(self, events: pl.DataFrame, event_long: pl.DataFrame, trace_long: pl.DataFrame) -> None:
        """One block: ``events`` (_EV, _TR), long attribute tables (_OWNER, _K, _T, _V)."""
        self.events.add(events, event_long)
        if trace_long.height:
            ids = trace_long.select(pl.col(_OWNER).unique(maintain_order=True).alias(_TR))
            self.traces.add(ids, trace_long)


def _assemble(parts: _Parts) -> tuple[pl.DataFrame, list[Problem]]:
    """The flat frame: typed event and ``case:`` columns, ``SOURCE_ROW``, warnings."""
    file, source = parts.file, str(parts.file)
    warnings: list[Problem] = []
    if parts.events_seen - parts.loose_events == 0:
        raise _bilingual(
            "log.empty",
            "die Datei enthält keine Ereignisse (keine <event>-Elemente in <trace>-Elementen)",
            "the file contains no events (no <event> elements inside <trace> elements)",
            file,
        )
    prefix = schema.CASE_ATTRIBUTE_PREFIX
    case_columns = {k: prefix + k for k in parts.traces.types}
    clash = sorted(set(parts.events.types) & {*case_columns.values(), schema.SOURCE_ROW})
    if clash:
        raise _bilingual(
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
    if _TR not in traces.columns:
        traces = pl.DataFrame({_TR: pl.Series([], dtype=pl.Int64)})
    warnings += parts.events.mixed(source=source) + parts.traces.mixed(source=source)

    with_events = events.select(pl.col(_TR).unique(maintain_order=True))
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

    traces = traces.rename({k: v for k, v in case_columns.items() if k in traces.columns})
    traces = with_events.join(traces, on=_TR, how="left", maintain_order="left")
    traces = _name_cases(traces, source=source, warnings=warnings, file=file)
    # traces are in file order and so are the events' traces: gather, do not copy the events
    position = np.searchsorted(traces[_TR].to_numpy(), events[_TR].to_numpy())
    per_event = traces.drop(_TR).gather(pl.Series(position, dtype=pl.Int64))
    frame = events.drop(_TR).hstack(per_event.get_columns())
    frame = frame.rename({_EV: schema.SOURCE_ROW})
    parts.details.update(
        traces=with_events.height,
        events=frame.height,
        traces_without_events=empty_traces,
        events_outside_traces=parts.loose_events,
        log_attributes=dict(parts.log_attributes),
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
    generated = pl.lit("trace-") + pl.col(_TR).cast(pl.String)
    taken = set(traces.filter(~missing)[schema.CASE].cast(pl.String).to_list())
    new = traces.filter(missing).select(generated.alias("g"))["g"].to_list()
    clash = next((g for g in new if g in taken), None)
    if clash is not None:
        raise _bilingual(
            "xes.case_name_clash",
            f"{n_missing} Traces haben keinen concept:name, und der erzeugte Name „{clash}“ "
            "ist schon vergeben; bitte allen Traces einen Namen geben",
            f"{n_missing} traces have no concept:name and the generated name '{clash}' is "
            "already taken; please name all traces",
            file,
        )
    first = traces.filter(missing)[_TR][0]
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


def _empty(file: Path) -> InputError:
    return _bilingual("file.empty", "die Datei ist leer", "the file is empty", file)


def _damaged(file: Path, exc: BaseException) -> InputError:
    return _bilingual(
        "file.damaged",
        "die komprimierte Datei ist abgeschnitten oder beschädigt (gzip: "
        f"{exc or type(exc).__name__}); bitte neu exportieren oder herunterladen",
        "the compressed file is truncated or damaged (gzip: "
        f"{exc or type(exc).__name__}); please export or download it again",
        file,
    )


def _doctype(file: Path) -> InputError:
    return _bilingual(
        "xes.doctype",
        "die Datei enthält eine DTD- bzw. ENTITY-Deklaration (<!DOCTYPE …>); XES-Dateien "
        "brauchen keine, und aus Sicherheitsgründen (externe Entitäten, Entity-Expansion) "
        "wird sie nicht gelesen",
        "the file contains a DTD/entity declaration (<!DOCTYPE ...>); XES files never need "
        "one, and for safety (external entities, entity expansion) it is not read",
        file,
    )


class _Source:
    """The decompressed bytes of a file (gzip detected by its magic number), with progress."""

    def __init__(self, file: Path, progress: Progress | None = None):
        self.file = file
        self.size = file.stat().st_size
        self.raw: IO[bytes] = open(file, "rb")  # noqa: SIM115 - closed in close()
        self.compressed = self.raw.read(2) == _GZIP_MAGIC
        self.raw.seek(0)
        self.stream: IO[bytes] = gzip.GzipFile(fileobj=self.raw) if self.compressed else self.raw
        self.progress = progress

    def read(self, n: int) -> bytes:
        data = self._read(n)
        self.report()
        return data

    def _read(self, n: int) -> bytes:
        try:
            return self.stream.read(n)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise _damaged(self.file, exc) from None

    def report(self) -> None:
        if self.progress is not None:
            self.progress(float(self.raw.tell()), float(self.size))

    def blocks(self, n: int) -> Iterator[bytes]:
        """Blocks of ``n`` bytes; the next one is decompressed in a thread (zlib releases the
        GIL) while the caller works on this one. Progress is reported from the caller's
        thread."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._read, n)
            while True:
                data = pending.result()
                if not data:
                    self.report()
                    return
                pending = pool.submit(self._read, n)
                self.report()
                yield data

    def close(self) -> None:
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.close()

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _Prolog:
    head: bytes  # decompressed bytes read so far
    root: int  # offset of the root element's "<" in head
    fast: bool  # UTF-8 (or ASCII) text the fast reader can take


_PROLOG_TOKEN = re.compile(r"[ \t\r\n]*(<\?.*?\?>|<!--.*?-->|<!|<[A-Za-z_:]|[^ \t\r\n])", re.S)
_ENCODING = re.compile(r"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _read_prolog(file: Path) -> _Prolog:
    """Read up to the root element; refuse a DOCTYPE (and so any ENTITY declaration)."""
    with _Source(file) as src:
        head = b""
        while True:
            chunk = src.read(1 << 16)
            head += chunk
            text, offset_known = _head_text(head)
            if not text.strip() and not chunk:
                raise _empty(file)
            pos = len(codecs.BOM_UTF8) if offset_known and head.startswith(codecs.BOM_UTF8) else 0
            while True:
                m = _PROLOG_TOKEN.match(text, pos)
                if m is None:
                    break  # only whitespace so far, or an unfinished token: read on
                token, start = m.group(1), m.start(1)
                if token == "<!":
                    if text[start : start + 9].upper().startswith(("<!DOCTYPE", "<!ENTITY")):
                        raise _doctype(file)
                    if chunk and (len(text) - start < 9 or text.startswith("<!--", start)):
                        break  # too short to tell, or a comment that goes on: read on
                    return _Prolog(head, 0, fast=False)  # something else: lxml decides
                if token.startswith(("<?", "<!--")):
                    pos = m.end()
                    continue
                if token.startswith("<") and len(token) == 2:
                    fast = offset_known and _utf8_declared(text[:start])
                    return _Prolog(head, start if offset_known else 0, fast=fast)
                if token == "<" and chunk:
                    break  # a declaration or instruction that goes on: read on
                return _Prolog(head, 0, fast=False)  # text before the root: lxml reports it
            if not chunk:
                return _Prolog(head, 0, fast=False)


def _head_text(head: bytes) -> tuple[str, bool]:
    """The head as text for finding markup; True when offsets in text are byte offsets."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return _decode_prefix(head[len(bom) :], codec), False
    if head[:2] in (b"<\x00", b"\x00<"):
        return _decode_prefix(head, "utf-16-le" if head[0] == 0x3C else "utf-16-be"), False
    if head.startswith(codecs.BOM_UTF8):
        # the BOM's three bytes become three characters, so offsets stay byte offsets
        return head.decode("latin-1"), True
    return head.decode("latin-1"), True


def _decode_prefix(data: bytes, codec: str) -> str:
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)


def _utf8_declared(prolog: str) -> bool:
    m = _ENCODING.match(prolog.removeprefix(codecs.BOM_UTF8.decode("latin-1")).lstrip())
    return m is None or m.group(1).lower() in ("utf-8", "utf8", "us-ascii", "ascii")


# =========================================================================================
# reading: the fast tokenizer
# =========================================================================================
#
# A block of bytes is cut at every "<" into tags (numpy). Two shapes cover nearly every tag
# of an XES file and are recognised by comparing bytes at fixed places: a flat attribute
# written as <TYPE key="K" value="V"/> and a bare <event>, </event>, <trace>, </trace>; their
# keys and values are copied out by their byte spans. Every other tag goes through regular
# expressions (Polars for attribute tags in other forms, Python for the rest). Nesting is
# checked with cumulative sums per level; anything outside the reader's shape raises
# _Unsupported and the lxml reader reads the file instead.

_WS = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.:-]*"
_ANY_LEAF = (
    rf"^<(string|date|int|float|boolean|id){_WS}+(key|value){_WS}*={_WS}*"
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}+(key|value){_WS}*={_WS}*"""
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}*/>{_WS}*$"""
)
_TAG = re.compile(
    rf"""^<(?:/({_NAME}){_WS}*|({_NAME})((?:{_WS}+{_NAME}{_WS}*={_WS}*(?:"[^"<]*"|'[^'<]*'))*)"""
    rf"""{_WS}*(/?))>{_WS}*$"""
)
_ATTRIBUTE = re.compile(rf"""({_NAME}){_WS}*={_WS}*(?:"([^"<]*)"|'([^'<]*)')""")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

# name codes: 1..6 the attribute types (in _LEAF_TYPES order), then event, trace, log;
# other element names get codes from 10 on, per file
_EVENT, _TRACE, _LOG = 7, 8, 9
_OPENERS = [f"<{t} key=".encode() for t in _LEAF_TYPES]
_BARE = {b"<event>": (_EVENT, 1), b"</event>": (_EVENT, -1), b"<trace>": (_TRACE, 1),
         b"</trace>": (_TRACE, -1)}  # fmt: skip
_VALUE_EQ = b'" value='
_PAD = 16  # bytes of padding after a block, so fixed-width gathers never run past it
_TAIL = 16  # whitespace after a tag checked at once; longer runs are checked one by one
_IS_WS = np.zeros(256, dtype=bool)
_IS_WS[[9, 10, 13, 32]] = True


@dataclass
class _FastState:
    stack: list[tuple[int, int]] = field(default_factory=list)  # open (level, name code)
    root_seen: bool = False
    events: int = 0
    traces: int = 0
    codes: dict[str, int] = field(
        default_factory=lambda: {
            **{t: i + 1 for i, t in enumerate(_LEAF_TYPES)},
            _EVENT_TAG: _EVENT,
            _TRACE_TAG: _TRACE,
            _LOG_TAG: _LOG,
        }
    )

    def code(self, name: str) -> int:
        return self.codes.setdefault(name, len(self.codes) + 1)


def _fast_parts(file: Path, prolog: _Prolog, progress: Progress | None, parts: _Parts) -> None:
    """Read the file block by block in a pipeline: two worker threads find the tags of the
    next blocks and pivot and type the previous ones, while this thread checks each block's
    structure in file order (it carries the open elements and the counters from block to
    block) and keeps the typed blocks in file order."""
    state = _FastState()
    pool = ThreadPoolExecutor(max_workers=_WORKERS)
    tokenizing: deque[Future[_Tags | None]] = deque()
    widening: deque[Future[_BlockParts]] = deque()
    text_keys = parts.text_keys

    def keep(limit: int) -> None:
        while len(widening) > limit:
            events, traces, log_attributes = widening.popleft().result()
            parts.events.merge(events)
            if traces is not None:
                parts.traces.merge(traces)
            for key, value in log_attributes:
                parts.log_attributes.setdefault(key, value)

    def shape(limit: int) -> None:
        while len(tokenizing) > limit:
            tags = tokenizing.popleft().result()
            if tags is not None:
                widening.append(pool.submit(_block_parts, _shaped(tags, state), text_keys))
                keep(_WORKERS)

    with _Source(file, progress) as src:
        skipped = 0
        while skipped < len(prolog.head):  # already in prolog.head
            got = len(src.read(len(prolog.head) - skipped))
            if not got:
                break
            skipped += got
        blocks = src.blocks(_BLOCK)
        try:
            for block in _cut_blocks(blocks, prolog.head[prolog.root :]):
                tokenizing.append(pool.submit(_tokenized, block))
                shape(_WORKERS - 1)
            shape(0)
            keep(0)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            blocks.close()  # waits for a read under way before the file is closed
    if state.stack or not state.root_seen:
        raise _Unsupported("document not closed")
    parts.traces_seen = state.traces
    parts.events_seen = state.events


def _cut_blocks(blocks: Iterator[bytes], carry: bytes) -> Iterator[bytes]:
    """The stream in blocks that end before a tag (before an ``<event`` where possible, so
    that events are rarely cut in two; never inside a comment)."""
    for more in blocks:
        data = carry + more
        cut = data.rfind(b"<event", len(data) // 2)
        cut = cut if cut != -1 else data.rfind(b"<")
        opened = data.rfind(b"<!--")
        if opened != -1 and data.find(b"-->", opened) == -1:
            cut = min(cut, opened)
        if cut <= 0:
            carry = data
            continue
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _tokenized(block: bytes) -> _Tags | None:
    """The tags of ``block`` (None: only whitespace). Pure: runs in worker threads."""
    try:
        codecs.utf_8_decode(block, "strict", True)
    except UnicodeDecodeError as exc:
        raise _Unsupported("not utf-8") from exc
    size = len(block)
    raw = np.frombuffer(block + b"\0" * _PAD, dtype=np.uint8)
    body = raw[:size]
    controls = int(np.count_nonzero(body < 32))
    if controls and controls != sum(int(np.count_nonzero(body == c)) for c in (9, 10, 13)):
        raise _Unsupported("control character")
    if np.any(body == 0xEF) and (b"\xef\xbf\xbe" in block or b"\xef\xbf\xbf" in block):
        raise _Unsupported("non-character")
    marks = np.flatnonzero((body == 60) | (body == 34))  # every "<" and every '"'
    if len(marks) == 0 or body[0] != 60:
        if block.strip(b" \t\r\n"):
            raise _Unsupported("text outside tags")
        return None
    if np.any(raw[marks[raw[marks] == 60] + 1] == 33) and b"<!--" in block:  # comments
        if any(b"--" in m.group(1) for m in _COMMENT.finditer(block)):
            raise _Unsupported("comment with --")
        block = _COMMENT.sub(b"", block)
        if b"<!--" in block:
            raise _Unsupported("unfinished comment")
        return _tokenized(block)
    return _Tags(raw, size, marks)


class _Tags:
    """The tags of one block: name code, kind (1 open, -1 close, 0 empty element) and, for
    attribute elements, where key and value are (byte spans) or their text (other forms)."""

    def __init__(self, raw: np.ndarray, size: int, marks: np.ndarray):
        self.raw = raw
        # the positions of "<" and '"' in one sorted array: each tag's quotes follow its "<"
        is_start = raw[marks] == 60
        where = np.flatnonzero(is_start)  # index in marks of each tag's "<"
        starts = marks[where]
        n = len(starts)
        self.starts = starts
        ends = np.empty(n, dtype=np.int64)
        ends[:-1] = starts[1:]
        ends[-1] = size
        self.code = np.zeros(n, dtype=np.int16)
        self.kind = np.zeros(n, dtype=np.int8)
        self.known = np.zeros(n, dtype=bool)
        self.key_at = np.zeros(n, dtype=np.int64)
        self.key_len = np.zeros(n, dtype=np.int64)
        self.value_at = np.zeros(n, dtype=np.int64)
        self.value_len = np.zeros(n, dtype=np.int64)
        self.other_key: dict[int, str | None] = {}
        self.other_value: dict[int, str | None] = {}
        words = _unaligned_words(raw)
        head = _words(words, starts)
        gt = np.full(n, -1, dtype=np.int64)  # where each recognised tag's ">" is

        # <TYPE key="K" value="V"/>: exactly four quotes, the bytes between them as written
        count = np.diff(np.append(where, len(marks))) - 1  # quotes of each tag
        four = np.flatnonzero(count == 4)
        if len(four):
            q = marks[where[four, None] + np.arange(1, 5)]
            ok = np.zeros(len(four), dtype=bool)
            code = np.zeros(len(four), dtype=np.int16)
            opener_width = q[:, 0] - starts[four]
            h = head[four]
            for i, opener in enumerate(_OPENERS):
                match = (opener_width == len(opener)) & _starts_with(h, opener)
                ok |= match
                code[match] = i + 1
            ok &= (q[:, 2] - q[:, 1] == len(_VALUE_EQ)) & _starts_with(
                _words(words, q[:, 1]), _VALUE_EQ
            )
            after = _words(words, q[:, 3] + 1)
            close = _starts_with(after, b"/>")
            spaced = _starts_with(after, b" />")
            ok &= close | spaced
            hit = four[ok]
            qq = q[ok]
            self.code[hit] = code[ok]
            self.known[hit] = True
            self.key_at[hit] = qq[:, 0] + 1
            self.key_len[hit] = qq[:, 1] - qq[:, 0] - 1
            self.value_at[hit] = qq[:, 2] + 1
            self.value_len[hit] = qq[:, 3] - qq[:, 2] - 1
            gt[hit] = qq[:, 3] + np.where(spaced[ok], 3, 2)

        # <event>, </event>, <trace>, </trace>
        bare = np.flatnonzero((count == 0) & ~self.known)
        h = head[bare]
        for text, (code_, kind) in _BARE.items():
            match = bare[_starts_with(h, text)]
            self.code[match] = code_
            self.kind[match] = kind
            self.known[match] = True
            gt[match] = starts[match] + len(text) - 1

        # after a recognised tag only whitespace may follow up to the next tag
        known = np.flatnonzero(self.known)
        tail = ends[known] - gt[known] - 1
        blank = _blank(_words(words, gt[known] + 1), tail)
        for i in np.flatnonzero(blank & (tail > _TAIL)):
            at = gt[known[i]] + 1 + _TAIL
            blank[i] = bool(np.all(_IS_WS[raw[at : ends[known[i]]]]))
        self.known[known[~blank]] = False  # text after a tag: left to the general rules
        self.others = np.flatnonzero(~self.known)
        self.ends = ends

    def resolve_others(self, state: _FastState) -> None:
        """Name, kind, key and value of the tags the byte comparisons did not recognise."""
        if len(self.others) == 0:
            return
        spans = [bytes(self.raw[a:b]).decode("utf-8") for a, b in
                 zip(self.starts[self.others], self.ends[self.others], strict=True)]  # fmt: skip
        texts = pl.Series("t", spans, dtype=pl.String).to_frame()
        leaf = texts.select(pl.col("t").str.extract_groups(_ANY_LEAF).alias("g")).unnest("g")
        k1 = pl.coalesce(pl.col("3"), pl.col("4"))
        k2 = pl.coalesce(pl.col("6"), pl.col("7"))
        leaf = leaf.select(
            pl.col("1").alias("name"),
            pl.when(pl.col("2") == "key").then(k1).otherwise(k2).alias("key"),
            pl.when(pl.col("2") == "value").then(k1).otherwise(k2).alias("value"),
            (pl.col("2") != pl.col("5")).alias("ok"),
        )
        if not leaf.select((pl.col("ok") | pl.col("name").is_null()).all()).item():
            raise _Unsupported("attribute given twice")
        rows = zip(leaf["name"].to_list(), leaf["key"].to_list(), leaf["value"].to_list(),
                   spans, self.others.tolist(), strict=True)  # fmt: skip
        for name, key, value, text, at in rows:
            kind = 0
            if name is None:
                m = _TAG.match(text)
                if m is None:
                    raise _Unsupported("unusual markup")
                if m.group(1) is not None:
                    name, kind = m.group(1), -1
                else:
                    found: dict[str, str] = {}
                    for a in _ATTRIBUTE.finditer(m.group(3)):
                        if a.group(1) in found:
                            raise _Unsupported("attribute given twice")
                        found[a.group(1)] = a.group(2) if a.group(2) is not None else a.group(3)
                    name, kind = m.group(2), 0 if m.group(4) else 1
                    key, value = found.get(_KEY), found.get(_VALUE)
            self.code[at] = state.code(name)
            self.kind[at] = kind
            self.other_key[at] = key
            self.other_value[at] = value

    def texts(self, at: np.ndarray) -> tuple[pl.Series, pl.Series]:
        """Keys and values of the attribute tags ``at`` (in that order), as raw text."""
        is_other = np.isin(at, self.others)
        keys = _spans(self.raw, self.key_at[at], np.where(is_other, 0, self.key_len[at]))
        values = _spans(self.raw, self.value_at[at], np.where(is_other, 0, self.value_len[at]))
        if is_other.any():
            where = pl.Series(np.flatnonzero(is_other), dtype=pl.Int64)
            chosen = at[is_other].tolist()
            keys = keys.scatter(
                where, pl.Series([self.other_key[i] for i in chosen], dtype=pl.String)
            )
            values = values.scatter(
                where, pl.Series([self.other_value[i] for i in chosen], dtype=pl.String)
            )
        return keys, values


def _unaligned_words(raw: np.ndarray) -> np.ndarray:
    """The 8 bytes from every position of ``raw`` as a little-endian 64-bit word (a view
    with a stride of one byte: nothing is copied)."""
    return np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))


def _words(words: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The 16 bytes from each position ``at`` as two words per row."""
    return np.stack([words[at], words[at + 8]], axis=1)


_LOW_BITS = np.uint64(0x7F7F7F7F7F7F7F7F)
_ONES = np.uint64(0x0101010101010101)
# the high bit of the first k bytes of a word, k = 0..8
_FIRST_BYTES = np.array(
    [int.from_bytes(b"\x80" * k + b"\0" * (8 - k), "little") for k in range(9)], dtype="<u8"
)


def _zero_bytes(word: np.ndarray) -> np.ndarray:
    """The high bit of each byte of ``word`` that is zero (exact, no false positives)."""
    return ~(((word & _LOW_BITS) + _LOW_BITS) | word | _LOW_BITS)


def _blank(words: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Whether the first ``length`` bytes of each row of ``words`` (at most 16 are looked
    at) are XML whitespace (space, tab, newline, carriage return)."""
    blank = np.ones(len(length), dtype=bool)
    for i in range(2):
        word = words[:, i]
        white = np.zeros(len(word), dtype="<u8")
        for char in (32, 9, 10, 13):
            white |= _zero_bytes(word ^ (np.uint64(char) * _ONES))
        need = _FIRST_BYTES[np.clip(length - 8 * i, 0, 8)]
        blank &= (white & need) == need
    return blank


def _pattern(text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``text`` (at most 16 bytes) as two words and the mask of the bytes it covers."""
    padded = text.ljust(16, b"\0")
    mask = (b"\xff" * len(text)).ljust(16, b"\0")
    return np.frombuffer(padded, dtype="<u8"), np.frombuffer(mask, dtype="<u8")


def _starts_with(words: np.ndarray, text: bytes) -> np.ndarray:
    """Rows of ``words`` (see :func:`_words`) whose bytes begin with ``text``."""
    pattern, mask = _pattern(text)
    return ((words[:, 0] & mask[0]) == pattern[0]) & ((words[:, 1] & mask[1]) == pattern[1])


def _spans(raw: np.ndarray, at: np.ndarray, length: np.ndarray) -> pl.Series:
    """The byte spans (start, length) of ``raw`` as text, copied into one compact buffer."""
    offsets = np.zeros(len(at) + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    total = int(offsets[-1])
    index = np.repeat(at - offsets[:-1], length) + np.arange(total, dtype=np.int64)
    data = raw[index]
    array = pa.LargeStringArray.from_buffers(len(at), pa.py_buffer(offsets), pa.py_buffer(data))
    return pl.Series(array)


@dataclass
class _Shaped:
    """A block whose structure was checked: its events and where its attributes are."""

    tags: _Tags
    events: pl.DataFrame  # _EV, _TR of the events that begin (or go on) in the block
    at: np.ndarray  # attribute tags inside traces
    level: np.ndarray  # their level: 3 trace attribute, 4 event attribute
    owner: np.ndarray  # their trace or event number
    code: np.ndarray  # their type code
    log_level: np.ndarray  # attribute tags of the log itself


#: events (typed), traces (typed, None: no trace attributes), log attributes of one block
_BlockParts = tuple[_Widened, _Widened | None, list[tuple[str, str]]]


def _shaped(tags: _Tags, state: _FastState) -> _Shaped:
    """Check nesting and XES structure of one block, carrying ``state`` on to the next."""
    tags.resolve_others(state)
    kind, code = tags.kind, tags.code
    n = len(kind)
    base = len(state.stack)
    after = base + np.cumsum(kind, dtype=np.int64)
    if n and after.min() < 0:
        raise _Unsupported("close tag without open tag")
    level = after + (kind == 0)
    level[kind == -1] += 1

    # every level alternates open, close, open, ... and a close names its open
    marks = np.flatnonzero(kind != 0)
    lv = np.concatenate([[lvl for lvl, _ in state.stack], level[marks]]).astype(np.int64)
    kd = np.concatenate([np.ones(base, dtype=np.int8), kind[marks]])
    cd = np.concatenate([[c for _, c in state.stack], code[marks]]).astype(np.int16)
    order = np.argsort(lv, kind="stable")
    lv, kd, cd = lv[order], kd[order], cd[order]
    same = lv[1:] == lv[:-1]
    group_start = np.concatenate([[True], ~same]) if len(lv) else np.zeros(0, dtype=bool)
    if (
        np.any(group_start & (kd == -1))
        or np.any(same & (kd[1:] == kd[:-1]))
        or np.any(same & (kd[1:] == -1) & (cd[1:] != cd[:-1]))
    ):
        raise _Unsupported("tags do not match")
    group_end = np.concatenate([~same, [True]]) if len(lv) else np.zeros(0, dtype=bool)
    still_open = group_end & (kd == 1)
    new_stack = sorted(zip(lv[still_open].tolist(), cd[still_open].tolist(), strict=True))

    roots = np.flatnonzero((level == 1) & (kind != -1))
    if len(roots):
        if state.root_seen or len(roots) > 1 or code[roots[0]] != _LOG or kind[roots[0]] != 1:
            raise _Unsupported("root is not one <log>")
        state.root_seen = True
    if not state.root_seen:
        raise _Unsupported("no root")

    # the element at level 2 that each tag is inside of (a trace, or the log's metadata)
    level2 = next((c for lvl, c in state.stack if lvl == 2), -1)
    opens2 = np.where((kind == 1) & (level == 2), np.arange(n), -1)
    last2 = np.maximum.accumulate(opens2) if n else opens2
    anc2 = np.where(last2 >= 0, code[np.maximum(last2, 0)], level2)
    leaf = (kind == 0) & (code >= 1) & (code <= len(_LEAF_TYPES))
    leaf &= np.isin(np.arange(n), tags.others, invert=True) | _has_key_and_value(tags, n)
    in_trace = (level >= 3) & (anc2 == _TRACE)
    is_event = (code == _EVENT) & (kind != 0)
    allowed = np.where(
        in_trace,
        np.where(level == 3, leaf | is_event, (level == 4) & leaf),
        ~((code == _TRACE) & (level != 2)) & (code != _EVENT),
    )
    if not allowed.all():
        raise _Unsupported("nested attributes or elements the fast reader does not know")

    event_no = state.events + np.cumsum((kind == 1) & (code == _EVENT), dtype=np.int64)
    trace_no = state.traces + np.cumsum(
        (kind != -1) & (code == _TRACE) & (level == 2), dtype=np.int64
    )
    opened = np.flatnonzero((kind == 1) & (code == _EVENT))
    events = pl.DataFrame({_EV: event_no[opened], _TR: trace_no[opened]})
    if any(lvl == 3 and c == _EVENT for lvl, c in state.stack):
        # an event cut by the block boundary: its attributes here join its row from before
        carried = pl.DataFrame({_EV: [state.events], _TR: [state.traces]}, schema=events.schema)
        events = pl.concat([carried, events])

    at = np.flatnonzero(leaf & in_trace)
    shaped = _Shaped(
        tags=tags,
        events=events,
        at=at,
        level=level[at],
        owner=np.where(level[at] == 4, event_no[at], trace_no[at]),
        code=code[at],
        log_level=np.flatnonzero(leaf & (level == 2)),
    )
    if n:
        state.events = int(event_no[-1])
        state.traces = int(trace_no[-1])
    state.stack = new_stack
    return shaped


def _block_parts(shaped: _Shaped, text_keys: tuple[frozenset[str], frozenset[str]]) -> _BlockParts:
    """The typed event and trace columns of a checked block. Pure: runs in worker threads."""
    keys, values = shaped.tags.texts(shaped.at)
    attrs = pl.DataFrame(
        {
            "level": shaped.level,
            _OWNER: shaped.owner,
            _T: pl.Series(shaped.code, dtype=pl.Int16).replace_strict(
                list(range(1, len(_LEAF_TYPES) + 1)), list(_LEAF_TYPES), return_dtype=pl.String
            ),
            _K: keys,
            _V: values,
        }
    )
    attrs = _normalised(attrs)
    event_long = attrs.filter(pl.col("level") == 4).drop("level")
    trace_long = attrs.filter(pl.col("level") == 3).drop("level")
    events = _widened(shaped.events, event_long, _EV, text_keys[0])
    traces = None
    if trace_long.height:
        ids = trace_long.select(pl.col(_OWNER).unique(maintain_order=True).alias(_TR))
        traces = _widened(ids, trace_long, _TR, text_keys[1])
    log_attributes: list[tuple[str, str]] = []
    if len(shaped.log_level):
        log_keys, log_values = shaped.tags.texts(shaped.log_level)
        log_attributes = [
            (_attribute_text(k), _attribute_text(v))
            for k, v in zip(log_keys.to_list(), log_values.to_list(), strict=True)
        ]
    return events, traces, log_attributes


def _has_key_and_value(tags: _Tags, n: int) -> np.ndarray:
    """For tags read by the general rules: whether they name both key and value."""
    has = np.zeros(n, dtype=bool)
    for at in tags.others.tolist():
        has[at] = tags.other_key.get(at) is not None and tags.other_value.get(at) is not None
    return has


def _normalised(attrs: pl.DataFrame) -> pl.DataFrame:
    """Keys and values as an XML parser reports them (whitespace normalised, entities)."""
    special = r"[\t\r\n&]"
    out = attrs
    for column in (_K, _V):
        needs = out[column].str.contains(special)
        if needs.any():
            idx = pl.Series(np.flatnonzero(needs.to_numpy()), dtype=pl.Int64)
            fixed = [_attribute_text(v) for v in out[column].gather(idx).to_list()]
            out = out.with_columns(out[column].scatter(idx, pl.Series(fixed, dtype=pl.String)))
    return out


def _attribute_text(raw: str) -> str:
    """XML attribute-value normalisation and the predefined and character references."""
    text = raw.replace("\r\n", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return _NAMED[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        if not _xml_char(code):
            raise _Unsupported("invalid character reference")
        return chr(code)

    decoded = _ENTITY.sub(one, text)
    if "&" in _ENTITY.sub("", text):
        raise _Unsupported("entity reference")
    return decoded


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


# =========================================================================================
# reading: the lxml reference reader
# =========================================================================================


def _lxml_parts(file: Path, progress: Progress | None, parts: _Parts) -> None:
    from lxml import etree

    batch = _LxmlBatch()
    with _Source(file, progress) as src:
        context = etree.iterparse(
            src,
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        root = None
        try:
            for _action, el in context:
                if root is None:
                    root = _checked_root(el, file)
                parent = el.getparent()
                if parent is not root:
                    continue  # read with its trace (or skipped with the log's metadata)
                tag = _local(el.tag)
                if tag == _TRACE_TAG:
                    parts.traces_seen += 1
                    batch.trace(el, parts, file)
                elif tag == _EVENT_TAG:
                    parts.events_seen += 1
                    parts.loose_events += 1
                    parts.first_loose_line = parts.first_loose_line or el.sourceline
                elif tag in _LEAF_TYPES:
                    key, value = el.get(_KEY), el.get(_VALUE)
                    if key is not None and value is not None:
                        parts.log_attributes.setdefault(key, value)
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del parent[0]
                if len(batch.events) >= _BATCH:
                    batch.flush(parts)
        except etree.XMLSyntaxError as exc:
            raise _malformed(file, exc) from None
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise _damaged(file, exc) from None
    if root is None:
        raise _empty(file)
    batch.flush(parts)


def _checked_root(first: Any, file: Path) -> Any:
    tree = first.getroottree()
    root = tree.getroot()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype(file)
    if _local(root.tag) != _LOG_TAG:
        raise _bilingual(
            "xes.root",
            f"das äußerste Element ist <{_local(root.tag)}>; eine XES-Datei beginnt mit <log>",
            f"the outermost element is <{_local(root.tag)}>; an XES file starts with <log>",
            file,
        )
    return root


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _malformed(file: Path, exc: Any) -> InputError:
    line = getattr(exc, "lineno", None)
    msg = getattr(exc, "msg", None) or str(exc)
    if "Document is empty" in msg:
        return _empty(file)
    if line:
        de = f"die Datei ist kein gültiges XML (Zeile {line}: {msg})"
        en = f"the file is not well-formed XML (line {line}: {msg})"
    else:
        de, en = (
            f"die Datei ist kein gültiges XML ({msg})",
            f"the file is not well-formed XML ({msg})",
        )
    return _bilingual("xes.malformed", de, en, file)


@dataclass
class _LxmlBatch:
    events: list[tuple[int, int]] = field(default_factory=list)
    event_attrs: list[tuple[int, str, str, str]] = field(default_factory=list)
    trace_attrs: list[tuple[int, str, str, str]] = field(default_factory=list)

    def trace(self, el: Any, parts: _Parts, file: Path) -> None:
        trace_no = parts.traces_seen
        for child in el:
            tag = _local(child.tag)
            if tag == _EVENT_TAG:
                parts.events_seen += 1
                event_no = parts.events_seen
                self.events.append((event_no, trace_no))
                for attr in child:
                    _flatten(attr, "", event_no, self.event_attrs, file)
            else:
                _flatten(child, "", trace_no, self.trace_attrs, file)

    def flush(self, parts: _Parts) -> None:
        if not self.events and not self.trace_attrs:
            return
        long_schema = {_OWNER: pl.Int64, _K: pl.String, _T: pl.String, _V: pl.String}
        parts.add(
            pl.DataFrame(self.events, schema={_EV: pl.Int64, _TR: pl.Int64}, orient="row"),
            pl.DataFrame(self.event_attrs, schema=long_schema, orient="row"),
            pl.DataFrame(self.trace_attrs, schema=long_schema, orient="row"),
        )
        self.events, self.event_attrs, self.trace_attrs = [], [], []


def _flatten(el: Any, prefix: str, owner: int, out: list, file: Path) -> None:
    """Append ``el`` (an attribute element) and its nested attributes as key paths."""
    tag = _local(el.tag)
    if tag in (_EVENT_TAG, _TRACE_TAG):
        where = _local(el.getparent().tag)
        raise _bilingual(
            "xes.misplaced",
            f"<{tag}> innerhalb von <{where}> in Zeile {el.sourceline}; in XES stehen "
            "Ereignisse in Traces und Traces im Log",
            f"<{tag}> inside <{where}> at line {el.sourceline}; in XES events are inside "
            "traces and traces inside the log",
            file,
        )
    if tag not in _LEAF_TYPES and tag not in _NESTING_TYPES:
        return  # not an attribute (an unknown element): ignored like pm4py does
    key = el.get(_KEY)
    if key is None:
        raise _bilingual(
            "xes.attribute_without_key",
            f"<{tag}> ohne key in Zeile {el.sourceline}",
            f"<{tag}> without key at line {el.sourceline}",
            file,
        )
    path = prefix + key
    if tag in _LEAF_TYPES:
        value = el.get(_VALUE)
        if value is None:
            raise _bilingual(
                "xes.attribute_without_value",
                f'<{tag} key="{key}"> ohne value in Zeile {el.sourceline}',
                f'<{tag} key="{key}"> without value at line {el.sourceline}',
                file,
                column=path,
            )
        out.append((owner, path, tag, value))
    children = list(el)
    if tag == "list":
        items = [
            item
            for child in children
            for item in (list(child) if _local(child.tag) == "values" else [child])
        ]
        position = 0
        for item in items:
            if _local(item.tag) in _LEAF_TYPES or _local(item.tag) in _NESTING_TYPES:
                position += 1
                _flatten_item(item, f"{path}:{position}", owner, out, file)
        return
    for child in children:
        _flatten(child, path + ":", owner, out, file)


def _flatten_item(el: Any, path: str, owner: int, out: list, file: Path) -> None:
    """A list item: named by its position, not its key."""
    tag = _local(el.tag)
    if tag in _LEAF_TYPES:
        value = el.get(_VALUE)
        if value is None:
            raise _bilingual(
                "xes.attribute_without_value",
                f"<{tag}> ohne value in Zeile {el.sourceline}",
                f"<{tag}> without value at line {el.sourceline}",
                file,
                column=path,
            )
        out.append((owner, path, tag, value))
    for child in el:
        if _local(child.tag) == "values" and tag == "list":
            for position, item in enumerate(child, start=1):
                _flatten_item(item, f"{path}:{position}", owner, out, file)
        else:
            _flatten(child, path + ":", owner, out, file)


# =========================================================================================
# writing
# =========================================================================================

_EXTENSIONS = (
    ("Concept", "concept"),
    ("Time", "time"),
    ("Organizational", "org"),
    ("Lifecycle", "lifecycle"),
    ("Identity", "identity"),
)
_XES_NAMESPACE = "http://www.xes-standard.org/"
_WRITE_CHUNK = 25_000  # events per chunk: the chunk's XML text is built in memory


def write_xes_log(frame: engine.FrameLike, path: str | os.PathLike[str]) -> Path:
    """Write the canonical log ``frame`` as an XES file; ``.gz`` at the end compresses it.

    ``frame`` is any frame narwhals accepts (Polars, pandas, Arrow, a DuckDB relation); it is
    streamed in chunks, never held as an XML tree. One ``<trace>`` per case, cases in the order
    of their first event (by ``SOURCE_ROW`` where present, else by first timestamp), events in
    that order within their case. ``case:*`` columns become trace attributes (``CASE`` the
    trace's ``concept:name``); their values must agree within a case. All other columns become
    event attributes, typed by their dtype: datetimes ``date`` (UTC with offset, microseconds;
    naive ones without offset), integers ``int``, floats ``float``, booleans ``boolean``,
    text ``string`` (also ``identity:id``, as pm4py writes it). Missing values are left out.
    ``SOURCE_ROW`` is not written: it describes the source file, and a reader of the new
    file numbers its events anew. Returns the path written.
    """
    target = Path(path)
    lf = engine.as_lazy(frame)
    columns = engine.columns_of(lf)
    if schema.CASE not in columns:
        raise _bilingual(
            "column.missing",
            "Pflichtspalte Vorgang (Fall-ID) fehlt; ohne sie gibt es keine Traces",
            "required column case id is missing; without it there are no traces",
            target,
            column=schema.CASE,
        )
    ordered = _write_order(lf, columns, native=frame)
    written = [c for c in columns if c != schema.SOURCE_ROW]
    part = target.with_name(target.name + ".part")
    compress = target.name.lower().endswith(".gz")
    try:
        with (
            gzip.open(part, "wb", compresslevel=6) if compress else open(part, "wb") as out,
            _Writer(out) as put,
        ):
            put(_header(written).encode("utf-8"))
            carry: pl.DataFrame | None = None
            for chunk in _chunks(ordered, written):
                data = chunk if carry is None else pl.concat([carry, chunk], how="vertical_relaxed")
                # the last case may go on in the next chunk: keep it back
                last = data[schema.CASE][-1]
                cut = int((data[schema.CASE] == last).arg_true()[0]) if last is not None else 0
                ready, carry = data.slice(0, cut), data.slice(cut)
                if ready.height:
                    put(_traces_xml(ready, target).encode("utf-8"))
            if carry is not None and carry.height:
                put(_traces_xml(carry, target).encode("utf-8"))
            put(b"</log>\n")
        os.replace(part, target)
    finally:
        if part.exists():
            part.unlink()
    return target


class _Writer:
    """Writes byte chunks in order in a thread (gzip compresses there, releasing the GIL)
    while the caller builds the next chunk; at most one chunk waits."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Any = None

    def __call__(self, data: bytes) -> None:
        if self.pending is not None:
            self.pending.result()
        self.pending = self.pool.submit(self.out.write, data)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.pending is not None:
                self.pending.result()
        finally:
            self.pool.shutdown(wait=True)


def _write_order(lf: nw.LazyFrame, columns: list[str], *, native: Any = None) -> nw.LazyFrame:
    """``lf`` with each case's events together: cases by their first event, events in order.

    A Polars frame already in that order (a log as a reader returns it) is not sorted, so
    it is not copied."""
    if isinstance(native, pl.DataFrame) and _in_write_order(native, columns):
        return lf
    first = "__xes_first"
    if schema.SOURCE_ROW in columns:
        keys = [first, schema.CASE, schema.SOURCE_ROW]
        by = nw.col(schema.SOURCE_ROW).min().over(schema.CASE)
    elif schema.TIMESTAMP in columns:
        keys = [first, schema.CASE, schema.TIMESTAMP]
        keys += [schema.EVENT_ID] if schema.EVENT_ID in columns else []
        by = nw.col(schema.TIMESTAMP).min().over(schema.CASE)
    else:
        keys = [first, schema.CASE]
        by = nw.lit(0)
    return lf.with_columns(by.alias(first)).sort(keys, nulls_last=True).drop(first)


def _in_write_order(frame: pl.DataFrame, columns: list[str]) -> bool:
    if schema.SOURCE_ROW not in columns or frame.height == 0:
        return False
    case = frame[schema.CASE]
    runs = int((case != case.shift(1)).fill_null(True).sum())
    return frame[schema.SOURCE_ROW].is_sorted() and runs == case.n_unique()


def _chunks(lf: nw.LazyFrame, columns: list[str]) -> Iterator[pl.DataFrame]:
    native = nw.to_native(lf.select(columns))
    if hasattr(native, "to_arrow_reader"):  # DuckDB: streamed from the database
        reader = native.to_arrow_reader(_WRITE_CHUNK)
        for batch in reader:
            if batch.num_rows:
                yield pl.from_arrow(pa.Table.from_batches([batch]))
        return
    data = engine.to_polars(lf.select(columns))
    yield from data.iter_slices(_WRITE_CHUNK)


def _header(columns: list[str]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- written by Amtsweg; XES 1849-2016 -->",
        f'<log xes.version="1849-2016" xes.features="" xmlns="{_XES_NAMESPACE}">',
    ]
    for name, prefix in _EXTENSIONS:
        lines.append(
            f'\t<extension name="{name}" prefix="{prefix}" uri="{_XES_NAMESPACE}{prefix}.xesext"/>'
        )
    lines.append('\t<global scope="trace">')
    lines.append(f'\t\t<string key="{schema.ACTIVITY}" value="__INVALID__"/>')
    lines.append("\t</global>")
    lines.append('\t<global scope="event">')
    if schema.ACTIVITY in columns:
        lines.append(f'\t\t<string key="{schema.ACTIVITY}" value="__INVALID__"/>')
    if schema.TIMESTAMP in columns:
        lines.append(f'\t\t<date key="{schema.TIMESTAMP}" value="1970-01-01T00:00:00.000+00:00"/>')
    lines.append("\t</global>")
    lines.append(f'\t<classifier name="Activity" keys="{schema.ACTIVITY}"/>')
    return "\n".join(lines) + "\n"


# what an attribute value cannot hold as it is; tab, newline and carriage return as character
# references, since a parser would turn them into spaces (attribute-value normalisation)
_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\t", "&#9;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
)


def _escaped(expr: pl.Expr) -> pl.Expr:
    for char, reference in _ESCAPES:
        expr = expr.str.replace_all(char, reference, literal=True)
    return expr


def _escape_text(text: str) -> str:
    for char, reference in _ESCAPES:
        text = text.replace(char, reference)
    return text


def _value_xml(
    column: str, dtype: pl.DataType, key: str, indent: str, target: Path
) -> pl.Expr | None:
    """``<type key="key" value="..."/>`` per row (null where the value is missing)."""
    col = pl.col(column)
    if dtype == pl.Null:
        return None
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            text, tag = col.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"), "date"
        else:
            utc = col.dt.convert_time_zone(schema.STORAGE_TIMEZONE)
            text, tag = utc.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00"), "date"
    elif isinstance(dtype, pl.Date):
        text, tag = col.dt.strftime("%Y-%m-%dT00:00:00"), "date"
    elif dtype.is_integer():
        text, tag = col.cast(pl.String), "int"
    elif dtype.is_float() or isinstance(dtype, pl.Decimal):
        text = col.cast(pl.Float64).cast(pl.String).replace({"inf": "INF", "-inf": "-INF"})
        tag = "float"
    elif dtype == pl.Boolean:
        text, tag = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false")), "boolean"
    elif dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text, tag = _escaped(col.cast(pl.String)), "string"
    else:
        raise _bilingual(
            "xes.write_type",
            f"Spalte hat den Typ {dtype}, den XES nicht kennt; bitte vorher in Text umwandeln",
            f"column has type {dtype}, which XES cannot hold; please convert it to text first",
            target,
            column=column,
        )
    opening = f'{indent}<{tag} key="{_escape_text(key)}" value="'
    return pl.when(col.is_not_null()).then(pl.lit(opening) + text + pl.lit('"/>\n'))


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _traces_xml(data: pl.DataFrame, target: Path) -> str:
    """Complete cases (sorted, contiguous) as XML text."""
    if data[schema.CASE].null_count():
        raise _bilingual(
            "value.missing",
            "Vorgang (Fall-ID) fehlt bei mindestens einem Ereignis",
            "case id is empty for at least one event",
            target,
            column=schema.CASE,
        )
    _refuse_control_characters(data, target)
    prefix = schema.CASE_ATTRIBUTE_PREFIX
    case_columns = [c for c in data.columns if c.startswith(prefix)]
    event_columns = [c for c in data.columns if not c.startswith(prefix)]

    varying = (
        data.group_by(schema.CASE).agg(
            pl.col(c).drop_nulls().n_unique().alias(c) for c in case_columns if c != schema.CASE
        )
        if len(case_columns) > 1
        else None
    )
    if varying is not None:
        for c in varying.columns[1:]:
            bad = varying.filter(pl.col(c) > 1)
            if bad.height:
                raise _bilingual(
                    "xes.case_attribute_varies",
                    "Vorgangsattribut hat in einem Vorgang verschiedene Werte; XES speichert "
                    "einen Wert je Trace",
                    "case attribute has different values within one case; XES stores one "
                    "value per trace",
                    target,
                    column=c,
                    value=bad[schema.CASE][0],
                )

    trace_parts = [
        _value_xml(
            c,
            data.schema[c],
            schema.ACTIVITY if c == schema.CASE else c[len(prefix) :],
            "\t\t",
            target,
        )
        for c in case_columns
    ]
    event_parts = [_value_xml(c, data.schema[c], c, "\t\t\t", target) for c in event_columns]
    trace_parts = [p for p in trace_parts if p is not None]
    event_parts = [p for p in event_parts if p is not None]
    case = pl.col(schema.CASE)
    first = case.is_first_distinct()
    last = case.is_last_distinct()
    trace_open = (
        pl.when(first)
        .then(
            pl.concat_str([pl.lit("\t<trace>\n"), *[p.fill_null(pl.lit("")) for p in trace_parts]])
            if trace_parts
            else pl.lit("\t<trace>\n")
        )
        .otherwise(pl.lit(""))
    )
    event = pl.concat_str(
        [
            pl.lit("\t\t<event>\n"),
            *[p.fill_null(pl.lit("")) for p in event_parts],
            pl.lit("\t\t</event>\n"),
        ]
    )
    trace_close = pl.when(last).then(pl.lit("\t</trace>\n")).otherwise(pl.lit(""))
    text = data.select(pl.concat_str([trace_open, event, trace_close]).str.join("").alias("x"))
    return text["x"][0]


def _refuse_control_characters(data: pl.DataFrame, target: Path) -> None:
    for c, dtype in data.schema.items():
        if dtype not in (pl.String, pl.Categorical) and not isinstance(dtype, pl.Enum):
            continue
        bad = data.filter(pl.col(c).cast(pl.String).str.contains(_CONTROL))
        if bad.height:
            raise _bilingual(
                "xes.write_control_character",
                "Wert enthält ein Steuerzeichen, das XML nicht darstellen kann",
                "value contains a control character that XML cannot hold",
                target,
                column=c,
                value=repr(bad[c].cast(pl.String)[0]),
            )
