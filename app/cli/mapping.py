"""``amtsweg map FILE``: propose a mapping file for a CSV, Excel or Parquet export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from analyzer.problems import InputError, problem
from app.api.logs import mapping_for
from app.cli.output import progress, say
from connectors.mapping import default_mapping_path, proposal_lines, propose_mapping, write_mapping
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
    # what was recognised and guessed, with counts, as plain lines (no table to cut)
    de_lines, en_lines = (
        proposal_lines(proposal, language="de"),
        proposal_lines(proposal, language="en"),
    )
    for de, en in zip(de_lines, en_lines, strict=True):
        unsure = "[?]" in de or de.lstrip().startswith("PFLICHTSPALTE")
        say(de, en, style="yellow" if unsure else None)
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
