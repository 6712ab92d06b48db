"""Validation of a canonical event log: every problem at once, with where it is.

Pure: a frame in (any backend, evaluated lazily where it can be), a list of
:class:`~analyzer.problems.Problem` out. Errors make a log unusable; warnings say what an
analysis cannot do with it (e.g. "no medium column: media breaks will be inferred from
activity names").
"""

from __future__ import annotations

from collections.abc import Mapping

import narwhals as nw

from analyzer import engine, schema
from analyzer.problems import Problem, Severity, problem

_SHOW = 5  # rows quoted per problem


def missing_required_columns(
    frame: engine.FrameLike, *, source: str | None = None, names: Mapping[str, str] | None = None
) -> list[Problem]:
    """An error for each required canonical column that ``frame`` lacks.

    ``names`` maps canonical columns to the user's own header (from a mapping file), so the
    message speaks of the column the user knows.
    """
    present = engine.columns_of(frame)
    shown = ", ".join(c for c in present if c != schema.SOURCE_ROW) or "—"
    problems = []
    for column in schema.REQUIRED_COLUMNS:
        if column in present:
            continue
        f = schema.FIELDS_BY_COLUMN[column]
        mapped = (names or {}).get(column)
        problems.append(
            problem(
                "column.missing",
                f"Pflichtspalte {f.label_de} fehlt"
                + (f" (laut Zuordnung „{mapped}“)" if mapped else "")
                + f"; vorhandene Spalten: {shown}. In einer Zuordnungsdatei unter [columns] "
                f'{f.key} = "…" angeben',
                f"required column {f.label_en} is missing"
                + (f" (mapped from '{mapped}')" if mapped else "")
                + f"; columns present: {shown}. Name it in a mapping file under [columns] "
                f'{f.key} = "..."',
                file=source,
                column=mapped or f.key,
            )
        )
    return problems


def validate_event_log(
    frame: engine.FrameLike,
    *,
    source: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Problem]:
    """All problems of a canonical event log: errors first, then warnings.

    Errors: a required column is missing; the log has no events; a case id, activity or
    timestamp is empty; a timestamp column is not a date-time; an event id occurs twice;
    a government level or medium is not one of the canonical values.
    Warnings: exact duplicate events (same values in every column but id and source row);
    a start time after its complete time; an optional attribute missing or empty, with the
    analysis it limits.
    """
    missing = missing_required_columns(frame, source=source, names=names)
    if missing:
        return missing
    lf = engine.as_lazy(frame)
    schema_ = lf.collect_schema()
    columns = list(schema_.names())
    user = dict(names or {})

    def user_name(column: str) -> str:
        return user.get(column, column)

    row = nw.col(schema.SOURCE_ROW) if schema.SOURCE_ROW in columns else None
    problems: list[Problem] = []

    if engine.row_count(lf) == 0:
        return [
            problem(
                "log.empty",
                "die Datei enthält keine Ereignisse",
                "the file contains no events",
                file=source,
            )
        ]

    for column in schema.DATETIME_COLUMNS:
        if column in columns and schema_[column] != nw.Datetime:
            problems.append(
                problem(
                    "timestamp.type",
                    "Spalte ist kein Zeitpunkt (Datum/Uhrzeit)",
                    "column is not a timestamp (date/time)",
                    file=source,
                    column=user_name(column),
                    value=str(schema_[column]),
                )
            )

    for column in schema.REQUIRED_COLUMNS:
        f = schema.FIELDS_BY_COLUMN[column]
        empty = lf.filter(nw.col(column).is_null())
        for rec in _first_rows(empty, row):
            problems.append(
                problem(
                    "value.missing",
                    f"{f.label_de} fehlt",
                    f"{f.label_en} is empty",
                    file=source,
                    row=rec,
                    column=user_name(column),
                )
            )

    if schema.EVENT_ID in columns:
        dup_ids = (
            lf.filter(~nw.col(schema.EVENT_ID).is_null())
            .group_by(schema.EVENT_ID)
            .agg(nw.len().alias("n"))
            .filter(nw.col("n") > 1)
            .sort(schema.EVENT_ID)
            .head(_SHOW)
            .collect()
        )
        for value in dup_ids[schema.EVENT_ID].to_list():
            problems.append(
                problem(
                    "event_id.duplicate",
                    "Ereignis-ID kommt mehrfach vor",
                    "event id occurs more than once",
                    file=source,
                    column=user_name(schema.EVENT_ID),
                    value=value,
                )
            )

    for key in ("level", "medium"):
        f = schema.FIELDS_BY_KEY[key]
        if f.column not in columns:
            continue
        bad = (
            lf.filter(~nw.col(f.column).is_null() & ~nw.col(f.column).is_in(list(f.allowed)))
            .group_by(f.column)
            .agg(
                nw.len().alias("n"),
                *([row.min().alias("first")] if row is not None else []),
            )
            .sort(f.column)
            .head(10)
            .collect()
        )
        for rec in bad.iter_rows(named=True):
            problems.append(
                problem(
                    "value.unknown",
                    f"unbekannter Wert für {f.label_de} ({rec['n']}×); erlaubt: "
                    f"{', '.join(f.allowed)}. In der Zuordnungsdatei unter [values.{key}] "
                    "zuordnen",
                    f"unknown {f.label_en} value ({rec['n']}×); allowed: {', '.join(f.allowed)}. "
                    f"Map it in the mapping file under [values.{key}]",
                    file=source,
                    row=rec.get("first"),
                    column=user_name(f.column),
                    value=rec[f.column],
                )
            )

    duplicates, example = _exact_duplicates(lf)
    if duplicates:
        rows_de = rows_en = ""
        if example is not None:
            rows_de = f"; z. B. Zeile {example[1]} wiederholt Zeile {example[0]}"
            rows_en = f"; e.g. row {example[1]} repeats row {example[0]}"
        problems.append(
            problem(
                "event.exact_duplicate",
                f"{duplicates} Ereignisse sind exakte Duplikate (gleicher Vorgang, gleiche "
                f"Tätigkeit, gleicher Zeitpunkt, gleiche Attribute){rows_de}",
                f"{duplicates} events are exact duplicates (same case, activity, time and "
                f"attributes){rows_en}",
                file=source,
                row=example[1] if example is not None else None,
                severity=Severity.WARNING,
            )
        )

    if schema.START_TIMESTAMP in columns and schema_[schema.START_TIMESTAMP] == nw.Datetime:
        late = lf.filter(nw.col(schema.START_TIMESTAMP) > nw.col(schema.TIMESTAMP))
        n_late = engine.row_count(late)
        if n_late:
            first = _first_rows(late, row)
            problems.append(
                problem(
                    "start.after_end",
                    f"{n_late} Ereignisse beginnen nach ihrem Ende; ihre Bearbeitungszeit "
                    "wird nicht verwendet",
                    f"{n_late} events start after they end; their processing time is not used",
                    file=source,
                    row=first[0] if first else None,
                    column=user_name(schema.START_TIMESTAMP),
                    severity=Severity.WARNING,
                )
            )

    problems.extend(missing_attribute_warnings(lf, source=source))
    return sorted(problems, key=lambda p: p.severity is Severity.WARNING)


