"""Government levels for the level detectors: their names in evidence sentences, and the
level of an event given or inferred from its org unit's name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import narwhals as nw

from analyzer import engine, schema, steps, vocabulary
from analyzer.detectors.base import text
from analyzer.detectors.notes import degraded_note, level_unrecognised_note, missing_column_note
from analyzer.problems import Problem
from analyzer.schema import Level

LEVEL_LABELS_DE: dict[str, str] = {
    Level.FEDERAL: "Bund",
    Level.STATE: "Land",
    Level.COUNTY: "Kreis",
    Level.MUNICIPALITY: "Gemeinde",
    Level.SOCIAL_INSURANCE: "Sozialversicherung",
    Level.OTHER: "sonstige",
}
LEVEL_LABELS_EN: dict[str, str] = {
    Level.FEDERAL: "federal",
    Level.STATE: "state",
    Level.COUNTY: "county",
    Level.MUNICIPALITY: "municipality",
    Level.SOCIAL_INSURANCE: "social insurance",
    Level.OTHER: "other",
}


def level_text(level: object, labels: Mapping[str, str]) -> str:
    """The name of ``level`` in ``labels``; the value itself if unknown, "?" if missing."""
    value = text(level)
    return labels.get(value, value)


#: Working column added by :func:`with_event_level`: True where the level was inferred.
EVENT_LEVEL_INFERRED = "step:level_inferred"


def inferred_levels(names: Iterable[str | None]) -> dict[str, str]:
    """``{org unit: level}`` for the unit names that name their government level by a known
    word or word part ("Landratsamt Musterkreis" → county, "Ortsgemeinde Au" → municipality;
    :func:`analyzer.vocabulary.guess_level`, never by mere similarity); others left out."""
    found: dict[str, str] = {}
    for name in names:
        if name is None or name in found:
            continue
        guess = vocabulary.guess_level(name, similar=False)
        if guess is not None:
            found[name] = guess.value
    return found


def with_event_level(lf: nw.LazyFrame, *, infer: bool = True) -> nw.LazyFrame:
    """``lf`` with each event's LEVEL given, else (``infer``) read from its ORG_UNIT's name,
    and :data:`EVENT_LEVEL_INFERRED` (True only where it was inferred), like an inferred
    medium (:func:`analyzer.medium_lexicon.with_event_medium`).

    Without a LEVEL column and without an ORG_UNIT (or with ``infer`` off) ``lf`` is returned
    without LEVEL, so the level detectors note the missing column. Where LEVEL is complete
    nothing is inferred (one count). The unit names are classified once per distinct value.
    """
    columns = lf.collect_schema().names()
    has_level = schema.LEVEL in columns
    not_inferred = nw.lit(False).alias(EVENT_LEVEL_INFERRED)
    if not infer or schema.ORG_UNIT not in columns:
        return lf.with_columns(not_inferred) if has_level else lf
    if has_level:
        missing = lf.select(nw.col(schema.LEVEL).is_null().sum().alias("n")).collect()["n"][0]
        if not missing:
            return lf.with_columns(not_inferred)
    names = (
        lf.select(nw.col(schema.ORG_UNIT))
        .filter(~nw.col(schema.ORG_UNIT).is_null())
        .unique()
        .collect()
    )[schema.ORG_UNIT].to_list()
    mapping = inferred_levels(names)
    if not mapping:
        return lf.with_columns(not_inferred) if has_level else lf
    inferred = nw.col(schema.ORG_UNIT).replace_strict(
        mapping, default=None, return_dtype=nw.String()
    )
    given = nw.col(schema.LEVEL).cast(nw.String()) if has_level else nw.lit(None, nw.String())
    return lf.with_columns(
        nw.coalesce(given, inferred).alias(schema.LEVEL),
        (given.is_null() & ~inferred.is_null()).alias(EVENT_LEVEL_INFERRED),
    )


#: The end of an evidence sentence whose level was inferred (German, English).
INFERRED_LEVEL_DE = " (Ebene aus dem Namen der Organisationseinheit abgeleitet)."
INFERRED_LEVEL_EN = " (level inferred from the org unit's name)."


def levelled_log(frame: engine.FrameLike, *, detector: str) -> tuple[nw.LazyFrame, list[Problem]]:
    """The prepared log (:func:`analyzer.steps.prepare`) with each event's level
    (:func:`with_event_level`), and ``detector``'s notes: the level was read from the unit
    names (no LEVEL column); or why there is none (LEVEL column absent, and ORG_UNIT absent
    or none of its names names a level). Without a level the log has no LEVEL column."""
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    levelled = with_event_level(lf)
    if schema.LEVEL in levelled.collect_schema().names():
        if schema.LEVEL in columns:
            return levelled, []
        return levelled, [degraded_note(detector, schema.LEVEL, source=schema.ORG_UNIT)]
    if schema.ORG_UNIT not in columns:
        return levelled, [missing_column_note(detector, schema.LEVEL)]
    named = lf.filter(~nw.col(schema.ORG_UNIT).is_null())
    units = named.select(nw.col(schema.ORG_UNIT).n_unique().alias("n")).collect()
    return levelled, [level_unrecognised_note(detector, units=int(units["n"][0]))]
