"""The pages in headless Chromium as Musterdorf's user: each renders without console errors
and fits the window, a click on a path of the map lists its cases, a row of the findings
opens the case's timeline. Screenshots of every page at 1366×768 and 1920×1080 go to
$AMTSWEG_SCREENS (else a temporary folder) as page-<page>-<width>x<height>.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.web.server import create_app
from tests.test_web_browser import SIZES, chromium, page_of, pytestmark, screens  # noqa: F401
from tests.test_web_isolation import OTHER, PASSWORDS, workspace  # noqa: F401

PAGES = {
    "overview": ("/", "#overview-burden"),
    "befunde": ("/befunde", "#findings-grid .ag-row"),
    "prozesslandkarte": ("/prozesslandkarte", "#map-graph .main-svg"),
    "vergleich": ("/vergleich", "#compare-table"),
}

#: The pixel position (in the page) of a path's label on the map: the point of the text
#: trace that carries (source, target) as custom data.
EDGE_POINT = """() => {
    const gd = document.querySelector('#map-graph .js-plotly-plot');
    const i = gd._fullData.findIndex(t => t.mode === 'text' && t.customdata);
    const t = gd._fullData[i];
    const k = t.x.findIndex((_, j) => t.customdata[j][0] !== '▶');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const at = () => {
        const box = gd.getBoundingClientRect();
        return {x: box.left + xa._offset + xa.l2p(t.x[k]),
                y: box.top + ya._offset + ya.l2p(t.y[k])};
    };
    window.scrollBy(0, at().y - window.innerHeight / 2);  // a click lands only in the window
    return {...at(), edge: t.customdata[k]};
}"""


@pytest.fixture(scope="module")
def base(workspace: Path, serve_app) -> str:  # noqa: F811
    return serve_app(create_app(workspace))


def log_in(page, base: str) -> None:
    page.goto(base + "/")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORDS["anna"])
    page.click("button[type=submit]")
    page.wait_for_selector("#overview-table", timeout=30_000)


def test_every_page_renders_and_fits(chromium, base: str, screens: Path) -> None:  # noqa: F811
    with page_of(chromium, screens, "pages") as page:
        log_in(page, base)
        for name, (path, ready) in PAGES.items():
            page.goto(base + path)
            page.wait_for_selector(ready, timeout=30_000)
            page.wait_for_load_state("networkidle")
            assert OTHER not in page.content(), name
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(300)  # the map and grid redraw to the new width
                page.screenshot(path=str(screens / f"page-{name}-{width}x{height}.png"))
                assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.set_viewport_size({"width": 1366, "height": 768})
        assert page.errors == []


def test_a_click_on_a_path_lists_its_cases(chromium, base: str, screens: Path) -> None:  # noqa: F811
    with page_of(chromium, screens, "map-click") as page:
        log_in(page, base)
        page.goto(base + "/prozesslandkarte")
        page.wait_for_selector("#map-graph .main-svg", timeout=30_000)
        point = page.evaluate(EDGE_POINT)
        page.mouse.move(point["x"], point["y"])
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector("#map-cases-table", timeout=30_000)
        heading = page.text_content("#map-cases h2")
        assert f"{point['edge'][0]} → {point['edge'][1]}" in heading
        assert page.locator("#map-cases-table tbody tr").count() >= 1
        assert page.errors == []


def test_a_finding_opens_its_case_as_a_timeline(chromium, base: str, screens: Path) -> None:  # noqa: F811
    with page_of(chromium, screens, "findings-click") as page:
        log_in(page, base)
        page.goto(base + "/befunde")
        first = "#findings-grid .ag-row[row-index='0'] [col-id=case]"
        # the infinite row model shows empty rows until the server's block arrives
        page.locator(first).filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)
        case = page.text_content(first)
        page.click("#findings-grid .ag-row[row-index='0'] [col-id=activity]")
        page.wait_for_selector("#findings-case-table", timeout=30_000)
        assert case and case.strip() in page.text_content("#findings-timeline h2")
        assert page.locator("#findings-case-table tbody tr").count() >= 2
        page.screenshot(path=str(screens / "page-befunde-fall-1366x768.png"))
        assert page.errors == []
