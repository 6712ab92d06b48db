"""How activities are priced: the user's choices per activity and the model's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from analyzer.cost_tables import (
    Career,
    Complexity,
)
from analyzer.schema import Level


class TimeSource(StrEnum):
    """Where the minutes of an activity came from."""

    FIXED = "fixed"  # set by the user
    LOG = "log"  # measured in the log
    TABLE = "table"  # Zeitwerttabelle, via the activity's standard activity
    MISSING = "missing"  # none: the activity is unpriced


class LogStatistic(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"


@dataclass(frozen=True)
class ActivityCosting:
    """How one activity label (or harmonised step) is priced.

    ``standard_activity``/``complexity``: the Zeitwerttabelle row used where the log does not
    measure the activity; ``career``: the Laufbahngruppe doing it; ``minutes``: a fixed time
    that wins over log and table; ``material_cost``: euros per occurrence (postage, print).
    """

    standard_activity: str | None = None
    complexity: Complexity | None = None
    career: Career | None = None
    minutes: Decimal | None = None
    material_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class CostDefaults:
    """Defaults of the cost model; each is a key of ``[defaults]`` in a cost settings file.

    ``level``: government level of events without one (Amtsweg analyses municipalities).
    ``career``: Laufbahngruppe where an activity names none: the average row of the table,
    which takes no position on who does the work. ``complexity``: for a standard activity
    mapped without one. ``log_statistic``: median (robust to a step left open overnight) or
    mean of the measured durations. ``material_cost_per_case``: euros per case.
    ``citizen_hourly_value``: euros per hour of citizens' time; None (the Leitfaden's practice)
    reports citizens' time in hours only.
    """

    level: Level = Level.MUNICIPALITY
    career: Career = Career.DURCHSCHNITT
    complexity: Complexity = Complexity.MITTEL
    log_statistic: LogStatistic = LogStatistic.MEDIAN
    material_cost_per_case: Decimal = Decimal(0)
    citizen_hourly_value: Decimal | None = None


#: Cases per year: one number for all, or per municipality, per service or per
#: (municipality, service); ``"*"`` is the fallback key. None: estimated from the log.
CasesPerYear = int | Mapping[str | tuple[str, ...], int] | None
