"""The citizen's side of the burden: trips, resubmissions and waiting."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.cost_model.cases_per_year import case_volume, resolve_cases_per_year
from analyzer.cost_model.costing import CasesPerYear, CostDefaults
from analyzer.cost_model.money import (
    SECONDS_PER_HOUR,
    euros,
    quantize,
    round_cents,
    to_cents,
    with_edition,
)
from analyzer.cost_model.times import _LEVEL, _N
from analyzer.cost_tables import (
    BurdenCosting,
    CostTables,
    default_burden_costing,
)
from analyzer.schema import Burden, Medium
from analyzer.throughput import SECONDS_PER_DAY, case_spans, group_keys


def citizen_burden(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    findings: engine.FrameLike | None = None,
    cases_per_year: CasesPerYear = None,
    burdens: Mapping[str, BurdenCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
) -> pd.DataFrame:
    """The citizen's time and money per case and per year, per municipality and service.

    * **Trips (Wegezeit)**: each run of consecutive in-person events of a case (MEDIUM
      ``in_person``) is one visit, costing the travel time and cost of the table's row for
      the event's level (Wegezeiten und -sachkosten). Needs MEDIUM; without it trips are empty.
    * **Resubmissions**: each ``once_only`` finding is a document the citizen hands in again,
      costing the citizen activities of that burden (and its share of trips).
    * **Waiting**: the median throughput time of a case in days (reported, not priced).

    Hours are priced only where ``defaults.citizen_hourly_value`` is set (the Leitfaden reports
    citizens' time in hours); travel costs are euros. Columns: keys, ``cost:cases``,
    ``citizen:trips_per_case``, ``citizen:travel_hours_per_case``,
    ``citizen:travel_euros_per_case``, ``citizen:resubmissions_per_case``,
    ``citizen:resubmission_hours_per_case``, ``citizen:waiting_days_median``,
    ``citizen:hours_per_case``, ``citizen:euros_per_case``, ``cost:cases_per_year``,
    ``cost:cases_per_year_source``, ``citizen:hours_per_year``, ``citizen:euros_per_year``,
    ``cost:edition``.
    """
    lf = engine.as_lazy(frame)
    keys = group_keys(lf)
    columns = lf.collect_schema().names()
    volume = case_volume(lf, keys)
    waits = _waiting_days(lf, keys)
    trips = _trips(lf, keys, default_level=defaults.level) if schema.MEDIUM in columns else None
    resubmissions = _resubmissions(findings, keys) if findings is not None else None
    spec = dict(default_burden_costing())
    spec.update({Burden(k): v for k, v in (burdens or {}).items()})
    once = spec[Burden.ONCE_ONLY]
    value_cents = (
        None
        if defaults.citizen_hourly_value is None
        else to_cents(defaults.citizen_hourly_value, what="citizen_hourly_value")
    )
    years = resolve_cases_per_year(cases_per_year, volume, keys)
    rows = []
    for i, rec in enumerate(volume.to_dict("records")):
        key = tuple(rec[k] for k in keys)
        cases = int(rec["cases"])
        trip_count, travel_seconds, travel_cents = Fraction(0), Fraction(0), Fraction(0)
        if trips is not None:
            for lv, n in trips.get(key, {}).items():
                travel = tables.travel_for(lv)
                trip_count += n
                travel_seconds += n * Fraction(travel.minutes) * 60
                travel_cents += n * to_cents(travel.cost, what="travel")
        resub = Fraction(resubmissions.get(key, 0)) if resubmissions is not None else None
        resub_seconds = Fraction(0)
        if resub:
            resub_seconds = resub * Fraction(once.citizen_minutes(tables)) * 60
            trip = tables.travel_for(defaults.level)
            share_trips = resub * Fraction(once.citizen_trip_share)
            resub_seconds += share_trips * Fraction(trip.minutes) * 60
            travel_cents += share_trips * to_cents(trip.cost, what="travel")
        seconds = travel_seconds + resub_seconds
        cents = travel_cents + (0 if value_cents is None else seconds * value_cents / 3600)
        year, source = years[i]
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                schema.COST_CASES: cases,
                schema.CITIZEN_TRIPS_PER_CASE: None if trips is None else float(trip_count / cases),
                schema.CITIZEN_TRAVEL_HOURS_PER_CASE: None
                if trips is None
                else quantize(travel_seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_TRAVEL_EUROS_PER_CASE: None
                if trips is None
                else euros(round_cents(travel_cents / cases)),
                schema.CITIZEN_RESUBMISSIONS_PER_CASE: None
                if resub is None
                else float(resub / cases),
                schema.CITIZEN_RESUBMISSION_HOURS_PER_CASE: None
                if resub is None
                else quantize(resub_seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_WAITING_DAYS_MEDIAN: waits.get(key),
                schema.CITIZEN_HOURS_PER_CASE: quantize(seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_EUROS_PER_CASE: euros(round_cents(cents / cases)),
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.CITIZEN_HOURS_PER_YEAR: quantize(
                    seconds * year / (cases * SECONDS_PER_HOUR)
                ),
                schema.CITIZEN_EUROS_PER_YEAR: euros(round_cents(cents * year / cases)),
            }
        )
    return with_edition(pd.DataFrame(rows, columns=[*keys, *_CITIZEN_COLUMNS]), tables)


_CITIZEN_COLUMNS = (
    schema.COST_CASES,
    schema.CITIZEN_TRIPS_PER_CASE,
    schema.CITIZEN_TRAVEL_HOURS_PER_CASE,
    schema.CITIZEN_TRAVEL_EUROS_PER_CASE,
    schema.CITIZEN_RESUBMISSIONS_PER_CASE,
    schema.CITIZEN_RESUBMISSION_HOURS_PER_CASE,
    schema.CITIZEN_WAITING_DAYS_MEDIAN,
    schema.CITIZEN_HOURS_PER_CASE,
    schema.CITIZEN_EUROS_PER_CASE,
    schema.COST_CASES_PER_YEAR,
    schema.COST_CASES_PER_YEAR_SOURCE,
    schema.CITIZEN_HOURS_PER_YEAR,
    schema.CITIZEN_EUROS_PER_YEAR,
)


def _trips(lf: nw.LazyFrame, keys: list[str], *, default_level: str) -> dict[tuple, dict]:
    """Visits per group and level: in-person events whose predecessor in the case is not."""
    columns = lf.collect_schema().names()
    order = steps.order_columns(columns)
    in_person = nw.col(schema.MEDIUM) == Medium.IN_PERSON
    level = nw.col(schema.LEVEL) if schema.LEVEL in columns else nw.lit(None, dtype=nw.String)
    visits = (
        steps.shifted(lf, {schema.MEDIUM: "__prev_medium"}, order=order)
        .with_columns(level.alias(_LEVEL))
        .filter(
            in_person
            & ((nw.col("__prev_medium") != Medium.IN_PERSON) | nw.col("__prev_medium").is_null())
        )
        .group_by([*keys, _LEVEL], drop_null_keys=False)
        .agg(nw.len().alias(_N))
    )
    result: dict[tuple, dict] = {}
    for rec in engine.to_pandas(visits).to_dict("records"):
        lv = rec[_LEVEL] if isinstance(rec[_LEVEL], str) else default_level
        bucket = result.setdefault(tuple(rec[k] for k in keys), {})
        bucket[lv] = bucket.get(lv, 0) + int(rec[_N])
    return result


def _resubmissions(findings: engine.FrameLike, keys: list[str]) -> dict[tuple, int]:
    fl = engine.as_lazy(findings)
    present = [k for k in keys if k in fl.collect_schema().names()]
    counts = (
        (
            fl.filter(nw.col(schema.FINDING_BURDEN) == Burden.ONCE_ONLY)
            .group_by(present)
            .agg(nw.len().alias(_N))
        )
        if present
        else (
            fl.filter(nw.col(schema.FINDING_BURDEN) == Burden.ONCE_ONLY).select(nw.len().alias(_N))
        )
    )
    return {
        tuple(r[k] for k in present): int(r[_N])
        for r in engine.to_pandas(counts).to_dict("records")
    }


def _waiting_days(lf: nw.LazyFrame, keys: list[str]) -> dict[tuple, float]:
    spans = case_spans(lf, by=keys).with_columns((nw.col("__seconds") / SECONDS_PER_DAY).alias("d"))
    # plain aggregation of a column (not of an expression): native on every backend
    out = (
        spans.group_by(keys).agg(nw.col("d").median())
        if keys
        else spans.select(nw.col("d").median())
    )
    return {
        tuple(r[k] for k in keys): float(r["d"]) for r in engine.to_pandas(out).to_dict("records")
    }
