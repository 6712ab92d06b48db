"""Comparing municipalities: KPIs per 1,000 cases, peer groups, rankings, best practice.

:func:`kpi_table` computes one row per municipality and service (definitions below);
:func:`assign_peer_groups` groups municipalities by size; :func:`rank_within_peers` ranks
each KPI within a peer group and service and :func:`overall_ranking` combines the ranks;
:func:`best_practice` explains what the best peer does differently, as a difference of
directly-follows edges (:func:`dfg_difference`) and of variants (:func:`variant_difference`).

Comparing municipalities needs the same names for the same steps: run
``harmonisation.apply_step_mapping`` first and pass ``activity_column=schema.STEP``
(events whose label is not mapped keep their label, prefixed with ``?``).

KPI definitions (per municipality and service; a case belongs to the municipality and
service of its events):

* ``kpi:cases`` — distinct cases.
* ``kpi:throughput_median_days`` / ``kpi:throughput_p90_days`` — median / 90th percentile
  (linear interpolation) of case throughput time (:mod:`analyzer.throughput`).
* ``kpi:euros_per_case`` — Standard Cost Model cost per case (:func:`cost_model.annual_cost`),
  with the tables' edition in ``cost:edition``; only where ``tables`` are given.
* ``kpi:media_breaks_per_1000_cases``, ``kpi:reentries_per_1000_cases``,
  ``kpi:once_only_per_1000_cases``, ``kpi:duplicates_per_1000_cases``,
  ``kpi:ping_pong_per_1000_cases`` — findings of kind ``media_break``, ``manual_reentry``,
  ``once_only``, ``duplicate_responsibility``, ``ping_pong`` in the ``findings`` frame
  (``analyzer.detectors.run_detectors``) × 1,000 / cases, each counting distinct anchor
  events (the convention of ``analyzer.scoring``). Media breaks are the changes of medium
  class (detector ``media_breaks``); the detector ``system_breaks`` also reports
  ``media_break``, but its findings are captures of data that came from another IT system
  without an interface, i.e. manual re-entries, which the re-entry KPI counts already.
  Findings without ``finding:detector`` count every ``media_break``.
* ``kpi:levels_per_case`` / ``kpi:units_per_case`` — distinct government levels / org
  units a case passes, averaged over all cases (a case without any counts 0).
* ``kpi:rework_rate`` — share of cases with rework: with ``findings``, cases with a
  ``rework`` finding; without, cases in which a step occurs more than once at the same
  government level (the detectors' rule: a repeat at another level is a duplicate
  responsibility, not rework; lifecycle ``start`` events are not occurrences).
* ``kpi:variants`` and ``kpi:variants_per_1000_cases`` — distinct step sequences
  (``process_map.variants``).
* ``kpi:online_intake_share`` — share of cases whose first event has MEDIUM ``online``.
* ``kpi:fitness`` — token-based replay fitness (pm4py, via :mod:`analyzer.discovery`) of the
  group's cases on the reference process of a catalogue (:func:`reference_fitness`), or
  merged from a ``fitness`` frame. Token replay ignores steps the reference model does not
  know (a print-and-scan detour does not lower it); skipped and reordered steps do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import narwhals as nw
import pandas as pd

from analyzer import discovery, engine, process_map, schema, steps
from analyzer.cost_model import ActivityCosting, CostDefaults, annual_cost
from analyzer.cost_tables import CostTables
from analyzer.harmonisation import Catalogue
from analyzer.problems import InputError, problem
from analyzer.schema import Burden, Medium
from analyzer.throughput import group_keys, throughput_days

#: Prefix of a label without a mapped step in a harmonised view.
UNMAPPED_PREFIX = "?"
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
#: KPIs where a lower value is better; the others listed in HIGHER_IS_BETTER rank the other way.
LOWER_IS_BETTER: tuple[str, ...] = (
    schema.KPI_THROUGHPUT_MEDIAN_DAYS,
    schema.KPI_THROUGHPUT_P90_DAYS,
    schema.KPI_EUROS_PER_CASE,
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_ONCE_ONLY_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
    schema.KPI_PING_PONG_PER_1000,
    schema.KPI_LEVELS_PER_CASE,
    schema.KPI_UNITS_PER_CASE,
    schema.KPI_REWORK_RATE,
    schema.KPI_VARIANTS_PER_1000,
)
HIGHER_IS_BETTER: tuple[str, ...] = (schema.KPI_ONLINE_INTAKE_SHARE, schema.KPI_FITNESS)
KPI_COLUMNS: tuple[str, ...] = (
    schema.KPI_CASES,
    schema.KPI_THROUGHPUT_MEDIAN_DAYS,
    schema.KPI_THROUGHPUT_P90_DAYS,
    schema.KPI_EUROS_PER_CASE,
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_ONCE_ONLY_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
    schema.KPI_PING_PONG_PER_1000,
    schema.KPI_LEVELS_PER_CASE,
    schema.KPI_UNITS_PER_CASE,
    schema.KPI_REWORK_RATE,
    schema.KPI_VARIANTS,
    schema.KPI_VARIANTS_PER_1000,
    schema.KPI_ONLINE_INTAKE_SHARE,
    schema.KPI_FITNESS,
)
OVERALL = "overall"
#: The detector whose ``media_break`` findings are changes of medium class (``system_breaks``
#: reports the same kind for re-entries between IT systems).
MEDIA_BREAK_DETECTOR = "media_breaks"
#: KPI column → (burden kind, detector or None for any) whose findings it counts per 1,000
#: cases.
FINDING_KPIS: dict[str, tuple[Burden, str | None]] = {
    schema.KPI_MEDIA_BREAKS_PER_1000: (Burden.MEDIA_BREAK, MEDIA_BREAK_DETECTOR),
    schema.KPI_REENTRIES_PER_1000: (Burden.MANUAL_REENTRY, None),
    schema.KPI_ONCE_ONLY_PER_1000: (Burden.ONCE_ONLY, None),
    schema.KPI_DUPLICATES_PER_1000: (Burden.DUPLICATE_RESPONSIBILITY, None),
    schema.KPI_PING_PONG_PER_1000: (Burden.PING_PONG, None),
}


# --- KPI table --------------------------------------------------------------------------------


def harmonised_view(
    frame: engine.FrameLike, *, activity_column: str = schema.ACTIVITY
) -> nw.LazyFrame:
    """``frame`` with ACTIVITY replaced by ``activity_column`` (STEP after harmonisation).

    Events without a step keep their own label, prefixed with :data:`UNMAPPED_PREFIX`, so
    unmapped labels stay visible and never merge with a step.
    """
    lf = engine.as_lazy(frame)
    if activity_column == schema.ACTIVITY:
        return lf
    steps.require_columns(
        lf,
        [activity_column],
        purpose_de="den Vergleich harmonisierter Schritte",
        purpose_en="comparing harmonised steps",
    )
    own = nw.concat_str([nw.lit(UNMAPPED_PREFIX), nw.col(schema.ACTIVITY).cast(nw.String())])
    # as text: a log in memory holds labels as categorical, which does not mix with text
    step = nw.col(activity_column).cast(nw.String())
    return lf.with_columns(nw.coalesce(step, own).alias(schema.ACTIVITY))


def kpi_table(
    frame: engine.FrameLike,
    *,
    findings: engine.FrameLike | None = None,
    tables: CostTables | None = None,
    activities: Mapping[str, ActivityCosting] | None = None,
    defaults: CostDefaults = CostDefaults(),  # noqa: B008 - frozen dataclass
    fitness: pd.DataFrame | None = None,
    catalogue: Catalogue | None = None,
    sizes: Mapping[str, int] | None = None,
    size_classes: Sequence[tuple[int, str]] = DEFAULT_SIZE_CLASSES,
    activity_column: str = schema.ACTIVITY,
) -> pd.DataFrame:
    """The KPI table: one row per municipality and service (see the module docstring).

    Columns: MUNICIPALITY and SERVICE (where the log has them), KPI_COLUMNS, KPI_SIZE and
    KPI_PEER_GROUP (:func:`assign_peer_groups`), and ``cost:edition`` where ``tables`` are
    given. ``activities``/``defaults`` price the steps (keys of ``activity_column``).
    ``fitness``: a frame with the keys and KPI_FITNESS; else, with a reference ``catalogue``,
    computed by :func:`reference_fitness` (use with ``activity_column=schema.STEP``).
    KPIs that cannot be computed (no MEDIUM, no findings, no fitness) are empty (NaN).
    """
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    columns = lf.collect_schema().names()
    keys = group_keys(lf)
    through = throughput_days(lf, by=keys).rename(
        columns={
            "cases": schema.KPI_CASES,
            "median_days": schema.KPI_THROUGHPUT_MEDIAN_DAYS,
            "quantile_days": schema.KPI_THROUGHPUT_P90_DAYS,
        }
    )
    table = through
    cases = table[schema.KPI_CASES].astype("float64")

    def add(values: pd.DataFrame | None, column: str, *, per_case: bool, scale: float = 1.0):
        nonlocal table
        if values is None:
            table[column] = float("nan")
            return
        merged = table[keys].merge(values, on=keys, how="left") if keys else values
        count = merged["n"].fillna(0).astype("float64").to_numpy() if len(merged) else 0.0
        table[column] = count / cases.to_numpy() * scale if per_case else count

    occurrences = _occurrences(lf)
    for column, (kind, detector) in FINDING_KPIS.items():
        counts = _finding_counts(findings, keys, kind, detector) if findings is not None else None
        add(counts, column, per_case=True, scale=1000.0)
    add(
        _distinct_per_case(lf, keys, schema.LEVEL) if schema.LEVEL in columns else None,
        schema.KPI_LEVELS_PER_CASE,
        per_case=True,
    )
    add(
        _distinct_per_case(lf, keys, schema.ORG_UNIT) if schema.ORG_UNIT in columns else None,
        schema.KPI_UNITS_PER_CASE,
        per_case=True,
    )
    rework = (
        _finding_cases(findings, keys, Burden.REWORK)
        if findings is not None
        else _rework_cases(occurrences, keys)
    )
    add(rework, schema.KPI_REWORK_RATE, per_case=True)
    add(_variant_counts(lf, keys), schema.KPI_VARIANTS, per_case=False)
    table[schema.KPI_VARIANTS] = table[schema.KPI_VARIANTS].astype("int64")
    table[schema.KPI_VARIANTS_PER_1000] = table[schema.KPI_VARIANTS] / cases * 1000.0
    add(
        _online_intake(lf, keys) if schema.MEDIUM in columns else None,
        schema.KPI_ONLINE_INTAKE_SHARE,
        per_case=True,
    )

    if tables is not None:
        # Only the cost per case is used here; no annualisation, hence 0 cases per year.
        costs = annual_cost(
            lf,
            tables=tables,
            activities=activities,
            defaults=defaults,
            label_column=schema.ACTIVITY,
            cases_per_year=0,
            by=keys,
        )
        costs = costs[[*keys, schema.COST_EUROS_PER_CASE, schema.COST_EDITION]]
        table = (
            table.merge(costs, on=keys, how="left") if keys else pd.concat([table, costs], axis=1)
        )
        table[schema.KPI_EUROS_PER_CASE] = table.pop(schema.COST_EUROS_PER_CASE).astype("float64")
    else:
        table[schema.KPI_EUROS_PER_CASE] = float("nan")

    if fitness is None and catalogue is not None:
        fitness = reference_fitness(lf, catalogue, activity_column=schema.ACTIVITY)
    if fitness is not None:
        table = table.merge(fitness[[*keys, schema.KPI_FITNESS]], on=keys, how="left")
    else:
        table[schema.KPI_FITNESS] = float("nan")
    table = assign_peer_groups(table, sizes=sizes, size_classes=size_classes)
    extra = [schema.COST_EDITION] if tables is not None else []
    ordered = [*keys, *KPI_COLUMNS, schema.KPI_SIZE, schema.KPI_PEER_GROUP, *extra]
    return table[ordered].reset_index(drop=True)


def _occurrences(lf: nw.LazyFrame) -> nw.LazyFrame:
    """Events that are occurrences of a step (lifecycle ``start`` events dropped)."""
    if schema.LIFECYCLE not in lf.collect_schema().names():
        return lf
    lifecycle = nw.col(schema.LIFECYCLE).cast(nw.String()).str.to_lowercase()
    return lf.filter((lifecycle != "start") | lifecycle.is_null())


def _counts(lf: nw.LazyFrame, keys: list[str]) -> pd.DataFrame:
    out = lf.group_by(keys).agg(nw.len().alias("n")) if keys else lf.select(nw.len().alias("n"))
    result = engine.to_pandas(out)
    result["n"] = result["n"].astype("int64")
    return result


def _finding_counts(
    findings: engine.FrameLike, keys: list[str], kind: Burden, detector: str | None = None
) -> pd.DataFrame:
    """Distinct anchor events with a finding of ``kind`` per group (of ``detector`` where
    the findings name their detectors)."""
    fl = engine.as_lazy(findings)
    names = fl.collect_schema().names()
    missing = [k for k in [*keys, schema.FINDING_BURDEN] if k not in names]
    if missing:
        raise InputError(
            [
                problem(
                    "findings.column_missing",
                    "Spalte fehlt in den Befunden",
                    "column missing in the findings",
                    column=c,
                )
                for c in missing
            ]
        )
    of_kind = fl.filter(nw.col(schema.FINDING_BURDEN) == kind)
    if detector is not None and schema.FINDING_DETECTOR in names:
        of_kind = of_kind.filter(nw.col(schema.FINDING_DETECTOR) == detector)
    if {schema.CASE, schema.FINDING_EVENT_ID} <= set(names):
        of_kind = of_kind.select(*keys, schema.CASE, schema.FINDING_EVENT_ID).unique()
    return _counts(of_kind, keys)


def _distinct_per_case(lf: nw.LazyFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Distinct (case, value) pairs per group: the sum over cases of distinct values."""
    pairs = lf.filter(~nw.col(column).is_null()).select(*keys, schema.CASE, column).unique()
    return _counts(pairs, keys)


