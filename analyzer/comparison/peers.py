"""Peer groups by size, and the ranking of each KPI and overall within them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analyzer import schema
from analyzer.comparison.kpi_definitions import HIGHER_IS_BETTER, RANKED_KPIS
from analyzer.problems import InputError, problem

#: Peer group of every municipality when no sizes are given.
ALL_PEERS = "alle"
#: Size classes by inhabitants (lower bounds), as in the official classification of German
#: municipalities into Landgemeinde, Kleinstadt, Mittelstadt and Großstadt.
DEFAULT_SIZE_CLASSES: tuple[tuple[int, str], ...] = (
    (0, "Landgemeinde (< 5.000)"),
    (5_000, "Kleinstadt (5.000–20.000)"),
    (20_000, "Mittelstadt (20.000–100.000)"),
    (100_000, "Großstadt (≥ 100.000)"),
)


def assign_peer_groups(
    kpis: pd.DataFrame,
    *,
    sizes: Mapping[str, int] | None = None,
    size_classes: Sequence[tuple[int, str]] = DEFAULT_SIZE_CLASSES,
) -> pd.DataFrame:
    """``kpis`` with KPI_SIZE (inhabitants from ``sizes``) and KPI_PEER_GROUP.

    The peer group is the size class whose lower bound the size reaches; without ``sizes``
    every municipality is in :data:`ALL_PEERS`. A municipality missing from ``sizes`` is an
    InputError (all missing ones at once).
    """
    out = kpis.copy()
    if not sizes:
        out[schema.KPI_SIZE] = pd.NA
        out[schema.KPI_PEER_GROUP] = ALL_PEERS
        return out
    municipalities = out[schema.MUNICIPALITY].tolist()
    missing = sorted({m for m in municipalities if m not in sizes})
    if missing:
        raise InputError(
            [
                problem(
                    "peer_groups.size_missing",
                    "Einwohnerzahl der Kommune fehlt (für die Vergleichsgruppe)",
                    "inhabitants of the municipality missing (for the peer group)",
                    column=schema.MUNICIPALITY,
                    value=m,
                )
                for m in missing
            ]
        )
    bounds = sorted(size_classes)
    out[schema.KPI_SIZE] = [int(sizes[m]) for m in municipalities]
    out[schema.KPI_PEER_GROUP] = [
        [name for bound, name in bounds if sizes[m] >= bound][-1] for m in municipalities
    ]
    return out


def rank_within_peers(
    kpis: pd.DataFrame, *, kpi_columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Each KPI ranked within its peer group and service (1 = best; ties share a rank).

    One row per municipality, service and KPI: MUNICIPALITY, SERVICE, KPI_PEER_GROUP,
    RANK_KPI, RANK_VALUE, RANK, RANK_PEERS (municipalities with a value), RANK_BEST_VALUE,
    RANK_BEST_MUNICIPALITY (first by name among equals). KPIs without a value are left out.
    Default ``kpi_columns``: :data:`RANKED_KPIS` (each idea once).
    """
    kpi_columns = list(kpi_columns or [c for c in RANKED_KPIS if c in kpis.columns])
    group = [c for c in (schema.KPI_PEER_GROUP, schema.SERVICE) if c in kpis.columns]
    ident = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in kpis.columns]
    rows = []
    for kpi in kpi_columns:
        lower = kpi not in HIGHER_IS_BETTER
        present = kpis[kpis[kpi].notna()]
        for _, peers in present.groupby(group, sort=True) if group else [((), present)]:
            values = peers[kpi].astype("float64")
            ranks = values.rank(method="min", ascending=lower).astype("int64")
            best = (
                peers.assign(__v=values)
                .sort_values(["__v", schema.MUNICIPALITY], ascending=[lower, True])
                .iloc[0]
            )
            for (_, rec), rank in zip(peers.iterrows(), ranks, strict=True):
                rows.append(
                    {
                        **{c: rec[c] for c in ident},
                        schema.KPI_PEER_GROUP: rec.get(schema.KPI_PEER_GROUP, ALL_PEERS),
                        schema.RANK_KPI: kpi,
                        schema.RANK_VALUE: float(rec[kpi]),
                        schema.RANK: int(rank),
                        schema.RANK_PEERS: len(peers),
                        schema.RANK_BEST_VALUE: float(best[kpi]),
                        schema.RANK_BEST_MUNICIPALITY: best[schema.MUNICIPALITY],
                    }
                )
    columns = [
        *ident,
        schema.KPI_PEER_GROUP,
        schema.RANK_KPI,
        schema.RANK_VALUE,
        schema.RANK,
        schema.RANK_PEERS,
        schema.RANK_BEST_VALUE,
        schema.RANK_BEST_MUNICIPALITY,
    ]
    return pd.DataFrame(rows, columns=columns)


def overall_ranking(ranks: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality and service: the mean of its KPI ranks and the rank of that.

    Columns: MUNICIPALITY, SERVICE, KPI_PEER_GROUP, RANK_SCORE (mean rank, lower is better),
    RANK (1 = best peer; ties share a rank), RANK_PEERS. Sorted by peer group, service, rank.
    """
    ident = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in ranks.columns]
    group = [schema.KPI_PEER_GROUP, *([schema.SERVICE] if schema.SERVICE in ranks.columns else [])]
    scores = ranks.groupby([*ident, schema.KPI_PEER_GROUP], sort=True)[schema.RANK].mean()
    out = scores.rename(schema.RANK_SCORE).reset_index()
    out[schema.RANK] = out.groupby(group)[schema.RANK_SCORE].rank(method="min").astype("int64")
    out[schema.RANK_PEERS] = out.groupby(group)[schema.RANK_SCORE].transform("size").astype("int64")
    return out.sort_values([*group, schema.RANK, schema.MUNICIPALITY]).reset_index(drop=True)
