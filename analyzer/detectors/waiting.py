"""Long waits (Liegezeiten): a case lies still between two steps for longer than a threshold,
and whose wait that is.

Rule (``wait_above_threshold``): the wait before an event is the time from the previous
event's TIMESTAMP (its completion) to this event's START_TIMESTAMP where the log has one for
it, else to this event's TIMESTAMP; a finding is every event whose wait exceeds
``threshold`` (default 30 days: a month without progress). The first event of a case has no
wait; overlapping events (start before the previous completion) wait 0.
Anchor: the event that ends the wait. Evidence events: the previous event, then the anchor.

Whose wait (FINDING_WAIT_KIND, a :class:`~analyzer.schema.WaitKind`): each step may open a
turn or end the citizen's (:mod:`analyzer.wait_kinds`: the ``periods`` file first, then the
step lexicon). The last step up to the wait's start that opened or ended a turn decides:

* it started a **statutory** period of *d* days: the part of the wait until the period ends
  (with the end of its last day: *d* + 1 days after that step's date, see ``_with_kinds``)
  is the period's, the rest the office's (a wait longer than the period
  counts its excess as office time, and says so); a wait wholly after the period is decided
  as if no period had run;
* it started the **citizen**'s turn (a request for documents, a hearing, a payment
  request): the wait is the citizen's, until their own next step;
* it started a **third party**'s turn (a statement asked of another authority) and is the
  step the wait starts at: the wait is that body's;
* otherwise the wait is the **citizen**'s if it ends with the citizen's own step (a payment,
  papers handed in), else the **office**'s.

Columns: CASE, ACTIVITY, TIMESTAMP; START_TIMESTAMP optional; SERVICE (for periods per
service), MUNICIPALITY, ORG_UNIT, LEVEL copied where present.

Minutes lost: the office's part of the wait in minutes (calendar time the case lay idle with
the administration, never working time: the cost model reports it in days); 0 for the
citizen's and another body's waits. FINDING_WAIT_DAYS holds the whole wait in days.
Severity, from the office's part: high from 4× the threshold, medium from 2×, else low.
"""

from __future__ import annotations

from datetime import timedelta

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.detectors.base import (
    Severity,
    collect_findings,
    duration_words,
    id_list,
    lazy_findings,
    minutes_text_de,
    minutes_text_en,
    number_text,
    with_notes,
    words,
)
from analyzer.problems import InputError, problem
from analyzer.schema import Burden, WaitKind
from analyzer.wait_kinds import (
    Periods,
    Role,
    absent_activity_notes,
    checked_periods,
    role_columns,
    roles_by_step,
)

DETECTOR = "long_waits"
RULE = "wait_above_threshold"
DEFAULT_THRESHOLD = timedelta(days=30)

_ROLE = "wait:role"
_DAYS = "wait:period_days"
_MARK = "wait:mark"  # SEQUENCE of the last step that opened or ended a turn
_MARK_BEFORE = "wait:mark_before"  # ... up to the previous event (the wait's start)
_OPENER = {c: "wait:opener_" + c for c in (_ROLE, _DAYS, schema.TIMESTAMP, schema.ACTIVITY)}
_OPENER_ID = "wait:opener_id"
_KIND = schema.FINDING_WAIT_KIND
_STATUTORY_SECONDS = "wait:statutory_seconds"
_OFFICE_SECONDS = "wait:office_seconds"
SECONDS_PER_DAY = 86400.0


