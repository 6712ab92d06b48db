"""A municipality's report as a document (``amtsweg report``): HTML, PDF, Excel, PowerPoint.

    >>> from app import api
    >>> api.report("export.csv", out="bericht.pdf")                       # one log in the file
    >>> api.report(workspace="amtsweg.duckdb", municipality="Musterdorf",
    ...            service="Wohngeld", out="report.html", language="en")

The numbers are the analyzer's for the same input: the log is read (from the file, or from
the workspace), analysed as :func:`~app.api.results.results_of_log` does for the app, priced
with the same cost settings, and :func:`reports.content.report_content` puts them into the
report's tree, which each format lays out. The format follows the suffix of ``out``
(:data:`FORMATS`; a new format is one entry there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.problems import InputError, Problem, error
from connectors.workspace import amtsweg_version, file_sha256
from reports.content import ReportContent, Sources, example_cases, report_content


@dataclass(frozen=True)
class ReportData:
    """What a format lays out: the report's contents and the result tables they come from
    (:func:`~app.api.results.results_of_log`'s kinds: findings, costs, burden_costs, kpis,
    cases, ...), so a workbook or a deck shows the same numbers as the document."""

    content: ReportContent
    tables: Mapping[str, pd.DataFrame]


#: Suffix of the output file → the function that renders a report as bytes.
FORMATS: dict[str, Callable[[ReportData], bytes]] = {}


def _register_formats() -> None:
    from reports.html import html_report
    from reports.pdf import pdf_report

    FORMATS.setdefault(".html", lambda data: html_report(data.content))
    FORMATS.setdefault(".pdf", lambda data: pdf_report(data.content))
    FORMATS.setdefault(".xlsx", _workbook)
    FORMATS.setdefault(".pptx", _deck)


def _provenance_rows(data: ReportData) -> list[tuple[str, str]]:
    """(item, value) rows of where the numbers come from, in the report's language."""
    de = data.content.language == "de"
    p, title = data.content.provenance, data.content.title
    rows = [
        ("Kommune" if de else "municipality", title.municipality),
        ("Leistung" if de else "service", title.service),
        ("Zeitraum" if de else "period", title.period),
        ("Stand" if de else "date", title.date),
        ("Amtsweg-Version" if de else "Amtsweg version", p.version),
    ]
    rows += [(("Eingabe" if de else "input") + f" {name}", sha) for name, sha in p.inputs]
    rows += [(("Zuordnung" if de else "mapping") + f" {name}", sha) for name, sha in p.mappings]
    rows += [("Hinweis" if de else "note", text) for text in p.limits]
    return rows


def _workbook(data: ReportData) -> bytes:
    from analyzer.findings_summary import findings_by_detector
    from reports.workbook import report_workbook

    t, title = data.tables, data.content.title
    cases = pd.DataFrame(
        {
            schema.MUNICIPALITY: [title.municipality],
            schema.SERVICE: [title.service],
            "cases": [len(t["cases"])],
        }
    )
    return report_workbook(
        summary=findings_by_detector(t["findings"], cases),
        findings=t["findings"],
        costs=t.get("costs"),
        burden_costs=t.get("burden_costs"),
        kpis=t.get("kpis"),
        provenance=_provenance_rows(data),
        language=data.content.language,
    )


def _deck(data: ReportData) -> bytes:
    from reports.slides import steering_deck

    title = data.content.title
    return steering_deck(
        municipality=title.municipality,
        service=title.service,
        burden_costs=data.tables["burden_costs"],
        period=title.period,
        date=title.date,
        kpis=data.tables.get("kpis"),
        method=[f"{item}: {value}" for item, value in _provenance_rows(data)[4:]],
        language=data.content.language,
    )


