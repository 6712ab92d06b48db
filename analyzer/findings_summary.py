"""Findings summed up per detector: how many, how many cases they touch, working minutes
lost and idle days (kept apart: a case lying idle for 30 days is nobody's 30 days of work).

Pure: a findings table (:data:`analyzer.schema.FINDING_COLUMNS`) and the case counts of the
logs they came from in, small pandas frames out. Rates are per 1,000 cases so municipalities
of different size compare fairly.
"""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd

from analyzer import engine, schema
from analyzer.cost_model.burden_findings import with_owning_detector
from analyzer.cost_tables import MinutesMeaning, default_burden_costing

_KEYS = [schema.MUNICIPALITY, schema.SERVICE]

FINDINGS = "findings"
CASES_AFFECTED = "cases_affected"
SHARE_OF_CASES = "share_of_cases"
PER_1000_CASES = "per_1000_cases"
MINUTES_LOST = "minutes_lost"  # working time only
IDLE_DAYS = "idle_days"  # days cases lay idle (burdens whose minutes are waiting)
PRICED_ELSEWHERE = "priced_elsewhere"  # findings whose burden instance another detector owns
PRICED_AS = "priced_as"  # the detector that prices them (the detector itself where none)
CASES = "cases"
MINUTES_PER_DAY = 1440

#: Burdens whose minutes are calendar time a case lay idle, not working time.
IDLE_TIME_BURDENS = tuple(
    kind
    for kind, costing in default_burden_costing().items()
    if costing.minutes_lost_is is MinutesMeaning.WAITING
)


def findings_by_detector(findings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality, service and detector.

    ``cases``: MUNICIPALITY, SERVICE and ``cases`` (e.g. from
    :func:`analyzer.log_summary.log_overview`). Columns: the keys, FINDING_DETECTOR,
    FINDING_BURDEN, ``findings``, ``cases_affected`` (distinct cases with a finding),
    ``share_of_cases`` (0..1), ``per_1000_cases``, ``minutes_lost`` (sum of working time;
    0 for idle-time burdens and for findings another detector prices), ``idle_days`` (their
    minutes as days), ``priced_elsewhere``
    (findings whose burden instance another detector owns, see
    :func:`analyzer.cost_model.burden_findings.with_owning_detector`) and ``priced_as`` (that
    detector; the detector itself where none is). Detectors without findings in a log appear
    with zeros when they appear in another log, so a table of several municipalities has the
    same rows for each.
    """
    keys = [k for k in _KEYS if k in cases.columns]
    idle = findings[schema.FINDING_BURDEN].astype(str).isin([str(b) for b in IDLE_TIME_BURDENS])
    minutes = findings[schema.FINDING_MINUTES_LOST].astype("float64")
    # one burden instance, one price: a finding another detector prices adds no minutes
    owners = _owners(findings)
    split = findings.assign(
        __work=minutes.where(~idle & owners.isna(), 0.0),
        __idle=minutes.where(idle, 0.0) / MINUTES_PER_DAY,
        __owner=owners,
    )
    group = [*keys, schema.FINDING_DETECTOR, schema.FINDING_BURDEN]
    counted = (
        split.groupby(group, dropna=False, observed=True)
        .agg(
            **{
                FINDINGS: (schema.CASE, "size"),
                CASES_AFFECTED: (schema.CASE, "nunique"),
                MINUTES_LOST: ("__work", "sum"),
                IDLE_DAYS: ("__idle", "sum"),
                PRICED_ELSEWHERE: ("__owner", "count"),
                PRICED_AS: ("__owner", "min"),
            }
        )
        .reset_index()
    )
    detectors = counted[[schema.FINDING_DETECTOR, schema.FINDING_BURDEN]].drop_duplicates()
    grid = cases[[*keys, CASES]].merge(detectors, how="cross")
    out = grid.merge(
        counted, on=[*keys, schema.FINDING_DETECTOR, schema.FINDING_BURDEN], how="left"
    )
    for column in (FINDINGS, CASES_AFFECTED, PRICED_ELSEWHERE):
        out[column] = out[column].fillna(0).astype("int64")
    for column in (MINUTES_LOST, IDLE_DAYS):
        out[column] = out[column].fillna(0.0).astype("float64")
    out[PRICED_AS] = (
        out[PRICED_AS]
        .astype(object)
        .where(out[PRICED_AS].notna(), out[schema.FINDING_DETECTOR].astype(str))
    )
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
        IDLE_DAYS,
        PRICED_ELSEWHERE,
        PRICED_AS,
    ]
    return out[ordered].sort_values([*keys, schema.FINDING_DETECTOR]).reset_index(drop=True)


def _owners(findings: pd.DataFrame) -> pd.Series:
    """For each finding (in ``findings``' order): the detector that prices its burden
    instance where that is another one (:func:`with_owning_detector`), else missing."""
    numbered = findings.assign(__row=np.arange(len(findings)))
    owned = engine.to_pandas(
        with_owning_detector(numbered, column=PRICED_AS)
        .filter(~nw.col(PRICED_AS).is_null())
        .select("__row", PRICED_AS)
    )
    owners = np.full(len(findings), None, dtype=object)
    owners[owned["__row"].to_numpy()] = owned[PRICED_AS].astype(object).to_numpy()
    return pd.Series(owners, index=findings.index, dtype=object)


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


#: Columns of :func:`costliest_patterns`.
PATTERN_MINUTES = "pattern_minutes"
EXAMPLE_CASE = "example_case"


def costliest_patterns(findings: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The ``n`` burden patterns that cost most working time: findings grouped by
    municipality, service, detector and the step they sit on (ACTIVITY of the anchor event),
    with their count, the cases they touch, their working minutes summed and one example
    case (the first by case id). A pattern is what a process owner can change ("the print
    after the online intake, 412 times"); single findings rank in ties of a flat default.

    Idle time (long waits) is left out: it is nobody's work. A finding whose burden instance
    another detector prices (a system break on a re-entry: :func:`with_owning_detector`)
    adds its count but not its minutes, so no re-typing is priced twice. Ties: detector,
    step.
    """
    work = findings[~findings[schema.FINDING_BURDEN].isin(IDLE_TIME_BURDENS)]
    if work.empty:
        return pd.DataFrame(
            columns=[
                *_KEYS,
                schema.FINDING_DETECTOR,
                schema.ACTIVITY,
                FINDINGS,
                CASES_AFFECTED,
                PATTERN_MINUTES,
                EXAMPLE_CASE,
            ]
        )
    minutes = work[schema.FINDING_MINUTES_LOST].astype("float64").where(_owners(work).isna(), 0.0)
    keys = [k for k in _KEYS if k in work.columns]
    group = [*keys, schema.FINDING_DETECTOR, schema.ACTIVITY]
    table = (
        work.assign(**{PATTERN_MINUTES: minutes})
        .astype({c: str for c in group})
        .groupby(group, sort=False, dropna=False)  # a file without municipality: keys empty
        .agg(
            **{
                FINDINGS: (schema.CASE, "size"),
                CASES_AFFECTED: (schema.CASE, "nunique"),
                PATTERN_MINUTES: (PATTERN_MINUTES, "sum"),
                EXAMPLE_CASE: (schema.CASE, "min"),
            }
        )
        .reset_index()
    )
    ranked = table.sort_values(
        [PATTERN_MINUTES, FINDINGS, schema.FINDING_DETECTOR, schema.ACTIVITY],
        ascending=[False, False, True, True],
        kind="stable",
    )
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
