"""The Python API for notebooks: the same verbs as the ``amtsweg`` command line.

    >>> from app import api
    >>> log = api.read_log("export.csv", mapping="export.mapping.toml")
    >>> api.import_log("export.csv", workspace="amtsweg.duckdb", municipality="Musterstadt",
    ...                service="Wohngeld", mapping="export.mapping.toml")
    >>> api.overview(workspace="amtsweg.duckdb")      # cases, events, activities, time span

Every function takes keyword-only options with the defaults of the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema
from analyzer.findings_summary import findings_by_detector
from analyzer.log_summary import attribute_coverage, log_overview
from analyzer.problems import Problem, error
from connectors.event_log import EventLog
from connectors.workspace import DEFAULT_WORKSPACE, ImportRecord, Workspace


def is_database_url(source: str | Path) -> bool:
    return "://" in str(source)


def read_log(
    source: str | Path,
    *,
    mapping: str | Path | None = None,
    duplicates: str = "keep",
    sheet: str | None = None,
    object_type: str | None = None,
    table: str | None = None,
    query: str | None = None,
    timezone: str | None = None,
    progress: Callable[..., Any] | None = None,
) -> EventLog:
    """Read and validate a log from a file (CSV, Excel, Parquet, XES, OCEL 2.0) or a database
    URL (with ``table`` or ``query``); raises :class:`~analyzer.problems.InputError`."""
    options: dict[str, Any] = {
        "duplicates": duplicates,
        "timezone": timezone,
        "progress": progress,
    }
    if is_database_url(source):
        from connectors.sql import read_sql_log

        options.update(table=table, query=query)
        return read_sql_log(str(source), mapping=mapping, **_given(options))
    from connectors.reading import read_event_log

    options.update(sheet=sheet, object_type=object_type)
    return read_event_log(Path(source), mapping=mapping, **_given(options))


def import_log(
    source: str | Path,
    *,
    workspace: str | Path = DEFAULT_WORKSPACE,
    municipality: str | None = None,
    service: str | None = None,
    mapping: str | Path | None = None,
    **read_options: Any,
) -> list[ImportRecord]:
    """Read ``source`` and store it in ``workspace`` (atomic; replaces the same log)."""
    log = read_log(source, mapping=mapping, **read_options)
    with Workspace(workspace) as ws:
        return ws.import_log(
            log,
            municipality=municipality,
            service=service,
            source_path=source if not is_database_url(source) else None,
            mapping_path=mapping,
        )


def overview(
    source: str | Path | None = None, *, workspace: str | Path | None = None, **read_options: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overview, attribute coverage) of a file or of a whole workspace."""
    if source is not None:
        return overview_of_frame(read_log(source, **read_options).frame)
    with Workspace(workspace or DEFAULT_WORKSPACE, read_only=True) as ws:
        overviews, coverages = [], []
        for _m, _s, events in ws.partitions():
            overviews.append(log_overview(events))
            coverages.append(attribute_coverage(events))
    if not overviews:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(overviews, ignore_index=True), pd.concat(coverages, ignore_index=True)


@dataclass(frozen=True)
class Analysis:
    """The burden findings of one or more logs, and their summary per detector."""

    findings: pd.DataFrame  # schema.FINDING_COLUMNS, one row per finding
    summary: pd.DataFrame  # analyzer.findings_summary.findings_by_detector
    cases: pd.DataFrame  # municipality, service, cases (the denominators)
    notes: tuple[Problem, ...]  # what the logs' columns limit (missing, inferred)


def analyze(
    source: str | Path | None = None,
    *,
    workspace: str | Path | None = None,
    municipality: str | None = None,
    service: str | None = None,
    detectors: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Callable[..., Any] | None = None,
    **read_options: Any,
) -> Analysis:
    """Run the burden detectors on a file or on the logs of a workspace.

    Each workspace log (one municipality and service) is analysed on its own, so no
    municipality's events are ever read together with another's.
    """
    from analyzer.detectors import NOTES, check_options, run_detectors

    check_options(detectors, options)  # a misspelt detector or option fails before any work
    parts: list[Any] = []
    if source is not None:
        frame = read_log(source, **read_options).frame
        parts.append(_only(frame, municipality=municipality, service=service))
        ws = None
    else:
        ws = Workspace(workspace or DEFAULT_WORKSPACE, read_only=True)
        for m, s, events in ws.partitions():
            if (municipality is None or m == municipality) and (service is None or s == service):
                parts.append(events)
        if not parts:
            ws.events(municipality=municipality, service=service)  # raises, naming what exists
    try:
        found, overviews, notes = [], [], []
        for i, part in enumerate(parts):
            findings = run_detectors(part, names=detectors, options=options)
            notes.extend(p for p in findings.attrs.get(NOTES, []) if p not in notes)
            found.append(findings)
            overviews.append(log_overview(part))
            if progress is not None:
                progress(i + 1, len(parts))
    finally:
        if ws is not None:
            ws.close()
    findings = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    findings.attrs = {}
    cases = pd.concat(overviews, ignore_index=True)
    cases = cases[[c for c in (schema.MUNICIPALITY, schema.SERVICE, "cases") if c in cases]]
    return Analysis(
        findings=findings,
        summary=findings_by_detector(findings, cases),
        cases=cases,
        notes=tuple(notes),
    )


def _only(frame: Any, *, municipality: str | None, service: str | None) -> Any:
    import polars as pl

    for column, value in ((schema.MUNICIPALITY, municipality), (schema.SERVICE, service)):
        if value is not None:
            if column not in frame.columns:
                raise error(
                    "filter.no_column",
                    f"die Datei hat keine Spalte {schema.FIELDS_BY_COLUMN[column].label_de}",
                    f"the file has no {schema.FIELDS_BY_COLUMN[column].label_en} column",
                    column=column,
                )
            frame = frame.filter(pl.col(column) == value)
    return frame


def overview_of_frame(frame: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overview, attribute coverage) of an event log frame (any backend)."""
    return log_overview(frame), attribute_coverage(frame)


def _given(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


__all__ = [
    "Analysis",
    "analyze",
    "import_log",
    "is_database_url",
    "overview",
    "overview_of_frame",
    "read_log",
]
