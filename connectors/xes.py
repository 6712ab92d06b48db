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

Speed
    Files in the common shape (UTF-8, flat attributes in ``<trace>``/``<event>``) are read by
    a vectorised tokenizer: the decompressed stream is cut into blocks at tag boundaries,
    every block is split into tags with numpy and Arrow and checked and parsed with Polars
    (tag grammar, matching of open and close tags, the XES structure). Anything outside that
    shape (nested attributes, other encodings, CDATA, entity references it cannot resolve,
    unusual markup, or anything malformed) sends the whole file through the lxml
    ``iterparse`` reader, which is the reference: it reads every valid XES file and reports
    every malformed one with its line. Both produce the same frame (tests check this).

Writing (:func:`write_xes_log`) streams a canonical log (any frame narwhals accepts,
including a DuckDB relation) in chunks as XES 1849-2016 with the concept, time, org,
lifecycle and identity extensions declared.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Callable, Iterator
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

_BLOCK = 8 << 20  # decompressed bytes per block of the fast reader
_BATCH = 100_000  # events per batch of the lxml reader
_GZIP_MAGIC = b"\x1f\x8b"

_LEAF_TYPES = ("string", "date", "int", "float", "boolean", "id")
_NESTING_TYPES = ("list", "container")
_EVENT_TAG = "event"
_TRACE_TAG = "trace"
_LOG_TAG = "log"
_KEY = "key"
_VALUE = "value"
_NAME_ATTRIBUTE = schema.ACTIVITY  # concept:name: the name of a trace (and of an event)

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

    def column(self, key: str) -> str:
        return key if self.index == _EV else schema.CASE_ATTRIBUTE_PREFIX + key

    def add(self, owners: pl.DataFrame, long: pl.DataFrame) -> None:
        """Pivot a long block (_OWNER, _K, _T, _V) onto ``owners`` and type its columns."""
        if long.height == 0:
            self.blocks.append(owners)
            return
        block_types = dict(long.group_by(_K).agg(pl.col(_T).unique()).iter_rows())
        conflicts = set()
        for key, found in block_types.items():
            seen = self.types.setdefault(key, set())
            seen.update(found)
            if key not in self.text_keys and not self._text(key) and _column_type(seen) is None:
                conflicts.add(key)
        if conflicts:
            raise _Retype(
                frozenset(conflicts) if self.index == _EV else frozenset(),
                frozenset(conflicts) if self.index == _TR else frozenset(),
            )
        wide = long.pivot(
            on=_K, index=_OWNER, values=_V, aggregate_function=pl.element().last()
        ).rename({_OWNER: self.index})
        updates = []
        for key in wide.columns[1:]:
            values = wide[key]
            kind = "string" if self._text(key) else _column_type(block_types[key])
            typed = self._typed(values, wide[self.index], key, kind)
            updates.append(typed)
        wide = wide.with_columns(updates)
        self.blocks.append(owners.join(wide, on=self.index, how="left", maintain_order="left"))

    def _text(self, key: str) -> bool:
        """Kept as text: asked for, or a canonical text column (an id "007" stays "007")."""
        f = schema.FIELDS_BY_COLUMN.get(self.column(key))
        return key in self.text_keys or (f is not None and f.kind is schema.Kind.STRING)

    def _typed(self, values: pl.Series, owners: pl.Series, key: str, kind: str | None) -> pl.Series:
        if kind in ("string", None):
            return _compact(values)
        if kind == "date":
            text = values.str.strip_chars().str.replace(r"Z$", "+00:00")
            parsed = text.str.to_datetime(_XES_DATE, time_unit="us", strict=False)
            if parsed.null_count() == values.null_count():
                return parsed.dt.convert_time_zone(schema.STORAGE_TIMEZONE).alias(key)
            self.date_text.add(key)  # read with the shared timestamp rules at the end
            return _compact(values)
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
        bad = values.is_not_null() & cast.is_null()
        if bad.any():
            frame = pl.DataFrame({"v": values, "o": owners}).filter(bad)
            self.bad.setdefault(key, []).append(frame)
        return cast.alias(key)

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
    split_events: set[int] = field(default_factory=set)  # read in two blocks
    split_traces: set[int] = field(default_factory=set)

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
    # an event or trace cut by a block boundary comes in two pieces
    events = _joined_pieces(events, _EV, parts.split_events)
    traces = _joined_pieces(traces, _TR, parts.split_traces)
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
    frame = events.join(traces, on=_TR, how="left", maintain_order="left")
    frame = frame.drop(_TR).rename({_EV: schema.SOURCE_ROW})
    parts.details.update(
        traces=with_events.height,
        events=frame.height,
        traces_without_events=empty_traces,
        events_outside_traces=parts.loose_events,
        log_attributes=dict(parts.log_attributes),
    )
    return frame, warnings


