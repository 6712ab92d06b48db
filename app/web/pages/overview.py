"""Overview: which municipalities and services the workspace holds, with cases, events and
period per log, as the session's user may see them (:mod:`app.web.tenancy`)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from analyzer import schema
from app import api
from app.web.auth import current_user
from app.web.pages._shared import table
from app.web.settings import app_settings, workspace_path
from app.web.tenancy import (
    EUROS_PER_YEAR,
    HEADLINE_RATES,
    HOURS_PER_YEAR,
    MUNICIPALITIES,
    VisibleOverview,
    burden_headline,
    headline_for,
    overview_for,
)
from app.web.texts import date, number, text
from connectors.users import Role, User

dash.register_page(__name__, path="/", name="Überblick", name_en="Overview", order=0)


def layout(**_query: str) -> html.Div:
    user = current_user()
    overview, _coverage = api.overview(workspace=workspace_path())
    visible = overview_for(overview, user, min_cases=app_settings().min_group_cases)
    rows = visible.rows
    children = [html.H1(text("Überblick", "Overview"), id="overview-title")]
    if rows.empty:
        children.append(
            html.P(
                text(
                    "Der Arbeitsbereich enthält noch keine Protokolle. Importieren mit: "
                    "amtsweg import DATEI -w ARBEITSBEREICH",
                    "The workspace holds no logs yet. Import one with: "
                    "amtsweg import FILE -w WORKSPACE",
                ),
                className="lead",
                id="overview-empty",
            )
        )
        return html.Div(children, className="overview")
    children += [
        html.P(_lead(visible, user), className="lead", id="overview-lead"),
        _figures(visible),
        _table(rows),
        *_burden(user),
    ]
    if visible.suppressed:
        children.append(
            html.P(
                text(
                    f"Andere Kommunen in {', '.join(visible.suppressed)}: unter "
                    f"{app_settings().min_group_cases} Fällen, daher nicht gezeigt.",
                    f"Other municipalities in {', '.join(visible.suppressed)}: fewer than "
                    f"{app_settings().min_group_cases} cases, so not shown.",
                ),
                className="note",
                id="overview-suppressed",
            )
        )
    if rows[schema.MUNICIPALITY].isna().any():
        children.append(
            html.P(
                text(
                    "Andere Kommunen erscheinen nur zusammengefasst, nie mit einzelnen Fällen.",
                    "Other municipalities appear only as aggregates, never with single cases.",
                ),
                className="note",
            )
        )
    return html.Div(children, className="overview")


def _burden(user: User) -> list:
    """The headline burden per log from the stored results, and the cost tables' edition."""
    stored = api.stored_results(workspace_path(), tables=("kpis", "burden_costs"))
    headline = burden_headline(stored.kpis, stored.burden_costs)
    rows = headline_for(headline, user, min_cases=app_settings().min_group_cases)
    if rows.empty:
        return [
            html.P(
                text(
                    "Noch keine Analyseergebnisse: amtsweg reanalyse -w ARBEITSBEREICH",
                    "No analysis results yet: amtsweg reanalyse -w WORKSPACE",
                ),
                className="note",
                id="overview-no-results",
            )
        ]
    headings = [
        (text("Leistung", "Service"), ""),
        (text("Kommune", "Municipality"), ""),
        (text("Stunden je Jahr", "Hours a year"), "number"),
        (text("Euro je Jahr", "Euros a year"), "number"),
        # soft hyphens: long German words break inside the column, not past the page
        (text("Medien\u00adbrüche", "Media breaks"), "number"),
        (text("Mehrfach\u00aderfassungen", "Re-entries"), "number"),
        (text("Doppel\u00adzuständig\u00adkeiten", "Duplicates"), "number"),
    ]
    body = [_burden_row(row) for row in rows.to_dict("records")]
    editions = sorted({r.settings.get("cost_edition") or "–" for r in stored.runs})
    return [
        html.H2(text("Aufwand durch Belastungen", "Cost of the burdens"), className="section"),
        html.P(
            text(
                "Arbeitsstunden und Euro je Jahr, die die gefundenen Belastungen kosten; "
                "Medienbrüche, Mehrfacherfassungen und Doppelzuständigkeiten je 1.000 Fälle.",
                "Working hours and euros a year the burdens found cost; media breaks, "
                "re-entries and duplicate responsibilities per 1,000 cases.",
            ),
            className="note",
        ),
        html.Div(
            table(headings, body, id="overview-burden"),
            className="table-wrap",
        ),
        html.P(
            text("Kostentabellen: ", "Cost tables: ") + "; ".join(editions),
            className="note",
            id="overview-edition",
        ),
    ]


