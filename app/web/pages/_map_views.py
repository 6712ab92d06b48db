"""The map of one log as the process map page draws it: read back from the stored results,
and its burden-only view. Not a page (importable without an app, for the tests)."""

from __future__ import annotations

import pandas as pd

from analyzer import schema
from analyzer.process_map import BurdenOverlay, ProcessMap
from app import api
from app.web.settings import workspace_path
from reports.process_map_figure import NODE_BURDENS

_KEYS = [schema.MUNICIPALITY, schema.SERVICE]


def stored_map(municipality: str, service: str) -> tuple[ProcessMap, BurdenOverlay]:
    """The stored map and burden overlay of one log."""
    kinds = ("map_edges", "map_activities", "map_start", "map_end", "burden_edges")
    stored = api.stored_results(
        workspace_path(),
        municipality=municipality,
        service=service,
        tables=(*kinds, "burden_nodes", "cases"),
    )

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.drop(columns=[k for k in _KEYS if k in frame.columns]).reset_index(drop=True)

    pmap = ProcessMap(
        edges=plain(stored.map_edges),
        activities=plain(stored.map_activities),
        start=plain(stored.map_start),
        end=plain(stored.map_end),
        cases=len(stored.cases),
        events=int(stored.map_activities[schema.MAP_FREQUENCY].sum()),
    )
    return pmap, BurdenOverlay(plain(stored.burden_edges), plain(stored.burden_nodes))


def burdened_map(pmap: ProcessMap, overlay: BurdenOverlay) -> ProcessMap:
    """Only what carries burden: the paths with burden found on them, the steps with burden
    marked on the map (:data:`NODE_BURDENS`) and the paths between those steps."""
    marked = overlay.nodes[overlay.nodes[schema.FINDING_BURDEN].isin(NODE_BURDENS)]
    steps = set(marked[schema.ACTIVITY])
    pair = [schema.MAP_SOURCE, schema.MAP_TARGET]
    on_edges = pd.MultiIndex.from_frame(pmap.edges[pair]).isin(
        pd.MultiIndex.from_frame(overlay.edges[pair])
    )
    between = pmap.edges[schema.MAP_SOURCE].isin(steps) & pmap.edges[schema.MAP_TARGET].isin(steps)
    edges = pmap.edges[on_edges | between].reset_index(drop=True)
    steps |= set(edges[schema.MAP_SOURCE]) | set(edges[schema.MAP_TARGET])

    def of(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame[schema.ACTIVITY].isin(steps)].reset_index(drop=True)

    return ProcessMap(
        edges, of(pmap.activities), of(pmap.start), of(pmap.end), pmap.cases, pmap.events
    )
