"""Standard Cost Model: arithmetic to the cent against hand-computed examples, on every backend.

Rates and minutes used below (Destatis tables as shipped, edition destatis-2025):
Kommunen einfach/mittlerer Dienst 25.50 €/h, gehobener Dienst 42.20 €/h, Durchschnitt
40.70 €/h; Bund höherer Dienst 67.60 €/h. Zeitwerttabelle Verwaltung: "Eingang bestätigen"
einfach 5 min, "Bescheid erstellen" mittel 60 min. Travel to a Gemeinde: 15 min, 1.10 €.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from analyzer import engine, schema
from analyzer.cost_model import (
    ActivityCosting,
    CostDefaults,
    activity_times,
    annual_cost,
    citizen_burden,
    cost_per_case,
    finding_costs,
    round_cents,
)
from analyzer.cost_tables import (
    Career,
    Complexity,
    CostOverrides,
    WageRow,
    apply_overrides,
    available_editions,
    load_cost_tables,
)
from analyzer.problems import InputError
from connectors.cost_settings import read_cost_settings

UTC = dt.UTC
TABLES = load_cost_tables("destatis-2025")
D = Decimal


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def event(
    case,
    activity,
    ts,
    *,
    start=None,
    level="municipality",
    medium=None,
    eid=None,
    lifecycle=None,
    municipality="Musterstadt",
    service="Wohngeld",
):
    return {
        schema.CASE: case,
        schema.ACTIVITY: activity,
        schema.TIMESTAMP: ts,
        schema.START_TIMESTAMP: start,
        schema.LEVEL: level,
        schema.MEDIUM: medium,
        schema.LIFECYCLE: lifecycle,
        schema.MUNICIPALITY: municipality,
        schema.SERVICE: service,
        schema.EVENT_ID: eid,
    }


def frame(rows: list[dict]) -> pl.DataFrame:
    for i, row in enumerate(rows, start=1):
        row[schema.EVENT_ID] = row[schema.EVENT_ID] or str(i)
    return pl.DataFrame(
        rows,
        schema_overrides={
            schema.START_TIMESTAMP: pl.Datetime("us", "UTC"),
            schema.TIMESTAMP: pl.Datetime("us", "UTC"),
            schema.MEDIUM: pl.String,
            schema.LIFECYCLE: pl.String,
        },
    )


# c1, c2, c3 of Musterstadt; see test_cost_to_the_cent for the arithmetic.
ACTIVITIES = {
    "Antragseingang": ActivityCosting(
        standard_activity="eingang_bestaetigen",
        complexity=Complexity.EINFACH,
        career=Career.EINFACH_MITTEL,
    ),
    "Prüfen": ActivityCosting(career=Career.GEHOBEN),
    "Bescheid": ActivityCosting(
        standard_activity="bescheid_erstellen", career=Career.GEHOBEN, material_cost=D("0.85")
    ),
    "Datenabgleich": ActivityCosting(minutes=D(12), career=Career.HOEHER),
}


def example_log() -> pl.DataFrame:
    return frame(
        [
            event("c1", "Antragseingang", at(2, 8)),
            event("c1", "Prüfen", at(2, 9, 40), start=at(2, 9)),
            event("c1", "Bescheid", at(3, 10)),
            event("c2", "Antragseingang", at(2, 8, 30)),
            event("c2", "Prüfen", at(2, 10, 20), start=at(2, 10)),
            event("c2", "Bescheid", at(4, 10)),
            event("c3", "Antragseingang", at(2, 9)),
            event("c3", "Datenabgleich", at(2, 11), level="federal"),
            event("c3", "Sonstiges", at(2, 12)),
            event("c3", "Bescheid", at(5, 10)),
        ]
    )


def test_cost_to_the_cent(backend):
    """Hand computation (exact, rounded half up to the cent only at the end):

    Times: Antragseingang 5 min (table, einfach); Prüfen measured 40 and 20 min, median
    30 min for every occurrence; Bescheid 60 min (table, mittel); Datenabgleich fixed 12 min;
    Sonstiges has no time (unpriced): the figures are lower bounds (``lower_bound``), without
    which c3 and the totals would have no cost (tests/test_cost_coverage.py).
    Unit costs: Antragseingang 5 × 25.50 / 60 = 2.125 €; Prüfen 30 × 42.20 / 60 = 21.10 €;
    Bescheid 60 × 42.20 / 60 + 0.85 = 43.05 €; Datenabgleich (Bund, höherer Dienst)
    12 × 67.60 / 60 = 13.52 €.
    c1 = 2.125 + 21.10 + 43.05 = 66.275 → 66.28; c2 = 66.275 → 66.28;
    c3 = 2.125 + 13.52 + 43.05 = 58.695 → 58.70.
    Total 191.245 €, per case 63.748333… → 63.75; 1,200 cases per year: 1,200 × 191.245 / 3
    = 76,498.00 €. Minutes: 95 + 95 + 77 = 267, per case 89 min = 1.4833 h → 1.48;
    per year 1,200 × 89 / 60 = 1,780.00 h = 1.1125 person-years (1,600 h) → 1.11.
    """
    log = engine.on_backend(example_log(), backend)
    per_case = cost_per_case(log, tables=TABLES, activities=ACTIVITIES, lower_bound=True)
    assert per_case[schema.CASE].tolist() == ["c1", "c2", "c3"]
    assert per_case[schema.COST_EUROS].tolist() == [D("66.28"), D("66.28"), D("58.70")]
    assert per_case[schema.COST_HOURS].tolist() == [D("1.58"), D("1.58"), D("1.28")]
    assert per_case[schema.COST_UNPRICED_EVENTS].tolist() == [0, 0, 1]

    annual = annual_cost(
        log, tables=TABLES, activities=ACTIVITIES, cases_per_year=1200, lower_bound=True
    )
    row = annual.iloc[0]
    assert (row[schema.MUNICIPALITY], row[schema.SERVICE]) == ("Musterstadt", "Wohngeld")
    assert row[schema.COST_CASES] == 3
    assert row[schema.COST_EVENTS] == 10
    assert row[schema.COST_UNPRICED_EVENTS] == 1
    assert row[schema.COST_EUROS_PER_CASE] == D("63.75")
    assert row[schema.COST_EUROS_PER_YEAR] == D("76498.00")
    assert row[schema.COST_HOURS_PER_CASE] == D("1.48")
    assert row[schema.COST_HOURS_PER_YEAR] == D("1780.00")
    assert row[schema.COST_PERSON_YEARS] == D("1.11")
    assert row[schema.COST_CASES_PER_YEAR_SOURCE] == "given"


def test_activity_times_sources(backend):
    """Fixed minutes win, then the log (median of 40 and 20 min = 30), then the table."""
    times = activity_times(
        engine.on_backend(example_log(), backend), tables=TABLES, activities=ACTIVITIES
    ).set_index(schema.ACTIVITY)
    assert times.loc["Prüfen", schema.COST_TIME_SOURCE] == "log"
    assert times.loc["Prüfen", schema.COST_MINUTES] == D("30.00")
    assert times.loc["Prüfen", schema.COST_MEASURED] == 2
    assert times.loc["Antragseingang", schema.COST_TIME_SOURCE] == "table"
    assert times.loc["Antragseingang", schema.COST_MINUTES] == D("5.00")
    assert times.loc["Antragseingang", schema.COST_STANDARD_ACTIVITY] == "eingang_bestaetigen"
    assert times.loc["Datenabgleich", schema.COST_TIME_SOURCE] == "fixed"
    assert times.loc["Sonstiges", schema.COST_TIME_SOURCE] == "missing"
    assert times.loc["Sonstiges", schema.COST_MINUTES] is None
    assert times.loc["Bescheid", schema.COST_EVENTS] == 3


def test_mean_statistic_and_lifecycle_pairs(backend):
    """Lifecycle start/complete pairs are measured; a start event is no occurrence.

    Prüfen: start 9:00 → complete 9:45 (45 min) and start 10:00 → complete 10:15 (15 min):
    mean 30 min, 2 occurrences. 30 × 40.70 / 60 = 20.35 € per occurrence; one case: 40.70 €.
    """
    log = frame(
        [
            event("c1", "Prüfen", at(2, 9), lifecycle="start"),
            event("c1", "Prüfen", at(2, 9, 45), lifecycle="complete"),
            event("c1", "Prüfen", at(2, 10), lifecycle="START"),
            event("c1", "Prüfen", at(2, 10, 15), lifecycle="complete"),
        ]
    )
    defaults = CostDefaults(log_statistic="mean")
    times = activity_times(engine.on_backend(log, backend), tables=TABLES, defaults=defaults)
    assert times[schema.COST_EVENTS].tolist() == [2]
    assert times[schema.COST_MINUTES].tolist() == [D("30.00")]
    per_case = cost_per_case(engine.on_backend(log, backend), tables=TABLES, defaults=defaults)
    assert per_case[schema.COST_EUROS].tolist() == [D("40.70")]


def test_cases_per_year_lookup_and_estimate(backend):
    """Mapping lookup: (municipality, service) before municipality before "*".

    Estimate: 2 cases over 73 days → 2 × 365 / 73 = 10 cases per year. One case of 30 min
    (durchschnitt, Kommunen 40.70 €/h) and one unpriced → as a lower bound 10.175 € per case;
    per year 101.75 €.
    """
    rows = [
        event("a", "Prüfen", at(1, 10), start=at(1, 9, 30), municipality="A"),
        event("b", "Nichts", dt.datetime(2026, 5, 13, 10, tzinfo=UTC), municipality="A"),
        event("x", "Prüfen", at(1, 10), start=at(1, 9, 30), municipality="B"),
    ]
    log = engine.on_backend(frame(rows), backend)
    given = annual_cost(log, tables=TABLES, cases_per_year={("A", "Wohngeld"): 50, "*": 7})
    assert given[schema.COST_CASES_PER_YEAR].tolist() == [50, 7]
    estimated = annual_cost(
        engine.on_backend(frame(rows[:2]), backend), tables=TABLES, lower_bound=True
    )
    assert estimated[schema.COST_CASES_PER_YEAR].tolist() == [10]
    assert estimated[schema.COST_CASES_PER_YEAR_SOURCE].tolist() == ["log"]
    assert estimated[schema.COST_EUROS_PER_CASE].tolist() == [D("10.18")]
    assert estimated[schema.COST_EUROS_PER_YEAR].tolist() == [D("101.75")]
    with pytest.raises(InputError) as error:
        annual_cost(log, tables=TABLES, cases_per_year={"A": 5})
    assert [p.value for p in error.value.problems] == ["B / Wohngeld"]


def findings_frame(rows: list[tuple]) -> pl.DataFrame:
    data = [
        {
            schema.FINDING_DETECTOR: "test",
            schema.FINDING_BURDEN: kind,
            schema.FINDING_RULE: "r",
            schema.FINDING_SEVERITY: "medium",
            schema.MUNICIPALITY: "Musterstadt",
            schema.SERVICE: "Wohngeld",
            schema.CASE: case,
            schema.FINDING_EVENT_ID: "1",
            schema.FINDING_EVENT_IDS: "1",
            schema.ACTIVITY: activity,
            schema.ORG_UNIT: None,
            schema.LEVEL: "municipality",
            schema.FINDING_MINUTES_LOST: minutes,
            schema.FINDING_EVIDENCE: "",
            schema.FINDING_EVIDENCE_EN: "",
            schema.FINDING_INFERRED: False,
        }
        for kind, case, activity, minutes in rows
    ]
    return pl.DataFrame(
        data, schema_overrides={schema.FINDING_MINUTES_LOST: pl.Float64, schema.ORG_UNIT: pl.String}
    )


def four_case_log() -> pl.DataFrame:
    return frame([event(f"c{i}", "Prüfen", at(i, 9)) for i in range(1, 5)])


def test_finding_costs_to_the_cent(backend):
    """4 cases in the log, 1,000 per year: each finding in the log stands for 250 a year.

    media_break ×2 without minutes: default 2 + 8 = 10 min, einfach/mittlerer Dienst
    25.50 €/h → 4.25 € each; per year 2 × 4.25 × 250 = 2,125.00 €, 2 × 10 × 250 min =
    83.33 h; 500 per 1,000 cases.
    once_only ×1 with 15 min: Durchschnitt 40.70 €/h → 10.175 €; per year 2,543.75 €,
    62.50 h; citizen 3 + 2 + 5 = 10 min → 41.67 h a year, 0 € (time not priced);
    savings 2,543.75 € and 62.50 + 41.67 = 104.17 h.
    long_wait ×1 with 2,880 min: no work; idle 2 days × 250 = 500.00 days; savings 0.
    With a citizen's value of time of 20.00 €/h: once_only citizen 2,500 min × 20 / 60 =
    833.33 €, savings 2,543.75 + 833.333… = 3,377.08 €.
    """
    findings = findings_frame(
        [
            ("media_break", "c1", "Scannen", None),
            ("media_break", "c2", "Scannen", None),
            ("once_only", "c3", "Nachfordern", 15.0),
            ("long_wait", "c4", "Bescheid", 2880.0),
        ]
    )
    log = engine.on_backend(four_case_log(), backend)
    costs = finding_costs(
        engine.on_backend(findings, backend), log=log, tables=TABLES, cases_per_year=1000
    ).set_index(schema.FINDING_BURDEN)
    media = costs.loc["media_break"]
    assert media[schema.COST_FINDINGS] == 2
    assert media[schema.COST_FINDINGS_PER_1000] == 500.0
    assert media[schema.COST_MINUTES_PER_FINDING] == D("10.00")
    assert media[schema.COST_OCCURRENCES_PER_YEAR] == D("500.00")
    assert media[schema.COST_EUROS_PER_YEAR] == D("2125.00")
    assert media[schema.COST_HOURS_PER_YEAR] == D("83.33")
    assert media[schema.COST_SAVINGS_EUROS_PER_YEAR] == D("2125.00")
    once = costs.loc["once_only"]
    assert once[schema.COST_EUROS_PER_YEAR] == D("2543.75")
    assert once[schema.COST_HOURS_PER_YEAR] == D("62.50")
    assert once[schema.COST_CITIZEN_HOURS_PER_YEAR] == D("41.67")
    assert once[schema.COST_CITIZEN_EUROS_PER_YEAR] == D("0.00")
    assert once[schema.COST_SAVINGS_EUROS_PER_YEAR] == D("2543.75")
    assert once[schema.COST_SAVINGS_HOURS_PER_YEAR] == D("104.17")
    wait = costs.loc["long_wait"]
    assert wait[schema.COST_EUROS_PER_YEAR] == D("0.00")
    assert wait[schema.COST_IDLE_DAYS_PER_YEAR] == D("500.00")
    assert wait[schema.COST_SAVINGS_EUROS_PER_YEAR] == D("0.00")

    valued = finding_costs(
        findings,
        log=four_case_log(),
        tables=TABLES,
        cases_per_year=1000,
        defaults=CostDefaults(citizen_hourly_value=D("20.00")),
    )
    once = valued.set_index(schema.FINDING_BURDEN).loc["once_only"]
    assert once[schema.COST_CITIZEN_EUROS_PER_YEAR] == D("833.33")
    assert once[schema.COST_SAVINGS_EUROS_PER_YEAR] == D("3377.08")


def test_rework_priced_as_one_more_run_of_its_activity(backend):
    """rework without minutes costs the repeated activity's time: Prüfen 30 min (fixed),
    Durchschnitt 40.70 €/h → 20.35 €; 4 cases, 4 per year → 20.35 € a year."""
    findings = findings_frame([("rework", "c1", "Prüfen", None)])
    costs = finding_costs(
        engine.on_backend(findings, backend),
        log=engine.on_backend(four_case_log(), backend),
        tables=TABLES,
        cases_per_year=4,
        activities={"Prüfen": ActivityCosting(minutes=D(30))},
    )
    assert costs[schema.COST_EUROS_PER_YEAR].tolist() == [D("20.35")]
    assert costs[schema.COST_MINUTES_PER_FINDING].tolist() == [D("30.00")]


def test_citizen_burden(backend):
    """Trips: c1 has two in-person events in a row (one visit), c2 two separate visits:
    3 trips to a Gemeinde (15 min, 1.10 € each) over 2 cases → 1.5 trips, 22.5 min =
    0.375 h → 0.38 h and 1.65 € per case. One once_only finding: 10 min for the citizen,
    0.5 resubmissions and 5 min = 0.08 h per case. Hours per case (45 + 10) / 2 = 27.5 min
    → 0.46 h; 100 cases a year: 45.83 h and 165.00 €. Waiting: throughput 1 and 3 days,
    median 2.
    """
    log = frame(
        [
            event("c1", "Vorsprache", at(2, 9), medium="in_person"),
            event("c1", "Unterlagen abgeben", at(2, 9, 30), medium="in_person"),
            event("c1", "Bescheid", at(3, 9), medium="post"),
            event("c2", "Vorsprache", at(2, 9), medium="in_person"),
            event("c2", "Prüfen", at(3, 9), medium="efile"),
            event("c2", "Nachreichen", at(4, 9), medium="in_person"),
            event("c2", "Bescheid", at(5, 9), medium="post"),
        ]
    )
    findings = findings_frame([("once_only", "c2", "Nachreichen", 5.0)])
    out = citizen_burden(
        engine.on_backend(log, backend),
        tables=TABLES,
        findings=engine.on_backend(findings, backend),
        cases_per_year=100,
    )
    row = out.iloc[0]
    assert row[schema.CITIZEN_TRIPS_PER_CASE] == 1.5
    assert row[schema.CITIZEN_TRAVEL_HOURS_PER_CASE] == D("0.38")
    assert row[schema.CITIZEN_TRAVEL_EUROS_PER_CASE] == D("1.65")
    assert row[schema.CITIZEN_RESUBMISSIONS_PER_CASE] == 0.5
    assert row[schema.CITIZEN_RESUBMISSION_HOURS_PER_CASE] == D("0.08")
    assert row[schema.CITIZEN_HOURS_PER_CASE] == D("0.46")
    assert row[schema.CITIZEN_EUROS_PER_CASE] == D("1.65")
    assert row[schema.CITIZEN_WAITING_DAYS_MEDIAN] == 2.0
    assert row[schema.CITIZEN_HOURS_PER_YEAR] == D("45.83")
    assert row[schema.CITIZEN_EUROS_PER_YEAR] == D("165.00")


def test_edition_in_every_output(backend):
    log = engine.on_backend(example_log(), backend)
    findings = findings_frame([("media_break", "c1", "Scannen", None)])
    outputs = [
        activity_times(log, tables=TABLES, activities=ACTIVITIES),
        cost_per_case(log, tables=TABLES, activities=ACTIVITIES),
        annual_cost(log, tables=TABLES, activities=ACTIVITIES, cases_per_year=10),
        finding_costs(findings, log=log, tables=TABLES, cases_per_year=10),
        citizen_burden(log, tables=TABLES, cases_per_year=10),
    ]
    for out in outputs:
        assert set(out[schema.COST_EDITION]) == {TABLES.edition}
        assert "2025" in TABLES.edition


def test_overrides_change_values_and_edition(backend):
    """Kommunen gehoben 45.10 instead of 42.20: Prüfen 30 min → 22.55 €, Bescheid 60 min →
    45.10 + 0.85 = 45.95 €; c1 = 2.125 + 22.55 + 45.95 = 70.625 → 70.63."""
    adapted = apply_overrides(
        TABLES,
        CostOverrides(wage_rates={"kommunen": {"gehoben": D("45.10")}}, label="Musterstadt 2026"),
    )
    assert adapted.hourly_rate("municipality", "gehoben") == D("45.10")
    assert TABLES.hourly_rate("municipality", "gehoben") == D("42.20")  # not mutated
    assert adapted.edition.endswith("+ Anpassungen: Musterstadt 2026")
    assert adapted.overrides == ("wage_rates.kommunen.gehoben = 45.10",)
    out = cost_per_case(
        engine.on_backend(example_log(), backend), tables=adapted, activities=ACTIVITIES
    )
    assert out[schema.COST_EUROS].tolist()[0] == D("70.63")
    assert set(out[schema.COST_EDITION]) == {adapted.edition}

    with pytest.raises(InputError) as error:
        apply_overrides(
            TABLES,
            CostOverrides(
                wage_rates={"gemeinden": {"gehobn": D(1)}},
                time_values={"pruefen": {"mittel": D(1)}},
            ),
        )
    assert [p.value for p in error.value.problems] == ["gemeinden", "pruefen"]


def test_sub_cent_rates_and_unpublished_times_are_refused(backend):
    adapted = apply_overrides(
        TABLES, CostOverrides(wage_rates={"kommunen": {"durchschnitt": D("40.705")}})
    )
    with pytest.raises(InputError, match="cent"):
        cost_per_case(engine.on_backend(example_log(), backend), tables=adapted)
    hoch = {"Prüfen": ActivityCosting(standard_activity="berechnungen", complexity=Complexity.HOCH)}
    log = frame([event("c1", "Prüfen", at(2, 9))])
    with pytest.raises(InputError) as error:
        activity_times(engine.on_backend(log, backend), tables=TABLES, activities=hoch)
    assert error.value.problems[0].code == "time_values.unpublished"


def test_shipped_tables_are_complete_and_consistent():
    """The edition file's own check: hourly rate × 1,600 h equals its per-person-year table."""
    import tomllib
    from importlib import resources

    assert available_editions() == ["destatis-2025"]
    assert TABLES.verified is False  # figures are a transcription, see the data file
    data = tomllib.loads(
        resources.files("analyzer.data").joinpath("destatis_2025.toml").read_text("utf-8")
    )
    per_year = data["wage_rates"]["per_person_year"]
    for row in WageRow:
        rates = [TABLES.wage_rates[row][c] for c in Career]
        assert [r * 1600 for r in rates] == [D(v) for v in per_year[row]], row
    assert len(TABLES.time_values) == 17
    assert len(TABLES.citizen_time_values) == 11
    assert "hoch" not in TABLES.time_values["berechnungen"].minutes
    assert TABLES.standard_minutes("kopieren_archivieren", "einfach") == D(2)
    assert TABLES.travel_for("municipality").cost == D("1.10")
    assert TABLES.hours_per_person_year == 1600


