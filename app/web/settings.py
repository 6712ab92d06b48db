"""How one app is set up (idle time, login limits, upload size, k) and where a request finds
its workspace and settings: on the server object, never in module globals."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import flask

from connectors.workspace import Workspace

_WORKSPACE = "AMTSWEG_WORKSPACE"
_SETTINGS = "AMTSWEG_SETTINGS"


@dataclass(frozen=True)
class AppSettings:
    """Options of one served app (keyword defaults are what ``amtsweg app`` uses)."""

    #: A session ends after this long without a request.
    idle_timeout: timedelta = timedelta(hours=8)
    #: Failed logins allowed per user name and per client address within ``login_window``.
    login_attempts: int = 5
    login_window: timedelta = timedelta(minutes=1)
    #: Largest request body accepted (an upload), in bytes.
    max_upload_bytes: int = 200 * 1024 * 1024
    #: Another municipality's group with fewer cases is not shown to a municipality's user.
    min_group_cases: int = 10
    #: Seconds since the epoch; the tests give a clock they can move.
    clock: Callable[[], float] = time.time


def keep_on(server: flask.Flask, *, workspace: Path, settings: AppSettings) -> None:
    """Store the workspace and settings on ``server`` for :func:`workspace_path` and
    :func:`app_settings`."""
    server.config[_WORKSPACE] = Path(workspace)
    server.config[_SETTINGS] = settings


def workspace_path() -> Path:
    """The workspace file of the app serving this request."""
    return flask.current_app.config[_WORKSPACE]


def app_settings() -> AppSettings:
    return flask.current_app.config[_SETTINGS]


@contextmanager
def read_workspace() -> Iterator[Workspace]:
    """The workspace open for reading, for the length of one request's read (the command line
    can write users or imports between requests)."""
    with Workspace(workspace_path(), read_only=True) as ws:
        yield ws
