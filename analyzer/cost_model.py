"""The Standard Cost Model (Standardkostenmodell): burden in hours and euros.

The rule, as in the Destatis guide to compliance costs (Erfüllungsaufwand der Verwaltung)::

    cost per case  = Σ over the steps of a case: minutes × hourly rate / 60  (+ material cost)
    cost per year  = cases per year × average cost per case

* **Minutes** of a step come, in this order, from: a fixed value the user sets for the
  activity (:class:`ActivityCosting.minutes`); the log, where it measures the step (a
  START_TIMESTAMP, or a lifecycle ``start`` followed by ``complete`` of the same activity in
  the same case), as the median (or mean) of the measured durations per municipality and
  service; the Zeitwerttabelle Verwaltung, for an activity mapped to a standard activity and
  complexity. A step with none of these is *unpriced* and counted as such
  (``cost:unpriced_events``), never silently priced at zero.
* **Hourly rate** comes from the Lohnkostentabelle Verwaltung: the row of the event's
  government level (LEVEL; :attr:`CostDefaults.level` where empty) and the activity's career
  group (:attr:`ActivityCosting.career`, else :attr:`CostDefaults.career`).
* **Material cost** (Sachkosten) per occurrence of an activity and per case, in euros.

Arithmetic is exact: durations are whole seconds, rates whole cents per hour, so one step
costs ``seconds × cents / 3600`` cents, summed as integers on the backend-neutral count table
and rounded half up to the cent only once, for each figure reported. Every result carries the
edition of the tables it used (column ``cost:edition``).

:func:`finding_costs` prices burden findings (schema.FINDING_COLUMNS) per year and says what
removing them would save; :func:`citizen_burden` adds the citizen's side (trips, resubmissions,
waiting). Pure: frames in, small pandas frames out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.cost_tables import (
    BurdenCosting,
    Career,
    Complexity,
    CostTables,
    MinutesMeaning,
    default_burden_costing,
    load_cost_tables,
)
from analyzer.problems import InputError, Problem, problem
from analyzer.schema import Burden, Level, Medium
from analyzer.throughput import SECONDS_PER_DAY, case_spans, group_keys

__all__ = [
    "ActivityCosting",
    "CasesPerYear",
    "CostDefaults",
    "CostTables",
    "LogStatistic",
    "TimeSource",
    "activity_times",
    "annual_cost",
    "citizen_burden",
    "cost_per_case",
    "finding_costs",
    "load_cost_tables",
    "round_cents",
]

SECONDS_PER_HOUR = 3600
DAYS_PER_YEAR = 365


class TimeSource(StrEnum):
    """Where the minutes of an activity came from."""

    FIXED = "fixed"  # set by the user
    LOG = "log"  # measured in the log
    TABLE = "table"  # Zeitwerttabelle, via the activity's standard activity
    MISSING = "missing"  # none: the activity is unpriced


class LogStatistic(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"


@dataclass(frozen=True)
class ActivityCosting:
    """How one activity label (or harmonised step) is priced.

    ``standard_activity``/``complexity``: the Zeitwerttabelle row used where the log does not
    measure the activity; ``career``: the Laufbahngruppe doing it; ``minutes``: a fixed time
    that wins over log and table; ``material_cost``: euros per occurrence (postage, print).
    """

    standard_activity: str | None = None
    complexity: Complexity | None = None
    career: Career | None = None
    minutes: Decimal | None = None
    material_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class CostDefaults:
    """Defaults of the cost model; each is a key of ``[defaults]`` in a cost settings file.

    ``level``: government level of events without one (Amtsweg analyses municipalities).
    ``career``: Laufbahngruppe where an activity names none: the average row of the table,
    which takes no position on who does the work. ``complexity``: for a standard activity
    mapped without one. ``log_statistic``: median (robust to a step left open overnight) or
    mean of the measured durations. ``material_cost_per_case``: euros per case.
    ``citizen_hourly_value``: euros per hour of citizens' time; None (the Leitfaden's practice)
    reports citizens' time in hours only.
    """

    level: Level = Level.MUNICIPALITY
    career: Career = Career.DURCHSCHNITT
    complexity: Complexity = Complexity.MITTEL
    log_statistic: LogStatistic = LogStatistic.MEDIAN
    material_cost_per_case: Decimal = Decimal(0)
    citizen_hourly_value: Decimal | None = None


#: Cases per year: one number for all, or per municipality, per service or per
#: (municipality, service); ``"*"`` is the fallback key. None: estimated from the log.
CasesPerYear = int | Mapping[str | tuple[str, ...], int] | None

_N = "__n"
_DUR = "__duration"
_SEC = "__seconds"
_RATE = "__rate_cents"
_MAT = "__material_cents"
_NUMER = "__numer"
_SECTOTAL = "__seconds_total"
_UNPRICED = "__unpriced"
_LEVEL = "__level"
_CAREER = "__career"


# --- activity times ------------------------------------------------------------------------------


def activity_times(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),
    label_column: str = schema.ACTIVITY,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Minutes per occurrence of each activity, and where they came from.

    One row per ``by`` group (default: municipality and service where present) and label
    (``label_column``: ACTIVITY, or STEP after harmonisation). Columns: the keys, the label,
    ``cost:events`` (occurrences; lifecycle ``start`` events are part of an occurrence, not
    one of their own), ``cost:measured`` (occurrences with a measured duration),
    ``cost:minutes`` (per occurrence, 2 decimals; empty where unpriced),
    ``cost:time_source`` (:class:`TimeSource`), ``cost:standard_activity``,
    ``cost:complexity``, ``cost:career``, ``cost:edition``.
    """
    keys = group_keys(frame, by)
    table = _time_table(
        frame,
        tables=tables,
        activities=activities or {},
        defaults=defaults,
        label_column=label_column,
        keys=keys,
    )
    table[schema.COST_MINUTES] = [
        None if s is None else _quantize(Fraction(int(s), 60)) for s in table[_SEC]
    ]
    columns = [
        *keys,
        label_column,
        schema.COST_EVENTS,
        schema.COST_MEASURED,
        schema.COST_MINUTES,
        schema.COST_TIME_SOURCE,
        schema.COST_STANDARD_ACTIVITY,
        schema.COST_COMPLEXITY,
        schema.COST_CAREER,
    ]
    return _with_edition(table[columns], tables)


