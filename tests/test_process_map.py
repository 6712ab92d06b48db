"""Process maps: directly-follows graph, waits, start/end, variants, filters, discovery, figures.

Exact expected values on a hand-made log, on every backend; pm4py's counts on the real
receipt log.
"""

from __future__ import annotations

from datetime import timedelta

import narwhals as nw
import pandas as pd
import pytest

from analyzer import engine, schema
from analyzer.discovery import bpmn_xml, discover_bpmn, discovery_log, token_fitness
from analyzer.problems import InputError
from analyzer.process_map import (
    burden_overlay,
    directly_follows,
    end_activities,
    filter_log,
    filter_variant_coverage,
    process_map,
    start_activities,
    variants,
)
from reports.process_map_figure import (
    END_NODE,
    START_NODE,
    cytoscape_elements,
    layered_layout,
    map_graph,
    process_map_figure,
)
from tests.tiny_logs import T0, make_log, on, rows_of

M, S = schema.MUNICIPALITY, schema.SERVICE

# case a: A B C; b and e: A B; c: A alone; d: A then C and B at the same time (C written
# first in the file, B has the smaller event id: the file order decides).
LOG = make_log(
    [schema.CASE, schema.ACTIVITY, "minutes", schema.EVENT_ID, M, S, schema.MEDIUM],
    [
        ("a", "A", 0, "a1", "Musterstadt", "Wohngeld", "online"),
        ("a", "B", 60, "a2", "Musterstadt", "Wohngeld", "paper"),
        ("a", "C", 180, "a3", "Musterstadt", "Wohngeld", "efile"),
        ("b", "A", 1000, "b1", "Musterstadt", "Wohngeld", None),
        ("b", "B", 1120, "b2", "Musterstadt", "Wohngeld", None),
        ("c", "A", 2000, "c1", "Musterstadt", "Wohngeld", None),
        ("d", "A", 3000, "d1", "Beispieldorf", "Gewerbe", None),
        ("d", "C", 3060, "d3", "Beispieldorf", "Gewerbe", None),
        ("d", "B", 3060, "d2", "Beispieldorf", "Gewerbe", None),
        ("e", "B", 4090, "e2", "Beispieldorf", "Gewerbe", None),
        ("e", "A", 4000, "e1", "Beispieldorf", "Gewerbe", None),
    ],
)


def cases_of(frame) -> list[str]:
    return sorted(engine.to_pandas(nw.from_native(frame).select(schema.CASE).unique())[schema.CASE])


def test_directly_follows_counts_and_waits(backend):
    edges = directly_follows(on(LOG, backend))
    assert list(edges.columns) == [
        schema.MAP_SOURCE,
        schema.MAP_TARGET,
        schema.MAP_FREQUENCY,
        schema.MAP_WAIT_MEDIAN,
        schema.MAP_WAIT_MEAN,
        schema.MAP_WAIT_P90,
    ]
    assert rows_of(edges, *edges.columns) == [
        # A→B waits 60, 120, 90 minutes: median 90, mean 90, p90 = 90 + 0.8·30 = 114
        ("A", "B", 3, 90.0, 90.0, 114.0),
        ("A", "C", 1, 60.0, 60.0, 60.0),
        ("B", "C", 1, 120.0, 120.0, 120.0),
        ("C", "B", 1, 0.0, 0.0, 0.0),  # equal timestamps: 0, in file order C before B
    ]
    assert edges[schema.MAP_FREQUENCY].dtype == "int64"


def test_start_end_activities_and_counts(backend):
    pmap = process_map(on(LOG, backend))
    assert rows_of(pmap.start, schema.ACTIVITY, schema.MAP_CASES) == [("A", 5)]
    assert rows_of(pmap.end, schema.ACTIVITY, schema.MAP_CASES) == [("B", 3), ("A", 1), ("C", 1)]
    assert rows_of(pmap.activities, schema.ACTIVITY, schema.MAP_FREQUENCY) == [
        ("A", 5),
        ("B", 4),
        ("C", 2),
    ]
    assert (pmap.cases, pmap.events) == (5, 11)
    assert rows_of(start_activities(on(LOG, backend)), schema.ACTIVITY) == [("A",)]
    assert rows_of(end_activities(on(LOG, backend)), schema.ACTIVITY) == [("B",), ("A",), ("C",)]


