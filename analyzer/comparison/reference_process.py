"""Fitness of each municipality's cases against the reference process of a catalogue."""

from __future__ import annotations

from functools import cache

import narwhals as nw
import pandas as pd

from analyzer import discovery, engine, schema, steps
from analyzer.comparison.views import group_subset, group_values, harmonised_view
from analyzer.harmonisation import Catalogue
from analyzer.throughput import group_keys


def reference_log(catalogue: Catalogue) -> pd.DataFrame:
    """Traces the reference process allows: the path of required steps, the path with each
    optional step at its place in the catalogue, and all steps; as a small pandas log."""
    order = [s.id for s in catalogue.steps if s.in_reference]
    path = catalogue.reference_path
    optional = [s.id for s in catalogue.steps if s.in_reference and s.optional]
    traces = [path, *([a for a in order if a in path or a == o] for o in optional), order]
    start = pd.Timestamp("2000-01-01", tz="UTC")
    rows = [
        (f"reference-{i}", step, start + pd.Timedelta(minutes=j))
        for i, trace in enumerate(traces)
        for j, step in enumerate(trace)
    ]
    return pd.DataFrame(rows, columns=[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP])


@cache
def _reference_model(catalogue: Catalogue) -> discovery.DiscoveredModel:
    """The reference process of ``catalogue`` as a model (discovered once per catalogue)."""
    return discovery.discover_bpmn(reference_log(catalogue))


def reference_fitness(
    frame: engine.FrameLike,
    catalogue: Catalogue,
    *,
    activity_column: str = schema.STEP,
    max_cases: int = 10_000,
) -> pd.DataFrame:
    """Token-based replay fitness (0..1) of each municipality's and service's cases on the
    reference process of ``catalogue`` (a model discovered from :func:`reference_log`).

    At most ``max_cases`` cases per group are replayed (the smallest case ids, as
    ``discovery.discovery_log`` chooses them). Columns: the keys and KPI_FITNESS.
    """
    model = _reference_model(catalogue)
    lf = harmonised_view(steps.prepare(frame), activity_column=activity_column)
    keys = group_keys(lf)
    # Token replay skips events whose step the model does not know (they move no token), so
    # replaying only the reference steps gives the same fitness, with far fewer variants; each
    # case keeps its first event, so a case without any reference step is still replayed.
    known = [s.id for s in catalogue.steps if s.in_reference]
    order = steps.order_columns(lf.collect_schema().names())
    numbered = steps.running_count(lf, [schema.CASE], order, steps.POSITION)
    lf = numbered.filter(nw.col(schema.ACTIVITY).is_in(known) | (nw.col(steps.POSITION) == 1))
    rows = []
    for values in group_values(lf, keys):
        sample = discovery.discovery_log(
            group_subset(lf, keys, values), coverage=None, max_cases=max_cases
        )
        rows.append((*values, discovery.token_fitness(sample, model)["log_fitness"]))
    return pd.DataFrame(rows, columns=[*keys, schema.KPI_FITNESS])
