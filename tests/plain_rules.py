"""Detector rules recomputed in plain pandas, row by row in meaning, for the tests that check
the columnar detectors on real logs against them."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from analyzer import schema


def plain_rework_ids(log: pd.DataFrame, group: list[str], *, min_gap_minutes: float = 5.0):
    """Event ids the rework rule reports on ``log`` (any order), occurrences grouped by
    ``group``: every occurrence after the first of its group except echoes of the previous
    occurrence (same time with the same or a missing resource; the same known resource less
    than ``min_gap_minutes`` later). No citizen steps are assumed in ``log``."""
    log = log.sort_values([schema.CASE, schema.TIMESTAMP, schema.SOURCE_ROW], kind="stable")
    previous = log.groupby(group, dropna=False)[[schema.TIMESTAMP, schema.RESOURCE]].shift(1)
    first = previous[schema.TIMESTAMP].isna()
    resource, before = log[schema.RESOURCE], previous[schema.RESOURCE]
    same_time = log[schema.TIMESTAMP] == previous[schema.TIMESTAMP]
    same_or_missing = resource.isna() | before.isna() | (resource == before)
    same_person = resource.notna() & before.notna() & (resource == before)
    gap = log[schema.TIMESTAMP] - previous[schema.TIMESTAMP]
    click = same_person & (gap < timedelta(minutes=min_gap_minutes))
    echo = (same_time & same_or_missing) | click
    return sorted(log.loc[~first & ~echo, schema.EVENT_ID])