def test_ties_without_source_row_fall_back_to_event_id(backend):
    # without SOURCE_ROW the event id breaks the tie of d: d2 (B) before d3 (C)
    edges = directly_follows(on(LOG.drop(schema.SOURCE_ROW), backend))
    pairs = set(rows_of(edges, schema.MAP_SOURCE, schema.MAP_TARGET))
    assert ("B", "C") in pairs and ("A", "C") not in pairs
    assert rows_of(
        edges[edges[schema.MAP_SOURCE] == "A"], schema.MAP_TARGET, schema.MAP_FREQUENCY
    ) == [("B", 4)]


def test_log_without_event_ids_gets_them_and_same_map(backend):
    bare = LOG.drop(schema.SOURCE_ROW, schema.EVENT_ID)
    edges = directly_follows(on(bare, backend))
    # ties broken by activity name: B before C in case d
    assert rows_of(edges, schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY) == [
        ("A", "B", 4),
        ("B", "C", 2),
    ]


def test_single_event_log(backend):
    one = make_log([schema.CASE, schema.ACTIVITY, "minutes"], [("x", "Only", 0)])
    pmap = process_map(on(one, backend))
    assert pmap.edges.empty and list(pmap.edges.columns)[:3] == [
        schema.MAP_SOURCE,
        schema.MAP_TARGET,
        schema.MAP_FREQUENCY,
    ]
    assert rows_of(pmap.start, schema.ACTIVITY, schema.MAP_CASES) == [("Only", 1)]
    assert rows_of(pmap.end, schema.ACTIVITY, schema.MAP_CASES) == [("Only", 1)]
    assert rows_of(variants(on(one, backend)), schema.VARIANT_ACTIVITIES, schema.VARIANT_CASES) == [
        (("Only",), 1)
    ]


def test_variants_counts_shares_and_order(backend):
    table = variants(on(LOG, backend))
    assert rows_of(
        table,
        schema.VARIANT_RANK,
        schema.VARIANT_ACTIVITIES,
        schema.VARIANT_CASES,
        schema.VARIANT_SHARE,
        schema.VARIANT_COVERAGE,
        schema.VARIANT_EXAMPLE_CASE,
        schema.VARIANT_DURATION_MEDIAN,
        schema.VARIANT_LENGTH,
    ) == [
        (1, ("A", "B"), 2, 0.4, 0.4, "b", 105.0, 2),
        (2, ("A",), 1, 0.2, pytest.approx(0.6), "c", 0.0, 1),
        (3, ("A", "B", "C"), 1, 0.2, pytest.approx(0.8), "a", 180.0, 3),
        (4, ("A", "C", "B"), 1, 0.2, pytest.approx(1.0), "d", 60.0, 3),
    ]
    top = variants(on(LOG, backend), top=2)
    assert top[schema.VARIANT_RANK].tolist() == [1, 2]
    assert top[schema.VARIANT_COVERAGE].tolist() == pytest.approx([0.4, 0.6])


def test_variant_coverage_filter(backend):
    assert cases_of(filter_variant_coverage(on(LOG, backend), 0.4)) == ["b", "e"]
    assert cases_of(filter_variant_coverage(on(LOG, backend), 0.5)) == ["b", "c", "e"]
    assert cases_of(filter_variant_coverage(on(LOG, backend), 1.0)) == list("abcde")
    with pytest.raises(InputError):
        filter_variant_coverage(on(LOG, backend), 1.5)


