"""Findings summed up per detector: how many, how many cases they touch, minutes lost.

Pure: a findings table (:data:`analyzer.schema.FINDING_COLUMNS`) and the case counts of the
logs they came from in, small pandas frames out. Rates are per 1,000 cases so municipalities
of different size compare fairly.
"""

from __future__ import annotations

import pandas as pd

from analyzer import schema

_KEYS = [schema.MUNICIPALITY, schema.SERVICE]

FINDINGS = "findings"
CASES_AFFECTED = "cases_affected"
SHARE_OF_CASES = "share_of_cases"
PER_1000_CASES = "per_1000_cases"
MINUTES_LOST = "minutes_lost"
CASES = "cases"


def findings_by_detector(findings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality, service and detector.

    ``cases``: MUNICIPALITY, SERVICE and ``cases`` (e.g. from
    :func:`analyzer.log_summary.log_overview`). Columns: the keys, FINDING_DETECTOR,
    FINDING_BURDEN, ``findings``, ``cases_affected`` (distinct cases with a finding),
    ``share_of_cases`` (0..1), ``per_1000_cases``, ``minutes_lost`` (sum). Detectors without
    findings in a log appear with zeros when they appear in another log, so a table of
    several municipalities has the same rows for each.
    """
    keys = [k for k in _KEYS if k in cases.columns]
    counted = (
        findings.groupby([*keys, schema.FINDING_DETECTOR, schema.FINDING_BURDEN], dropna=False)
        .agg(
            **{
                FINDINGS: (schema.CASE, "size"),
                CASES_AFFECTED: (schema.CASE, "nunique"),
                MINUTES_LOST: (schema.FINDING_MINUTES_LOST, "sum"),
            }
        )
        .reset_index()
    )
    detectors = counted[[schema.FINDING_DETECTOR, schema.FINDING_BURDEN]].drop_duplicates()
    grid = cases[[*keys, CASES]].merge(detectors, how="cross")
    out = grid.merge(
        counted, on=[*keys, schema.FINDING_DETECTOR, schema.FINDING_BURDEN], how="left"
    )
    for column in (FINDINGS, CASES_AFFECTED):
        out[column] = out[column].fillna(0).astype("int64")
    out[MINUTES_LOST] = out[MINUTES_LOST].fillna(0.0).astype("float64")
    total = out[CASES].astype("float64")
    out[SHARE_OF_CASES] = (out[CASES_AFFECTED] / total).where(total > 0, 0.0)
    out[PER_1000_CASES] = (out[FINDINGS] / total * 1000.0).where(total > 0, 0.0)
    ordered = [
        *keys,
        schema.FINDING_DETECTOR,
        schema.FINDING_BURDEN,
        CASES,
        FINDINGS,
        CASES_AFFECTED,
        SHARE_OF_CASES,
        PER_1000_CASES,
        MINUTES_LOST,
    ]
    return out[ordered].sort_values([*keys, schema.FINDING_DETECTOR]).reset_index(drop=True)


#: Burdens whose minutes are calendar time a case lay idle, not working time.
IDLE_TIME_BURDENS = (schema.Burden.LONG_WAIT,)


def top_findings(
    findings: pd.DataFrame, *, n: int = 10, working_time_only: bool = True
) -> pd.DataFrame:
    """The ``n`` findings that cost most minutes (ties: detector, case, event id).

    With ``working_time_only`` (default), findings whose minutes are idle time (long waits)
    are left out: a wait of 120 days is not 120 days of anybody's work.
    """
    if working_time_only:
        findings = findings[~findings[schema.FINDING_BURDEN].isin(IDLE_TIME_BURDENS)]
    order = [schema.FINDING_MINUTES_LOST, schema.FINDING_DETECTOR, schema.CASE, schema.EVENT_ID]
    ranked = findings.sort_values(order, ascending=[False, True, True, True], kind="stable")
    return ranked.head(n).reset_index(drop=True)


def burden_matrix(summary: pd.DataFrame) -> pd.DataFrame:
    """Findings per 1,000 cases as a matrix: one row per municipality and service, one
    column per detector (from :func:`findings_by_detector`); the comparison at a glance."""
    keys = [k for k in _KEYS if k in summary.columns]
    matrix = summary.pivot_table(
        index=keys, columns=schema.FINDING_DETECTOR, values=PER_1000_CASES, aggfunc="sum"
    )
    matrix.columns.name = None
    return matrix.reset_index()
