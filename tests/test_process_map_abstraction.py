"""Abstracted process maps: the most frequent activities and paths, what was left out said.

A hand-made log for the rules of :func:`abstracted_map`, and a log of 400 activities (80,200
events, built with Polars) for the figure: it must draw 40 activities, not hang on 400.
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from analyzer import schema
from analyzer.map_abstraction import abstracted_map
from analyzer.problems import InputError
from analyzer.process_map import burden_overlay, process_map
from reports.burden_style import BURDEN_COLOURS
from reports.process_map_figure import (
    END_NODE,
    START_NODE,
    abstraction_note,
    cytoscape_elements,
    process_map_figure,
)
from tests.tiny_logs import T0, make_log, rows_of

# Eingang, Entscheid and Sichtung 6 events each, Archiv and Rückfrage 1; edges:
# Sichtung→Entscheid 5, Eingang→Sichtung 4, and 1 each Eingang→Entscheid, Eingang→Rückfrage,
# Entscheid→Archiv, Rückfrage→Sichtung, Sichtung→Sichtung (a loop).
TRACES = {
    "1": ["Eingang", "Sichtung", "Entscheid"],
    "2": ["Eingang", "Sichtung", "Entscheid"],
    "3": ["Eingang", "Sichtung", "Entscheid"],
    "4": ["Eingang", "Rückfrage", "Sichtung", "Entscheid"],
    "5": ["Eingang", "Entscheid", "Archiv"],
    "6": ["Eingang", "Sichtung", "Sichtung", "Entscheid"],
}
SMALL = make_log(
    [schema.CASE, schema.ACTIVITY, "minutes"],
    [(case, a, i) for case, trace in TRACES.items() for i, a in enumerate(trace)],
)


def edges_of(pmap) -> list[tuple[str, str, int]]:
    return rows_of(pmap.edges, schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY)


def test_most_frequent_activities_and_the_edges_between_them():
    pmap = process_map(SMALL)
    drawn = abstracted_map(pmap, max_activities=3)
    shown = drawn.shown
    assert rows_of(shown.activities, schema.ACTIVITY) == [
        ("Eingang",),
        ("Entscheid",),
        ("Sichtung",),
    ]  # ties of 6 events by name; Archiv and Rückfrage (1 each) left out
    assert edges_of(shown) == [
        ("Sichtung", "Entscheid", 5),
        ("Eingang", "Sichtung", 4),
        ("Eingang", "Entscheid", 1),
        ("Sichtung", "Sichtung", 1),
    ]
    assert rows_of(shown.start, schema.ACTIVITY, schema.MAP_CASES) == [("Eingang", 6)]
    assert rows_of(shown.end, schema.ACTIVITY, schema.MAP_CASES) == [("Entscheid", 5)]
    assert (drawn.activities_shown, drawn.activities_total) == (3, 5)
    assert (drawn.edges_shown, drawn.edges_total) == (4, 7)
    assert (drawn.events_shown, shown.events, shown.cases) == (18, 20, 6)
    assert drawn.events_share == pytest.approx(0.9)
    assert not drawn.complete
    assert len(pmap.edges) == 7 and len(pmap.activities) == 5  # the full map is unchanged


def test_edge_limit_keeps_each_activitys_strongest_paths_and_the_named_ones():
    pmap = process_map(SMALL)
    drawn = abstracted_map(pmap, max_activities=3, max_edges=1)
    # the limit keeps Sichtung→Entscheid; Eingang→Sichtung stays as Eingang's strongest
    # outgoing (and Sichtung's strongest incoming) edge; the loop never counts as one
    assert edges_of(drawn.shown) == [("Sichtung", "Entscheid", 5), ("Eingang", "Sichtung", 4)]
    named = abstracted_map(
        pmap,
        max_activities=3,
        max_edges=1,
        keep_edges=[("Eingang", "Entscheid"), ("Entscheid", "Archiv")],  # Archiv not shown
    )
    assert edges_of(named.shown) == [
        ("Sichtung", "Entscheid", 5),
        ("Eingang", "Sichtung", 4),
        ("Eingang", "Entscheid", 1),
    ]


def test_coverage_thresholds():
    pmap = process_map(SMALL)
    # 6 + 6 = 12 of 20 events reach half; the second activity crosses it and is kept
    few = abstracted_map(pmap, activity_coverage=0.5)
    assert rows_of(few.shown.activities, schema.ACTIVITY) == [("Eingang",), ("Entscheid",)]
    assert edges_of(few.shown) == [("Eingang", "Entscheid", 1)]
    # 5 + 4 = 9 of 14 transitions reach half; every activity keeps its strongest in and out
    paths = abstracted_map(pmap, edge_coverage=0.5)
    assert edges_of(paths.shown) == [
        ("Sichtung", "Entscheid", 5),
        ("Eingang", "Sichtung", 4),
        ("Eingang", "Rückfrage", 1),
        ("Entscheid", "Archiv", 1),
        ("Rückfrage", "Sichtung", 1),
    ]
    assert paths.activities_shown == 5


def test_small_map_is_complete_with_the_defaults():
    drawn = abstracted_map(process_map(SMALL))
    assert drawn.complete and drawn.events_share == 1.0
    figure = process_map_figure(process_map(SMALL), title="Widerspruch")
    assert figure.layout.title.text == "Widerspruch"  # nothing left out, nothing said


@pytest.mark.parametrize(
    "options",
    [
        {"max_activities": 0},
        {"max_edges": -3},
        {"activity_coverage": 0.0},
        {"edge_coverage": 1.5},
    ],
)
def test_wrong_options_are_plain_errors(options):
    with pytest.raises(InputError) as raised:
        abstracted_map(process_map(SMALL), **options)
    name = next(iter(options))
    assert name in raised.value.text("de") and "Prozesslandkarte" in raised.value.text("de")
    assert "process map" in raised.value.text("en")


# --- a log of 400 activities ------------------------------------------------------------------

ACTIVITIES = 400


def wide_log() -> pl.DataFrame:
    """Case c (c = 0..399) runs through "Tätigkeit 000" … "Tätigkeit <399 - c>" in order: the
    activity j has 400 - j events, the edge j → j+1 has 399 - j; 80,200 events in all."""
    steps = (
        pl.DataFrame({"c": range(ACTIVITIES)})
        .with_columns(pl.int_ranges(0, ACTIVITIES - pl.col("c")).alias("j"))
        .explode("j")
    )
    return steps.select(
        pl.format("Akte {}", pl.col("c").cast(pl.String).str.zfill(3)).alias(schema.CASE),
        pl.format("Tätigkeit {}", pl.col("j").cast(pl.String).str.zfill(3)).alias(schema.ACTIVITY),
        (pl.lit(T0) + pl.duration(minutes=pl.col("j")))
        .dt.cast_time_unit("us")
        .alias(schema.TIMESTAMP),
        pl.format("{}-{}", pl.col("c"), pl.col("j")).alias(schema.EVENT_ID),
    )


def activity(j: int) -> str:
    return f"Tätigkeit {j:03d}"


def test_map_of_400_activities_draws_the_40_most_frequent():
    log = wide_log()
    assert log.height == 80_200
    pmap = process_map(log)
    assert (len(pmap.activities), len(pmap.edges)) == (400, 399)
    drawn = abstracted_map(pmap)
    assert rows_of(drawn.shown.activities, schema.ACTIVITY) == [(activity(j),) for j in range(40)]
    assert drawn.edges_shown == 39  # the chain 000 → 039
    # 400 + 399 + … + 361 = 15,220 of 80,200 events: 19 %
    assert drawn.events_shown == 15_220
    assert abstraction_note(drawn) == (
        "Gezeigt: 40 von 400 Aktivitäten (19 % der Ereignisse) und 39 von 399 Übergängen; "
        "seltenere ausgelassen"
    )
    assert abstraction_note(drawn, language="en") == (
        "Shown: 40 of 400 activities (19% of events) and 39 of 399 paths; rarer ones left out"
    )

    figure = process_map_figure(pmap, title="Baugenehmigung")
    nodes = next(t for t in figure.data if t.mode == "markers+text")
    assert len(nodes.x) == 42  # 40 activities, start and end
    assert f"{activity(0)}<br>400" in nodes.text and f"{activity(39)}<br>361" in nodes.text
    assert not any(activity(40) in text for text in nodes.text)
    # 39 chain edges, the start into 000 and the ends of the 40 cases that stop at 000 … 039
    assert len(figure.layout.annotations) == 39 + 1 + 40
    assert figure.layout.title.text == (
        "Baugenehmigung<br><sup>" + abstraction_note(drawn) + "</sup>"
    )
    elements = cytoscape_elements(pmap)
    ids = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    assert ids == {START_NODE, END_NODE, *(activity(j) for j in range(40))}
    assert len(pmap.edges) == 399  # drawing left the full map as it was
    everything = abstracted_map(pmap, max_activities=None, max_edges=None)
    assert everything.complete
    full = process_map_figure(everything, title="Baugenehmigung")
    assert len(next(t for t in full.data if t.mode == "markers+text").x) == 402
    assert full.layout.title.text == "Baugenehmigung"


def test_burden_marks_on_an_abstracted_map():
    log = wide_log()
    pmap = process_map(log)
    findings = pd.DataFrame(
        {
            schema.FINDING_BURDEN: ["media_break", "media_break", "manual_reentry"],
            schema.CASE: ["Akte 000", "Akte 000", "Akte 001"],
            schema.EVENT_ID: ["0-1", "0-200", "1-5"],  # 000→001 is drawn, 199→200 is not
            schema.ACTIVITY: [activity(1), activity(200), activity(5)],
        }
    )
    overlay = burden_overlay(log, findings)
    figure = process_map_figure(pmap, overlay=overlay, language="de")
    labels = next(t for t in figure.data if t.mode == "text")
    assert "399× · 1× Medienbruch" in labels.text
    legend = sorted(t.name for t in figure.data if t.name)
    assert legend == ["Medienbruch (1 von 2 gezeigt)", "Mehrfacherfassung (1)"]
    nodes = next(t for t in figure.data if t.mode == "markers+text")
    ring = dict(zip(nodes.text, nodes.marker.line.color, strict=True))
    assert ring[f"{activity(5)}<br>395 ⚠ 1×"] == BURDEN_COLOURS[schema.Burden.MANUAL_REENTRY]


def test_media_break_edge_stays_when_the_edge_limit_drops_it():
    # 75 cases that skip one or two steps among the 40 kept activities: 39 + 75 edges between
    # them, more than the 100 drawn; of the rare skips (1 each) the last by name are dropped
    skips = [(i, i + k) for k in (2, 3) for i in range(40 - k)]
    hops = make_log(
        [schema.CASE, schema.ACTIVITY, "minutes", schema.EVENT_ID],
        [
            (f"Sprung {i}-{j}", activity(n), m, f"s{i}-{j}-{n}")
            for i, j in skips
            for m, n in enumerate((i, j))
        ],
    ).select(wide_log().columns)
    log = pl.concat([wide_log(), hops])
    pmap = process_map(log)
    plain = abstracted_map(pmap)
    assert plain.edges_shown == 100
    kept = set(rows_of(plain.shown.edges, schema.MAP_SOURCE, schema.MAP_TARGET))
    assert (activity(37), activity(39)) not in kept and (activity(0), activity(2)) in kept
    findings = pd.DataFrame(
        {
            schema.FINDING_BURDEN: ["media_break"],
            schema.CASE: ["Sprung 37-39"],
            schema.EVENT_ID: ["s37-39-39"],
            schema.ACTIVITY: [activity(39)],
        }
    )
    overlay = burden_overlay(log, findings)
    figure = process_map_figure(pmap, overlay=overlay)
    labels = next(t for t in figure.data if t.mode == "text")
    assert "1× · 1× Medienbruch" in labels.text
    assert [t.name for t in figure.data if t.name] == ["Medienbruch (1)"]
    assert "101 von 474 Übergängen" in figure.layout.title.text
