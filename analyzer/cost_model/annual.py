"""Cost per case and per year: priced occurrences summed per case or per group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema
from analyzer.cost_model.cases_per_year import case_volume, resolve_cases_per_year
from analyzer.cost_model.costing import ActivityCosting, CasesPerYear, CostDefaults
from analyzer.cost_model.money import (
    SECONDS_PER_HOUR,
    as_int,
    euros,
    quantize,
    round_cents,
    to_cents,
    with_edition,
)
from analyzer.cost_model.times import (
    _LEVEL,
    _MAT,
    _N,
    _NUMER,
    _RATE,
    _SEC,
    _SECTOTAL,
    _UNPRICED,
    measured_durations,
    time_table,
)
from analyzer.cost_tables import CostTables
from analyzer.throughput import group_keys


def cost_per_case(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
    label_column: str = schema.ACTIVITY,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Hours and euros of administrative work per case.

    One row per case with the ``by`` keys, CASE, ``cost:events``, ``cost:unpriced_events``,
    ``cost:hours`` and ``cost:euros`` (Decimal, rounded half up to the cent per case) and
    ``cost:edition``. Meant for inspecting cases; for totals use :func:`annual_cost`, which
    rounds once per total instead of once per case.
    """
    keys = group_keys(frame, by)
    priced = _priced_counts(
        frame,
        tables=tables,
        activities=activities or {},
        defaults=defaults,
        label_column=label_column,
        keys=keys,
        per_case=True,
    )
    sums = _sum_priced(priced, [*keys, schema.CASE])
    per_case = to_cents(defaults.material_cost_per_case, what="material_cost_per_case")
    cents = (2 * sums[_NUMER] + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR) + sums[_MAT] + per_case
    out = sums[[*keys, schema.CASE]].copy()
    out[schema.COST_EVENTS] = sums[_N].astype("int64")
    out[schema.COST_UNPRICED_EVENTS] = sums[_UNPRICED].astype("int64")
    out[schema.COST_HOURS] = [quantize(Fraction(int(s), SECONDS_PER_HOUR)) for s in sums[_SECTOTAL]]
    out[schema.COST_EUROS] = [euros(int(c)) for c in cents]
    return with_edition(out.reset_index(drop=True), tables)


