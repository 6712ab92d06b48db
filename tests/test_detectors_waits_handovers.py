"""Long waits, hand-overs and the KPI tables (levels per case, waiting time, hand-overs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analyzer import schema as F
from analyzer.detectors import NOTES, detect_handovers, detect_long_waits
from analyzer.kpis import (
    handovers_between_units,
    levels_distribution,
    levels_per_case,
    waiting_time_by_step,
)
from analyzer.problems import InputError
from tests.tiny_logs import make_log, on, rows_of

DAY = 24 * 60
LOG = make_log(
    [F.CASE, F.ACTIVITY, "minutes", "start_minutes", F.ORG_UNIT, F.LEVEL, F.MUNICIPALITY],
    [
        ("w1", "A", 0, None, "U1", "municipality", "Musterstadt"),
        ("w1", "B", 10 * DAY, None, "U1", "municipality", "Musterstadt"),
        ("w1", "C", 50 * DAY, 39 * DAY, "U2", "county", "Musterstadt"),  # waits 29 d to start
        ("w1", "D", 51 * DAY, None, None, None, "Musterstadt"),  # unit and level unknown
        ("w1", "E", 200 * DAY, None, "U1", "municipality", "Musterstadt"),  # waits 149 days
        ("w2", "A", 0, None, "U1", "municipality", "Musterstadt"),  # one event
        ("w3", "A", 0, None, "U1", "municipality", "Beispieldorf"),
        ("w3", "B", 0, None, "U2", "municipality", "Beispieldorf"),  # same time, next in file
    ],
)


def test_long_waits_use_start_times_where_given(backend):
    found = detect_long_waits(on(LOG, backend))
    assert rows_of(
        found,
        F.FINDING_RULE,
        F.EVENT_ID,
        F.FINDING_EVENT_IDS,
        F.FINDING_MINUTES_LOST,
        F.FINDING_SEVERITY,
    ) == [("wait_above_threshold", "e5", "e4;e5", 149.0 * DAY, "high")]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "Der Vorgang lag 149 Tage bei der Verwaltung zwischen „D“ und „E“ (Schwelle 30 Tage)."
    )
    assert found.iloc[0][F.FINDING_EVIDENCE_EN] == (
        "The case lay with the office for 149 days between 'D' and 'E' (threshold 30 days)."
    )
    assert found.iloc[0][F.MUNICIPALITY] == "Musterstadt"


def test_long_waits_from_completion_times_and_threshold(backend):
    no_starts = on(LOG.drop(F.START_TIMESTAMP), backend)
    found = detect_long_waits(no_starts)
    assert rows_of(found, F.EVENT_ID, F.FINDING_MINUTES_LOST, F.FINDING_SEVERITY) == [
        ("e3", 40.0 * DAY, "low"),
        ("e5", 149.0 * DAY, "high"),
    ]
    assert rows_of(detect_long_waits(no_starts, threshold=timedelta(days=9)), F.EVENT_ID) == [
        ("e2",),
        ("e3",),
        ("e5",),
    ]
    with pytest.raises(InputError):
        detect_long_waits(no_starts, threshold=timedelta(0))


def test_handovers_skip_unknown_units(backend):
    found = detect_handovers(on(LOG, backend))
    assert rows_of(found, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_SEVERITY) == [
        ("e8", "e7;e8", "low"),  # same level (Beispieldorf sorts first)
        ("e3", "e2;e3", "medium"),  # municipality → county
        ("e5", "e3;e5", "medium"),  # across the unknown unit of e4
    ]
    assert found.iloc[1][F.FINDING_EVIDENCE] == "Übergabe von „U1“ an „U2“ (nach „B“, vor „C“)."
    assert set(found[F.FINDING_BURDEN]) == {"handover"}
    bare = detect_handovers(on(LOG.drop(F.ORG_UNIT), backend))
    assert bare.empty and bare.attrs[NOTES][0].code == "detector.column_missing"


def test_levels_per_case(backend):
    table = levels_per_case(on(LOG, backend))
    assert list(table.columns) == [
        F.MUNICIPALITY,
        F.CASE,
        F.KPI_EVENTS,
        F.KPI_LEVELS,
        F.KPI_UNITS,
        F.KPI_LEVEL_CHANGES,
    ]
    assert rows_of(table, *table.columns) == [
        ("Beispieldorf", "w3", 2, 1, 2, 0),
        ("Musterstadt", "w1", 5, 2, 2, 2),
        ("Musterstadt", "w2", 1, 1, 1, 0),
    ]
    assert rows_of(levels_distribution(on(LOG, backend)), F.KPI_LEVELS, F.MAP_CASES) == [
        (1, 2),
        (2, 1),
    ]
    no_levels = levels_per_case(on(LOG.drop(F.LEVEL, F.ORG_UNIT), backend))
    assert no_levels[F.KPI_LEVELS].tolist() == [0, 0, 0]


def test_waiting_time_by_step_and_unit(backend):
    table = waiting_time_by_step(on(LOG.drop(F.START_TIMESTAMP), backend))
    assert rows_of(
        table, F.ACTIVITY, F.ORG_UNIT, F.MAP_FREQUENCY, F.MAP_WAIT_MEDIAN, F.MAP_WAIT_TOTAL
    ) == [
        ("E", "U1", 1, 149.0 * DAY, 149.0 * DAY),
        ("C", "U2", 1, 40.0 * DAY, 40.0 * DAY),
        ("B", "U1", 1, 10.0 * DAY, 10.0 * DAY),
        ("D", None, 1, 1.0 * DAY, 1.0 * DAY),
        ("B", "U2", 1, 0.0, 0.0),
    ]
    by_step = waiting_time_by_step(on(LOG.drop(F.START_TIMESTAMP), backend), by=[F.ACTIVITY])
    assert rows_of(
        by_step, F.ACTIVITY, F.MAP_FREQUENCY, F.MAP_WAIT_MEDIAN, F.MAP_WAIT_MEAN, F.MAP_WAIT_P90
    )[2] == ("B", 2, 5.0 * DAY, 5.0 * DAY, 9.0 * DAY)


def test_handovers_between_units(backend):
    table = handovers_between_units(on(LOG, backend))
    assert rows_of(
        table,
        F.MAP_SOURCE,
        F.MAP_TARGET,
        F.MAP_FREQUENCY,
        F.MAP_CASES,
        F.MAP_WAIT_MEDIAN,
        F.MAP_WAIT_P90,
        F.MAP_WAIT_TOTAL,
    ) == [
        ("U1", "U2", 2, 2, 20.0 * DAY, 36.0 * DAY, 40.0 * DAY),  # waits 40 days and 0
        ("U2", "U1", 1, 1, 150.0 * DAY, 150.0 * DAY, 150.0 * DAY),
    ]
    empty = handovers_between_units(on(LOG.drop(F.ORG_UNIT), backend))
    assert empty.empty and F.MAP_CASES in empty.columns


def test_wait_sentences_format_decimals_alike_on_every_backend(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes"],
        [("d", "Antrag", 0), ("d", "Bescheid", 45.5 * DAY), ("d", "Widerspruch", 45.5 * DAY + 90)],
    )
    found = detect_long_waits(on(log, backend))
    assert found[F.FINDING_EVIDENCE].tolist() == [
        "Der Vorgang lag 45,5 Tage bei der Verwaltung zwischen „Antrag“ und „Bescheid“ "
        "(Schwelle 30 Tage)."
    ]
    assert found[F.FINDING_EVIDENCE_EN].tolist() == [
        "The case lay with the office for 45.5 days between 'Antrag' and 'Bescheid' "
        "(threshold 30 days)."
    ]
    hours = detect_long_waits(on(log, backend), threshold=timedelta(minutes=80))
    assert hours[F.FINDING_EVIDENCE_EN].tolist()[1] == (
        "The case lay with the office for 90 min between 'Bescheid' and 'Widerspruch' "
        "(threshold 80 min)."
    )
    assert hours[F.FINDING_MINUTES_LOST].tolist() == [45.5 * DAY, 90.0]
