"""What reading a table (CSV, Excel, Parquet) shares: the header row, header names, extra
column types and the step from raw columns to a finalised event log.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, problem
from connectors.event_log import EventLog, finalize_event_log
from connectors.mapping import (
    Mapping,
    apply_mapping,
    automatic_mapping,
    mapping_names,
    merged_label_warnings,
)

#: How many rows a proposal or an automatic mapping looks at.
SAMPLE_ROWS = 2000
#: How many records above the data header detection considers.
HEADER_SEARCH = 30

Progress = Callable[..., Any] | None


def detect_header_row(records: Sequence[Sequence[str]], *, wanted: Iterable[str] = ()) -> int:
    """Index of the header among the first ``records`` (lists of cell texts).

    Exports often put a title line, a date or a blank line above the header. Rules:
    when ``wanted`` (the source columns a mapping names) is given, the first record holding
    all of them; otherwise the first record with at least two filled cells (one for a
    one-column table) and at least half as many filled cells as the fullest record of the
    sample. Returns 0 when nothing fits (the first record is the header).
    """
    wanted = {w.strip() for w in wanted if w}
    cleaned = [[str(c).strip() for c in record] for record in records[:HEADER_SEARCH]]
    if wanted:
        for i, record in enumerate(cleaned):
            if wanted <= set(record):
                return i
    filled = [sum(1 for c in record if c) for record in cleaned]
    if not filled:
        return 0
    widest = max(filled)
    need = 1 if widest <= 1 else max(2, math.ceil(widest / 2))
    for i, count in enumerate(filled):
        if count >= need:
            return i
    return 0


def unique_headers(names: Sequence[Any]) -> list[str]:
    """Header names trimmed, empty ones named ``Spalte 3``, repeated ones ``Betrag (2)``."""
    result: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        text = "" if name is None else str(name).strip()
        if not text:
            text = f"Spalte {position}"
        candidate, n = text, 1
        while candidate in seen:
            n += 1
            candidate = f"{text} ({n})"
        seen.add(candidate)
        result.append(candidate)
    return result


_INTEGER = r"^-?(0|[1-9][0-9]{0,17})$"
_DECIMAL_POINT = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
_DECIMAL_COMMA = r"^-?(0|[1-9][0-9]*|[1-9][0-9]{0,2}(\.[0-9]{3})+)(,[0-9]+)?$"
_PROBE = 1000


def numeric_extra_columns(frame: pl.DataFrame, *, decimal: str) -> tuple[pl.DataFrame, dict]:
    """``frame`` with extra (non-canonical) text columns that are numbers typed as numbers.

    A column becomes Int64 when every filled value is a whole number without leading zeros
    (so ``007`` and postcodes like ``01067`` stay text), and Float64 when every filled value
    is a number in the file's decimal convention and at least one has a decimal separator:
    with ``decimal=","`` ``12,50`` and ``1.234,50`` (thousands dots) are read, with ``"."``
    ``12.50``. Anything else stays text. Returns the frame and {column: "integer"|"decimal"}.
    """
    decimal_pattern = _DECIMAL_COMMA if decimal == "," else _DECIMAL_POINT
    separator = "," if decimal == "," else "."
    updates: list[pl.Expr] = []
    typed: dict[str, str] = {}
    for name, dtype in frame.schema.items():
        if name in schema.FIELDS_BY_COLUMN or dtype != pl.String:
            continue
        values = frame[name]
        probe = values.drop_nulls().head(_PROBE)
        if probe.is_empty():
            continue
        if probe.str.contains(_INTEGER).all() and _all_match(values, _INTEGER):
            updates.append(pl.col(name).cast(pl.Int64, strict=False))
            typed[name] = "integer"
        elif (
            probe.str.contains(decimal_pattern).all()
            and _all_match(values, decimal_pattern)
            and values.str.contains(separator, literal=True).any()
        ):
            number = pl.col(name)
            if decimal == ",":
                number = number.str.replace_all(".", "", literal=True)
                number = number.str.replace(",", ".", literal=True)
            updates.append(number.cast(pl.Float64, strict=False))
            typed[name] = "decimal"
    if not updates:
        return frame, typed
    return frame.with_columns(updates), typed


def _all_match(values: pl.Series, pattern: str) -> bool:
    return bool((values.str.contains(pattern) | values.is_null()).all())


def drop_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` without rows in which every source cell is empty (blank lines, ``;;;``)."""
    cells = [c for c in frame.columns if c != schema.SOURCE_ROW]
    if not cells:
        return frame
    return frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in cells))


