"""The burden detectors: a registry of pure functions, one module each.

Every detector takes a log (any frame the engine accepts) and keyword-only options with typed
defaults, and returns one findings table (:data:`analyzer.schema.FINDING_COLUMNS`); the rule
it applies, with its definition and the columns it needs, is in its module's docstring.
:func:`run_detectors` runs several and returns their findings as one table; options are
checked against each detector's signature before any work starts, so a misspelt option fails
at once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import NOTES, concat_findings, empty_findings
from analyzer.detectors.duplicate_responsibility import detect_duplicate_responsibility
from analyzer.detectors.handovers import detect_handovers
from analyzer.detectors.manual_reentry import detect_manual_reentry
from analyzer.detectors.media_breaks import detect_media_breaks
from analyzer.detectors.notes import degraded_note, missing_column_note, nothing_found_note
from analyzer.detectors.once_only import detect_once_only
from analyzer.detectors.ping_pong import detect_ping_pong
from analyzer.detectors.rework import detect_rework
from analyzer.detectors.system_breaks import detect_system_breaks
from analyzer.detectors.waiting import detect_long_waits
from analyzer.problems import InputError, Problem, problem
from analyzer.schema import Burden

Detector_ = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Detector:
    """One registered detector: its name, the burden it finds, its function and needs.

    ``needs``: columns without which it finds nothing (it then returns an empty table and a
    note). ``degrades``: columns without which it infers (findings marked inferred) from the
    activity names, the LEVEL from the ORG_UNIT's names (without ORG_UNIT either: nothing).
    ``default``: run when no detectors are named; the others run only when named.
    """

    name: str
    burden: Burden
    function: Detector_
    needs: tuple[str, ...] = ()
    degrades: tuple[str, ...] = ()
    default: bool = True

    def options(self) -> dict[str, inspect.Parameter]:
        """The keyword-only options of the detector with their defaults."""
        return {
            n: p
            for n, p in inspect.signature(self.function).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }


DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector(
            "media_breaks", Burden.MEDIA_BREAK, detect_media_breaks, degrades=(schema.MEDIUM,)
        ),
        Detector(
            "system_breaks",
            Burden.MEDIA_BREAK,
            detect_system_breaks,
            needs=(schema.IT_SYSTEM,),
            degrades=(schema.DATA_FIELDS,),
        ),
        Detector(
            "manual_reentry",
            Burden.MANUAL_REENTRY,
            detect_manual_reentry,
            degrades=(schema.DATA_FIELDS,),
        ),
        Detector("once_only", Burden.ONCE_ONLY, detect_once_only),
        Detector(
            "duplicate_responsibility",
            Burden.DUPLICATE_RESPONSIBILITY,
            detect_duplicate_responsibility,
            degrades=(schema.LEVEL,),
        ),
        Detector("ping_pong", Burden.PING_PONG, detect_ping_pong, degrades=(schema.LEVEL,)),
        Detector("rework", Burden.REWORK, detect_rework),
        Detector("long_waits", Burden.LONG_WAIT, detect_long_waits),
        # Every change of org unit is a hand-over: the normal flow of a multi-unit process,
        # not a burden by itself (a third of all events of the simulated logs, and on the
        # receipt log mostly task groups of one clerk). Counted per pair of units in
        # analyzer.kpis.handovers_between_units; its findings only when asked for by name.
        Detector(
            "handovers",
            Burden.HANDOVER,
            detect_handovers,
            needs=(schema.ORG_UNIT,),
            default=False,
        ),
    )
}


#: The detectors that run when none are named (all but ``handovers``).
DEFAULT_DETECTORS: tuple[str, ...] = tuple(n for n, d in DETECTORS.items() if d.default)


def check_options(
    names: Iterable[str] | None = None, options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[str]:
    """The detector names to run (``None``: the default ones, see :data:`DEFAULT_DETECTORS`);
    raises :class:`InputError` for unknown names or options."""
    chosen = list(DEFAULT_DETECTORS) if names is None else list(names)
    problems: list[Problem] = []
    for name in chosen:
        if name not in DETECTORS:
            problems.append(
                problem(
                    "detector.unknown",
                    f"unbekannter Detektor „{name}“; bekannt: {', '.join(DETECTORS)}",
                    f"unknown detector '{name}'; known: {', '.join(DETECTORS)}",
                    value=name,
                )
            )
    for name, given in (options or {}).items():
        if name not in DETECTORS:
            problems.append(
                problem(
                    "detector.unknown",
                    f"Optionen für unbekannten Detektor „{name}“",
                    f"options for unknown detector '{name}'",
                    value=name,
                )
            )
            continue
        known = DETECTORS[name].options()
        for key in given:
            if key not in known:
                problems.append(
                    problem(
                        "detector.option_unknown",
                        f"unbekannte Option „{key}“ für {name}; möglich: {', '.join(known)}",
                        f"unknown option '{key}' for {name}; possible: {', '.join(known)}",
                        value=key,
                    )
                )
    if problems:
        raise InputError(problems)
    return chosen


def run_detectors(
    frame: engine.FrameLike,
    *,
    names: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """The findings of the detectors ``names`` (default: :data:`DEFAULT_DETECTORS`) on
    ``frame``, as one table; the log is prepared once for all of them
    (:func:`analyzer.steps.prepare`).

    ``options`` maps a detector name to its keyword options
    (``{"long_waits": {"threshold": timedelta(days=14)}}``). The notes of all detectors
    are in ``findings.attrs[NOTES]``, each once, in the order of the detectors: the
    registry's on missing columns (:func:`detector_notes`) and each detector's own (a
    detector's note on a column replaces the registry's on it), then for every detector that
    found nothing a note saying why (:func:`analyzer.detectors.notes.nothing_found_note`).
    """
    chosen = check_options(names, options)
    options = options or {}
    prepared = steps.prepare(frame)  # once for all detectors
    tables = [DETECTORS[n].function(prepared, **dict(options.get(n, {}))) for n in chosen]
    found = concat_findings(tables) if tables else empty_findings()
    present = set(engine.columns_of(frame))
    notes: list[Problem] = []
    silent: list[Problem] = []
    for name, table in zip(chosen, tables, strict=True):
        own = list(table.attrs.get(NOTES, []))
        # a detector's own note on a column knows more than the registry's guess from the
        # columns alone (e.g. that no medium could be inferred after all)
        told = {n.column for n in own}
        mine = [n for n in _column_notes(name, present) if n.column not in told] + own
        notes += mine
        if table.empty:
            silent.append(nothing_found_note(name, mine))
    found.attrs[NOTES] = _unique(notes + silent)
    return found


def detector_notes(frame: engine.FrameLike, names: Iterable[str] | None = None) -> list[Problem]:
    """What the log's columns limit, per detector: missing columns and inferred attributes."""
    present = set(engine.columns_of(frame))
    return _unique(n for name in check_options(names) for n in _column_notes(name, present))


