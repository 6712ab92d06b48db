"""Step names read as capture, as requests to the citizen or as the citizen's own steps, and
resources read as the citizen: exact verdicts, both languages."""

from __future__ import annotations

import pytest

from analyzer.task_lexicon import (
    is_capture,
    is_citizen_actor,
    is_citizen_step,
    is_request_to_citizen,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antragsdaten ins Fachverfahren übertragen", True),
        ("data typed into the case system", True),
        ("type in the applicant's address", True),
        # the noun "type" is no typing (receipt log: "...internal advice to hold for type 4")
        ("T07-4 Draft internal advice to hold for type 4", False),
        ("Bescheid versandt", False),
    ],
)
def test_capture(name: str, expected: bool) -> None:
    assert is_capture(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Einkommensnachweis beim Antragsteller angefordert", True),
        ("Meldebescheinigung angefordert", True),
        ("Rentenbescheid bei der Rentenversicherung angefordert", False),
        ("Stellungnahme Denkmalschutz angefordert", False),
        ("T04 Determine confirmation of receipt; request for advice", False),
        ("request missing documents from the applicant", True),
    ],
)
def test_request_to_citizen(name: str, expected: bool) -> None:
    assert is_request_to_citizen(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # paying, read by the word's parts: "-zahlung", "eingezahlt", "paid", "instalment"
        ("Abschlagszahlung eingegangen", True),
        ("Teilbetrag eingezahlt", True),
        ("Gebühr beglichen", True),
        ("instalment paid", True),
        ("Pay fee", True),
        # handing in, uploading, objecting
        ("Nachweise im Portal hochgeladen", True),
        ("Gutachten eingereicht", True),
        ("Widerspruch eingelegt", True),
        ("form submitted online", True),
        ("Documents uploaded", True),
        ("objection lodged", True),
        # the office's part in it: reminding, paying out, checking, asking
        ("Zahlungserinnerung versandt", False),
        ("Auszahlung angewiesen", False),
        ("Eingereichte Unterlagen geprüft", False),
        ("Unterlagen zur Einreichung angefordert", False),
        ("payment reminder sent", False),
        ("Check submitted form", False),
        ("refund payment", False),
        ("Bescheid prüfen", False),
        ("Rückfrage beim Gewerbetreibenden", False),
        ("Widerspruchsbescheid erstellt", False),
    ],
)
def test_citizen_step(name: str, expected: bool) -> None:
    assert is_citizen_step(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antragstellerin", True),
        ("Antragsteller/in", True),
        ("Bürger", True),
        ("Kundin", True),
        ("applicant", True),
        ("Citizen (online)", True),
        ("Bürgerbüro Nord", False),
        ("Kundenservice", False),
        ("customer service", False),
        ("Sachbearbeiter 3", False),
        (None, False),
    ],
)
def test_citizen_actor(name: str | None, expected: bool) -> None:
    assert is_citizen_actor(name) is expected
