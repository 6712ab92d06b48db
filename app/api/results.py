"""Analysis results stored in the workspace, for the app: computed once, read per click.

    >>> from app import api
    >>> api.analyse_workspace("amtsweg.duckdb")                  # every log, default settings
    >>> shown = api.stored_results("amtsweg.duckdb", municipality="Musterdorf")
    >>> shown.map_edges, shown.kpis, shown.runs[0].settings

:func:`analyse_workspace` runs, per log (one municipality and service, never two together),
the same analyzer calls as :func:`~app.api.analysis.analyze` (detectors, process map, burden
overlay) and :func:`~app.api.comparison.compare` (the KPI table, harmonised where a confirmed
step mapping exists) plus variants, costs and a per-case summary, and stores them with the
settings that made them (:mod:`connectors.results_store`). :func:`stored_results` reads only
those tables, never the events.

Cases of a step or edge come from a stored case → edge table (each case's directly-follows
pairs with counts, a case's first step as an edge from nowhere): a click on the map is then
one filtered read of a table as long as the log has distinct steps per case, instead of a
window over every event of the log; :func:`cases_on_map` joins it with the per-case summary.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.problems import InputError, Problem
from connectors import results_store as store
from connectors.results_store import RunRecord
from connectors.workspace import DEFAULT_WORKSPACE, Workspace, file_sha256

#: Columns of the per-case summary (one row per case; with CASE and VARIANT_RANK).
CASE_START = "cases:start"  # the case's first TIMESTAMP
CASE_END = "cases:end"  # the case's last TIMESTAMP
CASE_EVENTS = "cases:events"
CASE_FINDINGS = "cases:findings"  # the detectors' findings in the case


@dataclass(frozen=True)
class StoredResults:
    """The stored results of the selected logs (each table with MUNICIPALITY and SERVICE).

    ``map_*``: :func:`analyzer.process_map.process_map`; ``burden_*``:
    :func:`analyzer.process_map.burden_overlay`; ``variants``:
    :func:`analyzer.process_map.variants`; ``findings``: schema.FINDING_COLUMNS; ``kpis``:
    :func:`analyzer.comparison.kpi_table`; ``costs``: :func:`analyzer.cost_model.annual_cost`;
    ``activity_costs``: :func:`analyzer.cost_model.activity_times` (per level where the log
    has one); ``burden_costs``: :func:`analyzer.cost_model.finding_costs`; ``cases``: CASE,
    CASE_START, CASE_END, CASE_EVENTS, VARIANT_RANK, CASE_FINDINGS.
    """

    runs: tuple[RunRecord, ...]
    map_edges: pd.DataFrame = field(default_factory=pd.DataFrame)
    map_activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    map_start: pd.DataFrame = field(default_factory=pd.DataFrame)
    map_end: pd.DataFrame = field(default_factory=pd.DataFrame)
    burden_edges: pd.DataFrame = field(default_factory=pd.DataFrame)
    burden_nodes: pd.DataFrame = field(default_factory=pd.DataFrame)
    variants: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    activity_costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    burden_costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)


def analyse_workspace(
    workspace: str | Path = DEFAULT_WORKSPACE,
    *,
    municipality: str | None = None,
    service: str | None = None,
    costs: str | Path | None = None,
    step_mappings: Sequence[str | Path] = (),
    detectors: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Callable[..., Any] | None = None,
) -> list[RunRecord]:
    """Analyse the workspace's logs (all, or those of ``municipality``/``service``) and store
    their results, each log's atomically, replacing its previous results.

    ``costs``: a cost settings file; ``step_mappings``: confirmed step mapping files (the
    KPIs of a service with one are computed on harmonised steps, as ``compare`` does);
    ``detectors``/``options``: as for :func:`~app.api.analysis.analyze`. Every file and
    option is checked before any log is read. ``progress(done, total)`` after each log.
    """
    from analyzer.detectors import check_options
    from app.api.comparison import step_mappings_by_catalogue
    from connectors.cost_settings import default_cost_settings, read_cost_settings
    from connectors.step_mapping import read_step_mapping

    names = check_options(detectors, options)
    settings = read_cost_settings(costs) if costs is not None else default_cost_settings()
    confirmed = step_mappings_by_catalogue(step_mappings, read_step_mapping)
    hashes = {
        m.catalogue: file_sha256(p) for p, m in zip(step_mappings, confirmed.values(), strict=True)
    }
    run_settings = {
        "detectors": names,
        "detector_options": _detector_options(names, options or {}),
        "cost_edition": settings.tables.edition,
        "cost_settings": {"path": str(costs), "sha256": file_sha256(costs)} if costs else None,
    }
    records: list[RunRecord] = []
    with Workspace(workspace) as ws:
        parts = [
            (m, s, events)
            for m, s, events in ws.partitions()
            if (municipality is None or m == municipality) and (service is None or s == service)
        ]
        if not parts:
            ws.events(municipality=municipality, service=service)  # raises, naming the logs
        for i, (m, s, events) in enumerate(parts):
            catalogue, mapping = _harmonisation_for(s, confirmed)
            tables, notes = results_of_log(
                events,
                names=names,
                options=options,
                settings=settings,
                catalogue=catalogue,
                mapping=mapping,
            )
            step_mapping = None
            if mapping is not None:
                step_mapping = {"catalogue": mapping.catalogue, "sha256": hashes[mapping.catalogue]}
            records.append(
                store.store_run(
                    ws,
                    municipality=m,
                    service=s,
                    settings={**run_settings, "step_mapping": step_mapping},
                    tables=tables,
                    notes=notes,
                )
            )
            if progress is not None:
                progress(i + 1, len(parts))
    return records


def results_of_log(
    events: Any,
    *,
    names: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    settings: Any = None,
    catalogue: Any = None,
    mapping: Any = None,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The result tables (kinds of :data:`connectors.results_store.KINDS`) of one log, and
    the notes on what its columns or the settings limit (the detectors' notes; a cost that
    cannot be computed, e.g. cases per year of a log spanning no time, leaves its table
    empty with the reason as a note)."""
    from analyzer import cost_model
    from analyzer.detectors import NOTES, run_detectors
    from analyzer.process_map import burden_overlay, process_map, variants
    from app.api.comparison import log_kpis, priced_log
    from connectors.cost_settings import default_cost_settings

    settings = settings or default_cost_settings()
    part = steps.prepare(events)  # once: every table below shares the case order
    findings = run_detectors(part, names=names, options=options)
    notes: list[Problem] = list(findings.attrs.get(NOTES, []))
    pmap = process_map(part)
    overlay = burden_overlay(part, findings)
    # as compare: KPIs and costs on harmonised steps where a confirmed mapping exists
    log = priced_log(part, settings=settings, catalogue=catalogue, mapping=mapping)
    priced, column, activities = log.events, log.column, log.activities
    kpis = log_kpis(log, findings=findings, settings=settings)
    pricing = {"tables": settings.tables, "activities": activities, "defaults": settings.defaults}
    keys = [k for k in (schema.MUNICIPALITY, schema.SERVICE) if k in engine.columns_of(part)]
    levels = [schema.LEVEL] if schema.LEVEL in engine.columns_of(part) else []
    tables = {
        "map_edges": pmap.edges,
        "map_activities": pmap.activities,
        "map_start": pmap.start,
        "map_end": pmap.end,
        "burden_edges": overlay.edges,
        "burden_nodes": overlay.nodes,
        "variants": variants(part),
        "findings": findings,
        "kpis": kpis,
        "activity_costs": cost_model.activity_times(
            priced, label_column=column, by=[*keys, *levels], **pricing
        ),
        "cases": case_summary(part, findings),
        "case_edges": case_edges(part),
    }
    yearly = {
        "costs": lambda: cost_model.annual_cost(
            priced, label_column=column, cases_per_year=settings.cases_per_year, **pricing
        ),
        "burden_costs": lambda: cost_model.finding_costs(
            findings,
            log=part,
            tables=settings.tables,
            cases_per_year=settings.cases_per_year,
            burdens=settings.burdens,
            activities=settings.activities,
            defaults=settings.defaults,
        ),
    }
    for kind, compute in yearly.items():
        try:
            tables[kind] = compute()
        except InputError as exc:
            tables[kind] = pd.DataFrame()
            notes.extend(p for p in exc.problems if p not in notes)
    return tables, notes