def _rework_cases(occurrences: nw.LazyFrame, keys: list[str]) -> pd.DataFrame:
    level = [schema.LEVEL] if schema.LEVEL in occurrences.collect_schema().names() else []
    repeated = (
        occurrences.group_by([*keys, schema.CASE, schema.ACTIVITY, *level], drop_null_keys=False)
        .agg(nw.len().alias("__k"))
        .filter(nw.col("__k") > 1)
        .select(*keys, schema.CASE)
        .unique()
    )
    return _counts(repeated, keys)


def _finding_cases(findings: engine.FrameLike, keys: list[str], kind: Burden) -> pd.DataFrame:
    """Distinct cases per group with at least one finding of ``kind``."""
    _finding_counts(findings, keys, kind)  # checks the columns
    fl = engine.as_lazy(findings)
    cases = fl.filter(nw.col(schema.FINDING_BURDEN) == kind).select(*keys, schema.CASE).unique()
    return _counts(cases, keys)


def _online_intake(lf: nw.LazyFrame, keys: list[str]) -> pd.DataFrame:
    order = steps.order_columns(lf.collect_schema().names())
    numbered = steps.running_count(lf, [schema.CASE], order, steps.POSITION)
    first = numbered.filter(nw.col(steps.POSITION) == 1)
    return _counts(first.filter(nw.col(schema.MEDIUM) == Medium.ONLINE), keys)


