"""Throughput of closed cases only, and counted once in the ranking (issue 17.1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl

from analyzer import engine, schema
from analyzer.comparison import rank_within_peers
from analyzer.throughput import throughput_days

UTC = dt.UTC


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 8, day, 9, tzinfo=UTC)


def log(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                schema.MUNICIPALITY: "Talheim",
                schema.SERVICE: "Hundesteuer",
                schema.CASE: case,
                schema.ACTIVITY: activity,
                schema.TIMESTAMP: at(day),
            }
            for case, activity, day in rows
        ]
    )


# t1 (2 days) and t2 (4 days) end with "Steuerbescheid versandt"; t3 (10 days so far) is
# still waiting for documents when the log was taken; t4 (1 day) ends with "Abmeldung".
ROWS = [
    ("t1", "Anmeldung", 1),
    ("t1", "Steuerbescheid versandt", 3),
    ("t2", "Anmeldung", 1),
    ("t2", "Steuerbescheid versandt", 5),
    ("t3", "Anmeldung", 1),
    ("t3", "Unterlagen nachgefordert", 11),
    ("t4", "Anmeldung", 2),
    ("t4", "Abmeldung", 3),
]


def test_open_cases_are_left_out_of_throughput(backend):
    """With the end activities given, t3 is open: median of 1, 2, 4 days = 2 (before: of
    1, 2, 4, 10 = 3)."""
    out = throughput_days(
        engine.on_backend(log(ROWS), backend),
        end_activities={"Hundesteuer": ["Steuerbescheid versandt", "Abmeldung"]},
    )
    row = out.iloc[0]
    assert (row["cases"], row["open_cases"]) == (4, 1)
    assert row["median_days"] == 2.0
    everything = throughput_days(
        engine.on_backend(log(ROWS), backend),
        end_activities=["Steuerbescheid versandt", "Abmeldung"],
        include_open=True,
    )
    assert everything.iloc[0]["median_days"] == 3.0
    assert everything.iloc[0]["open_cases"] == 1


def test_without_end_activities_the_usual_last_steps_close_a_case():
    """Default: an activity ends cases where it is the last step of at least 25 % of the
    group's cases. 8 cases: 6 end with the decision, 1 with a withdrawal, 1 waits for
    documents (1/8 < 25 % each): those two are open unless named as end activities."""
    rows = [*ROWS]
    for i in range(5, 9):
        rows += [(f"t{i}", "Anmeldung", 1), (f"t{i}", "Steuerbescheid versandt", 2)]
    out = throughput_days(log(rows), end_share=0.25).iloc[0]
    assert (out["cases"], out["open_cases"]) == (8, 2)
    assert out["median_days"] == 1.0  # 2, 4 and four of 1 day


def test_throughput_counts_once_in_the_ranking():
    kpis = pd.DataFrame(
        {
            schema.MUNICIPALITY: ["A", "B"],
            schema.KPI_THROUGHPUT_MEDIAN_DAYS: [1.0, 2.0],
            schema.KPI_THROUGHPUT_P90_DAYS: [5.0, 3.0],
            schema.KPI_PEER_GROUP: "alle",
        }
    )
    ranked = set(rank_within_peers(kpis)[schema.RANK_KPI])
    assert ranked == {schema.KPI_THROUGHPUT_MEDIAN_DAYS}
