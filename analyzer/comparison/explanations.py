"""What the best peer of a municipality does differently, in German and English sentences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analyzer import engine, process_map, schema, steps
from analyzer.comparison.differences import dfg_difference, variant_difference
from analyzer.comparison.kpi_definitions import (
    HIGHER_IS_BETTER,
    KPI_NAMES,
    LOWER_IS_BETTER,
    format_kpi,
    number_text,
)
from analyzer.comparison.views import harmonised_view, municipality_log
from analyzer.problems import InputError, problem


@dataclass(frozen=True)
class BestPractice:
    """What the best peer does differently from one municipality.

    ``edges``/``variants``: :func:`dfg_difference`/:func:`variant_difference` of the
    municipality (A) against the best peer (B); ``summary_de``/``summary_en``: the largest
    differences in sentences. ``best`` is None when the municipality is itself the best.
    """

    municipality: str
    service: str | None
    best: str | None
    edges: pd.DataFrame
    variants: pd.DataFrame
    summary_de: tuple[str, ...]
    summary_en: tuple[str, ...]


@dataclass(frozen=True)
class Behaviour:
    """What :func:`best_practice` compares of one municipality and service: the
    directly-follows graph and the variants of its (harmonised) log. Aggregates only, so the
    logs of two municipalities never need to be read together (:func:`behaviour`)."""

    process: process_map.ProcessMap
    variants: pd.DataFrame


def behaviour(frame: engine.FrameLike, *, activity_column: str = schema.ACTIVITY) -> Behaviour:
    """The :class:`Behaviour` of ``frame`` (one municipality's and service's log)."""
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    return Behaviour(process_map.process_map(lf), process_map.variants(lf))


def best_peer(
    ranking: pd.DataFrame, municipality: str, *, service: str | None = None
) -> tuple[str, str]:
    """(best municipality, peer group) of ``municipality`` in ``ranking``
    (:func:`overall_ranking`); the first by name among equally ranked ones."""
    rows = ranking[ranking[schema.MUNICIPALITY] == municipality]
    if service is not None and schema.SERVICE in ranking.columns:
        rows = rows[rows[schema.SERVICE] == service]
    if rows.empty:
        raise InputError(
            [
                problem(
                    "comparison.not_ranked",
                    "Kommune nicht in der Rangfolge",
                    "municipality not in the ranking",
                    column=schema.MUNICIPALITY,
                    value=municipality,
                )
            ]
        )
    group = rows.iloc[0][schema.KPI_PEER_GROUP]
    peers = ranking[ranking[schema.KPI_PEER_GROUP] == group]
    if service is not None and schema.SERVICE in ranking.columns:
        peers = peers[peers[schema.SERVICE] == service]
    peers = peers.sort_values([schema.RANK, schema.MUNICIPALITY])
    return str(peers.iloc[0][schema.MUNICIPALITY]), str(group)


def _rank_of(ranking: pd.DataFrame, municipality: str, service: str | None) -> int:
    return int(_row_of(ranking, municipality, service)[schema.RANK])


def _peers_of(ranking: pd.DataFrame, municipality: str, service: str | None) -> int:
    """Municipalities ranked in the peer group of ``municipality``, itself included."""
    return int(_row_of(ranking, municipality, service)[schema.RANK_PEERS])


def _row_of(ranking: pd.DataFrame, municipality: str, service: str | None) -> pd.Series:
    rows = ranking[ranking[schema.MUNICIPALITY] == municipality]
    if service is not None and schema.SERVICE in ranking.columns:
        rows = rows[rows[schema.SERVICE] == service]
    return rows.iloc[0]


def best_practice(
    frame: engine.FrameLike,
    ranking: pd.DataFrame,
    *,
    municipality: str,
    service: str | None = None,
    activity_column: str = schema.ACTIVITY,
    kpis: pd.DataFrame | None = None,
    top: int = 3,
    names: Mapping[str, str] | None = None,
) -> BestPractice:
    """Compare ``municipality`` with the best peer of its peer group (``overall_ranking``),
    both taken from ``frame``; see :func:`explain_difference` for what the summary says."""
    best, _group = best_peer(ranking, municipality, service=service)
    if best == municipality or _rank_of(ranking, municipality, service) == 1:
        return explain_difference(ranking, municipality=municipality, service=service)
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    own, other = (behaviour(municipality_log(lf, m, service)) for m in (municipality, best))
    return explain_difference(
        ranking,
        municipality=municipality,
        service=service,
        own=own,
        best=other,
        kpis=kpis,
        top=top,
        names=names,
    )


def explain_difference(
    ranking: pd.DataFrame,
    *,
    municipality: str,
    service: str | None = None,
    own: Behaviour | None = None,
    best: Behaviour | None = None,
    kpis: pd.DataFrame | None = None,
    top: int = 3,
    names: Mapping[str, str] | None = None,
) -> BestPractice:
    """What the best peer of ``municipality`` (:func:`best_peer`) does differently; nothing
    but a sentence saying so for a municipality ranked first (alone or level with others).

    The summary names, where ``kpis`` (:func:`kpi_table`) are given, the ``top`` KPIs in which
    the municipality lags the best peer most: first where it is furthest towards the worst
    of its peer group (the gap to the best as a share of the gap between the group's best
    and worst value), then by the relative gap; so a municipality is told what sets it apart
    in its group, not what every peer lags the leader in. Then, where the ``own`` and
    ``best`` :class:`Behaviour` are given (harmonised steps), the ``top`` edges the
    municipality has more often than the best peer (per 1,000 cases), the ``top`` the best
    peer has more often, and the best peer's most common variant with its share in both.
    ``names``: how to write a step id in a sentence (e.g. its German name).
    """
    best_name, group = best_peer(ranking, municipality, service=service)
    own_rank = _rank_of(ranking, municipality, service)
    tied = best_name != municipality and own_rank == 1
    edges = pd.DataFrame(
        columns=[
            schema.EDGE_SOURCE,
            schema.EDGE_TARGET,
            schema.DIFF_A,
            schema.DIFF_B,
            schema.DIFF_DELTA,
            schema.DIFF_SIDE,
        ]
    )
    variants = pd.DataFrame(
        columns=[
            schema.VARIANT_TRACE,
            schema.DIFF_A,
            schema.DIFF_B,
            schema.DIFF_DELTA,
            schema.DIFF_SIDE,
        ]
    )
    if _peers_of(ranking, municipality, service) == 1:
        return BestPractice(
            municipality,
            service,
            None,
            edges,
            variants,
            (
                f"{municipality} hat in der Vergleichsgruppe „{group}“ keine Vergleichskommune: "
                "kein Vergleich mit der besten möglich.",
            ),
            (
                f"{municipality} has no peer in peer group '{group}': no comparison with the "
                "best possible.",
            ),
        )
    if best_name == municipality or tied:
        also_de = f" (gleichauf mit {best_name})" if tied else ""
        also_en = f" (level with {best_name})" if tied else ""
        return BestPractice(
            municipality,
            service,
            None,
            edges,
            variants,
            (f"{municipality} ist in der Vergleichsgruppe „{group}“ am besten{also_de}.",),
            (f"{municipality} is the best of peer group '{group}'{also_en}.",),
        )
    de, en = (
        _kpi_gaps(kpis, municipality, best_name, service, top) if kpis is not None else ((), ())
    )
    if own is not None and best is not None:
        edges = dfg_difference(own.process, best.process)
        variants = variant_difference(own.variants, best.variants)
        edges_de, edges_en = _summary(municipality, best_name, edges, variants, top, names or {})
        de, en = (*de, *edges_de), (*en, *edges_en)
    return BestPractice(municipality, service, best_name, edges, variants, de, en)


#: How the artificial start and end steps of a case are written (German, English).
BOUNDARY_NAMES: dict[str, tuple[str, str]] = {
    schema.START_STEP: ("Start", "start"),
    schema.END_STEP: ("Ende", "end"),
}


def _summary(
    municipality: str,
    best: str,
    edges: pd.DataFrame,
    variants: pd.DataFrame,
    top: int,
    names: Mapping[str, str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def named(step: str, lang: str = "de") -> str:
        if step in BOUNDARY_NAMES:
            return BOUNDARY_NAMES[step][lang == "en"]
        return names.get(step, step)

    def edge(e: pd.Series, lang: str) -> str:
        return f"{named(e[schema.EDGE_SOURCE], lang)} → {named(e[schema.EDGE_TARGET], lang)}"

    de: list[str] = []
    en: list[str] = []
    more = edges[edges[schema.DIFF_DELTA] > 0].head(top)
    fewer = edges[edges[schema.DIFF_DELTA] < 0].head(top)
    for _, e in more.iterrows():
        de.append(
            f"{municipality} hat „{edge(e, 'de')}“ {number_text(e[schema.DIFF_A])}-mal "
            "je 1.000 Fälle, "
            f"{best} {number_text(e[schema.DIFF_B])}-mal."
        )
        en.append(
            f"{municipality} has '{edge(e, 'en')}' "
            f"{number_text(e[schema.DIFF_A], lang='en')} times per "
            f"1,000 cases, {best} {number_text(e[schema.DIFF_B], lang='en')} times."
        )
    for _, e in fewer.iterrows():
        de.append(
            f"{best} hat „{edge(e, 'de')}“ {number_text(e[schema.DIFF_B])}-mal je 1.000 Fälle, "
            f"{municipality} {number_text(e[schema.DIFF_A])}-mal."
        )
        en.append(
            f"{best} has '{edge(e, 'en')}' {number_text(e[schema.DIFF_B], lang='en')} times per "
            f"1,000 cases, {municipality} {number_text(e[schema.DIFF_A], lang='en')} times."
        )
    if not variants.empty:
        top_b = variants.sort_values(schema.DIFF_B, ascending=False, kind="stable").iloc[0]
        trace = schema.VARIANT_SEPARATOR.join(
            named(s) for s in top_b[schema.VARIANT_TRACE].split(schema.VARIANT_SEPARATOR)
        )
        de.append(
            f"Häufigste Variante bei {best} ({top_b[schema.DIFF_B]:.0%} der Fälle, bei "
            f"{municipality} {top_b[schema.DIFF_A]:.0%}): {trace}"
        )
        en.append(
            f"Most common variant at {best} ({top_b[schema.DIFF_B]:.0%} of cases, at "
            f"{municipality} {top_b[schema.DIFF_A]:.0%}): {trace}"
        )
    return tuple(de), tuple(en)


def _kpi_gaps(
    kpis: pd.DataFrame, municipality: str, best: str, service: str | None, top: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Sentences on the ``top`` KPIs where ``municipality`` is furthest behind ``best``
    (see :func:`explain_difference` for the order)."""
    rows = kpis
    if service is not None and schema.SERVICE in kpis.columns:
        rows = kpis[kpis[schema.SERVICE] == service]
    own = rows[rows[schema.MUNICIPALITY] == municipality]
    other = rows[rows[schema.MUNICIPALITY] == best]
    if own.empty or other.empty:
        return (), ()
    if schema.KPI_PEER_GROUP in rows.columns:
        rows = rows[rows[schema.KPI_PEER_GROUP] == own.iloc[0][schema.KPI_PEER_GROUP]]
    order = (*LOWER_IS_BETTER, *HIGHER_IS_BETTER)
    gaps = []
    for kpi in order:
        if kpi not in rows.columns:
            continue
        a, b = float(own.iloc[0][kpi]), float(other.iloc[0][kpi])
        if a != a or b != b:  # NaN: not computed
            continue
        lower = kpi in LOWER_IS_BETTER
        behind = (a - b) if lower else (b - a)
        if behind <= 0:
            continue
        values = rows[kpi].astype("float64").dropna()
        worst = values.max() if lower else values.min()
        towards_worst = behind / abs(worst - b)
        gaps.append((towards_worst, behind / max(abs(a), abs(b)), order.index(kpi), kpi, a, b))
    gaps.sort(key=lambda g: (-g[0], -g[1], g[2]))
    de, en = [], []
    for *_, kpi, a, b in gaps[:top]:
        name_de, name_en = KPI_NAMES[kpi]
        de.append(
            f"{name_de}: {municipality} {format_kpi(kpi, a, 'de')}, {best} "
            f"{format_kpi(kpi, b, 'de')}."
        )
        en.append(
            f"{name_en}: {municipality} {format_kpi(kpi, a, 'en')}, {best} "
            f"{format_kpi(kpi, b, 'en')}."
        )
    return tuple(de), tuple(en)
