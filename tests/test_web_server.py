"""The served app, really started: waitress on 127.0.0.1 and a free port, a DuckDB workspace
file, HTTP requests as a browser (or an attacker) sends them."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from analyzer import schema
from app.web.server import create_app
from app.web.settings import AppSettings
from connectors.event_log import finalize_event_log
from connectors.users import Role, add_user, change_password, remove_user
from connectors.workspace import Workspace

PASSWORDS = {"anna": "Musterdorf-Wohngeld-1", "chef": "Verwaltung-Alles-22"}


class Clock:
    """A clock the tests move: seconds since the epoch."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def log(prefix: str, cases: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            schema.CASE: [f"{prefix}-{c:03d}" for c in range(cases) for _ in range(2)],
            schema.ACTIVITY: ["Antrag eingegangen", "Bescheid versandt"] * cases,
            schema.TIMESTAMP: [f"0{d}.11.2026 09:00" for _ in range(cases) for d in (2, 6)],
        }
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """Musterdorf (12 Wohngeld cases), Beispielstadt (15 Wohngeld, 3 Gewerbe cases); a
    Musterdorf user and an administrator."""
    path = tmp_path_factory.mktemp("web") / "ws.duckdb"
    with Workspace(path) as ws:
        for municipality, service, prefix, cases in (
            ("Musterdorf", "Wohngeld", "MD-WG", 12),
            ("Beispielstadt", "Wohngeld", "BS-WG", 15),
            ("Beispielstadt", "Gewerbeanmeldung", "BS-GA", 3),
        ):
            events = finalize_event_log(log(prefix, cases), source="t.csv")
            ws.import_log(events, municipality=municipality, service=service)
        add_user(ws, "anna", password=PASSWORDS["anna"], municipality="Musterdorf")
        add_user(ws, "chef", password=PASSWORDS["chef"], role=Role.ADMIN)
    return path


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def words(self) -> list[str]:
        """Every text of a JSON answer (a Dash layout or callback), unescaped."""
        found: list[str] = []

        def walk(node) -> None:
            if isinstance(node, str):
                found.append(node)
            elif isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(self.body))
        return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Requests with a cookie jar and no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(self.jar)
        )

    def send(self, path: str, *, form=None, body: bytes | None = None, json_body=None) -> Reply:
        headers = {}
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, dict(exc.headers), exc.read().decode())

    def login(self, name: str, password: str | None = None) -> Reply:
        return self.send("/login", form={"username": name, "password": password or PASSWORDS[name]})

    def page_content(self, pathname: str = "/") -> Reply:
        """The page callback of Dash Pages, posted as the browser posts it."""
        return self.send(
            "/_dash-update-component",
            json_body={
                "output": ".._pages_content.children..._pages_store.data..",
                "outputs": [
                    {"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"},
                ],
                "inputs": [
                    {"id": "_pages_location", "property": "pathname", "value": pathname},
                    {"id": "_pages_location", "property": "search", "value": ""},
                ],
                "changedPropIds": ["_pages_location.pathname"],
                "state": [],
            },
        )


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def base(workspace: Path, serve_app, clock: Clock) -> str:
    settings = AppSettings(idle_timeout=timedelta(hours=1), clock=clock)
    return serve_app(create_app(workspace, settings=settings))


