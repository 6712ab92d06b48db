"""What burden findings cost per year, and what removing them would save.

One burden instance, one price: where two detectors report the same burden on the same
anchor event (CASE, FINDING_EVENT_ID), only the owner's finding is priced
(:data:`SAME_INSTANCE_OWNERS`; today a ``system_breaks`` finding on an event with a
``manual_reentry`` finding: both say the data was typed again from another system). Idle
time (burdens whose minutes are waiting, ``long_wait``) is reported in days, never as
working hours or euros.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    require_columns,
    round_cents,
    round_int,
    to_cents,
    with_edition,
)
from analyzer.cost_model.times import _LEVEL, _N, _SEC, time_table
from analyzer.cost_tables import (
    BurdenCosting,
    CostTables,
    MinutesMeaning,
    default_burden_costing,
)
from analyzer.problems import InputError, problem
from analyzer.schema import Burden
from analyzer.throughput import SECONDS_PER_DAY, group_keys

#: detector → the detector that owns a burden instance both report on the same anchor event.
SAME_INSTANCE_OWNERS: dict[str, str] = {"system_breaks": "manual_reentry"}
_OWNER = "__owner"


def with_owning_detector(findings: engine.FrameLike, *, column: str) -> nw.LazyFrame:
    """``findings`` with ``column``: the detector that owns (prices) the burden instance of
    a finding where that is another detector (:data:`SAME_INSTANCE_OWNERS`), else null.

    Needs FINDING_DETECTOR, CASE and FINDING_EVENT_ID; without them every finding owns its
    instance.
    """
    fl = engine.as_lazy(findings)
    out = fl.with_columns(nw.lit(None, dtype=nw.String()).alias(column))
    needed = {schema.FINDING_DETECTOR, schema.CASE, schema.FINDING_EVENT_ID}
    if not needed <= set(fl.collect_schema().names()):
        return out
    anchor = [schema.CASE, schema.FINDING_EVENT_ID]
    for detector, owner in sorted(SAME_INSTANCE_OWNERS.items()):
        owned = (
            fl.filter(nw.col(schema.FINDING_DETECTOR) == owner)
            .select(*anchor)
            .unique()
            .with_columns(nw.lit(True).alias("__owned"))
        )
        out = (
            out.join(owned, on=anchor, how="left")
            .with_columns(
                nw.when(
                    (nw.col(schema.FINDING_DETECTOR) == detector)
                    & nw.col("__owned").fill_null(False)
                )
                .then(nw.lit(owner))
                .otherwise(nw.col(column))
                .alias(column)
            )
            .drop("__owned")
        )
    return out


def finding_costs(
    findings: engine.FrameLike,
    *,
    log: engine.FrameLike,
    tables: CostTables,
    cases_per_year: CasesPerYear = None,
    burdens: Mapping[str, BurdenCosting] | None = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
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
    ``cost:idle_days_per_year`` (days cases lay idle: never priced or saved as work),
    ``cost:savings_hours_per_year``, ``cost:savings_euros_per_year``,
    ``cost:findings_priced_elsewhere`` (findings of the kind whose instance another
    detector owns, not priced here), ``cost:detectors`` (detectors whose findings are
    priced in the row, ``", "``-joined), ``cost:edition``.
    """
    costing = dict(default_burden_costing())
    costing.update({Burden(k): v for k, v in (burdens or {}).items()})
    fl = engine.as_lazy(findings)
    require_columns(fl, [schema.FINDING_BURDEN])
    fcols = fl.collect_schema().names()
    keys = [k for k in group_keys(log) if k in fcols]
    fl = with_owning_detector(fl, column=_OWNER)
    elsewhere, detectors = _ownership(fl, keys, has_detector=schema.FINDING_DETECTOR in fcols)
    fl = fl.filter(nw.col(_OWNER).is_null())
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
        times = time_table(
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
    totals: dict[tuple, dict[str, Fraction]] = {key: _zero_totals() for key in elsewhere}
    if defaults.citizen_hourly_value is not None:
        value_cents = to_cents(defaults.citizen_hourly_value, what="citizen_hourly_value")
    for rec in counts.to_dict("records"):
        kind = Burden(rec[schema.FINDING_BURDEN])
        spec = costing[kind]
        n, given = int(rec[_N]), int(rec["__given"])
        given_seconds = as_int(rec["__given_seconds"])
        lv = rec[_LEVEL] if isinstance(rec[_LEVEL], str) else defaults.level
        default_seconds = round_int(spec.admin_minutes(tables) * 60)
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
            t["admin_numer"] += work * to_cents(
                tables.hourly_rate(lv, spec.career), what="wage_rates"
            )
        citizen_seconds = n * Fraction(spec.citizen_minutes(tables)) * 60
        trips = n * Fraction(spec.citizen_trip_share)
        travel = tables.travel_for(lv)
        citizen_seconds += trips * Fraction(travel.minutes) * 60
        t["citizen_seconds"] += Fraction(citizen_seconds)
        t["citizen_cents"] += trips * to_cents(travel.cost, what="travel")
        if value_cents is not None:
            t["citizen_cents"] += Fraction(citizen_seconds) * value_cents / SECONDS_PER_HOUR

    volume = case_volume(log, keys)
    years = resolve_cases_per_year(cases_per_year, volume, keys)
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
                schema.COST_MINUTES_PER_FINDING: quantize(t["admin_seconds"] / (60 * findings_n))
                if findings_n
                else None,
                schema.COST_CASES_PER_YEAR: year,
                schema.COST_CASES_PER_YEAR_SOURCE: source,
                schema.COST_OCCURRENCES_PER_YEAR: quantize(findings_n * factor),
                schema.COST_HOURS_PER_YEAR: quantize(admin_hours),
                schema.COST_EUROS_PER_YEAR: euros(round_cents(admin_cents)),
                schema.COST_CITIZEN_HOURS_PER_YEAR: quantize(citizen_hours),
                schema.COST_CITIZEN_EUROS_PER_YEAR: euros(round_cents(citizen_cents)),
                schema.COST_IDLE_DAYS_PER_YEAR: quantize(
                    t["waiting_seconds"] * factor / SECONDS_PER_DAY
                ),
                schema.COST_SAVINGS_HOURS_PER_YEAR: quantize((admin_hours + citizen_hours) * share),
                schema.COST_SAVINGS_EUROS_PER_YEAR: euros(
                    round_cents((admin_cents + citizen_cents) * share)
                ),
                schema.COST_FINDINGS_PRICED_ELSEWHERE: elsewhere.get(key, 0),
                schema.COST_DETECTORS: detectors.get(key),
            }
        )
    columns = [*keys, schema.FINDING_BURDEN, *_FINDING_COLUMNS]
    return with_edition(pd.DataFrame(rows, columns=columns), tables)


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
    schema.COST_IDLE_DAYS_PER_YEAR,
    schema.COST_SAVINGS_HOURS_PER_YEAR,
    schema.COST_SAVINGS_EUROS_PER_YEAR,
    schema.COST_FINDINGS_PRICED_ELSEWHERE,
    schema.COST_DETECTORS,
)


def _ownership(
    fl: nw.LazyFrame, keys: list[str], *, has_detector: bool
) -> tuple[dict[tuple, int], dict[tuple, str]]:
    """Per (keys, burden): findings owned by another detector, and the detectors whose own
    findings are priced (``", "``-joined)."""
    detector = nw.col(schema.FINDING_DETECTOR) if has_detector else nw.lit(None, nw.String())
    table = engine.to_pandas(
        fl.with_columns(detector.cast(nw.String()).alias("__detector"))
        .group_by([*keys, schema.FINDING_BURDEN, "__detector", _OWNER], drop_null_keys=False)
        .agg(nw.len().alias(_N))
    )
    elsewhere: dict[tuple, int] = {}
    detectors: dict[tuple, set[str]] = {}
    for rec in table.to_dict("records"):
        key = (*(rec[k] for k in keys), Burden(rec[schema.FINDING_BURDEN]))
        if isinstance(rec[_OWNER], str):
            elsewhere[key] = elsewhere.get(key, 0) + int(rec[_N])
        elif isinstance(rec["__detector"], str):
            detectors.setdefault(key, set()).add(rec["__detector"])
    return elsewhere, {key: ", ".join(sorted(names)) for key, names in detectors.items()}


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
