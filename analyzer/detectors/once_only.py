"""Once-only violations: the citizen is asked for a document another authority holds.

The once-only principle (§ 5 OZG, EU Single Digital Gateway Regulation): what one public body
holds, another may obtain itself instead of asking the citizen. Rules, for every event that
is a *request to the citizen* (its activity name has a request verb such as "angefordert",
"nachgefordert", "request" and does not address a public body, see
:func:`analyzer.task_lexicon.is_request_to_citizen`; or it is listed in
``request_activities``):

* ``document_held_in_case`` (only with ``held_in_case=True``): the request names (in its
  activity or its DATA_FIELDS) a field that an event of another org unit already wrote
  earlier in the case (the administration had it). A field is named when its name occurs in
  the request's text (normalised as in :func:`analyzer.task_lexicon.normalise`). Off by
  default: generic field names over-report ("Fehlende Bauvorlagen nachgefordert" names the
  "Bauvorlagen" of the application, yet asks for plans that were missing). Use it where the
  log's DATA_FIELDS name individual documents.
* ``document_held_by_authority``: the request names (in its activity or its DATA_FIELDS) a
  document of ``held_documents``, documents a public body issues or holds (birth
  certificate, registration certificate, tax assessment, pension notice, register
  extracts, ...; configurable, default :data:`analyzer.task_lexicon.DEFAULT_HELD_DOCUMENTS`).

One finding per request (the first rule wins when both hold). Anchor: the request.
Evidence events: the earlier writer of the document (first rule), then the anchor.

Columns: CASE, ACTIVITY, TIMESTAMP; DATA_FIELDS and ORG_UNIT optional (the first rule needs
them); MUNICIPALITY, SERVICE, LEVEL copied where present.

Minutes lost: ``minutes_per_request`` (the citizen obtains and sends the document, staff
waits and files it; a standard estimate). Severity: high.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    anchor_columns,
    findings_table,
    joined,
    text,
)
from analyzer.detectors.fields import FIELD, field_rows, has_data_fields
from analyzer.schema import Burden
from analyzer.task_lexicon import (
    DEFAULT_HELD_DOCUMENTS,
    held_documents_in,
    is_request_to_citizen,
    normalise,
)

DETECTOR = "once_only"
RULE_IN_CASE = "document_held_in_case"
RULE_AUTHORITY = "document_held_by_authority"


def detect_once_only(
    frame: engine.FrameLike,
    *,
    held_documents: Mapping[str, str] = DEFAULT_HELD_DOCUMENTS,
    request_activities: Collection[str] = (),
    held_in_case: bool = False,
    minutes_per_request: float = 30.0,
) -> pd.DataFrame:
    """Requests to the citizen for documents the administration holds (see module docstring)."""
    lf = steps.prepare(frame)
    columns = lf.collect_schema().names()
    names = lf.select(schema.ACTIVITY).unique().collect()[schema.ACTIVITY].to_list()
    wanted = set(request_activities)
    requests = sorted(n for n in names if n in wanted or is_request_to_citizen(n))
    if not requests:
        return _table(pd.DataFrame(), minutes_per_request)
    has_fields = has_data_fields(lf)
    keep = anchor_columns(columns)
    asked = lf.filter(nw.col(schema.ACTIVITY).is_in(requests))
    order = steps.order_columns(columns)
    rows = engine.to_pandas(
        asked.select(*dict.fromkeys([*keep, *order, *([schema.DATA_FIELDS] if has_fields else [])]))
    )
    rows["rule"] = None
    rows["document"] = None
    rows["holder"] = None
    rows["source"] = None

    if held_in_case and has_fields and schema.ORG_UNIT in columns:
        if schema.DATA_FIELDS not in rows:
            rows[schema.DATA_FIELDS] = None
        held_here = _held_in_case(lf, rows, order)
        hit = rows[schema.EVENT_ID].isin(held_here.index)
        if hit.any():
            found = held_here.reindex(rows.loc[hit, schema.EVENT_ID])
            rows.loc[hit, "rule"] = RULE_IN_CASE
            rows.loc[hit, "document"] = found["document"].to_numpy()
            rows.loc[hit, "holder"] = found["holder"].to_numpy()
            rows.loc[hit, "source"] = found["source"].to_numpy()

    # documents named per distinct activity and per distinct DATA_FIELDS value, not per row
    by_name = {n: held_documents_in(n, held_documents) for n in requests}
    by_fields: dict[str, list[tuple[str, str]]] = {}
    if has_fields:
        for value in rows[schema.DATA_FIELDS].dropna().unique():
            by_fields[value] = held_documents_in(value, held_documents)
    open_ = rows["rule"].isna()
    named = rows[schema.ACTIVITY].map(by_name)
    if has_fields:
        from_fields = rows[schema.DATA_FIELDS].map(lambda v: by_fields.get(v, []))
        named = named.where(named.map(bool), from_fields)
    hit = open_ & named.map(bool)
    rows.loc[hit, "rule"] = RULE_AUTHORITY
    rows.loc[hit, "document"] = named[hit].map(lambda docs: ", ".join(d for d, _ in docs))
    rows.loc[hit, "holder"] = named[hit].map(
        lambda docs: ", ".join(dict.fromkeys(h for _, h in docs))
    )
    return _table(rows[rows["rule"].notna()].reset_index(drop=True), minutes_per_request)


def _held_in_case(lf: nw.LazyFrame, requests: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per request event (index EVENT_ID): a field it names that another unit wrote before.

    ``requests`` holds the request events with CASE, EVENT_ID, ACTIVITY, DATA_FIELDS,
    ORG_UNIT and the ``order`` columns. Only fields whose names occur in some request are
    read back, and only for the cases with requests, so the collected part stays small.
    """
    texts = [
        normalise(f"{a} {d if isinstance(d, str) else ''}")
        for a, d in zip(requests[schema.ACTIVITY], requests[schema.DATA_FIELDS], strict=True)
    ]
    rows = field_rows(lf, keep=[schema.CASE, schema.EVENT_ID, schema.ORG_UNIT, *order])
    names = rows.select(FIELD).unique().collect()[FIELD].to_list()
    everything = " ".join(texts)
    named = sorted(n for n in names if normalise(n).strip() and normalise(n) in everything)
    found: dict[str, tuple[str, str, str]] = {}
    if not named:
        return pd.DataFrame(columns=["document", "holder", "source"])
    writes = engine.to_pandas(
        rows.filter(
            nw.col(FIELD).is_in(named)
            & nw.col(schema.CASE).is_in(sorted(set(requests[schema.CASE])))
        ).select(*dict.fromkeys([schema.CASE, schema.EVENT_ID, schema.ORG_UNIT, FIELD, *order]))
    ).sort_values(list(dict.fromkeys([schema.CASE, *order, FIELD])), kind="stable")
    by_case = dict(tuple(writes.groupby(schema.CASE, sort=False)))
    for (_, request), text_ in zip(requests.iterrows(), texts, strict=True):
        earlier = by_case.get(request[schema.CASE])
        if earlier is None:
            continue
        when = tuple(request[c] for c in order)
        for _, write in earlier.iterrows():
            before = tuple(write[c] for c in order) < when
            other = (
                isinstance(write[schema.ORG_UNIT], str)
                and write[schema.ORG_UNIT] != (request[schema.ORG_UNIT])
            )
            if before and other and normalise(write[FIELD]) in text_:
                found[request[schema.EVENT_ID]] = (
                    write[FIELD],
                    write[schema.ORG_UNIT],
                    write[schema.EVENT_ID],
                )
                break
    return pd.DataFrame.from_dict(found, orient="index", columns=["document", "holder", "source"])


