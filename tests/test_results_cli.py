"""``amtsweg import`` stores the analysis results; ``amtsweg reanalyse`` computes them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import api
from app.cli.main import main

CSV = (
    "Aktenzeichen;Tätigkeit;Zeitpunkt;Kanal\r\n"
    "HG-7;Antrag eingegangen;03.02.2026 10:00;Papier\r\n"
    "HG-7;Antrag erfasst;03.02.2026 11:00;E-Akte\r\n"
    "HG-8;Antrag eingegangen;05.02.2026 09:00;Online\r\n"
).encode("cp1252")
MAPPING = """
[columns]
case = "Aktenzeichen"
activity = "Tätigkeit"
timestamp = "Zeitpunkt"
medium = "Kanal"

[values.medium]
"Online" = "online"
"E-Akte" = "efile"
"Papier" = "paper"
"""


@pytest.fixture
def export(tmp_path: Path) -> Path:
    csv = tmp_path / "hundesteuer.csv"
    csv.write_bytes(CSV)
    (tmp_path / "hundesteuer.mapping.toml").write_text(MAPPING, encoding="utf-8")
    return csv


def test_import_stores_results_and_says_so(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws.duckdb"
    code = main(["import", str(export), "-m", "Hundeshagen", "-s", "Hundesteuer", "-w", str(ws)])
    assert code == 0
    assert "Hundeshagen / Hundesteuer: Analyseergebnisse gespeichert" in capsys.readouterr().out
    stored = api.stored_results(ws)
    assert [(r.municipality, r.service) for r in stored.runs] == [("Hundeshagen", "Hundesteuer")]
    assert sorted(stored.cases["case:concept:name"]) == ["HG-7", "HG-8"]


def test_no_analysis_skips_and_reanalyse_stores(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws.duckdb"
    args = ["import", str(export), "-m", "Hundeshagen", "-s", "Hundesteuer", "-w", str(ws)]
    assert main([*args, "--no-analysis"]) == 0
    assert "Analyseergebnisse" not in capsys.readouterr().out
    assert api.stored_results(ws).runs == ()
    assert main(["--lang", "en", "reanalyse", "-w", str(ws)]) == 0
    assert "Hundeshagen / Hundesteuer: results stored (run 1" in capsys.readouterr().out
    assert [r.run_id for r in api.stored_results(ws).runs] == [1]
    assert main(["reanalyse", "-w", str(ws), "-m", "Nirgendwo"]) == 2
    assert "Nirgendwo" in capsys.readouterr().err
