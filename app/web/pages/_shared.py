"""What the pages share: the stored results as the session's user may read them, the choice
of log (an administrator picks a municipality; a municipality's user never can), and the
names peers go by. Not a page (Dash Pages skips modules whose name starts with "_")."""

from __future__ import annotations

import flask
import pandas as pd
from dash import dcc, html

from analyzer import schema
from app import api
from app.web.auth import current_user
from app.web.settings import read_workspace, workspace_path
from app.web.tenancy import case_municipality, peer_names
from app.web.texts import text
from connectors.users import Role, User

#: Key in ``amtsweg_meta`` of the ring's choice: "named" shows peers by name to every
#: municipality; anything else (or nothing) anonymises them.
PEERS_SETTING = "ring_peers"


def logs_of(municipality: str | None = None) -> pd.DataFrame:
    """MUNICIPALITY and SERVICE of the workspace's analysed logs (of ``municipality``)."""
    runs = api.stored_results(workspace_path(), municipality=municipality, tables=()).runs
    return pd.DataFrame(
        [(r.municipality, r.service) for r in runs],
        columns=[schema.MUNICIPALITY, schema.SERVICE],
    )


def chosen_log(user: User, municipality: str | None, service: str | None) -> tuple[str, str]:
    """(municipality, service) whose case-level data this request may read: the user's own
    municipality (or the administrator's choice) and ``service`` where it has that log, else
    its first; ("", "") where there is none."""
    allowed = case_municipality(user, municipality)
    if allowed is None and user.role is Role.ADMIN:
        allowed = next(iter(logs_of()[schema.MUNICIPALITY]), None)
    if allowed is None:
        return "", ""
    services = logs_of(allowed)[schema.SERVICE].tolist()
    if not services:
        return "", ""
    return allowed, service if service in services else services[0]


def log_choice(page: str, user: User) -> html.Div:
    """The dropdowns that choose a log: municipality (administrators only) and service."""
    municipality, service = chosen_log(user, None, None)
    # a municipality's user sees its own name in a fixed field: what the page shows, and
    # never a choice (the server ignores any other value sent anyway)
    choices = sorted(set(logs_of()[schema.MUNICIPALITY])) if user.role is Role.ADMIN else []
    controls = [
        _labelled(
            text("Kommune", "Municipality"),
            dcc.Dropdown(
                choices or ([municipality] if municipality else []),
                municipality or None,
                id=f"{page}-municipality",
                clearable=False,
                disabled=user.role is not Role.ADMIN,
            ),
        )
    ]
    controls.append(
        _labelled(
            text("Leistung", "Service"),
            dcc.Dropdown(
                logs_of(municipality or None)[schema.SERVICE].tolist() if municipality else [],
                service or None,
                id=f"{page}-service",
                clearable=False,
            ),
        )
    )
    return html.Div(controls, className="controls")


def services_of(user: User, municipality: str | None) -> tuple[list[str], str | None]:
    """(services, the first) of the log choice after ``municipality`` was chosen."""
    allowed, service = chosen_log(user, municipality, None)
    return (logs_of(allowed)[schema.SERVICE].tolist() if allowed else []), service or None


def _labelled(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="control-label"), control], className="control")


def names_for(municipalities: list[str], user: User | None = None) -> dict[str, str]:
    """How the session's user sees each municipality's name (:func:`peer_names`)."""
    return peer_names(
        municipalities,
        user or current_user(),
        key=flask.current_app.config["SECRET_KEY"].encode()
        if isinstance(flask.current_app.config["SECRET_KEY"], str)
        else flask.current_app.config["SECRET_KEY"],
        named=peers_named(),
    )


def peers_named() -> bool:
    """The ring's setting: peers shown by name (True) or anonymised (the default)."""
    with read_workspace() as ws:
        row = ws.con.execute(
            "select value from amtsweg_meta where key = ?", [PEERS_SETTING]
        ).fetchone()
    return row is not None and row[0] == "named"


def table(headings: list, rows: list, *, id: str) -> html.Table:
    """A table of the pages' style: ``headings`` are texts or (text, class) pairs, ``rows``
    the ``html.Tr`` of the body."""
    pairs = [h if isinstance(h, tuple) else (h, "") for h in headings]
    head = html.Thead(html.Tr([html.Th(h, className=c) for h, c in pairs]))
    return html.Table([head, html.Tbody(rows)], className="table", id=id)


def no_case_data() -> html.P:
    return html.P(
        text(
            "Fallbezogene Daten sieht nur die Kommune selbst; die Arbeitsgruppe sieht den "
            "Vergleich.",
            "Case-level data are shown only to the municipality itself; the working group "
            "sees the comparison.",
        ),
        className="lead",
    )
