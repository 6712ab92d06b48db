"""The burden findings of files or workspace logs (``amtsweg analyze``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema, steps
from analyzer.detectors.base import concat_findings
from analyzer.findings_summary import findings_by_detector
from analyzer.log_summary import log_overview
from analyzer.problems import InputError, Problem
from app.api.logs import filtered_to, logs_in, logs_of, read_log, segments_of
from connectors.workspace import DEFAULT_WORKSPACE, Workspace


@dataclass(frozen=True)
class Analysis:
    """The burden findings of one or more logs, and their summary per detector."""

    findings: pd.DataFrame  # schema.FINDING_COLUMNS, one row per finding
    summary: pd.DataFrame  # analyzer.findings_summary.findings_by_detector
    cases: pd.DataFrame  # municipality, service, cases (the denominators)
    notes: tuple[Problem, ...]  # what the logs' columns limit (missing, inferred)
    #: per (municipality, service): the process map and where the findings sit on it
    maps: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)
    #: per (municipality, service): the BPMN 2.0 XML discovered by the inductive miner
    bpmn: dict[tuple[str, str], str] = field(default_factory=dict)


def analyze(
    source: str | Path | None = None,
    *,
    workspace: str | Path | None = None,
    municipality: str | None = None,
    service: str | None = None,
    detectors: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    maps: bool = False,
    bpmn: bool = False,
    by: str | None = None,
    where: Mapping[str, str] | None = None,
    progress: Callable[..., Any] | None = None,
    **read_options: Any,
) -> Analysis:
    """Run the burden detectors on a file, the logs in a folder or the logs of a workspace.

    Each workspace log (one municipality and service) is analysed on its own, so no
    municipality's events are ever read together with another's. ``maps``: also the
    directly-follows map of each log with its findings on it; ``bpmn``: also a BPMN model
    of each log (pm4py's inductive miner on the variants covering 80 % of the cases).
    ``by``: one log per value of that case attribute ("Musterdorf · vereinfacht");
    ``where``: only the cases whose attributes have these values
    (:func:`analyzer.segments.segmented`).
    """
    from analyzer.detectors import NOTES, check_options, run_detectors

    check_options(detectors, options)  # a misspelt detector or option fails before any work
    parts: list[tuple[tuple[str, str], Any]] = []
    notes: list[Problem] = []
    if source is not None:
        given = logs_in([source])  # a folder: every log in it
        notes.extend(given.notes)
        for file in given.files:
            try:
                frame = read_log(file, **read_options).frame
            except InputError as exc:
                if file not in given.tentative or read_options.get("mapping") is not None:
                    raise
                notes.append(given.skipped(file, exc))
                continue
            parts += logs_of(filtered_to(frame, municipality=municipality, service=service))
        ws = None
    else:
        ws = Workspace(workspace or DEFAULT_WORKSPACE, read_only=True)
        for m, s, events in ws.partitions():
            if (municipality is None or m == municipality) and (service is None or s == service):
                parts.append(((m, s), events))
        if not parts:
            try:
                ws.events(municipality=municipality, service=service)  # raises, naming them
            finally:
                ws.close()  # a read-only connection left open would lock out later imports
    if by is not None or where:
        parts = segments_of(parts, by=by, where=where)
    try:
        found, overviews = [], []
        drawn: dict[tuple[str, str], tuple[Any, Any]] = {}
        models: dict[tuple[str, str], str] = {}
        for i, (key, raw) in enumerate(parts):
            part = steps.prepare(raw)  # once: detectors, overview and maps share it
            findings = run_detectors(part, names=detectors, options=options)
            notes.extend(p for p in findings.attrs.get(NOTES, []) if p not in notes)
            found.append(findings)
            overviews.append(log_overview(part))
            if maps:
                drawn[key] = _map_with_burden(part, findings)
            if bpmn:
                from analyzer.discovery import bpmn_xml, discover_bpmn, discovery_log

                models[key] = bpmn_xml(discover_bpmn(discovery_log(part)))
            if progress is not None:
                progress(i + 1, len(parts))
    finally:
        if ws is not None:
            ws.close()
    findings = concat_findings(found)
    cases = pd.concat(overviews, ignore_index=True)
    cases = cases[[c for c in (schema.MUNICIPALITY, schema.SERVICE, "cases") if c in cases]]
    return Analysis(
        findings=findings,
        summary=findings_by_detector(findings, cases),
        cases=cases,
        notes=tuple(notes),
        maps=drawn,
        bpmn=models,
    )


def _map_with_burden(frame: Any, findings: pd.DataFrame) -> tuple:
    """The map of one log and its burden overlay (``findings``: that log's findings)."""
    from analyzer.process_map import burden_overlay, process_map

    return process_map(frame), burden_overlay(frame, findings)