def test_filters_by_municipality_service_period_and_medium(backend):
    log = on(LOG, backend)
    assert cases_of(filter_log(log, municipalities="Beispieldorf")) == ["d", "e"]
    assert cases_of(filter_log(log, services=["Wohngeld"], municipalities=["Musterstadt"])) == [
        "a",
        "b",
        "c",
    ]
    # cases that started in [T0 + 1000 min, T0 + 3000 min): b and c (d starts at the end)
    period = dict(start=T0 + timedelta(minutes=1000), end=T0 + timedelta(minutes=3000))
    assert cases_of(filter_log(log, **period)) == ["b", "c"]
    inside = engine.to_pandas(
        filter_log(
            log,
            start=T0 + timedelta(minutes=1100),
            end=T0 + timedelta(minutes=3001),
            period_scope="event",
        )
    )
    assert sorted(inside[schema.EVENT_ID]) == ["b2", "c1", "d1"]
    assert cases_of(filter_log(log, media="paper")) == ["a"]
    only = engine.to_pandas(filter_log(log, media=["paper", "efile"], medium_scope="event"))
    assert sorted(only[schema.EVENT_ID]) == ["a2", "a3"]
    assert sorted(engine.to_pandas(filter_log(log, media="paper")).columns) == sorted(LOG.columns)


def test_medium_filter_uses_inferred_media(backend):
    log = make_log(
        [schema.CASE, schema.ACTIVITY, "minutes"],
        [("p", "Antrag ausgedruckt", 0), ("p", "Prüfen", 5), ("q", "Online-Antrag", 0)],
    )
    assert cases_of(filter_log(on(log, backend), media="paper")) == ["p"]
    assert cases_of(filter_log(on(log, backend), media="paper", infer_medium=False)) == []


def test_filter_on_missing_column_is_a_plain_error(backend):
    bare = LOG.drop(M)
    with pytest.raises(InputError) as raised:
        filter_log(on(bare, backend), municipalities="Musterstadt")
    assert "Kommune" in raised.value.text("de") and "municipality" in raised.value.text("en")
    with pytest.raises(InputError):
        filter_log(on(LOG, backend), start="2025-03-05", end="2025-03-04")


def test_map_of_a_filtered_log(backend):
    edges = directly_follows(filter_log(on(LOG, backend), municipalities="Beispieldorf"))
    assert rows_of(edges, schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY) == [
        ("A", "B", 1),
        ("A", "C", 1),
        ("C", "B", 1),
    ]


def test_burden_overlay_counts_edges_and_steps():
    findings = pd.DataFrame(
        {
            schema.FINDING_BURDEN: ["media_break", "media_break", "rework", "media_break"],
            schema.CASE: ["a", "a", "d", "c"],
            schema.EVENT_ID: ["a2", "a3", "d2", "c1"],
            schema.ACTIVITY: ["B", "C", "B", "A"],
        }
    )
    overlay = burden_overlay(LOG, findings)
    assert rows_of(overlay.edges, *overlay.edges.columns) == [
        ("A", "B", "media_break", 1),
        ("B", "C", "media_break", 1),
    ]  # c1 is a case's first event: no edge
    assert rows_of(overlay.nodes, *overlay.nodes.columns) == [
        ("A", "media_break", 1),
        ("B", "media_break", 1),
        ("B", "rework", 1),
        ("C", "media_break", 1),
    ]


def test_discovery_bpmn_from_log_and_from_map():
    log = make_log(
        [schema.CASE, schema.ACTIVITY, "minutes"],
        [
            (c, a, i)
            for c in ("1", "2", "3")
            for i, a in enumerate(["Eingang", "Prüfung", "Bescheid"])
        ],
    )
    small = discovery_log(log, coverage=None)
    assert small.columns.tolist() == [schema.CASE, schema.ACTIVITY, schema.TIMESTAMP]
    assert len(small) == 9
    model = discover_bpmn(small)
    xml = bpmn_xml(model)
    assert xml.startswith("<?xml") and "bpmn:definitions" in xml
    for name in ("Eingang", "Prüfung", "Bescheid"):
        assert f'name="{name}"' in xml
    assert token_fitness(small, model)["log_fitness"] == pytest.approx(1.0)
    from_map = bpmn_xml(discover_bpmn(process_map(log)))
    assert 'name="Prüfung"' in from_map