UPDATE = {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": []}


def test_without_session_everything_is_refused(base: str) -> None:
    browser = Browser(base)
    page = browser.send("/")
    assert page.status == 302 and page.headers["Location"] == "/login?next=/"
    deep = browser.send("/vergleich")
    assert deep.status == 302 and deep.headers["Location"] == "/login?next=/vergleich"
    for path in ("/_dash-layout", "/_dash-dependencies", "/_dash-component-suites/dash/x.js"):
        refused = browser.send(path)
        assert refused.status == 401, path
        assert refused.body == "Nicht angemeldet."
    assert browser.send("/_dash-update-component", json_body=UPDATE).status == 401
    assert browser.page_content().status == 401
    assert browser.send("/assets/amtsweg.css").status == 200  # the login page's own
    form = browser.send("/login")
    assert form.status == 200
    assert 'name="username"' in form.body and 'name="password"' in form.body
    assert 'method="post" action="/login"' in form.body


def test_login_with_the_right_password_only(base: str) -> None:
    browser = Browser(base)
    wrong = browser.login("anna", "Musterdorf-Wohngeld-2")
    assert wrong.status == 401 and "Name oder Passwort falsch." in wrong.body
    assert browser.send("/_dash-layout").status == 401
    unknown = browser.login("niemand", PASSWORDS["anna"])
    assert unknown.status == 401 and "Name oder Passwort falsch." in unknown.body

    right = browser.send("/login", form={"username": "anna", "password": PASSWORDS["anna"],
                                         "next": "/vergleich"})  # fmt: skip
    assert right.status == 302 and right.headers["Location"] == "/vergleich"
    cookie = right.headers["Set-Cookie"]
    assert cookie.startswith("amtsweg_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    layout = browser.send("/_dash-layout")
    assert layout.status == 200
    assert {"anna", "Kommune Musterdorf"} <= set(layout.words())
    assert browser.send("/").status == 200
    assert browser.send("/_dash-dependencies").status == 200

    logout = browser.send("/logout")
    assert logout.status == 302 and logout.headers["Location"] == "/login"
    assert browser.send("/_dash-layout").status == 401


def test_no_open_redirect_after_login(base: str) -> None:
    for target in ("https://example.org/", "//example.org/x", "/a?b=c"):
        reply = Browser(base).send("/login", form={**_form("chef"), "next": target})
        assert reply.status == 302 and reply.headers["Location"] == "/", target


def _form(name: str) -> dict[str, str]:
    return {"username": name, "password": PASSWORDS[name]}


def test_security_headers_on_every_response(base: str) -> None:
    browser = Browser(base)
    replies = [browser.send("/"), browser.send("/login"), browser.send("/_dash-layout")]
    browser.login("chef")
    replies += [browser.send("/"), browser.send("/_dash-layout"), browser.send("/nirgends.txt")]
    for reply in replies:
        headers = reply.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "script-src 'self' 'sha256-" in csp and "'unsafe-eval'" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"


def test_municipality_user_sees_the_others_only_aggregated(base: str) -> None:
    anna = Browser(base)
    anna.login("anna")
    reply = anna.page_content("/")
    assert reply.status == 200
    words = reply.words()
    assert "Musterdorf" in words and "andere Kommunen (1)" in words
    assert "Beispielstadt" not in reply.body
    # Beispielstadt's 3 Gewerbe cases are under k = 10: neither row nor total shows them
    assert "Andere Kommunen in Gewerbeanmeldung: unter 10 Fällen, daher nicht gezeigt." in words
    assert "Gewerbeanmeldung" not in [w for w in words if not w.startswith("Andere")]
    # municipalities, services, cases (12 own + 15 others' Wohngeld), events
    assert figures(words) == ["2", "1", "27", "54"]
    assert "BS-" not in reply.body and "MD-" not in reply.body  # no case ids at all

    chef = Browser(base)
    chef.login("chef")
    everything = chef.page_content("/").words()
    assert {"Beispielstadt", "Musterdorf", "Gewerbeanmeldung"} <= set(everything)
    assert figures(everything) == ["2", "2", "30", "60"]
    assert not any(w.startswith("andere Kommunen") for w in everything)


def figures(words: list[str]) -> list[str]:
    """The large numbers at the top of the overview, in order."""
    return [words[i - 1] for i, w in enumerate(words) if w == "figure-value"]


def test_language_switch_goes_back_to_the_page(base: str) -> None:
    browser = Browser(base)
    browser.login("chef")
    switched = browser.send("/language/en?next=/")
    assert switched.status == 302 and switched.headers["Location"] == "/"
    assert "Log out" in browser.send("/_dash-layout").words()
    assert any(w.startswith("All logs of the workspace") for w in browser.page_content().words())


def test_idle_session_expires(base: str, clock: Clock) -> None:
    browser = Browser(base)
    browser.login("anna")
    clock.now += 50 * 60  # within the hour: still valid, and used now
    assert browser.send("/_dash-layout").status == 200
    clock.now += 50 * 60
    assert browser.send("/_dash-layout").status == 200
    clock.now += 61 * 60
    assert browser.send("/_dash-layout").status == 401
    assert browser.send("/").headers["Location"] == "/login?next=/"
    clock.now += 60  # the session was ended, not just refused once
    assert browser.send("/_dash-layout").status == 401


def test_a_removed_user_or_new_password_ends_the_session(workspace: Path, serve_app) -> None:
    base = serve_app(create_app(workspace))
    with Workspace(workspace) as ws:
        add_user(ws, "bert", password="Zugang-fuer-B-3", municipality="Musterdorf")
    first, second = Browser(base), Browser(base)
    first.login("bert", "Zugang-fuer-B-3")
    second.login("bert", "Zugang-fuer-B-3")
    with Workspace(workspace) as ws:
        change_password(ws, "bert", password="Neues-Passwort-44")
    assert first.send("/_dash-layout").status == 401
    second.login("bert", "Neues-Passwort-44")
    assert second.send("/_dash-layout").status == 200
    with Workspace(workspace) as ws:
        remove_user(ws, "bert")
    assert second.send("/_dash-layout").status == 401


def test_failed_logins_are_limited_per_user_and_per_address(workspace: Path, serve_app) -> None:
    clock = Clock()
    settings = AppSettings(login_attempts=3, login_window=timedelta(minutes=1), clock=clock)
    base = serve_app(create_app(workspace, settings=settings))
    browser = Browser(base)
    for _ in range(3):
        assert browser.login("anna", "falsch-falsch-1").status == 401
    blocked = browser.login("anna")  # the right password, but too many tries
    assert blocked.status == 429 and blocked.headers["Retry-After"] == "60"
    assert "Zu viele Anmeldeversuche" in blocked.body
    assert browser.send("/_dash-layout").status == 401
    # the address too: other names from it are refused now
    assert browser.login("chef").status == 429
    clock.now += 61
    assert browser.login("anna").status == 302
    assert browser.send("/_dash-layout").status == 200


def test_cookie_is_secure_over_https(workspace: Path, serve_app) -> None:
    base = serve_app(create_app(workspace), url_scheme="https")
    reply = Browser(base).login("chef")
    assert reply.status == 302 and "Secure" in reply.headers["Set-Cookie"]


def test_large_uploads_and_errors_are_plain(workspace: Path, serve_app) -> None:
    base = serve_app(create_app(workspace, settings=AppSettings(max_upload_bytes=10_000)))
    browser = Browser(base)
    browser.login("chef")
    big = browser.send("/_dash-update-component", json_body={"upload": "x" * 20_000})
    assert big.status == 413 and big.body == "Die Datei ist zu groß für das Hochladen."
    broken = browser.send("/_dash-update-component", json_body={"output": "nichts"})
    assert broken.status in (400, 500)
    missing = browser.send("/_dash-component-suites/dash/nichts.js")
    assert missing.status == 404 and missing.body == "Diese Seite gibt es nicht."
    for reply in (big, broken, missing):
        assert "Traceback" not in reply.body and 'File "' not in reply.body
        assert reply.headers["Content-Type"].startswith("text/plain")
