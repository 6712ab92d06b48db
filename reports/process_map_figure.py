"""The process map as an interactive figure: plotly, or dash-cytoscape elements; no Graphviz.

The layout is computed here (:func:`layered_layout`): the directly-follows graph gets an
artificial start and end node, cycles are broken by turning the back edges of a depth-first
search from the start (heaviest edges first) around, every node is put on the layer of its
longest path from the start, and the nodes of each layer are ordered by the barycentre of
their neighbours in a few down and up sweeps (the Sugiyama method, reduced to its simplest
steps). Flow runs top to bottom.

Burden is drawn on the map from a :class:`~analyzer.process_map.BurdenOverlay`: media-break
edges in a warning colour with their count, and steps marked with the counts of re-entry,
duplicate responsibility across levels, once-only, rework and long waits found there.

A large map is drawn abstracted (:func:`~analyzer.map_abstraction.abstracted_map`: by default the
40 most frequent activities and 100 most frequent paths between them, plus the media-break
edges between them); the title says how many activities, events and paths are shown of all.
Drawing stays linear in the edges drawn: the lines of all edges go into a few traces (one per
colour and width) and the arrow heads into the layout's annotations at once, because plotly
copies the whole figure for every trace or annotation added one by one (631 edges took
minutes that way).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import plotly.graph_objects as go

from analyzer import schema
from analyzer.comparison import number_text
from analyzer.map_abstraction import AbstractedMap, abstracted_map
from analyzer.process_map import BurdenOverlay, ProcessMap
from reports.burden_style import BURDEN_COLOURS, BURDEN_NAMES, FLOW_COLOUR

START_NODE = "▶"
END_NODE = "■"

#: Colours and names of the burden kinds: one palette for every figure (reports.burden_style).
NODE_COLOUR = "#dde6ef"
#: Kinds marked on steps (hand-overs are everywhere and would drown the rest).
NODE_BURDENS: tuple[str, ...] = (
    schema.Burden.MANUAL_REENTRY,
    schema.Burden.DUPLICATE_RESPONSIBILITY,
    schema.Burden.ONCE_ONLY,
    schema.Burden.REWORK,
    schema.Burden.LONG_WAIT,
)
#: Kinds drawn on edges.
EDGE_MARKED: tuple[str, ...] = (schema.Burden.MEDIA_BREAK,)

Label = Literal["frequency", "median_wait"]


@dataclass(frozen=True)
class Layout:
    """Node positions (x across, y down as negative numbers) and the back edges."""

    positions: dict[str, tuple[float, float]]
    layers: dict[str, int]
    back_edges: frozenset[tuple[str, str]]


def map_graph(pmap: ProcessMap) -> nx.DiGraph:
    """The map as a graph with start and end nodes; edge attribute ``frequency``."""
    graph = nx.DiGraph()
    graph.add_node(START_NODE)
    graph.add_node(END_NODE)
    for activity, n in pmap.activities[[schema.ACTIVITY, schema.MAP_FREQUENCY]].itertuples(
        index=False
    ):
        graph.add_node(activity, frequency=int(n))
    for a, b, n in pmap.edges[
        [schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY]
    ].itertuples(index=False):
        graph.add_edge(a, b, frequency=int(n))
    for activity, n in pmap.start.itertuples(index=False):
        graph.add_edge(START_NODE, activity, frequency=int(n))
    for activity, n in pmap.end.itertuples(index=False):
        graph.add_edge(activity, END_NODE, frequency=int(n))
    return graph


def layered_layout(graph: nx.DiGraph, *, sweeps: int = 4) -> Layout:
    """A layered (Sugiyama-style) layout of ``graph``; see the module docstring."""
    back = _back_edges(graph)
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.nodes)
    dag.add_edges_from((a, b) for a, b in graph.edges if a != b and (a, b) not in back)
    layers: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        preds = [layers[p] + 1 for p in dag.predecessors(node)]
        layers[node] = max(preds, default=0)
    if END_NODE in layers and len(layers) > 1:  # the end below everything
        layers[END_NODE] = max(v for n, v in layers.items() if n != END_NODE) + 1
    by_layer: dict[int, list[str]] = {}
    for node in sorted(layers, key=lambda n: (layers[n], -_weight(graph, n), n)):
        by_layer.setdefault(layers[node], []).append(node)
    order = {n: i for nodes in by_layer.values() for i, n in enumerate(nodes)}
    levels = sorted(by_layer)
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        for layer in levels[1:] if down else list(reversed(levels[:-1])):
            centre = {n: _barycentre(graph, dag, n, order, down=down) for n in by_layer[layer]}
            nodes = sorted(by_layer[layer], key=lambda n, c=centre: (c[n], order[n]))
            by_layer[layer] = nodes
            order.update({n: i for i, n in enumerate(nodes)})
    width = max((len(nodes) for nodes in by_layer.values()), default=1)
    positions = {
        n: (i - (len(nodes) - 1) / 2 + (width - 1) / 2, -float(layer))
        for layer, nodes in by_layer.items()
        for i, n in enumerate(nodes)
    }
    return Layout(positions=positions, layers=layers, back_edges=frozenset(back))


def process_map_figure(
    pmap: ProcessMap | AbstractedMap,
    *,
    overlay: BurdenOverlay | None = None,
    label: Label = "frequency",
    language: Literal["de", "en"] = "de",
    title: str | None = None,
) -> go.Figure:
    """The map as a plotly figure: edges labelled with ``label``, burden marked and counted.

    A :class:`ProcessMap` is drawn abstracted with the defaults of
    :func:`~analyzer.map_abstraction.abstracted_map` (keeping its media-break edges), an
    :class:`AbstractedMap` as it is (``abstracted_map(pmap, max_activities=None,
    max_edges=None)`` draws everything); what was left out is said under the title.
    Edge width grows with the logarithm of its frequency; a media-break edge is drawn in
    the warning colour with its count; a step with burden gets a coloured ring and a hover
    text listing the counts per kind. The legend counts the burden shown on the map (and
    all of it where the abstraction left some out).
    """
    drawn = drawn_map(pmap, overlay=overlay)
    graph = map_graph(drawn.shown)
    layout = layered_layout(graph)
    pos = layout.positions
    names = BURDEN_NAMES[language]
    edge_burden = _edge_burden(overlay)
    node_burden = _node_burden(overlay)
    waits = _edge_waits(drawn.shown)
    top = max((d["frequency"] for _, _, d in graph.edges(data=True)), default=1)

    lines: dict[tuple[str, float], tuple[list, list]] = {}  # (colour, width) -> points
    arrows: list[dict] = []
    label_x, label_y, label_text, label_colour = [], [], [], []
    for a, b, data in graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        marked = edge_burden.get((a, b), {})
        count = sum(marked.get(k, 0) for k in EDGE_MARKED)
        colour = BURDEN_COLOURS[schema.Burden.MEDIA_BREAK] if count else FLOW_COLOUR
        xs, ys = _edge_path(x0, y0, x1, y1, back=(a, b) in layout.back_edges, loop=a == b)
        width = 1 + 5 * math.log1p(data["frequency"]) / math.log1p(top)
        xs_of, ys_of = lines.setdefault((colour, round(width * 2) / 2), ([], []))
        xs_of.extend([*xs, None])
        ys_of.extend([*ys, None])
        arrows.append(
            {
                "x": xs[-1],
                "y": ys[-1],
                "ax": xs[-2],
                "ay": ys[-2],
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1,
                "arrowwidth": max(1.0, width / 2),
                "arrowcolor": colour,
                "text": "",
            }
        )
        mid = len(xs) // 2
        text = _edge_label(data["frequency"], waits.get((a, b)), label, language)
        if count:
            text += f" · {count}× {names[schema.Burden.MEDIA_BREAK]}"
        label_x.append(xs[mid])
        label_y.append(ys[mid])
        label_text.append(text)
        label_colour.append(colour)
    traces = [
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"width": width, "color": colour},
            hoverinfo="skip",
            showlegend=False,
        )
        for (colour, width), (xs, ys) in lines.items()
    ]
    traces.append(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            textfont={"color": label_colour, "size": 10},
            hoverinfo="skip",
            showlegend=False,
        )
    )

    node_x, node_y, node_text, node_hover, node_line = [], [], [], [], []
    for node in graph.nodes:
        x, y = pos[node]
        counts = node_burden.get(node, {})
        marks = [(k, counts[k]) for k in NODE_BURDENS if counts.get(k)]
        node_x.append(x)
        node_y.append(y)
        if node in (START_NODE, END_NODE):
            node_text.append(node)
            node_hover.append(
                "Start" if node == START_NODE else ("Ende" if language == "de" else "End")
            )
        else:
            n = graph.nodes[node].get("frequency", 0)
            badge = " ".join(f"{c}×" for _, c in marks)
            node_text.append(f"{node}<br>{n}" + (f" ⚠ {badge}" if badge else ""))
            node_hover.append(
                f"<b>{node}</b><br>{n} {'Ereignisse' if language == 'de' else 'events'}"
                + "".join(f"<br>{names[k]}: {c}" for k, c in marks)
            )
        node_line.append(BURDEN_COLOURS[marks[0][0]] if marks else FLOW_COLOUR)
    traces.append(
        go.Scatter(
            x=node_x,
            y=node_y,
            mode="markers+text",
            text=node_text,
            textposition="middle center",
            hovertext=node_hover,
            hoverinfo="text",
            marker={
                "symbol": "square",
                "size": 46,
                "color": NODE_COLOUR,
                "line": {
                    "width": [3 if c != FLOW_COLOUR else 1 for c in node_line],
                    "color": node_line,
                },
            },
            textfont={"size": 10},
            showlegend=False,
        )
    )
    # a legend entry per burden kind found, counting what the map shows of it
    legend = _legend_entries(graph, edge_burden, node_burden, language)
    traces += [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=name,
            marker={"color": BURDEN_COLOURS[kind], "size": 10, "symbol": "square"},
        )
        for kind, name in legend
    ]
    note = None if drawn.complete else abstraction_note(drawn, language=language)
    heading = f"{title}<br><sup>{note}</sup>" if title and note else (title or note)
    return go.Figure(
        data=traces,
        layout={
            "title": heading,
            "annotations": arrows,
            "showlegend": bool(legend),
            "plot_bgcolor": "white",
            "hovermode": "closest",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": None},
            "margin": {
                "l": 10,
                "r": 10,
                "t": (60 if note and title else 40) if heading else 10,
                "b": 10,
            },
            "height": max(400, 110 * (1 + max(layout.layers.values(), default=0))),
        },
    )


def drawn_map(
    pmap: ProcessMap | AbstractedMap, *, overlay: BurdenOverlay | None = None
) -> AbstractedMap:
    """What is drawn of ``pmap``: an :class:`AbstractedMap` as it is; a :class:`ProcessMap`
    abstracted with :func:`~analyzer.map_abstraction.abstracted_map`'s defaults, keeping the edges
    where ``overlay`` has media breaks."""
    if isinstance(pmap, AbstractedMap):
        return pmap
    marked = [
        edge
        for edge, kinds in _edge_burden(overlay).items()
        if any(kinds.get(k) for k in EDGE_MARKED)
    ]
    return abstracted_map(pmap, keep_edges=marked)


def abstraction_note(drawn: AbstractedMap, *, language: Literal["de", "en"] = "de") -> str:
    """What an abstracted map shows of the whole: activities (with their share of the
    events) and paths shown of all, e.g. "Gezeigt: 40 von 383 Aktivitäten (87 % der
    Ereignisse) und 100 von 2.345 Übergängen; seltenere ausgelassen"."""
    share = drawn.events_share * 100
    percent = number_text(share, 0 if 1 <= share <= 99 else 1, language)

    def n(value: int) -> str:
        return number_text(value, 0, language)

    if language == "de":
        return (
            f"Gezeigt: {n(drawn.activities_shown)} von {n(drawn.activities_total)} Aktivitäten "
            f"({percent} % der Ereignisse) und {n(drawn.edges_shown)} von "
            f"{n(drawn.edges_total)} Übergängen; seltenere ausgelassen"
        )
    return (
        f"Shown: {n(drawn.activities_shown)} of {n(drawn.activities_total)} activities "
        f"({percent}% of events) and {n(drawn.edges_shown)} of {n(drawn.edges_total)} "
        "paths; rarer ones left out"
    )


