"""Who is asking: login, logout, the session and the one source of the tenant.

The session cookie (Flask's, signed with the workspace's secret) holds only the user's name,
when their password or role last changed and when the session was last used. Every request
but the login page's own is refused without a valid session: ``/_dash-*`` and files with 401,
pages with a redirect to ``/login``. A session is valid while its user still exists unchanged
in the workspace and it was used within the idle time; removing a user or changing their
password ends their sessions at the next request. Failed logins are counted per user name and
per client address (:class:`LoginThrottle`, kept on the server object).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import quote, urlparse

import flask

from app.web.login_page import login_page
from app.web.settings import AppSettings, app_settings, read_workspace
from app.web.texts import language, set_language, text
from connectors.users import User, authenticated_user, users
from connectors.workspace import Workspace

#: Paths served without a session: the login form, its stylesheet, logout, the language switch.
PUBLIC_PATHS = frozenset(
    {"/login", "/logout", "/assets/amtsweg.css", "/language/de", "/language/en"}
)
#: Prefixes of what the browser fetches by script (answered 401, never redirected).
_FETCHED = ("/_dash-", "/_reload-hash", "/_favicon", "/assets/", "/_alive")
_SAFE_NEXT = re.compile(r"/[A-Za-z0-9_\-/]*")
_USER, _CHANGED, _SEEN = "user", "changed", "seen"
_THROTTLE = "amtsweg_login_throttle"
_KNOWN_USERS = "amtsweg_known_users"


class LoginThrottle:
    """Failed logins per key (a user name, a client address) within a sliding window.

    A key with ``attempts`` failures in the last ``window`` seconds is refused until the
    oldest of them leaves the window, without checking its password."""

    def __init__(self, *, attempts: int, window: float):
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, keys: list[str], *, now: float) -> float:
        """Seconds until every key may try again (0: now)."""
        with self._lock:
            waits = [self._wait(key, now) for key in keys]
        return max(waits, default=0.0)

    def failed(self, keys: list[str], *, now: float) -> None:
        with self._lock:
            for key in keys:
                self._failures[key].append(now)
            if len(self._failures) > 10_000:  # many names tried: forget the expired ones
                for key in [k for k in self._failures if self._wait(k, now) == 0]:
                    del self._failures[key]

    def _wait(self, key: str, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.attempts:
            return 0.0
        return times[-self.attempts] + self.window - now


class KnownUsers:
    """The workspace's users as the guard checks them on every request: read again when the
    workspace file (or its write-ahead log) changed, and at least every ``max_age`` seconds.
    Opening DuckDB costs some 50 ms; a request should not pay that for its user."""

    def __init__(self, workspace: Path, *, max_age: float = 30.0):
        self.workspace = workspace
        self.max_age = max_age
        self._users: dict[str, User] = {}
        self._stamp: tuple | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def find(self, name: str, *, now: float) -> User | None:
        stamp = tuple(_file_stamp(p) for p in (self.workspace, _wal_of(self.workspace)))
        with self._lock:
            if stamp != self._stamp or now - self._read_at > self.max_age:
                with Workspace(self.workspace, read_only=True) as ws:
                    self._users = {u.name: u for u in users(ws)}
                self._stamp, self._read_at = stamp, now
            return self._users.get(name)


def current_user() -> User:
    """The user of this request's session: name, role, municipality. The only source of the
    tenant for pages and callbacks (never ids sent by the browser)."""
    user = logged_in_user()
    if user is None:
        raise PermissionError("no user logged in for this request")
    return user


def logged_in_user() -> User | None:
    """The user of this request's session, or None (a public path, or outside a request)."""
    return flask.g.get("amtsweg_user") if flask.has_request_context() else None


def install_login(server: flask.Flask, *, workspace: Path, settings: AppSettings) -> None:
    """The guard in front of every request, and the routes /login, /logout, /language/<lang>.
    Installed before Dash's own hooks, so a refused request never reaches Dash."""
    server.extensions[_THROTTLE] = LoginThrottle(
        attempts=settings.login_attempts, window=settings.login_window.total_seconds()
    )
    server.extensions[_KNOWN_USERS] = KnownUsers(workspace)
    server.before_request(_guard)
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["GET", "POST"])
    server.add_url_rule("/language/<lang>", "language", _language)


def _guard() -> flask.Response | None:
    request = flask.request
    if request.path in PUBLIC_PATHS:
        return None
    user = _session_user()
    if user is None:
        if request.path.startswith(_FETCHED) or request.method != "GET":
            return flask.Response(
                text("Nicht angemeldet.", "Not logged in."), 401, mimetype="text/plain"
            )
        return flask.redirect(f"/login?next={quote(request.path)}")
    flask.g.amtsweg_user = user
    return None


def _session_user() -> User | None:
    """The session's user if the session is valid now; an invalid session is emptied."""
    session = flask.session
    name = session.get(_USER)
    if not name:
        return None
    settings = app_settings()
    now = settings.clock()
    seen = session.get(_SEEN, 0)
    user = None
    if now - seen <= settings.idle_timeout.total_seconds():
        known: KnownUsers = flask.current_app.extensions[_KNOWN_USERS]
        user = known.find(name, now=now)
    if user is None or user.changed_at.isoformat() != session.get(_CHANGED):
        _end_session()
        return None
    if now - seen > 60:  # refreshed once a minute, not with every callback
        session[_SEEN] = now
    return user


def _login() -> flask.Response | str:
    request = flask.request
    next_path = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if _session_user() is not None:
            return flask.redirect(next_path)
        return login_page(next_path=next_path)
    name = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    settings = app_settings()
    throttle: LoginThrottle = flask.current_app.extensions[_THROTTLE]
    keys = [f"user:{name.casefold()}", f"address:{request.remote_addr}"]
    now = settings.clock()
    wait = throttle.wait(keys, now=now)
    if wait > 0:
        seconds = max(1, round(wait))
        message = text(
            f"Zu viele Anmeldeversuche. Bitte in {seconds} Sekunden erneut versuchen.",
            f"Too many login attempts. Please try again in {seconds} seconds.",
        )
        page = login_page(next_path=next_path, message=message, username=name)
        return flask.Response(page, 429, headers={"Retry-After": str(seconds)})
    user = None
    if name and password:
        with read_workspace() as ws:
            user = authenticated_user(ws, name, password)
    if user is None:
        throttle.failed(keys, now=now)
        message = text("Name oder Passwort falsch.", "Wrong user name or password.")
        return flask.Response(login_page(next_path=next_path, message=message, username=name), 401)
    _end_session()  # nothing of a session before the login carries over but the language
    flask.session.permanent = True
    flask.session[_USER] = user.name
    flask.session[_CHANGED] = user.changed_at.isoformat()
    flask.session[_SEEN] = now
    return flask.redirect(next_path)


def _logout() -> flask.Response:
    _end_session()
    return flask.redirect("/login")


def _language(lang: str) -> flask.Response:
    """Switch the language and go back to the page the switch was clicked on."""
    set_language(lang)
    back = flask.request.args.get("next") or urlparse(flask.request.referrer or "").path
    return flask.redirect(_safe_next(back))


def _end_session() -> None:
    """Forget the session's user (the chosen language stays)."""
    lang = language()
    flask.session.clear()
    set_language(lang)


def _safe_next(path: str | None) -> str:
    """A path on this server to go to after login ("/" for anything else: no open redirect)."""
    if path and _SAFE_NEXT.fullmatch(path) and not path.startswith("//"):
        return path
    return "/"


def _wal_of(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".wal")


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size
