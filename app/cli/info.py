"""``amtsweg info``: what a log file or a workspace holds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from analyzer import schema
from analyzer.segments import extra_attributes
from app.cli.output import language, number, quiet, say, say_mappings, show_table, warn
from connectors.workspace import DEFAULT_WORKSPACE


def info_command(
    source: str | None = typer.Argument(None, help="Datei / file (sonst Arbeitsbereich)"),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Zuordnungsdatei; ohne: DATEI.mapping.toml daneben, sonst automatisch erkannt / "
        "mapping file; default: FILE.mapping.toml beside it, else recognised automatically",
    ),
    sheet: str | None = typer.Option(None, "--sheet"),
    object_type: str | None = typer.Option(None, "--object-type"),
    table: str | None = typer.Option(None, "--table"),
    query: str | None = typer.Option(None, "--query"),
) -> None:
    """Überblick: Fälle, Ereignisse, Tätigkeiten, Zeitraum, Abdeckung der Attribute /
    overview: cases, events, activities, time span, attribute coverage."""
    from app import api

    if source is not None:
        say_mappings([source], mapping)
        log = api.read_log(
            source,
            mapping=mapping,
            sheet=sheet,
            object_type=object_type,
            table=table,
            query=query,
        )
        warn(list(log.problems))
        overview, coverage = api.overview_of_frame(log.frame)
        imports = None
        attributes = {(): extra_attributes(log.frame.columns)}
    else:
        overview, coverage = api.overview(workspace=workspace)
        imports = api.import_history(workspace=workspace)
        attributes = api.workspace_attributes(workspace=workspace)
    if quiet():
        return
    keys = sum(c in overview.columns for c in (schema.MUNICIPALITY, schema.SERVICE))
    show_table(overview_table(overview), keep=keys)
    show_table(coverage_table(coverage), keep=keys)
    say_attributes(attributes)
    if imports is not None and len(imports):
        show_table(imports_table(imports), keep=2)


def say_attributes(attributes: dict[tuple, list[str]]) -> None:
    """One line per log: its own attributes, which --by and --where can name."""
    for key, names in attributes.items():
        log = f"{' / '.join(key)}: " if key else ""
        listed = ", ".join(names) if names else "–"
        say(
            f"{log}weitere Attribute (für --by / --where): {listed}",
            f"{log}further attributes (for --by / --where): {listed}",
        )


def overview_table(overview: pd.DataFrame) -> Table:
    de = language() == "de"
    table = Table(title="Überblick" if de else "Overview")
    keys = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in overview.columns]
    for k in keys:
        f = schema.FIELDS_BY_COLUMN[k]
        table.add_column(f.label_de if de else f.label_en)
    heads = (
        ("cases", "Fälle", "cases"),
        ("events", "Ereignisse", "events"),
        ("activities", "Tätigkeiten", "activities"),
        ("first", "von", "from"),
        ("last", "bis", "to"),
    )
    for _c, h_de, h_en in heads:
        table.add_column(h_de if de else h_en, justify="right")
    for rec in overview.to_dict("records"):
        row = [str(rec[k]) for k in keys]
        row += [number(rec["cases"]), number(rec["events"]), number(rec["activities"])]
        row += [_day(rec["first"]), _day(rec["last"])]
        table.add_row(*row)
    return table


def coverage_table(coverage: pd.DataFrame) -> Table:
    de = language() == "de"
    table = Table(
        title="Abdeckung der Attribute (Anteil der Ereignisse)"
        if de
        else "Attribute coverage (share of events)"
    )
    keys = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in coverage.columns]
    fields = [f for f in schema.FIELDS if f.key in coverage.columns]
    for k in keys:
        f = schema.FIELDS_BY_COLUMN[k]
        table.add_column(f.label_de if de else f.label_en)
    for f in fields:
        table.add_column(f.key, justify="right")
    for rec in coverage.to_dict("records"):
        table.add_row(*[str(rec[k]) for k in keys], *[_share(rec[f.key]) for f in fields])
    return table


def _day(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    return pd.Timestamp(value).tz_convert(schema.DEFAULT_TIMEZONE).strftime("%d.%m.%Y")


def _missing_or(value: object, text) -> str:
    """``text(value)``, or "—" where the import recorded none (a log read without a mapping
    file has no mapping path; a database no file hash): the workspace holds null, pandas NaN."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value):
        return "—"
    return text(value)


def _file_name(path: object) -> str:
    return Path(str(path)).name


def _share(value: float) -> str:
    return "—" if not value else f"{value:.0%}"


def imports_table(imports: pd.DataFrame) -> Table:
    """Where each log of the workspace came from (the latest import per log)."""
    de = language() == "de"
    table = Table(title="Herkunft" if de else "Provenance")
    heads = (
        ("Kommune", "municipality"),
        ("Leistung", "service"),
        ("Quelle", "source"),
        ("SHA-256", "SHA-256"),
        ("Zuordnung", "mapping"),
        ("importiert", "imported"),
        ("gelesen / behalten / verworfen", "read / kept / rejected"),
        ("Version", "version"),
    )
    for h_de, h_en in heads:
        table.add_column(h_de if de else h_en)
    for rec in imports.to_dict("records"):
        table.add_row(
            rec["municipality"],
            rec["service"],
            _missing_or(rec["source_path"], _file_name),
            _missing_or(rec["source_sha256"], str)[:12],
            _missing_or(rec["mapping_path"], _file_name),
            pd.Timestamp(rec["imported_at"])
            .tz_convert(schema.DEFAULT_TIMEZONE)
            .strftime("%d.%m.%Y %H:%M"),
            f"{number(rec['rows_read'])}/{number(rec['rows_kept'])}/{number(rec['rows_rejected'])}",
            rec["amtsweg_version"],
        )
    return table