def _column_notes(name: str, present: set[str]) -> list[Problem]:
    """The notes of detector ``name`` on the columns missing from ``present``."""
    d = DETECTORS[name]
    notes = [missing_column_note(name, c) for c in d.needs if c not in present]
    for column in d.degrades:
        if column in present:
            continue
        if column != schema.LEVEL:
            notes.append(degraded_note(name, column))
        elif schema.ORG_UNIT in present:
            notes.append(degraded_note(name, column, source=schema.ORG_UNIT))
        else:
            notes.append(missing_column_note(name, column))
    return notes


def _unique(notes: Iterable[Problem]) -> list[Problem]:
    """``notes`` without repeats (same code and text), in their first order."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for note in notes:
        key = (note.code, note.de, note.en)
        if key not in seen:
            seen.add(key)
            kept.append(note)
    return kept


__all__ = [
    "DEFAULT_DETECTORS",
    "DETECTORS",
    "NOTES",
    "Detector",
    "check_options",
    "detect_duplicate_responsibility",
    "detect_handovers",
    "detect_long_waits",
    "detect_manual_reentry",
    "detect_media_breaks",
    "detect_once_only",
    "detect_ping_pong",
    "detect_rework",
    "detect_system_breaks",
    "detector_notes",
    "run_detectors",
]
