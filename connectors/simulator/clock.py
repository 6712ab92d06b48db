"""Office hours, public holidays and Berlin time, vectorised at minute resolution.

Times are int64 minutes since 1970-01-01 00:00 *local* (Europe/Berlin wall clock) until
they are written; :func:`utc_microseconds` converts them with the EU summer-time rule.
Minute resolution means a German export (``dd.mm.yyyy HH:MM``) loses nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

MINUTES_PER_DAY = 1440
OPENING = 7 * 60 + 30  # offices open 07:30
CLOSING = 16 * 60  # Monday to Thursday
CLOSING_FRIDAY = 13 * 60
CITIZEN_FROM = 6 * 60  # people file online between 06:00 and 23:00
CITIZEN_UNTIL = 23 * 60
_EPOCH = date(1970, 1, 1)
_YEARS = range(1990, 2101)


def local_minutes(day: date) -> int:
    """Minutes since the epoch (local) at 00:00 of ``day``."""
    return (day - _EPOCH).days * MINUTES_PER_DAY


def _easter(year: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher)
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _holidays() -> np.ndarray:
    """Nationwide public holidays (those every Land keeps), as day numbers."""
    days = []
    for y in _YEARS:
        e = _easter(y)
        for d in (
            date(y, 1, 1),  # Neujahr
            e - timedelta(days=2),  # Karfreitag
            e + timedelta(days=1),  # Ostermontag
            date(y, 5, 1),  # Tag der Arbeit
            e + timedelta(days=39),  # Christi Himmelfahrt
            e + timedelta(days=50),  # Pfingstmontag
            date(y, 10, 3),  # Tag der Deutschen Einheit
            date(y, 12, 25),
            date(y, 12, 26),
        ):
            days.append((d - _EPOCH).days)
    return np.array(sorted(days), dtype=np.int64)


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


HOLIDAYS = _holidays()
_FIRST_DAY = local_minutes(date(_YEARS[0], 1, 1)) // MINUTES_PER_DAY
_CLOSED_DAY = np.zeros(
    local_minutes(date(_YEARS[-1] + 1, 1, 1)) // MINUTES_PER_DAY - _FIRST_DAY + 7, dtype=bool
)
_CLOSED_DAY[HOLIDAYS - _FIRST_DAY] = True
_CLOSED_DAY[(np.arange(_CLOSED_DAY.size) + _FIRST_DAY + 3) % 7 >= 5] = True  # weekends
# Offset of Berlin time from UTC in minutes at noon of each day (summer time: from the last
# Sunday of March to the last Sunday of October, switching at 03:00 local time).
_NOON_OFFSET = np.full(_CLOSED_DAY.size, 60, dtype=np.int64)
_SWITCH_DAY = np.zeros(_CLOSED_DAY.size, dtype=bool)
for _y in _YEARS:
    _from = local_minutes(_last_sunday(_y, 3)) // MINUTES_PER_DAY - _FIRST_DAY
    _until = local_minutes(_last_sunday(_y, 10)) // MINUTES_PER_DAY - _FIRST_DAY
    _NOON_OFFSET[_from:_until] = 120
    _SWITCH_DAY[[_from, _until]] = True
_SWITCH_MINUTE = 180  # before 03:00 on a switch day the previous day's offset applies


def working_time(t: np.ndarray, jitter: np.ndarray) -> np.ndarray:
    """``t`` moved to the next office minute (Mon–Thu 07:30–16:00, Fri 07:30–13:00, no
    public holidays); a moved time lands ``jitter`` minutes after opening."""
    t = t.copy()
    for _ in range(10):  # at most five closed days in a row
        day = t // MINUTES_PER_DAY
        minute = t - day * MINUTES_PER_DAY
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        closing = np.where(weekday == 4, CLOSING_FRIDAY, CLOSING)
        closed = _CLOSED_DAY[day - _FIRST_DAY] | (minute >= closing)
        early = ~closed & (minute < OPENING)
        if not (closed.any() or early.any()):
            break
        t = np.where(early, day * MINUTES_PER_DAY + OPENING + jitter, t)
        t = np.where(closed, (day + 1) * MINUTES_PER_DAY + OPENING + jitter, t)
    return t


def waking_time(t: np.ndarray, jitter: np.ndarray) -> np.ndarray:
    """``t`` moved into 06:00–23:00 (when people use an online portal)."""
    day = t // MINUTES_PER_DAY
    minute = t - day * MINUTES_PER_DAY
    t = np.where(minute < CITIZEN_FROM, day * MINUTES_PER_DAY + CITIZEN_FROM + jitter, t)
    return np.where(minute >= CITIZEN_UNTIL, (day + 1) * MINUTES_PER_DAY + CITIZEN_FROM + jitter, t)


def utc_microseconds(local: np.ndarray) -> np.ndarray:
    """Local Berlin minutes as UTC microseconds since the epoch.

    Times in the autumn overlap (02:00–03:00 on the last Sunday of October) are read as
    summer time, the earlier instant, as ``connectors.timestamps`` reads them back.
    """
    day = local // MINUTES_PER_DAY - _FIRST_DAY
    before_switch = _SWITCH_DAY[day] & (
        local - (day + _FIRST_DAY) * MINUTES_PER_DAY < _SWITCH_MINUTE
    )
    offset = _NOON_OFFSET[day - before_switch]
    return (local - offset) * 60_000_000
