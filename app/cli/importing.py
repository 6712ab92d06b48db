"""``amtsweg import``: read a log (file or database) and store it in the workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.output import number, progress, say, warn
from connectors.workspace import DEFAULT_WORKSPACE, Workspace


def import_command(
    sources: list[str] = typer.Argument(
        ..., help="Datei(en) oder Datenbank-URL / file(s) or database URL", show_default=False
    ),
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="Kommune / municipality (sonst Spalte der Datei)"
    ),
    service: str | None = typer.Option(
        None, "--service", "-s", help="Verwaltungsleistung, z. B. Wohngeld / service"
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Zuordnungsdatei (TOML), siehe 'amtsweg map'; ohne: DATEI.mapping.toml daneben, "
        "sonst automatisch erkannt / mapping file; default: FILE.mapping.toml beside it, else "
        "recognised automatically",
    ),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    duplicates: str = typer.Option(
        "keep", "--duplicates", help="exakte Duplikate: keep | drop | error"
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel-Blatt / sheet"),
    object_type: str | None = typer.Option(
        None, "--object-type", help="OCEL: Objekttyp, der ein Vorgang ist / object type"
    ),
    table: str | None = typer.Option(None, "--table", help="SQL: Tabelle / table"),
    query: str | None = typer.Option(None, "--query", help="SQL: Abfrage / query"),
    timezone: str | None = typer.Option(
        None, "--timezone", help="Zeitzone für Zeitpunkte ohne Angabe (Europe/Berlin)"
    ),
    no_analysis: bool = typer.Option(
        False,
        "--no-analysis",
        help="Ergebnisse nicht gleich berechnen (später: amtsweg reanalyse) / do not store "
        "the analysis results now (later: amtsweg reanalyse)",
    ),
) -> None:
    """Protokoll importieren / import an event log into the workspace (atomically)."""
    from app.api import mapping_for, read_log

    logs = []
    # Read and validate everything first: a bad file must not leave half an import behind.
    with progress("Lesen / reading") as advance:
        for source in sources:
            chosen = mapping_for(source, mapping)
            say(*chosen.sentence(source if Path(source).exists() else _redacted(source)))
            logs.append(
                (
                    source,
                    chosen.path,
                    read_log(
                        source,
                        mapping=chosen.path,
                        duplicates=duplicates,
                        sheet=sheet,
                        object_type=object_type,
                        table=table,
                        query=query,
                        timezone=timezone,
                        progress=advance,
                    ),
                )
            )
    imported = []
    with Workspace(workspace) as ws:
        for source, used, log in logs:
            warn(list(log.problems))
            is_file = Path(source).exists()
            records = ws.import_log(
                log,
                municipality=municipality,
                service=service,
                source_path=source if is_file else _redacted(source),
                source_format=str(log.details.get("format", "")) or None,
                mapping_path=used,
            )
            imported += records
            for r in records:
                say(
                    f"{r.municipality} / {r.service}: {number(r.rows_kept)} Ereignisse importiert "
                    f"({number(r.rows_read)} gelesen, {number(r.rows_rejected)} verworfen)"
                    + (" – ersetzt den bisherigen Stand" if r.replaced else "")
                    + f" → {workspace}",
                    f"{r.municipality} / {r.service}: imported {number(r.rows_kept)} events "
                    f"({number(r.rows_read)} read, {number(r.rows_rejected)} rejected)"
                    + (" – replaces the previous import" if r.replaced else "")
                    + f" → {workspace}",
                )
    if not no_analysis:
        store_results(workspace, list(dict.fromkeys((r.municipality, r.service) for r in imported)))


def _redacted(url: str) -> str:
    """A database URL without its password (provenance must not store secrets)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def store_results(workspace: Path, logs: list[tuple[str, str]]) -> None:
    """Analyse the imported logs and store their results in the workspace, one line each."""
    from analyzer.problems import AmtswegError
    from app import api

    stored = []
    with progress("Analyse / analysis") as advance:
        for i, (m, s) in enumerate(logs):
            try:
                api.analyse_workspace(workspace, municipality=m, service=s)
            except AmtswegError as exc:  # the import stands; the analysis can be redone
                say(
                    f"{m} / {s}: importiert, aber nicht analysiert ({exc.text('de')}); "
                    "später mit amtsweg reanalyse",
                    f"{m} / {s}: imported but not analysed ({exc.text('en')}); later with "
                    "amtsweg reanalyse",
                )
                continue
            stored.append((m, s))
            advance(i + 1, len(logs))
    for m, s in stored:
        say(
            f"{m} / {s}: Analyseergebnisse gespeichert (für amtsweg app)",
            f"{m} / {s}: analysis results stored (for amtsweg app)",
        )
