"""What each role sees of the overview: exact rows, counts and suppression on a tiny table."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from analyzer import schema
from app.web.tenancy import MUNICIPALITIES, overview_for
from connectors.users import Role, User

M, S = schema.MUNICIPALITY, schema.SERVICE


def day(d: int) -> pd.Timestamp:
    return pd.Timestamp(2026, 3, d, tz="UTC")


OVERVIEW = pd.DataFrame(
    {
        M: ["Adorf", "Adorf", "Bestadt", "Cehausen", "Cehausen"],
        S: ["Wohngeld", "Parken", "Wohngeld", "Wohngeld", "Parken"],
        "cases": [40, 7, 25, 30, 4],
        "events": [400, 21, 250, 300, 12],
        "activities": [9, 3, 8, 7, 2],
        "first": [day(1), day(2), day(3), day(4), day(5)],
        "last": [day(20), day(21), day(22), day(23), day(24)],
    }
)


def user(role: Role, municipality: str | None = None) -> User:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return User("x", role, municipality, now, now)


def test_a_municipality_sees_its_logs_and_the_others_summed_per_service() -> None:
    seen = overview_for(OVERVIEW, user(Role.MUNICIPALITY, "Adorf"), min_cases=10)
    rows = seen.rows
    assert rows[M].tolist() == ["Adorf", "Adorf", None]
    assert rows[S].tolist() == ["Parken", "Wohngeld", "Wohngeld"]
    assert rows["cases"].tolist() == [7, 40, 55]
    assert rows["events"].tolist() == [21, 400, 550]
    assert rows[MUNICIPALITIES].tolist() == [1, 1, 2]
    assert rows["first"].iloc[2] == day(3) and rows["last"].iloc[2] == day(23)
    assert pd.isna(rows["activities"].iloc[2])
    # Cehausen's 4 Parken cases are under k: no row, and not counted among the municipalities
    # beyond what the Wohngeld aggregate shows
    assert seen.suppressed == ("Parken",)
    assert seen.municipalities == 3
    assert "Bestadt" not in rows.to_string() and "Cehausen" not in rows.to_string()


def test_k_decides_what_is_suppressed() -> None:
    seen = overview_for(OVERVIEW, user(Role.MUNICIPALITY, "Adorf"), min_cases=60)
    assert seen.rows[M].tolist() == ["Adorf", "Adorf"]
    assert seen.suppressed == ("Parken", "Wohngeld") and seen.municipalities == 1


def test_group_and_admin_see_every_log_named() -> None:
    for role in (Role.GROUP, Role.ADMIN):
        seen = overview_for(OVERVIEW, user(role), min_cases=10)
        assert seen.rows[M].tolist() == ["Adorf", "Cehausen", "Adorf", "Bestadt", "Cehausen"]
        assert seen.rows["cases"].sum() == 106 and seen.municipalities == 3
        assert seen.suppressed == ()
