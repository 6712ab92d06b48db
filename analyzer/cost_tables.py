"""The Standard Cost Model tables: hourly rates, standard times and travel, by edition.

The Statistisches Bundesamt publishes, in the annex of the "Leitfaden zur Ermittlung und
Darstellung des Erfüllungsaufwands in Regelungsvorhaben der Bundesregierung", the tables the
Standard Cost Model prices administrative work with:

- the *Lohnkostentabelle Verwaltung*: euros per hour by government level (Bund, Länder,
  Kommunen, Sozialversicherung, average) and career group (einfacher/mittlerer, gehobener,
  höherer Dienst, average);
- the *Zeitwerttabelle Verwaltung*: minutes per standard activity ("Formelle Prüfung, Daten
  sichten", ...) at three levels of complexity; the *Zeitwerttabelle Bürgerinnen und Bürger*
  likewise for citizens;
- *Wegezeiten und -sachkosten*: a citizen's travel time and cost per trip by level.

The tables change from edition to edition. Each edition is one package-data file
(``analyzer/data/destatis_<year>.toml``) with its edition, source and verification status;
:class:`CostTables` carries the edition into every result (column ``cost:edition``).
Reading these files is reading package data shipped with the code, so it lives here and not
in ``connectors`` (which reads user files such as an override TOML, see
``connectors.cost_settings``). Users change any value with :func:`apply_overrides`; the edition
label then says so.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from analyzer.problems import InputError, Problem, problem
from analyzer.schema import Burden, Level

DATA_PACKAGE = "analyzer.data"
EDITION_PREFIX = "destatis_"
#: Edition used when none is named: the newest file shipped.
DEFAULT_EDITION: str | None = None


class Career(StrEnum):
    """Laufbahngruppe (career group) of the Lohnkostentabelle Verwaltung."""

    EINFACH_MITTEL = "einfach_mittel"  # einfacher und mittlerer Dienst
    GEHOBEN = "gehoben"  # gehobener Dienst
    HOEHER = "hoeher"  # höherer Dienst
    DURCHSCHNITT = "durchschnitt"  # average over all career groups


class Complexity(StrEnum):
    """Complexity column of a Zeitwerttabelle."""

    EINFACH = "einfach"
    MITTEL = "mittel"
    HOCH = "hoch"


class WageRow(StrEnum):
    """Row (Verwaltungsebene) of the Lohnkostentabelle Verwaltung."""

    BUND = "bund"
    LAENDER = "laender"
    KOMMUNEN = "kommunen"
    SOZIALVERSICHERUNG = "sozialversicherung"
    DURCHSCHNITT = "durchschnitt"


class TravelRow(StrEnum):
    """Row of the table of Wegezeiten und -sachkosten."""

    GEMEINDE = "gemeinde"
    KREIS = "kreis"
    LAND = "land"
    DURCHSCHNITT = "durchschnitt"


#: Which wage row prices work done at a government level. Counties (Landkreise) are
#: Kommunen in the sense of the table; "other" has no row of its own and takes the average.
LEVEL_WAGE_ROWS: dict[str, WageRow] = {
    Level.FEDERAL: WageRow.BUND,
    Level.STATE: WageRow.LAENDER,
    Level.COUNTY: WageRow.KOMMUNEN,
    Level.MUNICIPALITY: WageRow.KOMMUNEN,
    Level.SOCIAL_INSURANCE: WageRow.SOZIALVERSICHERUNG,
    Level.OTHER: WageRow.DURCHSCHNITT,
}

#: Which travel row applies to a trip to an authority of a level. The table has no federal
#: or social-insurance row; those trips take the average.
LEVEL_TRAVEL_ROWS: dict[str, TravelRow] = {
    Level.MUNICIPALITY: TravelRow.GEMEINDE,
    Level.COUNTY: TravelRow.KREIS,
    Level.STATE: TravelRow.LAND,
    Level.FEDERAL: TravelRow.DURCHSCHNITT,
    Level.SOCIAL_INSURANCE: TravelRow.DURCHSCHNITT,
    Level.OTHER: TravelRow.DURCHSCHNITT,
}


@dataclass(frozen=True)
class StandardActivity:
    """One row of a Zeitwerttabelle: minutes by complexity (a complexity may be unpublished)."""

    id: str
    nr: int
    name_de: str
    name_en: str
    minutes: Mapping[Complexity, Decimal]


@dataclass(frozen=True)
class Travel:
    """Travel time (minutes) and travel cost (euros) of one trip."""

    minutes: Decimal
    cost: Decimal


@dataclass(frozen=True)
class TableInfo:
    """Where one table of an edition comes from and whether it was checked."""

    annex: str
    stand: str
    verified: bool


@dataclass(frozen=True)
class CostTables:
    """The tables of one edition, possibly with user overrides.

    ``edition`` is the label every result records; ``overrides`` lists what a user changed
    (``"wage_rates.kommunen.gehoben = 45.10"``), and :attr:`edition` then ends with
    ``" + Anpassungen: <label>"``.
    """

    edition_id: str
    base_edition: str
    base_edition_en: str
    title: str
    publisher: str
    url: str
    transcribed_from: str
    verified: bool
    wage_rates: Mapping[WageRow, Mapping[Career, Decimal]]
    time_values: Mapping[str, StandardActivity]
    citizen_time_values: Mapping[str, StandardActivity]
    travel: Mapping[TravelRow, Travel]
    hours_per_person_year: Decimal
    info: Mapping[str, TableInfo]
    overrides: tuple[str, ...] = ()
    override_label: str = ""

    @property
    def edition(self) -> str:
        """The label written into every result (column ``cost:edition``)."""
        if not self.overrides:
            return self.base_edition
        return f"{self.base_edition} + Anpassungen: {self.override_label or 'Benutzer'}"

    def hourly_rate(self, level: str | None, career: str) -> Decimal:
        """Euros per hour of ``career`` at government ``level`` (None: the average row)."""
        row = LEVEL_WAGE_ROWS.get(level or "", WageRow.DURCHSCHNITT)
        return self.wage_rates[row][Career(career)]

    def standard_minutes(self, activity: str, complexity: str, *, citizen: bool = False) -> Decimal:
        """Minutes of a standard activity at a complexity; InputError where not published."""
        table = self.citizen_time_values if citizen else self.time_values
        found = table.get(activity)
        if found is None:
            raise _unknown(
                "time_values.unknown",
                "Standardaktivität",
                "standard activity",
                activity,
                sorted(table),
            )
        minutes = found.minutes.get(Complexity(complexity))
        if minutes is None:
            raise InputError(
                [
                    problem(
                        "time_values.unpublished",
                        f"für „{found.name_de}“ ist keine Zeit der Komplexität „{complexity}“ "
                        f"veröffentlicht ({self.base_edition}); andere Komplexität wählen "
                        "oder Minuten selbst angeben",
                        f"no time of complexity '{complexity}' is published for '{found.name_en}' "
                        f"({self.base_edition_en}); choose another complexity or give the minutes",
                        value=activity,
                    )
                ]
            )
        return minutes

    def travel_for(self, level: str | None) -> Travel:
        """Travel time and cost of one trip to an authority at ``level``."""
        return self.travel[LEVEL_TRAVEL_ROWS.get(level or "", TravelRow.DURCHSCHNITT)]


def available_editions() -> list[str]:
    """Edition ids shipped with the package, oldest first (``["destatis-2025"]``)."""
    files = resources.files(DATA_PACKAGE).iterdir()
    names = sorted(
        f.name for f in files if f.name.startswith(EDITION_PREFIX) and f.name.endswith(".toml")
    )
    return [n.removesuffix(".toml").replace("_", "-") for n in names]


def load_cost_tables(edition: str | None = DEFAULT_EDITION) -> CostTables:
    """The tables of ``edition`` (an id from :func:`available_editions`; None: the newest)."""
    editions = available_editions()
    chosen = edition or editions[-1]
    if chosen not in editions:
        raise _unknown("edition.unknown", "Tabellenausgabe", "table edition", chosen, editions)
    return _load(chosen)


@cache
def _load(edition_id: str) -> CostTables:
    name = edition_id.replace("-", "_") + ".toml"
    data = tomllib.loads(resources.files(DATA_PACKAGE).joinpath(name).read_text("utf-8"))
    return tables_from_dict(data)


def tables_from_dict(data: Mapping[str, Any]) -> CostTables:
    """:class:`CostTables` from the parsed contents of an edition file."""
    wages = data["wage_rates"]
    time_values = data["time_values"]
    citizen = data["citizen_time_values"]
    travel = data["travel"]
    per_year = wages["per_person_year"]
    return CostTables(
        edition_id=data["edition_id"],
        base_edition=data["edition"],
        base_edition_en=data["edition_en"],
        title=data["source"]["title"],
        publisher=data["source"]["publisher"],
        url=data["source"].get("url", ""),
        transcribed_from=data["source"].get("transcribed_from", ""),
        verified=bool(data["verified"]),
        wage_rates={
            WageRow(row): {Career(c): _dec(values[c]) for c in Career}
            for row, values in wages["rows"].items()
        },
        time_values=_activities(time_values["activities"]),
        citizen_time_values=_activities(citizen["activities"]),
        travel={
            TravelRow(row): Travel(_dec(values["minutes"]), _dec(values["cost"]))
            for row, values in travel["rows"].items()
        },
        hours_per_person_year=_dec(per_year["days"]) * _dec(per_year["hours_per_day"]),
        info={
            key: TableInfo(data[key]["annex"], data[key]["stand"], bool(data[key]["verified"]))
            for key in ("wage_rates", "time_values", "citizen_time_values", "travel")
        },
    )


def _activities(rows: list[Mapping[str, Any]]) -> dict[str, StandardActivity]:
    return {
        row["id"]: StandardActivity(
            id=row["id"],
            nr=int(row["nr"]),
            name_de=row["name_de"],
            name_en=row["name_en"],
            minutes={Complexity(c): _dec(row[c]) for c in Complexity if c in row},
        )
        for row in rows
    }


# --- overrides -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostOverrides:
    """Values a user sets instead of the published ones (all optional).

    ``wage_rates``: {wage row: {career: euros per hour}}; ``time_values`` and
    ``citizen_time_values``: {standard activity id: {complexity: minutes}}; ``travel``:
    {travel row: {"minutes": ..., "cost": ...}}; ``label`` names the override set in the
    edition label (usually the file it came from).
    """

    wage_rates: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    time_values: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    citizen_time_values: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    travel: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    label: str = ""

    def is_empty(self) -> bool:
        return not (self.wage_rates or self.time_values or self.citizen_time_values or self.travel)


def override_problems(tables: CostTables, overrides: CostOverrides) -> list[Problem]:
    """Every key of ``overrides`` that names no row, column or activity of ``tables``."""
    problems: list[Problem] = []

    def check(value: str, allowed: list[str], what_de: str, what_en: str, where: str) -> bool:
        if value in allowed:
            return True
        problems.append(
            _unknown_problem("override.unknown_key", what_de, what_en, value, allowed, column=where)
        )
        return False

    rows = [str(r) for r in WageRow]
    careers = [str(c) for c in Career]
    complexities = [str(c) for c in Complexity]
    for row, values in overrides.wage_rates.items():
        if check(row, rows, "Zeile der Lohnkostentabelle", "wage table row", "wage_rates"):
            for career in values:
                check(career, careers, "Laufbahngruppe", "career group", f"wage_rates.{row}")
    for key, table in (
        ("time_values", tables.time_values),
        ("citizen_time_values", tables.citizen_time_values),
    ):
        for activity, values in getattr(overrides, key).items():
            if check(activity, sorted(table), "Standardaktivität", "standard activity", key):
                for complexity in values:
                    check(
                        complexity, complexities, "Komplexität", "complexity", f"{key}.{activity}"
                    )
    for row, values in overrides.travel.items():
        if check(
            row, [str(r) for r in TravelRow], "Zeile der Wegezeiten", "travel table row", "travel"
        ):
            for name in values:
                check(name, ["minutes", "cost"], "Angabe", "field", f"travel.{row}")
    return problems


def apply_overrides(tables: CostTables, overrides: CostOverrides) -> CostTables:
    """``tables`` with the user's values in place of the published ones.

    Raises :class:`InputError` listing every unknown key. The result's edition label says
    that it was adapted, and :attr:`CostTables.overrides` lists each changed value.
    """
    problems = override_problems(tables, overrides)
    if problems:
        raise InputError(problems)
    if overrides.is_empty():
        return tables
    changed: list[str] = []
    wages = {row: dict(values) for row, values in tables.wage_rates.items()}
    for row, values in overrides.wage_rates.items():
        for career, rate in values.items():
            wages[WageRow(row)][Career(career)] = _dec(rate)
            changed.append(f"wage_rates.{row}.{career} = {_dec(rate)}")
    time_values = _override_activities(
        tables.time_values, overrides.time_values, "time_values", changed
    )
    citizen = _override_activities(
        tables.citizen_time_values, overrides.citizen_time_values, "citizen_time_values", changed
    )
    travel = dict(tables.travel)
    for row, values in overrides.travel.items():
        old = travel[TravelRow(row)]
        new = Travel(_dec(values.get("minutes", old.minutes)), _dec(values.get("cost", old.cost)))
        travel[TravelRow(row)] = new
        changed.extend(f"travel.{row}.{k} = {_dec(v)}" for k, v in values.items())
    return replace(
        tables,
        wage_rates=wages,
        time_values=time_values,
        citizen_time_values=citizen,
        travel=travel,
        overrides=tables.overrides + tuple(changed),
        override_label=overrides.label or tables.override_label,
    )


def _override_activities(
    table: Mapping[str, StandardActivity],
    overrides: Mapping[str, Mapping[str, Decimal]],
    key: str,
    changed: list[str],
) -> dict[str, StandardActivity]:
    result = dict(table)
    for activity, values in overrides.items():
        minutes = dict(result[activity].minutes)
        for complexity, value in values.items():
            minutes[Complexity(complexity)] = _dec(value)
            changed.append(f"{key}.{activity}.{complexity} = {_dec(value)}")
        result[activity] = replace(result[activity], minutes=minutes)
    return result


# --- burden costing defaults ---------------------------------------------------------------------


class MinutesMeaning(StrEnum):
    """What the minutes a detector gives for a finding measure."""

    WORK = "work"  # administrative working time
    WAITING = "waiting"  # the citizen's waiting time


@dataclass(frozen=True)
class BurdenCosting:
    """How one occurrence of a burden kind is priced where the finding carries no minutes.

    ``activities``/``citizen_activities`` are (standard activity id, complexity) pairs of the
    Zeitwerttabelle Verwaltung / Bürgerinnen und Bürger; ``minutes`` (if set) replaces the
    administration's minutes altogether. See ``analyzer/data/burden_costing.toml``.
    """

    activities: tuple[tuple[str, Complexity], ...] = ()
    career: Career = Career.DURCHSCHNITT
    citizen_activities: tuple[tuple[str, Complexity], ...] = ()
    citizen_trip_share: Decimal = Decimal(0)
    minutes_lost_is: MinutesMeaning = MinutesMeaning.WORK
    use_activity_time: bool = False
    removable_share: Decimal = Decimal(1)
    minutes: Decimal | None = None

    def admin_minutes(self, tables: CostTables) -> Decimal:
        if self.minutes is not None:
            return self.minutes
        return sum((tables.standard_minutes(a, c) for a, c in self.activities), Decimal(0))

    def citizen_minutes(self, tables: CostTables) -> Decimal:
        return sum(
            (tables.standard_minutes(a, c, citizen=True) for a, c in self.citizen_activities),
            Decimal(0),
        )


BURDEN_COSTING_FILE = "burden_costing.toml"
BURDEN_COSTING_KEYS = (
    "activities",
    "career",
    "citizen_activities",
    "citizen_trip_share",
    "minutes_lost_is",
    "use_activity_time",
    "removable_share",
    "minutes",
)


@cache
def default_burden_costing() -> Mapping[str, BurdenCosting]:
    """Amtsweg's default pricing of each burden kind (package data, documented there)."""
    text = resources.files(DATA_PACKAGE).joinpath(BURDEN_COSTING_FILE).read_text("utf-8")
    data = tomllib.loads(text)
    return {Burden(kind): burden_costing_from_dict(values) for kind, values in data.items()}


