"""Notes a detector leaves when the log limits it: a missing column, an inferred attribute,
an attribute not recognisable, and that (and why) it found nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analyzer import schema
from analyzer.detectors.names import detector_label
from analyzer.problems import Problem, Severity, problem


def missing_column_note(detector: str, column: str) -> Problem:
    """The detector found nothing because ``column`` is missing (a warning, not an error)."""
    f = schema.field_for(column)
    return problem(
        "detector.column_missing",
        f"Spalte {f.label_de} fehlt: {_check(detector, 'de')} findet ohne sie nichts"
        + (f" ({f.limits_de})" if f.limits_de else ""),
        f"column {f.label_en} is missing: {_check(detector, 'en')} finds nothing without it"
        + (f" ({f.limits_en})" if f.limits_en else ""),
        column=f.key,
        severity=Severity.WARNING,
    )


def inferred_note(detector: str, column: str, *, how_de: str, how_en: str) -> Problem:
    """The detector worked without ``column`` by inferring it (findings marked inferred)."""
    f = schema.field_for(column)
    return problem(
        "detector.inferred",
        f"Spalte {f.label_de} fehlt: {_check(detector, 'de')} {how_de}; diese Befunde sind "
        "als abgeleitet markiert",
        f"column {f.label_en} is missing: {_check(detector, 'en')} {how_en}; these findings "
        "are marked as inferred",
        column=f.key,
        severity=Severity.WARNING,
    )


def unrecognised_media_note(detector: str, *, labels: int, words: Sequence[str]) -> Problem:
    """No event has a known medium and none of the ``labels`` names (activities, systems,
    documents) names one: no findings here does not mean no media breaks."""
    f = schema.field_for(schema.MEDIUM)
    shown = ", ".join(words)
    words_de = f"; häufigste unbekannte Wörter: {shown}" if shown else ""
    words_en = f"; most frequent unknown words: {shown}" if shown else ""
    return problem(
        "detector.media_unrecognised",
        f"Medien in diesem Log nicht erkennbar: 0 von {labels} Bezeichnungen bekannt"
        f"{words_de}. {_check(detector, 'de', start=True)} findet daher nichts, was nicht "
        f"heißt, dass es keine Medienbrüche gibt; eine Spalte {f.label_de} zuordnen (medium = …)",
        f"media not recognisable in this log: 0 of {labels} labels known{words_en}. "
        f"{_check(detector, 'en', start=True)} therefore finds nothing, which does not mean "
        f"there are no media breaks; map a column {f.label_en} (medium = ...)",
        column=f.key,
        severity=Severity.WARNING,
    )


#: How a detector infers a missing column, by the column it reads it from (German, English).
_INFERRED_FROM: dict[str, tuple[str, str]] = {
    schema.ACTIVITY: ("leitet es aus den Tätigkeitsnamen ab", "infers it from the activity names"),
    schema.ORG_UNIT: (
        "liest sie aus den Namen der Organisationseinheiten",
        "reads it from the org units' names",
    ),
}


def degraded_note(detector: str, column: str, *, source: str = schema.ACTIVITY) -> Problem:
    """The note for a missing ``column`` the detector infers from ``source`` (activity names;
    the level from the org units' names)."""
    how_de, how_en = _INFERRED_FROM[source]
    return inferred_note(detector, column, how_de=how_de, how_en=how_en)


def level_unrecognised_note(detector: str, *, units: int) -> Problem:
    """No event has a level and none of the ``units`` org-unit names names one: no findings
    here does not mean no duplicate responsibility or ping-pong between levels."""
    f = schema.field_for(schema.LEVEL)
    return problem(
        "detector.level_unrecognised",
        f"Verwaltungsebenen in diesem Log nicht erkennbar: keine Spalte {f.label_de} und 0 von "
        f"{units} Organisationseinheiten nennen eine Ebene. {_check(detector, 'de', start=True)} "
        "findet daher nichts; "
        f"eine Spalte {f.label_de} zuordnen (level = …)",
        f"government levels not recognisable in this log: no column {f.label_en} and 0 of "
        f"{units} org units name a level. {_check(detector, 'en', start=True)} therefore "
        "finds nothing; map a column "
        f"{f.label_en} (level = ...)",
        column=f.key,
        severity=Severity.WARNING,
    )


NOTHING_FOUND = "detector.nothing_found"


def nothing_found_note(detector: str, reasons: Sequence[Problem] = ()) -> Problem:
    """The detector found nothing, and why: the first of its notes ``reasons`` that explains
    it (a missing column, levels or media not recognisable), else no case met its rule."""
    for reason in reasons:
        why = _why(reason)
        if why is not None:
            column, severity = reason.column, Severity.WARNING  # the log limits the rule
            break
    else:
        # the rule could run and no case met it: nothing is wrong, this only tells
        why = ("kein Fall erfüllt die Regel", "no case meets the rule")
        column, severity = None, Severity.INFO
    return problem(
        NOTHING_FOUND,
        f"{detector_label(detector, 'de')}: nichts gefunden — {why[0]}",
        f"{detector_label(detector, 'en')}: nothing found — {why[1]}",
        column=column,
        severity=severity,
    )


def nothing_found_notes(notes: Iterable[Problem]) -> list[Problem]:
    """Those of ``notes`` (e.g. ``run_detectors(...).attrs[NOTES]``) naming a detector that
    found nothing, in their order."""
    return [n for n in notes if n.code == NOTHING_FOUND]


def _why(note: Problem) -> tuple[str, str] | None:
    """Why a detector with ``note`` found nothing, in German and English, if it explains it."""
    if note.code == "detector.level_unrecognised":
        return (
            "keine Ebenen-Spalte und keine erkennbaren Ebenen in den Namen der "
            "Organisationseinheiten",
            "no level column and no recognisable levels in the org units' names",
        )
    if note.code == "detector.media_unrecognised":
        return (
            "kein bekanntes Medium, weder in einer Medium-Spalte noch in den Bezeichnungen",
            "no known medium, neither in a medium column nor in the labels",
        )
    if note.code != "detector.column_missing" or note.column is None:
        return None
    if note.column == schema.field_for(schema.LEVEL).key:
        unit = schema.field_for(schema.ORG_UNIT)
        return (
            f"keine Ebenen-Spalte und keine Spalte {unit.label_de}, aus deren Namen die Ebene "
            "zu lesen wäre",
            f"no level column and no column {unit.label_en} whose names would give the level",
        )
    f = schema.field_for(note.column)
    return f"Spalte {f.label_de} fehlt", f"column {f.label_en} is missing"


def _check(detector: str, language: str, *, start: bool = False) -> str:
    """The detector named as the check it is: "die Prüfung „Medienbrüche“" / "the check
    'media breaks'" (capitalised at the start of a sentence)."""
    if language == "de":
        said = f"die Prüfung „{detector_label(detector, 'de')}“"
    else:
        said = f"the check '{detector_label(detector, 'en')}'"
    return said[0].upper() + said[1:] if start else said
