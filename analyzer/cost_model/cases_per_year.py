"""Cases per year: given by the user or estimated from the span of case starts in the log."""

from __future__ import annotations

from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema
from analyzer.cost_model.costing import CasesPerYear
from analyzer.cost_model.money import round_cents
from analyzer.problems import InputError, Problem, problem
from analyzer.throughput import SECONDS_PER_DAY

DAYS_PER_YEAR = 365


def case_volume(frame: engine.FrameLike, keys: list[str]) -> pd.DataFrame:
    """Cases and the first and last case start per group (for averages and annualising).

    Case starts, not first and last event: cases that arrived over a year span a year, however
    long the last of them took to finish.
    """
    lf = engine.as_lazy(frame)
    starts = lf.group_by([*keys, schema.CASE]).agg(nw.col(schema.TIMESTAMP).min())
    aggs = [
        nw.len().alias("cases"),
        nw.col(schema.TIMESTAMP).min().alias("__first"),
        nw.col(schema.TIMESTAMP).max().alias("__last"),
    ]
    out = starts.group_by(keys).agg(aggs).sort(keys) if keys else starts.select(aggs)
    result = engine.to_pandas(out).reset_index(drop=True)
    result["cases"] = result["cases"].astype("int64")
    return result


def resolve_cases_per_year(
    cases_per_year: CasesPerYear, volume: pd.DataFrame, keys: list[str]
) -> list[tuple[int, str]]:
    """(cases per year, "given" | "log") for each row of ``volume``; all problems at once."""
    problems: list[Problem] = []
    resolved: list[tuple[int, str]] = []
    for rec in volume.to_dict("records"):
        values = tuple(rec[k] for k in keys)
        found = _lookup_cases(cases_per_year, values)
        if found is not None:
            resolved.append((found, "given"))
            continue
        where = " / ".join(str(v) for v in values) or "Protokoll"
        if cases_per_year is not None:
            problems.append(
                problem(
                    "cases_per_year.missing",
                    f"keine Fallzahl pro Jahr für {where}; unter [cases_per_year] angeben "
                    '(oder "*" für alle)',
                    f"no cases per year for {where}; give it under [cases_per_year] "
                    '(or "*" for all)',
                    value=where,
                )
            )
            resolved.append((0, "given"))
            continue
        span = (rec["__last"] - rec["__first"]).total_seconds()
        if span <= 0:
            problems.append(
                problem(
                    "cases_per_year.no_span",
                    f"Fallzahl pro Jahr für {where} nicht schätzbar (das Protokoll umfasst keinen "
                    "Zeitraum); Fallzahl pro Jahr angeben",
                    f"cannot estimate cases per year for {where} (the log covers no time span); "
                    "give cases per year",
                    value=where,
                )
            )
            resolved.append((0, "log"))
            continue
        estimate = Fraction(int(rec["cases"]) * DAYS_PER_YEAR * SECONDS_PER_DAY) / Fraction(
            repr(span)
        )
        resolved.append((round_cents(estimate), "log"))
    if problems:
        raise InputError(problems)
    return resolved


def _lookup_cases(cases_per_year: CasesPerYear, values: tuple) -> int | None:
    if cases_per_year is None:
        return None
    if isinstance(cases_per_year, int):
        return cases_per_year
    candidates: list[str | tuple[str, ...]] = []
    if len(values) > 1:
        candidates.append(tuple(values))
    candidates.extend(values)
    candidates.append("*")
    for candidate in candidates:
        if candidate in cases_per_year:
            return int(cases_per_year[candidate])
    return None