def _joined_pieces(frame: pl.DataFrame, index: str, split: set[int]) -> pl.DataFrame:
    """One row per owner: pieces of an owner cut by a block boundary are joined (the last
    value of each attribute wins, as for a key given twice)."""
    if not split or frame.height == 0:
        return frame
    pieces = frame.filter(pl.col(index).is_in(sorted(split)))
    ids = pieces.group_by(index).len().filter(pl.col("len") > 1)[index]
    if ids.len() == 0:
        return frame
    joined = (
        pieces.filter(pl.col(index).is_in(ids.implode()))
        .group_by(index)
        .agg(pl.all().drop_nulls().last())
    )
    later = pl.col(index).is_in(ids.implode()) & ~pl.col(index).is_first_distinct()
    return frame.filter(~later).update(joined, on=index)


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
        try:
            data = self.stream.read(n)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise _damaged(self.file, exc) from None
        if self.progress is not None:
            self.progress(float(self.raw.tell()), float(self.size))
        return data

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
            pos = 0
            while True:
                m = _PROLOG_TOKEN.match(text, pos)
                if m is None:
                    break  # only whitespace so far, or an unfinished token: read on
                token = m.group(1)
                if token == "<!":
                    rest = text[m.start(1) : m.start(1) + 9].upper()
                    if rest.startswith(("<!DOCTYPE", "<!ENTITY")):
                        raise _doctype(file)
                    if len(text) - m.start(1) < 9 and chunk:
                        break  # too short to tell yet
                    return _Prolog(head, 0, fast=False)  # something else: lxml decides
                if token.startswith("<?") or token.startswith("<!--"):
                    pos = m.end()
                    continue
                if token.startswith("<"):
                    root = m.start(1)
                    fast = offset_known and _utf8_declared(text[:root])
                    return _Prolog(head, root if offset_known else 0, fast=fast)
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

_WS = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.:-]*"
_SIMPLE_LEAF = (
    r'^<(?:string|date|int|float|boolean|id) key="[^"<&]*" value="[^"<&]*" ?/>' + _WS + "*$"
)
_ANY_LEAF = (
    rf"^<(string|date|int|float|boolean|id){_WS}+(key|value){_WS}*={_WS}*"
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}+(key|value){_WS}*={_WS}*"""
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}*/>{_WS}*$"""
)
_STRUCTURAL = {"<trace>": 1, "</trace>": -1, "<event>": 1, "</event>": -1}
_TAG = re.compile(
    rf"""^<(?:/({_NAME}){_WS}*|({_NAME})((?:{_WS}+{_NAME}{_WS}*={_WS}*(?:"[^"<]*"|'[^'<]*'))*)"""
    rf"""{_WS}*(/?))>{_WS}*$"""
)
_ATTRIBUTE = re.compile(rf"""({_NAME}){_WS}*={_WS}*(?:"([^"<]*)"|'([^'<]*)')""")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass
class _FastState:
    stack: list[tuple[int, str]] = field(default_factory=list)  # open (level, name)
    root_seen: bool = False
    events: int = 0
    traces: int = 0


