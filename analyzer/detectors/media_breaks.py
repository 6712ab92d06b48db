"""Media breaks: a case changes between a digital and an analogue medium.

Rule (``digital_to_analogue`` / ``analogue_to_digital``): take the events of a case in order
and keep those whose medium class is known; a finding is every kept event whose class
(digital or analogue, under ``medium_classes``) differs from the previous kept event's.
Anchor: the first event on the new medium (the print after the portal, the scan after the
print). Evidence events: the previous event, then the anchor.

An event's medium is the MEDIUM column; where the log has no such column, or an event's
value is empty, and ``infer_medium`` is set, it is read from the activity name, else from the
DATA_FIELDS (document names), with the bilingual lexicon of :mod:`analyzer.medium_lexicon`.
A finding whose either side was inferred has FINDING_INFERRED = True and says so. Events
whose medium stays unknown are skipped: ``online, ?, paper`` is one break (at paper).

Columns: CASE, ACTIVITY, TIMESTAMP; MEDIUM optional (inferred without it);
MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL copied where present.

Minutes lost: ``minutes_per_break`` for every break (printing, sorting, scanning, indexing;
a standard estimate the Standard Cost Model re-prices later).
Severity: high for digital → analogue (data leave the digital record), medium otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    findings_table,
    joined,
    text,
)
from analyzer.medium_lexicon import (
    EVENT_MEDIUM,
    EVENT_MEDIUM_CLASS,
    EVENT_MEDIUM_INFERRED,
    MEDIUM_LABELS_DE,
    MEDIUM_LABELS_EN,
    with_event_medium,
)
from analyzer.schema import Burden, MediumClass

DETECTOR = "media_breaks"
RULE_TO_ANALOGUE = "digital_to_analogue"
RULE_TO_DIGITAL = "analogue_to_digital"


def detect_media_breaks(
    frame: engine.FrameLike,
    *,
    medium_classes: Mapping[str, MediumClass | str] = schema.DEFAULT_MEDIUM_CLASSES,
    infer_medium: bool = True,
    minutes_per_break: float = 10.0,
) -> pd.DataFrame:
    """Media breaks of ``frame`` as a findings table (rule in the module docstring)."""
    lf = with_event_medium(steps.prepare(frame), medium_classes=medium_classes, infer=infer_medium)
    carry = [EVENT_MEDIUM, EVENT_MEDIUM_INFERRED]
    changes = steps.known_changes(lf, EVENT_MEDIUM_CLASS, carry=carry)
    keep = anchor_columns(lf.collect_schema().names())
    p = steps.prev_name
    rows = engine.to_pandas(
        changes.select(
            *keep,
            EVENT_MEDIUM_CLASS,
            *carry,
            *(p(c) for c in (schema.EVENT_ID, schema.ACTIVITY, *carry)),
        )
    )
    to_analogue = rows[EVENT_MEDIUM_CLASS] == MediumClass.ANALOGUE
    inferred = rows[EVENT_MEDIUM_INFERRED].astype(bool) | rows[p(EVENT_MEDIUM_INFERRED)].astype(
        bool
    )
    de, en = [], []
    for before, before_medium, after, after_medium, guessed in zip(
        rows[p(schema.ACTIVITY)],
        rows[p(EVENT_MEDIUM)],
        rows[schema.ACTIVITY],
        rows[EVENT_MEDIUM],
        inferred,
        strict=True,
    ):
        de.append(
            f"Medienbruch: „{text(before)}“ ({_label(before_medium, MEDIUM_LABELS_DE)}) → "
            f"„{text(after)}“ ({_label(after_medium, MEDIUM_LABELS_DE)})"
            + (", Medium aus dem Namen abgeleitet." if guessed else ".")
        )
        en.append(
            f"Media break: '{text(before)}' ({_label(before_medium, MEDIUM_LABELS_EN)}) → "
            f"'{text(after)}' ({_label(after_medium, MEDIUM_LABELS_EN)})"
            + (", medium inferred from the name." if guessed else ".")
        )
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.MEDIA_BREAK,
        rule=to_analogue.map({True: RULE_TO_ANALOGUE, False: RULE_TO_DIGITAL}),
        severity=to_analogue.map({True: Severity.HIGH.value, False: Severity.MEDIUM.value}),
        minutes_lost=float(minutes_per_break),
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[p(schema.EVENT_ID)], rows[schema.EVENT_ID]),
        inferred=inferred,
    )


def _label(medium: object, labels: Mapping[str, str]) -> str:
    value = text(medium)
    return labels.get(value, value)
