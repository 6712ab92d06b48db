"""Simulated event logs of German municipal services, with ground-truth burden labels.

Real logs carry no labels; the simulator knows every media break, re-entry and duplicated
check it injected, so detectors can be scored (precision and recall against the labels).

* :func:`simulate_event_log` streams a seeded log of one service in one municipality as
  chunks of canonical Polars frames plus labels (``schema.LABEL_COLUMNS``);
* :func:`write_simulated_logs` writes a log of several municipalities as Parquet (streamed,
  flat memory), German CSV, XES and OCEL 2.0, each with its mapping file, and the labels;
* :func:`write_sample_logs` writes the sample set shipped in ``sample_logs/``.

Process models: :mod:`.services`; municipality profiles: :mod:`.profiles`; burden
definitions and anchors: :mod:`.labels`; see ``docs/simulator.md``.
"""

from connectors.simulator.generation import CHUNK_CASES, DEFAULT_START
from connectors.simulator.labels import LABELLED_BURDENS, LONG_WAIT_THRESHOLD
from connectors.simulator.output import FORMATS, SimulationResult, write_simulated_logs
from connectors.simulator.profiles import PROFILES, MunicipalityProfile, clean_profile
from connectors.simulator.samples import SAMPLE_COMMAND, write_sample_logs
from connectors.simulator.services import HELD_DOCUMENTS, SERVICES, Service
from connectors.simulator.simulation import SimulatedChunk, activity_steps, simulate_event_log

__all__ = [
    "CHUNK_CASES",
    "DEFAULT_START",
    "FORMATS",
    "HELD_DOCUMENTS",
    "LABELLED_BURDENS",
    "LONG_WAIT_THRESHOLD",
    "PROFILES",
    "SAMPLE_COMMAND",
    "SERVICES",
    "MunicipalityProfile",
    "Service",
    "SimulatedChunk",
    "SimulationResult",
    "activity_steps",
    "clean_profile",
    "simulate_event_log",
    "write_sample_logs",
    "write_simulated_logs",
]