def _fast_parts(file: Path, prolog: _Prolog, progress: Progress | None, parts: _Parts) -> None:
    state = _FastState()
    with _Source(file, progress) as src:
        src.read(len(prolog.head))  # already in prolog.head
        carry = prolog.head[prolog.root :]
        eof = False
        while not eof:
            more = src.read(_BLOCK)
            eof = not more
            data = carry + more
            if eof:
                block, carry = data, b""
            else:
                # cut before an event where possible, so that events are rarely cut in two
                cut = data.rfind(b"<event", len(data) // 2)
                cut = cut if cut != -1 else data.rfind(b"<")
                opened = data.rfind(b"<!--")
                if opened != -1 and data.find(b"-->", opened) == -1:
                    cut = min(cut, opened)
                if cut <= 0:
                    carry = data
                    continue
                block, carry = data[:cut], data[cut:]
            if block:
                _fast_block(block, state, parts)
    if state.stack or not state.root_seen:
        raise _Unsupported("document not closed")
    parts.traces_seen = state.traces
    parts.events_seen = state.events


def _fast_block(block: bytes, state: _FastState, parts: _Parts) -> None:
    if b"<!--" in block:
        if any(b"--" in m.group(1) for m in _COMMENT.finditer(block)):
            raise _Unsupported("comment with --")
        block = _COMMENT.sub(b"", block)
    if b"\xef\xbf\xbe" in block or b"\xef\xbf\xbf" in block:
        raise _Unsupported("non-character")
    try:
        codecs.utf_8_decode(block, "strict", True)
    except UnicodeDecodeError as exc:
        raise _Unsupported("not utf-8") from exc
    raw = np.frombuffer(block, dtype=np.uint8)
    controls = int(np.count_nonzero(raw < 32))
    if controls != block.count(b"\n") + block.count(b"\t") + block.count(b"\r"):
        raise _Unsupported("control character")
    starts = np.flatnonzero(raw == 60)
    if len(starts) == 0 or starts[0] != 0:
        if block.strip(b" \t\r\n"):
            raise _Unsupported("text outside tags")
        return
    offsets = np.empty(len(starts) + 1, dtype=np.int32)
    offsets[:-1] = starts
    offsets[-1] = len(block)
    tokens = pl.from_arrow(
        pa.StringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(block))
    )
    frame = _tokens(tokens.alias("t"))
    _structure(frame, state, parts)


def _tokens(t: pl.Series) -> pl.DataFrame:
    """Each tag as (name, kind 1 open / -1 close / 0 empty, key, value)."""
    col = pl.col("t")
    frame = pl.DataFrame({"t": t}).with_columns(
        col.str.contains(_SIMPLE_LEAF).alias("simple"),
        col.str.strip_chars_end(" \t\r\n")
        .replace_strict(_STRUCTURAL, default=None, return_dtype=pl.Int8)
        .alias("structural"),
    )
    parts = frame.select(
        pl.when(pl.col("simple")).then(col).otherwise(None).str.split_exact('"', 4).alias("p"),
        pl.col("simple"),
        pl.col("structural"),
        col.str.strip_chars_end(" \t\r\n")
        .str.strip_prefix("</")
        .str.strip_prefix("<")
        .str.strip_suffix(">")
        .alias("sname"),
    ).unnest("p")
    out = parts.select(
        pl.when(pl.col("simple"))
        .then(pl.col("field_0").str.strip_prefix("<").str.strip_suffix(" key="))
        .when(pl.col("structural").is_not_null())
        .then(pl.col("sname"))
        .alias("name"),
        pl.when(pl.col("simple"))
        .then(pl.lit(0, pl.Int8))
        .otherwise(pl.col("structural"))
        .alias("kind"),
        pl.col("field_1").alias("key"),
        pl.col("field_3").alias("value"),
    )
    rest = np.flatnonzero(out["kind"].is_null().to_numpy())
    if len(rest):
        out = _other_tokens(out, t, rest)
    return out


