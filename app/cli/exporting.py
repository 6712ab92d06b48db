"""``amtsweg export``: write a workspace log back to a file (XES, CSV, Parquet)."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.output import progress, say
from connectors.workspace import DEFAULT_WORKSPACE, Workspace


def export_command(
    target: Path = typer.Argument(..., help="Zieldatei: .xes, .xes.gz, .csv, .parquet"),
    municipality: str | None = typer.Option(None, "--municipality", "-m"),
    service: str | None = typer.Option(None, "--service", "-s"),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    style: str = typer.Option(
        "standard", "--style", help="CSV: standard (UTF-8, ISO) | german (;, cp1252)"
    ),
) -> None:
    """Protokoll aus dem Arbeitsbereich exportieren / export a log from the workspace."""
    from connectors.writing import write_event_log

    with Workspace(workspace, read_only=True) as ws, progress("Schreiben / writing"):
        events = ws.events(municipality=municipality, service=service)
        write_event_log(events, target, style=style)
    say(f"geschrieben: {target}", f"written: {target}")
