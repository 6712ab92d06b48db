"""``amtsweg app``: serve the Dash app of a workspace (or of a demo workspace) in the browser."""

from __future__ import annotations

import secrets
from pathlib import Path

import typer

from app.cli.output import say

#: The demo workspace made in the current folder when no --workspace is given.
DEMO_WORKSPACE = Path("amtsweg-demo.duckdb")
#: The demo's administrator; the demo's municipality user is named after its municipality.
DEMO_ADMIN = "admin"
#: The municipality whose user the demo prints, where the samples hold it.
DEMO_MUNICIPALITY = "Musterdorf"


def app_command(
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Arbeitsbereich (ohne: Demo aus den Beispielen im aktuellen Ordner) / workspace "
        "(default: a demo of the samples in the current folder)",
    ),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Adresse; 0.0.0.0 für alle Rechner im Netz / address; 0.0.0.0 for the network",
    ),
    port: int = typer.Option(8050, "--port"),
    debug: bool = typer.Option(
        False,
        "--debug",
        help="Flasks Entwicklungsserver, nur zum Entwickeln / Flask's development server, "
        "for development only",
    ),
    trusted_proxy: str | None = typer.Option(
        None,
        "--trusted-proxy",
        help="Adresse eines HTTPS-Proxys davor / address of an HTTPS reverse proxy in front",
    ),
) -> None:
    """Die App im Browser: Kommunen vergleichen, jede sieht nur, was sie darf /
    the app in the browser: municipalities compared, each seeing only what it may."""
    from app.web.server import create_app, serve

    if workspace is None:
        workspace = DEMO_WORKSPACE
        logins = demo_logins(workspace)
        say(
            f"Demo-Arbeitsbereich: {workspace}. Anmeldung (Passwörter neu bei jedem Start):",
            f"Demo workspace: {workspace}. Logins (new passwords at every start):",
        )
        for name, password, role in logins:
            say(f"  {name} / {password}   ({role})", f"  {name} / {password}   ({role})")
    app = create_app(workspace)
    say(
        f"Amtsweg läuft auf http://{host}:{port}/ (beenden mit Strg+C)",
        f"Amtsweg is running at http://{host}:{port}/ (stop with Ctrl+C)",
    )
    if debug:
        app.run(host=host, port=port, debug=True)
    else:
        serve(app, host=host, port=port, trusted_proxy=trusted_proxy)


def demo_logins(workspace: Path) -> list[tuple[str, str, str]]:
    """(name, password, role) of the demo's administrator and one municipality's user, with
    new random passwords; the samples are imported first where the workspace has no logs."""
    from app import api
    from app.cli.demo import SAMPLES, sample_folder
    from app.cli.output import progress
    from connectors.users import Role, add_user, change_password, find_user
    from connectors.workspace import Workspace

    with Workspace(workspace) as ws:
        present = set(ws.logs()["municipality"])
    if not present:
        samples = sample_folder()
        with progress("Import", total=len(SAMPLES)) as advance:
            for i, (name, mapping) in enumerate(SAMPLES):
                api.import_log(samples / name, workspace=workspace, mapping=samples / mapping)
                advance(i + 1)
    # the pages read stored results only: analyse the logs that have none (a new demo, or
    # one made before results were stored), as `amtsweg reanalyse` would
    with Workspace(workspace) as ws:
        logs = len(ws.logs())
    if len(api.stored_results(workspace, tables=()).runs) < logs:
        with progress("Analyse", total=logs) as advance:
            api.analyse_workspace(workspace, progress=advance)
    logins = []
    with Workspace(workspace) as ws:
        present = sorted(set(ws.logs()["municipality"]))
        municipality = DEMO_MUNICIPALITY if DEMO_MUNICIPALITY in present else present[0]
        wanted = (
            (DEMO_ADMIN, Role.ADMIN, None, "Administration / administrator"),
            (municipality.casefold(), Role.MUNICIPALITY, municipality, municipality),
        )
        for name, role, where, described in wanted:
            password = secrets.token_urlsafe(12)
            if find_user(ws, name) is None:
                add_user(ws, name, password=password, role=role, municipality=where)
            else:
                change_password(ws, name, password=password)
            logins.append((name, password, described))
    return logins
