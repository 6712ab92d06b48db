"""``amtsweg reanalyse``: compute and store the analysis results of a workspace's logs again."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.output import number, progress, say
from connectors.workspace import DEFAULT_WORKSPACE


def reanalyse_command(
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="nur diese Kommune / only this municipality"
    ),
    service: str | None = typer.Option(
        None, "--service", "-s", help="nur diese Leistung / only this service"
    ),
    costs: Path | None = typer.Option(
        None, "--costs", help="Kosteneinstellungen (TOML) / cost settings file"
    ),
    step_mapping: list[Path] = typer.Option(
        [],
        "--step-mapping",
        help="bestätigte Schritt-Zuordnung (TOML), je Katalog eine / confirmed step mapping",
    ),
) -> None:
    """Analyseergebnisse neu berechnen und speichern (für amtsweg app) / compute and store the
    analysis results again (for amtsweg app), e.g. after changing costs or step mappings."""
    from app import api

    with progress("Analyse / analysis") as advance:
        records = api.analyse_workspace(
            workspace,
            municipality=municipality,
            service=service,
            costs=costs,
            step_mappings=step_mapping,
            progress=advance,
        )
    for r in records:
        say(
            f"{r.municipality} / {r.service}: Ergebnisse gespeichert (Lauf {number(r.run_id)}, "
            f"Import {number(r.import_id)})",
            f"{r.municipality} / {r.service}: results stored (run {number(r.run_id)}, "
            f"import {number(r.import_id)})",
        )
