"""A process map small enough to read: the most frequent activities and paths of a
:class:`~analyzer.process_map.ProcessMap`, with counts of what was left out.

A real log can have hundreds of activities and thousands of paths; drawn whole, the map is
unreadable and slow. :func:`abstracted_map` keeps the most frequent activities (by count, up
to a number and/or an event coverage) and the most frequent edges between them, plus each
kept activity's strongest incoming and outgoing edge so none floats loose, and any edges the
caller must keep (media breaks). The full directly-follows tables of ``process_map()`` are
never abstracted.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from analyzer import schema
from analyzer.problems import InputError, problem
from analyzer.process_map import ProcessMap

#: Defaults of :func:`abstracted_map`: at most this many activities and edges are drawn.
MAX_MAP_ACTIVITIES = 40
MAX_MAP_EDGES = 100


@dataclass(frozen=True)
class AbstractedMap:
    """The part of a process map that is drawn (``shown``) and how much of the whole it is.

    ``shown`` is a :class:`ProcessMap` holding only the kept activities, the kept edges and
    the starts and ends at kept activities; its ``cases`` and ``events`` still count the whole
    log. ``activities_total``/``edges_total`` count the whole map.
    """

    shown: ProcessMap
    activities_total: int
    edges_total: int

    @property
    def activities_shown(self) -> int:
        return len(self.shown.activities)

    @property
    def edges_shown(self) -> int:
        return len(self.shown.edges)

    @property
    def events_shown(self) -> int:
        """Events of the shown activities."""
        return int(self.shown.activities[schema.MAP_FREQUENCY].sum())

    @property
    def events_share(self) -> float:
        """Share of the log's events that are events of shown activities (1.0 for no events)."""
        return self.events_shown / self.shown.events if self.shown.events else 1.0

    @property
    def complete(self) -> bool:
        """Whether nothing was left out."""
        return (self.activities_shown, self.edges_shown) == (
            self.activities_total,
            self.edges_total,
        )


def abstracted_map(
    pmap: ProcessMap,
    *,
    max_activities: int | None = MAX_MAP_ACTIVITIES,
    activity_coverage: float = 1.0,
    max_edges: int | None = MAX_MAP_EDGES,
    edge_coverage: float = 1.0,
    keep_edges: Collection[tuple[str, str]] = (),
) -> AbstractedMap:
    """The most frequent activities and paths of ``pmap``: what a drawn map shows.

    1. Activities are ranked by their events (most first, ties by name). Kept are the fewest
       leading ones whose events reach ``activity_coverage`` of all events (the one that
       crosses it included), at most ``max_activities`` (None: no limit).
    2. Candidates are the edges between two kept activities. Kept are the leading ones (most
       frequent first, ties by source and target) whose frequency reaches ``edge_coverage``
       of the candidates' total, at most ``max_edges`` (None: no limit); and in addition,
       for each kept activity, its most frequent incoming and outgoing candidate edge other
       than a loop (so no activity hangs loose that has a path on the map), and the
       candidates named in ``keep_edges`` (e.g. those with a media break, so burden marked
       on edges stays visible).
    3. Start and end counts are those of the kept activities.

    With the defaults a map of at most 40 activities and 100 edges is returned as it is.
    ``pmap`` itself stays the full, unabstracted directly-follows graph.
    """
    _check_option(max_activities, "max_activities", "Aktivitäten")
    _check_option(max_edges, "max_edges", "Übergänge")
    for value, name in ((activity_coverage, "activity_coverage"), (edge_coverage, "edge_coverage")):
        if not 0 < value <= 1:
            raise InputError(
                [
                    problem(
                        "option.map_coverage",
                        f"„{name}“ der Prozesslandkarte muss zwischen 0 (ausschließlich) und 1 "
                        "liegen",
                        f"'{name}' of the process map must lie between 0 (exclusive) and 1",
                        value=value,
                    )
                ]
            )
    activities = pmap.activities  # ranked: most events first, ties by name
    kept = activities[_leading(activities[schema.MAP_FREQUENCY], activity_coverage, max_activities)]
    names = set(kept[schema.ACTIVITY])
    edges = pmap.edges  # ranked: most frequent first, ties by source and target
    source, target = edges[schema.MAP_SOURCE], edges[schema.MAP_TARGET]
    candidates = edges[source.isin(names) & target.isin(names)]
    keep = _leading(candidates[schema.MAP_FREQUENCY], edge_coverage, max_edges)
    between = candidates[candidates[schema.MAP_SOURCE] != candidates[schema.MAP_TARGET]]
    for side in (schema.MAP_SOURCE, schema.MAP_TARGET):
        # the first row of each activity is its most frequent edge on that side
        keep.loc[between.drop_duplicates(side).index] = True
    if keep_edges:
        pairs = pd.MultiIndex.from_frame(candidates[[schema.MAP_SOURCE, schema.MAP_TARGET]])
        keep |= pairs.isin(list(keep_edges))
    shown = ProcessMap(
        edges=candidates[keep].reset_index(drop=True),
        activities=kept.reset_index(drop=True),
        start=pmap.start[pmap.start[schema.ACTIVITY].isin(names)].reset_index(drop=True),
        end=pmap.end[pmap.end[schema.ACTIVITY].isin(names)].reset_index(drop=True),
        cases=pmap.cases,
        events=pmap.events,
    )
    return AbstractedMap(shown=shown, activities_total=len(activities), edges_total=len(edges))


def _leading(counts: pd.Series, coverage: float, most: int | None) -> pd.Series:
    """True for the leading rows of ``counts`` (ranked) that reach ``coverage`` of its total
    (the row crossing it included), at most ``most`` of them."""
    before = (counts.cumsum() - counts) / counts.sum()  # share of the rows ranked higher
    keep = before < coverage - 1e-12
    if most is not None:
        keep &= pd.Series(range(len(counts)), index=counts.index) < most
    return keep


def _check_option(value: int | None, name: str, what_de: str) -> None:
    if value is not None and value < 1:
        raise InputError(
            [
                problem(
                    "option.map_size",
                    f"„{name}“ der Prozesslandkarte muss mindestens 1 sein (höchstens so viele "
                    f"{what_de} werden gezeigt) oder leer (alle)",
                    f"'{name}' of the process map must be at least 1 (at most that many are "
                    "shown) or empty (all)",
                    value=value,
                )
            ]
        )


# --- variants ----------------------------------------------------------------------------------
