"""Whose wait a long wait is: the office's, the citizen's, a statutory period's, another body's
(issue 17.3); the excess over a declared period is the office's; days per kind summed up."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer import schema as F
from analyzer.detectors import NOTES, detect_long_waits, run_detectors
from analyzer.findings_summary import CASES
from analyzer.wait_kinds import (
    DAYS,
    DAYS_PER_1000_CASES,
    MEDIAN_DAYS,
    WAITS,
    Periods,
    ServicePeriods,
    waits_by_kind,
)
from tests.tiny_logs import make_log, on, rows_of

DAY = 24 * 60
COLUMNS = [F.CASE, F.ACTIVITY, "minutes"]

OFFICE = [("o", "Antrag eingegangen", 0), ("o", "Antrag geprüft", 40 * DAY)]
# the office asks the applicant for papers: their turn until they hand something in,
# a reminder in between does not end it; after their step the office has the case again
CITIZEN = [
    ("c", "Antrag eingegangen", 0),
    ("c", "Unterlagen beim Antragsteller nachgefordert", 1 * DAY),
    ("c", "Erinnerung versandt", 50 * DAY),  # 49 days: the citizen's
    ("c", "Nachweise eingereicht", 63 * DAY),  # 13 days: below the threshold
    ("c", "Bescheid erstellt", 100 * DAY),  # 37 days: the office's again
]
# a statement of another authority: its time, not the office's
THIRD = [
    ("t", "Stellungnahme des Gesundheitsamts angefordert", 0),
    ("t", "Stellungnahme eingegangen", 45 * DAY),
]
# a decision sent starts the six-week objection period (declared in a periods file)
STATUTORY = [
    ("s", "Bescheid zugestellt", 0),
    ("s", "Bestandskraft vermerkt", 76 * DAY),  # 42 days and the last day, then 33
    ("w", "Bescheid zugestellt", 0),
    ("w", "Widerspruch eingelegt", 35 * DAY),  # within the period
]
LOG = make_log(COLUMNS, OFFICE + CITIZEN + THIRD + STATUTORY)
OBJECTION = Periods(ServicePeriods(statutory={"Bescheid zugestellt": 42}))

SHOWN = (F.CASE, F.EVENT_ID, F.FINDING_WAIT_KIND, F.FINDING_MINUTES_LOST)


def kinds(found: pd.DataFrame) -> list[tuple]:
    rows = rows_of(found, *SHOWN, F.FINDING_WAIT_DAYS)
    return [(*r[:-1], float(r[-1])) for r in rows]


def test_every_long_wait_says_whose_wait_it_is(backend):
    found = detect_long_waits(on(LOG, backend), periods=OBJECTION)
    assert kinds(found) == [
        ("c", "e5", "citizen", 0.0, 49.0),
        ("c", "e7", "office", 37.0 * DAY, 37.0),
        ("o", "e2", "office", 40.0 * DAY, 40.0),
        ("s", "e11", "statutory", 33.0 * DAY, 76.0),
        ("t", "e9", "third_party", 0.0, 45.0),
        ("w", "e13", "statutory", 0.0, 35.0),
    ]
    evidence = dict(zip(found[F.EVENT_ID], found[F.FINDING_EVIDENCE], strict=True))
    evidence_en = dict(zip(found[F.EVENT_ID], found[F.FINDING_EVIDENCE_EN], strict=True))
    assert evidence["e5"] == (
        "49 Tage Wartezeit auf den Antragsteller nach „Unterlagen beim Antragsteller "
        "nachgefordert“, bis „Erinnerung versandt“ (Schwelle 30 Tage)."
    )
    assert evidence_en["e5"] == (
        "49 days waiting for the applicant after 'Unterlagen beim Antragsteller "
        "nachgefordert', until 'Erinnerung versandt' (threshold 30 days)."
    )
    assert evidence["e2"] == (
        "Der Vorgang lag 40 Tage bei der Verwaltung zwischen „Antrag eingegangen“ und "
        "„Antrag geprüft“ (Schwelle 30 Tage)."
    )
    assert evidence["e9"] == (
        "45 Tage Wartezeit auf eine andere Stelle nach „Stellungnahme des Gesundheitsamts "
        "angefordert“, bis „Stellungnahme eingegangen“ (Schwelle 30 Tage)."
    )
    assert evidence["e13"] == (
        "35 Tage Wartezeit in der gesetzlichen Frist von 42 Tagen nach „Bescheid zugestellt“, "
        "bis „Widerspruch eingelegt“ (Schwelle 30 Tage)."
    )
    assert evidence_en["e13"] == (
        "35 days waiting within the statutory period of 42 days after 'Bescheid zugestellt', "
        "until 'Widerspruch eingelegt' (threshold 30 days)."
    )


def test_a_wait_beyond_a_declared_period_is_the_office_s_after_it(backend):
    found = detect_long_waits(on(make_log(COLUMNS, STATUTORY), backend), periods=OBJECTION)
    first = found.iloc[0]
    assert first[F.FINDING_MINUTES_LOST] == 33.0 * DAY
    assert first[F.FINDING_SEVERITY] == "low"  # the office's 33 days, not the whole 76
    assert first[F.FINDING_EVIDENCE] == (
        "76 Tage Wartezeit nach „Bescheid zugestellt“, bis „Bestandskraft vermerkt“: gesetzliche "
        "Frist von 42 Tagen, danach 33 Tage bei der Verwaltung (Schwelle 30 Tage)."
    )
    assert first[F.FINDING_EVIDENCE_EN] == (
        "76 days waiting after 'Bescheid zugestellt', until 'Bestandskraft vermerkt': statutory "
        "period of 42 days, then 33 days with the office (threshold 30 days)."
    )


def test_without_periods_a_decision_is_followed_by_office_time(backend):
    found = detect_long_waits(on(make_log(COLUMNS, STATUTORY), backend))
    # "Widerspruch eingelegt" is the citizen's own step: the case waited for them
    assert rows_of(found, F.EVENT_ID, F.FINDING_WAIT_KIND, F.FINDING_MINUTES_LOST) == [
        ("e2", "office", 76.0 * DAY),
        ("e4", "citizen", 0.0),
    ]


def test_the_periods_file_comes_before_the_lexicon(backend):
    log = make_log(
        COLUMNS,
        [
            ("g", "Gebührenbescheid versandt", 0),
            ("g", "Gebühr bezahlt", 32 * DAY),  # the citizen's step: their wait by the words
            ("h", "Anhörungsschreiben versandt", 0),
            ("h", "Akte vorgelegt", 40 * DAY),  # the hearing is declared the citizen's turn
            ("k", "Akte an Landgericht", 0),
            ("k", "Urteil eingegangen", 50 * DAY),  # declared another body's
        ],
    )
    declared = Periods(
        ServicePeriods(
            statutory={"Gebührenbescheid versandt": 30},
            citizen_starts=frozenset({"Anhörungsschreiben versandt"}),
            third_party_starts=frozenset({"Akte an Landgericht"}),
        )
    )
    found = detect_long_waits(on(log, backend), periods=declared)
    assert rows_of(found, F.CASE, F.FINDING_WAIT_KIND, F.FINDING_MINUTES_LOST) == [
        ("g", "statutory", 1.0 * DAY),
        ("h", "citizen", 0.0),
        ("k", "third_party", 0.0),
    ]
    plain = detect_long_waits(on(log, backend))
    assert rows_of(plain, F.CASE, F.FINDING_WAIT_KIND) == [
        ("g", "citizen"),
        ("h", "office"),
        ("k", "office"),
    ]


def test_periods_per_service_and_activities_the_log_lacks(backend):
    log = make_log(
        [F.SERVICE, *COLUMNS],
        [
            ("Wohngeld", "a", "Bescheid versandt", 0),
            ("Wohngeld", "a", "Akte geschlossen", 40 * DAY),
            ("Gewerbe", "b", "Bescheid versandt", 0),
            ("Gewerbe", "b", "Akte geschlossen", 40 * DAY),
        ],
    )
    declared = Periods(
        ServicePeriods(citizen_starts=frozenset({"Anhoerung versandt"})),
        services={"Wohngeld": ServicePeriods(statutory={"Bescheid versandt": 30})},
    )
    found = detect_long_waits(on(log, backend), periods=declared)
    assert rows_of(found, F.SERVICE, F.FINDING_WAIT_KIND, F.FINDING_MINUTES_LOST) == [
        ("Gewerbe", "office", 40.0 * DAY),
        ("Wohngeld", "statutory", 9.0 * DAY),
    ]
    [note] = found.attrs[NOTES]
    assert note.code == "periods.activity_not_in_log"
    assert note.value == "Anhoerung versandt"
    assert "kommt im Protokoll nicht vor" in note.de


def test_days_per_kind_per_1000_cases_and_median():
    found = run_detectors(LOG, names=["long_waits"], options={"long_waits": {"periods": OBJECTION}})
    cases = pd.DataFrame({CASES: [5]})
    table = waits_by_kind(found, cases)
    assert rows_of(table, F.FINDING_WAIT_KIND, CASES, WAITS, DAYS, MEDIAN_DAYS) == [
        # 40 + 37 days, and the 33 days after the objection period
        ("office", 5, 3, 110.0, 37.0),
        ("citizen", 5, 1, 49.0, 49.0),
        ("statutory", 5, 2, 78.0, 39.0),  # 43 + 35 days
        ("third_party", 5, 1, 45.0, 45.0),
    ]
    assert table[DAYS_PER_1000_CASES].tolist() == [22000.0, 9800.0, 15600.0, 9000.0]


def test_days_per_kind_per_municipality_with_zeros():
    log = make_log(
        [F.MUNICIPALITY, *COLUMNS],
        [("A-Stadt", *OFFICE[0]), ("A-Stadt", *OFFICE[1]), ("B-Dorf", "x", "Antrag", 0)],
    )
    found = detect_long_waits(log)
    cases = pd.DataFrame({F.MUNICIPALITY: ["A-Stadt", "B-Dorf"], CASES: [1, 1]})
    table = waits_by_kind(found, cases)
    office = table[table[F.FINDING_WAIT_KIND] == "office"]
    assert rows_of(office, F.MUNICIPALITY, WAITS, DAYS, MEDIAN_DAYS) == [
        ("A-Stadt", 1, 40.0, 40.0),
        ("B-Dorf", 0, 0.0, None),
    ]
    assert len(table) == 8


def test_a_period_must_be_positive():
    from analyzer.problems import InputError

    with pytest.raises(InputError) as caught:
        detect_long_waits(LOG, periods=Periods(ServicePeriods(statutory={"Bescheid": 0})))
    assert caught.value.problems[0].code == "periods.days_not_positive"
