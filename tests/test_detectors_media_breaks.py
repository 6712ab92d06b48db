"""Media breaks: given and inferred media, unknown media, ties, single events; all backends."""

from __future__ import annotations

from analyzer import schema
from analyzer.detectors import detect_media_breaks
from analyzer.detectors.base import NOTES, empty_findings
from analyzer.schema import MediumClass
from tests.tiny_logs import make_log, on, rows_of

F = schema
COLUMNS = [F.CASE, F.ACTIVITY, "minutes", F.MEDIUM, F.ORG_UNIT, F.LEVEL]
LOG = make_log(
    COLUMNS,
    [
        ("m1", "Antrag online eingegangen", 0, "online", "Wohngeldstelle", "municipality"),
        ("m1", "Antrag geprüft", 10, "efile", "Wohngeldstelle", "municipality"),
        ("m1", "Bescheid ausgedruckt", 20, "paper", "Wohngeldstelle", "municipality"),
        # no medium given: inferred from the name ("per Post" → post, analogue)
        ("m1", "Bescheid per Post versandt", 30, None, "Poststelle", "municipality"),
        ("m1", "Rückläufer eingescannt", 40, "efile", "Scanstelle", "municipality"),
        ("m2", "Papierantrag eingegangen", 0, "paper", "Wohngeldstelle", None),  # one event
        # equal timestamps: the file order decides (online first, then paper)
        ("m3", "Antrag gestellt", 100, "online", "Wohngeldstelle", "municipality"),
        ("m3", "Antrag gedruckt", 100, "paper", "Wohngeldstelle", "municipality"),
        # a medium the taxonomy does not list, and an unknown name: both skipped
        ("m4", "Antrag gestellt", 0, "online", "Wohngeldstelle", "municipality"),
        ("m4", "Brieftaube gelandet", 5, "pigeon", "Wohngeldstelle", "municipality"),
        ("m4", "Antrag bearbeitet", 6, None, "Wohngeldstelle", "municipality"),
        ("m4", "Antrag archiviert", 7, "efile", "Wohngeldstelle", "municipality"),
    ],
)
SHOWN = (F.FINDING_RULE, F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_INFERRED)


def test_media_breaks_exact(backend):
    found = detect_media_breaks(on(LOG, backend))
    assert list(found.columns) == list(F.FINDING_COLUMNS)
    assert rows_of(found, *SHOWN) == [
        ("digital_to_analogue", "m1", "e3", "e2;e3", False),
        ("analogue_to_digital", "m1", "e5", "e4;e5", True),  # e4's medium was inferred
        ("digital_to_analogue", "m3", "e8", "e7;e8", False),
    ]
    first = found.iloc[0]
    assert first[F.FINDING_DETECTOR] == "media_breaks"
    assert first[F.FINDING_BURDEN] == "media_break"
    assert first[F.FINDING_SEVERITY] == "high"
    assert first[F.FINDING_MINUTES_LOST] == 10.0
    assert first[F.ACTIVITY] == "Bescheid ausgedruckt"
    assert (first[F.ORG_UNIT], first[F.LEVEL]) == ("Wohngeldstelle", "municipality")
    assert first[F.FINDING_EVIDENCE] == (
        "Medienbruch: „Antrag geprüft“ (E-Akte) → „Bescheid ausgedruckt“ (Papier)."
    )
    assert first[F.FINDING_EVIDENCE_EN] == (
        "Media break: 'Antrag geprüft' (e-file) → 'Bescheid ausgedruckt' (paper)."
    )
    assert found.iloc[1][F.FINDING_EVIDENCE].endswith(", Medium aus dem Namen abgeleitet.")
    assert found.iloc[1][F.FINDING_SEVERITY] == "medium"


