"""Process discovery with pm4py: the one module behind which pm4py sits.

* :func:`discover_bpmn`: a BPMN model by pm4py's inductive miner, from a small pandas event
  log (e.g. the cases of the variants covering 80 %, see :func:`discovery_log`) or from a
  :class:`~analyzer.process_map.ProcessMap` computed lazily on the whole log (the
  inductive miner on the directly-follows graph, "IMd": it scales to any log size, and is
  what to use on large logs).
* :func:`bpmn_xml`: the model as BPMN 2.0 XML text (the analyzer writes no files; a report
  or the app saves it as ``.bpmn``).
* :func:`token_fitness`: token-based replay fitness of a log on the discovered model.

Pure: frames in, models and text out; pm4py's own data structures stay inside this module's
return values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.process_map import ProcessMap, filter_variant_coverage


@dataclass(frozen=True)
class DiscoveredModel:
    """A discovered process: the BPMN diagram and the Petri net it was converted from."""

    bpmn: Any  # pm4py.objects.bpmn.obj.BPMN
    net: Any  # pm4py.objects.petri_net.obj.PetriNet
    initial_marking: Any
    final_marking: Any


def discovery_log(
    frame: engine.FrameLike, *, coverage: float | None = 0.8, max_cases: int = 10_000
) -> pd.DataFrame:
    """A small pandas log to discover from: the cases of the most frequent variants covering
    ``coverage`` of all cases (None: all), at most ``max_cases`` of them (the smallest case
    ids, so the choice is the same in every run), in case order. Columns: CASE, ACTIVITY,
    TIMESTAMP."""
    lf = steps.prepare(frame)
    if coverage is not None:
        lf = filter_variant_coverage(lf, coverage)
    cases = lf.select(schema.CASE).unique().sort(schema.CASE).head(max_cases)
    order = steps.order_columns(lf.collect_schema().names())
    kept = lf.join(cases, on=schema.CASE, how="semi").select(
        *dict.fromkeys([schema.CASE, schema.ACTIVITY, *order])
    )
    table = engine.to_pandas(kept).sort_values([schema.CASE, *order], kind="stable")
    return table[[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP]].reset_index(drop=True)


def discover_bpmn(
    source: pd.DataFrame | ProcessMap, *, noise_threshold: float = 0.0
) -> DiscoveredModel:
    """A BPMN model of ``source`` by pm4py's inductive miner (see module docstring).

    ``noise_threshold`` (0..1) is the inductive miner's infrequent-behaviour filter
    (IMf); 0 keeps all behaviour.
    """
    import pm4py

    log = _pm4py_input(source)
    tree = pm4py.discover_process_tree_inductive(
        log,
        noise_threshold=noise_threshold,
        activity_key=schema.ACTIVITY,
        timestamp_key=schema.TIMESTAMP,
        case_id_key=schema.CASE,
    )
    net, im, fm = pm4py.convert_to_petri_net(tree)
    return DiscoveredModel(
        bpmn=pm4py.convert_to_bpmn(tree), net=net, initial_marking=im, final_marking=fm
    )


def bpmn_xml(model: DiscoveredModel | Any) -> str:
    """The BPMN 2.0 XML of ``model`` (a :class:`DiscoveredModel` or a pm4py BPMN)."""
    from pm4py.objects.bpmn.exporter.variants import etree

    bpmn = model.bpmn if isinstance(model, DiscoveredModel) else model
    data = etree.get_xml_string(bpmn)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def token_fitness(log: pd.DataFrame, model: DiscoveredModel) -> dict[str, float]:
    """Token-based replay fitness of ``log`` (small pandas log) on ``model``.

    Keys: ``log_fitness`` (0..1), ``average_trace_fitness``, ``percentage_of_fitting_traces``
    (0..100), as pm4py reports them.
    """
    import pm4py

    result = pm4py.fitness_token_based_replay(
        _pm4py_input(log),
        model.net,
        model.initial_marking,
        model.final_marking,
        activity_key=schema.ACTIVITY,
        timestamp_key=schema.TIMESTAMP,
        case_id_key=schema.CASE,
    )
    return {k: float(v) for k, v in result.items()}


def _pm4py_input(source: pd.DataFrame | ProcessMap) -> Any:
    """What pm4py's miners take: a DFG object for a map, a sorted pandas log otherwise."""
    if isinstance(source, ProcessMap):
        from pm4py.objects.dfg.obj import DFG

        graph = {
            (a, b): int(n)
            for a, b, n in source.edges[
                [schema.MAP_SOURCE, schema.MAP_TARGET, schema.MAP_FREQUENCY]
            ].itertuples(index=False)
        }
        start = {a: int(n) for a, n in source.start.itertuples(index=False)}
        end = {a: int(n) for a, n in source.end.itertuples(index=False)}
        return DFG(graph, start_activities=start, end_activities=end)
    frame = source if isinstance(source, pd.DataFrame) else engine.to_pandas(nw.from_native(source))
    steps.require_columns(
        frame,
        schema.REQUIRED_COLUMNS,
        purpose_de="die Prozesserkennung",
        purpose_en="process discovery",
    )
    order = steps.order_columns(frame.columns)
    return frame.sort_values([schema.CASE, *order], kind="stable").reset_index(drop=True)
