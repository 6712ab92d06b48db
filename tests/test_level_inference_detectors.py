"""The level detectors on logs without (complete) levels: the level read from org-unit names,
findings based on it marked inferred, and notes saying so or why nothing was found."""

from __future__ import annotations

import polars as pl

from analyzer import schema as F
from analyzer.detectors import (
    DETECTORS,
    NOTES,
    detect_duplicate_responsibility,
    detect_ping_pong,
    detector_notes,
    run_detectors,
)
from analyzer.detectors.notes import nothing_found_notes
from tests.tiny_logs import make_log, on, rows_of

TOWN = "Bürgeramt der Stadt Lindwerder"  # municipality
COUNTY = "Landratsamt Birkenau"  # county
STATE = "Regierungspräsidium Nordtal"  # state
UNNAMED = "Sachgebiet 4"  # names no level
CHECK = "Unterlagen prüfen"

NO_LEVEL = make_log(
    [F.CASE, F.ACTIVITY, "minutes", F.ORG_UNIT],
    [
        ("A", CHECK, 0, TOWN),  # e1
        ("A", "Weiterleiten", 10, TOWN),  # e2
        ("A", CHECK, 20, COUNTY),  # e3 duplicate (county after municipality)
        ("A", "Rückfrage", 30, TOWN),  # e4 back at the town
        ("A", "Antwort", 40, COUNTY),  # e5 to the county again: ping-pong at e4
        ("A", CHECK, 50, UNNAMED),  # e6 no level: ignored
        ("B", CHECK, 0, STATE),  # e7
        ("B", CHECK, 5, STATE),  # e8 same level: rework, not duplicate
    ],
)
SHOWN = (F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.LEVEL, F.FINDING_INFERRED)


def test_duplicate_responsibility_reads_the_level_from_unit_names(backend):
    found = detect_duplicate_responsibility(on(NO_LEVEL, backend))
    assert rows_of(found, *SHOWN) == [("A", "e3", "e1;e3", "county", True)]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "„Unterlagen prüfen“ wurde auf Ebene Gemeinde bereits erledigt und wird auf Ebene "
        "Kreis erneut ausgeführt (Ebene aus dem Namen der Organisationseinheit abgeleitet)."
    )
    assert found.iloc[0][F.FINDING_EVIDENCE_EN] == (
        "'Unterlagen prüfen' was already done at the municipality level and is done again at "
        "the county level (level inferred from the org unit's name)."
    )
    notes = found.attrs[NOTES]
    assert [(n.code, n.column) for n in notes] == [("detector.inferred", "level")]
    assert (
        "die Prüfung „Doppelzuständigkeit“ liest sie aus den Namen der Organisationseinheiten"
        in (notes[0].de)
    )
    assert "the check 'duplicate responsibility' reads it from the org units' names" in notes[0].en


def test_ping_pong_reads_the_level_from_unit_names(backend):
    found = detect_ping_pong(on(NO_LEVEL, backend))
    # runs of case A: M(e1 e2) C(e3) M(e4) C(e5); e6 has no level
    assert rows_of(found, *SHOWN) == [("A", "e4", "e2;e4", "municipality", True)]
    assert found.iloc[0][F.FINDING_EVIDENCE].endswith(
        "zurück (Ebene aus dem Namen der Organisationseinheit abgeleitet)."
    )
    assert [n.code for n in found.attrs[NOTES]] == ["detector.inferred"]


def test_only_findings_on_an_inferred_level_are_marked(backend):
    # levels given except for e3 and e5: the duplicate at e3 and the ping-pong are inferred;
    # case B's duplicate rests on given levels only
    levels = ["municipality", "municipality", None, "municipality", None, None, "state", "county"]
    partly = NO_LEVEL.with_columns(pl.Series(F.LEVEL, levels, dtype=pl.String))
    dup = detect_duplicate_responsibility(on(partly, backend))
    assert rows_of(dup, *SHOWN) == [
        ("A", "e3", "e1;e3", "county", True),
        ("B", "e8", "e7;e8", "county", False),
    ]
    assert dup.iloc[1][F.FINDING_EVIDENCE].endswith("erneut ausgeführt.")
    assert NOTES not in dup.attrs or dup.attrs[NOTES] == []  # the level column is there
    pong = detect_ping_pong(on(partly, backend))
    assert rows_of(pong, *SHOWN) == [("A", "e4", "e2;e4", "municipality", True)]


def test_a_given_level_is_never_replaced_and_never_marked(backend):
    # the county unit's events say "state": the given level wins over the name
    levels = ["municipality", "municipality", "state", "municipality", "state", None, None, None]
    given = NO_LEVEL.with_columns(pl.Series(F.LEVEL, levels, dtype=pl.String)).filter(
        pl.col(F.CASE) == "A"
    )
    found = detect_duplicate_responsibility(on(given, backend))
    assert rows_of(found, *SHOWN) == [("A", "e3", "e1;e3", "state", False)]


def test_unit_names_without_levels_give_nothing_and_say_why(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes", F.ORG_UNIT],
        [("A", CHECK, 0, "Team Nord"), ("A", CHECK, 5, "Team Süd"), ("A", CHECK, 9, UNNAMED)],
    )
    for detect in (detect_duplicate_responsibility, detect_ping_pong):
        found = detect(on(log, backend))
        assert found.empty and list(found.columns) == list(F.FINDING_COLUMNS)
        [note] = found.attrs[NOTES]
        assert (note.code, note.column) == ("detector.level_unrecognised", "level")
        assert "0 von 3 Organisationseinheiten" in note.de
        assert "0 of 3 org units" in note.en
    found = run_detectors(on(log, backend), names=["ping_pong"])
    assert [n.code for n in found.attrs[NOTES]] == [
        "detector.level_unrecognised",
        "detector.nothing_found",
    ]
    [said] = nothing_found_notes(found.attrs[NOTES])
    assert said.de == (
        "Ping-Pong zwischen Ebenen: nichts gefunden — keine Ebenen-Spalte und keine "
        "erkennbaren Ebenen in den Namen der Organisationseinheiten"
    )


def test_the_registry_lets_the_level_detectors_infer_the_level():
    for name in ("duplicate_responsibility", "ping_pong"):
        assert DETECTORS[name].needs == ()
        assert DETECTORS[name].degrades == (F.LEVEL,)
    with_units = detector_notes(NO_LEVEL, ["ping_pong"])
    assert [(n.code, n.column) for n in with_units] == [("detector.inferred", "level")]
    assert "Namen der Organisationseinheiten" in with_units[0].de
    without = detector_notes(NO_LEVEL.drop(F.ORG_UNIT), ["ping_pong"])
    assert [(n.code, n.column) for n in without] == [("detector.column_missing", "level")]
    found = run_detectors(NO_LEVEL, names=["duplicate_responsibility", "ping_pong"])
    assert rows_of(found, F.FINDING_DETECTOR, F.EVENT_ID, F.FINDING_INFERRED) == [
        ("duplicate_responsibility", "e3", True),
        ("ping_pong", "e4", True),
    ]
    assert [n.code for n in found.attrs[NOTES]] == ["detector.inferred", "detector.inferred"]
