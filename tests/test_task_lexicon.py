"""Step names read as capture or as requests to the citizen: exact verdicts, both languages."""

from __future__ import annotations

import pytest

from analyzer.task_lexicon import is_capture, is_request_to_citizen


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