def detect_long_waits(
    frame: engine.FrameLike,
    *,
    threshold: timedelta = DEFAULT_THRESHOLD,
    periods: Periods | None = None,
) -> pd.DataFrame:
    """Waits longer than ``threshold`` in ``frame``, each with whose wait it is, as a
    findings table (see module docstring); ``periods``: a periods file
    (``connectors.periods.read_periods``)."""
    if threshold <= timedelta(0):
        raise InputError(
            [
                problem(
                    "option.threshold",
                    "die Schwelle für lange Liegezeiten muss positiv sein",
                    "the long-wait threshold must be positive",
                    value=threshold,
                )
            ]
        )
    periods = checked_periods(periods or Periods())
    lf = steps.prepare(frame)
    c = nw.col
    p = steps.prev_name
    by_service = schema.SERVICE in lf.collect_schema().names()
    pairs_columns = [schema.SERVICE, schema.ACTIVITY] if by_service else [schema.ACTIVITY]
    pairs = lf.select(c(k).cast(nw.String()) for k in pairs_columns).unique().collect()
    activities = list(pairs[schema.ACTIVITY].to_list())
    services = list(pairs[schema.SERVICE].to_list()) if by_service else [None] * len(activities)
    role, days = role_columns(
        roles_by_step(zip(services, activities, strict=True), periods),
        by_service=by_service and bool(periods.services),
    )
    marked = steps.with_waits(lf).with_columns(role.alias(_ROLE), days.alias(_DAYS))
    # the first event of a case is a mark too, so the last mark is always in the same case
    is_mark = c(p(schema.EVENT_ID)).is_null() | (c(_ROLE) != int(Role.NONE))
    marked = marked.with_columns(
        nw.when(is_mark)
        .then(c(steps.SEQUENCE).cast(nw.Int64()))
        .otherwise(nw.lit(-1, nw.Int64()))
        .cum_max()
        .over(order_by=steps.SEQUENCE)
        .alias(_MARK)
    )
    marked = steps.shifted(marked, {_MARK: _MARK_BEFORE})
    waits = marked.filter(c(steps.WAIT_SECONDS) > threshold.total_seconds())
    waits = steps.with_event_columns(
        waits, marked, at=_MARK_BEFORE, columns={**_OPENER, schema.EVENT_ID: _OPENER_ID}
    )
    waits = _with_kinds(waits)

    office = c(_OFFICE_SECONDS) / 60.0
    limit = threshold.total_seconds() / 60.0
    severity = (
        nw.when(office >= 4 * limit)
        .then(nw.lit(Severity.HIGH.value))
        .when(office >= 2 * limit)
        .then(nw.lit(Severity.MEDIUM.value))
        .otherwise(nw.lit(Severity.LOW.value))
    )
    found = collect_findings(
        lazy_findings(
            waits.with_columns(_days(c(steps.WAIT_SECONDS)).alias(schema.FINDING_WAIT_DAYS)),
            detector=DETECTOR,
            burden=Burden.LONG_WAIT,
            rule=RULE,
            severity=severity,
            minutes_lost=office,
            evidence_de=_evidence("de", limit),
            evidence_en=_evidence("en", limit),
            event_ids=id_list(c(p(schema.EVENT_ID)), c(schema.EVENT_ID)),
        )
    )
    return with_notes(found, absent_activity_notes(periods, activities))


def _days(seconds: nw.Expr) -> nw.Expr:
    """``seconds`` as days (a float: one IEEE division, the same on every backend; rounding
    is left to whoever prints it, since backends round halves differently)."""
    return seconds / SECONDS_PER_DAY


