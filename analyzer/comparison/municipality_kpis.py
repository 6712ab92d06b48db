"""The KPI table: one row per municipality and service (definitions in
:mod:`analyzer.comparison.kpi_definitions`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import narwhals as nw
import pandas as pd

from analyzer import engine, process_map, schema, steps
from analyzer.comparison.kpi_definitions import FINDING_KPIS, KPI_COLUMNS
from analyzer.comparison.peers import DEFAULT_SIZE_CLASSES, assign_peer_groups
from analyzer.comparison.reference_process import reference_fitness
from analyzer.comparison.views import group_subset, group_values, harmonised_view
from analyzer.cost_model import ActivityCosting, CostDefaults, annual_cost
from analyzer.cost_tables import CostTables
from analyzer.harmonisation import Catalogue
from analyzer.problems import InputError, problem
from analyzer.schema import Burden, Medium
from analyzer.throughput import EndActivities, group_keys, throughput_days

#: What a cost per case in the KPI table rests on (with ``tables``), after the KPIs.
COST_BASIS_COLUMNS: tuple[str, ...] = (
    schema.COST_PRICED_BY,
    schema.COST_BASIS,
    schema.COST_ACTIVITIES,
    schema.COST_ACTIVITIES_PRICED,
    schema.COST_UNPRICED_ACTIVITIES,
    schema.COST_NOTE,
    schema.COST_NOTE_EN,
)
#: Why the cost per case of a municipality differs between a comparison with and one
#: without a step mapping (German, English), by what was priced: harmonised steps or labels.
PRICED_BY_TEXT: dict[str, tuple[str, str]] = {
    "step": (
        "Bewertet nach harmonisierten Schritten (Schrittzuordnung); ohne Schrittzuordnung "
        "werden die eigenen Tätigkeitsbezeichnungen jeder Kommune bewertet, nur mit den im "
        "Protokoll gemessenen Dauern und der Kostendatei, daher können Kosten je Fall und Rang "
        "dort anders ausfallen.",
        "Priced by harmonised steps (step mapping); without a step mapping each "
        "municipality's own activity labels are priced, only with durations measured in its "
        "log and the costs file, so cost per case and rank can differ there.",
    ),
    "label": (
        "Bewertet nach den eigenen Tätigkeitsbezeichnungen (ohne Schrittzuordnung); mit einer "
        "Schrittzuordnung werden die harmonisierten Schritte bewertet, auch mit den Zeiten "
        "des Referenzkatalogs, daher können Kosten je Fall und Rang dort anders ausfallen.",
        "Priced by the municipality's own activity labels (no step mapping); with a step "
        "mapping the harmonised steps are priced, also with the reference catalogue's "
        "times, so cost per case and rank can differ there.",
    ),
}


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
    end_activities: EndActivities = None,
) -> pd.DataFrame:
    """The KPI table: one row per municipality and service (see the module docstring).

    Columns: MUNICIPALITY and SERVICE (where the log has them), KPI_COLUMNS, KPI_SIZE and
    KPI_PEER_GROUP (:func:`assign_peer_groups`), and where ``tables`` are given
    :data:`COST_BASIS_COLUMNS` and ``cost:edition``. A cost per case is missing (NaN) where
    an activity has no time (:func:`~analyzer.cost_model.annual_cost`); its note says
    whether steps or labels were priced (:data:`PRICED_BY_TEXT`), on what basis, or what is
    missing. ``activities``/``defaults`` price the steps (keys of ``activity_column``).
    ``fitness``: a frame with the keys and KPI_FITNESS; else, with a reference ``catalogue``,
    computed by :func:`reference_fitness` (use with ``activity_column=schema.STEP``).
    ``end_activities``: what closes a case, per service (:mod:`analyzer.throughput`; open
    cases are counted in KPI_OPEN_CASES and left out of the throughput times).
    KPIs that cannot be computed (no MEDIUM, no findings, no fitness) are empty (NaN).
    """
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    columns = lf.collect_schema().names()
    keys = group_keys(lf)
    through = throughput_days(lf, by=keys, end_activities=end_activities).rename(
        columns={
            "cases": schema.KPI_CASES,
            "open_cases": schema.KPI_OPEN_CASES,
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
        costs = costs[
            [*keys, schema.COST_EUROS_PER_CASE, *COST_BASIS_COLUMNS[1:], schema.COST_EDITION]
        ].copy()
        by = "step" if activity_column != schema.ACTIVITY else "label"
        costs.insert(len(keys) + 1, schema.COST_PRICED_BY, by)
        why_de, why_en = PRICED_BY_TEXT[by]
        costs[schema.COST_NOTE] = why_de + " " + costs[schema.COST_NOTE]
        costs[schema.COST_NOTE_EN] = why_en + " " + costs[schema.COST_NOTE_EN]
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
    extra = [*COST_BASIS_COLUMNS, schema.COST_EDITION] if tables is not None else []
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
    groups = group_values(lf, keys)
    rows = []
    for values in groups:
        sub = group_subset(lf, keys, values)
        rows.append((*values, len(process_map.variants(sub))))
    return pd.DataFrame(rows, columns=[*keys, "n"])
