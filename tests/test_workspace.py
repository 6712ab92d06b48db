"""The DuckDB workspace: logs per municipality and service, provenance, atomic imports."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analyzer import engine, schema
from analyzer.log_summary import attribute_coverage, log_overview
from analyzer.problems import InputError
from connectors.event_log import finalize_event_log
from connectors.workspace import Workspace


def frame(cases: int = 2, municipality: str | None = None) -> pl.DataFrame:
    rows = {
        schema.CASE: [f"W-{c}" for c in range(cases) for _ in range(2)],
        schema.ACTIVITY: ["Antrag eingegangen", "Bescheid versandt"] * cases,
        schema.TIMESTAMP: [f"{c + 1:02d}.11.2026 {h}:00" for c in range(cases) for h in (9, 15)],
        schema.MEDIUM: ["online", "post"] * cases,
        "Gebühr": [1.5, 2.5] * cases,
    }
    if municipality:
        rows[schema.MUNICIPALITY] = [municipality] * (2 * cases)
    return pl.DataFrame(rows)


def snapshot(path: Path) -> dict[str, list]:
    """Every table's full content: 'exactly as it was' means equal snapshots."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        ]
        return {n: sorted(map(str, con.execute(f'select * from "{n}"').fetchall())) for n in names}
    finally:
        con.close()


def test_import_stores_log_and_provenance(tmp_path: Path) -> None:
    source = tmp_path / "wohngeld.csv"
    source.write_bytes(b"stand-in for the exported file")
    mapping = tmp_path / "wohngeld.mapping.toml"
    mapping.write_text('[columns]\ncase = "Aktenzeichen"\n', encoding="utf-8")
    log = finalize_event_log(frame(3), source=str(source))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        (record,) = ws.import_log(
            log,
            municipality="Musterstadt",
            service="Wohngeld",
            mapping_path=mapping,
            source_format="csv",
        )
        assert (record.rows_read, record.rows_kept, record.rows_rejected) == (6, 6, 0)
        assert not record.replaced
        logs = ws.logs()
        assert logs[["municipality", "service", "events", "cases"]].values.tolist() == [
            ["Musterstadt", "Wohngeld", 6, 3]
        ]
        prov = ws.imports().iloc[0]
        assert prov.source_path == str(source)
        assert prov.source_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        assert prov.mapping_text == '[columns]\ncase = "Aktenzeichen"\n'
        assert prov.mapping_sha256 == hashlib.sha256(mapping.read_bytes()).hexdigest()
        assert (prov.rows_read, prov.rows_kept, prov.rows_rejected) == (6, 6, 0)
        assert prov.amtsweg_version
        assert "attribute.missing" in prov.warnings_json

        events = ws.events(municipality="Musterstadt", service="Wohngeld")
        back = engine.to_polars(events)
        assert back[schema.MUNICIPALITY].unique().to_list() == ["Musterstadt"]
        expected = log.frame.with_columns(
            pl.lit("Musterstadt").alias(schema.MUNICIPALITY),
            pl.lit("Wohngeld").alias(schema.SERVICE),
        )
        assert back.select(expected.columns).equals(expected)  # every value and type


def test_reimport_replaces_and_keeps_history(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        ws.import_log(finalize_event_log(frame(2), source="a.csv"), municipality="A", service="W")
        (again,) = ws.import_log(
            finalize_event_log(frame(5), source="b.csv"), municipality="A", service="W"
        )
        assert again.replaced
        assert ws.logs()[["events", "cases"]].values.tolist() == [[10, 5]]
        assert ws.imports()["source_path"].tolist() == ["a.csv", "b.csv"]
        tables = ws.con.execute(
            "select count(*) from information_schema.tables "
            "where table_name like 'log\\_%' escape '\\'"
        ).fetchall()[0][0]
        assert tables == 1  # the replaced table is gone


def test_county_export_becomes_one_log_per_municipality(tmp_path: Path) -> None:
    both = pl.concat(
        [frame(2, "Adorf"), frame(3, "Bedorf").with_columns(pl.col(schema.CASE) + "b")]
    )
    with Workspace(tmp_path / "ws.duckdb") as ws:
        records = ws.import_log(finalize_event_log(both, source="kreis.csv"), service="Wohngeld")
        assert [(r.municipality, r.rows_kept) for r in records] == [("Adorf", 4), ("Bedorf", 6)]
        overview = log_overview(ws.events())
        assert overview[[schema.MUNICIPALITY, "cases", "events"]].values.tolist() == [
            ["Adorf", 2, 4],
            ["Bedorf", 3, 6],
        ]
        # one municipality's query never touches the other's table
        only_a = engine.to_polars(ws.events(municipality="Adorf"))
        assert only_a[schema.MUNICIPALITY].unique().to_list() == ["Adorf"]


def test_municipality_must_be_known(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws, pytest.raises(InputError) as caught:
        ws.import_log(finalize_event_log(frame(), source="a.csv"), service="Wohngeld")
    assert "--municipality" in caught.value.text("de")


def test_failed_validation_leaves_workspace_exactly_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.import_log(finalize_event_log(frame(), source="a.csv"), municipality="A", service="W")
    before = snapshot(path)
    with pytest.raises(InputError):
        finalize_event_log(frame().drop(schema.TIMESTAMP), source="bad.csv")
    assert snapshot(path) == before


def test_failure_while_writing_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.import_log(finalize_event_log(frame(), source="a.csv"), municipality="A", service="W")
    before = snapshot(path)

    def disk_full(self: Workspace, values: list) -> None:  # fault injection, not a mock
        raise OSError("disk full")

    monkeypatch.setattr(Workspace, "_record_import", disk_full)
    with Workspace(path) as ws, pytest.raises(OSError):
        ws.import_log(finalize_event_log(frame(7), source="b.csv"), municipality="A", service="W")
    assert snapshot(path) == before


def test_read_only_workspace_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        Workspace(tmp_path / "none.duckdb", read_only=True)
    assert caught.value.problems[0].code == "workspace.missing"
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(InputError) as caught:
        Workspace(other, read_only=True)
    assert caught.value.problems[0].code == "workspace.invalid"
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(InputError) as caught:
        ws.events(municipality="Nirgendwo")
    assert "Nirgendwo" in caught.value.text("de")


def test_coverage_from_workspace(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        ws.import_log(finalize_event_log(frame(), source="a.csv"), municipality="A", service="W")
        cov = attribute_coverage(ws.events())
    assert cov.loc[0, "medium"] == 1.0 and cov.loc[0, "level"] == 0.0
