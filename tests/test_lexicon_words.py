"""The medium and level lexicon: known words, word parts of compounds, similar words."""

from __future__ import annotations

import pytest

from analyzer import vocabulary
from analyzer.medium_lexicon import infer_medium
from analyzer.schema import Level, Medium


@pytest.mark.parametrize(
    ("word", "medium", "how"),
    [
        ("Fachverfahren", Medium.EFILE, "known_word"),
        ("elektronisch", Medium.EFILE, "known_word"),
        ("De-Mail", Medium.EMAIL, "known_word"),
        ("Kundenportal", Medium.ONLINE, "word_part"),
        ("Onlinedienst", Medium.ONLINE, "word_part"),
        ("Hauspost", Medium.POST, "word_part"),
        ("Anhörungsbrief", Medium.POST, "word_part"),
        ("Faxgerät", Medium.FAX, "word_part"),
        ("Servicetheke", Medium.IN_PERSON, "word_part"),
        ("Scanstelle", Medium.EFILE, "word_part"),
        ("Antragsformular", Medium.PAPER, "word_part"),
        ("E-Akte VIS", Medium.EFILE, "known_word"),
        # the modifier of a compound decides over its head: an online form is online
        ("Internetformular", Medium.ONLINE, "word_part"),
        ("Telefonat", Medium.PHONE, "word_part"),
        ("Onlne-Antrag", Medium.ONLINE, "similar"),
    ],
)
def test_medium_words(word, medium, how):
    guess = vocabulary.guess_medium(word)
    assert (guess.value, guess.how) == (medium.value, how)


@pytest.mark.parametrize("word", ["Brieftaube", "Gewerbeanmeldung", "Sonstiges", "Vermerk"])
def test_words_naming_no_medium(word):
    assert vocabulary.guess_medium(word) is None


@pytest.mark.parametrize(
    ("name", "level", "how"),
    [
        ("Landratsamt Oberhavel", Level.COUNTY, "known_word"),
        ("Kreisstraßenmeisterei", Level.COUNTY, "word_part"),
        ("Ortsgemeinde Wallhalben", Level.MUNICIPALITY, "word_part"),
        ("Bürgeramt der Stadt Ahrweiler", Level.MUNICIPALITY, "known_word"),
        ("Stadtkasse Neuwied", Level.MUNICIPALITY, "word_part"),
        ("Kommunalverwaltung", Level.MUNICIPALITY, "word_part"),
        ("Landesbetrieb Mobilität", Level.STATE, "word_part"),
        ("Regierungspräsidium Gießen", Level.STATE, "known_word"),
        ("Finanzamt Bingen", Level.STATE, "known_word"),
        ("Bundeszentralamt für Steuern", Level.FEDERAL, "word_part"),
        ("Familienkasse Rheinland-Pfalz", Level.FEDERAL, "known_word"),
        ("Agentur für Arbeit Koblenz", Level.FEDERAL, "known_word"),
        # the authority comes first in a name, its carrier after it
        ("Deutsche Rentenversicherung Bund", Level.SOCIAL_INSURANCE, "known_word"),
        ("Ersatzkasse Nord", Level.SOCIAL_INSURANCE, "word_part"),
        ("Jobcenter Mayen-Koblenz", Level.OTHER, "known_word"),
    ],
)
def test_level_words(name, level, how):
    guess = vocabulary.guess_level(name)
    assert (guess.value, guess.how) == (level.value, how)


def test_level_of_and_medium_of_take_no_similar_words():
    assert vocabulary.guess_level("Kreisebnee") is not None  # by the part "kreis…"
    assert vocabulary.guess_medium("Onlne-Antrag", similar=False) is None
    assert vocabulary.medium_of("Onlne-Antrag") is None
    assert vocabulary.level_of("Sachgebiet 3") is None


@pytest.mark.parametrize(
    ("name", "medium"),
    [
        ("Eingang über Kundenportal", Medium.ONLINE),
        ("Vermerk in E-Akte", Medium.EFILE),
        ("Bescheid ins Fachverfahren übernehmen", Medium.EFILE),
        ("Hauspost an Bauamt", Medium.POST),
        # verbs still come first: the print of an e-file is paper
        ("E-Akte ausdrucken", Medium.PAPER),
    ],
)
def test_step_names_read_with_the_same_words(name, medium):
    assert infer_medium(name) == medium


@pytest.mark.parametrize("name", ["Bankkonto prüfen", "Gewerbeanmeldung prüfen", "Antrag prüfen"])
def test_step_names_naming_no_medium(name):
    assert infer_medium(name) is None
