"""Users of a workspace: argon2 hashes, plain-language refusals, and ``amtsweg users`` as a user
runs it (a real workspace file, a real process, the password on stdin)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analyzer import schema
from analyzer.problems import InputError
from connectors.event_log import finalize_event_log
from connectors.users import (
    Role,
    add_user,
    authenticated_user,
    change_password,
    find_user,
    remove_user,
    session_secret,
    users,
)
from connectors.workspace import Workspace

GOOD = "Kreisverwaltung-2026"


def workspace_with(path: Path, *municipalities: str) -> Path:
    """A workspace holding one two-event Wohngeld log per municipality."""
    with Workspace(path) as ws:
        for m in municipalities:
            frame = pl.DataFrame(
                {
                    schema.CASE: ["W-1", "W-1"],
                    schema.ACTIVITY: ["Antrag eingegangen", "Bescheid versandt"],
                    schema.TIMESTAMP: ["01.11.2026 09:00", "03.11.2026 15:00"],
                }
            )
            ws.import_log(
                finalize_event_log(frame, source="t.csv"), municipality=m, service="Wohngeld"
            )
    return path


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace(workspace_with(tmp_path / "ws.duckdb", "Musterdorf", "Beispielstadt")) as w:
        yield w


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.problems]


def test_password_is_stored_as_argon2_and_verified(ws: Workspace) -> None:
    user = add_user(ws, "anna", password=GOOD, municipality="Musterdorf")
    assert (user.name, user.role, user.municipality) == ("anna", Role.MUNICIPALITY, "Musterdorf")
    (stored,) = ws.con.execute("select password_hash from users").fetchone()
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert authenticated_user(ws, "anna", GOOD) == user
    assert authenticated_user(ws, "anna", GOOD + "x") is None
    assert authenticated_user(ws, "bert", GOOD) is None


def test_refusals_name_what_is_wrong(ws: Workspace) -> None:
    add_user(ws, "anna", password=GOOD, municipality="Musterdorf")
    with pytest.raises(InputError) as exc:
        add_user(ws, "anna", password=GOOD, municipality="Musterdorf")
    assert codes(exc) == ["users.duplicate"]
    with pytest.raises(InputError) as exc:
        add_user(ws, "bert", password=GOOD, municipality="Nirgendwo")
    assert codes(exc) == ["users.municipality_unknown"]
    assert "Beispielstadt, Musterdorf" in exc.value.text("de")
    assert exc.value.problems[0].value == "Nirgendwo"
    with pytest.raises(InputError) as exc:
        add_user(ws, "bert", password="", municipality="Musterdorf")
    assert codes(exc) == ["users.password_empty"]
    with pytest.raises(InputError) as exc:  # all at once: short, simple, contains the name
        add_user(ws, "bert", password="bertbert", municipality="Musterdorf")
    assert codes(exc) == ["users.password_short", "users.password_simple", "users.password_name"]
    with pytest.raises(InputError) as exc:
        add_user(ws, "ringleitung", password=GOOD, role=Role.GROUP, municipality="Musterdorf")
    assert codes(exc) == ["users.municipality_with_role"]
    with pytest.raises(InputError) as exc:
        remove_user(ws, "carla")
    assert codes(exc) == ["users.unknown"] and "anna" in exc.value.text("en")
    assert [u.name for u in users(ws)] == ["anna"]


def test_new_password_replaces_the_old_and_changes_the_stamp(ws: Workspace) -> None:
    before = add_user(ws, "chef", password=GOOD, role=Role.ADMIN)
    after = change_password(ws, "chef", password="Neues-Passwort-9")
    assert after.changed_at > before.changed_at and after.created_at == before.created_at
    assert authenticated_user(ws, "chef", GOOD) is None
    assert authenticated_user(ws, "chef", "Neues-Passwort-9") == after
    remove_user(ws, "chef")
    assert find_user(ws, "chef") is None


def test_session_secret_is_made_once_per_workspace(tmp_path: Path) -> None:
    first = workspace_with(tmp_path / "a.duckdb", "Musterdorf")
    with Workspace(first) as ws:
        secret = session_secret(ws)
    with Workspace(first) as ws:
        assert session_secret(ws) == secret and len(secret) == 64
    with Workspace(workspace_with(tmp_path / "b.duckdb", "Musterdorf")) as ws:
        assert session_secret(ws) != secret


def amtsweg(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_command_round_trip(tmp_path: Path) -> None:
    workspace_with(tmp_path / "ws.duckdb", "Musterdorf", "Beispielstadt")
    w = ["-w", "ws.duckdb"]
    added = amtsweg(
        "users", "add", "anna", "-m", "Musterdorf", "--password-stdin", *w,
        cwd=tmp_path, stdin=GOOD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "angelegt: anna (Kommune: Musterdorf)" in added.stdout
    admin = amtsweg(
        "users", "add", "chef", "--role", "admin", "--password-stdin", *w,
        cwd=tmp_path, stdin="Ganz-anderes-Wort\n",
    )  # fmt: skip
    assert admin.returncode == 0, admin.stderr

    listed = amtsweg("--lang", "en", "users", "list", *w, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split("│")[1].strip(): line for line in listed.stdout.splitlines() if "│" in line}
    assert "municipality" in lines["anna"] and "Musterdorf" in lines["anna"]
    assert "administration" in lines["chef"]
    con = duckdb.connect(str(tmp_path / "ws.duckdb"), read_only=True)
    hashes = [h for (h,) in con.execute("select password_hash from users").fetchall()]
    con.close()
    assert len(hashes) == 2
    for output in (added, admin, listed):
        text = output.stdout + output.stderr
        assert GOOD not in text and "argon2" not in text
        assert not any(h in text or h.split("$")[-1] in text for h in hashes)

    changed = amtsweg(
        "users", "passwd", "anna", "--password-stdin", *w, cwd=tmp_path, stdin="Neu-und-lang-7\n"
    )
    assert changed.returncode == 0, changed.stderr
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        assert authenticated_user(ws, "anna", "Neu-und-lang-7") is not None
    removed = amtsweg("users", "remove", "anna", *w, cwd=tmp_path)
    assert removed.returncode == 0 and "gelöscht: anna" in removed.stdout
    again = amtsweg("--lang", "en", "users", "remove", "anna", *w, cwd=tmp_path)
    assert again.returncode == 2
    assert "Error: no such user; present: chef (value 'anna')" in again.stderr
    assert "Traceback" not in again.stderr


def test_users_command_refuses_in_plain_words(tmp_path: Path) -> None:
    workspace_with(tmp_path / "ws.duckdb", "Musterdorf")
    w = ["-w", "ws.duckdb"]
    unknown = amtsweg(
        "users", "add", "bert", "-m", "Atlantis", "--password-stdin", *w, cwd=tmp_path,
        stdin=GOOD + "\n",
    )  # fmt: skip
    assert unknown.returncode == 2
    assert (
        "Fehler: diese Kommune hat kein Protokoll im Arbeitsbereich; vorhanden: Musterdorf "
        "(Wert „Atlantis“)" in unknown.stderr
    )
    weak = amtsweg(
        "--lang", "en", "users", "add", "bert", "-m", "Musterdorf", "--password-stdin", *w,
        cwd=tmp_path, stdin="kurz\n",
    )  # fmt: skip
    assert weak.returncode == 2
    assert "the password is too short: 4 characters, at least 10 needed" in weak.stderr
    missing = amtsweg("users", "list", "-w", "tippfehler.duckdb", cwd=tmp_path)
    assert missing.returncode == 2 and "Arbeitsbereich nicht gefunden" in missing.stderr
    assert not (tmp_path / "tippfehler.duckdb").exists()
    for run in (unknown, weak, missing):
        assert "Traceback" not in run.stderr
