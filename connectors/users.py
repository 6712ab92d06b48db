"""The users of a workspace: who may log in to ``amtsweg app`` and what they may see.

A user has a name, a role and, for the role ``municipality``, the municipality whose
case-level data they see (one of the workspace's logs); a working-group member (``group``)
sees aggregates of all, an administrator (``admin``) everything. Passwords are stored only
as argon2 hashes (argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes). The table ``users``
lives in the workspace file beside the logs; the secret that signs the app's session cookies
is a row of ``amtsweg_meta``, so sessions stay valid across restarts of one workspace's app
and never across workspaces.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from analyzer.problems import InputError, Problem, error, problem
from connectors.workspace import Workspace

#: Shortest password accepted, in characters.
MIN_PASSWORD_LENGTH = 10
#: A password needs at least this many different characters ("aaaaaaaaaa" is not one).
MIN_DISTINCT_CHARACTERS = 5
#: Letters, digits and ``. _ - @`` (umlauts too), at most 64 characters.
USERNAME_PATTERN = re.compile(r"[\w.@-]{1,64}")

_SECRET_KEY = "session_secret"
_TABLE = """
create table if not exists users (
    username varchar primary key,
    role varchar not null,
    municipality varchar,
    password_hash varchar not null,
    created_at timestamptz not null,
    changed_at timestamptz not null
)
"""
_COLUMNS = "username, role, municipality, created_at, changed_at"
_HASHER = PasswordHasher()
# Verified against when the user is unknown, so a wrong name costs as long as a wrong password.
_UNKNOWN_USER_HASH = _HASHER.hash(secrets.token_hex(16))


class Role(StrEnum):
    """What a user may see: own case-level data, aggregates of all, or everything."""

    MUNICIPALITY = "municipality"
    GROUP = "group"
    ADMIN = "admin"


#: Each role in the words of people, German and English.
ROLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.MUNICIPALITY: ("Kommune", "municipality"),
    Role.GROUP: ("Arbeitskreis", "working group"),
    Role.ADMIN: ("Administration", "administration"),
}


@dataclass(frozen=True)
class User:
    """A user as the app and the command line see them (never with the password hash)."""

    name: str
    role: Role
    municipality: str | None
    created_at: datetime
    changed_at: datetime


def add_user(
    workspace: Workspace,
    name: str,
    *,
    password: str,
    role: Role = Role.MUNICIPALITY,
    municipality: str | None = None,
) -> User:
    """Store a new user; all problems with the name, role, municipality and password at once."""
    name = name.strip()
    problems = new_user_problems(workspace, name, role=role, municipality=municipality)
    problems += password_problems(password, username=name)
    if problems:
        raise InputError(problems)
    now = datetime.now(UTC)
    workspace.con.execute(_TABLE)
    workspace.con.execute(
        "insert into users values (?, ?, ?, ?, ?, ?)",
        [name, Role(role).value, municipality, _HASHER.hash(password), now, now],
    )
    return existing_user(workspace, name)


def new_user_problems(
    workspace: Workspace, name: str, *, role: Role, municipality: str | None
) -> list[Problem]:
    """Why a user of this name, role and municipality cannot be added (empty when they can):
    an invalid or taken name, a municipality missing, unknown (no log of it in the
    workspace) or given for a role without one."""
    problems = [*_name_problems(name), *_role_problems(workspace, Role(role), municipality)]
    if find_user(workspace, name) is not None:
        problems.append(
            problem(
                "users.duplicate",
                "diesen Benutzer gibt es schon; Passwort ändern mit „amtsweg users passwd“",
                "this user exists already; change the password with 'amtsweg users passwd'",
                value=name,
            )
        )
    return problems


def change_password(workspace: Workspace, name: str, *, password: str) -> User:
    """Give ``name`` a new password (sessions opened with the old one end)."""
    existing_user(workspace, name)
    problems = password_problems(password, username=name)
    if problems:
        raise InputError(problems)
    workspace.con.execute(
        "update users set password_hash = ?, changed_at = ? where username = ?",
        [_HASHER.hash(password), datetime.now(UTC), name],
    )
    return existing_user(workspace, name)


def remove_user(workspace: Workspace, name: str) -> None:
    """Delete ``name`` (their open sessions end at their next request)."""
    existing_user(workspace, name)
    workspace.con.execute("delete from users where username = ?", [name])


def users(workspace: Workspace) -> list[User]:
    """Every user, by name."""
    if not _has_users(workspace):
        return []
    rows = workspace.con.execute(f"select {_COLUMNS} from users order by username").fetchall()
    return [_user(row) for row in rows]


def find_user(workspace: Workspace, name: str) -> User | None:
    """The user called ``name``, or None."""
    if not _has_users(workspace):
        return None
    rows = workspace.con.execute(
        f"select {_COLUMNS} from users where username = ?", [name]
    ).fetchall()
    return _user(rows[0]) if rows else None


def authenticated_user(workspace: Workspace, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None (an unknown name takes as long to
    refuse as a wrong password)."""
    rows = []
    if _has_users(workspace):
        rows = workspace.con.execute(
            "select password_hash from users where username = ?", [name]
        ).fetchall()
    stored = rows[0][0] if rows else _UNKNOWN_USER_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return find_user(workspace, name) if rows else None


