"""Manual re-entry, once-only violations and system breaks: exact findings on hand-made logs."""

from __future__ import annotations

from analyzer import schema as F
from analyzer.detectors import (
    NOTES,
    detect_manual_reentry,
    detect_once_only,
    detect_system_breaks,
)
from analyzer.task_lexicon import held_documents_in, is_capture, is_request_to_citizen
from tests.tiny_logs import make_log, on, rows_of

COLUMNS = [F.CASE, F.ACTIVITY, "minutes", F.MEDIUM, F.IT_SYSTEM, F.ORG_UNIT, F.DATA_FIELDS]
WG = "Wohngeldstelle"
LOG = make_log(
    COLUMNS,
    [
        ("r1", "Antrag online eingegangen", 0, "online", "Portal", WG, "Name;Anschrift;IBAN"),
        ("r1", "Antragsdaten automatisch übernommen", 5, "efile", "Fachverfahren", WG, None),
        ("r1", "Antragsdaten erfasst", 10, "efile", "Fachverfahren", WG, "Name; IBAN;Einkommen"),
        ("r1", "Meldebescheinigung nachgefordert", 20, "post", "Postausgang", WG, None),
        (
            "r1",
            "Meldebescheinigung eingegangen",
            30,
            "post",
            "Posteingang",
            WG,
            "Meldebescheinigung",
        ),
        (
            "r1",
            "Daten ins Fachverfahren übertragen",
            40,
            "efile",
            "Fachverfahren",
            WG,
            "Einkommen;Meldebescheinigung",
        ),
        ("r1", "Mietbescheinigung nachgefordert", 50, "post", "Postausgang", WG, None),
        (
            "r1",
            "Rentenbescheid bei der Rentenversicherung angefordert",
            60,
            "post",
            "Postausgang",
            WG,
            None,
        ),
        # r2: the registry office issued the birth certificate; the benefit office asks for it
        (
            "r2",
            "Geburt beurkundet",
            0,
            "efile",
            "Personenstandsregister",
            "Standesamt",
            "Geburtsurkunde",
        ),
        (
            "r2",
            "Geburtsurkunde beim Antragsteller angefordert",
            10,
            "post",
            "Postausgang",
            "Elterngeldstelle",
            None,
        ),
        # r3: equal timestamps, the file order decides which capture is the repeat
        ("r3", "Antrag erfasst", 100, None, "OK.VERWALTUNG", WG, "Name"),
        ("r3", "Antrag nochmals erfasst", 100, None, "OK.VERWALTUNG", WG, "Name"),
        ("r4", "Antrag erfasst", 0, None, "Fachverfahren", WG, "Name"),  # one event
    ],
)


def test_manual_reentry_exact(backend):
    found = detect_manual_reentry(on(LOG, backend))
    assert rows_of(
        found,
        F.FINDING_RULE,
        F.CASE,
        F.EVENT_ID,
        F.FINDING_EVENT_IDS,
        F.FINDING_MINUTES_LOST,
        F.FINDING_SEVERITY,
    ) == [
        ("reentry_of_digital_data", "r1", "e3", "e1;e3", 2.0, "high"),  # Name, IBAN
        # Einkommen (first written at e3, digital) and Meldebescheinigung (e5, post)
        ("reentry_of_digital_data", "r1", "e6", "e3;e6", 2.0, "high"),
        ("repeated_capture", "r3", "e12", "e11;e12", 1.0, "medium"),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "2 bereits erfasste Felder (IBAN, Name) werden erneut erfasst; zuerst bei „Antrag "
        "online eingegangen“ (lag schon digital vor)."
    )
    assert found.iloc[2][F.FINDING_EVIDENCE_EN] == (
        "1 field already captured (Name) is captured again; first at 'Antrag erfasst'."
    )
    assert not found[F.FINDING_INFERRED].any()
    # without the medium column the portal intake's medium is read from its name
    inferred = detect_manual_reentry(on(LOG.drop(F.MEDIUM), backend))
    assert rows_of(inferred, F.EVENT_ID, F.FINDING_RULE, F.FINDING_INFERRED)[0] == (
        "e3",
        "reentry_of_digital_data",
        True,
    )


def test_manual_reentry_by_names_without_data_fields(backend):
    found = detect_manual_reentry(on(LOG.drop(F.DATA_FIELDS), backend))
    # after r1's digital intake: capture steps by name in another system than the portal
    assert rows_of(found, F.FINDING_RULE, F.EVENT_ID, F.FINDING_EVENT_IDS, F.FINDING_INFERRED) == [
        ("capture_after_digital_intake", "e3", "e1;e3", True),
        ("capture_after_digital_intake", "e6", "e1;e6", True),
    ]
    assert found[F.FINDING_MINUTES_LOST].tolist() == [5.0, 5.0]
    assert [n.code for n in found.attrs[NOTES]] == ["detector.inferred"]


