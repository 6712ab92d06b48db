"""The app in headless Chromium: log in, see the overview without console errors, switch the
language, log out. Screenshots at 1366×768 and 1920×1080 go to $AMTSWEG_SCREENS (else a
temporary folder), and one of the page as it was whenever a step fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.web.server import create_app
from connectors.users import Role, add_user
from connectors.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = ((1366, 768), (1920, 1080))
PASSWORDS = {"anna": "Musterdorf-Wohngeld-1", "chef": "Verwaltung-Alles-22"}

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() or shutil.which("chromium")), reason="no chromium installed"
)


@pytest.fixture(scope="module")
def base(tmp_path_factory, serve_app) -> str:
    """The shipped Wohngeld and Gewerbeanmeldung samples (six municipalities), a Musterdorf
    user and an administrator."""
    from app import api
    from app.cli.demo import sample_folder

    samples = sample_folder()
    path = tmp_path_factory.mktemp("browser") / "ws.duckdb"
    for name in ("wohngeld.parquet", "gewerbeanmeldung.parquet"):
        api.import_log(samples / name, workspace=path, mapping=samples / f"{name}.mapping.toml")
    with Workspace(path) as ws:
        add_user(ws, "anna", password=PASSWORDS["anna"], municipality="Musterdorf")
        add_user(ws, "chef", password=PASSWORDS["chef"], role=Role.ADMIN)
    return serve_app(create_app(path))


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("AMTSWEG_SCREENS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=ARGS,
        )
        yield browser
        browser.close()


@contextmanager
def page_of(chromium, screens: Path, name: str) -> Iterator:
    """A page in a fresh browser context, its console errors collected in ``page.errors``;
    a failing step leaves a screenshot ``failed_<name>.png``."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    except BaseException:
        page.screenshot(path=str(screens / f"failed_{name}.png"))
        raise
    finally:
        context.close()


def log_in(page, base: str, name: str) -> None:
    page.goto(base + "/")
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_selector("#overview-table", timeout=30_000)


def test_log_in_see_the_overview_and_log_out(chromium, base: str, screens: Path) -> None:
    with page_of(chromium, screens, "musterdorf") as page:
        page.goto(base + "/")
        assert page.url == base + "/login?next=/"
        page.screenshot(path=str(screens / "login_1366x768.png"))
        page.fill("#username", "anna")
        page.fill("#password", "falsch-falsch-1")
        page.click("button[type=submit]")
        assert page.text_content(".login-message") == "Name oder Passwort falsch."
        # Chromium reports the refusal's status 401 itself as a console error: that one is meant
        assert page.errors == [
            "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"
        ]
        page.errors.clear()

        log_in(page, base, "anna")
        assert page.text_content("#header-user") == "anna"
        assert page.text_content("#header-where") == "Kommune Musterdorf"
        table = page.text_content("#overview-table")
        assert "Musterdorf" in table and "andere Kommunen (5)" in table
        assert "Beispielheim" not in page.content()
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(screens / f"overview_musterdorf_{width}x{height}.png"))
            # nothing wider than the window: no sideways scrolling in a meeting room
            assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.click("#header-language")
        page.wait_for_selector("text=Overview")
        assert page.text_content("#header-logout") == "Log out"
        assert "other municipalities (5)" in page.text_content("#overview-table")

        page.click("#header-logout")
        page.wait_for_selector("form[action='/login']")
        page.goto(base + "/")
        assert page.url == base + "/login?next=/"
        assert page.errors == []


def test_administrator_sees_every_municipality(chromium, base: str, screens: Path) -> None:
    with page_of(chromium, screens, "admin") as page:
        log_in(page, base, "chef")
        table = page.text_content("#overview-table")
        assert "Beispielheim" in table and "Musterdorf" in table and "andere" not in table
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(screens / f"overview_admin_{width}x{height}.png"))
        assert page.errors == []
