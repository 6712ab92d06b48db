"""A log in case order (analyzer.steps.prepare) and the one "previous event" window.

The in-memory order (the default: Polars, sorted once, shifts along a numbering) and the lazy
order on the frame's own backend (``in_memory=False``: ordered windows) must give the same
findings, maps and KPIs; shifts must hold when the rows are not physically in order.
"""

from __future__ import annotations

from datetime import UTC, datetime

import narwhals as nw
import pandas as pd
import polars as pl
import pytest

from analyzer import engine, kpis, process_map, schema, steps
from analyzer.detectors import run_detectors

simulator = pytest.importorskip("connectors.simulator")


def _simulated() -> pl.DataFrame:
    parts = []
    for service in simulator.SERVICES:
        for chunk in simulator.simulate_event_log(service, "beispielheim", cases=40, seed=5):
            parts.append(chunk.events)
    return pl.concat(parts, how="diagonal_relaxed")


def test_prepare_orders_numbers_and_is_idempotent(backend):
    t = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3)]
    log = pd.DataFrame(
        {
            schema.CASE: ["b", "a", "b", "a", "b"],
            schema.ACTIVITY: ["x", "y", "z", "x", "y"],
            schema.TIMESTAMP: [t[2], t[1], t[0], t[0], t[2]],
            schema.SOURCE_ROW: [5, 4, 3, 2, 1],
        }
    )
    prepared = steps.prepare(engine.on_backend(log, backend))
    assert steps.prepare(prepared) is prepared
    out = engine.to_pandas(prepared).sort_values(steps.SEQUENCE)
    # case by case (in some order), in time, equal times by source row
    per_case = {c: list(g[schema.ACTIVITY]) for c, g in out.groupby(schema.CASE)}
    assert per_case == {"a": ["x", "y"], "b": ["z", "y", "x"]}
    assert list(out[steps.SEQUENCE]) == [0, 1, 2, 3, 4]
    assert list(out[schema.EVENT_ID].sort_values()) == ["1", "2", "3", "4", "5"]
    # text comes back as text, not as pandas categories
    assert all(str(out[c].dtype) != "category" for c in out.columns)


def test_lazy_order_gives_the_same_findings_maps_and_kpis(backend):
    events = _simulated()
    in_memory = steps.prepare(engine.on_backend(events, backend))
    lazy = steps.prepare(engine.on_backend(events, backend), in_memory=False)
    assert in_memory.implementation is nw.Implementation.POLARS
    if backend == "duckdb":
        assert lazy.implementation is nw.Implementation.DUCKDB
    found = run_detectors(in_memory)
    assert len(found) > 100
    pd.testing.assert_frame_equal(found, run_detectors(lazy))
    a, b = process_map.process_map(in_memory), process_map.process_map(lazy)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    pd.testing.assert_frame_equal(
        process_map.variants(in_memory, top=20), process_map.variants(lazy, top=20)
    )
    pd.testing.assert_frame_equal(
        kpis.levels_per_case(in_memory), kpis.levels_per_case(lazy), check_dtype=False
    )


def test_shift_holds_when_rows_are_out_of_order():
    events = _simulated()
    prepared = steps.prepare(events)
    ordered = engine.to_pandas(
        steps.with_previous(prepared, [schema.ACTIVITY, schema.ORG_UNIT], position=True)
    )
    # the same frame with its rows shuffled (as a join may leave them)
    native = nw.to_native(prepared).collect().sample(fraction=1.0, shuffle=True, seed=3)
    shuffled = nw.from_native(native.lazy())
    again = engine.to_pandas(
        steps.with_previous(shuffled, [schema.ACTIVITY, schema.ORG_UNIT], position=True)
    )
    key = [steps.SEQUENCE]
    pd.testing.assert_frame_equal(
        ordered.sort_values(key).reset_index(drop=True),
        again.sort_values(key).reset_index(drop=True)[ordered.columns],
    )
    first = ordered[ordered[steps.POSITION] == 1]
    assert first[steps.prev_name(schema.ACTIVITY)].isna().all()
    later = ordered[ordered[steps.POSITION] > 1]
    assert later[steps.prev_name(schema.ACTIVITY)].notna().all()


@pytest.mark.parametrize(
    "others",
    # two keys: sorted as columns; one categorical key: sorted as one packed integer
    [[schema.ACTIVITY, schema.LEVEL], [schema.LEVEL]],
)
def test_shift_within_groups_with_missing_keys(backend, others):
    t = [datetime(2026, 1, 1, h, tzinfo=UTC) for h in range(6)]
    log = pd.DataFrame(
        {
            schema.CASE: ["c"] * 6,
            schema.ACTIVITY: ["a", "b", "a", "b", "a", "a"],
            schema.LEVEL: ["x", None, "x", None, "y", "x"],
            schema.TIMESTAMP: t,
            schema.EVENT_ID: ["e1", "e2", "e3", "e4", "e5", "e6"],
        }
    )
    for in_memory in (True, False):
        prepared = steps.prepare(engine.on_backend(log, backend), in_memory=in_memory)
        group = [schema.CASE, *others]
        out = steps.running_count(
            steps.shifted(prepared, {schema.EVENT_ID: "before"}, partition=group),
            group,
            steps.order_columns(engine.columns_of(prepared)),
            "n",
        )
        rows = engine.to_pandas(out).set_index(schema.EVENT_ID).sort_index()
        # (a, x): e1, e3, e6; (b, missing): e2, e4; (a, y): e5 (without ACTIVITY, the same)
        before = rows["before"].astype(object).where(rows["before"].notna(), None)
        assert before.tolist() == [None, None, "e1", "e2", None, "e3"]
        assert rows["n"].tolist() == [1, 1, 2, 2, 1, 3]


def test_order_of_the_input_rows_does_not_matter():
    events = _simulated()
    # the simulator writes case by case: that order is kept as it is; shuffled, it is sorted
    shuffled = events.sample(fraction=1.0, shuffle=True, seed=9)
    # a case in two pieces: contiguous runs, but not one per case
    pieces = pl.concat([events.slice(0, 50), events.slice(200, 100), events.slice(50, 150)])
    pieces = pl.concat([pieces, events.slice(300)])
    found = run_detectors(events)
    for other in (shuffled, pieces):
        pd.testing.assert_frame_equal(found, run_detectors(other))
        pd.testing.assert_frame_equal(
            process_map.process_map(events).edges, process_map.process_map(other).edges
        )
    assert engine._already_in_order(
        steps.prepare(events).collect().to_native(), [schema.CASE], [schema.TIMESTAMP]
    )
