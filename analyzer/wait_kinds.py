"""Whose wait a long wait is: the office's, the citizen's, a statutory period's, another body's.

A case lying still is not always the office lying idle: after a request for documents it
waits for the applicant, after a decision is served a legal period runs (objection, payment,
publication), after a statement is asked of another authority that body has it. Each step
of a log may *open a turn* for one of them or *end the citizen's turn* (their own step).
Decided per step name, first rule that applies:

1. a periods file (:class:`Periods`, read by ``connectors.periods``): activities that start
   a statutory period (with its length in days), the citizen's turn or another body's turn,
   and activities that are the citizen's own steps; per service, over the file's general part;
2. the step lexicon (:mod:`analyzer.task_lexicon`): a request to the citizen opens their
   turn (:func:`~analyzer.task_lexicon.is_request_to_citizen`), a request addressed to a
   public body opens that body's turn, a step the citizen takes ends theirs
   (:func:`~analyzer.task_lexicon.is_citizen_step`);
3. anything else opens and ends nothing.

The kind of a wait follows from the last step that opened or ended a turn, up to the step
the wait starts at (see :mod:`analyzer.detectors.waiting` for the rule). :func:`waits_by_kind`
sums the long-wait findings up in days per kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import narwhals as nw
import pandas as pd

from analyzer import schema
from analyzer.findings_summary import CASES, MINUTES_PER_DAY
from analyzer.problems import InputError, Problem, Severity, problem
from analyzer.schema import WaitKind
from analyzer.task_lexicon import (
    REQUEST_PATTERNS,
    REQUEST_TO_AUTHORITY,
    REQUEST_TO_CITIZEN,
    _matcher,
    is_citizen_step,
    is_request_to_citizen,
    normalise,
)

WAITS = "waits"  # waits contributing days of the kind
DAYS = "days"
DAYS_PER_1000_CASES = "days_per_1000_cases"
MEDIAN_DAYS = "median_days"


class Role(IntEnum):
    """What a step does to whose turn it is (the codes the detector carries per event)."""

    NONE = 0
    STATUTORY = 1  # starts a legal period
    CITIZEN = 2  # starts the citizen's turn
    THIRD_PARTY = 3  # starts another body's turn
    CITIZEN_STEP = 4  # the citizen's own step: ends their turn (and a running period)


@dataclass(frozen=True)
class ServicePeriods:
    """Steps that start a period or a turn, by activity name (as the log writes it).

    ``statutory``: activity → days of the legal period it starts ("Bescheid zugestellt" → 42
    for a six-week objection period); ``citizen_starts``: steps after which the office waits
    for the applicant (a hearing letter, a payment request); ``citizen_steps``: the
    applicant's own steps, ending their turn; ``third_party_starts``: steps after which
    another body has the case (an appeal sent to a court).
    """

    statutory: Mapping[str, float] = field(default_factory=dict)
    citizen_starts: frozenset[str] = frozenset()
    citizen_steps: frozenset[str] = frozenset()
    third_party_starts: frozenset[str] = frozenset()

    def over(self, general: ServicePeriods) -> ServicePeriods:
        """These periods added to ``general`` (a service's own period length wins)."""
        return ServicePeriods(
            statutory={**general.statutory, **self.statutory},
            citizen_starts=general.citizen_starts | self.citizen_starts,
            citizen_steps=general.citizen_steps | self.citizen_steps,
            third_party_starts=general.third_party_starts | self.third_party_starts,
        )

    def activities(self) -> set[str]:
        return {
            *self.statutory,
            *self.citizen_starts,
            *self.citizen_steps,
            *self.third_party_starts,
        }


@dataclass(frozen=True)
class Periods:
    """A periods file: ``all_services`` for every log, ``services`` per SERVICE over it."""

    all_services: ServicePeriods = field(default_factory=ServicePeriods)
    services: Mapping[str, ServicePeriods] = field(default_factory=dict)
    source: str | None = None

    def for_service(self, service: str | None) -> ServicePeriods:
        own = self.services.get(service) if service is not None else None
        return own.over(self.all_services) if own is not None else self.all_services


# the lexicon's own lists, not copies: a request verb, a public body, the citizen
_REQUEST = _matcher(REQUEST_PATTERNS)
_TO_AUTHORITY = _matcher(REQUEST_TO_AUTHORITY)
_TO_CITIZEN = _matcher(REQUEST_TO_CITIZEN)


def is_request_to_authority(name: str | None) -> bool:
    """Whether a step name asks another public body for something: a request verb and a body
    or a statement ("Stellungnahme des Gesundheitsamts angefordert"), not the citizen."""
    text = normalise(name)
    return bool(
        _REQUEST.search(text) and _TO_AUTHORITY.search(text) and not _TO_CITIZEN.search(text)
    )


def step_role(name: str | None, periods: ServicePeriods) -> tuple[Role, float | None]:
    """The role of a step named ``name`` and, for a statutory period, its days (see the
    module docstring: the periods file first, then the lexicon)."""
    if name is None:
        return Role.NONE, None
    if name in periods.statutory:
        return Role.STATUTORY, float(periods.statutory[name])
    if name in periods.citizen_starts:
        return Role.CITIZEN, None
    if name in periods.third_party_starts:
        return Role.THIRD_PARTY, None
    if name in periods.citizen_steps:
        return Role.CITIZEN_STEP, None
    if is_request_to_citizen(name):
        return Role.CITIZEN, None
    if is_request_to_authority(name):
        return Role.THIRD_PARTY, None
    if is_citizen_step(name):
        return Role.CITIZEN_STEP, None
    return Role.NONE, None


def checked_periods(periods: Periods) -> Periods:
    """``periods`` if every period is longer than 0 days, else InputError."""
    problems = [
        problem(
            "periods.days_not_positive",
            f"die Frist nach „{name}“ muss länger als 0 Tage sein",
            f"the period after '{name}' must be longer than 0 days",
            file=periods.source,
            column=name,
            value=days,
        )
        for part in (periods.all_services, *periods.services.values())
        for name, days in part.statutory.items()
        if not days > 0
    ]
    if problems:
        raise InputError(problems)
    return periods


def roles_by_step(
    pairs: Iterable[tuple[str | None, str | None]], periods: Periods
) -> dict[tuple[Role, float | None], list[tuple[str | None, str]]]:
    """The (service, activity) pairs of a log grouped by their role and period (pairs
    whose role is NONE left out)."""
    grouped: dict[tuple[Role, float | None], list[tuple[str | None, str]]] = {}
    for service, activity in pairs:
        if activity is None:
            continue
        role = step_role(activity, periods.for_service(service))
        if role[0] is not Role.NONE:
            grouped.setdefault(role, []).append((service, activity))
    return grouped


def role_columns(
    grouped: Mapping[tuple[Role, float | None], list[tuple[str | None, str]]],
    *,
    by_service: bool,
) -> tuple[nw.Expr, nw.Expr]:
    """Expressions of each event's role code (Int64) and period days (Float64, null where
    none) from :func:`roles_by_step`; by (SERVICE, ACTIVITY) where ``by_service``."""
    c = nw.col
    activity = c(schema.ACTIVITY)
    role = nw.lit(int(Role.NONE), nw.Int64())
    days = nw.lit(None, nw.Float64())
    for (kind, length), pairs in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if by_service:
            matches = None
            services: dict[str | None, list[str]] = {}
            for service, name in pairs:
                services.setdefault(service, []).append(name)
            for service, names in sorted(services.items(), key=lambda kv: str(kv[0])):
                is_service = (
                    c(schema.SERVICE).is_null()
                    if service is None
                    else (c(schema.SERVICE) == service).fill_null(False)
                )
                one = is_service & activity.is_in(sorted(names))
                matches = one if matches is None else matches | one
        else:
            matches = activity.is_in(sorted({name for _, name in pairs}))
        role = nw.when(matches).then(nw.lit(int(kind), nw.Int64())).otherwise(role)
        if length is not None:
            days = nw.when(matches).then(nw.lit(length, nw.Float64())).otherwise(days)
    return role, days


def absent_activity_notes(periods: Periods, activities: Iterable[str | None]) -> list[Problem]:
    """A warning for each activity the periods file names that the log does not have (a
    misspelt name would silently decide nothing), with the closest label of the log."""
    present = sorted({str(a) for a in activities if a is not None})
    named = set(periods.all_services.activities())
    for part in periods.services.values():
        named |= part.activities()
    notes = []
    for name in sorted(named - set(present)):
        close = difflib.get_close_matches(name, present, n=1, cutoff=0.6)
        hint_de = f"; meinten Sie „{close[0]}“?" if close else ""
        hint_en = f"; did you mean '{close[0]}'?" if close else ""
        notes.append(
            problem(
                "periods.activity_not_in_log",
                f"die Fristen-Datei nennt „{name}“, das kommt im Protokoll nicht vor{hint_de}",
                f"the periods file names '{name}', which the log does not have{hint_en}",
                file=periods.source,
                value=name,
                severity=Severity.WARNING,
            )
        )
    return notes


def waits_by_kind(findings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Long waits in days per kind: one row per municipality, service (as ``cases`` has
    them) and :class:`~analyzer.schema.WaitKind`, every kind in every log.

    ``cases``: MUNICIPALITY, SERVICE where present and ``cases``. A wait's days go to its
    kind, except that the office's part of a statutory wait (the days after the period,
    FINDING_MINUTES_LOST) goes to ``office``. Columns: the keys, FINDING_WAIT_KIND,
    ``cases``, ``waits`` (waits contributing days to the kind), ``days``,
    ``days_per_1000_cases`` and ``median_days`` (median of the contributions; missing
    where there are none). Days are calendar days a case lay still: never working time.
    """
    keys = [k for k in (schema.MUNICIPALITY, schema.SERVICE) if k in cases.columns]
    waits = findings[findings[schema.FINDING_WAIT_KIND].notna()]
    kind = waits[schema.FINDING_WAIT_KIND].astype(str)
    whole = pd.to_numeric(waits[schema.FINDING_WAIT_DAYS]).astype("float64")
    office = waits[schema.FINDING_MINUTES_LOST].astype("float64") / MINUTES_PER_DAY
    base = {k: waits[k].astype(object).to_numpy() for k in keys}
    statutory = kind == WaitKind.STATUTORY
    parts = pd.concat(
        [
            pd.DataFrame(
                {
                    **base,
                    "__kind": kind.to_numpy(),
                    "__days": (whole - office.where(statutory, 0.0)),
                }
            ),
            pd.DataFrame(
                {**base, "__kind": str(WaitKind.OFFICE), "__days": office.where(statutory, 0.0)}
            ),
        ],
        ignore_index=True,
    )
    parts = parts[parts["__days"] > 0]
    counted = (
        parts.groupby([*keys, "__kind"], dropna=False)["__days"]
        .agg(["size", "sum", "median"])
        .reset_index()
        .rename(columns={"__kind": schema.FINDING_WAIT_KIND, "size": WAITS, "sum": DAYS})
        .rename(columns={"median": MEDIAN_DAYS})
    )
    grid = cases[[*keys, CASES]].merge(
        pd.DataFrame({schema.FINDING_WAIT_KIND: [str(k) for k in WaitKind]}), how="cross"
    )
    for k in keys:
        grid[k] = grid[k].astype(object)
        counted[k] = counted[k].astype(object)
    out = grid.merge(counted, on=[*keys, schema.FINDING_WAIT_KIND], how="left")
    out[WAITS] = out[WAITS].fillna(0).astype("int64")
    out[DAYS] = out[DAYS].fillna(0.0).astype("float64")
    total = out[CASES].astype("float64")
    out[DAYS_PER_1000_CASES] = (out[DAYS] / total * 1000.0).where(total > 0, 0.0)
    order = [*keys, schema.FINDING_WAIT_KIND, CASES, WAITS, DAYS, DAYS_PER_1000_CASES, MEDIAN_DAYS]
    return out[order].reset_index(drop=True)
