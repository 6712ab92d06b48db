"""The user's cost settings file: own values for the Standard Cost Model, checked up front.

A TOML file overrides any published value and sets the options of
:mod:`analyzer.cost_model` (every key is checked before any work starts; a typo fails with the
line, the key and the closest valid key)::

    label = "Musterstadt 2026"      # names the adaptation in cost:edition
    edition = "destatis-2025"       # shipped table edition to start from (default: newest)

    [wage_rates.kommunen]           # Lohnkostentabelle: row → career group → EUR/h
    gehoben = 45.10
    [time_values.formelle_pruefung] # Zeitwerttabelle Verwaltung: activity → complexity → min
    mittel = 25
    [citizen_time_values.rueckfragen]
    mittel = 10
    [travel.gemeinde]               # Wegezeiten und -sachkosten
    minutes = 20
    cost = 1.50

    [defaults]                      # analyzer.cost_model.CostDefaults
    level = "municipality"
    career = "gehoben"
    complexity = "mittel"
    log_statistic = "median"
    material_cost_per_case = 0.85
    citizen_hourly_value = 25.00

    [activities."Antrag prüfen"]    # analyzer.cost_model.ActivityCosting, per label or step id
    standard_activity = "inhaltliche_pruefung"
    complexity = "mittel"
    career = "gehoben"
    minutes = 25
    material_cost = 0.85

    [burdens.media_break]           # analyzer.cost_tables.BurdenCosting, per burden kind
    minutes = 12
    career = "einfach_mittel"

    [cases_per_year]                # per municipality, "*" for all, or per service:
    "*" = 1000
    Musterstadt = 1200
    [cases_per_year.Beispielheim]
    Wohngeld = 800
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from analyzer.cost_model import ActivityCosting, CostDefaults, LogStatistic
from analyzer.cost_tables import (
    BURDEN_COSTING_KEYS,
    BurdenCosting,
    Career,
    Complexity,
    CostOverrides,
    CostTables,
    MinutesMeaning,
    TravelRow,
    WageRow,
    apply_overrides,
    available_editions,
    burden_costing_from_dict,
    default_burden_costing,
    load_cost_tables,
)
from analyzer.problems import InputError
from analyzer.schema import Burden, Level
from connectors.toml_files import TomlChecker, TomlFile, read_toml

TOP_KEYS = (
    "label",
    "edition",
    "wage_rates",
    "time_values",
    "citizen_time_values",
    "travel",
    "defaults",
    "activities",
    "burdens",
    "cases_per_year",
)
DEFAULT_KEYS = (
    "level",
    "career",
    "complexity",
    "log_statistic",
    "material_cost_per_case",
    "citizen_hourly_value",
)
ACTIVITY_KEYS = ("standard_activity", "complexity", "career", "minutes", "material_cost")


@dataclass(frozen=True)
class CostSettings:
    """Everything the cost functions take, as read from a settings file.

    Pass them on: ``annual_cost(log, tables=s.tables, activities=s.activities,
    defaults=s.defaults, cases_per_year=s.cases_per_year)``; ``finding_costs(...,
    burdens=s.burdens)``.
    """

    tables: CostTables
    defaults: CostDefaults = field(default_factory=CostDefaults)
    activities: Mapping[str, ActivityCosting] = field(default_factory=dict)
    burdens: Mapping[str, BurdenCosting] = field(default_factory=dict)
    cases_per_year: Mapping[str | tuple[str, ...], int] | None = None
    source: str | None = None


def default_cost_settings(edition: str | None = None) -> CostSettings:
    """The published tables and Amtsweg's defaults, without a settings file."""
    return CostSettings(tables=load_cost_tables(edition))


def read_cost_settings(path: str | Path) -> CostSettings:
    """The cost settings in the TOML file ``path``, checked completely (InputError)."""
    file = read_toml(
        path, code="cost_settings", what_de="Kosteneinstellungen", what_en="cost settings file"
    )
    return cost_settings_from_file(file)


