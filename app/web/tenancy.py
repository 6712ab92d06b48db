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


# --- case-level reads and peers -------------------------------------------------------------

#: Columns of :func:`burden_headline`: the burden of one log (or aggregate) per year.
HOURS_PER_YEAR, EUROS_PER_YEAR = schema.COST_HOURS_PER_YEAR, schema.COST_EUROS_PER_YEAR
HEADLINE_RATES = (
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
)


def case_municipality(user: User, chosen: str | None) -> str | None:
    """Whose case-level data a read for ``user`` may return: a municipality's user always
    its own (whatever the browser sent in ``chosen``), an administrator the one chosen, a
    working-group member none (aggregates only)."""
    if user.role is Role.MUNICIPALITY:
        return user.municipality
    if user.role is Role.ADMIN:
        return chosen or None
    return None


def peer_names(
    municipalities: list[str], user: User, *, key: bytes, named: bool = False
) -> dict[str, str]:
    """How each municipality is written for ``user``: its own and, for the other roles or
    with ``named``, every one by its name; otherwise the others as "Kommune A", "Kommune B",
    … in an order keyed by ``key`` (the app's secret), so the letters say nothing of the
    names and stay the same on every page."""
    import hmac

    if user.role is not Role.MUNICIPALITY or named:
        return {m: m for m in municipalities}
    others = sorted(
        {m for m in municipalities if m != user.municipality},
        key=lambda m: hmac.new(key, m.encode(), "sha256").hexdigest(),
    )
    names = {m: f"Kommune {_letters(i)}" for i, m in enumerate(others)}
    return {**names, **({user.municipality: user.municipality} if user.municipality else {})}


def _letters(i: int) -> str:
    """A, B, …, Z, AA, AB, …"""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def burden_headline(kpis: pd.DataFrame, burden_costs: pd.DataFrame) -> pd.DataFrame:
    """One row per log: MUNICIPALITY, SERVICE, KPI_CASES, the working hours and euros a year
    its burdens cost (the sum over the burden kinds of ``burden_costs``; missing where no
    kind is priced) and the rates of :data:`HEADLINE_RATES` per 1,000 cases."""
    keys = [schema.MUNICIPALITY, schema.SERVICE]
    if kpis.empty:
        return pd.DataFrame(columns=[*keys, schema.KPI_CASES, HOURS_PER_YEAR, EUROS_PER_YEAR])
    rows = kpis[[*keys, schema.KPI_CASES, *HEADLINE_RATES]].copy()
    if burden_costs.empty:
        yearly = pd.DataFrame(columns=[*keys, HOURS_PER_YEAR, EUROS_PER_YEAR])
    else:
        costs = burden_costs[keys].copy()
        for column in (HOURS_PER_YEAR, EUROS_PER_YEAR):
            costs[column] = pd.to_numeric(burden_costs[column].astype("object"), errors="coerce")
        yearly = costs.groupby(keys, as_index=False).sum(min_count=1)
    return rows.merge(yearly, on=keys, how="left")[
        [*keys, schema.KPI_CASES, HOURS_PER_YEAR, EUROS_PER_YEAR, *HEADLINE_RATES]
    ]


def headline_for(headline: pd.DataFrame, user: User, *, min_cases: int = 10) -> pd.DataFrame:
    """:func:`burden_headline` as ``user`` may see it, by service: every log named for the
    working group and administrators; for a municipality's user its own logs and per
    service one aggregate of the others (MUNICIPALITY missing, MUNICIPALITIES counted; hours
    and euros summed, rates pooled over their cases), left out under ``min_cases`` cases."""
    if user.role is not Role.MUNICIPALITY or headline.empty:
        return _by_service(headline.assign(**{MUNICIPALITIES: 1}))
    is_own = headline[schema.MUNICIPALITY] == user.municipality
    own = headline[is_own].assign(**{MUNICIPALITIES: 1})
    others = headline[~is_own].copy()
    cases = others[schema.KPI_CASES]
    for rate in HEADLINE_RATES:  # a pooled rate: the findings of all over the cases of all
        others[rate] = others[rate] * cases
    grouped = others.groupby(schema.SERVICE).agg(
        **{MUNICIPALITIES: (schema.MUNICIPALITY, "nunique")},
        **{c: (c, "sum") for c in (schema.KPI_CASES, *HEADLINE_RATES)},
        **{c: (c, lambda s: s.sum(min_count=1)) for c in (HOURS_PER_YEAR, EUROS_PER_YEAR)},
    )
    grouped = grouped[grouped[schema.KPI_CASES] >= min_cases]
    for rate in HEADLINE_RATES:
        grouped[rate] = grouped[rate] / grouped[schema.KPI_CASES]
    kept = grouped.reset_index().assign(**{schema.MUNICIPALITY: None})
    return _by_service(pd.concat([own, kept[own.columns]], ignore_index=True))
