"""Isolation on the real served app: as Musterdorf's user no answer of any page or callback
holds another municipality's case ids, also when the callbacks are posted directly with
another municipality's values in their inputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer import schema
from app.web.server import create_app
from connectors.users import Role, add_user
from connectors.workspace import Workspace
from tests.test_web_server import Browser

PASSWORDS = {"anna": "Musterdorf-Wohngeld-1", "chef": "Verwaltung-Alles-22"}
OWN, OTHER = "Musterdorf", "Beispielheim"
PAGES = ("/", "/befunde", "/prozesslandkarte", "/vergleich")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The Wohngeld and Gewerbeanmeldung samples of two municipalities, analysed."""
    from app import api
    from app.cli.demo import sample_folder

    samples = sample_folder()
    path = tmp_path_factory.mktemp("isolation") / "ws.duckdb"
    for name in ("wohngeld.parquet", "gewerbeanmeldung.parquet"):
        api.import_log(samples / name, workspace=path, mapping=samples / f"{name}.mapping.toml")
    with Workspace(path) as ws:
        for m, s in ws.logs()[["municipality", "service"]].itertuples(index=False):
            if m not in (OWN, OTHER):
                ws.remove_log(municipality=m, service=s)
        add_user(ws, "anna", password=PASSWORDS["anna"], municipality=OWN)
        add_user(ws, "chef", password=PASSWORDS["chef"], role=Role.ADMIN)
    api.analyse_workspace(path)
    return path


@pytest.fixture(scope="module")
def base(workspace: Path, serve_app) -> str:
    return serve_app(create_app(workspace))


@pytest.fixture(scope="module")
def case_ids(workspace: Path) -> dict[str, set[str]]:
    with Workspace(workspace, read_only=True) as ws:
        return {
            m: set(ws.events(municipality=m).df()[schema.CASE].astype(str)) for m in (OWN, OTHER)
        }


def logged_in(base: str, name: str) -> Browser:
    browser = Browser(base)
    assert browser.login(name, PASSWORDS[name]).status == 302
    return browser


def update(browser: Browser, output: str, inputs: list[dict], state: list[dict] = ()) -> str:
    """The callback writing ``output`` (``id.prop``, several joined by "|") when the first
    of ``inputs`` changes, posted as the browser posts it; the answer's body."""
    import json

    wanted = output.split("|")
    first = f"{inputs[0]['id']}.{inputs[0]['property']}"
    known = json.loads(browser.send("/_dash-dependencies").body)
    found = [
        c
        for c in known
        if [o.split("@")[0] for o in c["output"].strip(".").split("...")] == wanted
        and f"{c['inputs'][0]['id']}.{c['inputs'][0]['property']}" == first
    ]
    assert len(found) == 1, (output, first)
    spec = found[0]["output"]
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".", 1)[1]}
        for o in spec.strip(".").split("...")
    ]
    reply = browser.send(
        "/_dash-update-component",
        json_body={
            "output": spec,
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs,
            "changedPropIds": [first],
            "state": list(state),
        },
    )
    assert reply.status in (200, 204), reply.body[:500]
    return reply.body


def value(component: str, prop: str, given) -> dict:
    return {"id": component, "property": prop, "value": given}


def first_findings(browser: Browser, *, municipality: str) -> str:
    """The grid's first block of Wohngeld findings, ``municipality`` sent as the choice."""
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    return update(
        browser,
        "findings-grid.getRowsResponse",
        [value("findings-grid", "getRowsRequest", request)],
        [
            value("findings-service", "value", "Wohngeld"),
            value("findings-municipality", "value", municipality),
        ],
    )


def ids_in(body: str, ids: set[str]) -> set[str]:
    return {i for i in re.findall(r"[A-Z]{2,4}-[A-Z]{2}-\d+", body) if i in ids}


def test_the_cases_of_both_municipalities_look_alike(case_ids) -> None:
    # the check below searches for ids of this shape; both logs must have them
    for m in (OWN, OTHER):
        assert case_ids[m] and ids_in(" ".join(sorted(case_ids[m])), case_ids[m]) == case_ids[m]
    assert not case_ids[OWN] & case_ids[OTHER]