def cost_settings_from_file(file: TomlFile) -> CostSettings:
    check = TomlChecker(file, code="cost_settings")
    data = file.data
    for key in data:
        if key not in TOP_KEYS:
            check.unknown(key, TOP_KEYS, at=key)

    edition = None
    if "edition" in data:
        edition = check.choice(data["edition"], available_editions(), at="edition")
    tables = load_cost_tables(edition)
    label = data.get("label", Path(file.path).name)
    if not isinstance(label, str):
        check.bad("not_text", "muss ein Text sein", "must be text", at="label", value=label)
        label = Path(file.path).name

    overrides = CostOverrides(
        wage_rates=_rows(
            check,
            data,
            "wage_rates",
            [str(r) for r in WageRow],
            [str(c) for c in Career],
            cents=True,
        ),
        time_values=_rows(
            check, data, "time_values", sorted(tables.time_values), [str(c) for c in Complexity]
        ),
        citizen_time_values=_rows(
            check,
            data,
            "citizen_time_values",
            sorted(tables.citizen_time_values),
            [str(c) for c in Complexity],
        ),
        travel=_travel(check, data),
        label=label,
    )
    defaults = _defaults(check, data)
    adapted = apply_overrides(tables, overrides) if not check.problems else tables
    activities = _activities(check, data, adapted, defaults)
    burdens = _burdens(check, data, adapted)
    cases = _cases_per_year(check, data)
    check.raise_if_any()
    return CostSettings(
        tables=adapted,
        defaults=defaults,
        activities=activities,
        burdens=burdens,
        cases_per_year=cases,
        source=file.path,
    )


def _rows(
    check: TomlChecker,
    data: dict,
    key: str,
    rows: list[str],
    columns: list[str],
    *,
    cents: bool = False,
) -> dict[str, dict[str, Decimal]]:
    result: dict[str, dict[str, Decimal]] = {}
    for row, values in check.table(data.get(key, {}), at=key).items():
        at = f"{key}.{row}"
        if row not in rows:
            check.unknown(row, rows, at=at, section=key)
            continue
        for column, value in check.table(values, at=at).items():
            if column not in columns:
                check.unknown(column, columns, at=f"{at}.{column}", section=at)
                continue
            number = check.number(value, at=f"{at}.{column}", cents=cents)
            if number is not None:
                result.setdefault(row, {})[column] = number
    return result


def _travel(check: TomlChecker, data: dict) -> dict[str, dict[str, Decimal]]:
    result: dict[str, dict[str, Decimal]] = {}
    rows = [str(r) for r in TravelRow]
    for row, values in check.table(data.get("travel", {}), at="travel").items():
        at = f"travel.{row}"
        if row not in rows:
            check.unknown(row, rows, at=at, section="travel")
            continue
        for name, value in check.table(values, at=at).items():
            if name not in ("minutes", "cost"):
                check.unknown(name, ("minutes", "cost"), at=f"{at}.{name}", section=at)
                continue
            number = check.number(value, at=f"{at}.{name}", cents=name == "cost")
            if number is not None:
                result.setdefault(row, {})[name] = number
    return result


def _defaults(check: TomlChecker, data: dict) -> CostDefaults:
    values: dict[str, Any] = {}
    choices = {
        "level": list(Level),
        "career": list(Career),
        "complexity": list(Complexity),
        "log_statistic": list(LogStatistic),
    }
    for key, value in check.table(data.get("defaults", {}), at="defaults").items():
        at = f"defaults.{key}"
        if key not in DEFAULT_KEYS:
            check.unknown(key, DEFAULT_KEYS, at=at, section="defaults")
        elif key in choices:
            chosen = check.choice(value, choices[key], at=at)
            if chosen is not None:
                values[key] = type(choices[key][0])(chosen)
        else:
            number = check.number(value, at=at, cents=True)
            if number is not None:
                values[key] = number
    return CostDefaults(**values)


