"""Notes of a detector run: each detector's own notes kept, merged once with the registry's,
and a note for every detector that found nothing, saying why."""

from __future__ import annotations

from analyzer import schema as F
from analyzer.detectors import NOTES, detect_media_breaks, run_detectors
from analyzer.detectors.notes import nothing_found_notes
from analyzer.problems import Severity
from tests.tiny_logs import make_log, on

# activity names no medium lexicon knows, no medium, level or unit column
UNKNOWN_MEDIA = make_log(
    [F.CASE, F.ACTIVITY, "minutes"],
    [("k1", "Vorgang anlegen", 0), ("k1", "Vorgang abschließen", 5), ("k2", "Vorgang anlegen", 9)],
)


def codes(found) -> list[tuple[str, str | None]]:
    return [(n.code, n.column) for n in found.attrs[NOTES]]


def test_a_detectors_own_note_reaches_run_detectors(backend):
    own = detect_media_breaks(on(UNKNOWN_MEDIA, backend)).attrs[NOTES]
    assert [n.code for n in own] == ["detector.media_unrecognised"]
    found = run_detectors(on(UNKNOWN_MEDIA, backend), names=["media_breaks"])
    assert found.empty
    # the detector's own note says more than the registry's "inferred from the names"
    assert codes(found) == [
        ("detector.media_unrecognised", "medium"),
        ("detector.nothing_found", "medium"),  # naming the column that limits it
    ]
    assert found.attrs[NOTES][0] == own[0]
    assert "0 von 2 Bezeichnungen bekannt" in found.attrs[NOTES][0].de


def test_notes_merge_without_duplicates_in_the_order_of_the_detectors(backend):
    found = run_detectors(
        on(UNKNOWN_MEDIA, backend), names=["ping_pong", "media_breaks", "duplicate_responsibility"]
    )
    # ping_pong and the registry both say the level is missing: once
    assert codes(found) == [
        ("detector.column_missing", "level"),
        ("detector.media_unrecognised", "medium"),
        ("detector.column_missing", "level"),
        ("detector.nothing_found", "level"),
        ("detector.nothing_found", "medium"),
        ("detector.nothing_found", "level"),
    ]
    assert [n.de.split(":")[0] for n in nothing_found_notes(found.attrs[NOTES])] == [
        "Ping-Pong zwischen Ebenen",
        "Medienbrüche",
        "Doppelzuständigkeit",
    ]
    assert "„Ping-Pong zwischen Ebenen“" in found.attrs[NOTES][0].de
    assert "'duplicate responsibility'" in found.attrs[NOTES][2].en
    again = run_detectors(
        on(UNKNOWN_MEDIA, backend), names=["ping_pong", "media_breaks", "duplicate_responsibility"]
    )
    assert again.attrs[NOTES] == found.attrs[NOTES]


def test_nothing_found_says_why():
    found = run_detectors(
        UNKNOWN_MEDIA, names=["ping_pong", "media_breaks", "system_breaks", "long_waits"]
    )
    notes = nothing_found_notes(found.attrs[NOTES])
    said = dict(
        zip(["ping_pong", "media_breaks", "system_breaks", "long_waits"], notes, strict=True)
    )
    assert said["ping_pong"].de == (
        "Ping-Pong zwischen Ebenen: nichts gefunden — keine Ebenen-Spalte und keine Spalte "
        "Amt / Organisationseinheit, aus deren Namen die Ebene zu lesen wäre"
    )
    assert said["ping_pong"].en == (
        "ping-pong between levels: nothing found — no level column and no column "
        "authority / org unit whose names would give the level"
    )
    assert said["media_breaks"].de == (
        "Medienbrüche: nichts gefunden — kein bekanntes Medium, weder in einer Medium-Spalte "
        "noch in den Bezeichnungen"
    )
    assert said["system_breaks"].de == (
        "Systembrüche: nichts gefunden — Spalte IT-System / Fachverfahren fehlt"
    )
    assert said["system_breaks"].en == "system breaks: nothing found — column IT system is missing"
    # the log has the columns the rule needs; no case meets it
    assert said["long_waits"].de == (
        "lange Liegezeiten: nichts gefunden — kein Fall erfüllt die Regel"
    )
    assert said["long_waits"].en == "long waits: nothing found — no case meets the rule"
    # a log that limits the rule warns; one that simply has no such case only tells
    assert {k: n.severity for k, n in said.items()} == {
        "ping_pong": Severity.WARNING,
        "media_breaks": Severity.WARNING,
        "system_breaks": Severity.WARNING,
        "long_waits": Severity.INFO,
    }
    assert said["long_waits"].column is None and said["system_breaks"].column == "it_system"


def test_a_detector_with_findings_gets_no_nothing_found_note():
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes"],
        [("k1", "Antrag online gestellt", 0), ("k1", "Bescheid ausgedruckt", 5)],
    )
    found = run_detectors(log, names=["media_breaks", "rework"])
    assert set(found[F.FINDING_DETECTOR]) == {"media_breaks"}
    assert [n.de.split(":")[0] for n in nothing_found_notes(found.attrs[NOTES])] == ["Nacharbeit"]
