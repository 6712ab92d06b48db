"""System breaks: data leave one IT system and are entered into another by hand.

A system break is the IT form of a media break (German usage: Medienbruch includes the
Systembruch), so its findings have burden kind ``media_break`` with detector
``system_breaks``; rule ``system_without_interface``:

Take the events of a case in order and keep those with a known IT_SYSTEM. A finding is a
kept event ``e`` whose system B differs from the previous kept event's system A, where

* the pair {A, B} is not declared in ``interfaces`` (pairs of systems connected by an
  interface, in either direction), and
* ``e`` is not an automated step by its name ("automatisch", "Schnittstelle", "import",
  "abgerufen", "interface", ...; :func:`analyzer.task_lexicon.is_automatic`), and
* data enter B by hand at ``e``: ``e`` writes DATA_FIELDS; where the log has no
  DATA_FIELDS, ``e`` is a capture step by its name ("erfassen", "übertragen", "enter", ...)
  and the finding is marked inferred.

Anchor: the first event in the new system. Evidence events: the last event in the old
system, then the anchor.

Columns: CASE, ACTIVITY, TIMESTAMP, IT_SYSTEM (without it: no findings and a note);
DATA_FIELDS optional; MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL copied where present.

Minutes lost: ``minutes_per_break`` per break (a standard estimate; the typing itself is
priced by :mod:`manual_reentry`). Severity: medium.
"""

from __future__ import annotations

from collections.abc import Collection

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    empty_findings,
    findings_table,
    joined,
    text,
    with_notes,
)
from analyzer.detectors.fields import has_data_fields
from analyzer.detectors.notes import missing_column_note
from analyzer.schema import Burden
from analyzer.task_lexicon import is_automatic, is_capture

DETECTOR = "system_breaks"
RULE = "system_without_interface"


def detect_system_breaks(
    frame: engine.FrameLike,
    *,
    interfaces: Collection[tuple[str, str]] = (),
    minutes_per_break: float = 5.0,
) -> pd.DataFrame:
    """Hand-overs between IT systems without an interface (rule in the module docstring)."""
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    if schema.IT_SYSTEM not in columns:
        return with_notes(empty_findings(), [missing_column_note(DETECTOR, schema.IT_SYSTEM)])
    names = lf.select(schema.ACTIVITY).unique().collect()[schema.ACTIVITY].to_list()
    automatic = sorted(n for n in names if is_automatic(n))
    by_data = has_data_fields(lf)
    p = steps.prev_name
    changes = steps.known_changes(lf, schema.IT_SYSTEM)
    condition = ~nw.col(schema.ACTIVITY).is_in(automatic) if automatic else nw.lit(True)
    for a, b in interfaces:
        pair = ((nw.col(p(schema.IT_SYSTEM)) == a) & (nw.col(schema.IT_SYSTEM) == b)) | (
            (nw.col(p(schema.IT_SYSTEM)) == b) & (nw.col(schema.IT_SYSTEM) == a)
        )
        condition = condition & ~pair
    if by_data:
        condition = (
            condition
            & ~nw.col(schema.DATA_FIELDS).is_null()
            & (nw.col(schema.DATA_FIELDS).str.strip_chars() != "")
        )
    else:
        captures = sorted(n for n in names if is_capture(n))
        if not captures:
            return _table(pd.DataFrame(), minutes_per_break, inferred=True)
        condition = condition & nw.col(schema.ACTIVITY).is_in(captures)
    rows = engine.to_pandas(
        changes.filter(condition).select(
            *anchor_columns(columns),
            schema.IT_SYSTEM,
            *(p(c) for c in (schema.IT_SYSTEM, schema.EVENT_ID, schema.ACTIVITY)),
        )
    )
    return _table(rows, minutes_per_break, inferred=not by_data)


def _table(rows: pd.DataFrame, minutes: float, *, inferred: bool) -> pd.DataFrame:
    if rows.empty:
        return empty_findings()
    p = steps.prev_name
    de = [
        f"Daten gehen ohne Schnittstelle von „{text(a)}“ nach „{text(b)}“: „{text(x)}“ erfasst "
        "sie von Hand" + (" (aus dem Tätigkeitsnamen abgeleitet)." if inferred else ".")
        for a, b, x in zip(
            rows[p(schema.IT_SYSTEM)], rows[schema.IT_SYSTEM], rows[schema.ACTIVITY], strict=True
        )
    ]
    en = [
        f"Data pass from '{text(a)}' to '{text(b)}' without an interface: '{text(x)}' enters "
        "them by hand" + (" (inferred from the activity name)." if inferred else ".")
        for a, b, x in zip(
            rows[p(schema.IT_SYSTEM)], rows[schema.IT_SYSTEM], rows[schema.ACTIVITY], strict=True
        )
    ]
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.MEDIA_BREAK,
        rule=RULE,
        severity=Severity.MEDIUM.value,
        minutes_lost=float(minutes),
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[p(schema.EVENT_ID)], rows[schema.EVENT_ID]),
        inferred=inferred,
    )