def _time_table(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting],
    defaults: CostDefaults,
    label_column: str,
    keys: list[str],
) -> pd.DataFrame:
    lf = engine.as_lazy(frame)
    _require(lf, [schema.CASE, schema.TIMESTAMP, label_column])
    durations = _measured(lf, label_column)
    stat = (
        nw.col(_DUR).median()
        if defaults.log_statistic is LogStatistic.MEDIAN
        else (nw.col(_DUR).mean())
    )
    grouped = (
        durations.group_by([*keys, label_column], drop_null_keys=False)
        .agg(
            nw.len().alias(schema.COST_EVENTS),
            nw.col(_DUR).count().alias(schema.COST_MEASURED),
            stat.alias(_DUR),
        )
        .sort([*keys, label_column], nulls_last=True)
    )
    table = engine.to_pandas(grouped).reset_index(drop=True)
    table[schema.COST_EVENTS] = table[schema.COST_EVENTS].astype("int64")
    table[schema.COST_MEASURED] = table[schema.COST_MEASURED].astype("int64")

    problems: list[Problem] = []
    rows = []
    for label, measured, duration in zip(
        table[label_column], table[schema.COST_MEASURED], table[_DUR], strict=True
    ):
        costing = activities.get(label) if isinstance(label, str) else None
        costing = costing or ActivityCosting()
        complexity = costing.complexity or defaults.complexity
        career = costing.career or defaults.career
        seconds: int | None = None
        source = TimeSource.MISSING
        if costing.minutes is not None:
            seconds, source = _round_int(costing.minutes * 60), TimeSource.FIXED
        elif measured > 0:
            seconds, source = _round_int(Decimal(repr(float(duration)))), TimeSource.LOG
        elif costing.standard_activity:
            try:
                minutes = tables.standard_minutes(costing.standard_activity, complexity)
                seconds, source = _round_int(minutes * 60), TimeSource.TABLE
            except InputError as exc:
                problems.extend(exc.problems)
        try:
            material = _cents(costing.material_cost, what="material_cost")
        except InputError as exc:
            problems.extend(exc.problems)
            material = 0
        rows.append(
            (
                seconds,
                source.value,
                costing.standard_activity,
                complexity.value if costing.standard_activity else None,
                career.value,
                material,
            )
        )
    if problems:
        raise InputError(_unique(problems))
    extra = pd.DataFrame(
        rows,
        columns=[
            _SEC,
            schema.COST_TIME_SOURCE,
            schema.COST_STANDARD_ACTIVITY,
            schema.COST_COMPLEXITY,
            schema.COST_CAREER,
            _MAT,
        ],
        dtype=object,
    )
    return pd.concat([table.drop(columns=[_DUR]), extra], axis=1)