def drop_unnamed_empty_columns(frame: pl.DataFrame, generated: Iterable[str]) -> pl.DataFrame:
    """``frame`` without columns that had no header and hold no value (trailing ``;``)."""
    empty = [c for c in generated if c in frame.columns and frame[c].null_count() == frame.height]
    return frame.drop(empty) if empty else frame


def whole_numbers_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Canonical text columns holding floats (Excel cells, Parquet) with whole numbers written
    ``8`` instead of ``8.0``."""
    updates = []
    for name, dtype in frame.schema.items():
        f = schema.FIELDS_BY_COLUMN.get(name)
        if f is None or f.kind is not schema.Kind.STRING or dtype not in (pl.Float32, pl.Float64):
            continue
        whole = (pl.col(name) % 1 == 0) & (pl.col(name).abs() < 2**53)
        updates.append(
            pl.when(whole)
            .then(pl.col(name).cast(pl.Int64).cast(pl.String))
            .otherwise(pl.col(name).cast(pl.String))
            .alias(name)
        )
    return frame.with_columns(updates) if updates else frame


def finalize_table(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    source: str,
    mapping: Mapping | None,
    timezone: str | None,
    duplicates: str,
    details: dict[str, Any],
    problems: Sequence[Problem] = (),
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    decimal: str | None = None,
) -> EventLog:
    """A raw table (source headers, :data:`schema.SOURCE_ROW` set) as a validated event log.

    A lazy ``frame`` is mapped lazily (dropped columns are never loaded) and then collected.

    Applies ``mapping``, or, without one, an :func:`~connectors.mapping.automatic_mapping`
    from the first rows (which refuses unclear files and says what it assigned). ``prepare``
    runs on the mapped frame before finalisation (e.g. Excel serial dates); with ``decimal``
    numeric extra text columns are typed (:func:`numeric_extra_columns`).
    """
    warnings = list(problems)
    if mapping is None:
        head = frame.head(SAMPLE_ROWS)
        if isinstance(head, pl.LazyFrame):
            head = head.collect()
        mapping, note = automatic_mapping(head, source=source)
        warnings.append(note)
        details["mapping"] = "automatic"
        details["mapped_columns"] = dict(mapping.columns)
    else:
        details["mapping"] = mapping.path or "given"
    mapped = apply_mapping(frame, mapping, source=source)
    warnings += merged_label_warnings(frame, mapping, source=source)
    _require_columns(mapped, frame, mapping, source=source)
    if isinstance(mapped, pl.LazyFrame):
        mapped = mapped.collect()
    mapped = whole_numbers_as_text(mapped)
    if prepare is not None:
        mapped = prepare(mapped)
    if decimal is not None:
        mapped, typed = numeric_extra_columns(mapped, decimal=decimal)
        if typed:
            details["typed_columns"] = typed
    zone = timezone or mapping.source.timezone or schema.DEFAULT_TIMEZONE
    details["timezone"] = zone
    return finalize_event_log(
        mapped,
        source=source,
        timezone=zone,
        duplicates=duplicates,
        names=mapping_names(mapping),
        details=details,
        problems=tuple(warnings),
    )


def _require_columns(mapped, frame, mapping: Mapping, *, source: str) -> None:
    """Refuse a mapping that leaves a required column unmapped, naming the file's columns."""
    present = set(mapped.collect_schema().names())
    headers = [c for c in frame.collect_schema().names() if c != schema.SOURCE_ROW]
    shown = ", ".join(headers) or "—"
    problems = [
        problem(
            "column.missing",
            f"Pflichtspalte {f.label_de} ist nicht zugeordnet ({mapping.label}); Spalten der "
            f'Datei: {shown}. Unter [columns] {f.key} = "…" eintragen',
            f"required column {f.label_en} is not mapped ({mapping.label}); columns of the "
            f'file: {shown}. Add {f.key} = "..." under [columns]',
            file=source,
            column=f.key,
        )
        for f in schema.FIELDS
        if f.required and f.column not in present
    ]
    if problems:
        raise InputError(problems)


def report(progress: Progress, done: float, total: float | None = None) -> None:
    """Call a progress callback ``progress(done, total)`` if there is one."""
    if progress is not None:
        progress(done, total)
