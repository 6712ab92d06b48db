"""What the pages show of the stored results, on tiny hand-made tables: the headline burden
per log, what a municipality's user sees of the others, how peers are named, whose case-level
data a request may read, and the demo analysed so its pages have results."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analyzer import schema
from app.web.tenancy import (
    EUROS_PER_YEAR,
    HOURS_PER_YEAR,
    MUNICIPALITIES,
    burden_headline,
    case_municipality,
    headline_for,
    peer_names,
)
from connectors.users import Role, User

M, S = schema.MUNICIPALITY, schema.SERVICE
MB, RE, DU = (
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
)

KPIS = pd.DataFrame(
    {
        M: ["Adorf", "Bestadt", "Cehausen", "Adorf"],
        S: ["Wohngeld", "Wohngeld", "Wohngeld", "Parken"],
        schema.KPI_CASES: [20, 30, 10, 4],
        MB: [100.0, 200.0, 500.0, 250.0],
        RE: [0.0, 1000.0, 0.0, 0.0],
        DU: [50.0, 0.0, 100.0, 0.0],
    }
)
# two burden kinds priced for Adorf's Wohngeld, none for Cehausen, one unpriced for Bestadt
BURDEN_COSTS = pd.DataFrame(
    {
        M: ["Adorf", "Adorf", "Bestadt", "Bestadt"],
        S: ["Wohngeld"] * 4,
        schema.FINDING_BURDEN: ["media_break", "rework", "media_break", "rework"],
        HOURS_PER_YEAR: [Decimal("1.50"), Decimal("2.25"), Decimal("4.00"), None],
        EUROS_PER_YEAR: [Decimal("60.00"), Decimal("90.00"), Decimal("160.00"), None],
    }
)


def user(role: Role, municipality: str | None = None) -> User:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return User("x", role, municipality, now, now)


def test_the_headline_sums_the_burden_costs_of_each_log() -> None:
    rows = burden_headline(KPIS, BURDEN_COSTS).set_index([M, S])
    assert rows.loc[("Adorf", "Wohngeld"), HOURS_PER_YEAR] == pytest.approx(3.75)
    assert rows.loc[("Adorf", "Wohngeld"), EUROS_PER_YEAR] == pytest.approx(150.0)
    assert rows.loc[("Bestadt", "Wohngeld"), HOURS_PER_YEAR] == pytest.approx(4.0)
    assert pd.isna(rows.loc[("Cehausen", "Wohngeld"), HOURS_PER_YEAR])  # nothing priced
    assert rows.loc[("Bestadt", "Wohngeld"), RE] == 1000.0


def test_a_municipality_sees_its_own_burden_and_the_others_pooled() -> None:
    headline = burden_headline(KPIS, BURDEN_COSTS)
    rows = headline_for(headline, user(Role.MUNICIPALITY, "Adorf"), min_cases=10)
    assert rows[M].tolist() == ["Adorf", "Adorf", None]
    others = rows.iloc[2]
    assert others[S] == "Wohngeld" and others[MUNICIPALITIES] == 2
    assert others[schema.KPI_CASES] == 40
    # pooled over the 40 cases: (30·200 + 10·500) / 40, (30·1000) / 40, (10·100) / 40
    assert others[MB] == pytest.approx(275.0)
    assert others[RE] == pytest.approx(750.0)
    assert others[DU] == pytest.approx(25.0)
    assert others[HOURS_PER_YEAR] == pytest.approx(4.0)
    assert "Bestadt" not in rows.to_string() and "Cehausen" not in rows.to_string()


def test_other_municipalities_under_k_cases_are_left_out() -> None:
    headline = burden_headline(KPIS, BURDEN_COSTS)
    rows = headline_for(headline, user(Role.MUNICIPALITY, "Bestadt"), min_cases=25)
    # Adorf (20) and Cehausen (10) make 30 Wohngeld cases: shown; Adorf's 4 Parken: not
    assert rows[M].tolist() == ["Bestadt", None]
    assert rows[S].tolist() == ["Wohngeld", "Wohngeld"]
    rows = headline_for(headline, user(Role.MUNICIPALITY, "Bestadt"), min_cases=31)
    assert rows[M].tolist() == ["Bestadt"]


def test_the_working_group_sees_every_log_named() -> None:
    rows = headline_for(burden_headline(KPIS, BURDEN_COSTS), user(Role.GROUP), min_cases=10)
    assert sorted(rows[M]) == ["Adorf", "Adorf", "Bestadt", "Cehausen"]


def test_peers_are_anonymised_by_a_key_and_the_same_on_every_call() -> None:
    towns = ["Adorf", "Bestadt", "Cehausen", "Dehnen"]
    seen = peer_names(towns, user(Role.MUNICIPALITY, "Bestadt"), key=b"k1")
    assert seen["Bestadt"] == "Bestadt"
    assert sorted(seen[t] for t in towns if t != "Bestadt") == [
        "Kommune A",
        "Kommune B",
        "Kommune C",
    ]
    assert peer_names(list(reversed(towns)), user(Role.MUNICIPALITY, "Bestadt"), key=b"k1") == seen
    # the letters follow the key, not the names: some key orders them otherwise
    orders = {
        tuple(sorted(peer_names(towns, user(Role.MUNICIPALITY, "Bestadt"), key=k).items()))
        for k in (b"a", b"b", b"c", b"d", b"e", b"f")
    }
    assert len(orders) > 1
    named = peer_names(towns, user(Role.MUNICIPALITY, "Bestadt"), key=b"k1", named=True)
    assert named == {t: t for t in towns}
    assert peer_names(towns, user(Role.ADMIN), key=b"k1") == {t: t for t in towns}


def test_case_level_data_of_the_own_municipality_only() -> None:
    assert case_municipality(user(Role.MUNICIPALITY, "Adorf"), "Bestadt") == "Adorf"
    assert case_municipality(user(Role.MUNICIPALITY, "Adorf"), None) == "Adorf"
    assert case_municipality(user(Role.ADMIN), "Bestadt") == "Bestadt"
    assert case_municipality(user(Role.GROUP), "Bestadt") is None


def test_the_demo_analyses_logs_without_results(tmp_path: Path) -> None:
    from app import api
    from app.cli.web import demo_logins
    from connectors.workspace import Workspace
    from tests.test_web_server import finalize_event_log, log

    path = tmp_path / "demo.duckdb"
    with Workspace(path) as ws:
        for municipality, prefix in (("Musterdorf", "MD"), ("Adorf", "AD")):
            events = finalize_event_log(log(prefix, 3), source="t.csv")
            ws.import_log(events, municipality=municipality, service="Wohngeld")
    assert api.stored_results(path, tables=()).runs == ()
    names = [name for name, _password, _role in demo_logins(path)]
    assert names == ["admin", "musterdorf"]
    runs = api.stored_results(path, tables=()).runs
    assert sorted(r.municipality for r in runs) == ["Adorf", "Musterdorf"]


def test_the_burden_only_map_keeps_burdened_paths_and_steps() -> None:
    from analyzer.process_map import BurdenOverlay, ProcessMap
    from app.web.pages._map_views import burdened_map

    src, dst, freq, act = (
        schema.MAP_SOURCE,
        schema.MAP_TARGET,
        schema.MAP_FREQUENCY,
        schema.ACTIVITY,
    )
    edges = pd.DataFrame({src: ["A", "B", "C", "D"], dst: ["B", "C", "D", "E"], freq: [5, 4, 3, 2]})
    steps = pd.DataFrame({act: list("ABCDE"), freq: [5, 5, 4, 3, 2]})
    pmap = ProcessMap(
        edges,
        steps,
        pd.DataFrame({act: ["A"], schema.MAP_CASES: [5]}),
        pd.DataFrame({act: ["E"], schema.MAP_CASES: [2]}),
        cases=5,
        events=19,
    )
    overlay = BurdenOverlay(
        # a media break on A -> B; rework at C and D; a hand-over at E is not marked on maps
        pd.DataFrame({src: ["A"], dst: ["B"], schema.FINDING_BURDEN: ["media_break"], freq: [2]}),
        pd.DataFrame(
            {
                act: ["C", "D", "E"],
                schema.FINDING_BURDEN: ["rework", "rework", "handover"],
                freq: [1, 1, 1],
            }
        ),
    )
    shown = burdened_map(pmap, overlay)
    assert list(zip(shown.edges[src], shown.edges[dst], strict=True)) == [("A", "B"), ("C", "D")]
    assert shown.activities[act].tolist() == ["A", "B", "C", "D"]
    assert shown.start[act].tolist() == ["A"] and shown.end.empty
    assert pmap.edges.shape == (4, 3)  # the stored map itself is left as it was