def _measured(lf: nw.LazyFrame, label_column: str) -> nw.LazyFrame:
    """Occurrences of activities with their measured duration in seconds (``__duration``).

    A duration is measured where START_TIMESTAMP is set and not after TIMESTAMP, or where a
    ``complete`` event directly follows a ``start`` of the same label in the same case.
    Lifecycle ``start`` events are dropped afterwards: they open an occurrence.
    """
    columns = lf.collect_schema().names()
    order = steps.order_columns(columns)
    duration = None
    if schema.START_TIMESTAMP in columns:
        span = steps.seconds_between(schema.START_TIMESTAMP, schema.TIMESTAMP)
        duration = nw.when(span >= 0).then(span)
    if schema.LIFECYCLE in columns:
        lifecycle = nw.col(schema.LIFECYCLE).cast(nw.String()).str.to_lowercase()
        lf = steps.shifted(
            lf.with_columns(lifecycle.alias("__lc")),
            {"__lc": "__prev_lc", schema.TIMESTAMP: "__prev_ts"},
            partition=[schema.CASE, label_column],
            order=order,
        )
        paired = nw.when((nw.col("__lc") == "complete") & (nw.col("__prev_lc") == "start")).then(
            steps.seconds_between("__prev_ts", schema.TIMESTAMP)
        )
        duration = paired if duration is None else nw.coalesce(duration, paired)
        lf = lf.filter((nw.col("__lc") != "start") | nw.col("__lc").is_null())
    if duration is None:
        duration = nw.lit(None, dtype=nw.Float64)
    return lf.with_columns(duration.cast(nw.Float64).alias(_DUR))


# --- cost per case and per year ------------------------------------------------------------------


def cost_per_case(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),
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
    per_case = _cents(defaults.material_cost_per_case, what="material_cost_per_case")
    cents = (2 * sums[_NUMER] + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR) + sums[_MAT] + per_case
    out = sums[[*keys, schema.CASE]].copy()
    out[schema.COST_EVENTS] = sums[_N].astype("int64")
    out[schema.COST_UNPRICED_EVENTS] = sums[_UNPRICED].astype("int64")
    out[schema.COST_HOURS] = [
        _quantize(Fraction(int(s), SECONDS_PER_HOUR)) for s in sums[_SECTOTAL]
    ]
    out[schema.COST_EUROS] = [euros(int(c)) for c in cents]
    return _with_edition(out.reset_index(drop=True), tables)


