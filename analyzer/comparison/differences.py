"""Differences of behaviour between two municipalities: directly-follows edges and variants."""

from __future__ import annotations

import pandas as pd

from analyzer import engine, process_map, schema, steps
from analyzer.comparison.views import harmonised_view, municipality_log
from analyzer.problems import InputError, problem


def dfg_difference(
    a: process_map.ProcessMap | pd.DataFrame,
    b: process_map.ProcessMap | pd.DataFrame,
    *,
    cases_a: int | None = None,
    cases_b: int | None = None,
) -> pd.DataFrame:
    """The directly-follows edges of two logs compared per 1,000 cases.

    ``a``/``b``: process maps (``process_map.process_map``; their start and end activities
    become edges from START_STEP and to END_STEP) or edge frames with MAP_SOURCE, MAP_TARGET,
    MAP_FREQUENCY (then ``cases_a``/``cases_b`` are required). One row per edge of either:
    EDGE_SOURCE, EDGE_TARGET, DIFF_A and DIFF_B (occurrences per 1,000 cases), DIFF_DELTA
    (A − B), DIFF_SIDE (``only_a``, ``only_b``, ``both``); largest absolute difference first.
    """
    edges_a, n_a = _edges(a, cases_a, "a")
    edges_b, n_b = _edges(b, cases_b, "b")
    merged = edges_a.merge(
        edges_b, on=[schema.EDGE_SOURCE, schema.EDGE_TARGET], how="outer", suffixes=("_a", "_b")
    )
    count_a = merged[f"{schema.EDGE_COUNT}_a"].fillna(0).astype("float64")
    count_b = merged[f"{schema.EDGE_COUNT}_b"].fillna(0).astype("float64")
    out = merged[[schema.EDGE_SOURCE, schema.EDGE_TARGET]].copy()
    out[schema.DIFF_A] = count_a / n_a * 1000.0
    out[schema.DIFF_B] = count_b / n_b * 1000.0
    out[schema.DIFF_DELTA] = out[schema.DIFF_A] - out[schema.DIFF_B]
    out[schema.DIFF_SIDE] = [
        "both" if x > 0 and y > 0 else ("only_a" if x > 0 else "only_b")
        for x, y in zip(count_a, count_b, strict=True)
    ]
    return _by_difference(out, [schema.EDGE_SOURCE, schema.EDGE_TARGET])


def _edges(
    value: process_map.ProcessMap | pd.DataFrame, cases: int | None, side: str
) -> tuple[pd.DataFrame, int]:
    if isinstance(value, process_map.ProcessMap):
        starts = value.start.rename(
            columns={schema.ACTIVITY: schema.MAP_TARGET, schema.MAP_CASES: schema.MAP_FREQUENCY}
        )
        starts[schema.MAP_SOURCE] = schema.START_STEP
        ends = value.end.rename(
            columns={schema.ACTIVITY: schema.MAP_SOURCE, schema.MAP_CASES: schema.MAP_FREQUENCY}
        )
        ends[schema.MAP_TARGET] = schema.END_STEP
        edges = pd.concat([value.edges, starts, ends], ignore_index=True)
        cases = value.cases if cases is None else cases
    else:
        edges = value
    if not cases:
        raise InputError(
            [
                problem(
                    "dfg.cases_missing",
                    f"Fallzahl der Seite {side} fehlt oder ist 0",
                    f"number of cases of side {side} missing or 0",
                    value=side,
                )
            ]
        )
    table = edges[[schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY]].rename(
        columns={
            schema.MAP_SOURCE: schema.EDGE_SOURCE,
            schema.MAP_TARGET: schema.EDGE_TARGET,
            schema.MAP_FREQUENCY: schema.EDGE_COUNT,
        }
    )
    table = table.groupby([schema.EDGE_SOURCE, schema.EDGE_TARGET], as_index=False)[
        schema.EDGE_COUNT
    ].sum()
    return table, int(cases)


def variant_difference(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two variant tables (``process_map.variants``) compared by share of cases.

    One row per variant of either: VARIANT_TRACE (steps joined by VARIANT_SEPARATOR), DIFF_A
    and DIFF_B (share of cases, 0..1), DIFF_DELTA, DIFF_SIDE; largest absolute difference first.
    """

    def shares(table: pd.DataFrame) -> pd.DataFrame:
        traces = [schema.VARIANT_SEPARATOR.join(t) for t in table[schema.VARIANT_ACTIVITIES]]
        return pd.DataFrame(
            {schema.VARIANT_TRACE: traces, "share": table[schema.VARIANT_SHARE].astype("float64")}
        )

    merged = shares(a).merge(shares(b), on=schema.VARIANT_TRACE, how="outer", suffixes=("_a", "_b"))
    out = merged[[schema.VARIANT_TRACE]].copy()
    out[schema.DIFF_A] = merged["share_a"].fillna(0.0)
    out[schema.DIFF_B] = merged["share_b"].fillna(0.0)
    out[schema.DIFF_DELTA] = out[schema.DIFF_A] - out[schema.DIFF_B]
    out[schema.DIFF_SIDE] = [
        "both" if x > 0 and y > 0 else ("only_a" if x > 0 else "only_b")
        for x, y in zip(out[schema.DIFF_A], out[schema.DIFF_B], strict=True)
    ]
    return _by_difference(out, [schema.VARIANT_TRACE])


def _by_difference(out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = out.assign(__abs=out[schema.DIFF_DELTA].abs())
    out = out.sort_values(keys, kind="stable").sort_values("__abs", ascending=False, kind="stable")
    return out.drop(columns="__abs").reset_index(drop=True)


def municipality_difference(
    frame: engine.FrameLike,
    a: str,
    b: str,
    *,
    service: str | None = None,
    activity_column: str = schema.ACTIVITY,
) -> pd.DataFrame:
    """:func:`dfg_difference` of municipality ``a`` against ``b`` (of one ``service``)."""
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    return dfg_difference(
        *(process_map.process_map(municipality_log(lf, m, service)) for m in (a, b))
    )