def cytoscape_elements(
    pmap: ProcessMap | AbstractedMap,
    *,
    overlay: BurdenOverlay | None = None,
    label: Label = "frequency",
    language: Literal["de", "en"] = "de",
    scale: float = 160.0,
) -> list[dict]:
    """The map as dash-cytoscape elements (plain dicts; use the ``preset`` layout).

    What is drawn is chosen as in :func:`process_map_figure` (:func:`drawn_map`; say what was
    left out with :func:`abstraction_note`).

    Nodes: ``data`` = id, label, frequency, one count per burden kind found there, and
    ``burden`` (total); ``classes`` "start", "end", "activity" plus "burden" where marked.
    Edges: ``data`` = id, source, target, frequency, median_wait_min, label and
    ``media_breaks``; ``classes`` "flow" plus "media-break" and "back" where they apply.
    """
    shown = drawn_map(pmap, overlay=overlay).shown
    graph = map_graph(shown)
    layout = layered_layout(graph)
    edge_burden = _edge_burden(overlay)
    node_burden = _node_burden(overlay)
    waits = _edge_waits(shown)
    elements: list[dict] = []
    for node in graph.nodes:
        x, y = layout.positions[node]
        counts = {k: int(v) for k, v in node_burden.get(node, {}).items() if k in NODE_BURDENS}
        kind = "start" if node == START_NODE else "end" if node == END_NODE else "activity"
        elements.append(
            {
                "data": {
                    "id": node,
                    "label": node,
                    "frequency": int(graph.nodes[node].get("frequency", 0)),
                    **counts,
                    "burden": sum(counts.values()),
                },
                "position": {"x": x * scale, "y": -y * scale},
                "classes": kind + (" burden" if counts else ""),
            }
        )
    for i, (a, b, data) in enumerate(graph.edges(data=True)):
        breaks = sum(edge_burden.get((a, b), {}).get(k, 0) for k in EDGE_MARKED)
        wait = waits.get((a, b))
        classes = ["flow"]
        if breaks:
            classes.append("media-break")
        if (a, b) in layout.back_edges:
            classes.append("back")
        elements.append(
            {
                "data": {
                    "id": f"e{i}",
                    "source": a,
                    "target": b,
                    "frequency": int(data["frequency"]),
                    "median_wait_min": wait,
                    "media_breaks": int(breaks),
                    "label": _edge_label(data["frequency"], wait, label, language),
                },
                "classes": " ".join(classes),
            }
        )
    return elements