def missing_attribute_warnings(
    frame: engine.FrameLike, *, source: str | None = None
) -> list[Problem]:
    """A warning for each analysis attribute that is absent or empty in every event."""
    lf = engine.as_lazy(frame)
    columns = lf.collect_schema().names()
    present = [c for c in schema.ANALYSIS_ATTRIBUTES if c in columns]
    filled: dict[str, int] = {}
    if present:
        counts = lf.select(nw.col(c).count().alias(c) for c in present).collect()
        filled = {c: int(counts[c][0]) for c in present}
    warnings = []
    for column in schema.ANALYSIS_ATTRIBUTES:
        if filled.get(column, 0) > 0:
            continue
        f = schema.FIELDS_BY_COLUMN[column]
        warnings.append(
            problem(
                "attribute.missing",
                f.limits_de[:1].upper() + f.limits_de[1:],
                f.limits_en[:1].upper() + f.limits_en[1:],
                file=source,
                column=f.key,
                severity=Severity.WARNING,
            )
        )
    return warnings


def exact_duplicate_count(frame: engine.FrameLike) -> int:
    """Events that repeat an earlier event in every column except event id and source row."""
    return _exact_duplicates(engine.as_lazy(frame))[0]


def _exact_duplicates(lf: nw.LazyFrame) -> tuple[int, tuple[int, int] | None]:
    """(number of exact duplicates, (source row of the first original, of its first repeat))
    — the rows only where the log has SOURCE_ROW."""
    columns = lf.collect_schema().names()
    keys = [c for c in columns if c not in (schema.EVENT_ID, schema.SOURCE_ROW)]
    # Exact duplicates share case, activity and time; grouping by those three first keeps
    # the expensive all-column grouping to the few candidate rows.
    core = [c for c in (schema.CASE, schema.ACTIVITY, schema.TIMESTAMP) if c in columns]
    if core and len(core) < len(keys):
        candidates = (
            lf.group_by(core, drop_null_keys=True)
            .agg(nw.len().alias("__n"))
            .filter(nw.col("__n") > 1)
            .drop("__n")
        )
        if engine.row_count(candidates) == 0:
            return 0, None
        lf = lf.join(candidates, on=core, how="inner")
    groups = lf.group_by(keys, drop_null_keys=False).agg(nw.len().alias("__n"))
    total = groups.select((nw.col("__n") - 1).sum().alias("d")).collect()["d"][0]
    total = int(total or 0)
    if not total or schema.SOURCE_ROW not in columns:
        return total, None
    # The first repeat in file order and the row it repeats.
    row = nw.col(schema.SOURCE_ROW)
    first = lf.with_columns(row.min().over(*keys).alias("__first")).filter(row > nw.col("__first"))
    pair = first.sort(schema.SOURCE_ROW).head(1).select("__first", schema.SOURCE_ROW).collect()
    return total, (int(pair["__first"][0]), int(pair[schema.SOURCE_ROW][0]))


def _first_rows(lf: nw.LazyFrame, row: nw.Expr | None) -> list[int | None]:
    """Source rows of the first few rows of ``lf`` (by source row where known)."""
    if row is None:
        n = min(engine.row_count(lf), _SHOW)
        return [None] * min(n, 1)
    rows = lf.select(row.alias("r")).sort("r").head(_SHOW).collect()["r"].to_list()
    return rows