def annual_cost(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    cases_per_year: CasesPerYear = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),
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
    volume = _case_volume(frame, keys)
    merged = volume.merge(sums, on=keys, how="left") if keys else pd.concat([volume, sums], axis=1)
    years = _resolve_cases_per_year(cases_per_year, merged, keys)
    per_case_material = Fraction(
        _cents(defaults.material_cost_per_case, what="material_cost_per_case")
    )
    rows = []
    for i, rec in enumerate(merged.to_dict("records")):
        cases = int(rec["cases"])
        numer, material = _int(rec.get(_NUMER)), _int(rec.get(_MAT))
        seconds = _int(rec.get(_SECTOTAL))
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
                schema.COST_EVENTS: _int(rec.get(_N)),
                schema.COST_UNPRICED_EVENTS: _int(rec.get(_UNPRICED)),
                schema.COST_HOURS_PER_CASE: _quantize(Fraction(seconds, cases * SECONDS_PER_HOUR)),
                schema.COST_EUROS_PER_CASE: euros(round_cents(cents_per_case)),
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.COST_HOURS_PER_YEAR: _quantize(hours_per_year),
                schema.COST_EUROS_PER_YEAR: euros(round_cents(cents_per_case * year)),
                schema.COST_PERSON_YEARS: _quantize(
                    hours_per_year / Fraction(tables.hours_per_person_year)
                ),
            }
        )
    return _with_edition(pd.DataFrame(rows, columns=[*keys, *_ANNUAL_COLUMNS]), tables)


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
    times = _time_table(
        frame,
        tables=tables,
        activities=activities,
        defaults=defaults,
        label_column=label_column,
        keys=keys,
    )
    lf = _measured(engine.as_lazy(frame), label_column)
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
        _cents(tables.hourly_rate(lv, ca), what="wage_rates")
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


def _case_volume(frame: engine.FrameLike, keys: list[str]) -> pd.DataFrame:
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