def annual_cost(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    cases_per_year: CasesPerYear = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
    label_column: str = schema.ACTIVITY,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Hours and euros per case and per year, per municipality and service.

    ``annual = cases per year × (Σ priced seconds × rate / 3600 + material) / cases in the log
    + cases per year × material per case``, exact, rounded half up to the cent at the end.
    ``cases_per_year`` (:data:`CasesPerYear`) where known; else estimated from the log as
    cases × 365 / days between the first and the last case's start (its first event), rounded
    (``cost:cases_per_year_source`` = ``"log"``).
    Columns: keys, ``cost:cases``, ``cost:events``, ``cost:unpriced_events``,
    ``cost:hours_per_case``, ``cost:euros_per_case``, ``cost:cases_per_year``,
    ``cost:cases_per_year_source``, ``cost:hours_per_year``, ``cost:euros_per_year``,
    ``cost:person_years`` (hours per year / hours of one person-year of the tables),
    ``cost:edition``.
    """
    keys = group_keys(frame, by)
    priced = _priced_counts(
        frame,
        tables=tables,
        activities=activities or {},
        defaults=defaults,
        label_column=label_column,
        keys=keys,
        per_case=False,
    )
    sums = _sum_priced(priced, keys)
    volume = case_volume(frame, keys)
    merged = volume.merge(sums, on=keys, how="left") if keys else pd.concat([volume, sums], axis=1)
    years = resolve_cases_per_year(cases_per_year, merged, keys)
    per_case_material = Fraction(
        to_cents(defaults.material_cost_per_case, what="material_cost_per_case")
    )
    rows = []
    for i, rec in enumerate(merged.to_dict("records")):
        cases = int(rec["cases"])
        numer, material = as_int(rec.get(_NUMER)), as_int(rec.get(_MAT))
        seconds = as_int(rec.get(_SECTOTAL))
        cents_per_case = (
            Fraction(numer, SECONDS_PER_HOUR * cases)
            + Fraction(material, cases)
            + (per_case_material)
        )
        year, source = years[i]
        hours_per_year = Fraction(seconds * year, cases * SECONDS_PER_HOUR)
        rows.append(
            {
                **{k: rec[k] for k in keys},
                schema.COST_CASES: cases,
                schema.COST_EVENTS: as_int(rec.get(_N)),
                schema.COST_UNPRICED_EVENTS: as_int(rec.get(_UNPRICED)),
                schema.COST_HOURS_PER_CASE: quantize(Fraction(seconds, cases * SECONDS_PER_HOUR)),
                schema.COST_EUROS_PER_CASE: euros(round_cents(cents_per_case)),
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.COST_HOURS_PER_YEAR: quantize(hours_per_year),
                schema.COST_EUROS_PER_YEAR: euros(round_cents(cents_per_case * year)),
                schema.COST_PERSON_YEARS: quantize(
                    hours_per_year / Fraction(tables.hours_per_person_year)
                ),
            }
        )
    return with_edition(pd.DataFrame(rows, columns=[*keys, *_ANNUAL_COLUMNS]), tables)


_ANNUAL_COLUMNS = (
    schema.COST_CASES,
    schema.COST_EVENTS,
    schema.COST_UNPRICED_EVENTS,
    schema.COST_HOURS_PER_CASE,
    schema.COST_EUROS_PER_CASE,
    schema.COST_CASES_PER_YEAR,
    schema.COST_CASES_PER_YEAR_SOURCE,
    schema.COST_HOURS_PER_YEAR,
    schema.COST_EUROS_PER_YEAR,
    schema.COST_PERSON_YEARS,
)


def _priced_counts(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting],
    defaults: CostDefaults,
    label_column: str,
    keys: list[str],
    per_case: bool,
) -> pd.DataFrame:
    """Occurrences per keys (, case), label and level with their exact cost numerators.

    ``__numer`` = occurrences × seconds × rate in cents per hour (cost in 1/3600 cent),
    ``__material_cents``, ``__seconds_total`` and ``__unpriced`` (occurrences without time).
    """
    times = time_table(
        frame,
        tables=tables,
        activities=activities,
        defaults=defaults,
        label_column=label_column,
        keys=keys,
    )
    lf = measured_durations(engine.as_lazy(frame), label_column)
    columns = lf.collect_schema().names()
    level = nw.col(schema.LEVEL) if schema.LEVEL in columns else nw.lit(None, dtype=nw.String)
    group = [*keys, *([schema.CASE] if per_case else []), label_column, _LEVEL]
    counts = engine.to_pandas(
        lf.with_columns(level.alias(_LEVEL))
        .group_by(group, drop_null_keys=False)
        .agg(nw.len().alias(_N))
    )
    counts[_N] = counts[_N].astype("int64")
    counts[_LEVEL] = counts[_LEVEL].astype(object).where(counts[_LEVEL].notna(), defaults.level)
    counts[_LEVEL] = counts[_LEVEL].astype(str)
    join = [*keys, label_column]
    merged = counts.merge(times[[*join, _SEC, _MAT, schema.COST_CAREER]], on=join, how="left")
    pairs = merged[[_LEVEL, schema.COST_CAREER]].drop_duplicates()
    pairs[_RATE] = [
        to_cents(tables.hourly_rate(lv, ca), what="wage_rates")
        for lv, ca in zip(pairs[_LEVEL], pairs[schema.COST_CAREER], strict=True)
    ]
    merged = merged.merge(pairs, on=[_LEVEL, schema.COST_CAREER], how="left")
    seconds = merged[_SEC].fillna(0).astype("int64")
    merged[_UNPRICED] = merged[_N].where(merged[_SEC].isna(), 0).astype("int64")
    merged[_SECTOTAL] = merged[_N] * seconds
    merged[_NUMER] = merged[_SECTOTAL] * merged[_RATE].astype("int64")
    merged[_MAT] = merged[_N] * merged[_MAT].astype("int64")
    return merged


def _sum_priced(priced: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    values = [_N, _NUMER, _MAT, _SECTOTAL, _UNPRICED]
    if not group:
        return priced[values].sum().to_frame().T.astype("int64")
    return priced.groupby(group, dropna=False, sort=True)[values].sum().reset_index()
