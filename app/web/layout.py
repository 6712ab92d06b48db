"""The frame around every page: a header with the pages, the user, their municipality, the
language switch and logout; the page below it (Dash Pages' container)."""

from __future__ import annotations

import dash
from dash import html

from app.web.auth import logged_in_user
from app.web.texts import language, text
from connectors.users import ROLE_NAMES, User


def shell() -> html.Div:
    """The layout of the app for the session's user (served at ``/_dash-layout``); without
    one (Dash checks the layout on its first request, which may be the login's) no header."""
    user = logged_in_user()
    top = [header(user)] if user is not None else []
    return html.Div(
        [*top, html.Main(dash.page_container, className="page")],
        className="shell",
        lang=language(),
    )


def header(user: User) -> html.Header:
    de, en = ROLE_NAMES[user.role]
    role = text(de, en.capitalize())
    where = f"{role} {user.municipality}" if user.municipality else role
    other = "en" if language() == "de" else "de"
    return html.Header(
        [
            html.A("Amtsweg", href="/", className="brand"),
            html.Nav([_page_link(page) for page in dash.page_registry.values()], className="nav"),
            html.Div(
                [
                    html.Span(user.name, className="user-name", id="header-user"),
                    html.Span(where, className="user-where", id="header-where"),
                    html.A(
                        "English" if other == "en" else "Deutsch",
                        href=f"/language/{other}",
                        className="header-link",
                        id="header-language",
                        lang=other,
                    ),
                    html.A(
                        text("Abmelden", "Log out"),
                        href="/logout",
                        className="header-link",
                        id="header-logout",
                    ),
                ],
                className="user",
            ),
        ],
        className="header",
    )


def _page_link(page: dict) -> dash.dcc.Link:
    name = text(page["name"], page.get("name_en", page["name"]))
    return dash.dcc.Link(name, href=page["relative_path"], className="nav-link")