def burden_costing_from_dict(
    values: Mapping[str, Any], base: BurdenCosting | None = None
) -> BurdenCosting:
    """A :class:`BurdenCosting` from TOML values, keys not given taken from ``base``."""
    base = base or BurdenCosting()

    def pairs(key: str, old: tuple) -> tuple[tuple[str, Complexity], ...]:
        if key not in values:
            return old
        return tuple((str(a), Complexity(c)) for a, c in values[key])

    return BurdenCosting(
        activities=pairs("activities", base.activities),
        career=Career(values.get("career", base.career)),
        citizen_activities=pairs("citizen_activities", base.citizen_activities),
        citizen_trip_share=_dec(values.get("citizen_trip_share", base.citizen_trip_share)),
        minutes_lost_is=MinutesMeaning(values.get("minutes_lost_is", base.minutes_lost_is)),
        use_activity_time=bool(values.get("use_activity_time", base.use_activity_time)),
        removable_share=_dec(values.get("removable_share", base.removable_share)),
        minutes=_dec(values["minutes"]) if "minutes" in values else base.minutes,
    )


# --- helpers -------------------------------------------------------------------------------------


def _dec(value: object) -> Decimal:
    """A Decimal of a TOML number or string; floats via their shortest repr (33.8 → 33.8)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _unknown_problem(
    code: str,
    what_de: str,
    what_en: str,
    value: str,
    allowed: list[str],
    *,
    column: str | None = None,
) -> Problem:
    shown = ", ".join(allowed)
    return problem(
        code,
        f"unbekannte {what_de}; möglich: {shown}",
        f"unknown {what_en}; allowed: {shown}",
        column=column,
        value=value,
    )


def _unknown(code: str, what_de: str, what_en: str, value: str, allowed: list[str]) -> InputError:
    return InputError([_unknown_problem(code, what_de, what_en, value, allowed)])