def test_no_page_shows_another_municipalitys_cases(base: str, case_ids) -> None:
    browser = logged_in(base, "anna")
    for page in PAGES:
        body = browser.page_content(page).body
        assert not ids_in(body, case_ids[OTHER]), page
        assert OTHER not in body, page  # peers are anonymised by default


def test_posted_callbacks_answer_only_for_the_own_municipality(
    base: str, case_ids, workspace: Path
) -> None:
    from app import api

    steps = api.stored_results(workspace, municipality=OTHER, tables=("map_activities",))
    browser = logged_in(base, "anna")
    other_case = sorted(case_ids[OTHER])[0]
    rows = first_findings(browser, municipality=OTHER)
    assert ids_in(rows, case_ids[OWN]) and not ids_in(rows, case_ids[OTHER])
    timeline = update(
        browser,
        "findings-timeline.children",
        [value("findings-grid", "cellClicked", {"rowId": f"0:{other_case}"})],
        [
            value("findings-service", "value", "Wohngeld"),
            value("findings-municipality", "value", OTHER),
        ],
    )
    assert not ids_in(timeline, case_ids[OTHER])
    figure = update(
        browser,
        "map-graph.figure|map-cases.children",
        [
            value("map-service", "value", "Wohngeld"),
            value("map-label", "value", "frequency"),
            value("map-burden-only", "value", ["burden"]),
        ],
        [value("map-municipality", "value", OTHER)],
    )
    assert OWN in figure and OTHER not in figure
    # a click on a step of the other municipality's map lists none of its cases
    for step in steps.map_activities[schema.ACTIVITY].head(3):
        listed = update(
            browser,
            "map-cases.children",
            [value("map-graph", "clickData", {"points": [{"customdata": [step]}]})],
            [value("map-service", "value", "Wohngeld"), value("map-municipality", "value", OTHER)],
        )
        assert not ids_in(listed, case_ids[OTHER])
    services = update(
        browser,
        "findings-service.options|findings-service.value",
        [value("findings-municipality", "value", OTHER)],
    )
    assert OTHER not in services
    compared = update(
        browser, "compare-body.children", [value("compare-service", "value", "Wohngeld")]
    )
    assert "Kommune A" in compared and OTHER not in compared
    assert not ids_in(compared, case_ids[OTHER])


def test_the_administrator_chooses_any_municipality(base: str, case_ids) -> None:
    browser = logged_in(base, "chef")
    rows = first_findings(browser, municipality=OTHER)
    assert ids_in(rows, case_ids[OTHER]) and not ids_in(rows, case_ids[OWN])


def test_the_findings_grid_pages_filters_and_sorts_on_the_server(base: str, workspace) -> None:
    import json

    from app import api

    findings = api.stored_results(
        workspace, municipality=OWN, service="Wohngeld", tables=("findings",)
    ).findings
    breaks = findings[findings[schema.FINDING_BURDEN] == "media_break"]
    assert len(breaks) > 100  # so the cap below is visible
    browser = logged_in(base, "anna")
    request = {
        "startRow": 0,
        "endRow": 5000,  # asks for more than one block: gets one
        "sortModel": [{"colId": "minutes", "sort": "desc"}],
        "filterModel": {"kind": {"filterType": "text", "type": "contains", "filter": "bruch"}},
    }
    state = [
        value("findings-service", "value", "Wohngeld"),
        value("findings-municipality", "value", OWN),
    ]
    body = update(
        browser,
        "findings-grid.getRowsResponse",
        [value("findings-grid", "getRowsRequest", request)],
        state,
    )
    rows = json.loads(body)["response"]["findings-grid"]["getRowsResponse"]["rowData"]
    assert len(rows) == 100
    assert {r["kind"] for r in rows} == {"Medienbruch"}
    minutes = [r["minutes"] for r in rows]
    assert minutes == sorted(minutes, reverse=True)
    assert minutes[0] == breaks[schema.FINDING_MINUTES_LOST].max()
    # the last block says where the rows end
    last = {**request, "startRow": len(breaks) - 3, "endRow": len(breaks) + 97}
    body = update(
        browser,
        "findings-grid.getRowsResponse",
        [value("findings-grid", "getRowsRequest", last)],
        state,
    )
    answer = json.loads(body)["response"]["findings-grid"]["getRowsResponse"]
    assert len(answer["rowData"]) == 3 and answer["rowCount"] == len(breaks)
