"""``amtsweg analyze``: burden findings of a file or a workspace, summed up in the terminal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from analyzer import findings_summary as fs
from analyzer import schema
from app.cli.output import (
    attribute_values,
    detector_name,
    language,
    number,
    progress,
    quiet,
    say,
    say_mappings,
    show_table,
    warn,
)
from connectors.workspace import DEFAULT_WORKSPACE


def analyze_command(
    source: str | None = typer.Argument(
        None, help="Datei oder Ordner / file or folder (sonst Arbeitsbereich / else workspace)"
    ),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    municipality: str | None = typer.Option(None, "--municipality", "-m"),
    service: str | None = typer.Option(None, "--service", "-s"),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Zuordnungsdatei; ohne: DATEI.mapping.toml daneben, sonst automatisch erkannt / "
        "mapping file; default: FILE.mapping.toml beside it, else recognised automatically",
    ),
    detectors: str | None = typer.Option(
        None,
        "--detectors",
        help="Auswahl, z. B. media_breaks,manual_reentry (Standard: alle außer handovers, "
        "das jeden Wechsel der Organisationseinheit meldet)",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Befunde schreiben / write findings: .csv, .xlsx (Überschriften in --lang / "
        "headings in --lang), .parquet, .json (Spaltennamen des Schemas / schema names)",
    ),
    periods: Path | None = typer.Option(
        None,
        "--periods",
        help="Fristen-Datei (TOML): Schritte, mit denen eine gesetzliche Frist oder die Zeit "
        "des Antragstellers beginnt / periods file: steps that start a statutory period or "
        "the applicant's turn (docs/examples/road_traffic_fines.periods.toml)",
    ),
    by: str | None = typer.Option(
        None,
        "--by",
        help="je Wert dieses Fall-Attributs getrennt / one log per value of this case "
        "attribute (amtsweg info lists them), e.g. --by Verfahrensart",
    ),
    where: list[str] = typer.Option(
        None,
        "--where",
        help="nur Fälle mit ATTRIBUT=WERT (mehrfach möglich) / only cases with "
        "ATTRIBUTE=VALUE (repeatable)",
    ),
    top: int = typer.Option(
        10, "--top", help="so viele teuerste Belastungen zeigen / costliest burdens to show"
    ),
    map_file: Path | None = typer.Option(
        None, "--map", help="Prozesslandkarte mit Befunden als HTML / process map as HTML"
    ),
    bpmn_file: Path | None = typer.Option(
        None, "--bpmn", help="BPMN-Modell (Inductive Miner) schreiben / write a BPMN model"
    ),
) -> None:
    """Belastungen finden: Medienbrüche, Mehrfacherfassung, Doppelzuständigkeiten, ... /
    find burden: media breaks, manual re-entry, duplicate responsibilities, ..."""
    from app import api
    from connectors.findings_files import write_table

    names = [d.strip() for d in detectors.split(",") if d.strip()] if detectors else None
    options = None
    if periods is not None:  # read and checked before any log is
        from connectors.periods import read_periods

        options = {"long_waits": {"periods": read_periods(periods)}}
    if source is not None:
        say_mappings([source], mapping)
    with progress("Analyse / analysis") as advance:
        result = api.analyze(
            source,
            workspace=None if source else workspace,
            municipality=municipality,
            service=service,
            detectors=names,
            options=options,
            mapping=mapping,
            maps=map_file is not None,
            bpmn=bpmn_file is not None,
            by=by,
            where=attribute_values(where),
            progress=advance,
        )
    warn(list(result.notes))
    if map_file is not None:
        write_maps(result.maps, map_file)
    if bpmn_file is not None:
        for key, xml in result.bpmn.items():
            target = _per_log_path(bpmn_file, key, several=len(result.bpmn) > 1)
            target.write_text(xml, encoding="utf-8")
            say(f"BPMN-Modell geschrieben: {target}", f"BPMN model written: {target}")
    if out is not None:
        write_table(result.findings, out, sheet="Befunde", language=language())
        say(
            f"{number(len(result.findings))} Befunde geschrieben: {out}",
            f"{number(len(result.findings))} findings written: {out}",
        )
    if quiet():
        return
    keys = [k for k in (schema.MUNICIPALITY, schema.SERVICE) if k in result.summary.columns]
    groups = result.summary.groupby(keys, sort=True) if keys else [((), result.summary)]
    for values, part in groups:
        show_table(summary_table(part, title=" – ".join(map(str, values))))
    say(
        "Arbeitsstunden: Arbeitszeit, die die Belastung kostet; Liegetage: Tage, die Fälle "
        "unbearbeitet lagen (keine Arbeitszeit, nie in Stunden oder Euro eingerechnet).",
        "Working hours: the working time the burden costs; idle days: days cases lay "
        "untouched (not working time, never counted in hours or euros).",
    )
    for line in priced_elsewhere_lines(result.summary):
        say(*line)
    waits = waits_table(result.findings, result.cases)
    if waits is not None:
        show_table(waits)
    patterns = fs.costliest_patterns(result.findings, n=top) if top > 0 else None
    if patterns is not None and len(patterns):  # idle time alone is nobody's work: no table
        show_table(patterns_table(patterns))


def summary_table(summary: pd.DataFrame, *, title: str = "") -> Table:
    """One log's findings per detector."""
    de = language() == "de"
    head = "Befunde je Detektor" if de else "Findings per detector"
    table = Table(title=f"{head}: {title}" if title else head)
    heads = [
        ("Detektor", "detector", "left"),
        ("Befunde", "findings", "right"),
        ("je 1.000 Fälle", "per 1,000 cases", "right"),
        ("Anteil Fälle", "share of cases", "right"),
        ("Arbeitsstunden", "working hours", "right"),
        ("Liegetage", "idle days", "right"),
    ]
    for h_de, h_en, justify in heads:
        table.add_column(h_de if de else h_en, justify=justify)
    for rec in summary.to_dict("records"):
        table.add_row(
            detector_name(rec[schema.FINDING_DETECTOR]),
            number(rec[fs.FINDINGS]),
            number(rec[fs.PER_1000_CASES], decimals=1),
            f"{rec[fs.SHARE_OF_CASES]:.0%}",
            number(rec[fs.MINUTES_LOST] / 60.0, decimals=1),
            number(rec[fs.IDLE_DAYS], decimals=0) if rec[fs.IDLE_DAYS] else "–",
        )
    return table