def password_problems(password: str, *, username: str) -> list[Problem]:
    """Why ``password`` is too weak (empty list when it is fine): empty, shorter than
    :data:`MIN_PASSWORD_LENGTH`, fewer than :data:`MIN_DISTINCT_CHARACTERS` different
    characters, or containing the user's name."""
    if not password:
        return [problem("users.password_empty", "das Passwort ist leer", "the password is empty")]
    found = []
    if len(password) < MIN_PASSWORD_LENGTH:
        found.append(
            problem(
                "users.password_short",
                f"das Passwort ist zu kurz: {len(password)} Zeichen, mindestens "
                f"{MIN_PASSWORD_LENGTH} nötig",
                f"the password is too short: {len(password)} characters, at least "
                f"{MIN_PASSWORD_LENGTH} needed",
            )
        )
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        found.append(
            problem(
                "users.password_simple",
                f"das Passwort ist zu einfach: mindestens {MIN_DISTINCT_CHARACTERS} "
                "verschiedene Zeichen nötig",
                f"the password is too simple: at least {MIN_DISTINCT_CHARACTERS} different "
                "characters needed",
            )
        )
    if username and username.casefold() in password.casefold():
        found.append(
            problem(
                "users.password_name",
                "das Passwort enthält den Benutzernamen",
                "the password contains the user name",
            )
        )
    return found


def session_secret(workspace: Workspace) -> str:
    """The secret that signs the app's session cookies, made on first use (the workspace must
    be open for writing then)."""
    rows = workspace.con.execute(
        "select value from amtsweg_meta where key = ?", [_SECRET_KEY]
    ).fetchall()
    if rows:
        return str(rows[0][0])
    secret = secrets.token_hex(32)
    workspace.con.execute("insert into amtsweg_meta values (?, ?)", [_SECRET_KEY, secret])
    return secret


def _name_problems(name: str) -> list[Problem]:
    if USERNAME_PATTERN.fullmatch(name):
        return []
    return [
        problem(
            "users.name",
            "Benutzername ungültig: 1 bis 64 Buchstaben, Ziffern oder . _ - @",
            "invalid user name: 1 to 64 letters, digits or . _ - @",
            value=name,
        )
    ]


def _role_problems(workspace: Workspace, role: Role, municipality: str | None) -> list[Problem]:
    if role is not Role.MUNICIPALITY:
        if municipality is None:
            return []
        return [
            problem(
                "users.municipality_with_role",
                f"--municipality gilt nur für Benutzer einer Kommune, nicht für die Rolle {role}",
                f"--municipality is only for a municipality's user, not for the role {role}",
                value=municipality,
            )
        ]
    known = sorted(set(workspace.logs()["municipality"]))
    if municipality in known:
        return []
    listing = ", ".join(known) or "—"
    if municipality is None:
        return [
            problem(
                "users.municipality_missing",
                f"Kommune fehlt: --municipality angeben (oder --role admin / --role group); "
                f"im Arbeitsbereich: {listing}",
                f"municipality missing: give --municipality (or --role admin / --role group); "
                f"in the workspace: {listing}",
            )
        ]
    return [
        problem(
            "users.municipality_unknown",
            f"diese Kommune hat kein Protokoll im Arbeitsbereich; vorhanden: {listing}",
            f"this municipality has no log in the workspace; present: {listing}",
            value=municipality,
        )
    ]


def existing_user(workspace: Workspace, name: str) -> User:
    """The user called ``name``; an unknown name is an error naming the users there are."""
    found = find_user(workspace, name)
    if found is None:
        known = ", ".join(u.name for u in users(workspace)) or "—"
        raise error(
            "users.unknown",
            f"diesen Benutzer gibt es nicht; vorhanden: {known}",
            f"no such user; present: {known}",
            value=name,
        )
    return found


def _has_users(workspace: Workspace) -> bool:
    return bool(
        workspace.con.execute(
            "select count(*) from information_schema.tables where table_name = 'users'"
        ).fetchall()[0][0]
    )


def _user(row: tuple) -> User:
    name, role, municipality, created, changed = row
    return User(
        name=name,
        role=Role(role),
        municipality=municipality,
        created_at=created,
        changed_at=changed,
    )
