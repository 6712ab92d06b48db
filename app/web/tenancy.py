"""What each role may see of the workspace's numbers, decided from the session's user.

A municipality's user sees its own logs named and the other municipalities only as one
aggregate per service ("other municipalities (n)"); an aggregate of fewer than
``min_cases`` cases is left out, and so are the totals it would reveal. A working-group
member and an administrator see every log named (they are aggregates already).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyzer import schema
from connectors.users import Role, User

#: How many municipalities a row stands for (1: a named log; more: an aggregate of others).
MUNICIPALITIES = "municipalities"
_SUMMED = ("cases", "events")


@dataclass(frozen=True)
class VisibleOverview:
    """The overview rows a user may see, how many municipalities they cover (an aggregate's
    count once, though it spans services) and the services whose aggregate was suppressed."""

    rows: pd.DataFrame
    municipalities: int
    suppressed: tuple[str, ...]


def overview_for(overview: pd.DataFrame, user: User, *, min_cases: int = 10) -> VisibleOverview:
    """``overview`` (``api.overview``: one row per log with cases, events, activities, first
    and last timestamp) as ``user`` may see it; named rows first, each service's aggregate
    after. An aggregate has no municipality (None) and no activity count (distinct activities
    of several logs do not add up)."""
    if overview.empty:
        return VisibleOverview(overview.assign(**{MUNICIPALITIES: []}), 0, ())
    if user.role is not Role.MUNICIPALITY:
        rows = _by_service(overview.assign(**{MUNICIPALITIES: 1}))
        return VisibleOverview(rows, overview[schema.MUNICIPALITY].nunique(), ())
    is_own = overview[schema.MUNICIPALITY] == user.municipality
    own = overview[is_own].assign(**{MUNICIPALITIES: 1})
    others = overview[~is_own]
    grouped = others.groupby(schema.SERVICE, sort=True).agg(
        **{MUNICIPALITIES: (schema.MUNICIPALITY, "nunique")},
        **{c: (c, "sum") for c in _SUMMED},
        first=("first", "min"),
        last=("last", "max"),
    )
    shown = grouped["cases"] >= min_cases
    kept = grouped[shown].reset_index().assign(**{schema.MUNICIPALITY: None, "activities": pd.NA})
    rows = _by_service(pd.concat([own, kept[own.columns]], ignore_index=True))
    covered = others[others[schema.SERVICE].isin(grouped.index[shown])]
    count = int(is_own.any()) + covered[schema.MUNICIPALITY].nunique()
    return VisibleOverview(rows, count, tuple(grouped.index[~shown]))


def _by_service(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows by service, then municipality; a service's aggregate after its named logs."""
    return rows.sort_values(
        [schema.SERVICE, schema.MUNICIPALITY], na_position="last", kind="stable"
    ).reset_index(drop=True)
