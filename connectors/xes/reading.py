"""Reading an XES file: the public entry point and the choice between the two readers."""

from __future__ import annotations

import contextlib
import ctypes
import os
from pathlib import Path
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem
from connectors.event_log import Duplicates, EventLog, finalize_event_log
from connectors.mapping import (
    Mapping,
    apply_mapping,
    mapping_names,
    merged_label_warnings,
    read_mapping,
)
from connectors.xes.assembly import Parts, assemble
from connectors.xes.attributes import Retype
from connectors.xes.errors import Unsupported, bilingual, empty_file
from connectors.xes.fast_reader import fast_parts
from connectors.xes.prolog import read_prolog
from connectors.xes.reference_reader import lxml_parts
from connectors.xes.required_attributes import missing_required_attributes
from connectors.xes.source import Progress


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
    attributes, global defaults, missing case ids, safety) are in the docstring of
    :mod:`connectors.xes`. Raises :class:`InputError` (events that lack a required
    attribute: see :mod:`connectors.xes.required_attributes`).
    """
    file = Path(path)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    zone = timezone or (mapping.source.timezone if mapping else None) or schema.DEFAULT_TIMEZONE
    frame, warnings, details = _read_frame(file, timezone=zone, progress=progress)
    _release_free_memory()
    details["timezone"] = zone
    if mapping is not None:
        warnings = [*warnings, *merged_label_warnings(frame, mapping, source=str(file))]
        frame = apply_mapping(frame, mapping, source=str(file))
        details["mapping"] = mapping.path or "given"
    names = mapping_names(mapping)
    missing = missing_required_attributes(
        frame, file=file, names=names, defaults=details["global_defaults"]
    )
    if missing:
        raise InputError(missing)
    return finalize_event_log(
        frame,
        source=str(file),
        timezone=zone,
        duplicates=duplicates,
        names=names,
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
        raise bilingual("file.not_found", "Datei nicht gefunden", "file not found", file)
    if file.stat().st_size == 0:
        raise empty_file(file)
    prolog = read_prolog(file)
    text_keys: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    reason = "" if prolog.fast else "encoding or prolog"
    use_fast = prolog.fast and reader != "lxml"
    if reader == "fast" and not prolog.fast:
        raise Unsupported(reason)
    while True:
        parts = Parts(file=file, timezone=timezone, text_keys=text_keys)
        try:
            if use_fast:
                try:
                    fast_parts(file, prolog, progress, parts)
                    parts.details["reader"] = "fast"
                except Unsupported as exc:
                    if reader == "fast":
                        raise
                    reason, use_fast = str(exc), False
                    continue
            else:
                lxml_parts(file, progress, parts)
                parts.details.update(reader="lxml", reader_reason=reason)
            frame, warnings = assemble(parts)
        except Retype as retype:
            # a key changed its type between blocks: read again, keeping those keys as text
            text_keys = (text_keys[0] | retype.event_keys, text_keys[1] | retype.trace_keys)
            continue
        return frame, warnings, {"format": "xes", **parts.details}