def _resolve_cases_per_year(
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


# --- findings ------------------------------------------------------------------------------------


def finding_costs(
    findings: engine.FrameLike,
    *,
    log: engine.FrameLike,
    tables: CostTables,
    cases_per_year: CasesPerYear = None,
    burdens: Mapping[str, BurdenCosting] | None = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),
) -> pd.DataFrame:
    """What each kind of burden found costs per year, and what removing it would save.

    ``findings`` has schema.FINDING_COLUMNS (from the detectors); ``log`` is the event log
    they were found in (for the cases observed and, for rework, the time of the repeated
    activity). Per municipality, service and burden kind:

    * minutes per finding: the detector's ``finding:minutes_lost`` where given, else the
      burden's default (:class:`~analyzer.cost_tables.BurdenCosting`, overridable by
      ``burdens``): for rework one more run of the activity (its time from the log or table),
      else the standard activities of the burden; for ``long_wait`` the minutes are the
      citizen's waiting time and cost no working time;
    * euros: minutes × hourly rate of the finding's level and the burden's career group;
    * per year: × cases per year / cases in the log (findings occur per case);
    * citizen: the burden's citizen activities, the share of occurrences that needs a trip
      (Wegezeit and -sachkosten of the finding's level), priced only if
      ``defaults.citizen_hourly_value`` is set; trip costs are always euros;
    * savings: (administration + citizen) × the burden's removable share.

    Columns: keys, FINDING_BURDEN, ``cost:findings``, ``cost:cases``,
    ``cost:findings_per_1000_cases``, ``cost:minutes_per_finding``,
    ``cost:cases_per_year``, ``cost:cases_per_year_source``, ``cost:occurrences_per_year``,
    ``cost:hours_per_year``, ``cost:euros_per_year`` (administration),
    ``cost:citizen_hours_per_year``, ``cost:citizen_euros_per_year``,
    ``cost:waiting_hours_per_year`` (citizens' waiting, never priced or saved as work),
    ``cost:savings_hours_per_year``, ``cost:savings_euros_per_year``, ``cost:edition``.
    """
    costing = dict(default_burden_costing())
    costing.update({Burden(k): v for k, v in (burdens or {}).items()})
    fl = engine.as_lazy(findings)
    _require(fl, [schema.FINDING_BURDEN])
    fcols = fl.collect_schema().names()
    keys = [k for k in group_keys(log) if k in fcols]
    minutes = (
        nw.col(schema.FINDING_MINUTES_LOST).cast(nw.Float64)
        if (schema.FINDING_MINUTES_LOST in fcols)
        else nw.lit(None, dtype=nw.Float64)
    )
    level = nw.col(schema.LEVEL) if schema.LEVEL in fcols else nw.lit(None, dtype=nw.String)
    activity = (
        nw.col(schema.ACTIVITY) if schema.ACTIVITY in fcols else nw.lit(None, dtype=nw.String)
    )
    seconds = (minutes * 60).round(0)
    counts = engine.to_pandas(
        fl.with_columns(level.alias(_LEVEL), activity.alias("__activity"), seconds.alias(_SEC))
        .group_by([*keys, schema.FINDING_BURDEN, _LEVEL, "__activity"], drop_null_keys=False)
        .agg(
            nw.len().alias(_N),
            nw.col(_SEC).count().alias("__given"),
            nw.col(_SEC).sum().alias("__given_seconds"),
        )
    )
    unknown = sorted({str(k) for k in counts[schema.FINDING_BURDEN]} - {str(b) for b in Burden})
    if unknown:
        raise InputError(
            [
                problem(
                    "finding.unknown_kind",
                    "unbekannte Belastungsart im Befund; möglich: " + ", ".join(Burden),
                    "unknown burden kind in findings; allowed: " + ", ".join(Burden),
                    column=schema.FINDING_BURDEN,
                    value=k,
                )
                for k in unknown
            ]
        )

    times = None
    if any(costing[Burden(k)].use_activity_time for k in counts[schema.FINDING_BURDEN]):
        times = _time_table(
            log,
            tables=tables,
            activities=activities or {},
            defaults=defaults,
            label_column=schema.ACTIVITY,
            keys=keys,
        )
        times = {
            (*(r[k] for k in keys), r[schema.ACTIVITY]): r[_SEC] for r in times.to_dict("records")
        }

    value_cents = None
    if defaults.citizen_hourly_value is not None:
        value_cents = _cents(defaults.citizen_hourly_value, what="citizen_hourly_value")
    totals: dict[tuple, dict[str, Fraction]] = {}
    for rec in counts.to_dict("records"):
        kind = Burden(rec[schema.FINDING_BURDEN])
        spec = costing[kind]
        n, given = int(rec[_N]), int(rec["__given"])
        given_seconds = _int(rec["__given_seconds"])
        lv = rec[_LEVEL] if isinstance(rec[_LEVEL], str) else defaults.level
        default_seconds = _round_int(spec.admin_minutes(tables) * 60)
        if spec.use_activity_time and times is not None:
            measured = times.get((*(rec[k] for k in keys), rec["__activity"]))
            if measured is not None and measured == measured:
                default_seconds = int(measured)
        t = totals.setdefault((*(rec[k] for k in keys), kind), _zero_totals())
        t["findings"] += n
        if spec.minutes_lost_is is MinutesMeaning.WAITING:
            t["waiting_seconds"] += given_seconds
        else:
            work = given_seconds + (n - given) * default_seconds
            t["admin_seconds"] += work
            t["admin_numer"] += work * _cents(
                tables.hourly_rate(lv, spec.career), what="wage_rates"
            )
        citizen_seconds = n * Fraction(spec.citizen_minutes(tables)) * 60
        trips = n * Fraction(spec.citizen_trip_share)
        travel = tables.travel_for(lv)
        citizen_seconds += trips * Fraction(travel.minutes) * 60
        t["citizen_seconds"] += Fraction(citizen_seconds)
        t["citizen_cents"] += trips * _cents(travel.cost, what="travel")
        if value_cents is not None:
            t["citizen_cents"] += Fraction(citizen_seconds) * value_cents / SECONDS_PER_HOUR

    volume = _case_volume(log, keys)
    years = _resolve_cases_per_year(cases_per_year, volume, keys)
    year_of = {
        tuple(r[k] for k in keys): (years[i], int(r["cases"]))
        for i, r in enumerate(volume.to_dict("records"))
    }
    rows = []
    for key in sorted(totals, key=lambda k: tuple(str(v) for v in k)):
        t = totals[key]
        (year, source), cases = year_of.get(key[:-1], ((0, "given"), 0))
        if cases == 0:
            raise InputError(
                [
                    problem(
                        "findings.no_cases",
                        "Befunde zu einer Kommune/Leistung, die im Protokoll nicht vorkommt",
                        "findings for a municipality/service that is not in the log",
                        value=" / ".join(str(v) for v in key[:-1]),
                    )
                ]
            )
        factor = Fraction(year, cases)
        spec = costing[key[-1]]
        share = Fraction(spec.removable_share)
        admin_hours = t["admin_seconds"] * factor / SECONDS_PER_HOUR
        citizen_hours = t["citizen_seconds"] * factor / SECONDS_PER_HOUR
        admin_cents = t["admin_numer"] * factor / SECONDS_PER_HOUR
        citizen_cents = t["citizen_cents"] * factor
        findings_n = int(t["findings"])
        rows.append(
            {
                **dict(zip(keys, key[:-1], strict=True)),
                schema.FINDING_BURDEN: str(key[-1]),
                schema.COST_FINDINGS: findings_n,
                schema.COST_CASES: cases,
                schema.COST_FINDINGS_PER_1000: float(Fraction(findings_n * 1000, cases)),
                schema.COST_MINUTES_PER_FINDING: _quantize(t["admin_seconds"] / (60 * findings_n)),
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.COST_OCCURRENCES_PER_YEAR: _quantize(findings_n * factor),
                schema.COST_HOURS_PER_YEAR: _quantize(admin_hours),
                schema.COST_EUROS_PER_YEAR: euros(round_cents(admin_cents)),
                schema.COST_CITIZEN_HOURS_PER_YEAR: _quantize(citizen_hours),
                schema.COST_CITIZEN_EUROS_PER_YEAR: euros(round_cents(citizen_cents)),
                schema.COST_WAITING_HOURS_PER_YEAR: _quantize(
                    t["waiting_seconds"] * factor / SECONDS_PER_HOUR
                ),
                schema.COST_SAVINGS_HOURS_PER_YEAR: _quantize(
                    (admin_hours + citizen_hours) * share
                ),
                schema.COST_SAVINGS_EUROS_PER_YEAR: euros(
                    round_cents((admin_cents + citizen_cents) * share)
                ),
            }
        )
    columns = [*keys, schema.FINDING_BURDEN, *_FINDING_COLUMNS]
    return _with_edition(pd.DataFrame(rows, columns=columns), tables)


