"""``amtsweg map FILE``: propose a mapping file for a CSV, Excel or Parquet export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from rich.table import Table

from analyzer import schema
from analyzer.problems import InputError, problem
from app.api.logs import mapping_for
from app.cli.output import language, progress, quiet, say, show_table
from connectors.mapping import HOW, default_mapping_path, propose_mapping, write_mapping
from connectors.reading import read_table_sample

SAMPLE_ROWS = 10_000


def map_command(
    file: Path = typer.Argument(..., help="Export (CSV, Excel, Parquet) / export file"),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Zuordnungsdatei / mapping file (default: FILE.mapping.toml)"
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel-Blatt: Name oder Nummer"),
    force: bool = typer.Option(
        False, "--force", help="vorhandene Zuordnungsdatei überschreiben / overwrite"
    ),
) -> None:
    """Zuordnung vorschlagen / propose a mapping of the file's columns and values."""
    target = out or default_mapping_path(file)
    if target.exists() and not force:
        raise InputError(
            [
                problem(
                    "mapping.exists",
                    "die Zuordnungsdatei gibt es schon; prüfen und verwenden, oder mit --force "
                    "überschreiben",
                    "the mapping file exists already; check and use it, or overwrite it with "
                    "--force",
                    file=str(target),
                )
            ]
        )
    with progress("Lesen / reading"):
        sample, hints = read_table_sample(file, sheet=sheet, rows=SAMPLE_ROWS)
    proposal = propose_mapping(sample, source=file.name)
    proposal = replace(proposal, source=hints)
    write_mapping(proposal, target)
    if not quiet():
        show_table(_table(proposal))
    missing = [f for f in schema.FIELDS if f.required and f.key not in proposal.columns]
    for f in missing:
        say(
            f"Pflichtspalte nicht erkannt: {f.label_de}: bitte in {target} unter "
            f'[columns] {f.key} = "…" eintragen',
            f"Required column not recognised: {f.label_en}: please fill in "
            f'{f.key} = "..." under [columns] in {target}',
            style="bold red",
        )
    for key, values in proposal.unrecognised_values.items():
        shown = ", ".join(f"„{v}“" for v in values[:8])
        say(
            f"Werte ohne Zuordnung ({key}): {shown}: bitte unter [values.{key}] zuordnen",
            f"Values not mapped ({key}): {shown}: please map them under [values.{key}]",
            style="yellow",
        )
    # The follow-up obeys the rule of every command (app.api.mapping_for): a mapping beside
    # the file is found without --mapping.
    found = mapping_for(file).path == target
    given = "" if found else f" --mapping {target}"
    say(
        f"Zuordnung geschrieben: {target}\nBitte prüfen, dann: amtsweg import {file}{given}"
        + (" (die Zuordnung daneben wird gefunden)" if found else ""),
        f"Mapping written: {target}\nPlease check it, then: amtsweg import {file}{given}"
        + (" (the mapping beside it is found)" if found else ""),
    )


def _table(proposal) -> Table:
    de = language() == "de"
    table = Table(
        title="Vorgeschlagene Zuordnung" if de else "Proposed mapping",
        show_lines=False,
    )
    table.add_column("Spalte der Datei" if de else "Column of the file")
    table.add_column("Zuordnung" if de else "Mapped to")
    table.add_column("Erkannt durch" if de else "Recognised by")
    table.add_column("Beispiele" if de else "Examples")
    for r in proposal.recognitions:
        how_de, how_en = HOW[r.how]
        how = how_de if de else how_en
        if r.key is not None:
            f = schema.FIELDS_BY_KEY[r.key]
            mapped = f"{r.key} ({f.label_de if de else f.label_en})"
            style = "green" if r.how in ("canonical", "header", "normalised_header") else "yellow"
        else:
            mapped = "—"
            style = "dim" if r.how == "unmapped" else "magenta"
        if r.note_de:
            how += f": {r.note_de if de else r.note_en}"
        table.add_row(r.column, f"[{style}]{mapped}[/]", how, ", ".join(r.examples)[:60])
    for f in schema.FIELDS:
        if f.required and f.key not in proposal.columns:
            table.add_row(
                "—",
                f"[bold red]{f.key} ({f.label_de if de else f.label_en})[/]",
                "nicht erkannt" if de else "not recognised",
                "",
            )
    return table