def _variant_counts(lf: nw.LazyFrame, keys: list[str]) -> pd.DataFrame:
    """Distinct variants per group (process_map.variants on each group's cases)."""
    groups = _groups(lf, keys)
    rows = []
    for values in groups:
        sub = _subset(lf, keys, values)
        rows.append((*values, len(process_map.variants(sub))))
    return pd.DataFrame(rows, columns=[*keys, "n"])


def _groups(lf: nw.LazyFrame, keys: list[str]) -> list[tuple]:
    if not keys:
        return [()]
    table = engine.to_pandas(lf.select(*keys).unique().sort(keys))
    return [tuple(r) for r in table.itertuples(index=False)]


def _subset(lf: nw.LazyFrame, keys: list[str], values: tuple) -> nw.LazyFrame:
    condition = nw.lit(True)
    for key, value in zip(keys, values, strict=True):
        condition = condition & (nw.col(key) == value)
    return lf.filter(condition)


# --- fitness against the reference process ---------------------------------------------------


def reference_log(catalogue: Catalogue) -> pd.DataFrame:
    """Traces the reference process allows: the path of required steps, the path with each
    optional step at its place in the catalogue, and all steps; as a small pandas log."""
    order = [s.id for s in catalogue.steps if s.in_reference]
    path = catalogue.reference_path
    optional = [s.id for s in catalogue.steps if s.in_reference and s.optional]
    traces = [path, *([a for a in order if a in path or a == o] for o in optional), order]
    start = pd.Timestamp("2000-01-01", tz="UTC")
    rows = [
        (f"reference-{i}", step, start + pd.Timedelta(minutes=j))
        for i, trace in enumerate(traces)
        for j, step in enumerate(trace)
    ]
    return pd.DataFrame(rows, columns=[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP])


