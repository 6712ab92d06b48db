"""Analysis results stored in the workspace: equal to the analyzer's, atomic, per municipality."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analyzer import comparison, schema, steps
from analyzer.cost_model import annual_cost, finding_costs
from analyzer.cost_tables import load_cost_tables
from analyzer.detectors import DEFAULT_DETECTORS, run_detectors
from analyzer.process_map import burden_overlay, process_map, variants
from app import api
from app.api import results
from connectors import results_store
from connectors.event_log import finalize_event_log
from connectors.workspace import Workspace, amtsweg_version
from tests.tiny_logs import make_log

COLUMNS = [schema.CASE, schema.ACTIVITY, "minutes", schema.MEDIUM, schema.LEVEL, schema.ORG_UNIT]
DAY = 24 * 60


def rows(prefix: str, extra_case: bool) -> list[tuple]:
    """Three cases (a fourth where ``extra_case``): paper intake typed into the e-file, an
    online intake, and one case waiting two days before its notice."""
    out = [
        (f"{prefix}-1", "Antrag eingegangen", 0, "paper", "municipality", "Bürgeramt"),
        (f"{prefix}-1", "Daten erfassen", 60, "efile", "municipality", "Bürgeramt"),
        (f"{prefix}-1", "Bescheid versandt", 120, "post", "municipality", "Bürgeramt"),
        (f"{prefix}-2", "Antrag eingegangen", DAY, "online", "municipality", "Bürgeramt"),
        (f"{prefix}-2", "Bescheid versandt", DAY + 30, "post", "municipality", "Bürgeramt"),
        (f"{prefix}-3", "Antrag eingegangen", 2 * DAY, "online", "municipality", "Bürgeramt"),
        (f"{prefix}-3", "Bescheid versandt", 4 * DAY, "post", "municipality", "Bürgeramt"),
    ]
    if extra_case:
        out.append((f"{prefix}-4", "Antrag eingegangen", 3 * DAY, "online", "county", "Kreis"))
    return out


def import_tiny(path: Path, municipality: str, prefix: str, *, extra_case: bool = False) -> None:
    log = finalize_event_log(make_log(COLUMNS, rows(prefix, extra_case)), source="tiny.csv")
    with Workspace(path) as ws:
        ws.import_log(log, municipality=municipality, service="Wohngeld")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    import_tiny(path, "Musterdorf", "M")
    import_tiny(path, "Beispielheim", "B", extra_case=True)
    return path


def the_log(path: Path, municipality: str):
    """The workspace log of ``municipality`` prepared in memory (the analyzer's input)."""
    with Workspace(path, read_only=True) as ws:
        return steps.prepare(ws.events(municipality=municipality, service="Wohngeld"))


def own(table: pd.DataFrame, added_keys: bool = True) -> pd.DataFrame:
    """A stored table without the MUNICIPALITY/SERVICE columns added on reading."""
    if not added_keys:
        return table.reset_index(drop=True)
    return table.drop(columns=[schema.MUNICIPALITY, schema.SERVICE]).reset_index(drop=True)


def result_tables(path: Path) -> dict[str, list]:
    """Every result table's full content, in a fixed order: 'intact' means equal dumps."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = sorted(
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_name like 'result%'"
            ).fetchall()
        )
        return {n: sorted(map(str, con.execute(f'select * from "{n}"').fetchall())) for n in names}
    finally:
        con.close()


def test_stored_tables_equal_what_the_analyzer_returns(workspace: Path) -> None:
    api.analyse_workspace(workspace)
    stored = api.stored_results(workspace, municipality="Musterdorf")
    log = the_log(workspace, "Musterdorf")
    findings = run_detectors(log)
    pmap = process_map(log)
    overlay = burden_overlay(log, findings)

    pd.testing.assert_frame_equal(own(stored.map_edges), pmap.edges.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        own(stored.map_activities), pmap.activities.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(own(stored.map_start), pmap.start.reset_index(drop=True))
    pd.testing.assert_frame_equal(own(stored.map_end), pmap.end.reset_index(drop=True))
    pd.testing.assert_frame_equal(own(stored.burden_edges), overlay.edges)
    pd.testing.assert_frame_equal(own(stored.burden_nodes), overlay.nodes)
    pd.testing.assert_frame_equal(own(stored.variants), variants(log))
    pd.testing.assert_frame_equal(own(stored.findings, added_keys=False), findings)
    tables = load_cost_tables()
    kpis = comparison.kpi_table(log, findings=findings, tables=tables)
    kpis[[schema.KPI_VARIANTS, schema.KPI_VARIANTS_PER_1000]] = float("nan")
    pd.testing.assert_frame_equal(own(stored.kpis, added_keys=False), kpis)
    pd.testing.assert_frame_equal(
        own(stored.costs, added_keys=False), annual_cost(log, tables=tables)
    )
    pd.testing.assert_frame_equal(
        own(stored.burden_costs, added_keys=False),
        finding_costs(findings, log=log, tables=tables),
    )

    # the hand-counted values behind them
    edges = {
        (r[schema.MAP_SOURCE], r[schema.MAP_TARGET]): (
            r[schema.MAP_FREQUENCY],
            r[schema.MAP_WAIT_MEDIAN],
        )
        for r in stored.map_edges.to_dict("records")
    }
    assert edges == {
        ("Antrag eingegangen", "Bescheid versandt"): (2, (30 + 2 * DAY) / 2),
        ("Antrag eingegangen", "Daten erfassen"): (1, 60.0),
        ("Daten erfassen", "Bescheid versandt"): (1, 60.0),
    }
    assert stored.variants[schema.VARIANT_CASES].tolist() == [2, 1]
    assert sorted(stored.findings[schema.FINDING_DETECTOR].astype(str)) == ["media_breaks"] * 4
    assert stored.kpis[schema.KPI_CASES].tolist() == [3]
    # the KPIs compare would compute for this municipality (compare ranks all of them)
    compared = api.compare(workspace=workspace).kpis
    row = compared[compared[schema.MUNICIPALITY] == "Musterdorf"].reset_index(drop=True)
    kpi_columns = [c for c in stored.kpis.columns if c in row.columns]
    pd.testing.assert_frame_equal(own(stored.kpis, added_keys=False)[kpi_columns], row[kpi_columns])


def test_per_case_summary_and_cases_of_a_step_or_edge(workspace: Path) -> None:
    api.analyse_workspace(workspace)
    cases = api.stored_results(workspace, municipality="Musterdorf").cases
    log = the_log(workspace, "Musterdorf")
    per_case = run_detectors(log).groupby(schema.CASE, observed=True).size().to_dict()
    t0 = make_log(COLUMNS, rows("M", False))[schema.TIMESTAMP][0]
    got = [
        (
            r[schema.CASE],
            r[results.CASE_START] - t0,
            r[results.CASE_END] - t0,
            r[results.CASE_EVENTS],
            r[schema.VARIANT_RANK],
            r[results.CASE_FINDINGS],
        )
        for r in cases.to_dict("records")
    ]
    minutes = lambda m: timedelta(minutes=m)  # noqa: E731
    assert got == [
        ("M-1", minutes(0), minutes(120), 3, 2, per_case.get("M-1", 0)),
        ("M-2", minutes(DAY), minutes(DAY + 30), 2, 1, per_case.get("M-2", 0)),
        ("M-3", minutes(2 * DAY), minutes(4 * DAY), 2, 1, per_case.get("M-3", 0)),
    ]
    assert per_case["M-1"] == 2  # two media breaks

    through = api.cases_on_map(
        workspace,
        municipality="Musterdorf",
        service="Wohngeld",
        edge=("Antrag eingegangen", "Bescheid versandt"),
    )
    assert through[schema.CASE].tolist() == ["M-2", "M-3"]
    typed = api.cases_on_map(
        workspace, municipality="Musterdorf", service="Wohngeld", activity="Daten erfassen"
    )
    assert typed[schema.CASE].tolist() == ["M-1"]
    started = api.cases_on_map(
        workspace, municipality="Musterdorf", service="Wohngeld", activity="Antrag eingegangen"
    )
    assert started[schema.CASE].tolist() == ["M-1", "M-2", "M-3"]
    timeline = api.case_events(workspace, municipality="Musterdorf", service="Wohngeld", case="M-1")
    assert timeline[schema.ACTIVITY].tolist() == [
        "Antrag eingegangen",
        "Daten erfassen",
        "Bescheid versandt",
    ]
    assert set(timeline[schema.CASE]) == {"M-1"}


def test_a_failure_while_writing_leaves_the_previous_results(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.analyse_workspace(workspace)
    before = result_tables(workspace)
    read_before = api.stored_results(workspace, municipality="Musterdorf")
    written = results_store._write_table

    def failing(ws, run_id, kind, frame):
        if kind == "kpis":
            raise OSError("disk full")
        written(ws, run_id, kind, frame)

    monkeypatch.setattr(results_store, "_write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        api.analyse_workspace(workspace, municipality="Musterdorf")
    assert result_tables(workspace) == before
    read_after = api.stored_results(workspace, municipality="Musterdorf")
    assert read_after.runs == read_before.runs
    pd.testing.assert_frame_equal(read_after.map_edges, read_before.map_edges)
    pd.testing.assert_frame_equal(read_after.findings, read_before.findings)


def test_reanalysing_replaces_a_logs_results(workspace: Path) -> None:
    first = {(r.municipality, r.run_id) for r in api.analyse_workspace(workspace)}
    tables = set(result_tables(workspace))
    (again,) = api.analyse_workspace(workspace, municipality="Musterdorf")
    runs = api.stored_results(workspace).runs
    assert [(r.municipality, r.run_id) for r in runs] == [
        ("Beispielheim", dict(first)["Beispielheim"]),
        ("Musterdorf", again.run_id),
    ]
    assert again.run_id not in {run for _m, run in first}
    now = set(result_tables(workspace))
    assert len(now) == len(tables)  # the old run's tables are gone, not kept beside
    old = dict(first)["Musterdorf"]
    assert not any(t.startswith(f"result_{old}_") for t in now)


def test_run_records_carry_version_import_and_settings(workspace: Path, tmp_path: Path) -> None:
    costs = tmp_path / "kosten.toml"
    costs.write_text(
        'label = "Testkreis"\n[wage_rates.kommunen]\ngehoben = 45.10\n'
        '[cases_per_year]\n"*" = 1000\n',
        encoding="utf-8",
    )
    api.analyse_workspace(
        workspace,
        costs=costs,
        options={"long_waits": {"threshold": timedelta(days=1)}},
    )
    with Workspace(workspace, read_only=True) as ws:
        import_ids = dict(zip(ws.logs()["municipality"], ws.logs()["import_id"], strict=True))
    runs = {r.municipality: r for r in api.stored_results(workspace).runs}
    for municipality, run in runs.items():
        assert run.amtsweg_version == amtsweg_version()
        assert run.import_id == import_ids[municipality]
        assert run.settings["detectors"] == list(DEFAULT_DETECTORS)
        assert run.settings["detector_options"]["long_waits"]["threshold"] == str(timedelta(days=1))
        assert run.settings["detector_options"]["rework"]["min_gap_minutes"] == 5.0
        assert run.settings["cost_settings"] == {
            "path": str(costs),
            "sha256": hashlib.sha256(costs.read_bytes()).hexdigest(),
        }
        assert "Testkreis" in run.settings["cost_edition"]
        assert run.settings["step_mapping"] is None
    stored = api.stored_results(workspace, municipality="Musterdorf")
    assert stored.costs[schema.COST_CASES_PER_YEAR].tolist() == [1000]
    # one case waited two days, over the one-day threshold given
    assert (stored.findings[schema.FINDING_DETECTOR] == "long_waits").sum() == 1


def test_one_municipalitys_results_never_appear_in_anothers(workspace: Path) -> None:
    api.analyse_workspace(workspace)
    mine = api.stored_results(workspace, municipality="Musterdorf")
    theirs = api.stored_results(workspace, municipality="Beispielheim")
    assert [r.municipality for r in mine.runs] == ["Musterdorf"]
    for name in results.StoredResults.__dataclass_fields__:
        if name == "runs":
            continue
        table = getattr(mine, name)
        if len(table):
            assert set(table[schema.MUNICIPALITY]) == {"Musterdorf"}, name
        text = table.astype(str).to_string()
        assert "B-" not in text and "Beispielheim" not in text, name
    assert set(theirs.cases[schema.CASE]) == {"B-1", "B-2", "B-3", "B-4"}
    edge = ("Antrag eingegangen", "Bescheid versandt")
    listed = api.cases_on_map(workspace, municipality="Musterdorf", service="Wohngeld", edge=edge)
    assert set(listed[schema.CASE]) == {"M-2", "M-3"}
    assert api.case_events(
        workspace, municipality="Musterdorf", service="Wohngeld", case="B-1"
    ).empty


def test_results_of_a_removed_or_reimported_log_are_not_read(workspace: Path) -> None:
    api.analyse_workspace(workspace)
    import_tiny(workspace, "Musterdorf", "M", extra_case=True)  # replaces its log
    assert [r.municipality for r in api.stored_results(workspace).runs] == ["Beispielheim"]
    assert api.stored_results(workspace, municipality="Musterdorf").findings.empty
    (fresh,) = api.analyse_workspace(workspace, municipality="Musterdorf")
    assert api.stored_results(workspace, municipality="Musterdorf").kpis[
        schema.KPI_CASES
    ].tolist() == [4]
    with Workspace(workspace) as ws:
        ws.remove_log(municipality="Beispielheim", service="Wohngeld")
        results_store.remove_results(ws, municipality="Beispielheim", service="Wohngeld")
    assert [r.run_id for r in api.stored_results(workspace).runs] == [fresh.run_id]
    assert not any(t.startswith("result_1_") for t in result_tables(workspace))


def test_a_step_mapping_harmonises_the_kpis_as_compare_does(
    workspace: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "step_mapping_wohngeld.toml"
    mapping.write_text(
        'catalogue = "wohngeld"\n[steps]\n"Antrag eingegangen" = "antragseingang"\n'
        '"Daten erfassen" = "daten_erfassen"\n"Bescheid versandt" = "bescheid_versenden"\n',
        encoding="utf-8",
    )
    api.analyse_workspace(workspace, step_mappings=[mapping])
    stored = api.stored_results(workspace, municipality="Musterdorf")
    (run,) = stored.runs
    assert run.settings["step_mapping"] == {
        "catalogue": "wohngeld",
        "sha256": hashlib.sha256(mapping.read_bytes()).hexdigest(),
    }
    assert stored.kpis[schema.KPI_VARIANTS].tolist() == [2]  # harmonised variants compare
    assert stored.kpis[schema.COST_PRICED_BY].tolist() == ["step"]
    compared = api.compare(workspace=workspace, step_mappings=[mapping]).kpis
    row = compared[compared[schema.MUNICIPALITY] == "Musterdorf"].reset_index(drop=True)
    kpi_columns = [c for c in stored.kpis.columns if c in row.columns]
    pd.testing.assert_frame_equal(own(stored.kpis, added_keys=False)[kpi_columns], row[kpi_columns])