def _burden_row(row: dict) -> html.Tr:
    def shown(value: float) -> str:
        return "–" if pd.isna(value) else number(value)

    values = [row[HOURS_PER_YEAR], row[EUROS_PER_YEAR], *(row[r] for r in HEADLINE_RATES)]
    return html.Tr(
        [
            html.Td(row[schema.SERVICE]),
            _municipality_cell(row),
            *(html.Td(shown(v), className="number") for v in values),
        ]
    )


def _lead(visible: VisibleOverview, user: User) -> str:
    rows = visible.rows
    period = f"{date(rows['first'].min())} – {date(rows['last'].max())}"
    others = visible.municipalities - int((rows[schema.MUNICIPALITY] == user.municipality).any())
    if user.role is Role.MUNICIPALITY:
        return text(
            f"{user.municipality} und {number(others)} weitere "
            f"{'Kommune' if others == 1 else 'Kommunen'}, Zeitraum {period}.",
            f"{user.municipality} and {number(others)} other "
            f"{'municipality' if others == 1 else 'municipalities'}, period {period}.",
        )
    return text(
        f"Alle Protokolle des Arbeitsbereichs, Zeitraum {period}.",
        f"All logs of the workspace, period {period}.",
    )


def _figures(visible: VisibleOverview) -> html.Div:
    """The totals as a few large numbers."""
    rows = visible.rows
    figures = [
        (text("Kommunen", "Municipalities"), visible.municipalities),
        (text("Leistungen", "Services"), rows[schema.SERVICE].nunique()),
        (text("Fälle", "Cases"), rows["cases"].sum()),
        (text("Ereignisse", "Events"), rows["events"].sum()),
    ]
    return html.Div(
        [
            html.Div(
                [html.Span(number(value), className="figure-value"), html.Span(label)],
                className="figure",
            )
            for label, value in figures
        ],
        className="figures",
        id="overview-figures",
    )


def _table(rows: pd.DataFrame) -> html.Table:
    headings = [
        (text("Leistung", "Service"), ""),
        (text("Kommune", "Municipality"), ""),
        (text("Fälle", "Cases"), "number"),
        (text("Ereignisse", "Events"), "number"),
        (text("Tätigkeiten", "Activities"), "number"),
        (text("Zeitraum", "Period"), ""),
    ]
    return table(headings, [_row(row) for row in rows.to_dict("records")], id="overview-table")


def _row(row: dict) -> html.Tr:
    """One log, or the aggregate of the other municipalities of a service."""
    activities = row["activities"]
    cells = [
        html.Td(row[schema.SERVICE]),
        _municipality_cell(row),
        html.Td(number(row["cases"]), className="number"),
        html.Td(number(row["events"]), className="number"),
        html.Td("–" if pd.isna(activities) else number(activities), className="number"),
        html.Td(f"{date(row['first'])} – {date(row['last'])}"),
    ]
    return html.Tr(cells)


def _municipality_cell(row: dict) -> html.Td:
    """A log's municipality, or the aggregate of the others with how many it stands for."""
    if not pd.isna(row[schema.MUNICIPALITY]):
        return html.Td(row[schema.MUNICIPALITY])
    count = row[MUNICIPALITIES]
    return html.Td(
        text(f"andere Kommunen ({count})", f"other municipalities ({count})"),
        className="aggregate",
    )