def test_round_cents_is_half_up():
    from fractions import Fraction

    assert round_cents(Fraction(5, 2)) == 3
    assert round_cents(Fraction(249, 100)) == 2
    assert round_cents(7) == 7


SETTINGS = """\
label = "Musterstadt 2026"

[wage_rates.kommunen]
gehoben = 45.10

[defaults]
career = "gehoben"
material_cost_per_case = 1.00

[activities."Prüfen"]
minutes = 30

[burdens.media_break]
minutes = 12

[cases_per_year]
"*" = 100
[cases_per_year.Musterstadt]
Wohngeld = 1200
"""


def test_settings_file_feeds_the_model(tmp_path, backend):
    """Settings: gehoben 45.10 for everything, Prüfen 30 min, 1.00 € per case.
    c1: Antragseingang (no time) 0, Prüfen 22.55, Bescheid 0 → as a lower bound
    22.55 + 1.00 = 23.55 €."""
    path = tmp_path / "kosten.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    settings = read_cost_settings(path)
    assert settings.defaults.career == "gehoben"
    assert settings.cases_per_year == {"*": 100, ("Musterstadt", "Wohngeld"): 1200}
    assert settings.burdens["media_break"].minutes == D(12)
    log = frame(
        [
            event("c1", "Antragseingang", at(2, 8)),
            event("c1", "Prüfen", at(2, 9)),
            event("c1", "Bescheid", at(3, 9)),
        ]
    )
    out = annual_cost(
        engine.on_backend(log, backend),
        tables=settings.tables,
        activities=settings.activities,
        defaults=settings.defaults,
        cases_per_year=settings.cases_per_year,
        lower_bound=True,
    )
    assert out[schema.COST_EUROS_PER_CASE].tolist() == [D("23.55")]
    assert out[schema.COST_CASES_PER_YEAR].tolist() == [1200]
    assert out[schema.COST_EDITION].iloc[0].endswith("Anpassungen: Musterstadt 2026")


def test_settings_typos_fail_before_work_with_lines(tmp_path):
    path = tmp_path / "kosten.toml"
    path.write_text(
        'labl = "x"\n[wage_rates.kommunen]\ngehobn = 45.10\n[defaults]\ncareer = "gehobener"\n'
        '[activities."Prüfen"]\nminutes = "viel"\n[cases_per_year]\nMusterstadt = 1.5\n'
        "[wage_rates.bund]\neinfach_mittel = 30.123\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        read_cost_settings(path)
    found = {(p.column, p.row) for p in error.value.problems}
    assert found == {
        ("labl", 1),
        ("wage_rates.kommunen.gehobn", 3),
        ("defaults.career", 5),
        ("activities.Prüfen.minutes", 7),
        ("cases_per_year.Musterstadt", 9),
        ("wage_rates.bund.einfach_mittel", 11),
    }
    text = error.value.text("de")
    assert "meinten Sie „gehoben“" in text
    assert "meinten Sie „label“" in text


def test_settings_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "kosten.toml"
    path.write_text("[defaults]\ncareer = gehoben\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_cost_settings(path)
    assert error.value.problems[0].code == "cost_settings.syntax"
    assert error.value.problems[0].row == 2
