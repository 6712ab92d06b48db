"""Event and object attributes: their columns, declared types, casts, and OCEL times.

An attribute declared with different types by different event/object types, one not declared
at all, or one whose values do not fit its declared type stays text (a warning). Times with an
offset are that instant, times without one are wall-clock time in the given timezone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.ocel.log import OCEL_ATTRIBUTE_TYPES
from connectors.ocel.references import SHOWN
from connectors.timestamps import parse_timestamps

_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"


def instants(
    values: pl.Series, *, column: str, rows: pl.Series, source: str, timezone: str
) -> pl.Series:
    """OCEL times as UTC instants: each with an offset as given, each without read in
    ``timezone`` (see the module documentation for why both may occur in one file)."""
    text = values.cast(pl.String).str.strip_chars()
    # "+01" (hours only, as PostgreSQL prints offsets) → "+01:00"
    text = text.str.replace(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})$", "${1}${2}:00")
    frame = pl.DataFrame({"v": text, "row": rows}).with_row_index("_i")
    frame = frame.with_columns(pl.col("v").str.contains(_OFFSET).fill_null(False).alias("aware"))
    parts = []
    for aware in (True, False):
        part = frame.filter(pl.col("aware") == aware)
        if part.height:
            parsed = parse_timestamps(
                part["v"], column=column, source=source, rows=part["row"], timezone=timezone
            )
            parts.append(part.select("_i").with_columns(parsed.alias("t")))
    if not parts:
        return pl.Series(values.name, [], dtype=pl.Datetime("us", schema.STORAGE_TIMEZONE))
    return pl.concat(parts).sort("_i")["t"].alias(values.name)


def attribute_column(name: str, reserved: Iterable[str]) -> str:
    """The column of attribute ``name``: its name, unless that is one of the table's own."""
    return f"attribute:{name}" if name in reserved else name


def renamed_attributes(names: Mapping[str, str], *, source: str) -> list[Problem]:
    return [
        problem(
            "ocel.attribute.renamed",
            f"Attribut „{name}“ heißt wie eine OCEL-Spalte und wird als „{column}“ geführt",
            f"attribute '{name}' has the name of an OCEL column and is kept as '{column}'",
            file=source,
            column=name,
            severity=Severity.WARNING,
        )
        for name, column in names.items()
        if name != column
    ]


def declared_order(types: Mapping[str, Mapping[str, str]], names: Mapping[str, str]) -> list[str]:
    order = [a for attrs in types.values() for a in attrs]
    return list(dict.fromkeys([*order, *names]))


def attribute_types(
    types: Mapping[str, Mapping[str, str]], names: Mapping[str, str]
) -> dict[str, str]:
    """Column → OCEL type: the declared type where all declarations agree, else string."""
    seen: dict[str, set[str]] = {}
    for attrs in types.values():
        for name, kind in attrs.items():
            seen.setdefault(name, set()).add(kind if kind in OCEL_ATTRIBUTE_TYPES else "string")
    return {
        names.get(name, name): (kinds.pop() if len(kinds) == 1 else "string")
        for name, kinds in seen.items()
    }


def pivot(long: pl.DataFrame, *, index: str, order: list[str]) -> pl.DataFrame:
    if not long.height:
        return pl.DataFrame(schema={index: long.schema[index]})
    wide = long.pivot(on="_name", index=index, values="_value", aggregate_function="first")
    present = [c for c in order if c in wide.columns]
    return wide.select([index, *present])


def undeclared(
    long: pl.DataFrame, types: Mapping[str, Mapping[str, str]], *, what: str, source: str
) -> list[Problem]:
    if not long.height:
        return []
    pairs = long.select("_kind", "_name").unique(maintain_order=True).iter_rows()
    found = []
    for kind, name in pairs:
        if kind in types and name not in types[kind]:
            de_what = "Ereignistyp" if what == "event" else "Objekttyp"
            found.append(
                problem(
                    f"ocel.{what}.undeclared_attribute",
                    f"Attribut „{name}“ ist beim {de_what} „{kind}“ nicht deklariert; es wird "
                    "als Text gelesen",
                    f"attribute '{name}' is not declared for {what} type '{kind}'; it is read "
                    "as text",
                    file=source,
                    column=name,
                    severity=Severity.WARNING,
                )
            )
    return found[:SHOWN]


def typed_columns(
    frame: pl.DataFrame,
    kinds: Mapping[str, str],
    *,
    ids: pl.Series,
    what: str,
    source: str,
    timezone: str,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Text attribute columns cast to their declared OCEL types; a column whose values do not
    fit stays text (with a warning naming the first misfit)."""
    updates, found = [], []
    for column, kind in kinds.items():
        if column not in frame.columns or kind == "string":
            continue
        text = frame[column].str.strip_chars().replace("", None)
        typed = _cast(text, kind, column=column, source=source, timezone=timezone)
        bad = text.is_not_null() & typed.is_null() if typed is not None else None
        if typed is None or bad.any():
            first = int(bad.arg_max()) if bad is not None else 0
            found.append(
                problem(
                    f"ocel.{what}.attribute_type",
                    f"Attribut „{column}“ ist als {kind} deklariert, aber „{text[first]}“ "
                    f"({'Ereignis' if what == 'event' else 'Objekt'} „{ids[first]}“) passt "
                    "nicht; die Spalte wird als Text gelesen",
                    f"attribute '{column}' is declared {kind}, but '{text[first]}' "
                    f"({what} '{ids[first]}') does not fit; the column is read as text",
                    file=source,
                    column=column,
                    value=text[first],
                    severity=Severity.WARNING,
                )
            )
            continue
        updates.append(typed.alias(column))
    return frame.with_columns(updates), found


def _cast(
    text: pl.Series, kind: str, *, column: str, source: str, timezone: str
) -> pl.Series | None:
    if kind == "integer":
        both = pl.DataFrame(
            {"i": text.cast(pl.Int64, strict=False), "f": text.cast(pl.Float64, strict=False)}
        )
        whole = pl.col("f").is_finite() & (pl.col("f") == pl.col("f").floor())
        return both.select(
            pl.when(pl.col("i").is_not_null())
            .then(pl.col("i"))
            .when(whole)
            .then(pl.col("f").cast(pl.Int64, strict=False))
        ).to_series()
    if kind == "float":
        return text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        low = text.str.to_lowercase()
        return pl.select(
            pl.when(low.is_in(["true", "1"])).then(True).when(low.is_in(["false", "0"])).then(False)
        ).to_series()
    if kind == "time":
        try:
            return instants(
                text,
                column=column,
                rows=pl.Series(range(1, len(text) + 1)),
                source=source,
                timezone=timezone,
            )
        except InputError:
            return None
    return text
