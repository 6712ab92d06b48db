"""``amtsweg report``: one municipality's report as a document (HTML or PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.output import language, say
from connectors.workspace import DEFAULT_WORKSPACE


def report_command(
    source: str | None = typer.Argument(
        None, help="Datei oder Ordner / file or folder (sonst Arbeitsbereich / else workspace)"
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Bericht / report: .html (offline lesbar / offline), .pdf, .xlsx (Tabellen / "
        "tables) oder / or .pptx (Folien für den Lenkungskreis / steering-committee slides)",
    ),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    municipality: str | None = typer.Option(None, "--municipality", "-m"),
    service: str | None = typer.Option(None, "--service", "-s"),
    costs: Path | None = typer.Option(
        None, "--costs", help="Kosteneinstellungen / cost settings (.toml)"
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Zuordnungsdatei / mapping file (sonst neben der Datei / else beside)",
    ),
) -> None:
    """Bericht einer Kommune für eine Leistung schreiben / write one municipality's report."""
    from app.api.report import report

    written = report(
        source,
        out=out,
        workspace=None if source else workspace,
        municipality=municipality,
        service=service,
        costs=costs,
        mapping=mapping,
        language=language(),
    )
    say(f"Bericht geschrieben: {written}", f"report written: {written}")
