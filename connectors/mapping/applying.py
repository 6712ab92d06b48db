"""Applying a mapping to a frame: rename, map values, add constants, drop columns."""

from __future__ import annotations

import difflib

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.mapping.model import (
    FIRST_EVENT_MEDIUM,
    FIRST_EVENT_MEDIUM_KEY,
    JOIN_SEPARATOR,
    Mapping,
)


def apply_mapping(frame: pl.DataFrame | pl.LazyFrame, mapping: Mapping, *, source: str):
    """``frame`` with the mapping applied: renamed, values mapped, constants added, columns dropped.

    Values not named in a value map stay as they are (validation reports non-canonical
    media and levels later), or become the table's ``default`` ("" → missing) unless they are
    canonical already. A key under ``joined`` is the texts of its columns joined with
    :data:`JOIN_SEPARATOR`; ``medium_of_first_event`` is carried (value-mapped like the medium)
    in :data:`FIRST_EVENT_MEDIUM` for :func:`connectors.event_log.finalize_event_log`.
    Value maps match exactly first, then ignoring case and surrounding spaces.
    The column :data:`schema.SOURCE_ROW` is always kept.
    Raises :class:`InputError` when the mapping names a column ``frame`` does not have (all
    such columns at once, with the columns that do exist and the closest one).
    Works on eager and lazy Polars frames and returns the same kind.
    """
    present = list(frame.collect_schema().names())
    by_lower: dict[str, list[str]] = {}
    for name in present:
        by_lower.setdefault(name.strip().lower(), []).append(name)

    def resolve(name: str) -> str | None:
        if name in present:
            return name
        candidates = by_lower.get(name.strip().lower(), [])
        return candidates[0] if len(candidates) == 1 else None

    problems: list[Problem] = []
    shown = ", ".join(f"„{c}“" for c in present if c != schema.SOURCE_ROW)
    shown_en = ", ".join(f"'{c}'" for c in present if c != schema.SOURCE_ROW)

    def missing(at: str, key: str, name: str, section: str) -> None:
        close = difflib.get_close_matches(
            name, [c for c in present if c != schema.SOURCE_ROW], n=1, cutoff=0.6
        )
        hint_de = f" Meinten Sie „{close[0]}“?" if close else ""
        hint_en = f" Did you mean '{close[0]}'?" if close else ""
        problems.append(
            problem(
                "mapping.column_not_in_file",
                f"die Zuordnung nennt unter {section} {key} = „{name}“, aber {source} hat "
                f"keine Spalte „{name}“. Vorhandene Spalten: {shown}.{hint_de}",
                f"the mapping names {key} = '{name}' under {section}, but {source} has no "
                f"column '{name}'. Columns present: {shown_en}.{hint_en}",
                file=mapping.label,
                row=mapping.lines.get(at),
                column=name,
                value=key,
            )
        )

    renames: dict[str, list[str]] = {}
    for key, name in mapping.columns.items():
        found = resolve(name)
        if found is None:
            missing(f"columns.{key}", key, name, "[columns]")
            continue
        renames.setdefault(found, []).append(schema.FIELDS_BY_KEY[key].column)
    joined: dict[str, list[str]] = {}  # canonical column -> source columns
    for key, names_ in mapping.joined.items():
        for name in names_:
            found = resolve(name)
            if found is None:
                missing(f"columns.{key}", key, name, "[columns]")
                continue
            joined.setdefault(schema.FIELDS_BY_KEY[key].column, []).append(found)
    if mapping.medium_of_first_event:
        found = resolve(mapping.medium_of_first_event)
        if found is None:
            key = FIRST_EVENT_MEDIUM_KEY
            missing(f"columns.{key}", key, mapping.medium_of_first_event, "[columns]")
        else:
            joined[FIRST_EVENT_MEDIUM] = [found]
    dropped: set[str] = set()
    for name in mapping.drop:
        found = resolve(name)
        if found is None:
            missing("drop.columns", "columns", name, "[drop]")
            continue
        dropped.add(found)
    if problems:
        raise InputError(problems)

    if mapping.drop_unmapped:
        dropped |= {c for c in present if c not in renames and c != schema.SOURCE_ROW}
    targets = (
        {t for ts in renames.values() for t in ts}
        | {schema.FIELDS_BY_KEY[k].column for k in mapping.constants}
        | set(joined)
    )
    clashes = [c for c in present if c in targets and c not in renames and c not in dropped]
    if clashes:
        raise InputError(
            [
                problem(
                    "mapping.column_clash",
                    f"die Datei hat schon eine Spalte „{c}“, und die Zuordnung legt eine "
                    "zweite mit diesem Namen an; die Spalte der Datei unter [drop] eintragen "
                    "oder unter [columns] zuordnen",
                    f"the file already has a column '{c}' and the mapping creates another one "
                    "with that name; list the file's column under [drop] or map it under "
                    "[columns]",
                    file=mapping.label,
                    column=c,
                )
                for c in clashes
            ]
        )

    exprs: list[pl.Expr] = []
    for name in present:
        if name in dropped:
            continue
        if name in renames:
            exprs.extend(pl.col(name).alias(target) for target in renames[name])
        else:
            exprs.append(pl.col(name))
    for target, sources in joined.items():
        exprs.append(_joined_text(sources).alias(target))
    result = frame.select(exprs)

    value_maps = []
    names = result.collect_schema().names()
    for key, table in mapping.values.items():
        column = schema.FIELDS_BY_KEY[key].column
        first_event = key == "medium" and FIRST_EVENT_MEDIUM in names
        if column not in names and not first_event:
            if key in mapping.constants or not (table or key in mapping.value_defaults):
                continue
            raise InputError(
                [
                    problem(
                        "mapping.values_without_column",
                        f"[values.{key}] ist angegeben, aber keine Spalte ist {key} "
                        f'zugeordnet; unter [columns] {key} = "…" eintragen',
                        f"[values.{key}] is given but no column is mapped to {key}; add "
                        f'{key} = "..." under [columns]',
                        file=mapping.label,
                        row=mapping.lines.get(f"values.{key}"),
                        column=key,
                    )
                ]
            )
        default = mapping.value_defaults.get(key)
        if table or default is not None:
            allowed = schema.FIELDS_BY_KEY[key].allowed
            if column in names:
                value_maps.append(_value_map(column, table, default=default, allowed=allowed))
            if first_event:
                value_maps.append(
                    _value_map(FIRST_EVENT_MEDIUM, table, default=default, allowed=allowed)
                )
    constants = [
        pl.lit(value, dtype=pl.String).alias(schema.FIELDS_BY_KEY[key].column)
        for key, value in mapping.constants.items()
    ]
    if value_maps or constants:
        result = result.with_columns(value_maps + constants)
    return result