def test_once_only_exact(backend):
    found = detect_once_only(on(LOG, backend))
    assert rows_of(found, F.FINDING_RULE, F.CASE, F.EVENT_ID, F.FINDING_EVENT_IDS) == [
        ("document_held_by_authority", "r1", "e4", "e4"),
        ("document_held_by_authority", "r2", "e10", "e10"),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "„Meldebescheinigung nachgefordert“ fordert beim Bürger Meldebescheinigung an, obwohl "
        "sie bereits vorliegt bei: Meldebehörde (Once-Only)."
    )
    assert found.iloc[1][F.FINDING_EVIDENCE_EN] == (
        "'Geburtsurkunde beim Antragsteller angefordert' asks the citizen for Geburtsurkunde, "
        "which Standesamt already holds (once-only)."
    )
    assert set(found[F.FINDING_MINUTES_LOST]) == {30.0}
    # the document another unit wrote earlier in the case (opt-in rule) wins where it holds
    in_case = detect_once_only(on(LOG, backend), held_in_case=True)
    assert rows_of(in_case, F.FINDING_RULE, F.EVENT_ID, F.FINDING_EVENT_IDS) == [
        ("document_held_by_authority", "e4", "e4"),  # e5 brings it only later
        ("document_held_in_case", "e10", "e9;e10"),
    ]
    assert in_case.iloc[1][F.FINDING_EVIDENCE_EN] == (
        "'Geburtsurkunde beim Antragsteller angefordert' asks the citizen for "
        "'Geburtsurkunde' although 'Standesamt' already captured it in this case."
    )


def test_once_only_registry_and_request_list_are_options(backend):
    # without the registry only the document held in the case is found
    found = detect_once_only(on(LOG, backend), held_documents={}, held_in_case=True)
    assert rows_of(found, F.EVENT_ID) == [("e10",)]
    assert detect_once_only(on(LOG, backend), held_documents={}).empty
    # without DATA_FIELDS the registry still names both documents
    found = detect_once_only(on(LOG.drop(F.DATA_FIELDS), backend), held_in_case=True)
    assert rows_of(found, F.FINDING_RULE, F.EVENT_ID) == [
        ("document_held_by_authority", "e4"),
        ("document_held_by_authority", "e10"),
    ]
    # an activity listed as a request counts even without a request verb
    log = make_log([F.CASE, F.ACTIVITY, "minutes"], [("x", "Führungszeugnis vorlegen", 0)])
    assert detect_once_only(on(log, backend)).empty
    listed = detect_once_only(on(log, backend), request_activities=["Führungszeugnis vorlegen"])
    assert rows_of(listed, F.EVENT_ID) == [("e1",)]


def test_system_breaks_exact(backend):
    found = detect_system_breaks(on(LOG, backend))
    # e3 types portal data (Name, IBAN) into the Fachverfahren; e6 the Meldebescheinigung
    # received in the Posteingang. e5 writes a document for the first time: nothing moved.
    assert rows_of(found, F.FINDING_BURDEN, F.EVENT_ID, F.FINDING_EVENT_IDS) == [
        ("media_break", "e3", "e1;e3"),
        ("media_break", "e6", "e5;e6"),
    ]
    assert found.iloc[0][F.FINDING_EVIDENCE] == (
        "Daten (IBAN, Name) gehen ohne Schnittstelle von „Portal“ nach „Fachverfahren“: "
        "„Antragsdaten erfasst“ erfasst sie von Hand."
    )
    declared = detect_system_breaks(
        on(LOG, backend), interfaces=[("Fachverfahren", "Posteingang")], minutes_per_break=2.0
    )
    assert rows_of(declared, F.EVENT_ID, F.FINDING_MINUTES_LOST) == [("e3", 2.0)]


def test_system_breaks_by_names_without_data_fields(backend):
    found = detect_system_breaks(on(LOG.drop(F.DATA_FIELDS), backend))
    assert rows_of(found, F.EVENT_ID, F.FINDING_INFERRED) == [("e6", True)]
    bare = detect_system_breaks(on(LOG.drop(F.IT_SYSTEM), backend))
    assert bare.empty and [n.code for n in bare.attrs[NOTES]] == ["detector.column_missing"]


def test_task_lexicon():
    assert is_capture("Antragsdaten erfasst") and is_capture("Daten ins Fachverfahren übertragen")
    assert is_capture("data entered by clerk")
    assert not is_capture("Antragsdaten automatisch übernommen")
    assert not is_capture("Antragsdaten per Schnittstelle übernommen")
    assert not is_capture("Antrag geprüft")
    assert is_request_to_citizen("Meldebescheinigung nachgefordert")
    assert is_request_to_citizen("Handelsregisterauszug beim Gewerbetreibenden angefordert")
    assert is_request_to_citizen("request birth certificate from applicant")
    assert not is_request_to_citizen("Rentenbescheid bei der Rentenversicherung angefordert")
    assert not is_request_to_citizen("Rentenauskunft eingegangen")
    assert held_documents_in("Auszug aus der Liegenschaftskarte nachgefordert") == [
        ("Auszug aus der Liegenschaftskarte", "Vermessungs- und Katasteramt")
    ]
    assert held_documents_in("ALG-Bescheid nachgefordert") == [
        ("ALG-Bescheid", "Bundesagentur für Arbeit")
    ]
    assert held_documents_in("Einkommensteuerbescheid nachgefordert") == [
        ("Einkommensteuerbescheid", "Finanzamt")
    ]
    assert held_documents_in("Mietbescheinigung nachgefordert") == []
