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

No findings because no event has a known medium (none given, no name the lexicon knows) is
not "no media breaks": the findings then carry a note (``attrs[NOTES]``,
``detector.media_unrecognised``) saying 0 of N labels were known, with the most frequent
unknown words of the events' names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    collect_findings,
    id_list,
    labelled,
    lazy_findings,
    with_notes,
    words,
)
from analyzer.detectors.notes import unrecognised_media_note
from analyzer.medium_lexicon import (
    EVENT_MEDIUM,
    EVENT_MEDIUM_CLASS,
    EVENT_MEDIUM_INFERRED,
    MEDIUM_LABELS_DE,
    MEDIUM_LABELS_EN,
    with_event_medium,
)
from analyzer.problems import Problem
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
    p = steps.prev_name
    c = nw.col
    to_analogue = c(EVENT_MEDIUM_CLASS) == MediumClass.ANALOGUE.value
    inferred = c(EVENT_MEDIUM_INFERRED).fill_null(False) | c(p(EVENT_MEDIUM_INFERRED)).fill_null(
        False
    )

    def choose(yes: str, no: str) -> nw.Expr:
        return nw.when(to_analogue).then(nw.lit(yes)).otherwise(nw.lit(no))

    def guessed(text_: str) -> nw.Expr:
        return nw.when(inferred).then(nw.lit(text_)).otherwise(nw.lit("."))

    found = collect_findings(
        lazy_findings(
            changes,
            detector=DETECTOR,
            burden=Burden.MEDIA_BREAK,
            rule=choose(RULE_TO_ANALOGUE, RULE_TO_DIGITAL),
            severity=choose(Severity.HIGH.value, Severity.MEDIUM.value),
            minutes_lost=float(minutes_per_break),
            evidence_de=words(
                "Medienbruch: „",
                c(p(schema.ACTIVITY)),
                "“ (",
                labelled(c(p(EVENT_MEDIUM)), MEDIUM_LABELS_DE),
                ") → „",
                c(schema.ACTIVITY),
                "“ (",
                labelled(c(EVENT_MEDIUM), MEDIUM_LABELS_DE),
                ")",
                guessed(", Medium aus dem Namen abgeleitet."),
            ),
            evidence_en=words(
                "Media break: '",
                c(p(schema.ACTIVITY)),
                "' (",
                labelled(c(p(EVENT_MEDIUM)), MEDIUM_LABELS_EN),
                ") → '",
                c(schema.ACTIVITY),
                "' (",
                labelled(c(EVENT_MEDIUM), MEDIUM_LABELS_EN),
                ")",
                guessed(", medium inferred from the name."),
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
            inferred=inferred,
        )
    )
    if found.empty:
        note = _unrecognised_media(lf)
        if note is not None:
            with_notes(found, [note])
    return found


_WORD = re.compile(r"[^\W\d_]{3,}")
_SHOWN_WORDS = 5


def _unrecognised_media(lf: nw.LazyFrame) -> Problem | None:
    """The note when no event has a known medium: how many distinct names there are and the
    words most frequent among the events' names (each name's words weighed by its events)."""
    known = lf.select((~nw.col(EVENT_MEDIUM_CLASS).is_null()).sum().alias("n")).collect()
    if known["n"][0]:
        return None
    columns = lf.collect_schema().names()
    labels = 0
    words: Counter[str] = Counter()
    for column in (schema.ACTIVITY, schema.IT_SYSTEM, schema.DATA_FIELDS):
        if column not in columns:
            continue
        names = (
            lf.filter(~nw.col(column).is_null()).group_by(column).agg(nw.len().alias("n")).collect()
        )
        labels += len(names)
        for name, n in zip(names[column].to_list(), names["n"].to_list(), strict=True):
            for word in set(_WORD.findall(str(name).lower())):
                words[word] += n
    top = [w for w, _ in sorted(words.items(), key=lambda t: (-t[1], t[0]))[:_SHOWN_WORDS]]
    return unrecognised_media_note(DETECTOR, labels=labels, words=top)
