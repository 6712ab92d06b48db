"""Manual re-entry: data already captured in a case are captured again.

DATA_FIELDS lists the fields an event writes (a capture step). Rules:

* ``repeated_capture``: an event writes a field that an earlier event of the same case
  already wrote (whoever wrote it, in whatever system or unit: the data were there).
* ``reentry_of_digital_data``: the same, when the earliest earlier writer of a shared field
  was on a digital medium: the data were already held digitally (typically a capture step
  after a digital intake that carried them, e.g. the portal application) and were typed in
  again. The medium is given or inferred (:mod:`analyzer.medium_lexicon`); where it was
  inferred the finding says so (FINDING_INFERRED).

Anchor: the later capture. Evidence events: the earliest event that wrote one of the shared
fields, then the anchor. One finding per anchor, however many fields it repeats.

Without a DATA_FIELDS column (or with one that is empty everywhere) the detector falls back
to names (all findings inferred): ``capture_after_digital_intake``: the case starts on a
digital medium and a later event is a capture step by its name ("erfassen", "eingeben",
"übertragen", "enter", ... and not "automatisch", "Schnittstelle", "import", ...; see
:mod:`analyzer.task_lexicon`) in another IT system than the intake (where both are known).

Columns: CASE, ACTIVITY, TIMESTAMP, DATA_FIELDS (optional, see above); MEDIUM, IT_SYSTEM
optional; MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL copied where present.

Minutes lost: ``minutes_per_field`` per re-entered field (``fields_if_unknown`` fields where
the fields are unknown). Severity: high after a digital intake, else medium.
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    findings_table,
    joined,
    text,
    with_notes,
)
from analyzer.detectors.fields import FIELD, earlier_writes, field_rows, first_name, has_data_fields
from analyzer.detectors.notes import inferred_note
from analyzer.medium_lexicon import EVENT_MEDIUM_CLASS, EVENT_MEDIUM_INFERRED, with_event_medium
from analyzer.schema import Burden, MediumClass
from analyzer.task_lexicon import is_capture

DETECTOR = "manual_reentry"
RULE_REPEATED = "repeated_capture"
RULE_AFTER_DIGITAL = "reentry_of_digital_data"
RULE_BY_NAME = "capture_after_digital_intake"


def detect_manual_reentry(
    frame: engine.FrameLike,
    *,
    minutes_per_field: float = 1.0,
    fields_if_unknown: int = 5,
    infer_medium: bool = True,
) -> pd.DataFrame:
    """Data captured twice in ``frame`` as a findings table (rules in the module docstring)."""
    lf = with_event_medium(steps.prepare(frame), infer=infer_medium)
    if not has_data_fields(lf):
        found = _by_name(lf, minutes=minutes_per_field * fields_if_unknown)
        return with_notes(
            found,
            [
                inferred_note(
                    DETECTOR,
                    schema.DATA_FIELDS,
                    how_de="erkennt Erfassungsschritte nach digitalem Eingang an ihren Namen",
                    how_en="recognises capture steps after a digital intake by their names",
                )
            ],
        )
    columns = lf.collect_schema().names()
    keep = anchor_columns(columns)
    order = steps.order_columns(columns)
    rows = field_rows(lf, keep=[*keep, *order, EVENT_MEDIUM_CLASS, EVENT_MEDIUM_INFERRED])
    marked = earlier_writes(
        rows, first=[schema.ACTIVITY, EVENT_MEDIUM_CLASS, EVENT_MEDIUM_INFERRED]
    )
    f = first_name
    repeated = engine.to_pandas(
        marked.filter(~nw.col(steps.prev_name(schema.EVENT_ID)).is_null()).select(
            *keep,
            FIELD,
            *(
                f(c)
                for c in dict.fromkeys(
                    [
                        schema.EVENT_ID,
                        *order,
                        schema.ACTIVITY,
                        EVENT_MEDIUM_CLASS,
                        EVENT_MEDIUM_INFERRED,
                    ]
                )
            ),
        )
    )
    if repeated.empty:
        return findings_table(
            repeated,
            detector=DETECTOR,
            burden=Burden.MANUAL_REENTRY,
            rule=RULE_REPEATED,
            severity=Severity.MEDIUM.value,
            minutes_lost=0.0,
            evidence_de=[],
            evidence_en=[],
            event_ids=[],
        )
    # per anchor: the shared fields, and the earliest event that wrote one of them
    repeated = repeated.sort_values([schema.EVENT_ID, *(f(c) for c in order), FIELD], kind="stable")
    fields = repeated.groupby(schema.EVENT_ID, sort=False)[FIELD].agg(lambda s: sorted(set(s)))
    anchors = repeated.drop_duplicates(subset=[schema.EVENT_ID], keep="first").reset_index(
        drop=True
    )
    anchors["fields"] = fields.reindex(anchors[schema.EVENT_ID]).to_numpy()
    digital = anchors[f(EVENT_MEDIUM_CLASS)] == MediumClass.DIGITAL
    inferred = digital & anchors[f(EVENT_MEDIUM_INFERRED)].fillna(False).astype(bool)
    de, en = [], []
    for names, source, is_digital in zip(
        anchors["fields"], anchors[f(schema.ACTIVITY)], digital, strict=True
    ):
        listed = ", ".join(names)
        if len(names) == 1:
            de_what = f"1 bereits erfasstes Feld ({listed}) wird erneut erfasst"
            en_what = f"1 field already captured ({listed}) is captured again"
        else:
            de_what = f"{len(names)} bereits erfasste Felder ({listed}) werden erneut erfasst"
            en_what = f"{len(names)} fields already captured ({listed}) are captured again"
        de.append(
            f"{de_what}; zuerst bei „{text(source)}“"
            + (" (lag schon digital vor)." if is_digital else ".")
        )
        en.append(
            f"{en_what}; first at '{text(source)}'"
            + (" (already held digitally)." if is_digital else ".")
        )
    return findings_table(
        anchors,
        detector=DETECTOR,
        burden=Burden.MANUAL_REENTRY,
        rule=digital.map({True: RULE_AFTER_DIGITAL, False: RULE_REPEATED}),
        severity=digital.map({True: Severity.HIGH.value, False: Severity.MEDIUM.value}),
        minutes_lost=[minutes_per_field * len(n) for n in anchors["fields"]],
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(anchors[f(schema.EVENT_ID)], anchors[schema.EVENT_ID]),
        inferred=inferred,
    )


def _by_name(lf: nw.LazyFrame, *, minutes: float) -> pd.DataFrame:
    """The name-based fallback rule ``capture_after_digital_intake`` (see module docstring)."""
    columns = lf.collect_schema().names()
    order = steps.order_columns(columns)
    names = lf.select(schema.ACTIVITY).unique().collect()[schema.ACTIVITY].to_list()
    captures = sorted(n for n in names if is_capture(n))
    f = first_name
    intake = [
        schema.EVENT_ID,
        schema.ACTIVITY,
        EVENT_MEDIUM_CLASS,
        *([schema.IT_SYSTEM] if schema.IT_SYSTEM in columns else []),
    ]
    marked = lf.with_columns(
        *(nw.col(c).first().over(schema.CASE, order_by=order).alias(f(c)) for c in intake)
    )
    condition = (
        nw.col(schema.ACTIVITY).is_in(captures)
        & (nw.col(f(EVENT_MEDIUM_CLASS)) == MediumClass.DIGITAL.value).fill_null(False)
        & (nw.col(schema.EVENT_ID) != nw.col(f(schema.EVENT_ID)))
    )
    if schema.IT_SYSTEM in columns:
        same_system = (nw.col(schema.IT_SYSTEM) == nw.col(f(schema.IT_SYSTEM))).fill_null(False)
        condition = condition & ~same_system
    rows = (
        engine.to_pandas(
            marked.filter(condition).select(
                *anchor_columns(columns), f(schema.EVENT_ID), f(schema.ACTIVITY)
            )
        )
        if captures
        else pd.DataFrame()
    )
    if rows.empty:
        return findings_table(
            rows,
            detector=DETECTOR,
            burden=Burden.MANUAL_REENTRY,
            rule=RULE_BY_NAME,
            severity=Severity.HIGH.value,
            minutes_lost=0.0,
            evidence_de=[],
            evidence_en=[],
            event_ids=[],
        )
    de = [
        f"„{text(a)}“ erfasst von Hand, was mit „{text(b)}“ schon digital einging "
        "(aus den Tätigkeitsnamen abgeleitet)."
        for a, b in zip(rows[schema.ACTIVITY], rows[f(schema.ACTIVITY)], strict=True)
    ]
    en = [
        f"'{text(a)}' captures by hand what arrived digitally with '{text(b)}' "
        "(inferred from the activity names)."
        for a, b in zip(rows[schema.ACTIVITY], rows[f(schema.ACTIVITY)], strict=True)
    ]
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.MANUAL_REENTRY,
        rule=RULE_BY_NAME,
        severity=Severity.HIGH.value,
        minutes_lost=float(minutes),
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows[f(schema.EVENT_ID)], rows[schema.EVENT_ID]),
        inferred=True,
    )
