"""Burden KPIs that are tables, not findings: levels and authorities per case, waiting time
(Liegezeit) by step and unit, hand-overs between units.

Same ordering and null rules as the detectors (:mod:`analyzer.steps`): events with an empty
level or unit are skipped where levels or units are compared. Pure and lazy on every
backend; small pandas frames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps

_WAIT_COLUMNS = (
    schema.MAP_WAIT_MEDIAN,
    schema.MAP_WAIT_MEAN,
    schema.MAP_WAIT_P90,
    schema.MAP_WAIT_TOTAL,
)


def levels_per_case(frame: engine.FrameLike) -> pd.DataFrame:
    """One row per case: how many events, government levels and org units it passes through.

    Columns: CASE, MUNICIPALITY and SERVICE (where present), KPI_EVENTS, KPI_LEVELS (distinct
    known levels), KPI_UNITS (distinct known units), KPI_LEVEL_CHANGES (changes between known
    levels in case order). Levels/units are 0 where the column is missing or empty.
    One row per case: for large logs summarise with :func:`levels_distribution`.
    """
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    keys = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in columns]
    per_case = lf.group_by(schema.CASE).agg(
        *(nw.col(k).min() for k in keys), nw.len().alias(schema.KPI_EVENTS)
    )
    for column, name in ((schema.LEVEL, schema.KPI_LEVELS), (schema.ORG_UNIT, schema.KPI_UNITS)):
        if column in columns:
            counts = (
                lf.filter(~nw.col(column).is_null())
                .group_by(schema.CASE)
                .agg(nw.col(column).n_unique().alias(name))
            )
            per_case = per_case.join(counts, on=schema.CASE, how="left")
    if schema.LEVEL in columns:
        changes = (
            steps.known_changes(lf, schema.LEVEL)
            .group_by(schema.CASE)
            .agg(nw.len().alias(schema.KPI_LEVEL_CHANGES))
        )
        per_case = per_case.join(changes, on=schema.CASE, how="left")
    table = engine.to_pandas(per_case)
    for name in (schema.KPI_EVENTS, schema.KPI_LEVELS, schema.KPI_UNITS, schema.KPI_LEVEL_CHANGES):
        table[name] = table[name].fillna(0) if name in table else 0
        table[name] = table[name].astype("int64")
    order = [
        *keys,
        schema.CASE,
        schema.KPI_EVENTS,
        schema.KPI_LEVELS,
        schema.KPI_UNITS,
        schema.KPI_LEVEL_CHANGES,
    ]
    return table[order].sort_values([*keys, schema.CASE], kind="stable").reset_index(drop=True)


def levels_distribution(frame: engine.FrameLike) -> pd.DataFrame:
    """How many cases pass through 0, 1, 2, ... government levels: KPI_LEVELS, MAP_CASES."""
    lf = steps.prepare(frame)
    if schema.LEVEL not in lf.collect_schema().names():
        return pd.DataFrame(
            {
                schema.KPI_LEVELS: pd.Series([], dtype="int64"),
                schema.MAP_CASES: pd.Series([], dtype="int64"),
            }
        )
    known = (
        lf.filter(~nw.col(schema.LEVEL).is_null())
        .group_by(schema.CASE)
        .agg(nw.col(schema.LEVEL).n_unique().alias(schema.KPI_LEVELS))
    )
    cases = lf.select(schema.CASE).unique().join(known, on=schema.CASE, how="left")
    table = engine.to_pandas(
        cases.with_columns(nw.col(schema.KPI_LEVELS).fill_null(0))
        .group_by(schema.KPI_LEVELS)
        .agg(nw.len().alias(schema.MAP_CASES))
    )
    table = table.astype({schema.KPI_LEVELS: "int64", schema.MAP_CASES: "int64"})
    return table.sort_values(schema.KPI_LEVELS).reset_index(drop=True)


def waiting_time_by_step(
    frame: engine.FrameLike, *, by: Sequence[str] | None = None
) -> pd.DataFrame:
    """Waiting time (Liegezeit) before each step: the wait of :mod:`~analyzer.detectors.waiting`
    (previous completion to this event's start, else its completion) grouped by the step
    that ends it.

    ``by`` defaults to ACTIVITY and ORG_UNIT (where present). Columns: ``by``,
    MAP_FREQUENCY (waits), MAP_WAIT_MEDIAN/MEAN/P90/TOTAL in minutes; longest total first.
    """
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    keys = list(by) if by is not None else steps.optional(columns, schema.ACTIVITY, schema.ORG_UNIT)
    steps.require_columns(
        lf, keys, purpose_de="die Liegezeit je Schritt", purpose_en="waiting time by step"
    )
    waits = steps.with_waits(lf).filter(~nw.col(steps.WAIT_SECONDS).is_null())
    table = engine.to_pandas(
        waits.group_by(keys, drop_null_keys=False).agg(*_wait_aggregates(steps.WAIT_SECONDS))
    )
    return _finish(table, keys, schema.MAP_WAIT_TOTAL)


def handovers_between_units(frame: engine.FrameLike) -> pd.DataFrame:
    """Hand-overs from unit to unit (the rule of :mod:`~analyzer.detectors.handovers`).

    Columns: MAP_SOURCE (handing unit), MAP_TARGET (receiving unit), MAP_FREQUENCY,
    MAP_CASES, and MAP_WAIT_MEDIAN/MEAN/P90/TOTAL: minutes from the last event at the
    handing unit to the first at the receiving one. Most frequent first. Empty without
    ORG_UNIT.
    """
    lf = steps.prepare(frame)
    if schema.ORG_UNIT not in lf.collect_schema().names():
        return _finish(
            pd.DataFrame(columns=[schema.MAP_SOURCE, schema.MAP_TARGET]),
            [schema.MAP_SOURCE, schema.MAP_TARGET],
            schema.MAP_FREQUENCY,
            cases=True,
        )
    p = steps.prev_name
    changes = steps.known_changes(lf, schema.ORG_UNIT).with_columns(
        steps.seconds_between(p(schema.TIMESTAMP), schema.TIMESTAMP).alias(steps.WAIT_SECONDS)
    )
    table = engine.to_pandas(
        changes.group_by(p(schema.ORG_UNIT), schema.ORG_UNIT).agg(
            *_wait_aggregates(steps.WAIT_SECONDS),
            nw.col(schema.CASE).n_unique().alias(schema.MAP_CASES),
        )
    ).rename(columns={p(schema.ORG_UNIT): schema.MAP_SOURCE, schema.ORG_UNIT: schema.MAP_TARGET})
    return _finish(table, [schema.MAP_SOURCE, schema.MAP_TARGET], schema.MAP_FREQUENCY, cases=True)


def _wait_aggregates(seconds: str) -> list[nw.Expr]:
    s = nw.col(seconds)
    return [
        nw.len().alias(schema.MAP_FREQUENCY),
        s.median().alias(schema.MAP_WAIT_MEDIAN),
        s.mean().alias(schema.MAP_WAIT_MEAN),
        s.quantile(0.9, interpolation="linear").alias(schema.MAP_WAIT_P90),
        s.sum().alias(schema.MAP_WAIT_TOTAL),
    ]


def _finish(
    table: pd.DataFrame, keys: list[str], sort_by: str, *, cases: bool = False
) -> pd.DataFrame:
    """Typed columns (waits in minutes), largest ``sort_by`` first, ties in key order."""
    out = table.copy()
    counts = [schema.MAP_FREQUENCY, *([schema.MAP_CASES] if cases else [])]
    for column in counts:
        out[column] = out[column].astype("int64") if column in out else pd.Series(dtype="int64")
    for column in _WAIT_COLUMNS:
        values = out[column] if column in out else pd.Series(dtype="float64")
        out[column] = values.astype("float64") / 60.0 + 0.0
    out = out[[*keys, *counts, *_WAIT_COLUMNS]].sort_values(
        keys, kind="stable", na_position="first"
    )
    return out.sort_values(sort_by, ascending=False, kind="stable").reset_index(drop=True)
