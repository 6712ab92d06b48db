"""A cost that cannot be computed is missing, never 0,00 €: which activities are priced, on
what basis, and how to price the rest (issues 10.5, 17.8)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import polars as pl

from analyzer import engine, schema
from analyzer.comparison import kpi_table, rank_within_peers
from analyzer.cost_model import ActivityCosting, annual_cost, cost_per_case
from analyzer.cost_tables import Career, load_cost_tables

TABLES = load_cost_tables("destatis-2025")
UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=UTC)


def log(rows: list[tuple]) -> pl.DataFrame:
    """rows: (municipality, case, activity, end, start or None)."""
    return pl.DataFrame(
        [
            {
                schema.MUNICIPALITY: m,
                schema.SERVICE: "Hundesteuer",
                schema.CASE: case,
                schema.ACTIVITY: activity,
                schema.TIMESTAMP: end,
                schema.START_TIMESTAMP: start,
                schema.LEVEL: "municipality",
            }
            for m, case, activity, end, start in rows
        ],
        schema_overrides={
            schema.START_TIMESTAMP: pl.Datetime("us", "UTC"),
            schema.TIMESTAMP: pl.Datetime("us", "UTC"),
        },
    )


# Neudorf: nothing measured, nothing in a costs file. Marke versenden 3 times, Anmeldung 2.
UNPRICED = [
    ("Neudorf", "n1", "Anmeldung erfassen", at(4, 9), None),
    ("Neudorf", "n1", "Marke versenden", at(4, 10), None),
    ("Neudorf", "n2", "Anmeldung erfassen", at(5, 9), None),
    ("Neudorf", "n2", "Marke versenden", at(5, 10), None),
    ("Neudorf", "n2", "Marke versenden", at(6, 10), None),
]
# Altdorf: Sichten measured (30 min), Rückruf without any time.
PARTIAL = [
    ("Altdorf", "a1", "Sichten", at(4, 9, 30), at(4, 9)),
    ("Altdorf", "a1", "Rückruf", at(4, 11), None),
]
# Oberdorf: Sichten measured (30 min), Bescheid from the Zeitwerttabelle (60 min).
COMPLETE = [
    ("Oberdorf", "o1", "Sichten", at(4, 9, 30), at(4, 9)),
    ("Oberdorf", "o1", "Bescheid", at(4, 12), None),
]
BESCHEID = {"Bescheid": ActivityCosting(standard_activity="bescheid_erstellen")}


def test_nothing_priced_is_missing_not_zero(backend):
    """Before: 0.00 € per case and 0.00 h. Now every cost figure is empty and the note says
    0 of 2 activities have a time, which (most occurrences first) and how to give them."""
    costs = annual_cost(engine.on_backend(log(UNPRICED), backend), tables=TABLES)
    row = costs.iloc[0]
    for column in (
        schema.COST_EUROS_PER_CASE,
        schema.COST_HOURS_PER_CASE,
        schema.COST_EUROS_PER_YEAR,
        schema.COST_HOURS_PER_YEAR,
        schema.COST_PERSON_YEARS,
    ):
        assert row[column] is None, column
    assert row[schema.COST_UNPRICED_EVENTS] == 5
    assert row[schema.COST_ACTIVITIES] == 2
    assert row[schema.COST_ACTIVITIES_PRICED] == 0
    assert row[schema.COST_UNPRICED_ACTIVITIES] == "Marke versenden; Anmeldung erfassen"
    assert row[schema.COST_BASIS] is None
    assert row[schema.COST_NOTE] == (
        "Kosten fehlen: 0 von 2 Tätigkeiten haben eine Zeit (ohne Zeit: Marke versenden, "
        "Anmeldung erfassen). Zeiten in einer Kostendatei angeben: Minuten je Tätigkeit "
        '([activities."Marke versenden"] minutes = …) oder eine Standardtätigkeit der '
        "Zeitwerttabelle (standard_activity = …)."
    )
    assert row[schema.COST_NOTE_EN] == (
        "Cost missing: 0 of 2 activities have a time (without: Marke versenden, "
        "Anmeldung erfassen). Give times in a costs file: minutes per activity "
        '([activities."Marke versenden"] minutes = …) or a standard activity of the '
        "Zeitwerttabelle (standard_activity = …)."
    )


def test_partly_priced_is_missing_unless_a_lower_bound_is_asked_for():
    """Altdorf: Sichten 30 min × 40.70 €/h (Kommunen, Durchschnitt) = 20.35 €; Rückruf has
    no time. By default the cost is missing; as a lower bound it is 20.35 € and says so."""
    costs = annual_cost(log(PARTIAL), tables=TABLES, cases_per_year=100)
    row = costs.iloc[0]
    assert row[schema.COST_EUROS_PER_CASE] is None
    assert row[schema.COST_EUROS_PER_YEAR] is None
    assert row[schema.COST_ACTIVITIES_PRICED] == 1
    assert row[schema.COST_NOTE].startswith(
        "Kosten fehlen: 1 von 2 Tätigkeiten hat eine Zeit (ohne Zeit: Rückruf)."
    )
    lower = annual_cost(log(PARTIAL), tables=TABLES, cases_per_year=100, lower_bound=True)
    row = lower.iloc[0]
    assert row[schema.COST_EUROS_PER_CASE] == Decimal("20.35")
    assert row[schema.COST_EUROS_PER_YEAR] == Decimal("2035.00")
    assert row[schema.COST_BASIS] == "log"
    assert row[schema.COST_NOTE].startswith(
        "Untergrenze: 1 von 2 Tätigkeiten hat eine Zeit (ohne Zeit: Rückruf). "
        "Kosten aus im Protokoll gemessenen Dauern."
    )
    assert row[schema.COST_NOTE_EN].startswith(
        "Lower bound: 1 of 2 activities has a time (without: Rückruf). "
        "Cost from durations measured in the log."
    )


def test_every_cost_says_its_basis():
    """Oberdorf: Sichten measured 30 min (20.35 €), Bescheid 60 min from the table (40.70 €):
    61.05 € per case, half the occurrences on each basis."""
    row = annual_cost(log(COMPLETE), tables=TABLES, activities=BESCHEID, cases_per_year=1).iloc[0]
    assert row[schema.COST_EUROS_PER_CASE] == Decimal("61.05")
    assert row[schema.COST_BASIS] == "log+table"
    assert row[schema.COST_ACTIVITIES_PRICED] == row[schema.COST_ACTIVITIES] == 2
    assert row[schema.COST_UNPRICED_ACTIVITIES] is None
    assert row[schema.COST_NOTE] == (
        "Kosten aus im Protokoll gemessenen Dauern (50 % der Vorkommen) und Standardzeiten "
        "der Zeitwerttabelle (50 %). Alle 2 Tätigkeiten haben eine Zeit."
    )
    assert row[schema.COST_NOTE_EN] == (
        "Cost from durations measured in the log (50 % of occurrences) and standard times "
        "of the Zeitwerttabelle (50 %). All 2 activities have a time."
    )


def test_cost_per_case_is_missing_for_a_case_with_an_unpriced_step():
    """a1 has Rückruf without time; o1 is complete (61.05 €, log and table)."""
    cases = cost_per_case(log([*PARTIAL, *COMPLETE]), tables=TABLES, activities=BESCHEID)
    by_case = cases.set_index(schema.CASE)
    assert by_case.loc["a1", schema.COST_EUROS] is None
    assert by_case.loc["a1", schema.COST_HOURS] is None
    assert by_case.loc["o1", schema.COST_EUROS] == Decimal("61.05")
    assert by_case.loc["o1", schema.COST_BASIS] == "log+table"
    assert by_case.loc["a1", schema.COST_BASIS] == "log"


def test_unpriced_municipalities_leave_the_cost_ranking():
    """Neudorf and Altdorf cannot be priced: their cost per case is missing (not 0,00 €,
    which ranked them first) and only Oberdorf is ranked on cost."""
    kpis = kpi_table(
        log([*UNPRICED, *PARTIAL, *COMPLETE]),
        tables=TABLES,
        activities={**BESCHEID, "Rückruf": ActivityCosting(career=Career.GEHOBEN)},
    )
    euros = kpis.set_index(schema.MUNICIPALITY)[schema.KPI_EUROS_PER_CASE]
    assert math.isnan(euros["Neudorf"]) and math.isnan(euros["Altdorf"])
    assert euros["Oberdorf"] == 61.05
    priced = kpis.set_index(schema.MUNICIPALITY)[schema.COST_ACTIVITIES_PRICED].to_dict()
    assert priced == {"Altdorf": 1, "Neudorf": 0, "Oberdorf": 2}
    ranks = rank_within_peers(kpis)
    on_cost = ranks[ranks[schema.RANK_KPI] == schema.KPI_EUROS_PER_CASE]
    assert on_cost[schema.MUNICIPALITY].tolist() == ["Oberdorf"]
    assert on_cost[schema.RANK_PEERS].tolist() == [1]