def _activities(
    check: TomlChecker, data: dict, tables: CostTables, defaults: CostDefaults
) -> dict[str, ActivityCosting]:
    result: dict[str, ActivityCosting] = {}
    for label, values in check.table(data.get("activities", {}), at="activities").items():
        at = f"activities.{label}"
        spec: dict[str, Any] = {}
        for key, value in check.table(values, at=at).items():
            key_at = f"{at}.{key}"
            if key not in ACTIVITY_KEYS:
                check.unknown(key, ACTIVITY_KEYS, at=key_at, section=at)
            elif key == "standard_activity":
                spec[key] = check.choice(value, sorted(tables.time_values), at=key_at)
            elif key == "complexity":
                chosen = check.choice(value, list(Complexity), at=key_at)
                spec[key] = Complexity(chosen) if chosen else None
            elif key == "career":
                chosen = check.choice(value, list(Career), at=key_at)
                spec[key] = Career(chosen) if chosen else None
            else:
                number = check.number(value, at=key_at, cents=key == "material_cost")
                if number is not None:
                    spec[key] = number
        costing = ActivityCosting(**{k: v for k, v in spec.items() if v is not None})
        if costing.standard_activity and costing.minutes is None:
            try:
                tables.standard_minutes(
                    costing.standard_activity, costing.complexity or defaults.complexity
                )
            except InputError as exc:
                for p in exc.problems:
                    check.bad("unpublished", p.de, p.en, at=at, value=label)
        result[label] = costing
    return result


def _burdens(check: TomlChecker, data: dict, tables: CostTables) -> dict[str, BurdenCosting]:
    defaults = default_burden_costing()
    kinds = [str(b) for b in Burden]
    result: dict[str, BurdenCosting] = {}
    for kind, values in check.table(data.get("burdens", {}), at="burdens").items():
        at = f"burdens.{kind}"
        if kind not in kinds:
            check.unknown(kind, kinds, at=at, section="burdens")
            continue
        values = check.table(values, at=at)
        ok = True
        for key, value in values.items():
            key_at = f"{at}.{key}"
            if key not in BURDEN_COSTING_KEYS:
                check.unknown(key, BURDEN_COSTING_KEYS, at=key_at, section=at)
                ok = False
            elif key == "career":
                ok &= check.choice(value, list(Career), at=key_at) is not None
            elif key == "minutes_lost_is":
                ok &= check.choice(value, list(MinutesMeaning), at=key_at) is not None
            elif key == "use_activity_time":
                if not isinstance(value, bool):
                    check.bad(
                        "not_bool",
                        "muss true oder false sein",
                        "must be true or false",
                        at=key_at,
                        value=value,
                    )
                    ok = False
            elif key in ("activities", "citizen_activities"):
                ok &= _activity_pairs(
                    check, value, tables, citizen=key == "citizen_activities", at=key_at
                )
            else:
                ok &= check.number(value, at=key_at) is not None
        if ok:
            result[kind] = burden_costing_from_dict(values, defaults[Burden(kind)])
    return result


def _activity_pairs(
    check: TomlChecker, value: Any, tables: CostTables, *, citizen: bool, at: str
) -> bool:
    table = tables.citizen_time_values if citizen else tables.time_values
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
        check.bad(
            "not_pairs",
            'muss eine Liste von Paaren sein, z. B. [["formelle_pruefung", "einfach"]]',
            'must be a list of pairs, e.g. [["formelle_pruefung", "einfach"]]',
            at=at,
            value=value,
        )
        return False
    ok = True
    for activity, complexity in value:
        if (
            check.choice(activity, sorted(table), at=at) is None
            or check.choice(complexity, list(Complexity), at=at) is None
        ):
            ok = False
            continue
        try:
            tables.standard_minutes(activity, complexity, citizen=citizen)
        except InputError as exc:
            for p in exc.problems:
                check.bad("unpublished", p.de, p.en, at=at, value=activity)
            ok = False
    return ok


def _cases_per_year(check: TomlChecker, data: dict) -> dict[str | tuple[str, ...], int] | None:
    if "cases_per_year" not in data:
        return None
    result: dict[str | tuple[str, ...], int] = {}
    for key, value in check.table(data["cases_per_year"], at="cases_per_year").items():
        at = f"cases_per_year.{key}"
        if isinstance(value, dict):
            for service, count in value.items():
                number = _count(check, count, at=f"{at}.{service}")
                if number is not None:
                    result[(key, service)] = number
            continue
        number = _count(check, value, at=at)
        if number is not None:
            result[key] = number
    return result


def _count(check: TomlChecker, value: Any, *, at: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        check.bad(
            "not_a_count",
            "muss eine ganze Zahl ≥ 0 sein (Fälle pro Jahr)",
            "must be a whole number ≥ 0 (cases per year)",
            at=at,
            value=value,
        )
        return None
    return value
