"""The Standard Cost Model (Standardkostenmodell): burden in hours and euros.

The rule, as in the Destatis guide to compliance costs (Erfüllungsaufwand der Verwaltung)::

    cost per case  = Σ over the steps of a case: minutes × hourly rate / 60  (+ material cost)
    cost per year  = cases per year × average cost per case

* **Minutes** of a step come, in this order, from: a fixed value the user sets for the
  activity (:class:`ActivityCosting.minutes`); the log, where it measures the step (a
  START_TIMESTAMP, or a lifecycle ``start`` followed by ``complete`` of the same activity in
  the same case), as the median (or mean) of the measured durations per municipality and
  service; the Zeitwerttabelle Verwaltung, for an activity mapped to a standard activity and
  complexity. A step with none of these is *unpriced* and counted as such
  (``cost:unpriced_events``), never silently priced at zero: a cost resting on an unpriced
  step is missing, and its note says which activities lack a time and how to give them one
  (:mod:`~analyzer.cost_model.coverage`; ``lower_bound=True`` reports the priced part).
* **Hourly rate** comes from the Lohnkostentabelle Verwaltung: the row of the event's
  government level (LEVEL; :attr:`CostDefaults.level` where empty) and the activity's career
  group (:attr:`ActivityCosting.career`, else :attr:`CostDefaults.career`).
* **Material cost** (Sachkosten) per occurrence of an activity and per case, in euros.

Arithmetic is exact: durations are whole seconds, rates whole cents per hour, so one step
costs ``seconds × cents / 3600`` cents, summed as integers on the backend-neutral count table
and rounded half up to the cent only once, for each figure reported. Every result carries the
edition of the tables it used (column ``cost:edition``).

:func:`finding_costs` prices burden findings (schema.FINDING_COLUMNS) per year and says what
removing them would save; :func:`citizen_burden` adds the citizen's side (trips, resubmissions,
waiting). Pure: frames in, small pandas frames out.

The model in modules: :mod:`~analyzer.cost_model.costing` (the user's choices and the
defaults), :mod:`~analyzer.cost_model.times` (minutes per activity),
:mod:`~analyzer.cost_model.annual` (cost per case and per year),
:mod:`~analyzer.cost_model.coverage` (which activities a cost rests on, and its basis),
:mod:`~analyzer.cost_model.cases_per_year`, :mod:`~analyzer.cost_model.burden_findings`,
:mod:`~analyzer.cost_model.citizen_side` and :mod:`~analyzer.cost_model.money` (cents and
rounding).
"""

from analyzer.cost_model.annual import annual_cost, annual_cost_parts, cost_per_case
from analyzer.cost_model.burden_findings import finding_costs
from analyzer.cost_model.cases_per_year import DAYS_PER_YEAR
from analyzer.cost_model.citizen_side import citizen_burden
from analyzer.cost_model.costing import (
    ActivityCosting,
    CasesPerYear,
    CostDefaults,
    LogStatistic,
    TimeSource,
)
from analyzer.cost_model.money import SECONDS_PER_HOUR, euros, round_cents
from analyzer.cost_model.times import activity_times
from analyzer.cost_tables import CostTables, load_cost_tables

__all__ = [
    "DAYS_PER_YEAR",
    "SECONDS_PER_HOUR",
    "ActivityCosting",
    "CasesPerYear",
    "CostDefaults",
    "CostTables",
    "LogStatistic",
    "TimeSource",
    "activity_times",
    "annual_cost",
    "annual_cost_parts",
    "citizen_burden",
    "cost_per_case",
    "euros",
    "finding_costs",
    "load_cost_tables",
    "round_cents",
]
