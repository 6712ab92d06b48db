"""Rework that is rework: duplicate export rows, double clicks and the citizen's own repeated
steps are not the office's rework; a true repeat says when and by whom it was done again."""

from __future__ import annotations

import pytest

from analyzer import schema as F
from analyzer.detectors import detect_rework
from tests.tiny_logs import make_log, on, rows_of

CHECK = "Bescheid prüfen"
DAY = 24 * 60
COLUMNS = [F.CASE, F.ACTIVITY, "minutes", F.RESOURCE, F.ORG_UNIT, F.LEVEL]
UNIT, LEVEL = "Wohngeldstelle", "county"
LOG = make_log(
    COLUMNS,
    [
        ("D", CHECK, 0, "R1", UNIT, LEVEL),  # e1
        ("D", CHECK, 0, "R1", UNIT, LEVEL),  # e2 the same row exported twice
        ("D", CHECK, 0, None, UNIT, LEVEL),  # e3 again, without its resource
        ("D", CHECK, 2 * DAY, "R2", UNIT, LEVEL),  # e4 rework: the 2nd time, after e1
        ("K", "Antrag bearbeiten", 60, "R2", UNIT, LEVEL),  # e5
        ("K", "Antrag bearbeiten", 62, "R2", UNIT, LEVEL),  # e6 a double click, 2 min later
        ("C", "Gebühr eingezahlt", 0, None, UNIT, LEVEL),  # e7 the citizen pays
        ("C", "Gebühr eingezahlt", 5 * DAY, None, UNIT, LEVEL),  # e8 ... and pays again
        ("C", "Fragebogen ausgefüllt", 0, "Antragstellerin", UNIT, LEVEL),  # e9
        ("C", "Fragebogen ausgefüllt", DAY, "Antragstellerin", UNIT, LEVEL),  # e10 the citizen
        ("R", CHECK, 0, "R1", UNIT, LEVEL),  # e11
        ("R", CHECK, 3 * DAY, "R3", UNIT, LEVEL),  # e12 rework by another person
        ("R", CHECK, 3 * DAY + 10, "R3", UNIT, LEVEL),  # e13 rework by the same, 10 min on
        ("R", CHECK, 3 * DAY + 20, None, UNIT, LEVEL),  # e14 rework, person unknown
    ],
)
SHOWN = (F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_SEVERITY, F.FINDING_MINUTES_LOST)


def test_only_true_repeats_are_rework(backend):
    found = detect_rework(on(LOG, backend))
    assert rows_of(found, *SHOWN) == [
        ("D", "e4", "e1;e4", "medium", 15.0),  # the duplicates e2, e3 are no occurrences
        ("R", "e12", "e11;e12", "medium", 15.0),
        ("R", "e13", "e12;e13", "high", 15.0),
        ("R", "e14", "e13;e14", "high", 15.0),
    ]


def test_evidence_says_when_and_by_whom_the_step_was_done_again(backend):
    found = detect_rework(on(LOG, backend)).set_index(F.EVENT_ID)
    assert found.loc["e4", F.FINDING_EVIDENCE] == (
        "„Bescheid prüfen“ wird zum 2. Mal ausgeführt (Ebene Kreis), 2 Tage nach dem vorigen "
        "Mal, durch eine andere Person."
    )
    assert found.loc["e12", F.FINDING_EVIDENCE_EN] == (
        "'Bescheid prüfen' is done for the 2nd time (level county), 3 days after the previous "
        "time, by another person."
    )
    assert found.loc["e13", F.FINDING_EVIDENCE] == (
        "„Bescheid prüfen“ wird zum 3. Mal ausgeführt (Ebene Kreis), 10 Min. nach dem vorigen "
        "Mal, durch dieselbe Person."
    )
    assert found.loc["e13", F.FINDING_EVIDENCE_EN] == (
        "'Bescheid prüfen' is done for the 3rd time (level county), 10 min after the previous "
        "time, by the same person."
    )
    assert found.loc["e14", F.FINDING_EVIDENCE_EN] == (
        "'Bescheid prüfen' is done for the 4th time (level county), 10 min after the previous time."
    )


def test_the_click_window_is_an_option(backend):
    found = detect_rework(on(LOG, backend), min_gap_minutes=1.0)
    assert "e6" in set(found[F.EVENT_ID])  # 2 minutes apart: now a repeat
    assert found.set_index(F.EVENT_ID).loc["e6", F.FINDING_EVIDENCE_EN] == (
        "'Antrag bearbeiten' is done for the 2nd time (level county), 2 min after the previous "
        "time, by the same person."
    )
    # exact duplicates stay duplicates whatever the window
    assert not {"e2", "e3"} & set(found[F.EVENT_ID])


def test_without_resources_only_exact_duplicates_and_citizen_steps_are_left_out(backend):
    found = detect_rework(on(LOG.drop(F.RESOURCE), backend))
    # e6 may be a click or a second clerk: without resources it counts; e10 is no citizen step
    # by its name and no resource says the citizen did it
    assert rows_of(found, F.EVENT_ID, F.FINDING_EVENT_IDS) == [
        ("e10", "e9;e10"),
        ("e4", "e1;e4"),
        ("e6", "e5;e6"),
        ("e12", "e11;e12"),
        ("e13", "e12;e13"),
        ("e14", "e13;e14"),
    ]
    assert found.set_index(F.EVENT_ID).loc["e4", F.FINDING_EVIDENCE] == (
        "„Bescheid prüfen“ wird zum 2. Mal ausgeführt (Ebene Kreis), 2 Tage nach dem vorigen Mal."
    )


@pytest.mark.parametrize(
    ("role", "found"), [("Antragsteller/in", []), ("Sachbearbeitung", [("e2",)])]
)
def test_a_role_naming_the_citizen_makes_the_step_theirs(backend, role, found):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes", F.ROLE],
        [("A", "Angaben ergänzt", 0, role), ("A", "Angaben ergänzt", 3 * DAY, role)],
    )
    assert rows_of(detect_rework(on(log, backend)), F.EVENT_ID) == found


def test_a_gap_on_a_rounding_tie_reads_the_same_on_every_backend(backend):
    # 2,571 minutes are 42.85 h: Polars rounds that tie to even, DuckDB away from zero
    log = make_log([F.CASE, F.ACTIVITY, "minutes"], [("A", CHECK, 0), ("A", CHECK, 2571)])
    found = detect_rework(on(log, backend))
    assert found[F.FINDING_EVIDENCE].tolist() == [
        "„Bescheid prüfen“ wird zum 2. Mal ausgeführt, 42,9 Std. nach dem vorigen Mal."
    ]