def case_summary(frame: Any, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per case: CASE, CASE_START, CASE_END, CASE_EVENTS, VARIANT_RANK (the rank of
    its variant in :func:`analyzer.process_map.variants`) and CASE_FINDINGS, by case id."""
    from analyzer import process_map as pm

    lf = steps.prepare(frame)
    spans = engine.to_pandas(
        lf.group_by(schema.CASE).agg(
            nw.col(schema.TIMESTAMP).min().alias(CASE_START),
            nw.col(schema.TIMESTAMP).max().alias(CASE_END),
            nw.len().alias(CASE_EVENTS),
        )
    )
    ranked = pm.case_variants(lf)  # ranked exactly as variants() ranks them
    counts = findings.groupby(schema.CASE, observed=True).size().rename(CASE_FINDINGS)
    out = spans.merge(ranked, on=schema.CASE, how="left")
    out[CASE_EVENTS] = out[CASE_EVENTS].astype("int64")
    out[schema.VARIANT_RANK] = out[schema.VARIANT_RANK].astype("int64")
    out[CASE_FINDINGS] = (
        out[schema.CASE].map(counts.astype("int64")).fillna(0).astype("int64").to_numpy()
    )
    out = out.sort_values(schema.CASE, kind="stable").reset_index(drop=True)
    columns = [schema.CASE, CASE_START, CASE_END, CASE_EVENTS, schema.VARIANT_RANK, CASE_FINDINGS]
    return out[columns]


def case_edges(frame: Any) -> pd.DataFrame:
    """Each case's directly-follows pairs: CASE, MAP_SOURCE (missing for the case's first
    step), MAP_TARGET, MAP_FREQUENCY (times in the case); by source, target and case."""
    lf = steps.prepare(frame)
    prev = steps.prev_name(schema.ACTIVITY)
    table = engine.to_pandas(
        steps.with_previous(lf, [schema.ACTIVITY])
        .group_by(schema.CASE, prev, schema.ACTIVITY, drop_null_keys=False)
        .agg(nw.len().alias(schema.MAP_FREQUENCY))
    ).rename(columns={prev: schema.MAP_SOURCE, schema.ACTIVITY: schema.MAP_TARGET})
    table[schema.MAP_FREQUENCY] = table[schema.MAP_FREQUENCY].astype("int64")
    table = table.sort_values(
        [schema.MAP_SOURCE, schema.MAP_TARGET, schema.CASE], na_position="first", kind="stable"
    )
    columns = [schema.CASE, schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY]
    return table[columns].reset_index(drop=True)


def stored_results(
    workspace: str | Path = DEFAULT_WORKSPACE,
    *,
    municipality: str | None = None,
    service: str | None = None,
    tables: Collection[str] | None = None,
) -> StoredResults:
    """The stored results of the workspace's current logs (of ``municipality``/``service``
    where given), read from the result tables only; ``tables``: only these fields of
    :class:`StoredResults` (the others stay empty). A log without stored results (never
    analysed, or imported again since) has no run and no rows."""
    wanted = [k for k in store.KINDS if k not in store.LARGE_KINDS]
    if tables is not None:
        unknown = sorted(set(tables) - set(wanted))
        if unknown:
            raise ValueError(f"unknown result tables: {unknown}; known: {wanted}")
        wanted = [k for k in wanted if k in tables]
    with Workspace(workspace, read_only=True) as ws:
        runs = store.current_runs(ws, municipality=municipality, service=service)
        read = {kind: store.read_kind(ws, runs, kind) for kind in wanted}
    return StoredResults(runs=tuple(runs), **read)


def cases_on_map(
    workspace: str | Path = DEFAULT_WORKSPACE,
    *,
    municipality: str,
    service: str,
    activity: str | None = None,
    edge: tuple[str, str] | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """The per-case summary (:attr:`StoredResults.cases`) of the cases of one log that pass
    ``activity`` or ``edge`` (source, target), at most ``limit`` of them, by case id."""
    if (activity is None) == (edge is None):
        raise ValueError("give either activity or edge")
    q = store.quoted
    if edge is not None:
        where, params = f"{q(schema.MAP_SOURCE)} = ? and {q(schema.MAP_TARGET)} = ?", list(edge)
    else:
        where, params = f"{q(schema.MAP_TARGET)} = ?", [activity]
    with Workspace(workspace, read_only=True) as ws:
        runs = store.current_runs(ws, municipality=municipality, service=service)
        if not runs:
            return pd.DataFrame()
        found = store.query_kind(ws, runs[0], "case_edges", where=where, params=params)
        cases = sorted(set(found[schema.CASE])) if len(found) else []
        cases = cases[: max(limit, 0)]
        if not cases:
            return store.query_kind(ws, runs[0], "cases", where="false", params=[])
        marks = ", ".join("?" for _ in cases)
        return store.query_kind(
            ws,
            runs[0],
            "cases",
            where=f"{q(schema.CASE)} in ({marks}) order by {q(schema.CASE)}",
            params=cases,
        )


def case_events(
    workspace: str | Path = DEFAULT_WORKSPACE, *, municipality: str, service: str, case: str
) -> pd.DataFrame:
    """The events of one case of one log in case order (its timeline), read from the log."""
    with Workspace(workspace, read_only=True) as ws:
        events = nw.from_native(ws.events(municipality=municipality, service=service))
        chosen = events.filter(nw.col(schema.CASE) == case)
        if engine.row_count(chosen) == 0:  # no such case in this log: nothing to show
            return pd.DataFrame(columns=chosen.collect_schema().names())
        one = steps.prepare(chosen)
        table = engine.to_pandas(one.sort(steps.SEQUENCE).drop(steps.SEQUENCE))
    return table.reset_index(drop=True)


def _harmonisation_for(service: str, confirmed: Mapping[str, Any]) -> tuple[Any, Any]:
    """(reference catalogue, confirmed step mapping) of ``service``; None where absent."""
    from analyzer.harmonisation import load_reference_catalogue
    from analyzer.problems import InputError

    try:
        catalogue = load_reference_catalogue(service)
    except InputError:
        return None, None
    return catalogue, confirmed.get(catalogue.service)


def _detector_options(
    names: Sequence[str], given: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Every option of every detector run: the value given, else its default."""
    from analyzer.detectors import DETECTORS

    return {
        n: {k: given.get(n, {}).get(k, p.default) for k, p in DETECTORS[n].options().items()}
        for n in names
    }
