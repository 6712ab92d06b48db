"""Attributes of one owner kind (events or traces): pivoting long blocks of (owner, key,
type, value) into typed columns, reconciling the types of blocks, bad values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.timestamps import parse_timestamps
from connectors.xes.vocabulary import (
    EVENT_NO,
    KEY_COLUMN,
    OWNER_NO,
    TRACE_NO,
    TYPE_COLUMN,
    VALUE_COLUMN,
    XES_DATE,
)


class Retype(Exception):
    """Keys whose values have different types in different blocks: to be read as text."""

    def __init__(self, event_keys: frozenset[str], trace_keys: frozenset[str]):
        super().__init__(sorted(event_keys | trace_keys))
        self.event_keys = event_keys
        self.trace_keys = trace_keys


@dataclass
class Attributes:
    """Typed wide blocks of one owner kind (events or traces) and what typing them found."""

    index: str  # EVENT_NO or TRACE_NO
    text_keys: frozenset[str]  # keys read as text whatever their elements say
    blocks: list[pl.DataFrame] = field(default_factory=list)
    types: dict[str, set[str]] = field(default_factory=dict)  # XES types seen per key
    date_text: set[str] = field(default_factory=set)  # date keys not in the usual form
    bad: dict[str, list[pl.DataFrame]] = field(default_factory=dict)  # key -> (value, owner)

    def add(self, owners: pl.DataFrame, long: pl.DataFrame) -> None:
        """Pivot a long block (OWNER_NO, KEY_COLUMN, TYPE_COLUMN, VALUE_COLUMN) onto
        ``owners``, type it and keep it."""
        self.merge(widened(owners, long, self.index, self.text_keys))

    def merge(self, widened: Widened) -> None:
        """Keep a widened block (blocks come in file order)."""
        conflicts = self.declare(widened.types)
        if conflicts:
            raise Retype(
                conflicts if self.index == EVENT_NO else frozenset(),
                conflicts if self.index == TRACE_NO else frozenset(),
            )
        self.date_text |= widened.date_text
        for key, bad in widened.bad.items():
            self.bad.setdefault(key, []).append(bad)
        self._append(widened.block)

    def declare(self, types: Mapping[str, set[str]]) -> frozenset[str]:
        """Count ``types`` (XES types per key) as seen; the keys whose types now disagree
        (they are to be read as text)."""
        conflicts = set()
        for key, found in types.items():
            seen = self.types.setdefault(key, set())
            seen.update(found)
            if column_type(seen) is None and not self.as_text(key):
                conflicts.add(key)
        return frozenset(conflicts)

    def as_text(self, key: str) -> bool:
        return as_text(key, self.index, self.text_keys)

    def kind(self, key: str) -> str | None:
        """The type ``key`` is read as: "string", "date", "int", "float" or "boolean"."""
        return "string" if self.as_text(key) else column_type(self.types.get(key, set()))

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
            kind = column_type(self.types[key])
            errors.extend(
                self._bad_values(pl.concat(frames), kind=kind or "string", key=key, source=source)
            )
        float_keys = {k for k, t in self.types.items() if column_type(t) == "float"}
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
        trace = self.index == TRACE_NO
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
            if k in self.types and column_type(self.types[k]) is None
        ]


@dataclass
class Widened:
    """One block of one owner kind, typed, with what typing it found."""

    block: pl.DataFrame  # owners (index column first) and their attribute columns
    types: dict[str, set[str]]  # XES types per key in this block
    date_text: set[str]  # date keys not in the usual form (read as text for now)
    bad: dict[str, pl.DataFrame]  # key -> values that do not fit their type (v, o)


def _column_name(key: str, index: str) -> str:
    return key if index == EVENT_NO else schema.CASE_ATTRIBUTE_PREFIX + key


def as_text(key: str, index: str, text_keys: frozenset[str]) -> bool:
    """Kept as text: asked for, or a canonical text column (an id "007" stays "007")."""
    f = schema.FIELDS_BY_COLUMN.get(_column_name(key, index))
    return key in text_keys or (f is not None and f.kind is schema.Kind.STRING)


def widened(
    owners: pl.DataFrame, long: pl.DataFrame, index: str, text_keys: frozenset[str]
) -> Widened:
    """Pivot a long block (OWNER_NO, KEY_COLUMN, TYPE_COLUMN, VALUE_COLUMN) onto ``owners``
    and type its columns by the block's own types (blocks are reconciled when merged). Pure:
    runs in worker threads."""
    if long.height == 0:
        return Widened(owners, {}, set(), {})
    types = {
        k: set(t)
        for k, t in long.group_by(KEY_COLUMN).agg(pl.col(TYPE_COLUMN).unique()).iter_rows()
    }
    wide = long.pivot(
        on=KEY_COLUMN, index=OWNER_NO, values=VALUE_COLUMN, aggregate_function=pl.element().last()
    ).rename({OWNER_NO: index})
    date_text: set[str] = set()
    bad: dict[str, pl.DataFrame] = {}
    updates = []
    for key in wide.columns[1:]:
        kind = "string" if as_text(key, index, text_keys) else column_type(types[key])
        column, is_date_text, wrong = typed(wide[key], wide[index], key, kind)
        updates.append(column)
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
    return Widened(wide, types, date_text, bad)


def typed(
    values: pl.Series, owners: pl.Series, key: str, kind: str | None
) -> tuple[pl.Series, bool, pl.DataFrame | None]:
    """``values`` as ``kind``; whether they are dates left as text; the values that do not
    fit (value, owner)."""
    if kind in ("string", None):
        return _compact(values), False, None
    if kind == "date":
        text = values.str.strip_chars().str.replace(r"Z$", "+00:00")
        parsed = text.str.to_datetime(XES_DATE, time_unit="us", strict=False)
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


def column_type(found: set[str]) -> str | None:
    kinds = {"string" if t == "id" else t for t in found}
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"int", "float"}:
        return "float"
    return None
