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
  step (the wording differs between municipalities; harmonisation maps it back).

:data:`EXPECTED_RANKINGS` is what the README promises each municipality shows; the tests
check the shipped labels against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from connectors.simulator.output import write_simulated_logs
from connectors.simulator.profiles import PROFILES
from connectors.simulator.services import SERVICES
from connectors.simulator.simulation import activity_steps

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
    return files


def write_activity_steps(path: Path) -> Path:
    """Every municipality's activity labels with their reference step, as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["municipality", "service", "activity", "step"])
    for service in SERVICES.values():
        for profile in PROFILES.values():
            for label, step in activity_steps(service, profile).items():
                writer.writerow([profile.name, service.name, label, step])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
