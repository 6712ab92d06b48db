"""Municipalities compared with each other (``amtsweg compare``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import concat_findings
from analyzer.problems import Problem, error
from app.api.logs import LogFiles, logs_in, logs_of, read_log, segments_of
from connectors.workspace import DEFAULT_WORKSPACE, Workspace


@dataclass(frozen=True)
class Comparison:
    """Municipalities compared with each other (:func:`compare`).

    Every table carries ``cost:edition``: the Destatis tables (and overrides) the costs use.
    """

    kpis: pd.DataFrame  # comparison.kpi_table rows + RANK and RANK_SCORE of the overall ranking
    ranks: pd.DataFrame  # comparison.rank_within_peers: each KPI ranked in its peer group
    ranking: pd.DataFrame  # comparison.overall_ranking: the mean rank over the KPIs
    best_practice: pd.DataFrame  # one row per sentence: what differs from the best peer
    unmapped: pd.DataFrame  # labels without a confirmed step, with the best suggestion
    findings: pd.DataFrame  # the detectors' findings the KPIs count (schema.FINDING_COLUMNS)
    harmonised: tuple[str, ...]  # services compared step by step (a confirmed mapping)
    proposals: tuple[Path, ...]  # step mapping proposals written
    edition: str
    notes: tuple[Problem, ...]


@dataclass
class _Part:
    municipality: str
    service: str
    events: Any
    source: str


def compare(
    sources: Sequence[str | Path] | LogFiles = (),
    *,
    workspace: str | Path | None = None,
    mappings: Mapping[str, str | Path] | None = None,
    service: str | None = None,
    step_mappings: Sequence[str | Path] = (),
    costs: str | Path | None = None,
    sizes: Mapping[str, int] | str | Path | None = None,
    proposal_dir: str | Path | None = None,
    findings: pd.DataFrame | None = None,
    top: int = 3,
    in_memory_limit: int = 2_000_000,
    by: str | None = None,
    where: Mapping[str, str] | None = None,
    end_activities: Sequence[str] = (),
    progress: Callable[..., Any] | None = None,
) -> Comparison:
    """Compare municipalities: KPIs per 1,000 cases, cost per case, rankings within peer
    groups and what each does differently from the best peer.

    ``sources``: files and folders of files (:func:`~app.api.logs.logs_in`; each read with
    ``mappings[str(file)]`` where given, else by :func:`~app.api.logs.mapping_for`); else the
    logs of ``workspace``. Each municipality's and service's log is analysed on its own (detectors,
    KPIs, process map), so no two municipalities' events are ever read together; only their
    aggregates are compared. ``step_mappings``: confirmed step mapping files (one per
    reference catalogue); a service without one is compared on the KPIs that need no
    harmonised steps, and a proposal is written into ``proposal_dir``. ``costs``: a cost
    settings file; ``sizes``: inhabitants per municipality (or a .toml/.csv file) for peer
    groups; ``findings``: the detectors' findings if already computed (else they are).
    ``in_memory_limit``: a workspace log with at most this many events is read into memory
    for the comparison (:func:`analyzer.steps.prepare`); larger logs are compared inside the
    workspace database. ``by``: segments by a case attribute compared like municipalities
    ("Musterdorf · vereinfacht"); ``where``: only the cases with these attribute values
    (:func:`analyzer.segments.segmented`; segmented logs are read into memory).
    ``end_activities``: the activities (steps, where harmonised) that close a case; a case
    ending otherwise is open and left out of the throughput times (else the 5 % rule).
    """
    from analyzer import comparison, harmonisation
    from analyzer.detectors import NOTES, run_detectors
    from connectors.cost_settings import default_cost_settings, read_cost_settings
    from connectors.peer_sizes import read_sizes
    from connectors.step_mapping import read_step_mapping

    # Every settings file is read and checked before any log is.
    settings = read_cost_settings(costs) if costs is not None else default_cost_settings()
    confirmed = step_mappings_by_catalogue(step_mappings, read_step_mapping)
    if sizes is not None and not isinstance(sizes, Mapping):
        sizes = read_sizes(sizes)
    edition = settings.tables.edition
    found_files = sources if isinstance(sources, LogFiles) else logs_in(sources)
    notes: list[Problem] = list(found_files.notes)
    catalogues: dict[str, Any] = {}
    kpi_rows, behaviours, unmapped, label_counts, found_all = [], {}, [], {}, []
    parts, ws = _compare_parts(
        found_files, workspace=workspace, mappings=mappings or {}, service=service, notes=notes
    )
    if by is not None or where:
        parts = [
            _Part(m, s, events, part.source)
            for part in parts
            for (m, s), events in segments_of(
                [((part.municipality, part.service), part.events)], by=by, where=where
            )
        ]
    try:
        for i, part in enumerate(parts):
            # once per log: detectors, harmonisation and KPIs share the case order
            in_memory = ws is None or engine.row_count(part.events) <= in_memory_limit
            part.events = steps.prepare(part.events, in_memory=in_memory)
            m, s = part.municipality, part.service
            if s not in catalogues:
                catalogues[s] = _catalogue_for(s, notes)
            catalogue = catalogues[s]
            mapping = confirmed.get(catalogue.service) if catalogue is not None else None
            if findings is None:
                found = run_detectors(part.events)
                notes.extend(p for p in found.attrs.get(NOTES, []) if p not in notes)
            else:
                found = findings[
                    (findings[schema.MUNICIPALITY] == m) & (findings[schema.SERVICE] == s)
                ]
            found_all.append(found)
            events = part.events
            if catalogue is not None:
                open_labels = harmonisation.unmapped_labels(
                    events, mapping or harmonisation.StepMapping(catalogue=catalogue.service)
                )
                open_labels.insert(0, schema.SERVICE, s)
                unmapped.append(open_labels)
                counts = label_counts.setdefault(catalogue.service, {})
                for label, n in zip(
                    open_labels[schema.MAPPING_LABEL],
                    open_labels[schema.MAPPING_EVENTS],
                    strict=True,
                ):
                    counts[label] = counts.get(label, 0) + int(n)
            priced = priced_log(events, settings=settings, catalogue=catalogue, mapping=mapping)
            if mapping is not None:
                behaviours[(m, s)] = comparison.behaviour(
                    priced.events, activity_column=priced.column
                )
            kpi_rows.append(
                log_kpis(priced, findings=found, settings=settings, end_activities=end_activities)
            )
            if progress is not None:
                progress(i + 1, len(parts))
    finally:
        if ws is not None:
            ws.close()
    kpis = comparison.assign_peer_groups(
        pd.concat(kpi_rows, ignore_index=True), sizes=sizes or None
    )
    ranks = comparison.rank_within_peers(kpis)
    ranking = comparison.overall_ranking(ranks)
    ranking[schema.COST_EDITION] = edition
    keys = [schema.MUNICIPALITY, schema.SERVICE]
    kpis = kpis.merge(ranking[[*keys, schema.RANK_SCORE, schema.RANK]], on=keys, how="left")
    explained = _explanations(ranking, kpis, behaviours, catalogues, top=top)
    explained[schema.COST_EDITION] = edition
    proposals = _write_proposals(label_counts, catalogues, confirmed, proposal_dir, notes)
    open_table = _unmapped_table(unmapped, label_counts, catalogues)
    open_table[schema.COST_EDITION] = edition
    harmonised = tuple(sorted({s for (_m, s) in behaviours}))
    return Comparison(
        kpis=kpis,
        ranks=ranks,
        ranking=ranking,
        best_practice=explained,
        unmapped=open_table,
        findings=concat_findings(found_all),
        harmonised=harmonised,
        proposals=tuple(proposals),
        edition=edition,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class PricedLog:
    """A log as its costs and KPIs are computed: on harmonised steps (STEP, the catalogue's
    times beside the cost settings' own) where a confirmed step mapping exists, else on its
    own activity labels."""

    events: Any
    column: str
    activities: dict[str, Any]
    catalogue: Any  # the reference catalogue where the log is harmonised, else None
    harmonised: bool


def priced_log(events: Any, *, settings: Any, catalogue: Any, mapping: Any) -> PricedLog:
    """``events`` ready for pricing and KPIs (:class:`PricedLog`); one rule for ``compare``
    and the stored results, so both give a municipality the same cost per case."""
    from analyzer import harmonisation

    if mapping is None:
        return PricedLog(events, schema.ACTIVITY, dict(settings.activities), None, False)
    return PricedLog(
        harmonisation.apply_step_mapping(events, mapping),
        schema.STEP,
        {**harmonisation.activity_costing_from_catalogue(catalogue), **settings.activities},
        catalogue,
        True,
    )


def log_kpis(
    priced: PricedLog,
    *,
    findings: pd.DataFrame,
    settings: Any,
    end_activities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The KPI row of one log (:func:`analyzer.comparison.kpi_table`); variants of
    unharmonised labels do not compare between municipalities, so they are left empty.
    ``end_activities``: what closes a case (labels, or steps where harmonised); else an
    activity that ends at least 5 % of the cases (:mod:`analyzer.throughput`)."""
    from analyzer import comparison

    table = comparison.kpi_table(
        priced.events,
        findings=findings,
        tables=settings.tables,
        activities=priced.activities,
        defaults=settings.defaults,
        catalogue=priced.catalogue,
        activity_column=priced.column,
        end_activities=list(end_activities) if end_activities else None,
    )
    if not priced.harmonised:
        table[[schema.KPI_VARIANTS, schema.KPI_VARIANTS_PER_1000]] = float("nan")
    return table


def step_mappings_by_catalogue(paths: Sequence[str | Path], read: Callable[..., Any]) -> dict:
    found: dict[str, Any] = {}
    for path in paths:
        mapping = read(path)
        if mapping.catalogue in found:
            raise error(
                "compare.step_mapping_twice",
                f"zwei Schritt-Zuordnungen für den Katalog „{mapping.catalogue}“; eine angeben",
                f"two step mappings for catalogue '{mapping.catalogue}'; give one",
                file=path,
            )
        found[mapping.catalogue] = mapping
    return found


def _catalogue_for(service: str, notes: list[Problem]) -> Any:
    from analyzer.harmonisation import load_reference_catalogue
    from analyzer.problems import InputError, Severity, problem

    try:
        return load_reference_catalogue(service)
    except InputError:
        notes.append(
            problem(
                "compare.no_catalogue",
                f"kein Referenzkatalog für „{service}“: verglichen wird ohne Schritte "
                "(keine Varianten, Prozesskarten oder Übereinstimmung mit dem Referenzprozess)",
                f"no reference catalogue for '{service}': compared without steps (no "
                "variants, process maps or fitness against the reference process)",
                value=service,
                severity=Severity.WARNING,
            )
        )
        return None


def _compare_parts(
    found: LogFiles,
    *,
    workspace: str | Path | None,
    mappings: Mapping[str, str | Path],
    service: str | None,
    notes: list[Problem],
) -> tuple[list[_Part], Workspace | None]:
    """One :class:`_Part` per municipality and service, and the workspace they are read from
    (open; the caller closes it) when no files are given. A tentative file (found in a
    folder, no mapping) that does not read as a log is skipped with a note."""
    import polars as pl

    from analyzer.harmonisation import plain_name
    from analyzer.problems import InputError

    def wanted(s: str) -> bool:
        return service is None or plain_name(s) == plain_name(service)

    parts: list[_Part] = []
    sources = found.files
    if not sources:
        ws = Workspace(workspace or DEFAULT_WORKSPACE, read_only=True)
        parts = [_Part(m, s, events, str(ws.path)) for m, s, events in ws.partitions() if wanted(s)]
        if not parts:
            try:
                ws.events(service=service)  # raises, naming the logs there are
            finally:
                ws.close()
            raise error(
                "compare.nothing",
                f"keine Protokolle für „{service}“ im Arbeitsbereich",
                f"no logs for '{service}' in the workspace",
                file=ws.path,
            )
        return parts, ws
    seen: dict[tuple[str, str], str] = {}
    for source in sources:
        try:
            frame = read_log(source, mapping=mappings.get(str(source))).frame
        except InputError as exc:
            if source not in found.tentative or str(source) in mappings:
                raise
            notes.append(found.skipped(source, exc))
            continue
        if schema.MUNICIPALITY not in frame.columns:
            raise error(
                "compare.no_municipality",
                "die Datei hat keine Spalte Kommune; in ihrer Zuordnungsdatei unter "
                '[constants] municipality = "…" eintragen',
                'the file has no municipality column; add municipality = "..." under '
                "[constants] in its mapping file",
                file=source,
            )
        if schema.SERVICE not in frame.columns:
            if service is None:
                raise error(
                    "compare.no_service",
                    "die Datei hat keine Spalte Leistung; --service angeben oder in ihrer "
                    'Zuordnungsdatei unter [constants] service = "…" eintragen',
                    "the file has no service column; give --service or add "
                    'service = "..." under [constants] in its mapping file',
                    file=source,
                )
            frame = frame.with_columns(pl.lit(service).alias(schema.SERVICE))
        for (m, s), events in logs_of(frame):
            if not wanted(s):
                continue
            if (m, s) in seen:
                raise error(
                    "compare.twice",
                    f"{m} / {s} steht schon in {seen[(m, s)]}; jede Kommune nur einmal angeben",
                    f"{m} / {s} is in {seen[(m, s)]} already; give each municipality once",
                    file=source,
                )
            seen[(m, s)] = str(source)
            parts.append(_Part(m, s, events, str(source)))
    if not parts:
        raise error(
            "compare.nothing",
            f"keine Ereignisse für „{service}“ in den Dateien",
            f"no events for '{service}' in the files",
        )
    return parts, None


def _explanations(
    ranking: pd.DataFrame,
    kpis: pd.DataFrame,
    behaviours: Mapping[tuple[str, str], Any],
    catalogues: Mapping[str, Any],
    *,
    top: int,
) -> pd.DataFrame:
    """One row per sentence of :func:`analyzer.comparison.explain_difference` for every
    municipality and service (compared with its best peer)."""
    from analyzer.comparison import best_peer, explain_difference
    from analyzer.harmonisation import step_names

    rows = []
    for rec in ranking.to_dict("records"):
        m, s = rec[schema.MUNICIPALITY], rec[schema.SERVICE]
        best, _group = best_peer(ranking, m, service=s)
        catalogue = catalogues.get(s)
        advice = explain_difference(
            ranking,
            municipality=m,
            service=s,
            own=behaviours.get((m, s)),
            best=behaviours.get((best, s)),
            kpis=kpis,
            top=top,
            names=step_names(catalogue) if catalogue is not None else None,
        )
        for de, en in zip(advice.summary_de, advice.summary_en, strict=True):
            rows.append(
                {
                    schema.MUNICIPALITY: m,
                    schema.SERVICE: s,
                    schema.RANK_BEST_MUNICIPALITY: advice.best or m,
                    schema.DIFF_TEXT: de,
                    schema.DIFF_TEXT_EN: en,
                }
            )
    columns = [
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.RANK_BEST_MUNICIPALITY,
        schema.DIFF_TEXT,
        schema.DIFF_TEXT_EN,
    ]
    return pd.DataFrame(rows, columns=columns)


def _write_proposals(
    label_counts: Mapping[str, Mapping[str, int]],
    catalogues: Mapping[str, Any],
    confirmed: Mapping[str, Any],
    proposal_dir: str | Path | None,
    notes: list[Problem],
) -> list[Path]:
    """A step mapping proposal per catalogue with labels still open (confirmed lines kept),
    written into ``proposal_dir``; an existing file is never overwritten."""
    from analyzer.harmonisation import suggest_step_mapping
    from connectors.step_mapping import write_step_mapping_proposal

    if proposal_dir is None:
        return []
    written = []
    by_id = {c.service: c for c in catalogues.values() if c is not None}
    for catalogue_id, counts in sorted(label_counts.items()):
        if not counts:
            continue
        catalogue = by_id[catalogue_id]
        target = Path(proposal_dir) / f"step_mapping_{catalogue_id}.toml"
        if target.exists():
            target = target.with_suffix(".proposal.toml")
        suggestions = suggest_step_mapping(dict(counts), catalogue)
        written.append(
            write_step_mapping_proposal(
                target, suggestions, catalogue, confirmed=confirmed.get(catalogue_id)
            )
        )
    return written


def _unmapped_table(
    unmapped: list[pd.DataFrame],
    label_counts: Mapping[str, Mapping[str, int]],
    catalogues: Mapping[str, Any],
) -> pd.DataFrame:
    """Open labels per service and municipality with the best suggestion and its score."""
    from analyzer.harmonisation import suggest_step_mapping

    columns = [
        schema.SERVICE,
        schema.MUNICIPALITY,
        schema.MAPPING_LABEL,
        schema.MAPPING_EVENTS,
        schema.STEP,
        schema.MAPPING_SCORE,
    ]
    table = pd.concat(unmapped, ignore_index=True) if unmapped else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(columns=columns)
    by_id = {c.service: c for c in catalogues.values() if c is not None}
    best = []
    for catalogue_id, counts in label_counts.items():
        if counts:
            out = suggest_step_mapping(dict(counts), by_id[catalogue_id], limit=1)
            out = out[[schema.MAPPING_LABEL, schema.STEP, schema.MAPPING_SCORE]]
            services = [
                s for s, c in catalogues.items() if c is not None and c.service == catalogue_id
            ]
            best += [out.assign(**{schema.SERVICE: s}) for s in services]
    if best:
        table = table.merge(
            pd.concat(best, ignore_index=True),
            on=[schema.SERVICE, schema.MAPPING_LABEL],
            how="left",
        )
    return table.reindex(columns=columns)
