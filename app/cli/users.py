"""``amtsweg users``: who may log in to ``amtsweg app`` (add, list, remove, passwd)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from app.cli.output import language, say, show_table
from connectors.users import ROLE_NAMES, Role, User
from connectors.workspace import DEFAULT_WORKSPACE, Workspace

users_app = typer.Typer(
    help="Benutzer der App / users of the app: add, list, remove, passwd.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_WORKSPACE = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w")
_PASSWORD_STDIN = typer.Option(
    False,
    "--password-stdin",
    help="Passwort aus der ersten Zeile der Standardeingabe lesen (für Skripte) / read the "
    "password from the first line of standard input (for scripts)",
)


@users_app.command("add", epilog="Beispiel / example: amtsweg users add anna -m Musterdorf")
def add_command(
    name: str = typer.Argument(..., help="Benutzername / user name"),
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="Kommune des Benutzers / the user's municipality"
    ),
    role: Role = typer.Option(
        Role.MUNICIPALITY,
        "--role",
        help="municipality (eigene Fälle / own cases), group (Arbeitskreis: nur Aggregate / "
        "working group: aggregates), admin (alles, Benutzer, Importe / everything)",
    ),
    password_stdin: bool = _PASSWORD_STDIN,
    workspace: Path = _WORKSPACE,
) -> None:
    """Benutzer anlegen / add a user."""
    from analyzer.problems import InputError
    from connectors.users import add_user, new_user_problems

    # checked before the password is asked for, and without holding the file while it is typed
    with Workspace(workspace, read_only=True) as ws:
        problems = new_user_problems(ws, name.strip(), role=role, municipality=municipality)
    if problems:
        raise InputError(problems)
    password = _password(password_stdin)
    with Workspace(workspace) as ws:
        user = add_user(ws, name, password=password, role=role, municipality=municipality)
    say(f"angelegt: {_described(user, 'de')}", f"added: {_described(user, 'en')}")


@users_app.command("list", epilog="Beispiel / example: amtsweg users list -w amtsweg.duckdb")
def list_command(workspace: Path = _WORKSPACE) -> None:
    """Benutzer auflisten (ohne Passwörter) / list users (never their passwords)."""
    from connectors.users import users

    with Workspace(workspace, read_only=True) as ws:
        found = users(ws)
    if not found:
        say(
            "keine Benutzer; anlegen mit: amtsweg users add NAME --municipality KOMMUNE",
            "no users; add one with: amtsweg users add NAME --municipality MUNICIPALITY",
        )
        return
    show_table(users_table(found))


@users_app.command("remove", epilog="Beispiel / example: amtsweg users remove anna")
def remove_command(
    name: str = typer.Argument(..., help="Benutzername / user name"),
    workspace: Path = _WORKSPACE,
) -> None:
    """Benutzer löschen / remove a user."""
    from connectors.users import existing_user, remove_user

    with Workspace(workspace, read_only=True) as ws:  # never a new file for a typo
        existing_user(ws, name)
    with Workspace(workspace) as ws:
        remove_user(ws, name)
    say(f"gelöscht: {name}", f"removed: {name}")


@users_app.command("passwd", epilog="Beispiel / example: amtsweg users passwd anna")
def passwd_command(
    name: str = typer.Argument(..., help="Benutzername / user name"),
    password_stdin: bool = _PASSWORD_STDIN,
    workspace: Path = _WORKSPACE,
) -> None:
    """Passwort ändern / change a password."""
    from connectors.users import change_password, existing_user

    with Workspace(workspace, read_only=True) as ws:
        existing_user(ws, name)  # before asking for a password of a user there is not
    password = _password(password_stdin)
    with Workspace(workspace) as ws:
        change_password(ws, name, password=password)
    say(f"Passwort geändert: {name}", f"password changed: {name}")


def users_table(found: list[User]) -> Table:
    """Name, role, municipality and times of each user (no hash: it never leaves the file)."""
    de = language() == "de"
    table = Table(title="Benutzer" if de else "Users")
    for heading in (
        ("Name", "name"),
        ("Rolle", "role"),
        ("Kommune", "municipality"),
        ("angelegt", "created"),
        ("geändert", "changed"),
    ):
        table.add_column(heading[0] if de else heading[1])
    for user in found:
        table.add_row(
            user.name,
            _role_name(user.role, language()),
            user.municipality or "—",
            _when(user.created_at),
            _when(user.changed_at),
        )
    return table


def _role_name(role: Role, lang: str) -> str:
    de, en = ROLE_NAMES[role]
    return de if lang == "de" else en


def _described(user: User, lang: str) -> str:
    role = _role_name(user.role, lang)
    return (
        f"{user.name} ({role}: {user.municipality})"
        if user.municipality
        else (f"{user.name} ({role})")
    )


def _when(moment) -> str:
    return moment.astimezone().strftime(
        "%d.%m.%Y %H:%M" if language() == "de" else "%Y-%m-%d %H:%M"
    )


def _password(from_stdin: bool) -> str:
    """The password from stdin's first line or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    de = language() == "de"
    return typer.prompt(
        "Passwort" if de else "Password",
        hide_input=True,
        confirmation_prompt="Passwort wiederholen" if de else "Repeat the password",
    )
