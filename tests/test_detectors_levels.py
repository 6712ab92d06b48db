"""Duplicate responsibility, ping-pong and rework: exact findings, missing levels, ties."""

from __future__ import annotations

import pytest

from analyzer import schema as F
from analyzer.detectors import (
    NOTES,
    detect_duplicate_responsibility,
    detect_ping_pong,
    detect_rework,
)
from analyzer.problems import InputError
from tests.tiny_logs import make_log, on, rows_of

CHECK = "Vollständigkeit geprüft"
LOG = make_log(
    [F.CASE, F.ACTIVITY, "minutes", "start_minutes", F.ORG_UNIT, F.LEVEL],
    [
        ("L1", CHECK, 0, None, "Bürgerbüro", "municipality"),  # e1
        ("L1", "Weitergeleitet", 10, None, "Bürgerbüro", "municipality"),  # e2
        ("L1", CHECK, 20, None, "Kreis-Wohngeldstelle", "county"),  # e3 duplicate
        ("L1", CHECK, 30, 25, "Kreis-Wohngeldstelle", "county"),  # e4 rework (5 min)
        ("L1", "Zur Ergänzung zurückgegeben", 40, None, "Bürgerbüro", "municipality"),  # e5
        ("L1", "Ergänzt", 50, None, "Bürgerbüro", "municipality"),  # e6
        ("L1", "Erneut übersandt", 60, None, "Kreis-Wohngeldstelle", "county"),  # e7
        ("L1", CHECK, 70, None, "Kreis-Wohngeldstelle", None),  # e8 level missing
        ("L1", CHECK, 80, None, "Bürgerbüro", "municipality"),  # e9 rework at municipality
        ("L2", CHECK, 0, None, "Bürgerbüro", "municipality"),  # e10: a one-event case
        ("L3", "Prüfung", 100, None, "Gemeinde", "municipality"),  # e11
        ("L3", "Prüfung", 100, None, "Landkreis", "county"),  # e12 same time, later in file
    ],
)
SHOWN = (F.FINDING_RULE, F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_MINUTES_LOST)


def test_duplicate_responsibility_exact(backend):
    found = detect_duplicate_responsibility(on(LOG, backend))
    assert rows_of(found, *SHOWN) == [
        ("same_task_other_level", "L1", "e3", "e1;e3", 20.0),
        ("same_task_other_level", "L3", "e12", "e11;e12", 20.0),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "„Vollständigkeit geprüft“ wurde auf Ebene Gemeinde bereits erledigt und wird auf Ebene "
        "Kreis erneut ausgeführt."
    )
    assert found.iloc[0][F.FINDING_EVIDENCE_EN] == (
        "'Vollständigkeit geprüft' was already done at the municipality level and is done "
        "again at the county level."
    )
    assert set(found[F.FINDING_BURDEN]) == {"duplicate_responsibility"}
    assert set(found[F.FINDING_SEVERITY]) == {"high"}


def test_duplicate_uses_a_harmonised_task_column(backend):
    import polars as pl

    # the county names the same step differently; a harmonised task column maps both
    county_check = (pl.col(F.ACTIVITY) == CHECK) & (pl.col(F.LEVEL) == "county")
    renamed = LOG.with_columns(
        pl.when(county_check)
        .then(pl.lit("Prüfung Vollständigkeit (Kreis)"))
        .otherwise(pl.col(F.ACTIVITY))
        .alias(F.ACTIVITY),
        pl.when(pl.col(F.ACTIVITY) == CHECK)
        .then(pl.lit("vollstaendigkeit"))
        .otherwise(pl.col(F.ACTIVITY))
        .alias("task"),
    )
    by_activity = detect_duplicate_responsibility(on(renamed, backend))
    # L1's names differ now, but for e8: its level, read from its unit's name, is county
    assert rows_of(by_activity, F.EVENT_ID, F.FINDING_INFERRED) == [("e8", True), ("e12", False)]
    by_task = detect_duplicate_responsibility(on(renamed, backend), task_column="task")
    assert rows_of(by_task, F.EVENT_ID, F.ACTIVITY) == [
        ("e3", "Prüfung Vollständigkeit (Kreis)"),
        ("e12", "Prüfung"),
    ]


def test_rework_exact(backend):
    found = detect_rework(on(LOG, backend))
    assert rows_of(found, *SHOWN) == [
        ("repeated_step", "L1", "e4", "e3;e4", 5.0),  # its own processing time
        ("repeated_step", "L1", "e9", "e1;e9", 15.0),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "„Vollständigkeit geprüft“ wird zum 2. Mal ausgeführt (Ebene Kreis), "
        "10 Min. nach dem vorigen Mal."
    )
    assert found.iloc[0][F.FINDING_EVIDENCE_EN] == (
        "'Vollständigkeit geprüft' is done for the 2nd time (level county), "
        "10 min after the previous time."
    )


