"""Comparing municipalities: KPIs per 1,000 cases, peer groups, rankings, best practice.

:func:`kpi_table` computes one row per municipality and service (definitions in
:mod:`~analyzer.comparison.kpi_definitions`);
:func:`assign_peer_groups` groups municipalities by size; :func:`rank_within_peers` ranks
each KPI within a peer group and service and :func:`overall_ranking` combines the ranks;
:func:`best_practice` explains what the best peer does differently, as a difference of
directly-follows edges (:func:`dfg_difference`) and of variants (:func:`variant_difference`).

Comparing municipalities needs the same names for the same steps: run
``harmonisation.apply_step_mapping`` first and pass ``activity_column=schema.STEP``
(events whose label is not mapped keep their label, prefixed with ``?``).

The comparison in modules: :mod:`~analyzer.comparison.kpi_definitions` (the KPIs, their
direction and how they are written), :mod:`~analyzer.comparison.views` (the harmonised log,
one group at a time), :mod:`~analyzer.comparison.municipality_kpis` (the KPI table),
:mod:`~analyzer.comparison.reference_process` (fitness), :mod:`~analyzer.comparison.peers`
(peer groups and rankings), :mod:`~analyzer.comparison.differences` (edges and variants of
two municipalities) and :mod:`~analyzer.comparison.explanations` (what the best peer does
differently, in sentences).
"""

from analyzer.comparison.differences import (
    dfg_difference,
    municipality_difference,
    variant_difference,
)
from analyzer.comparison.explanations import (
    Behaviour,
    BestPractice,
    behaviour,
    best_peer,
    best_practice,
    explain_difference,
)
from analyzer.comparison.kpi_definitions import (
    FINDING_KPIS,
    HIGHER_IS_BETTER,
    KPI_COLUMNS,
    KPI_DECIMALS,
    KPI_NAMES,
    LOWER_IS_BETTER,
    MEDIA_BREAK_DETECTOR,
    OVERALL,
    RANKED_KPIS,
    SHARE_KPIS,
    format_kpi,
    number_text,
)
from analyzer.comparison.municipality_kpis import kpi_table
from analyzer.comparison.peers import (
    ALL_PEERS,
    DEFAULT_SIZE_CLASSES,
    assign_peer_groups,
    overall_ranking,
    rank_within_peers,
)
from analyzer.comparison.reference_process import reference_fitness, reference_log
from analyzer.comparison.views import UNMAPPED_PREFIX, harmonised_view

__all__ = [
    "ALL_PEERS",
    "DEFAULT_SIZE_CLASSES",
    "FINDING_KPIS",
    "HIGHER_IS_BETTER",
    "KPI_COLUMNS",
    "KPI_DECIMALS",
    "KPI_NAMES",
    "LOWER_IS_BETTER",
    "MEDIA_BREAK_DETECTOR",
    "OVERALL",
    "RANKED_KPIS",
    "SHARE_KPIS",
    "UNMAPPED_PREFIX",
    "Behaviour",
    "BestPractice",
    "assign_peer_groups",
    "behaviour",
    "best_peer",
    "best_practice",
    "dfg_difference",
    "explain_difference",
    "format_kpi",
    "harmonised_view",
    "kpi_table",
    "municipality_difference",
    "number_text",
    "overall_ranking",
    "rank_within_peers",
    "reference_fitness",
    "reference_log",
    "variant_difference",
]