# --- helpers ---------------------------------------------------------------------------------


def _barycentre(
    graph: nx.DiGraph, dag: nx.DiGraph, node: str, order: dict[str, int], *, down: bool
) -> float:
    """Mean position of ``node``'s neighbours in the layer above (down) or below (up),
    weighted by edge frequency; its own position where it has none."""
    near = list(dag.predecessors(node) if down else dag.successors(node))
    if not near:
        return float(order[node])
    weights = [graph.edges[(m, node) if down else (node, m)]["frequency"] for m in near]
    total = sum(weights)
    if total <= 0:
        return sum(order[m] for m in near) / len(near)
    return sum(order[m] * w for m, w in zip(near, weights, strict=True)) / total


def _weight(graph: nx.DiGraph, node: str) -> int:
    return sum(d["frequency"] for _, _, d in graph.in_edges(node, data=True))


def _back_edges(graph: nx.DiGraph) -> set[tuple[str, str]]:
    """Edges closing a cycle in a depth-first search from the start, heaviest edges first."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def successors(node: str) -> list[str]:
        return sorted(
            graph.successors(node), key=lambda m: (-graph.edges[node, m]["frequency"], str(m))
        )

    roots = [START_NODE, *sorted(n for n in graph.nodes if n != START_NODE)]
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(successors(root)))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(successors(child))))
    return back


def _edge_path(
    x0: float, y0: float, x1: float, y1: float, *, back: bool, loop: bool
) -> tuple[list[float], list[float]]:
    """Points of an edge: straight forward, bowed to the side backwards, a small loop."""
    if loop:
        return [x0, x0 + 0.35, x0 + 0.35, x0 + 0.05], [y0 + 0.1, y0 + 0.25, y0 - 0.25, y0 - 0.12]
    if back:
        bow = 0.45 + 0.1 * abs(y1 - y0)
        mx, my = (x0 + x1) / 2 + bow, (y0 + y1) / 2
        return [x0 + 0.1, mx, x1 + 0.1], [y0, my, y1 - 0.15 * (1 if y1 < y0 else -1)]
    dy = y1 - y0
    shrink = 0.18 if abs(dy) > 0 else 0.0
    direction = -1 if dy > 0 else 1
    mx = (x0 + x1) / 2
    if abs(dy) > 1.01:  # skips layers: bow it aside so it does not run through their nodes
        mx += (0.3 + 0.1 * abs(dy)) * (1 if x1 >= x0 else -1)
    return [x0, mx, x1], [y0 - shrink * direction, (y0 + y1) / 2, y1 + shrink * direction]


def _edge_label(frequency: int, wait: float | None, label: Label, language: str) -> str:
    if label == "median_wait":
        if wait is None or (isinstance(wait, float) and math.isnan(wait)):
            return ""
        return _duration(wait, language)
    return f"{frequency}×"


def _duration(minutes: float, language: str) -> str:
    if minutes >= 2 * 24 * 60:
        value, unit = minutes / (24 * 60), ("Tg." if language == "de" else "d")
    elif minutes >= 120:
        value, unit = minutes / 60, ("Std." if language == "de" else "h")
    else:
        value, unit = minutes, "min"
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{number.replace('.', ',') if language == 'de' else number} {unit}"


def _legend_entries(
    graph: nx.DiGraph,
    edge_burden: Mapping[tuple[str, str], Mapping[str, int]],
    node_burden: Mapping[str, Mapping[str, int]],
    language: str,
) -> list[tuple[str, str]]:
    """(kind, legend text) for each burden kind of the overlay drawn on the map: its count on
    the drawn edges or steps, and of all where the map leaves some out."""
    names = BURDEN_NAMES[language]
    edges, nodes = set(graph.edges), set(graph.nodes)
    entries = []
    for kind, found, drawn in (
        *((k, edge_burden, edges) for k in EDGE_MARKED),
        *((k, node_burden, nodes) for k in NODE_BURDENS),
    ):
        total = sum(counts.get(kind, 0) for counts in found.values())
        if not total:
            continue
        shown = sum(counts.get(kind, 0) for where, counts in found.items() if where in drawn)
        if shown == total:
            entries.append((kind, f"{names[kind]} ({total})"))
        elif language == "de":
            entries.append((kind, f"{names[kind]} ({shown} von {total} gezeigt)"))
        else:
            entries.append((kind, f"{names[kind]} ({shown} of {total} shown)"))
    return entries


def _edge_waits(pmap: ProcessMap) -> dict[tuple[str, str], float]:
    return {
        (a, b): float(w)
        for a, b, w in pmap.edges[
            [schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_WAIT_MEDIAN]
        ].itertuples(index=False)
    }


def _edge_burden(overlay: BurdenOverlay | None) -> dict[tuple[str, str], dict[str, int]]:
    found: dict[tuple[str, str], dict[str, int]] = {}
    if overlay is None:
        return found
    for a, b, kind, n in overlay.edges[
        [schema.MAP_SOURCE, schema.MAP_TARGET, schema.FINDING_BURDEN, schema.MAP_FREQUENCY]
    ].itertuples(index=False):
        found.setdefault((a, b), {})[kind] = int(n)
    return found


def _node_burden(overlay: BurdenOverlay | None) -> Mapping[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    if overlay is None:
        return found
    for activity, kind, n in overlay.nodes[
        [schema.ACTIVITY, schema.FINDING_BURDEN, schema.MAP_FREQUENCY]
    ].itertuples(index=False):
        found.setdefault(activity, {})[kind] = int(n)
    return found
