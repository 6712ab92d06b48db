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

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    collect_findings,
    empty_findings,
    id_list,
    lazy_findings,
    with_notes,
    words,
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
    c = nw.col
    if has_level:
        crosses = (c(schema.LEVEL) != c(p(schema.LEVEL))).fill_null(False)
    else:
        crosses = nw.lit(False)
    units = (c(p(schema.ORG_UNIT)), c(schema.ORG_UNIT), c(p(schema.ACTIVITY)), c(schema.ACTIVITY))
    return collect_findings(
        lazy_findings(
            changes,
            detector=DETECTOR,
            burden=Burden.HANDOVER,
            rule=RULE,
            severity=nw.when(crosses)
            .then(nw.lit(Severity.MEDIUM.value))
            .otherwise(nw.lit(Severity.LOW.value)),
            minutes_lost=float(minutes_per_handover),
            evidence_de=words(
                "Übergabe von „",
                units[0],
                "“ an „",
                units[1],
                "“ (nach „",
                units[2],
                "“, vor „",
                units[3],
                "“).",
            ),
            evidence_en=words(
                "Hand-over from '",
                units[0],
                "' to '",
                units[1],
                "' (after '",
                units[2],
                "', before '",
                units[3],
                "').",
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )
