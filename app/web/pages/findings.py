"""Findings: the detectors' findings of one of the user's own logs in a grid that pages from
the server (dash-ag-grid's infinite row model: the browser gets one block of rows at a time,
filtered and sorted in the workspace), and the clicked case as a timeline."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, html

from analyzer import schema
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN
from analyzer.medium_lexicon import MEDIUM_LABELS_DE, MEDIUM_LABELS_EN
from app import api
from app.web.auth import current_user
from app.web.pages._shared import chosen_log, log_choice, no_case_data, services_of, table
from app.web.settings import read_workspace, workspace_path
from app.web.texts import date, language, number, text
from connectors import results_store as store
from connectors.users import Role
from reports.burden_style import BURDEN_NAMES

dash.register_page(__name__, path="/befunde", name="Befunde", name_en="Findings", order=1)

#: Grid column id → stored column (the only columns a browser may filter or sort by).
COLUMNS = {
    "case": schema.CASE,
    "kind": schema.FINDING_BURDEN,
    "activity": schema.ACTIVITY,
    "unit": schema.ORG_UNIT,
    "level": schema.LEVEL,
    "minutes": schema.FINDING_MINUTES_LOST,
    "evidence": schema.FINDING_EVIDENCE,
}
#: Rows per block the grid asks for (and the most one answer holds).
BLOCK = 100
_TEXT_OPS = {"contains": "%{}%", "equals": "{}", "startsWith": "{}%", "endsWith": "%{}"}
_NUMBER_OPS = {"equals": "=", "greaterThan": ">", "lessThan": "<"}


def _names(col_id: str) -> dict[str, str]:
    """Stored code → name in the session's language, for the columns the store keeps as
    codes (the grid shows and filters names)."""
    de = language() == "de"
    if col_id == "kind":
        return BURDEN_NAMES[language()]
    if col_id == "level":
        return LEVEL_LABELS_DE if de else LEVEL_LABELS_EN
    return {}


def _medium(value) -> str:
    names = MEDIUM_LABELS_DE if language() == "de" else MEDIUM_LABELS_EN
    return names.get(_plain(value), _plain(value))


def layout(**_query: str) -> html.Div:
    user = current_user()
    head = html.H1(text("Befunde", "Findings"), id="findings-title")
    if user.role is Role.GROUP:
        return html.Div([head, no_case_data()], className="findings")
    return html.Div(
        [
            head,
            html.P(
                text(
                    "Jede Zeile ist ein Befund. Filtern und sortieren über die Spaltenköpfe; "
                    "ein Klick auf eine Zeile zeigt den Fall als Zeitstrahl.",
                    "Each row is a finding. Filter and sort by the column headers; a click on "
                    "a row shows the case as a timeline.",
                ),
                className="lead",
            ),
            log_choice("findings", user),
            html.Div(_grid(), id="findings-table"),
            html.Div(id="findings-timeline", className="timeline"),
        ],
        className="findings",
    )


def _columns() -> list[dict]:
    names = [
        (text("Fall", "Case"), "case", 155, 0),
        (text("Belastung", "Burden"), "kind", 140, 1),
        (text("Schritt", "Step"), "activity", 170, 2),
        (text("Einheit", "Unit"), "unit", 130, 1),
        (text("Ebene", "Level"), "level", 105, 0),
        (text("Minuten", "Minutes"), "minutes", 110, 0),
        (text("Beleg", "Evidence"), "evidence", 260, 3),
    ]
    return [
        {
            "headerName": title,
            "field": field,
            # fixed columns at their width, the others share the rest by their flex
            **({"minWidth": width, "flex": flex} if flex else {"width": width}),
            "tooltipField": field,  # long steps and evidence in full on hover
            "filter": "agNumberColumnFilter" if field == "minutes" else "agTextColumnFilter",
            "filterParams": {"buttons": ["reset"], "maxNumConditions": 1},
        }
        for title, field, width, flex in names
    ]


def _grid() -> dag.AgGrid:
    """The grid (empty: it asks the server for its rows)."""
    return dag.AgGrid(
        id="findings-grid",
        columnDefs=_columns(),
        rowModelType="infinite",
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "cacheBlockSize": BLOCK,
            "maxBlocksInCache": 5,
            "rowSelection": {"mode": "singleRow", "checkboxes": False},
            "getRowId": {"function": "params.data.key"},
        },
        # the rest of the window below the controls, never less than a few rows
        style={"height": "max(320px, calc(100vh - 330px))"},
    )


@callback(
    Output("findings-grid", "getRowsResponse"),
    Input("findings-grid", "getRowsRequest"),
    State("findings-service", "value"),
    State("findings-municipality", "value"),
    prevent_initial_call=True,
)
def findings_rows(request: dict | None, service: str | None, municipality: str | None) -> dict:
    municipality, service = chosen_log(current_user(), municipality, service)
    if not municipality or not request:
        return {"rowData": [], "rowCount": 0}
    start = max(int(request.get("startRow") or 0), 0)
    size = min(max(int(request.get("endRow") or 0) - start, 0), BLOCK)
    rows = findings_page(
        municipality,
        service,
        start=start,
        size=size,
        filters=request.get("filterModel") or {},
        sort=request.get("sortModel") or [],
    )
    answer = {"rowData": rows}
    if len(rows) < size:
        answer["rowCount"] = start + len(rows)
    return answer


@callback(
    Output("findings-service", "options"),
    Output("findings-service", "value"),
    Input("findings-municipality", "value"),
    prevent_initial_call=True,
)
def findings_services(municipality: str | None):
    return services_of(current_user(), municipality)


@callback(
    Output("findings-table", "children"),
    Output("findings-timeline", "children", allow_duplicate=True),
    Input("findings-service", "value"),
    prevent_initial_call=True,
)
def findings_reset(_service: str | None):
    """Another log chosen: a new grid, which asks for its first rows."""
    return _grid(), None


@callback(
    Output("findings-timeline", "children"),
    Input("findings-grid", "cellClicked"),
    State("findings-service", "value"),
    State("findings-municipality", "value"),
    prevent_initial_call=True,
)
def findings_case(clicked: dict | None, service: str | None, municipality: str | None):
    municipality, service = chosen_log(current_user(), municipality, service)
    key = str((clicked or {}).get("rowId") or "")
    if not municipality or ":" not in key:
        return None
    return case_timeline(municipality, service, key.split(":", 1)[1])


def findings_page(
    municipality: str,
    service: str,
    *,
    start: int,
    size: int,
    filters: dict,
    sort: list,
) -> list[dict]:
    """Rows ``start`` to ``start + size`` of the log's findings as the grid shows them,
    filtered and sorted in the workspace (columns only from :data:`COLUMNS`)."""
    q = store.quoted
    evidence = schema.FINDING_EVIDENCE if language() == "de" else schema.FINDING_EVIDENCE_EN
    where, params = _filters(filters, evidence)
    order = [
        f"{q(evidence if c['colId'] == 'evidence' else COLUMNS[c['colId']])} "
        + ("desc" if c.get("sort") == "desc" else "asc")
        for c in sort
        if isinstance(c, dict) and c.get("colId") in COLUMNS
    ]
    order.append(f"{q(schema.CASE)}, {q(schema.EVENT_ID)}, {q(schema.FINDING_DETECTOR)}")
    with read_workspace() as ws:
        runs = store.current_runs(ws, municipality=municipality, service=service)
        if not runs:
            return []
        frame = store.query_kind(
            ws,
            runs[0],
            "findings",
            where=f"{where} order by {', '.join(order)} limit ? offset ?",
            params=[*params, size, start],
        )
    kinds, levels = _names("kind"), _names("level")
    return [
        {
            "key": f"{start + i}:{row[schema.CASE]}",
            "case": row[schema.CASE],
            "kind": kinds.get(row[schema.FINDING_BURDEN], row[schema.FINDING_BURDEN]),
            "activity": row[schema.ACTIVITY],
            "unit": _plain(row.get(schema.ORG_UNIT)),
            "level": levels.get(_plain(row.get(schema.LEVEL)), _plain(row.get(schema.LEVEL))),
            "minutes": None
            if pd.isna(row[schema.FINDING_MINUTES_LOST])
            else row[schema.FINDING_MINUTES_LOST],
            "evidence": row[evidence],
        }
        for i, row in enumerate(frame.to_dict("records"))
    ]


def _filters(filters: dict, evidence: str) -> tuple[str, list]:
    """SQL for the grid's filter model: text contains/equals/starts/ends, number =, >, <;
    the burden kind matched by its name in the session's language."""
    q = store.quoted
    parts, params = ["true"], []
    for col_id, spec in filters.items():
        if col_id not in COLUMNS or not isinstance(spec, dict) or spec.get("filter") is None:
            continue
        column = q(evidence if col_id == "evidence" else COLUMNS[col_id])
        if spec.get("filterType") == "number" and spec.get("type") in _NUMBER_OPS:
            parts.append(f"{column} {_NUMBER_OPS[spec['type']]} ?")
            params.append(float(spec["filter"]))
        elif spec.get("type") in _TEXT_OPS:
            pattern = _TEXT_OPS[spec["type"]].format(str(spec["filter"]))
            if col_id == "kind":  # the grid shows names, the store keeps kinds
                kinds = [k for k, n in BURDEN_NAMES[language()].items() if _like(n, pattern)]
                parts.append(f"{column} in ({', '.join('?' for _ in kinds) or 'null'})")
                params.extend(str(k) for k in kinds)
            else:
                parts.append(f"{column} ilike ?")
                params.append(pattern)
    return " and ".join(parts), params


def _like(name: str, pattern: str) -> bool:
    body = pattern.strip("%").casefold()
    name = name.casefold()
    if pattern.startswith("%") and pattern.endswith("%"):
        return body in name
    if pattern.endswith("%"):
        return name.startswith(body)
    if pattern.startswith("%"):
        return name.endswith(body)
    return name == body


def _plain(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def case_timeline(municipality: str, service: str, case: str) -> html.Div:
    """One case of the log as a timeline: when, step, unit, level, medium, wait since the
    step before."""
    events = api.case_events(
        workspace_path(), municipality=municipality, service=service, case=case
    )
    if events.empty:
        return html.P(text("Fall nicht gefunden.", "Case not found."), className="note")
    times = pd.to_datetime(events[schema.TIMESTAMP], utc=True)
    waits = times.diff().dt.total_seconds() / 86400
    rows = [
        html.Tr(
            [
                html.Td(f"{date(t)} {t.tz_convert(schema.DEFAULT_TIMEZONE):%H:%M}"),
                html.Td(_plain(e.get(schema.ACTIVITY))),
                html.Td(_plain(e.get(schema.ORG_UNIT))),
                html.Td(
                    _names("level").get(_plain(e.get(schema.LEVEL)), _plain(e.get(schema.LEVEL)))
                ),
                html.Td(_medium(e.get(schema.MEDIUM))),
                html.Td("" if pd.isna(w) else number(w, decimals=1), className="number"),
            ]
        )
        for t, w, e in zip(times, waits, events.to_dict("records"), strict=True)
    ]
    head = [
        text("Zeit", "Time"),
        text("Schritt", "Step"),
        text("Einheit", "Unit"),
        text("Ebene", "Level"),
        text("Medium", "Medium"),
        text("Wartezeit (Tage)", "Wait (days)"),
    ]
    return html.Div(
        [
            html.H2(text(f"Fall {case}", f"Case {case}"), className="section"),
            table(head, rows, id="findings-case-table"),
        ]
    )
