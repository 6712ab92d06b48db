"""Compare: the stored KPIs per 1,000 cases of every municipality of a service, their ranking
in the peer group and what the best peer does better, in a sentence; for a municipality's
user its own row named, the peers anonymised (the ring's setting) and any peer under k cases
left out."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from analyzer import comparison, schema
from analyzer.comparison.kpi_definitions import KPI_NAMES, format_kpi
from app import api
from app.web.auth import current_user
from app.web.pages._shared import logs_of, names_for
from app.web.settings import app_settings, workspace_path
from app.web.texts import language, number, text
from connectors.users import Role, User

dash.register_page(__name__, path="/vergleich", name="Vergleich", name_en="Compare", order=3)

#: KPIs in the table, in this order.
SHOWN_KPIS = (
    schema.KPI_THROUGHPUT_MEDIAN_DAYS,
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_ONCE_ONLY_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
    schema.KPI_PING_PONG_PER_1000,
    schema.KPI_REWORK_RATE,
    schema.KPI_ONLINE_INTAKE_SHARE,
)


def layout(**_query: str) -> html.Div:
    services = sorted(set(logs_of()[schema.SERVICE]))
    return html.Div(
        [
            html.H1(text("Vergleich", "Compare"), id="compare-title"),
            html.P(
                text(
                    "Kennzahlen je 1.000 Fälle und der Rang in der Vergleichsgruppe "
                    "(1 = am besten, Mittel der Ränge über die Kennzahlen).",
                    "Indicators per 1,000 cases and the rank in the peer group "
                    "(1 = best, the mean of the ranks over the indicators).",
                ),
                className="lead",
            ),
            html.Div(
                html.Label(
                    [
                        html.Span(text("Leistung", "Service"), className="control-label"),
                        dcc.Dropdown(
                            services,
                            services[0] if services else None,
                            id="compare-service",
                            clearable=False,
                        ),
                    ],
                    className="control",
                ),
                className="controls",
            ),
            html.Div(id="compare-body"),
        ],
        className="compare",
    )


@callback(Output("compare-body", "children"), Input("compare-service", "value"))
def compare_service(service: str | None):
    return service_comparison(current_user(), service) if service else None


def visible_kpis(kpis: pd.DataFrame, user: User, *, min_cases: int) -> pd.DataFrame:
    """The KPI rows ``user`` may see compared: a municipality's user its own and the peers
    with at least ``min_cases`` cases (as aggregates of their cases; names come later)."""
    if user.role is not Role.MUNICIPALITY:
        return kpis
    own = kpis[schema.MUNICIPALITY] == user.municipality
    return kpis[own | (kpis[schema.KPI_CASES] >= min_cases)].reset_index(drop=True)


def service_comparison(user: User, service: str) -> html.Div:
    """The table, ranking and best-practice sentence of one service."""
    kpis = api.stored_results(workspace_path(), service=service, tables=("kpis",)).kpis
    if kpis.empty:
        return html.P(text("Keine Kennzahlen gespeichert.", "No indicators stored."))
    kpis = visible_kpis(kpis, user, min_cases=app_settings().min_group_cases)
    ranking = comparison.overall_ranking(comparison.rank_within_peers(kpis))
    names = names_for(sorted(set(kpis[schema.MUNICIPALITY])), user)
    lang = language()
    ranked = kpis.merge(
        ranking[[schema.MUNICIPALITY, schema.RANK, schema.RANK_PEERS]],
        on=schema.MUNICIPALITY,
        how="left",
    ).sort_values([schema.RANK, schema.MUNICIPALITY], na_position="last")
    # indicators down, municipalities across (best first): fits a projector with a ring's
    # usual handful of peers, and a long indicator name wraps in its own column
    peers = ranked.to_dict("records")

    def own(r: dict) -> str:
        return "number own" if r[schema.MUNICIPALITY] == user.municipality else "number"

    def rank(r: dict) -> str:
        if pd.isna(r[schema.RANK]):
            return "–"
        return f"{int(r[schema.RANK])} / {int(r[schema.RANK_PEERS])}"

    head = html.Tr(
        [html.Th(text("Kennzahl", "Indicator"), className="indicator")]
        + [html.Th(names[r[schema.MUNICIPALITY]], className=own(r)) for r in peers]
    )
    lines = [
        (text("Rang", "Rank"), [rank(r) for r in peers]),
        (text("Fälle", "Cases"), [number(r[schema.KPI_CASES]) for r in peers]),
        *(
            (
                KPI_NAMES[k][0 if lang == "de" else 1],
                [format_kpi(k, float(r[k]), lang) for r in peers],
            )
            for k in SHOWN_KPIS
        ),
    ]
    body = [
        html.Tr(
            [html.Td(name)]
            + [html.Td(v, className=own(r)) for v, r in zip(values, peers, strict=True)]
        )
        for name, values in lines
    ]
    children = [
        html.Div(
            html.Table([html.Thead(head), html.Tbody(body)], className="table", id="compare-table"),
            className="table-wrap",
        )
    ]
    if user.municipality and user.municipality in set(ranking[schema.MUNICIPALITY]):
        children.append(_best_practice(ranking, kpis, user.municipality, service, names))
    return html.Div(children)


def _best_practice(
    ranking: pd.DataFrame, kpis: pd.DataFrame, municipality: str, service: str, names: dict
) -> html.P:
    """What the best peer does better, in the KPIs (the stored results hold no behaviour of
    two logs side by side), with the peer's name as the user may see it."""
    explained = comparison.explain_difference(
        ranking, municipality=municipality, service=service, kpis=kpis
    )
    sentences = explained.summary_de if language() == "de" else explained.summary_en
    said = " ".join(sentences)
    if explained.best:
        best = names[explained.best]
        said = text(
            f"Am besten in der Vergleichsgruppe ist {best}. Wo {municipality} am weitesten "
            "zurückliegt: ",
            f"The best of the peer group is {best}. Where {municipality} lags furthest: ",
        ) + said.replace(explained.best, best)
    return html.P(said, className="best-practice", id="compare-best")
