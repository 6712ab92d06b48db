"""Process map: the stored map of one of the user's own logs, drawn with the reports' figure
(frequency or median waiting time on the edges, burden marked), and the cases of a clicked
step or edge."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from analyzer import schema
from app import api
from app.api.results import CASE_END, CASE_EVENTS, CASE_FINDINGS, CASE_START
from app.web.auth import current_user
from app.web.pages._map_views import burdened_map, stored_map
from app.web.pages._shared import chosen_log, log_choice, no_case_data, services_of, table
from app.web.settings import workspace_path
from app.web.texts import date, language, number, text
from connectors.users import Role
from reports.process_map_figure import (
    END_NODE,
    START_NODE,
    drawn_map,
    map_graph,
    process_map_figure,
)

dash.register_page(
    __name__, path="/prozesslandkarte", name="Prozesslandkarte", name_en="Process map", order=2
)

_KEYS = [schema.MUNICIPALITY, schema.SERVICE]
#: Cases listed for a click at most.
CASES_LISTED = 200


def layout(**_query: str) -> html.Div:
    user = current_user()
    head = html.H1(text("Prozesslandkarte", "Process map"), id="map-title")
    if user.role is Role.GROUP:
        return html.Div([head, no_case_data()], className="process-map")
    label = dcc.RadioItems(
        [
            {"label": text("Häufigkeit", "Frequency"), "value": "frequency"},
            {"label": text("Wartezeit (Median)", "Waiting time (median)"), "value": "median_wait"},
        ],
        "frequency",
        id="map-label",
        inline=True,
        className="switch",
    )
    only = dcc.Checklist(
        [{"label": text("nur Schritte mit Belastung", "burdened steps only"), "value": "burden"}],
        [],
        id="map-burden-only",
        inline=True,
        className="switch",
    )
    return html.Div(
        [
            head,
            html.P(
                text(
                    "Rot: Medienbrüche auf dem Übergang; farbiger Rahmen: Belastung im Schritt. "
                    "Ein Klick auf einen Schritt oder eine Übergangszahl listet die Fälle.",
                    "Red: media breaks on the path; coloured frame: burden in the step. "
                    "A click on a step or a path's number lists its cases.",
                ),
                className="lead",
            ),
            html.Div(
                [log_choice("map", user), html.Div([label, only], className="switches")],
                className="controls-row",
            ),
            dcc.Loading(
                dcc.Graph(id="map-graph", config={"displaylogo": False}, className="graph")
            ),
            html.Div(id="map-cases", className="cases"),
        ],
        className="process-map",
    )


@callback(
    Output("map-service", "options"),
    Output("map-service", "value"),
    Input("map-municipality", "value"),
    prevent_initial_call=True,
)
def map_services(municipality: str | None):
    return services_of(current_user(), municipality)


@callback(
    Output("map-graph", "figure"),
    Output("map-cases", "children"),
    Input("map-service", "value"),
    Input("map-label", "value"),
    Input("map-burden-only", "value"),
    State("map-municipality", "value"),
)
def map_figure(service: str | None, label: str, only: list | None, municipality: str | None):
    municipality, service = chosen_log(current_user(), municipality, service)
    if not municipality:
        return {}, None
    figure = stored_map_figure(municipality, service, label=label, burden_only=bool(only))
    return figure, None


@callback(
    Output("map-cases", "children", allow_duplicate=True),
    Input("map-graph", "clickData"),
    State("map-service", "value"),
    State("map-municipality", "value"),
    prevent_initial_call=True,
)
def map_cases(click: dict | None, service: str | None, municipality: str | None):
    municipality, service = chosen_log(current_user(), municipality, service)
    points = (click or {}).get("points") or [{}]
    clicked = points[0].get("customdata")
    if not municipality or not isinstance(clicked, list) or not clicked:
        return None
    return cases_list(municipality, service, [str(c) for c in clicked])


def stored_map_figure(
    municipality: str, service: str, *, label: str = "frequency", burden_only: bool = False
) -> dict:
    """The figure of :func:`reports.process_map_figure.process_map_figure`, its edge labels
    and steps made clickable: each carries (source, target) or (step,) as custom data."""
    pmap, overlay = stored_map(municipality, service)
    if burden_only:
        pmap = burdened_map(pmap, overlay)
    lang = language()
    figure = process_map_figure(
        pmap,
        overlay=overlay,
        label="median_wait" if label == "median_wait" else "frequency",
        language=lang,
        title=f"{service} – {municipality}"
        + (text(" (nur Belastungen)", " (burden only)") if burden_only else ""),
    )
    # the same graph the figure drew, so its edges and nodes come in the figure's order
    graph = map_graph(drawn_map(pmap, overlay=overlay).shown)
    edges = [[a, b] for a, b in graph.edges]
    nodes = [[n] for n in graph.nodes]
    low, high = -1.0, 0.0
    for trace in figure.data:
        if trace.mode == "text" and len(trace.x or ()) == len(edges):
            trace.update(customdata=edges, hoverinfo="text", hovertext=trace.text)
        elif trace.mode == "markers+text":
            trace.update(customdata=nodes)
            low, high = min(trace.y), max(trace.y)
    # the steps fill the height: no empty band above the start (the axis would otherwise
    # leave room for the arrow heads' tails)
    figure.update_yaxes(range=[low - 0.6, high + 0.6])
    # the legend in one line above the map: the map keeps the whole width
    figure.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        paper_bgcolor="white",
    )
    return figure.to_dict()


def cases_list(municipality: str, service: str, clicked: list[str]) -> html.Div:
    """The cases of one log through the clicked step or path, by case id."""
    if len(clicked) >= 2:
        source = None if clicked[0] == START_NODE else clicked[0]
        if source is None or clicked[1] == END_NODE:
            return html.P(
                text(
                    "Start und Ende haben keine eigenen Fälle.",
                    "Start and end have no cases of their own.",
                ),
                className="note",
            )
        found = api.cases_on_map(
            workspace_path(),
            municipality=municipality,
            service=service,
            edge=(source, clicked[1]),
            limit=CASES_LISTED,
        )
        what = f"{clicked[0]} → {clicked[1]}"
    elif clicked[0] in (START_NODE, END_NODE):
        return None
    else:
        found = api.cases_on_map(
            workspace_path(),
            municipality=municipality,
            service=service,
            activity=clicked[0],
            limit=CASES_LISTED,
        )
        what = clicked[0]
    if found.empty:
        return html.P(text(f"Keine Fälle für {what}.", f"No cases for {what}."), className="note")
    rows = [
        html.Tr(
            [
                html.Td(r[schema.CASE]),
                html.Td(f"{date(r[CASE_START])} – {date(r[CASE_END])}"),
                html.Td(number(r[CASE_EVENTS]), className="number"),
                html.Td(number(r[CASE_FINDINGS]), className="number"),
            ]
        )
        for r in found.to_dict("records")
    ]
    head = [
        text("Fall", "Case"),
        text("Zeitraum", "Period"),
        text("Ereignisse", "Events"),
        text("Befunde", "Findings"),
    ]
    return html.Div(
        [
            html.H2(
                text(f"{number(len(found))} Fälle: {what}", f"{number(len(found))} cases: {what}"),
                className="section",
            ),
            table(head, rows, id="map-cases-table"),
        ]
    )