def test_layout_layers_a_chain_and_turns_back_edges():
    log = make_log(
        [schema.CASE, schema.ACTIVITY, "minutes"],
        [("1", "A", 0), ("1", "B", 1), ("1", "C", 2), ("1", "B", 3), ("1", "C", 4)],
    )
    graph = map_graph(process_map(log))
    layout = layered_layout(graph)
    assert [layout.layers[n] for n in (START_NODE, "A", "B", "C", END_NODE)] == [0, 1, 2, 3, 4]
    assert layout.back_edges == frozenset({("C", "B")})
    ys = [layout.positions[n][1] for n in (START_NODE, "A", "B", "C", END_NODE)]
    assert ys == sorted(ys, reverse=True)  # flow runs downwards


def test_figure_and_cytoscape_elements_mark_burden():
    pmap = process_map(LOG)
    findings = pd.DataFrame(
        {
            schema.FINDING_BURDEN: ["media_break", "manual_reentry", "duplicate_responsibility"],
            schema.CASE: ["a", "a", "b"],
            schema.EVENT_ID: ["a2", "a3", "b2"],
            schema.ACTIVITY: ["B", "C", "B"],
        }
    )
    overlay = burden_overlay(LOG, findings)
    fig = process_map_figure(pmap, overlay=overlay, label="median_wait", language="en")
    texts = [t for trace in fig.data if trace.mode == "text" for t in trace.text]
    assert "90 min · 1× media break" in texts  # A→B: median 90 min, one media break
    legend = sorted(trace.name for trace in fig.data if trace.name)
    assert legend == ["duplicate responsibility (1)", "media break (1)", "re-entry (1)"]
    elements = cytoscape_elements(pmap, overlay=overlay)
    nodes = {e["data"]["id"]: e for e in elements if "source" not in e["data"]}
    edges = [e["data"] for e in elements if "source" in e["data"]]
    assert set(nodes) == {START_NODE, "A", "B", "C", END_NODE}
    assert nodes["B"]["data"]["duplicate_responsibility"] == 1
    assert "burden" in nodes["B"]["classes"] and "burden" not in nodes["A"]["classes"]
    marked = [e for e in edges if e["media_breaks"]]
    assert [(e["source"], e["target"], e["media_breaks"]) for e in marked] == [("A", "B", 1)]
    assert all(set(e) >= {"position", "classes"} for e in nodes.values())


@pytest.mark.real_logs
def test_receipt_log_matches_pm4py(shared_log, backend):
    pm4py = pytest.importorskip("pm4py")
    raw = pm4py.read_xes(str(shared_log("receipt.xes.gz")))
    log = raw[[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP]].copy()
    log[schema.SOURCE_ROW] = range(1, len(log) + 1)  # XES event order breaks ties, as pm4py
    log[schema.EVENT_ID] = log[schema.SOURCE_ROW].astype(str)
    pmap = process_map(on(pl_frame(log), backend))
    dfg, start, end = pm4py.discover_dfg(raw)
    ours = {
        (a, b): n
        for a, b, n in rows_of(
            pmap.edges, schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY
        )
    }
    assert ours == dict(dfg)
    assert dict(rows_of(pmap.start, schema.ACTIVITY, schema.MAP_CASES)) == dict(start)
    assert dict(rows_of(pmap.end, schema.ACTIVITY, schema.MAP_CASES)) == dict(end)
    performance = pm4py.discover_performance_dfg(raw)[0]
    for a, b, median, mean in rows_of(
        pmap.edges,
        schema.MAP_SOURCE,
        schema.MAP_TARGET,
        schema.MAP_WAIT_MEDIAN,
        schema.MAP_WAIT_MEAN,
    ):
        assert median == pytest.approx(performance[(a, b)]["median"] / 60, abs=1e-6)
        assert mean == pytest.approx(performance[(a, b)]["mean"] / 60, abs=1e-6)
    theirs = pm4py.get_variants(raw)
    table = variants(on(pl_frame(log), backend))
    assert dict(rows_of(table, schema.VARIANT_ACTIVITIES, schema.VARIANT_CASES)) == dict(theirs)


def pl_frame(frame: pd.DataFrame):
    import polars as pl

    return pl.from_pandas(frame).with_columns(
        pl.col(schema.TIMESTAMP).dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    )