def _with_kinds(waits: nw.LazyFrame) -> nw.LazyFrame:
    """``waits`` with FINDING_WAIT_KIND and the statutory and office seconds of each wait."""
    c = nw.col
    p = steps.prev_name
    wait = c(steps.WAIT_SECONDS)
    opener = c(_OPENER[_ROLE])
    # time of the period left when the wait starts. A period of d days ends with the end of
    # its last day, the day of the opening step not counted (§ 187 Abs. 1, § 188 Abs. 1 BGB):
    # d + 1 days after the opening step's date; exact for logs of dates, at most a day long
    # for logs of times (and no daylight-saving hour turns into office time)
    since = steps.seconds_between(_OPENER[schema.TIMESTAMP], p(schema.TIMESTAMP))
    left = (c(_OPENER[_DAYS]) + 1) * SECONDS_PER_DAY - since
    statutory = (
        nw.when(opener != int(Role.STATUTORY))
        .then(nw.lit(0.0))
        .when(left <= 0)
        .then(nw.lit(0.0))
        .when(left >= wait)
        .then(wait)
        .otherwise(left)
    )
    kind = (
        nw.when(c(_STATUTORY_SECONDS) > 0)
        .then(nw.lit(str(WaitKind.STATUTORY)))
        .when(opener == int(Role.CITIZEN))
        .then(nw.lit(str(WaitKind.CITIZEN)))
        .when((opener == int(Role.THIRD_PARTY)) & (c(_OPENER_ID) == c(p(schema.EVENT_ID))))
        .then(nw.lit(str(WaitKind.THIRD_PARTY)))
        .when(c(_ROLE) == int(Role.CITIZEN_STEP))
        .then(nw.lit(str(WaitKind.CITIZEN)))
        .otherwise(nw.lit(str(WaitKind.OFFICE)))
    )
    office = (
        nw.when(c(_KIND) == str(WaitKind.OFFICE))
        .then(wait)
        .when(c(_KIND) == str(WaitKind.STATUTORY))
        .then(wait - c(_STATUTORY_SECONDS))
        .otherwise(nw.lit(0.0))
    )
    return (
        waits.with_columns(statutory.alias(_STATUTORY_SECONDS))
        .with_columns(kind.alias(_KIND))
        .with_columns(office.alias(_OFFICE_SECONDS))
    )


def _evidence(language: str, limit: float) -> nw.Expr:
    """The evidence sentence in ``language``, saying whose wait it is."""
    c = nw.col
    de = language == "de"
    q = ("„", "“") if de else ("'", "'")
    minutes = c(steps.WAIT_SECONDS) / 60.0
    whole = duration_words(minutes, language)
    before, after = c(steps.prev_name(schema.ACTIVITY)), c(schema.ACTIVITY)
    # the step that opened the turn; the step before the wait where none did
    opened = nw.when(c(_OPENER[_ROLE]) == int(Role.NONE)).then(before.cast(nw.String()))
    opened = opened.when(c(_OPENER[_ROLE]) == int(Role.CITIZEN_STEP)).then(before.cast(nw.String()))
    opener = opened.otherwise(c(_OPENER[schema.ACTIVITY]).cast(nw.String()))
    end = (
        f" (Schwelle {minutes_text_de(limit)})."
        if de
        else f" (threshold {minutes_text_en(limit)})."
    )
    office = words(
        *(
            ("Der Vorgang lag ", whole, " bei der Verwaltung zwischen „")
            if de
            else ("The case lay with the office for ", whole, " between '")
        ),
        before,
        "“ und „" if de else "' and '",
        after,
        q[1] + end,
    )
    turn = {
        WaitKind.CITIZEN: " Wartezeit auf den Antragsteller nach "
        if de
        else " waiting for the applicant after ",
        WaitKind.THIRD_PARTY: " Wartezeit auf eine andere Stelle nach "
        if de
        else " waiting for another body after ",
    }
    until = ", bis " if de else ", until "
    period_days = number_text(c(_OPENER[_DAYS]), comma=de)
    within = words(
        whole,
        " Wartezeit in der gesetzlichen Frist von "
        if de
        else " waiting within the statutory period of ",
        period_days,
        " Tagen nach " if de else " days after ",
        q[0],
        opener,
        q[1] + until + q[0],
        after,
        q[1] + end,
    )
    excess = words(
        whole,
        " Wartezeit nach " if de else " waiting after ",
        q[0],
        opener,
        q[1] + until + q[0],
        after,
        q[1] + (": gesetzliche Frist von " if de else ": statutory period of "),
        period_days,
        " Tagen, danach " if de else " days, then ",
        duration_words(c(_OFFICE_SECONDS) / 60.0, language),
        (" bei der Verwaltung" if de else " with the office") + end,
    )
    sentence = nw.when(c(_KIND) == str(WaitKind.OFFICE)).then(office)
    for kind, text in turn.items():
        sentence = sentence.when(c(_KIND) == str(kind)).then(
            words(whole, text, q[0], opener, q[1] + until + q[0], after, q[1] + end)
        )
    return sentence.when(c(_OFFICE_SECONDS) > 0).then(excess).otherwise(within)
