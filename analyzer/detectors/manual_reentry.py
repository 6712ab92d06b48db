"""Manual re-entry: data already captured in a case are captured again.

DATA_FIELDS lists the fields an event writes (a capture step). Rules:

* ``repeated_capture``: an event writes a field that an earlier event of the same case
  already wrote (whoever wrote it, in whatever system or unit: the data were there).
* ``reentry_of_digital_data``: the same, when the *source* was on a digital medium: the data
  were already held digitally (typically a capture step after a digital intake that carried
  them, e.g. the portal application) and were typed in again. The source of a shared field
  is its latest earlier writer (where the data were taken from); of several shared fields,
  the one whose source came first. The medium is given or inferred
  (:mod:`analyzer.medium_lexicon`); where it was inferred the finding says so
  (FINDING_INFERRED).

Anchor: the later capture. Evidence events: the source, then the anchor. One finding per
anchor, however many fields it repeats; the evidence names up to two of them (the first and
last in alphabetical order).

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
    collect_findings,
    empty_findings,
    id_list,
    lazy_findings,
    with_notes,
    words,
)
from analyzer.detectors.fields import (
    earlier_writes,
    earliest_sources,
    field_list_words,
    field_rows,
    has_data_fields,
)
from analyzer.detectors.notes import inferred_note
from analyzer.medium_lexicon import EVENT_MEDIUM_CLASS, EVENT_MEDIUM_INFERRED, with_event_medium
from analyzer.schema import Burden, MediumClass
from analyzer.task_lexicon import is_capture

DETECTOR = "manual_reentry"
RULE_REPEATED = "repeated_capture"
RULE_AFTER_DIGITAL = "reentry_of_digital_data"
RULE_BY_NAME = "capture_after_digital_intake"
_FIELDS = "step:fields"
_FIRST_FIELD = "step:first_field"
_LAST_FIELD = "step:last_field"


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
    p = steps.prev_name
    c = nw.col
    rows = field_rows(lf, keep=[schema.CASE], unique=False)
    repeated = earlier_writes(rows).filter(~c(p(steps.SEQUENCE)).is_null())
    anchors = earliest_sources(repeated, counted=_FIELDS, first=_FIRST_FIELD, last=_LAST_FIELD)
    anchor = {x: x for x in anchor_columns(columns)}
    source = {
        x: p(x)
        for x in (schema.EVENT_ID, schema.ACTIVITY, EVENT_MEDIUM_CLASS, EVENT_MEDIUM_INFERRED)
    }
    anchors = steps.with_event_columns(anchors, lf, at=steps.SEQUENCE, columns=anchor)
    anchors = steps.with_event_columns(anchors, lf, at=p(steps.SEQUENCE), columns=source)
    n = c(_FIELDS)
    digital = (c(p(EVENT_MEDIUM_CLASS)) == MediumClass.DIGITAL.value).fill_null(False)
    de_fields = field_list_words(n, c(_FIRST_FIELD), c(_LAST_FIELD), "de")
    en_fields = field_list_words(n, c(_FIRST_FIELD), c(_LAST_FIELD), "en")
    one = n == 1
    return collect_findings(
        lazy_findings(
            anchors,
            detector=DETECTOR,
            burden=Burden.MANUAL_REENTRY,
            rule=nw.when(digital).then(nw.lit(RULE_AFTER_DIGITAL)).otherwise(nw.lit(RULE_REPEATED)),
            severity=nw.when(digital)
            .then(nw.lit(Severity.HIGH.value))
            .otherwise(nw.lit(Severity.MEDIUM.value)),
            minutes_lost=n.cast(nw.Float64()) * float(minutes_per_field),
            evidence_de=words(
                n,
                nw.when(one)
                .then(nw.lit(" bereits erfasstes Feld ("))
                .otherwise(nw.lit(" bereits erfasste Felder (")),
                de_fields,
                nw.when(one)
                .then(nw.lit(") wird erneut erfasst; zuerst bei „"))
                .otherwise(nw.lit(") werden erneut erfasst; zuerst bei „")),
                c(p(schema.ACTIVITY)),
                nw.when(digital).then(nw.lit("“ (lag schon digital vor).")).otherwise(nw.lit("“.")),
            ),
            evidence_en=words(
                n,
                nw.when(one)
                .then(nw.lit(" field already captured ("))
                .otherwise(nw.lit(" fields already captured (")),
                en_fields,
                nw.when(one)
                .then(nw.lit(") is captured again; first at '"))
                .otherwise(nw.lit(") are captured again; first at '")),
                c(p(schema.ACTIVITY)),
                nw.when(digital)
                .then(nw.lit("' (already held digitally)."))
                .otherwise(nw.lit("'.")),
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
            inferred=digital & c(p(EVENT_MEDIUM_INFERRED)).fill_null(False),
        )
    )


def _by_name(lf: nw.LazyFrame, *, minutes: float) -> pd.DataFrame:
    """The name-based fallback rule ``capture_after_digital_intake`` (see module docstring)."""
    columns = lf.collect_schema().names()
    names = lf.select(schema.ACTIVITY).unique().collect()[schema.ACTIVITY].to_list()
    captures = sorted(n for n in names if is_capture(n))
    if not captures:
        return empty_findings()
    p = steps.prev_name
    c = nw.col
    system = [schema.IT_SYSTEM] if schema.IT_SYSTEM in columns else []
    intake_columns = [schema.EVENT_ID, schema.ACTIVITY, EVENT_MEDIUM_CLASS, *system]
    first = steps.with_previous(lf, [schema.EVENT_ID]).filter(c(p(schema.EVENT_ID)).is_null())
    intakes = first.filter(c(EVENT_MEDIUM_CLASS) == MediumClass.DIGITAL.value).select(
        schema.CASE, *(c(x).alias(_intake(x)) for x in intake_columns)
    )
    candidates = lf.filter(c(schema.ACTIVITY).is_in(captures)).join(
        intakes, on=schema.CASE, how="inner"
    )
    condition = c(schema.EVENT_ID) != c(_intake(schema.EVENT_ID))
    if system:
        same = (c(schema.IT_SYSTEM) == c(_intake(schema.IT_SYSTEM))).fill_null(False)
        condition = condition & ~same
    intake = c(_intake(schema.ACTIVITY))
    return collect_findings(
        lazy_findings(
            candidates.filter(condition),
            detector=DETECTOR,
            burden=Burden.MANUAL_REENTRY,
            rule=RULE_BY_NAME,
            severity=Severity.HIGH.value,
            minutes_lost=float(minutes),
            evidence_de=words(
                "„",
                c(schema.ACTIVITY),
                "“ erfasst von Hand, was mit „",
                intake,
                "“ schon digital einging (aus den Tätigkeitsnamen abgeleitet).",
            ),
            evidence_en=words(
                "'",
                c(schema.ACTIVITY),
                "' captures by hand what arrived digitally with '",
                intake,
                "' (inferred from the activity names).",
            ),
            event_ids=id_list(c(_intake(schema.EVENT_ID)), c(schema.EVENT_ID)),
            inferred=True,
        )
    )


def _intake(column: str) -> str:
    """Working column: ``column`` of the case's first (intake) event."""
    return column + "@intake"