def test_without_inference_unknown_media_are_skipped(backend):
    found = detect_media_breaks(on(LOG, backend), infer_medium=False, minutes_per_break=7.0)
    assert rows_of(found, *SHOWN, F.FINDING_MINUTES_LOST) == [
        ("digital_to_analogue", "m1", "e3", "e2;e3", False, 7.0),
        ("analogue_to_digital", "m1", "e5", "e3;e5", False, 7.0),  # across the unknown e4
        ("digital_to_analogue", "m3", "e8", "e7;e8", False, 7.0),
    ]


def test_medium_inferred_from_activity_names_without_a_medium_column(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes"],
        [
            ("n1", "Online-Antrag eingegangen", 0),
            ("n1", "Antrag prüfen", 5),  # names no medium: skipped
            ("n1", "Antrag ausdrucken", 9),
            ("n1", "Posteingang scannen", 12),  # a scan: e-file although it names the post
            ("n1", "Print notice", 20),
        ],
    )
    found = detect_media_breaks(on(log, backend))
    assert rows_of(found, *SHOWN) == [
        ("digital_to_analogue", "n1", "e3", "e1;e3", True),
        ("analogue_to_digital", "n1", "e4", "e3;e4", True),
        ("digital_to_analogue", "n1", "e5", "e4;e5", True),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE_EN] == (
        "Media break: 'Online-Antrag eingegangen' (online) → 'Antrag ausdrucken' (paper), "
        "medium inferred from the name."
    )
    assert found[F.ORG_UNIT].isna().all() and found[F.MUNICIPALITY].isna().all()


def test_taxonomy_is_configurable(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes", F.MEDIUM],
        [("t", "Antrag", 0, "online"), ("t", "Rückfrage", 5, "email"), ("t", "Akte", 9, "efile")],
    )
    assert detect_media_breaks(on(log, backend)).empty  # e-mail counts as digital
    email_on_paper = {**schema.DEFAULT_MEDIUM_CLASSES, "email": MediumClass.ANALOGUE}
    found = detect_media_breaks(on(log, backend), medium_classes=email_on_paper)
    assert rows_of(found, F.FINDING_RULE, F.EVENT_ID) == [
        ("digital_to_analogue", "e2"),
        ("analogue_to_digital", "e3"),
    ]


def test_nothing_found_is_an_empty_typed_table(backend):
    log = make_log([F.CASE, F.ACTIVITY, "minutes", F.MEDIUM], [("x", "Antrag", 0, "paper")])
    found = detect_media_breaks(on(log, backend))
    empty = empty_findings()
    assert found.empty
    assert list(found.columns) == list(F.FINDING_COLUMNS)
    assert found.dtypes.to_dict() == empty.dtypes.to_dict()


def test_no_recognisable_medium_is_a_note_not_no_media_breaks(backend):
    log = make_log(
        [F.CASE, F.ACTIVITY, "minutes", F.IT_SYSTEM],
        [
            ("u1", "T02 Vorgang anlegen", 0, "SAP-XY"),
            ("u1", "T03 Vorgang abschließen", 5, "SAP-XY"),
            ("u2", "T02 Vorgang anlegen", 0, "SAP-XY"),
            ("u2", "Rückfrage Vorgang", 9, None),
        ],
    )
    found = detect_media_breaks(on(log, backend))
    assert found.empty
    (note,) = found.attrs[NOTES]
    assert note.code == "detector.media_unrecognised"
    # 3 activity names and 1 system name; words by events: vorgang 4, sap 3, anlegen 2, ...
    assert note.de.startswith(
        "Medien in diesem Log nicht erkennbar: 0 von 4 Bezeichnungen bekannt; häufigste "
        "unbekannte Wörter: vorgang, sap, anlegen, abschließen, rückfrage."
    )
    assert note.en.startswith("media not recognisable in this log: 0 of 4 labels known")


def test_a_log_with_known_media_and_no_breaks_has_no_such_note(backend):
    log = make_log([F.CASE, F.ACTIVITY, "minutes"], [("k", "Online-Antrag", 0), ("k", "x", 1)])
    found = detect_media_breaks(on(log, backend))
    assert found.empty
    assert found.attrs.get(NOTES, []) == []
