"""Duplicate responsibility: the same task is done by units of two government levels.

Rule (``same_task_other_level``): among the events of a case with a known LEVEL, a finding is
every event whose task (``task_column``, default ACTIVITY; use the harmonised step column
once activity names are harmonised across authorities) occurred earlier in the case at a
different level, and not earlier at its own level. So each additional level that repeats a
task gives one finding, at its first occurrence there. Anchor: the repeated task at the
second (third, ...) level. Evidence events: the latest earlier occurrence of the task (at
another level), then the anchor. Events without a level are ignored.

An event's level is the LEVEL column; where the log has none, or an event's value is empty,
it is read from the name of its ORG_UNIT ("Landratsamt …" county, "Bürgeramt der Stadt …"
municipality; :func:`analyzer.detectors.levels.with_event_level`). A finding whose either
level was inferred has FINDING_INFERRED = True and says so.

Repeats at a level that already did the task are rework (:mod:`rework`), not this.

Columns: CASE, ACTIVITY (or ``task_column``), TIMESTAMP, LEVEL or ORG_UNIT names that name
levels (without a level: no findings and a note); START_TIMESTAMP optional (minutes);
MUNICIPALITY, SERVICE, ORG_UNIT copied.

Minutes lost: the duplicate's own processing time where the log has a start time for it,
else ``minutes_per_duplicate``. Severity: high.
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
from analyzer.detectors.rework import _work_minutes
from analyzer.schema import Burden

DETECTOR = "duplicate_responsibility"
RULE = "same_task_other_level"
_SAME_LEVEL = "step:previous_same_level"
_WORK_MINUTES = "step:work_minutes"


def detect_duplicate_responsibility(
    frame: engine.FrameLike,
    *,
    task_column: str = schema.ACTIVITY,
    minutes_per_duplicate: float = 20.0,
) -> pd.DataFrame:
    """Tasks repeated at another level in ``frame`` as a findings table (see module docstring)."""
    lf, notes = levelled_log(frame, detector=DETECTOR)
    columns = lf.collect_schema().names()
    if schema.LEVEL not in columns:
        return with_notes(empty_findings(), notes)
    steps.require_columns(
        lf,
        [task_column],
        purpose_de="die Erkennung von Doppelzuständigkeit",
        purpose_en="detecting duplicate responsibility",
    )
    order = steps.order_columns(columns)
    p = steps.prev_name
    # only tasks done twice or more in a case can be duplicates
    known = steps.in_shared_groups(
        lf.filter(~nw.col(schema.LEVEL).is_null()),
        [schema.CASE, task_column],
    )
    marked = steps.shifted(
        steps.shifted(
            known,
            {schema.EVENT_ID: _SAME_LEVEL},
            partition=[schema.CASE, task_column, schema.LEVEL],
            order=order,
        ),
        {
            schema.EVENT_ID: p(schema.EVENT_ID),
            schema.LEVEL: p(schema.LEVEL),
            EVENT_LEVEL_INFERRED: p(EVENT_LEVEL_INFERRED),
        },
        partition=[schema.CASE, task_column],
        order=order,
    ).with_columns(_work_minutes(columns).alias(_WORK_MINUTES))
    c = nw.col
    before, now = (
        labelled(c(p(schema.LEVEL)), LEVEL_LABELS_DE),
        labelled(c(schema.LEVEL), LEVEL_LABELS_DE),
    )
    inferred = c(EVENT_LEVEL_INFERRED).fill_null(False) | c(p(EVENT_LEVEL_INFERRED)).fill_null(
        False
    )
    before_en, now_en = (
        labelled(c(p(schema.LEVEL)), LEVEL_LABELS_EN),
        labelled(c(schema.LEVEL), LEVEL_LABELS_EN),
    )
    found = collect_findings(
        lazy_findings(
            marked.filter(c(_SAME_LEVEL).is_null() & ~c(p(schema.EVENT_ID)).is_null()),
            detector=DETECTOR,
            burden=Burden.DUPLICATE_RESPONSIBILITY,
            rule=RULE,
            severity=Severity.HIGH.value,
            minutes_lost=nw.coalesce(c(_WORK_MINUTES), nw.lit(float(minutes_per_duplicate))),
            evidence_de=words(
                "„",
                c(task_column),
                "“ wurde auf Ebene ",
                before,
                " bereits erledigt und wird auf Ebene ",
                now,
                " erneut ausgeführt",
                sentence_end(inferred, INFERRED_LEVEL_DE),
            ),
            evidence_en=words(
                "'",
                c(task_column),
                "' was already done at the ",
                before_en,
                " level and is done again at the ",
                now_en,
                " level",
                sentence_end(inferred, INFERRED_LEVEL_EN),
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
            inferred=inferred,
        )
    )
    return with_notes(found, notes)
