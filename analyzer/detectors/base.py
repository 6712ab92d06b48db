"""What every burden detector shares: the findings table and how a finding is written.

A detector is a pure function ``detect_<burden>(frame, *, options) -> findings``: any frame
the engine accepts in (lazily evaluated on its backend), a pandas findings table out with
exactly :data:`analyzer.schema.FINDING_COLUMNS` (typed; empty with the same columns when
nothing is found). One row per finding; its EVENT_ID is the *anchor event* of the burden
(see the convention in :mod:`analyzer.schema`), FINDING_EVENT_IDS lists every event of the
evidence (earlier events first, anchor last), and the evidence is one sentence in German and
one in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from analyzer import schema
from analyzer.problems import Problem

#: Key of ``DataFrame.attrs`` holding the notes (warnings) a detector run produced, e.g. that
#: a needed column is missing or that the medium was inferred.
NOTES = "amtsweg:notes"

_TEXT_COLUMNS = tuple(
    c
    for c in schema.FINDING_COLUMNS
    if c not in (schema.FINDING_MINUTES_LOST, schema.FINDING_INFERRED)
)
_TEXT = pd.StringDtype(na_value=np.nan)


class Severity(StrEnum):
    """How much a finding weighs (FINDING_SEVERITY)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def empty_findings() -> pd.DataFrame:
    """A findings table without rows (the columns and dtypes of every findings table)."""
    return typed_findings(pd.DataFrame({c: [] for c in schema.FINDING_COLUMNS}))


def typed_findings(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with exactly FINDING_COLUMNS in order and their dtypes."""
    out = pd.DataFrame(index=range(len(table)))
    for column in schema.FINDING_COLUMNS:
        values = table[column].to_numpy() if column in table else [None] * len(table)
        out[column] = values
    for column in _TEXT_COLUMNS:
        out[column] = out[column].astype(_TEXT)
    out[schema.FINDING_MINUTES_LOST] = out[schema.FINDING_MINUTES_LOST].astype("float64")
    out[schema.FINDING_INFERRED] = out[schema.FINDING_INFERRED].fillna(False).astype(bool)
    return out


def findings_table(
    rows: pd.DataFrame,
    *,
    detector: str,
    burden: schema.Burden,
    rule: str | Sequence[str] | pd.Series,
    severity: Severity | str | Sequence[str] | pd.Series,
    minutes_lost: float | Sequence[float] | pd.Series,
    evidence_de: Sequence[str],
    evidence_en: Sequence[str],
    event_ids: Sequence[str],
    inferred: bool | Sequence[bool] | pd.Series = False,
) -> pd.DataFrame:
    """The findings of ``rows`` (one per anchor event) as a typed, sorted findings table.

    ``rows`` holds the anchor events' CASE, EVENT_ID, ACTIVITY and, where the log has them,
    MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL. Scalars apply to every row.
    """
    n = len(rows)
    if n == 0:
        return empty_findings()
    table = pd.DataFrame(
        {
            schema.FINDING_DETECTOR: detector,
            schema.FINDING_BURDEN: burden.value,
            schema.FINDING_RULE: _column(rule, n),
            schema.FINDING_SEVERITY: _column(severity, n),
            schema.FINDING_EVENT_IDS: list(event_ids),
            schema.FINDING_MINUTES_LOST: _column(minutes_lost, n),
            schema.FINDING_EVIDENCE: list(evidence_de),
            schema.FINDING_EVIDENCE_EN: list(evidence_en),
            schema.FINDING_INFERRED: _column(inferred, n),
        },
        index=range(n),
    )
    for column in (
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.CASE,
        schema.EVENT_ID,
        schema.ACTIVITY,
        schema.ORG_UNIT,
        schema.LEVEL,
    ):
        if column in rows:
            table[column] = rows[column].to_numpy()
    return sort_findings(typed_findings(table))


def sort_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Findings in a stable order: detector, municipality, service, case, anchor event."""
    keys = [
        schema.FINDING_DETECTOR,
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.CASE,
        schema.EVENT_ID,
        schema.FINDING_RULE,
    ]
    return table.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def concat_findings(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several findings tables as one (typed, sorted); empty tables are skipped."""
    parts = [t for t in tables if len(t)]
    if not parts:
        return empty_findings()
    return sort_findings(typed_findings(pd.concat(parts, ignore_index=True)))


def joined(*ids: Iterable[str | None]) -> list[str]:
    """Event ids per row joined by the DATA_FIELDS separator, missing ones left out."""
    sep = schema.DATA_FIELDS_SEPARATOR
    return [sep.join(str(i) for i in row if _present(i)) for row in zip(*ids, strict=True)]


def text(value: object) -> str:
    """A value for an evidence sentence: ``"?"`` where it is missing."""
    return str(value) if _present(value) else "?"


def with_notes(findings: pd.DataFrame, notes: Sequence[Problem]) -> pd.DataFrame:
    """``findings`` carrying ``notes`` in ``attrs[NOTES]`` (kept by run_detectors)."""
    findings.attrs[NOTES] = list(findings.attrs.get(NOTES, [])) + list(notes)
    return findings


def minutes_text_de(minutes: float) -> str:
    """``"3,5 Tage"``, ``"5 Std."``, ``"12 Min."``: a duration for a German sentence."""
    value, unit = _duration(minutes)
    number = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number} {dict(d='Tage', h='Std.', m='Min.')[unit]}"


def minutes_text_en(minutes: float) -> str:
    """``"3.5 days"``, ``"5 h"``, ``"12 min"``: a duration for an English sentence."""
    value, unit = _duration(minutes)
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{number} {dict(d='days', h='h', m='min')[unit]}"


def _duration(minutes: float) -> tuple[float, str]:
    if minutes >= 2 * 24 * 60:
        return minutes / (24 * 60), "d"
    if minutes >= 120:
        return minutes / 60, "h"
    return minutes, "m"


def _column(value, n: int) -> list:
    if isinstance(value, pd.Series):
        return value.tolist()
    if isinstance(value, str | float | int | bool | np.bool_) or value is None:
        return [value] * n
    values = list(value)
    if len(values) != n:
        raise ValueError(f"expected {n} values, got {len(values)}")
    return values


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def anchor_columns(columns: Iterable[str]) -> list[str]:
    """The columns a finding copies from its anchor event, those the log has."""
    present = set(columns)
    wanted = (
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.CASE,
        schema.EVENT_ID,
        schema.ACTIVITY,
        schema.ORG_UNIT,
        schema.LEVEL,
    )
    return [c for c in wanted if c in present]
