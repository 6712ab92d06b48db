"""The sample logs shipped in ``sample_logs/``: what they are and how they are regenerated.

``amtsweg simulate --sample-set --out sample_logs`` (or :func:`write_sample_logs`) writes
exactly the shipped files; a test regenerates them and compares bytes. The set:

* ``wohngeld.parquet`` and ``gewerbeanmeldung.parquet``: all six municipalities, one year
  (2025) of cases each at their yearly rate, with labels and mappings;
* ``wohngeld_musterdorf.csv``: Musterdorf's Wohngeld cases as a German export (the same
  cases as in ``wohngeld.parquet``: the simulator seeds each municipality separately);
* ``gewerbeanmeldung_beispielheim.xes.gz``: Beispielheim's business registrations as XES;
* ``baugenehmigung_beispielheim.jsonocel.gz``: Beispielheim's building permits as OCEL 2.0;
* ``activity_steps.csv``: every activity label of every municipality with its reference
  catalogue step and the simulator's own finer step (the wording differs between
  municipalities; harmonisation maps it back);
* ``step_mapping_<service>.toml``: the same as confirmed step mappings
  (``connectors.step_mapping``), ready for ``amtsweg compare --step-mapping``.

:data:`EXPECTED_RANKINGS` is what the README promises each municipality shows; the tests
check the shipped labels against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analyzer.harmonisation import StepMapping, load_reference_catalogue
from connectors.simulator.catalogue_steps import CATALOGUE_STEPS
from connectors.simulator.output import write_simulated_logs
from connectors.simulator.profiles import PROFILES
from connectors.simulator.services import SERVICES
from connectors.simulator.simulation import activity_steps
from connectors.step_mapping import write_step_mapping

SAMPLE_SEED = 2025
SAMPLE_START = date(2025, 1, 1)
#: The command that regenerates the shipped set (the README quotes it; a test runs it).
SAMPLE_COMMAND = "amtsweg simulate --sample-set --out sample_logs"


@dataclass(frozen=True)
class SampleLog:
    name: str
    service: str
    municipalities: tuple[str, ...]
    formats: tuple[str, ...]
    compress: bool = False


ALL = tuple(PROFILES)

SAMPLE_LOGS: tuple[SampleLog, ...] = (
    SampleLog("wohngeld", "wohngeld", ALL, ("parquet",)),
    SampleLog("gewerbeanmeldung", "gewerbeanmeldung", ALL, ("parquet",)),
    SampleLog("wohngeld_musterdorf", "wohngeld", ("musterdorf",), ("csv",)),
    SampleLog(
        "gewerbeanmeldung_beispielheim",
        "gewerbeanmeldung",
        ("beispielheim",),
        ("xes",),
        compress=True,
    ),
    SampleLog(
        "baugenehmigung_beispielheim", "baugenehmigung", ("beispielheim",), ("ocel",), compress=True
    ),
)

#: Per service: burden kind → municipalities from most to fewest labels per 1,000 cases, for
#: the municipalities whose profile is built to stand out (the README states the same).
EXPECTED_RANKINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "wohngeld": {
        "media_break": ("musterdorf", "beispielstadt", "musterstadt"),
        "manual_reentry": ("musterhausen", "musterstadt"),
        "once_only": ("musterhausen", "musterstadt"),
        "duplicate_responsibility": ("beispielheim", "musterstadt"),
        "ping_pong": ("beispielheim", "musterstadt"),
        "rework": ("mustertal", "musterstadt"),
        "long_wait": ("mustertal", "musterstadt"),
    },
    "gewerbeanmeldung": {
        "media_break": ("musterdorf", "musterstadt"),
        "manual_reentry": ("musterhausen", "musterstadt"),
        "once_only": ("musterhausen", "musterstadt"),
        "duplicate_responsibility": ("beispielheim", "musterstadt"),
        "ping_pong": ("beispielheim", "musterstadt"),
        "rework": ("mustertal", "musterstadt"),
        "long_wait": ("mustertal", "musterstadt"),
    },
}


#: Per service: the municipality with the most labels of a kind per 1,000 cases (the README's
#: "leads its column"); Musterstadt has the fewest of every kind.
LEADERS: dict[str, dict[str, str]] = {
    service: {
        "media_break": "musterdorf",
        "once_only": "musterhausen",
        "duplicate_responsibility": "beispielheim",
        "ping_pong": "beispielheim",
        "rework": "mustertal",
        "long_wait": "mustertal",
    }
    for service in ("wohngeld", "gewerbeanmeldung")
}
LOWEST = "musterstadt"


def ranking_lines() -> list[str]:
    """The README's ranking lines, from :data:`EXPECTED_RANKINGS`."""
    return [
        f"- {service} · {kind}: " + " > ".join(PROFILES[m].name for m in order)
        for service, kinds in EXPECTED_RANKINGS.items()
        for kind, order in kinds.items()
    ]


def write_sample_logs(out_dir: str | Path) -> list[Path]:
    """Write the shipped sample set into ``out_dir``; returns the files written."""
    out = Path(out_dir)
    files: list[Path] = []
    for log in SAMPLE_LOGS:
        result = write_simulated_logs(
            log.service,
            log.municipalities,
            out,
            name=log.name,
            formats=log.formats,
            seed=SAMPLE_SEED,
            start=SAMPLE_START,
            compress=log.compress,
        )
        files += result.files
    files.append(write_activity_steps(out / "activity_steps.csv"))
    files += [
        write_step_mapping(
            out / step_mapping_name(service),
            sample_step_mapping(service),
            load_reference_catalogue(service),
            note=STEP_MAPPING_NOTE,
        )
        for service in SERVICES
    ]
    return files


STEP_MAPPING_NOTE = (
    "Beispielprotokolle (sample_logs/): jede Tätigkeit aller sechs Kommunen mit ihrem Schritt\n"
    "des Referenzkatalogs, geschrieben von: " + SAMPLE_COMMAND + "\n"
    "Sample logs: every activity of the six municipalities with its catalogue step."
)


def step_mapping_name(service: str) -> str:
    """File name of the samples' confirmed step mapping of ``service``."""
    return f"step_mapping_{service}.toml"


def write_activity_steps(path: Path) -> Path:
    """Every municipality's activity labels with their catalogue step (``step``) and the
    simulator's own step (``simulator_step``), as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["municipality", "service", "activity", "step", "simulator_step"])
    for key, service in SERVICES.items():
        for profile in PROFILES.values():
            for label, step in activity_steps(service, profile).items():
                catalogue_step = CATALOGUE_STEPS[key][step]
                writer.writerow([profile.name, service.name, label, catalogue_step, step])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def sample_step_mapping(service: str) -> StepMapping:
    """The confirmed step mapping of every municipality's labels of ``service``: one entry
    per label; a label that is another step in another municipality goes into that
    municipality's own table."""
    steps_of: dict[str, dict[str, str]] = {}
    for profile in PROFILES.values():
        for label, step in activity_steps(service, profile).items():
            steps_of.setdefault(label, {})[profile.name] = CATALOGUE_STEPS[service][step]
    common: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for label, by_town in steps_of.items():
        if len(set(by_town.values())) == 1:
            common[label] = next(iter(by_town.values()))
        else:
            for town, step in by_town.items():
                own.setdefault(town, {})[label] = step
    return StepMapping(
        catalogue=load_reference_catalogue(service).service, steps=common, by_municipality=own
    )