def waits_table(findings: pd.DataFrame, cases: pd.DataFrame) -> Table | None:
    """Long waits in days by whose wait it is (analyzer.wait_kinds.waits_by_kind), one
    row per log and kind with waits; None where there are no long waits."""
    from analyzer.headings import WAIT_KIND_LABELS
    from analyzer.wait_kinds import waits_by_kind

    if schema.FINDING_WAIT_KIND not in findings or findings[schema.FINDING_WAIT_KIND].isna().all():
        return None
    by_kind = waits_by_kind(findings, cases)
    by_kind = by_kind[by_kind["waits"] > 0]
    de = language() == "de"
    table = Table(
        title="Lange Liegezeiten: wessen Wartezeit (Tage, keine Arbeitszeit)"
        if de
        else "Long waits: whose wait (days, not working time)"
    )
    keys = [k for k in (schema.MUNICIPALITY, schema.SERVICE) if k in by_kind.columns]
    heads = [
        *(("Kommune", "municipality"), ("Leistung", "service"))[: len(keys)],
        ("Wartezeit von", "wait of"),
        ("Wartezeiten", "waits"),
        ("Tage", "days"),
        ("je 1.000 Fälle", "per 1,000 cases"),
        ("Median Tage", "median days"),
    ]
    for i, (h_de, h_en) in enumerate(heads):
        table.add_column(h_de if de else h_en, justify="left" if i <= len(keys) else "right")
    for rec in by_kind.to_dict("records"):
        kind = WAIT_KIND_LABELS.get(
            str(rec[schema.FINDING_WAIT_KIND]), (rec[schema.FINDING_WAIT_KIND],) * 2
        )
        table.add_row(
            *(str(rec[k] or "–") for k in keys),
            str(kind[0 if de else 1]),
            number(rec["waits"]),
            number(rec["days"]),
            number(rec["days_per_1000_cases"]),
            number(rec["median_days"], decimals=1)
            if rec["median_days"] == rec["median_days"]
            else "–",
        )
    return table


def priced_elsewhere_lines(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """One sentence per detector whose findings another detector prices (one burden
    instance, one price): "Systembrüche: 40 Befunde sind schon als Mehrfacherfassung
    bewertet"."""
    from analyzer.detectors.names import detector_label

    lines = []
    for rec in summary[summary[fs.PRICED_ELSEWHERE] > 0].to_dict("records"):
        d, owner = str(rec[schema.FINDING_DETECTOR]), str(rec[fs.PRICED_AS])
        n = int(rec[fs.PRICED_ELSEWHERE])
        lines.append(
            (
                f"{detector_label(d, 'de')}: {number(n)} Befunde sind schon als "
                f"{detector_label(owner, 'de')} bewertet (eine Belastung, ein Preis).",
                f"{detector_label(d, 'en')}: {number(n)} findings are priced as "
                f"{detector_label(owner, 'en')} already (one burden, one price).",
            )
        )
    return lines


def patterns_table(patterns: pd.DataFrame) -> Table:
    """The costliest burden patterns: detector and step, how often, in how many cases and
    the working hours they cost (the example case stays in the data: 80 columns are few)."""
    de = language() == "de"
    table = Table(
        title="Teuerste Belastungen (Arbeitszeit, nach Schritt)"
        if de
        else "Costliest burdens (working time, by step)"
    )
    heads = [
        ("Detektor", "detector", "left"),
        ("Schritt", "step", "left"),
        ("Befunde", "findings", "right"),
        ("Fälle", "cases", "right"),
        ("Arbeitsstunden", "working hours", "right"),
    ]
    for h_de, h_en, justify in heads:
        table.add_column(h_de if de else h_en, justify=justify)
    for rec in patterns.to_dict("records"):
        table.add_row(
            detector_name(str(rec[schema.FINDING_DETECTOR])),
            str(rec[schema.ACTIVITY]),
            number(rec[fs.FINDINGS]),
            number(rec[fs.CASES_AFFECTED]),
            number(rec[fs.PATTERN_MINUTES] / 60.0, decimals=1),
        )
    return table


def write_maps(maps: dict, target: Path) -> None:
    """One interactive HTML process map per log (no Graphviz needed)."""
    from reports.process_map_figure import process_map_figure

    for key, (pmap, overlay) in maps.items():
        path = _per_log_path(target, key, several=len(maps) > 1)
        title = " – ".join(k for k in key if k)
        figure = process_map_figure(pmap, overlay=overlay, language=language(), title=title)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.write_html(path, include_plotlyjs=True, full_html=True)
        say(f"Prozesslandkarte geschrieben: {path}", f"process map written: {path}")


def _per_log_path(target: Path, key: tuple[str, str], *, several: bool) -> Path:
    """``target`` itself for one log; ``<stem>_<municipality>_<service><suffix>`` for several."""
    if not several:
        return target
    safe = "_".join("".join(c if c.isalnum() else "-" for c in part) for part in key if part)
    return target.with_name(f"{target.stem}_{safe}{target.suffix}")