def _table(rows: pd.DataFrame, minutes: float) -> pd.DataFrame:
    if rows.empty:
        return findings_table(
            rows,
            detector=DETECTOR,
            burden=Burden.ONCE_ONLY,
            rule=RULE_AUTHORITY,
            severity=Severity.HIGH.value,
            minutes_lost=0.0,
            evidence_de=[],
            evidence_en=[],
            event_ids=[],
        )
    de, en = [], []
    for rule, document, holder, activity in zip(
        rows["rule"], rows["document"], rows["holder"], rows[schema.ACTIVITY], strict=True
    ):
        if rule == RULE_IN_CASE:
            de.append(
                f"„{text(activity)}“ fordert beim Bürger „{text(document)}“ an, obwohl "
                f"„{text(holder)}“ es im Vorgang schon erfasst hat."
            )
            en.append(
                f"'{text(activity)}' asks the citizen for '{text(document)}' although "
                f"'{text(holder)}' already captured it in this case."
            )
        else:
            de.append(
                f"„{text(activity)}“ fordert beim Bürger {text(document)} an, obwohl sie "
                f"bereits vorliegt bei: {text(holder)} (Once-Only)."
            )
            en.append(
                f"'{text(activity)}' asks the citizen for {text(document)}, which "
                f"{text(holder)} already holds (once-only)."
            )
    return findings_table(
        rows,
        detector=DETECTOR,
        burden=Burden.ONCE_ONLY,
        rule=rows["rule"],
        severity=Severity.HIGH.value,
        minutes_lost=float(minutes),
        evidence_de=de,
        evidence_en=en,
        event_ids=joined(rows["source"], rows[schema.EVENT_ID]),
    )