@cache
def _reference_model(catalogue: Catalogue) -> discovery.DiscoveredModel:
    """The reference process of ``catalogue`` as a model (discovered once per catalogue)."""
    return discovery.discover_bpmn(reference_log(catalogue))


def reference_fitness(
    frame: engine.FrameLike,
    catalogue: Catalogue,
    *,
    activity_column: str = schema.STEP,
    max_cases: int = 10_000,
) -> pd.DataFrame:
    """Token-based replay fitness (0..1) of each municipality's and service's cases on the
    reference process of ``catalogue`` (a model discovered from :func:`reference_log`).

    At most ``max_cases`` cases per group are replayed (the smallest case ids, as
    ``discovery.discovery_log`` chooses them). Columns: the keys and KPI_FITNESS.
    """
    model = _reference_model(catalogue)
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    keys = group_keys(lf)
    # Token replay skips events whose step the model does not know (they move no token), so
    # replaying only the reference steps gives the same fitness, with far fewer variants; each
    # case keeps its first event, so a case without any reference step is still replayed.
    known = [s.id for s in catalogue.steps if s.in_reference]
    order = steps.order_columns(lf.collect_schema().names())
    numbered = steps.running_count(lf, [schema.CASE], order, steps.POSITION)
    lf = numbered.filter(nw.col(schema.ACTIVITY).is_in(known) | (nw.col(steps.POSITION) == 1))
    rows = []
    for values in _groups(lf, keys):
        sample = discovery.discovery_log(
            _subset(lf, keys, values), coverage=None, max_cases=max_cases
        )
        rows.append((*values, discovery.token_fitness(sample, model)["log_fitness"]))
    return pd.DataFrame(rows, columns=[*keys, schema.KPI_FITNESS])