_FINDING_COLUMNS = (
    schema.COST_FINDINGS,
    schema.COST_CASES,
    schema.COST_FINDINGS_PER_1000,
    schema.COST_MINUTES_PER_FINDING,
    schema.COST_CASES_PER_YEAR,
    schema.COST_CASES_PER_YEAR_SOURCE,
    schema.COST_OCCURRENCES_PER_YEAR,
    schema.COST_HOURS_PER_YEAR,
    schema.COST_EUROS_PER_YEAR,
    schema.COST_CITIZEN_HOURS_PER_YEAR,
    schema.COST_CITIZEN_EUROS_PER_YEAR,
    schema.COST_WAITING_HOURS_PER_YEAR,
    schema.COST_SAVINGS_HOURS_PER_YEAR,
    schema.COST_SAVINGS_EUROS_PER_YEAR,
)


def _zero_totals() -> dict[str, Fraction]:
    names = (
        "findings",
        "admin_seconds",
        "admin_numer",
        "citizen_seconds",
        "citizen_cents",
        "waiting_seconds",
    )
    return {name: Fraction(0) for name in names}


# --- the citizen's side --------------------------------------------------------------------------


def citizen_burden(
    frame: engine.FrameLike,
    *,
    tables: CostTables,
    findings: engine.FrameLike | None = None,
    cases_per_year: CasesPerYear = None,
    burdens: Mapping[str, BurdenCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),
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
    volume = _case_volume(lf, keys)
    waits = _waiting_days(lf, keys)
    trips = _trips(lf, keys, default_level=defaults.level) if schema.MEDIUM in columns else None
    resubmissions = _resubmissions(findings, keys) if findings is not None else None
    spec = dict(default_burden_costing())
    spec.update({Burden(k): v for k, v in (burdens or {}).items()})
    once = spec[Burden.ONCE_ONLY]
    value_cents = (
        None
        if defaults.citizen_hourly_value is None
        else _cents(defaults.citizen_hourly_value, what="citizen_hourly_value")
    )
    years = _resolve_cases_per_year(cases_per_year, volume, keys)
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
                travel_cents += n * _cents(travel.cost, what="travel")
        resub = Fraction(resubmissions.get(key, 0)) if resubmissions is not None else None
        resub_seconds = Fraction(0)
        if resub:
            resub_seconds = resub * Fraction(once.citizen_minutes(tables)) * 60
            trip = tables.travel_for(defaults.level)
            share_trips = resub * Fraction(once.citizen_trip_share)
            resub_seconds += share_trips * Fraction(trip.minutes) * 60
            travel_cents += share_trips * _cents(trip.cost, what="travel")
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
                else _quantize(travel_seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_TRAVEL_EUROS_PER_CASE: None
                if trips is None
                else euros(round_cents(travel_cents / cases)),
                schema.CITIZEN_RESUBMISSIONS_PER_CASE: None
                if resub is None
                else float(resub / cases),
                schema.CITIZEN_RESUBMISSION_HOURS_PER_CASE: None
                if resub is None
                else _quantize(resub_seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_WAITING_DAYS_MEDIAN: waits.get(key),
                schema.CITIZEN_HOURS_PER_CASE: _quantize(seconds / (cases * SECONDS_PER_HOUR)),
                schema.CITIZEN_EUROS_PER_CASE: euros(round_cents(cents / cases)),
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.CITIZEN_HOURS_PER_YEAR: _quantize(
                    seconds * year / (cases * SECONDS_PER_HOUR)
                ),
                schema.CITIZEN_EUROS_PER_YEAR: euros(round_cents(cents * year / cases)),
            }
        )
    return _with_edition(pd.DataFrame(rows, columns=[*keys, *_CITIZEN_COLUMNS]), tables)


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


# --- money and rounding --------------------------------------------------------------------------


def round_cents(amount: Fraction | int) -> int:
    """``amount`` (cents, exact) rounded half up to whole cents (non-negative amounts)."""
    amount = Fraction(amount)
    return (2 * amount.numerator + amount.denominator) // (2 * amount.denominator)


def euros(cents: int) -> Decimal:
    """Whole cents as euros with two decimals (``1234`` → ``Decimal("12.34")``)."""
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


def _cents(amount: Decimal, *, what: str) -> int:
    """Whole cents of a euro amount; InputError for fractions of a cent."""
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise InputError(
            [
                problem(
                    "money.sub_cent",
                    f"Betrag mit Bruchteilen eines Cents in {what}; "
                    "auf zwei Nachkommastellen runden",
                    f"amount with fractions of a cent in {what}; round it to two decimals",
                    column=what,
                    value=str(amount),
                )
            ]
        )
    return int(cents)


def _quantize(value: Fraction | int) -> Decimal:
    """An exact value with two decimals, half up (hours, minutes, counts per year)."""
    value = Fraction(value)
    hundredths = (2 * value.numerator * 100 + value.denominator) // (2 * value.denominator)
    return (Decimal(hundredths) / 100).quantize(Decimal("0.01"))


def _round_int(value: Decimal) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _int(value: object) -> int:
    if value is None or (isinstance(value, float) and value != value):
        return 0
    return int(value)


def _with_edition(frame: pd.DataFrame, tables: CostTables) -> pd.DataFrame:
    frame = frame.copy()
    frame[schema.COST_EDITION] = tables.edition
    return frame


def _require(lf: nw.LazyFrame, columns: Sequence[str]) -> None:
    present = lf.collect_schema().names()
    missing = [c for c in columns if c not in present]
    if missing:
        raise InputError(
            [
                problem(
                    "column.missing",
                    "Spalte fehlt für die Kostenrechnung",
                    "column needed for the cost model is missing",
                    column=c,
                )
                for c in missing
            ]
        )


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault((p.code, p.value, p.column), p)
    return list(seen.values())
