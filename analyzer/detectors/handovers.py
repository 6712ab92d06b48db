"""Hand-overs: a case passes from one org unit to another.

Rule (``unit_change``): take the events of a case in order and keep those with a known
ORG_UNIT; a finding is every kept event whose unit differs from the previous kept event's.
Anchor: the first event at the receiving unit. Evidence events: the last event at the
handing unit, then the anchor. Events without a unit are skipped (``A, ?, B`` is one
hand-over, ``A, ?, A`` none).

Every hand-over costs a little (the file is sent, read in, queued), so this detector finds
many; its table is the base of :func:`analyzer.kpis.handovers_between_units`.

Columns: CASE, ACTIVITY, TIMESTAMP, ORG_UNIT (without it: no findings and a note);
LEVEL (a hand-over that also changes the government level is severity medium, else low);
MUNICIPALITY, SERVICE copied where present.

Minutes lost: ``minutes_per_handover`` per hand-over (a standard estimate).
"""

from __future__ import annotations

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
from analyzer.detectors.notes import missing_column_note
from analyzer.schema import Burden

DETECTOR = "handovers"
RULE = "unit_change"


def detect_handovers(frame: engine.FrameLike, *, minutes_per_handover: float = 5.0) -> pd.DataFrame:
    """Hand-overs between org units of ``frame`` as a findings table (see module docstring)."""
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    if schema.ORG_UNIT not in columns:
        return with_notes(empty_findings(), [missing_column_note(DETECTOR, schema.ORG_UNIT)])
    has_level = schema.LEVEL in columns
    carry = [schema.LEVEL] if has_level else []
    changes = steps.known_changes(lf, schema.ORG_UNIT, carry=carry)
    p = steps.prev_name
    rows = engine.to_pandas(
        changes.select(
            *anchor_columns(columns),
            *(p(c) for c in (schema.ORG_UNIT, schema.EVENT_ID, schema.ACTIVITY, *carry)),
        )
    )
    if has_level:
        crosses = (
            rows[schema.LEVEL].notna()
            & rows[p(schema.LEVEL)].notna()
            & (rows[schema.LEVEL] != rows[p(schema.LEVEL)])
        )
    else:
        crosses = pd.Series(False, index=rows.index)
    de = [
        f"Übergabe von „{text(a)}“ an „{text(b)}“ (nach „{text(x)}“, vor „{text(y)}“)."
        for a, b, x, y in zip(
            rows[p(schema.ORG_UNIT)],
            rows[schema.ORG_UNIT],
            rows[p(schema.ACTIVITY)],
            rows[schema.ACTIVITY],
            strict=True,
        )
    ]
    en = [
        f"Hand-over from '{text(a)}' to '{text(b)}' (after '{text(x)}', before '{text(y)}')."
        for a, b, x, y in zip(
            rows[p(schema.ORG_UNIT)],
            rows[schema.ORG_UNIT],
            rows[p(schema.ACTIVITY)],
            rows[schema.ACTIVITY],
            strict=True,
        )
    ]
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.HANDOVER,
        rule=RULE,
        severity=crosses.map({True: Severity.MEDIUM.value, False: Severity.LOW.value}),
        minutes_lost=float(minutes_per_handover),
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[p(schema.EVENT_ID)], rows[schema.EVENT_ID]),
    )
