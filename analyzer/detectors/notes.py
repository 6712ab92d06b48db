"""Notes a detector leaves when the log limits it: a missing column, an inferred attribute."""

from __future__ import annotations

from collections.abc import Sequence

from analyzer import schema
from analyzer.problems import Problem, Severity, problem


def missing_column_note(detector: str, column: str) -> Problem:
    """The detector found nothing because ``column`` is missing (a warning, not an error)."""
    f = schema.field_for(column)
    return problem(
        "detector.column_missing",
        f"Spalte {f.label_de} fehlt: {detector} findet ohne sie nichts"
        + (f" ({f.limits_de})" if f.limits_de else ""),
        f"column {f.label_en} is missing: {detector} finds nothing without it"
        + (f" ({f.limits_en})" if f.limits_en else ""),
        column=f.key,
        severity=Severity.WARNING,
    )


def inferred_note(detector: str, column: str, *, how_de: str, how_en: str) -> Problem:
    """The detector worked without ``column`` by inferring it (findings marked inferred)."""
    f = schema.field_for(column)
    return problem(
        "detector.inferred",
        f"Spalte {f.label_de} fehlt: {detector} {how_de}; diese Befunde sind als abgeleitet "
        "markiert",
        f"column {f.label_en} is missing: {detector} {how_en}; these findings are marked as "
        "inferred",
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
        f"{words_de}. {detector} findet daher nichts, was nicht heißt, dass es keine "
        f"Medienbrüche gibt; eine Spalte {f.label_de} zuordnen (medium = …)",
        f"media not recognisable in this log: 0 of {labels} labels known{words_en}. "
        f"{detector} therefore finds nothing, which does not mean there are no media breaks; "
        f"map a column {f.label_en} (medium = ...)",
        column=f.key,
        severity=Severity.WARNING,
    )
