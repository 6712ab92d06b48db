"""Cost per case and per year: priced occurrences summed per case or per group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema
from analyzer.cost_model.cases_per_year import case_volume, resolve_cases_per_year
from analyzer.cost_model.costing import ActivityCosting, CasesPerYear, CostDefaults, TimeSource
from analyzer.cost_model.coverage import (
    activity_coverage,
    basis_of,
    cost_note,
    occurrences_by_source,
)
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
    lower_bound: bool = False,
) -> pd.DataFrame:
    """Hours and euros of administrative work per case.

    One row per case with the ``by`` keys, CASE, ``cost:events``, ``cost:unpriced_events``,
    ``cost:hours`` and ``cost:euros`` (Decimal, rounded half up to the cent per case; None for
    a case with an unpriced occurrence unless ``lower_bound``, see
    :mod:`~analyzer.cost_model.coverage`), ``cost:basis`` and ``cost:edition``. Meant for
    inspecting cases; for totals use :func:`annual_cost`, which rounds once per total instead
    of once per case.
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
    shown = _shown(sums[_UNPRICED], sums[_N] - sums[_UNPRICED], lower_bound=lower_bound)
    out[schema.COST_HOURS] = [
        quantize(Fraction(int(s), SECONDS_PER_HOUR)) if ok else None
        for s, ok in zip(sums[_SECTOTAL], shown, strict=True)
    ]
    out[schema.COST_EUROS] = [
        euros(int(c)) if ok else None for c, ok in zip(cents, shown, strict=True)
    ]
    by_source = occurrences_by_source(priced, [*keys, schema.CASE])
    out[schema.COST_BASIS] = basis_of(by_source).to_numpy()
    return with_edition(out.reset_index(drop=True), tables)


def _shown(unpriced: pd.Series, priced: pd.Series, *, lower_bound: bool) -> list[bool]:
    """Whether a cost is reported: all occurrences priced, or (as a lower bound) some."""
    return [u == 0 or (lower_bound and p > 0) for u, p in zip(unpriced, priced, strict=True)]


def annual_cost(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    cases_per_year: CasesPerYear = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
    label_column: str = schema.ACTIVITY,
    by: Sequence[str] | None = None,
    lower_bound: bool = False,
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
    ``cost:activities``, ``cost:activities_priced``, ``cost:unpriced_activities``,
    ``cost:basis``, ``cost:note``, ``cost:note_en``, ``cost:edition``.

    A group with an unpriced occurrence has no hours, euros or person-years (None, shown
    "–"); its note says which activities lack a time and how to give them one. With
    ``lower_bound`` the priced part is reported where anything is priced, and the note says
    it is a lower bound (:mod:`~analyzer.cost_model.coverage`).
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
    by_source = occurrences_by_source(priced, keys)
    sums[schema.COST_BASIS] = basis_of(by_source).to_numpy()
    sources = [s.value for s in TimeSource]
    sums[sources] = by_source[sources].to_numpy()
    sums = (
        sums.merge(activity_coverage(priced, keys, label_column), on=keys, how="left")
        if keys
        else pd.concat([sums, activity_coverage(priced, keys, label_column)], axis=1)
    )
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
        activities_n = as_int(rec.get(schema.COST_ACTIVITIES))
        priced_n = as_int(rec.get(schema.COST_ACTIVITIES_PRICED))
        unpriced = as_int(rec.get(_UNPRICED))
        [ok] = _shown([unpriced], [as_int(rec.get(_N)) - unpriced], lower_bound=lower_bound)
        note_de, note_en = cost_note(
            activities=activities_n,
            priced=priced_n,
            unpriced=rec.get(schema.COST_UNPRICED_ACTIVITIES),
            by_source={s: as_int(rec.get(s)) for s in sources},
            lower_bound=lower_bound,
        )
        rows.append(
            {
                **{k: rec[k] for k in keys},
                schema.COST_CASES: cases,
                schema.COST_EVENTS: as_int(rec.get(_N)),
                schema.COST_UNPRICED_EVENTS: unpriced,
                schema.COST_HOURS_PER_CASE: quantize(Fraction(seconds, cases * SECONDS_PER_HOUR))
                if ok
                else None,
                schema.COST_EUROS_PER_CASE: euros(round_cents(cents_per_case)) if ok else None,
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.COST_HOURS_PER_YEAR: quantize(hours_per_year) if ok else None,
                schema.COST_EUROS_PER_YEAR: euros(round_cents(cents_per_case * year))
                if ok
                else None,
                schema.COST_PERSON_YEARS: quantize(
                    hours_per_year / Fraction(tables.hours_per_person_year)
                )
                if ok
                else None,
                schema.COST_ACTIVITIES: activities_n,
                schema.COST_ACTIVITIES_PRICED: priced_n,
                schema.COST_UNPRICED_ACTIVITIES: rec.get(schema.COST_UNPRICED_ACTIVITIES),
                schema.COST_BASIS: rec.get(schema.COST_BASIS),
                schema.COST_NOTE: note_de,
                schema.COST_NOTE_EN: note_en,
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
    schema.COST_ACTIVITIES,
    schema.COST_ACTIVITIES_PRICED,
    schema.COST_UNPRICED_ACTIVITIES,
    schema.COST_BASIS,
    schema.COST_NOTE,
    schema.COST_NOTE_EN,
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
    merged = counts.merge(
        times[[*join, _SEC, _MAT, schema.COST_CAREER, schema.COST_TIME_SOURCE]], on=join, how="left"
    )
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


def annual_cost_parts(
    frame: engine.FrameLike,
    *,
    by: str,
    total: pd.DataFrame,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
) -> pd.DataFrame:
    """The yearly cost of each value of ``by`` (a government level, an activity) in one
    log whose yearly cost is ``total`` (:func:`annual_cost` of the whole log): its cost in
    the log × the whole log's cases per year / cases in the log, so the parts add up to the
    whole (``annual_cost(by=...)`` scales each group by its own cases). Empty where ``by``
    is not a column or the whole has no cases per year."""
    if by not in engine.columns_of(frame) or total.empty:
        return pd.DataFrame()
    if pd.isna(total[schema.COST_CASES_PER_YEAR].iloc[0]):
        return pd.DataFrame()
    factor = float(total[schema.COST_CASES_PER_YEAR].iloc[0]) / float(
        total[schema.COST_CASES].iloc[0]
    )
    # annual_cost groups by its label column only through a copy of it
    label = schema.ACTIVITY
    if by == schema.ACTIVITY:
        frame = engine.as_lazy(frame).with_columns(
            nw.col(schema.ACTIVITY).cast(nw.String()).alias(schema.STEP)
        )
        label = schema.STEP
    table = annual_cost(
        frame,
        by=[by],
        label_column=label,
        tables=tables,
        activities=activities,
        defaults=defaults,
        cases_per_year=1,  # per case of the group: × its cases = its cost in the log
    )
    for column in (schema.COST_HOURS_PER_YEAR, schema.COST_EUROS_PER_YEAR):
        values = pd.to_numeric(table[column], errors="coerce")
        table[column] = values * table[schema.COST_CASES].astype(float) * factor
    return table