def _other_tokens(out: pl.DataFrame, t: pl.Series, rest: np.ndarray) -> pl.DataFrame:
    """Tags that are neither the usual attribute form nor a bare trace/event tag."""
    others = t.gather(rest).to_frame("t")
    leaf = others.select(pl.col("t").str.extract_groups(_ANY_LEAF).alias("g")).unnest("g")
    k1 = pl.coalesce(pl.col("3"), pl.col("4"))
    k2 = pl.coalesce(pl.col("6"), pl.col("7"))
    leaf = leaf.select(
        pl.col("1").alias("name"),
        pl.when(pl.col("2") == "key").then(k1).otherwise(k2).alias("key"),
        pl.when(pl.col("2") == "value").then(k1).otherwise(k2).alias("value"),
        (pl.col("2") != pl.col("5")).alias("ok"),
    )
    name = leaf["name"].to_list()
    key = leaf["key"].to_list()
    value = leaf["value"].to_list()
    kind: list[int | None] = [0 if n is not None else None for n in name]
    if not leaf.select((pl.col("ok") | pl.col("name").is_null()).all()).item():
        raise _Unsupported("attribute given twice")
    texts = others["t"].to_list()
    for i, n in enumerate(name):
        if n is not None:
            continue
        m = _TAG.match(texts[i])
        if m is None:
            raise _Unsupported("unusual markup")
        if m.group(1) is not None:
            name[i], kind[i] = m.group(1), -1
            continue
        found: dict[str, str] = {}
        for a in _ATTRIBUTE.finditer(m.group(3)):
            if a.group(1) in found:
                raise _Unsupported("attribute given twice")
            found[a.group(1)] = a.group(2) if a.group(2) is not None else a.group(3)
        name[i] = m.group(2)
        kind[i] = 0 if m.group(4) else 1
        key[i], value[i] = found.get(_KEY), found.get(_VALUE)
        if name[i] == _LOG_TAG and kind[i] == 1:
            # remembered only for log attributes' sake; nothing to do
            pass
    idx = pl.Series(rest, dtype=pl.Int64)
    return out.with_columns(
        out["name"].scatter(idx, pl.Series(name, dtype=pl.String)),
        out["kind"].scatter(idx, pl.Series(kind, dtype=pl.Int8)),
        out["key"].scatter(idx, pl.Series(key, dtype=pl.String)),
        out["value"].scatter(idx, pl.Series(value, dtype=pl.String)),
    )


def _structure(frame: pl.DataFrame, state: _FastState, parts: _Parts) -> None:
    """Check nesting and XES structure of one block; add its events and attributes."""
    base = len(state.stack)
    kind = pl.col("kind")
    name = pl.col("name")
    frame = frame.with_columns((pl.lit(base) + kind.cum_sum()).alias("after"))
    frame = frame.with_columns(
        pl.when(kind == -1)
        .then(pl.col("after") + 1)
        .otherwise(pl.col("after") + (kind == 0))
        .cast(pl.Int32)
        .alias("level")
    )
    if frame["after"].min() < 0:
        raise _Unsupported("close tag without open tag")

    # every level alternates open, close, open, ... and a close names its open
    carried = pl.DataFrame(
        {
            "level": [lvl for lvl, _ in state.stack],
            "kind": [1] * base,
            "name": [n for _, n in state.stack],
        },
        schema={"level": pl.Int32, "kind": pl.Int8, "name": pl.String},
    )
    tags = pl.concat([carried, frame.filter(kind != 0).select("level", "kind", "name")])
    checked = tags.with_columns(
        kind.shift(1).over("level").alias("pk"), name.shift(1).over("level").alias("pn")
    )
    wrong = checked.filter(
        (pl.col("pk").is_null() & (kind == -1))
        | (pl.col("pk") == kind)
        | ((kind == -1) & (name != pl.col("pn")))
    )
    if wrong.height:
        raise _Unsupported("tags do not match")
    last = tags.group_by("level").agg(kind.last(), name.last()).filter(kind == 1).sort("level")
    roots = frame.filter((pl.col("level") == 1) & (kind != -1))
    if roots.height:
        if (
            state.root_seen
            or roots.height > 1
            or roots["name"][0] != _LOG_TAG
            or roots["kind"][0] != 1
        ):
            raise _Unsupported("root is not one <log>")
        state.root_seen = True
    if frame.filter(pl.col("level") == 1).height and not state.root_seen:
        raise _Unsupported("no root")

    level2 = next((n for lvl, n in state.stack if lvl == 2), None)
    frame = frame.with_columns(
        pl.when((kind == 1) & (pl.col("level") == 2))
        .then(name)
        .forward_fill()
        .fill_null(pl.lit(level2, dtype=pl.String))
        .alias("anc2")
    )
    level = pl.col("level")
    leaf = (kind == 0) & name.is_in(_LEAF_TYPES) & pl.col("key").is_not_null()
    leaf = leaf & pl.col("value").is_not_null()
    in_trace = (level >= 3) & (pl.col("anc2") == _TRACE_TAG)
    is_event = (name == _EVENT_TAG) & (kind != 0)
    allowed = (
        pl.when(~in_trace)
        .then(
            # trace and event tags belong in one place only
            ~((name == _TRACE_TAG) & (level != 2)) & ~(name == _EVENT_TAG)
        )
        .when(level == 3)
        .then(leaf | is_event)
        .when(level == 4)
        .then(leaf)
        .otherwise(False)
    )
    if not frame.select(allowed.all()).item():
        raise _Unsupported("nested attributes or elements the fast reader does not know")

    frame = frame.with_columns(
        (pl.lit(state.events, pl.Int64) + ((kind == 1) & (name == _EVENT_TAG)).cum_sum()).alias(
            _EV
        ),
        (
            pl.lit(state.traces, pl.Int64)
            + ((kind != -1) & (name == _TRACE_TAG) & (level == 2)).cum_sum()
        ).alias(_TR),
    )
    events = frame.filter((kind == 1) & (name == _EVENT_TAG)).select(_EV, _TR)
    if any(lvl == 3 and n == _EVENT_TAG for lvl, n in state.stack):
        # an event cut by the block boundary: its attributes here join its row from before
        parts.split_events.add(state.events)
        events = pl.concat(
            [pl.DataFrame({_EV: [state.events], _TR: [state.traces]}, schema=events.schema), events]
        )
    if any(lvl == 2 and n == _TRACE_TAG for lvl, n in state.stack):
        parts.split_traces.add(state.traces)
    attrs = frame.filter(leaf & in_trace).select(
        level, pl.col(_EV), pl.col(_TR), name.alias(_T), pl.col("key"), pl.col("value")
    )
    attrs = _normalised(attrs)
    event_long = attrs.filter(level == 4).select(pl.col(_EV).alias(_OWNER), _K, _T, _V)
    trace_long = attrs.filter(level == 3).select(pl.col(_TR).alias(_OWNER), _K, _T, _V)
    parts.add(events, event_long, trace_long)
    log_attrs = frame.filter(leaf & (level == 2))
    for k, v in zip(log_attrs["key"].to_list(), log_attrs["value"].to_list(), strict=True):
        parts.log_attributes.setdefault(_attribute_text(k), _attribute_text(v))

    state.events = int(frame[_EV][-1])
    state.traces = int(frame[_TR][-1])
    state.stack = list(zip(last["level"].to_list(), last["name"].to_list(), strict=True))


