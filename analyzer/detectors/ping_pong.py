"""Ping-pong: a case is handed back and forth between two government levels.

Rule (``back_and_forth``): among the events of a case with a known LEVEL (events without one
are skipped), consecutive events at one level form a *run*. A finding is the first event of
run ``j`` when the runs ``j-2 … j-2+k-1`` alternate between two levels A, B, A, B, … with
``k = min_alternating_runs``. Anchor: the first event of the third run of the window, where
the case returns to the level it left. Evidence events: the last event of the first run
(where it left), then the anchor.

``min_alternating_runs=4`` (default): A → B → A → B, the case is handed to B *again*; a
single round trip A → B → A (asking another body and receiving its answer) is the ordinary
way of consulting someone and is not counted. ``min_alternating_runs=3`` counts every return
A → B → A. Longer chains give one finding per further return that the window confirms.

An event's level is the LEVEL column; where the log has none, or an event's value is empty,
it is read from the name of its ORG_UNIT (:func:`analyzer.detectors.levels.with_event_level`).
A finding whose window or evidence rests on an inferred level has FINDING_INFERRED = True and
says so.

Columns: CASE, ACTIVITY, TIMESTAMP, LEVEL or ORG_UNIT names that name levels (without a
level: no findings and a note); MUNICIPALITY, SERVICE, ORG_UNIT copied where present.

Minutes lost: ``minutes_per_return`` per finding (two extra hand-overs and reading in).
Severity: high.
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    collect_findings,
    empty_findings,
    id_list,
    labelled,
    lazy_findings,
    sentence_end,
    with_notes,
    words,
)
from analyzer.detectors.levels import (
    EVENT_LEVEL_INFERRED,
    INFERRED_LEVEL_DE,
    INFERRED_LEVEL_EN,
    LEVEL_LABELS_DE,
    LEVEL_LABELS_EN,
    levelled_log,
)
from analyzer.problems import InputError, problem
from analyzer.schema import Burden

DETECTOR = "ping_pong"
RULE = "back_and_forth"
_LEFT_FROM = "step:left_from"
_LEFT_INFERRED = "step:left_from_inferred"


def detect_ping_pong(
    frame: engine.FrameLike,
    *,
    min_alternating_runs: int = 4,
    minutes_per_return: float = 30.0,
) -> pd.DataFrame:
    """Cases sent back and forth between levels in ``frame`` (rule in the module docstring)."""
    if not 3 <= min_alternating_runs <= 8:
        raise InputError(
            [
                problem(
                    "option.min_alternating_runs",
                    "min_alternating_runs muss zwischen 3 (A→B→A) und 8 liegen",
                    "min_alternating_runs must lie between 3 (A→B→A) and 8",
                    value=min_alternating_runs,
                )
            ]
        )
    lf, notes = levelled_log(frame, detector=DETECTOR)
    if schema.LEVEL not in lf.collect_schema().names():
        return with_notes(empty_findings(), notes)
    p = steps.prev_name
    known = steps.with_previous(
        lf.filter(~nw.col(schema.LEVEL).is_null()),
        [schema.LEVEL, schema.EVENT_ID, EVENT_LEVEL_INFERRED],
    )
    run_starts = known.filter(
        nw.col(p(schema.LEVEL)).is_null() | (nw.col(p(schema.LEVEL)) != nw.col(schema.LEVEL))
    )

    # level_at(o): the level of the run o runs before this one (after it: o negative)
    offsets = {2 - i for i in range(min_alternating_runs - 2)}
    offsets |= {-i for i in range(min_alternating_runs - 2)} | {1}
    runs = run_starts
    for offset in sorted(offsets - {0}):
        runs = steps.shifted(
            runs,
            {schema.LEVEL: _level_name(offset), EVENT_LEVEL_INFERRED: _inferred_name(offset)},
            offset=offset,
        )
    # the last event of run j-2 is the event just before run j-1 starts
    runs = steps.shifted(
        runs, {p(schema.EVENT_ID): _LEFT_FROM, p(EVENT_LEVEL_INFERRED): _LEFT_INFERRED}
    )

    def level_at(offset: int) -> nw.Expr:
        return nw.col(schema.LEVEL) if offset == 0 else nw.col(_level_name(offset))

    def inferred_at(offset: int) -> nw.Expr:
        flag = nw.col(EVENT_LEVEL_INFERRED) if offset == 0 else nw.col(_inferred_name(offset))
        return flag.fill_null(False)

    # runs j-2 .. j-2+k-1 alternate: level(j-2+i) == level(j+i) for i = 0 .. k-3
    alternating = [
        (level_at(2 - i) == level_at(-i)).fill_null(False) for i in range(min_alternating_runs - 2)
    ]
    marked = runs.with_columns(
        nw.all_horizontal(*alternating, ignore_nulls=False).alias("step:ping_pong"),
        level_at(1).alias(p(schema.LEVEL)),
    )
    # the runs j-2 .. j-2+k-1 of the window and the event it left from
    window = range(2, 2 - min_alternating_runs, -1)
    inferred = nw.any_horizontal(
        *(inferred_at(o) for o in window),
        nw.col(_LEFT_INFERRED).fill_null(False),
        ignore_nulls=True,
    )
    c = nw.col
    found = collect_findings(
        lazy_findings(
            marked.filter(c("step:ping_pong")),
            detector=DETECTOR,
            burden=Burden.PING_PONG,
            rule=RULE,
            severity=Severity.HIGH.value,
            minutes_lost=float(minutes_per_return),
            evidence_de=words(
                "Der Vorgang geht zwischen Ebene ",
                labelled(c(schema.LEVEL), LEVEL_LABELS_DE),
                " und ",
                labelled(c(p(schema.LEVEL)), LEVEL_LABELS_DE),
                " hin und her und kehrt mit „",
                c(schema.ACTIVITY),
                "“ zurück",
                sentence_end(inferred, INFERRED_LEVEL_DE),
            ),
            evidence_en=words(
                "The case goes back and forth between the ",
                labelled(c(schema.LEVEL), LEVEL_LABELS_EN),
                " and ",
                labelled(c(p(schema.LEVEL)), LEVEL_LABELS_EN),
                " levels and returns with '",
                c(schema.ACTIVITY),
                "'",
                sentence_end(inferred, INFERRED_LEVEL_EN),
            ),
            event_ids=id_list(c(_LEFT_FROM), c(schema.EVENT_ID)),
            inferred=inferred,
        )
    )
    return with_notes(found, notes)


def _level_name(offset: int) -> str:
    """Working column: the level of the run ``offset`` runs before this one."""
    return f"step:level{offset:+d}"


def _inferred_name(offset: int) -> str:
    """Working column: whether the level of the run ``offset`` runs before was inferred."""
    return f"step:level_inferred{offset:+d}"