def _joined_text(sources: list[str]) -> pl.Expr:
    """The texts of ``sources`` joined with :data:`JOIN_SEPARATOR`, empty parts left out."""
    parts = [pl.col(c).cast(pl.String).str.strip_chars() for c in sources]
    parts = [pl.when(p == "").then(None).otherwise(p) for p in parts]
    return pl.concat_str(parts, separator=JOIN_SEPARATOR, ignore_nulls=True)


def _value_map(
    column: str,
    table: dict[str, str],
    *,
    default: str | None = None,
    allowed: tuple[str, ...] = (),
) -> pl.Expr:
    """``column`` translated by ``table`` (exactly, then ignoring case and spaces); values it
    does not list stay, or, with a ``default``, become it ("" → missing) unless they are one
    of the field's ``allowed`` canonical values already."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    exact = {k.strip(): v for k, v in table.items()}
    folded: dict[str, str] = {}
    for k, v in table.items():
        folded.setdefault(k.strip().lower(), v)
    lowered = text.str.to_lowercase()
    unlisted = pl.col(column).cast(pl.String)
    if default is not None:
        fallback = pl.lit(default or None, dtype=pl.String)
        unlisted = (
            pl.when(text.is_in(list(allowed))).then(text).otherwise(fallback)
            if allowed
            else fallback
        )
    return (
        pl.when(text.is_in(list(exact)))
        .then(text.replace(exact))
        .when(lowered.is_in(list(folded)))
        .then(lowered.replace(folded))
        .otherwise(unlisted)
        .alias(column)
    )


def merged_label_warnings(
    frame: pl.DataFrame | pl.LazyFrame, mapping: Mapping, *, source: str
) -> list[Problem]:
    """Warnings where ``mapping``'s ``[values.activity]`` gives two different activity labels
    the same name and they follow each other in a case (in the file's order): after the
    translation they read as one step done twice, which rework then counts.
    One warning per pair of labels, with how often it occurs."""
    # a file in canonical names (XES, OCEL flattened) needs no [columns] for them
    case = mapping.columns.get("case", schema.CASE)
    activity = mapping.columns.get("activity", schema.ACTIVITY)
    table = mapping.values.get("activity", {})
    present = frame.collect_schema().names()
    if not table or case not in present or activity not in present:
        return []
    raw = pl.col(activity).cast(pl.String).str.strip_chars()
    translated = _value_map(activity, table, default=mapping.value_defaults.get("activity"))
    steps = frame.select(
        pl.col(case).alias("case"), raw.alias("label"), translated.alias("name")
    ).with_columns(
        pl.col("label").shift(1).over("case").alias("before"),
        pl.col("name").shift(1).over("case").alias("name_before"),
    )
    pairs = (
        steps.filter(
            (pl.col("name") == pl.col("name_before")) & (pl.col("label") != pl.col("before"))
        )
        .group_by("before", "label", "name")
        .agg(pl.len().alias("n"))
        .sort("n", "before", "label", descending=[True, False, False])
    )
    if isinstance(pairs, pl.LazyFrame):
        pairs = pairs.collect()
    return [
        problem(
            "mapping.labels_merged",
            f"[values.activity] macht aus „{before}“ und „{label}“ denselben Schritt "
            f"„{name}“, und sie folgen {n}× im selben Vorgang aufeinander: danach sieht es aus "
            "wie ein wiederholter Schritt (Nacharbeit). Gewollt? Sonst verschieden benennen",
            f"[values.activity] turns '{before}' and '{label}' into the same step '{name}', "
            f"and they follow each other {n}× in a case: they then look like a repeated step "
            "(rework). Intended? Otherwise give them different names",
            file=mapping.label,
            row=mapping.lines.get(f"values.activity.{label}"),
            column=activity,
            value=name,
            severity=Severity.WARNING,
        )
        for before, label, name, n in pairs.iter_rows()
    ]
