"""Precision and recall of burden findings against ground-truth labels.

A finding and a label match when they name the same burden kind, case and anchor event
(FINDING_BURDEN/LABEL_BURDEN, CASE, EVENT_ID; the anchor convention of
:mod:`analyzer.schema`). Several findings of one anchor (two detectors of one kind) count
once. Pure: frames in, a small pandas frame out.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analyzer import schema

SCORE_COLUMNS: tuple[str, ...] = (
    schema.SCORE_FINDINGS,
    schema.SCORE_LABELS,
    schema.SCORE_TRUE_POSITIVES,
    schema.SCORE_PRECISION,
    schema.SCORE_RECALL,
)


def score_findings(
    findings: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    by: str = schema.FINDING_DETECTOR,
    detectors: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Precision and recall per detector (``by=FINDING_DETECTOR``) or per burden kind.

    Per detector, a detector's findings are compared with the labels of its burden kind.
    ``detectors`` limits the findings scored (e.g. to the detectors of kinds the labels
    cover). One row per detector or kind (also those with findings but no labels, or labels
    but no findings), columns ``by`` (the kind is FINDING_BURDEN) then SCORE_COLUMNS.
    """
    if by not in (schema.FINDING_DETECTOR, schema.FINDING_BURDEN):
        raise ValueError(f"by must be {schema.FINDING_DETECTOR} or {schema.FINDING_BURDEN}")
    key = [schema.FINDING_BURDEN, schema.CASE, schema.EVENT_ID]
    found = findings
    if detectors is not None:
        found = found[found[schema.FINDING_DETECTOR].isin(list(detectors))]
    found = found[[schema.FINDING_DETECTOR, *key]].astype(object)
    truth = (
        labels[[schema.LABEL_BURDEN, schema.CASE, schema.LABEL_EVENT_ID]]
        .rename(
            columns={
                schema.LABEL_BURDEN: schema.FINDING_BURDEN,
                schema.LABEL_EVENT_ID: schema.EVENT_ID,
            }
        )
        .astype(object)
        .drop_duplicates()
    )
    truth["_label"] = True
    if by == schema.FINDING_BURDEN:
        groups = {
            kind: found[found[schema.FINDING_BURDEN] == kind]
            for kind in sorted(set(found[schema.FINDING_BURDEN]) | set(truth[key[0]]))
        }
        kinds = {kind: kind for kind in groups}
    else:
        groups = {
            d: found[found[schema.FINDING_DETECTOR] == d]
            for d in sorted(set(found[schema.FINDING_DETECTOR]))
        }
        kinds = {d: groups[d][schema.FINDING_BURDEN].iloc[0] for d in groups}
    rows = []
    for name, part in groups.items():
        anchors = part[key].drop_duplicates()
        wanted = truth[truth[schema.FINDING_BURDEN] == kinds[name]]
        hits = anchors.merge(wanted, on=key, how="inner")
        n_found, n_labels, tp = len(anchors), len(wanted), len(hits)
        rows.append(
            {
                by: name,
                schema.SCORE_FINDINGS: n_found,
                schema.SCORE_LABELS: n_labels,
                schema.SCORE_TRUE_POSITIVES: tp,
                schema.SCORE_PRECISION: tp / n_found if n_found else float("nan"),
                schema.SCORE_RECALL: tp / n_labels if n_labels else float("nan"),
            }
        )
    table = pd.DataFrame(rows, columns=[by, *SCORE_COLUMNS])
    return table.astype(
        {
            schema.SCORE_FINDINGS: "int64",
            schema.SCORE_LABELS: "int64",
            schema.SCORE_TRUE_POSITIVES: "int64",
            schema.SCORE_PRECISION: "float64",
            schema.SCORE_RECALL: "float64",
        }
    )


def missed_labels(findings: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The labels no finding matches (for looking at what a detector misses)."""
    key = [schema.CASE, schema.EVENT_ID]
    found = (
        findings[[schema.FINDING_BURDEN, *key]]
        .rename(columns={schema.FINDING_BURDEN: schema.LABEL_BURDEN})
        .astype(object)
        .drop_duplicates()
    )
    merged = labels.astype({c: object for c in (schema.LABEL_BURDEN, *key)}).merge(
        found.assign(_found=True), on=[schema.LABEL_BURDEN, *key], how="left"
    )
    return merged[merged["_found"].isna()].drop(columns="_found").reset_index(drop=True)


def false_findings(findings: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The findings no label matches (for looking at what a detector over-reports)."""
    key = [schema.CASE, schema.EVENT_ID]
    truth = (
        labels[[schema.LABEL_BURDEN, *key]]
        .rename(columns={schema.LABEL_BURDEN: schema.FINDING_BURDEN})
        .astype(object)
        .drop_duplicates()
    )
    merged = findings.merge(truth.assign(_label=True), on=[schema.FINDING_BURDEN, *key], how="left")
    return merged[merged["_label"].isna()].drop(columns="_label").reset_index(drop=True)