# --- peer groups and rankings ----------------------------------------------------------------


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
    """
    kpi_columns = list(
        kpi_columns or [c for c in (*LOWER_IS_BETTER, *HIGHER_IS_BETTER) if c in kpis.columns]
    )
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


# --- differences between municipalities ----------------------------------------------------------


def dfg_difference(
    a: process_map.ProcessMap | pd.DataFrame,
    b: process_map.ProcessMap | pd.DataFrame,
    *,
    cases_a: int | None = None,
    cases_b: int | None = None,
) -> pd.DataFrame:
    """The directly-follows edges of two logs compared per 1,000 cases.

    ``a``/``b``: process maps (``process_map.process_map``; their start and end activities
    become edges from START_STEP and to END_STEP) or edge frames with MAP_SOURCE, MAP_TARGET,
    MAP_FREQUENCY (then ``cases_a``/``cases_b`` are required). One row per edge of either:
    EDGE_SOURCE, EDGE_TARGET, DIFF_A and DIFF_B (occurrences per 1,000 cases), DIFF_DELTA
    (A − B), DIFF_SIDE (``only_a``, ``only_b``, ``both``); largest absolute difference first.
    """
    edges_a, n_a = _edges(a, cases_a, "a")
    edges_b, n_b = _edges(b, cases_b, "b")
    merged = edges_a.merge(
        edges_b, on=[schema.EDGE_SOURCE, schema.EDGE_TARGET], how="outer", suffixes=("_a", "_b")
    )
    count_a = merged[f"{schema.EDGE_COUNT}_a"].fillna(0).astype("float64")
    count_b = merged[f"{schema.EDGE_COUNT}_b"].fillna(0).astype("float64")
    out = merged[[schema.EDGE_SOURCE, schema.EDGE_TARGET]].copy()
    out[schema.DIFF_A] = count_a / n_a * 1000.0
    out[schema.DIFF_B] = count_b / n_b * 1000.0
    out[schema.DIFF_DELTA] = out[schema.DIFF_A] - out[schema.DIFF_B]
    out[schema.DIFF_SIDE] = [
        "both" if x > 0 and y > 0 else ("only_a" if x > 0 else "only_b")
        for x, y in zip(count_a, count_b, strict=True)
    ]
    return _by_difference(out, [schema.EDGE_SOURCE, schema.EDGE_TARGET])


def _edges(
    value: process_map.ProcessMap | pd.DataFrame, cases: int | None, side: str
) -> tuple[pd.DataFrame, int]:
    if isinstance(value, process_map.ProcessMap):
        starts = value.start.rename(
            columns={schema.ACTIVITY: schema.MAP_TARGET, schema.MAP_CASES: schema.MAP_FREQUENCY}
        )
        starts[schema.MAP_SOURCE] = schema.START_STEP
        ends = value.end.rename(
            columns={schema.ACTIVITY: schema.MAP_SOURCE, schema.MAP_CASES: schema.MAP_FREQUENCY}
        )
        ends[schema.MAP_TARGET] = schema.END_STEP
        edges = pd.concat([value.edges, starts, ends], ignore_index=True)
        cases = value.cases if cases is None else cases
    else:
        edges = value
    if not cases:
        raise InputError(
            [
                problem(
                    "dfg.cases_missing",
                    f"Fallzahl der Seite {side} fehlt oder ist 0",
                    f"number of cases of side {side} missing or 0",
                    value=side,
                )
            ]
        )
    table = edges[[schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY]].rename(
        columns={
            schema.MAP_SOURCE: schema.EDGE_SOURCE,
            schema.MAP_TARGET: schema.EDGE_TARGET,
            schema.MAP_FREQUENCY: schema.EDGE_COUNT,
        }
    )
    table = table.groupby([schema.EDGE_SOURCE, schema.EDGE_TARGET], as_index=False)[
        schema.EDGE_COUNT
    ].sum()
    return table, int(cases)


def variant_difference(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two variant tables (``process_map.variants``) compared by share of cases.

    One row per variant of either: VARIANT_TRACE (steps joined by VARIANT_SEPARATOR), DIFF_A
    and DIFF_B (share of cases, 0..1), DIFF_DELTA, DIFF_SIDE; largest absolute difference first.
    """

    def shares(table: pd.DataFrame) -> pd.DataFrame:
        traces = [schema.VARIANT_SEPARATOR.join(t) for t in table[schema.VARIANT_ACTIVITIES]]
        return pd.DataFrame(
            {schema.VARIANT_TRACE: traces, "share": table[schema.VARIANT_SHARE].astype("float64")}
        )

    merged = shares(a).merge(shares(b), on=schema.VARIANT_TRACE, how="outer", suffixes=("_a", "_b"))
    out = merged[[schema.VARIANT_TRACE]].copy()
    out[schema.DIFF_A] = merged["share_a"].fillna(0.0)
    out[schema.DIFF_B] = merged["share_b"].fillna(0.0)
    out[schema.DIFF_DELTA] = out[schema.DIFF_A] - out[schema.DIFF_B]
    out[schema.DIFF_SIDE] = [
        "both" if x > 0 and y > 0 else ("only_a" if x > 0 else "only_b")
        for x, y in zip(out[schema.DIFF_A], out[schema.DIFF_B], strict=True)
    ]
    return _by_difference(out, [schema.VARIANT_TRACE])