def _normalised(attrs: pl.DataFrame) -> pl.DataFrame:
    """Keys and values as an XML parser reports them (whitespace normalised, entities)."""
    special = r"[\t\r\n&]"
    out = attrs.rename({"key": _K, "value": _V})
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
_WRITE_CHUNK = 200_000


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
    ordered = _write_order(lf, columns)
    written = [c for c in columns if c != schema.SOURCE_ROW]
    part = target.with_name(target.name + ".part")
    compress = target.name.lower().endswith(".gz")
    try:
        with gzip.open(part, "wb", compresslevel=6) if compress else open(part, "wb") as out:
            out.write(_header(written).encode("utf-8"))
            carry: pl.DataFrame | None = None
            for chunk in _chunks(ordered, written):
                data = chunk if carry is None else pl.concat([carry, chunk], how="vertical_relaxed")
                # the last case may go on in the next chunk: keep it back
                last = data[schema.CASE][-1]
                cut = int((data[schema.CASE] == last).arg_true()[0]) if last is not None else 0
                ready, carry = data.slice(0, cut), data.slice(cut)
                if ready.height:
                    out.write(_traces_xml(ready, target).encode("utf-8"))
            if carry is not None and carry.height:
                out.write(_traces_xml(carry, target).encode("utf-8"))
            out.write(b"</log>\n")
        os.replace(part, target)
    finally:
        if part.exists():
            part.unlink()
    return target


def _write_order(lf: nw.LazyFrame, columns: list[str]) -> nw.LazyFrame:
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


def _escaped(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all('"', "&quot;", literal=True)
        .str.replace_all("\t", "&#9;", literal=True)
        .str.replace_all("\n", "&#10;", literal=True)
        .str.replace_all("\r", "&#13;", literal=True)
    )


def _escape_text(text: str) -> str:
    return pl.select(_escaped(pl.lit(text))).item()


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