def test_rework_without_levels_compares_units(backend):
    found = detect_rework(on(LOG.drop(F.LEVEL), backend))
    # same unit: the county unit's 2nd and 3rd check, the Bürgerbüro's 2nd; L3's units differ
    assert rows_of(found, F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_SEVERITY) == [
        ("L1", "e4", "e3;e4", "medium"),
        ("L1", "e8", "e4;e8", "high"),
        ("L1", "e9", "e1;e9", "medium"),
    ]
    assert found.iloc[2][F.FINDING_EVIDENCE] == (
        "„Vollständigkeit geprüft“ wird zum 2. Mal ausgeführt (bei „Bürgerbüro“), "
        "80 Min. nach dem vorigen Mal."
    )


def test_rework_without_levels_and_units_counts_every_repeat(backend):
    # without level, unit or resource, L3's e11 and e12 are one record written twice at the
    # same time: an exact duplicate, not rework
    found = detect_rework(on(LOG.drop(F.LEVEL, F.ORG_UNIT), backend), minutes_per_repeat=3.0)
    assert rows_of(found, F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_SEVERITY) == [
        ("L1", "e3", "e1;e3", "medium"),
        ("L1", "e4", "e3;e4", "high"),  # third occurrence
        ("L1", "e8", "e4;e8", "high"),
        ("L1", "e9", "e8;e9", "high"),
    ]
    assert found[F.FINDING_MINUTES_LOST].tolist() == [3.0, 5.0, 3.0, 3.0]
    assert (
        found.iloc[0][F.FINDING_EVIDENCE_EN]
        == "'Vollständigkeit geprüft' is done for the 2nd time, 20 min after the previous time."
    )


def test_ping_pong_needs_a_second_handover_by_default(backend):
    found = detect_ping_pong(on(LOG, backend))
    # runs: M(e1 e2) C(e3 e4) M(e5 e6) C(e7 [e8 no level]) M(e9): windows M C M C and C M C M
    assert rows_of(found, *SHOWN) == [
        ("back_and_forth", "L1", "e5", "e2;e5", 30.0),
        ("back_and_forth", "L1", "e7", "e4;e7", 30.0),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "Der Vorgang geht zwischen Ebene Gemeinde und Kreis hin und her und kehrt mit "
        "„Zur Ergänzung zurückgegeben“ zurück."
    )


def test_ping_pong_every_return(backend):
    found = detect_ping_pong(on(LOG, backend), min_alternating_runs=3)
    assert rows_of(found, F.EVENT_ID, F.FINDING_EVENT_IDS) == [
        ("e5", "e2;e5"),
        ("e7", "e4;e7"),
        ("e9", "e6;e9"),
    ]
    # L3: one hand-over municipality → county, no return
    with pytest.raises(InputError):
        detect_ping_pong(on(LOG, backend), min_alternating_runs=2)


def test_a_single_round_trip_is_no_ping_pong(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes", F.LEVEL],
        [("r", "a", 0, "municipality"), ("r", "b", 1, "county"), ("r", "c", 2, "municipality")],
    )
    assert detect_ping_pong(on(log, backend)).empty
    assert rows_of(detect_ping_pong(on(log, backend), min_alternating_runs=3), F.EVENT_ID) == [
        ("e3",)
    ]


def test_without_level_column_the_units_names_give_the_level(backend):
    with_levels = {
        detect: detect(on(LOG, backend))
        for detect in (detect_duplicate_responsibility, detect_ping_pong)
    }
    for detect, given in with_levels.items():
        found = detect(on(LOG.drop(F.LEVEL), backend))
        # every unit names its level: the same findings, marked inferred
        assert rows_of(found, *SHOWN) == rows_of(given, *SHOWN)
        assert found[F.FINDING_INFERRED].tolist() == [True] * len(given)
        assert [n.code for n in found.attrs[NOTES]] == ["detector.inferred"]


def test_without_level_and_unit_columns_nothing_and_a_note(backend):
    bare = on(LOG.drop(F.LEVEL, F.ORG_UNIT), backend)
    for detect in (detect_duplicate_responsibility, detect_ping_pong):
        found = detect(bare)
        assert found.empty and list(found.columns) == list(F.FINDING_COLUMNS)
        notes = found.attrs[NOTES]
        assert [n.code for n in notes] == ["detector.column_missing"]
        assert "Verwaltungsebene" in notes[0].de and "government level" in notes[0].en