def _by_difference(out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = out.assign(__abs=out[schema.DIFF_DELTA].abs())
    out = out.sort_values(keys, kind="stable").sort_values("__abs", ascending=False, kind="stable")
    return out.drop(columns="__abs").reset_index(drop=True)


def municipality_difference(
    frame: engine.FrameLike,
    a: str,
    b: str,
    *,
    service: str | None = None,
    activity_column: str = schema.ACTIVITY,
) -> pd.DataFrame:
    """:func:`dfg_difference` of municipality ``a`` against ``b`` (of one ``service``)."""
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    return dfg_difference(*(process_map.process_map(_one(lf, m, service)) for m in (a, b)))


def _one(lf: nw.LazyFrame, municipality: str, service: str | None) -> nw.LazyFrame:
    condition = nw.col(schema.MUNICIPALITY) == municipality
    if service is not None:
        condition = condition & (nw.col(schema.SERVICE) == service)
    sub = lf.filter(condition)
    if engine.row_count(sub) == 0:
        raise InputError(
            [
                problem(
                    "comparison.no_events",
                    "keine Ereignisse für diese Kommune/Leistung",
                    "no events for this municipality/service",
                    column=schema.MUNICIPALITY,
                    value=municipality if service is None else f"{municipality} / {service}",
                )
            ]
        )
    return sub


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
    rows = ranking[ranking[schema.MUNICIPALITY] == municipality]
    if service is not None and schema.SERVICE in ranking.columns:
        rows = rows[rows[schema.SERVICE] == service]
    return int(rows.iloc[0][schema.RANK])


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
    own, other = (behaviour(_one(lf, m, service)) for m in (municipality, best))
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


def _summary(
    municipality: str,
    best: str,
    edges: pd.DataFrame,
    variants: pd.DataFrame,
    top: int,
    names: Mapping[str, str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def named(step: str) -> str:
        return names.get(step, step)

    de: list[str] = []
    en: list[str] = []
    more = edges[edges[schema.DIFF_DELTA] > 0].head(top)
    fewer = edges[edges[schema.DIFF_DELTA] < 0].head(top)
    for _, e in more.iterrows():
        edge = f"{named(e[schema.EDGE_SOURCE])} → {named(e[schema.EDGE_TARGET])}"
        de.append(
            f"{municipality} hat „{edge}“ {number_text(e[schema.DIFF_A])}-mal je 1.000 Fälle, "
            f"{best} {number_text(e[schema.DIFF_B])}-mal."
        )
        en.append(
            f"{municipality} has '{edge}' {number_text(e[schema.DIFF_A], lang='en')} times per "
            f"1,000 cases, {best} {number_text(e[schema.DIFF_B], lang='en')} times."
        )
    for _, e in fewer.iterrows():
        edge = f"{named(e[schema.EDGE_SOURCE])} → {named(e[schema.EDGE_TARGET])}"
        de.append(
            f"{best} hat „{edge}“ {number_text(e[schema.DIFF_B])}-mal je 1.000 Fälle, "
            f"{municipality} {number_text(e[schema.DIFF_A])}-mal."
        )
        en.append(
            f"{best} has '{edge}' {number_text(e[schema.DIFF_B], lang='en')} times per "
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


#: German and English names of the KPIs, for sentences.
KPI_NAMES: dict[str, tuple[str, str]] = {
    schema.KPI_THROUGHPUT_MEDIAN_DAYS: (
        "Durchlaufzeit (Median, Tage)",
        "throughput time (median, days)",
    ),
    schema.KPI_THROUGHPUT_P90_DAYS: (
        "Durchlaufzeit (90-%-Perzentil, Tage)",
        "throughput time (90th percentile, days)",
    ),
    schema.KPI_EUROS_PER_CASE: ("Kosten je Fall (Euro)", "cost per case (euros)"),
    schema.KPI_MEDIA_BREAKS_PER_1000: (
        "Medienbrüche je 1.000 Fälle",
        "media breaks per 1,000 cases",
    ),
    schema.KPI_REENTRIES_PER_1000: (
        "Mehrfacherfassungen je 1.000 Fälle",
        "manual re-entries per 1,000 cases",
    ),
    schema.KPI_ONCE_ONLY_PER_1000: (
        "Once-only-Verstöße je 1.000 Fälle (Nachweise, die eine Behörde schon hat)",
        "once-only violations per 1,000 cases (documents another authority holds)",
    ),
    schema.KPI_DUPLICATES_PER_1000: (
        "Doppelzuständigkeiten je 1.000 Fälle",
        "duplicate responsibilities per 1,000 cases",
    ),
    schema.KPI_PING_PONG_PER_1000: (
        "Ping-Pong zwischen Ebenen je 1.000 Fälle",
        "ping-pong between levels per 1,000 cases",
    ),
    schema.KPI_LEVELS_PER_CASE: ("Verwaltungsebenen je Fall", "government levels per case"),
    schema.KPI_UNITS_PER_CASE: ("Organisationseinheiten je Fall", "org units per case"),
    schema.KPI_REWORK_RATE: ("Anteil der Fälle mit Nacharbeit", "share of cases with rework"),
    schema.KPI_VARIANTS_PER_1000: ("Varianten je 1.000 Fälle", "variants per 1,000 cases"),
    schema.KPI_ONLINE_INTAKE_SHARE: ("Anteil Online-Eingang", "share of online intake"),
    schema.KPI_FITNESS: (
        "Übereinstimmung mit dem Referenzprozess",
        "fitness against the reference process",
    ),
}


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


#: KPIs that are shares (0..1), written as percentages.
SHARE_KPIS = (schema.KPI_REWORK_RATE, schema.KPI_ONLINE_INTAKE_SHARE, schema.KPI_FITNESS)
#: Decimals of each KPI as written (per 1,000 cases: whole numbers).
KPI_DECIMALS: dict[str, int] = {
    schema.KPI_CASES: 0,
    schema.KPI_THROUGHPUT_MEDIAN_DAYS: 1,
    schema.KPI_THROUGHPUT_P90_DAYS: 1,
    schema.KPI_EUROS_PER_CASE: 2,
    schema.KPI_LEVELS_PER_CASE: 2,
    schema.KPI_UNITS_PER_CASE: 2,
    schema.KPI_VARIANTS: 0,
    **{kpi: 0 for kpi in FINDING_KPIS},
    schema.KPI_VARIANTS_PER_1000: 0,
    **{kpi: 0 for kpi in SHARE_KPIS},
}


def format_kpi(kpi: str, value: float, lang: str = "de") -> str:
    """A KPI value as written in sentences and tables: ``1.234`` per 1,000 cases, ``12,5``
    days, ``79,37`` euros, ``45 %`` for shares; German or English number format; "–" for
    a value not computed."""
    if value != value:  # NaN
        return "–"
    number = value * 100 if kpi in SHARE_KPIS else value
    text = number_text(number, KPI_DECIMALS.get(kpi, 2), lang)
    return f"{text} %" if kpi in SHARE_KPIS else text


def number_text(value: float, decimals: int = 0, lang: str = "de") -> str:
    """``value`` with thousands separators: ``1.234,5`` (German) or ``1,234.5`` (English)."""
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
