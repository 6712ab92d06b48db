"""System breaks: data leave one IT system and are entered into another by hand.

A system break is the IT form of a media break (German usage: Medienbruch includes the
Systembruch), so its findings have burden kind ``media_break`` with detector
``system_breaks``; rule ``system_without_interface``:

With DATA_FIELDS: a finding is an event ``e`` in IT system B that writes a field whose
latest earlier write in the case was in another system A (of several such fields, the one
whose earlier write came first names A), where

* the pair {A, B} is not declared in ``interfaces`` (pairs of systems connected by an
  interface, in either direction), and
* ``e`` is not an automated step by its name ("automatisch", "Schnittstelle", "import",
  "abgerufen", "interface", ...; :func:`analyzer.task_lexicon.is_automatic`).

The data left A and entered B by hand at ``e``. (A field written for the first time, e.g. a
document the applicant uploads, has not left any system.) Anchor: ``e``. Evidence events:
that earlier writer, then the anchor.

Without DATA_FIELDS (findings marked inferred): take the events with a known IT_SYSTEM in
order; a finding is an event whose system differs from the previous one's, whose pair is not
declared, and which is a capture step by its name ("erfassen", "übertragen", "enter", ...)
and not automatic. Evidence events: the last event in the old system, then the anchor.

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
    collect_findings,
    empty_findings,
    findings_table,
    id_list,
    joined,
    lazy_findings,
    text,
    with_notes,
    words,
)
from analyzer.detectors.fields import (
    FIELD,
    earliest_sources,
    field_list_words,
    field_rows,
    has_data_fields,
)
from analyzer.detectors.notes import missing_column_note
from analyzer.schema import Burden
from analyzer.task_lexicon import is_automatic, is_capture

DETECTOR = "system_breaks"
RULE = "system_without_interface"
_FIELDS = "step:fields"
_FIRST_FIELD = "step:first_field"
_LAST_FIELD = "step:last_field"


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
    p = steps.prev_name
    if has_data_fields(lf):
        rows = field_rows(
            lf.filter(~nw.col(schema.IT_SYSTEM).is_null()),
            keep=[schema.CASE, schema.ACTIVITY, schema.IT_SYSTEM],
            # copies of a row (a field listed twice) are never system changes: same system
            unique=False,
        )
        marked = steps.shifted(
            rows,
            {schema.IT_SYSTEM: p(schema.IT_SYSTEM), steps.SEQUENCE: p(steps.SEQUENCE)},
            partition=[schema.CASE, FIELD],
            order=[steps.SEQUENCE],
        )
        condition = ~nw.col(p(schema.IT_SYSTEM)).is_null() & (
            nw.col(p(schema.IT_SYSTEM)) != nw.col(schema.IT_SYSTEM)
        )
        condition = condition & _undeclared(interfaces)
        if automatic:
            condition = condition & ~nw.col(schema.ACTIVITY).is_in(automatic)
        anchors = earliest_sources(
            marked.filter(condition), counted=_FIELDS, first=_FIRST_FIELD, last=_LAST_FIELD
        )
        anchor = {c: c for c in [*anchor_columns(columns), schema.IT_SYSTEM]}
        source = {c: p(c) for c in (schema.EVENT_ID, schema.IT_SYSTEM)}
        anchors = steps.with_event_columns(anchors, lf, at=steps.SEQUENCE, columns=anchor)
        anchors = steps.with_event_columns(anchors, lf, at=p(steps.SEQUENCE), columns=source)
        return _lazy_table(anchors, minutes_per_break)
    captures = sorted(n for n in names if is_capture(n))
    if not captures:
        return _table(pd.DataFrame(), minutes_per_break, inferred=True)
    changes = steps.known_changes(lf, schema.IT_SYSTEM)
    condition = nw.col(schema.ACTIVITY).is_in(captures) & _undeclared(interfaces)
    rows = engine.to_pandas(
        changes.filter(condition).select(
            *anchor_columns(columns),
            schema.IT_SYSTEM,
            *(p(c) for c in (schema.IT_SYSTEM, schema.EVENT_ID, schema.ACTIVITY)),
        )
    )
    return _table(rows, minutes_per_break, inferred=True)


def _undeclared(interfaces: Collection[tuple[str, str]]) -> nw.Expr:
    """True where the previous and this event's systems are not a declared interface."""
    p = steps.prev_name
    condition = nw.lit(True)
    for a, b in interfaces:
        pair = ((nw.col(p(schema.IT_SYSTEM)) == a) & (nw.col(schema.IT_SYSTEM) == b)) | (
            (nw.col(p(schema.IT_SYSTEM)) == b) & (nw.col(schema.IT_SYSTEM) == a)
        )
        condition = condition & ~pair
    return condition


def _lazy_table(anchors: nw.LazyFrame, minutes: float) -> pd.DataFrame:
    """Findings of the data-evidence rule, sentences built by the backend."""
    p = steps.prev_name
    c = nw.col
    systems = (c(p(schema.IT_SYSTEM)), c(schema.IT_SYSTEM), c(schema.ACTIVITY))
    n, first, last = c(_FIELDS), c(_FIRST_FIELD), c(_LAST_FIELD)
    return collect_findings(
        lazy_findings(
            anchors,
            detector=DETECTOR,
            burden=Burden.MEDIA_BREAK,
            rule=RULE,
            severity=Severity.MEDIUM.value,
            minutes_lost=float(minutes),
            evidence_de=words(
                "Daten (",
                field_list_words(n, first, last, "de"),
                ") gehen ohne Schnittstelle von „",
                systems[0],
                "“ nach „",
                systems[1],
                "“: „",
                systems[2],
                "“ erfasst sie von Hand.",
            ),
            evidence_en=words(
                "Data (",
                field_list_words(n, first, last, "en"),
                ") pass from '",
                systems[0],
                "' to '",
                systems[1],
                "' without an interface: '",
                systems[2],
                "' enters them by hand.",
            ),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )


def _table(rows: pd.DataFrame, minutes: float, *, inferred: bool) -> pd.DataFrame:
    if rows.empty:
        return empty_findings()
    p = steps.prev_name
    listed = (
        [f" ({', '.join(f)})" for f in rows["fields"]] if "fields" in rows else [""] * len(rows)
    )
    how_de = " (aus dem Tätigkeitsnamen abgeleitet)." if inferred else "."
    how_en = " (inferred from the activity name)." if inferred else "."
    de = [
        f"Daten{f} gehen ohne Schnittstelle von „{text(a)}“ nach „{text(b)}“: „{text(x)}“ "
        f"erfasst sie von Hand{how_de}"
        for f, a, b, x in zip(
            listed,
            rows[p(schema.IT_SYSTEM)],
            rows[schema.IT_SYSTEM],
            rows[schema.ACTIVITY],
            strict=True,
        )
    ]
    en = [
        f"Data{f} pass from '{text(a)}' to '{text(b)}' without an interface: '{text(x)}' "
        f"enters them by hand{how_en}"
        for f, a, b, x in zip(
            listed,
            rows[p(schema.IT_SYSTEM)],
            rows[schema.IT_SYSTEM],
            rows[schema.ACTIVITY],
            strict=True,
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