def report(
    source: str | Path | None = None,
    *,
    out: str | Path,
    workspace: str | Path | None = None,
    municipality: str | None = None,
    service: str | None = None,
    costs: str | Path | None = None,
    mapping: str | Path | None = None,
    language: Literal["de", "en"] = "de",
    date: dt.date | None = None,
) -> Path:
    """Write the report of one log (one municipality and service) to ``out`` and return it.

    ``source``: a log file or a folder of them; else the logs of ``workspace``. Where the
    input holds several logs, ``municipality``/``service`` choose one. ``costs``: a cost
    settings file; ``date``: the report's date (today where not given).
    """
    _register_formats()
    target = Path(out)
    render = FORMATS.get(target.suffix.lower())
    if render is None:
        raise error(
            "report.format",
            f"Berichte gibt es als {', '.join(sorted(FORMATS))}; „{target.name}“ hat eine "
            "andere Endung",
            f"reports are written as {', '.join(sorted(FORMATS))}; '{target.name}' has "
            "another ending",
            file=str(target),
            value=target.suffix,
        )
    data = report_data(
        source,
        workspace=workspace,
        municipality=municipality,
        service=service,
        costs=costs,
        mapping=mapping,
        language=language,
        date=date,
    )
    rendered = render(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(rendered)
    return target


def report_of(
    source: str | Path | None = None,
    **options: Any,
) -> ReportContent:
    """The contents of the report of one log, as :func:`report` writes them (the options
    of :func:`report_data`)."""
    return report_data(source, **options).content


def report_data(
    source: str | Path | None = None,
    *,
    workspace: str | Path | None = None,
    municipality: str | None = None,
    service: str | None = None,
    costs: str | Path | None = None,
    mapping: str | Path | None = None,
    language: Literal["de", "en"] = "de",
    date: dt.date | None = None,
) -> ReportData:
    """The contents of the report of one log and its result tables (:class:`ReportData`)."""
    from app.api.results import CASE_END, CASE_START, results_of_log
    from connectors.cost_settings import default_cost_settings, read_cost_settings

    settings = read_cost_settings(costs) if costs is not None else default_cost_settings()
    (m, s), events, sources = _one_log(
        source, workspace=workspace, municipality=municipality, service=service, mapping=mapping
    )
    part = steps.prepare(events)
    tables, notes = results_of_log(part, settings=settings)
    findings = tables["findings"]
    cases = tables["cases"]
    chosen = sorted({c for found in example_cases(findings).values() for c in found})
    timelines = engine.to_pandas(
        nw.from_native(part).filter(nw.col(schema.CASE).is_in(chosen)).drop(steps.SEQUENCE)
    )
    by_level, by_step = _costs_by_level_and_step(part, settings, tables["costs"])
    content = report_content(
        findings=findings,
        cases=len(cases),
        period=(
            pd.Timestamp(cases[CASE_START].min()).tz_convert(schema.DEFAULT_TIMEZONE).date(),
            pd.Timestamp(cases[CASE_END].max()).tz_convert(schema.DEFAULT_TIMEZONE).date(),
        ),
        burden_costs=tables["burden_costs"],
        costs=tables["costs"],
        costs_by_level=by_level,
        costs_by_step=by_step,
        edition=settings.tables.edition,
        verified=settings.tables.verified,
        timelines=timelines,
        notes=notes,
        sources=sources,
        municipality=m,
        service=s,
        date=date or dt.date.today(),
        language=language,
    )
    return ReportData(content=content, tables=tables)


def _one_log(
    source: str | Path | None,
    *,
    workspace: str | Path | None,
    municipality: str | None,
    service: str | None,
    mapping: str | Path | None,
) -> tuple[tuple[str, str], Any, Sources]:
    """The key, events and sources of the one log the input and the choice name."""
    from app.api.logs import filtered_to, import_history, logs_in, logs_of, mapping_for, read_log
    from connectors.workspace import DEFAULT_WORKSPACE, Workspace

    found: list[tuple[tuple[str, str], Any, Sources]] = []
    if source is not None:
        for file in logs_in([source]).files:
            frame = filtered_to(
                read_log(file, mapping=mapping).frame,
                municipality=municipality,
                service=service,
            )
            chosen = mapping_for(file, mapping).path
            sources = Sources(
                inputs=((file.name, file_sha256(file)),),
                mappings=((chosen.name, file_sha256(chosen)),) if chosen else (),
                version=amtsweg_version(),
            )
            found += [(key, events, sources) for key, events in logs_of(frame) if len(events)]
    else:
        path = workspace or DEFAULT_WORKSPACE
        history = import_history(workspace=path)
        with Workspace(path, read_only=True) as ws:
            for m, s, events in ws.partitions():
                if (municipality is None or m == municipality) and (
                    service is None or s == service
                ):
                    mine = history[(history["municipality"] == m) & (history["service"] == s)]
                    sources = Sources(
                        inputs=tuple(
                            (Path(str(p)).name, str(h))
                            for p, h in zip(mine["source_path"], mine["source_sha256"], strict=True)
                        ),
                        mappings=tuple(
                            (Path(str(p)).name, str(h))
                            for p, h in zip(
                                mine["mapping_path"], mine["mapping_sha256"], strict=True
                            )
                            if isinstance(p, str) and p
                        ),
                        version=amtsweg_version(),
                    )
                    # read into memory: the workspace closes before the analysis
                    found.append(((m, s), engine.collect(nw.from_native(events)), sources))
            if not found:
                ws.events(municipality=municipality, service=service)  # raises, naming the logs
    if len(found) != 1:
        names = ", ".join(f"{m} / {s}" for (m, s), _, _ in found) or "–"
        raise InputError(
            [
                Problem(
                    "report.one_log",
                    f"Ein Bericht gilt für ein Log (eine Kommune, eine Leistung); die Eingabe hat "
                    f"{len(found)}: {names}. Mit --municipality und --service eines wählen.",
                    f"A report covers one log (one municipality, one service); the input has "
                    f"{len(found)}: {names}. Choose one with --municipality and --service.",
                    file=str(source) if source is not None else str(workspace),
                )
            ]
        )
    return found[0]


def _costs_by_level_and_step(
    part: Any, settings: Any, total: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The yearly cost of each government level and of each step, parts of ``total``."""
    from analyzer.cost_model import annual_cost_parts

    pricing = {
        "total": total,
        "tables": settings.tables,
        "activities": dict(settings.activities),
        "defaults": settings.defaults,
    }
    return (
        annual_cost_parts(part, by=schema.LEVEL, **pricing),
        annual_cost_parts(part, by=schema.ACTIVITY, **pricing),
    )
