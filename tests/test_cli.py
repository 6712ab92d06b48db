"""The ``amtsweg`` command as a user runs it: real files, a real workspace file, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analyzer import engine, schema
from connectors.workspace import Workspace

GERMAN_CSV = (
    "Aktenzeichen;Tätigkeit;Zeitpunkt;Sachbearbeiter;Amt;Kanal;Gebühr\r\n"
    "WG-2026-001;Antrag eingegangen;23.11.2026 14:05;Müller;Wohngeldstelle;Online;12,50\r\n"
    "WG-2026-001;Antrag geprüft;24.11.2026 09:10;Müller;Wohngeldstelle;E-Akte;0\r\n"
    "WG-2026-002;Antrag eingegangen;25.11.2026 08:00;Schäfer;Bürgerbüro;Papier;12,50\r\n"
).encode("cp1252")

MAPPING = """
[columns]
case = "Aktenzeichen"
activity = "Tätigkeit"
timestamp = "Zeitpunkt"
resource = "Sachbearbeiter"
org_unit = "Amt"
medium = "Kanal"

[values.medium]
"Online" = "online"
"E-Akte" = "efile"
"Papier" = "paper"
"""


def amtsweg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    csv = tmp_path / "wohngeld.csv"
    csv.write_bytes(GERMAN_CSV)
    mapping = tmp_path / "wohngeld.mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return csv, mapping


def test_import_info_export(tmp_path: Path, export: tuple[Path, Path]) -> None:
    csv, mapping = export
    ws = tmp_path / "ws.duckdb"
    done = amtsweg(
        "import",
        str(csv),
        "--mapping",
        str(mapping),
        "--municipality",
        "Musterstadt",
        "--service",
        "Wohngeld",
        "--workspace",
        str(ws),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Musterstadt / Wohngeld: 3 Ereignisse importiert (3 gelesen, 0 verworfen)" in done.stdout
    assert "Verwaltungsebene" in done.stderr  # warns that no level column limits the analysis

    with Workspace(ws, read_only=True) as w:
        frame = engine.to_polars(w.events())
        prov = w.imports().iloc[0]
    assert frame[schema.MEDIUM].to_list() == ["online", "efile", "paper"]
    assert frame["Gebühr"].to_list() == [12.5, 0.0, 12.5]
    assert prov.mapping_text.strip() == MAPPING.strip()

    info = amtsweg("--lang", "en", "info", "--workspace", str(ws), cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    assert "Musterstadt" in info.stdout and "Wohngeld" in info.stdout
    assert "23.11.2026" in info.stdout and "25.11.2026" in info.stdout
    assert "Provenance" in info.stdout and "wohngeld.csv" in info.stdout
    assert "wohngeld.mapping.toml" in info.stdout and "3/3/0" in info.stdout

    out = tmp_path / "back.csv"
    exported = amtsweg("export", str(out), "--workspace", str(ws), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert pl.read_csv(out)[schema.CASE].to_list() == ["WG-2026-001", "WG-2026-001", "WG-2026-002"]


def test_bad_file_one_clear_sentence_and_no_change(
    tmp_path: Path, export: tuple[Path, Path]
) -> None:
    csv, mapping = export
    ws = tmp_path / "ws.duckdb"
    assert (
        amtsweg(
            "import",
            str(csv),
            "--mapping",
            str(mapping),
            "-m",
            "A",
            "-s",
            "W",
            "--workspace",
            str(ws),
            cwd=tmp_path,
        ).returncode
        == 0
    )
    with duckdb.connect(str(ws), read_only=True) as con:
        before = con.execute("select count(*) from imports").fetchall()

    bad = tmp_path / "kaputt.csv"
    bad.write_bytes(GERMAN_CSV.replace(b"25.11.2026 08:00", b"31.02.2026 08:00"))
    done = amtsweg(
        "import",
        str(bad),
        "--mapping",
        str(mapping),
        "-m",
        "B",
        "-s",
        "W",
        "--workspace",
        str(ws),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Zeitpunkt nicht lesbar" in done.stderr
    assert "kaputt.csv" in done.stderr and "Zeile 4" in done.stderr and "31.02.2026" in done.stderr
    with duckdb.connect(str(ws), read_only=True) as con:
        assert con.execute("select count(*) from imports").fetchall() == before
        assert con.execute("select municipality from logs").fetchall() == [("A",)]


def test_errors_in_english_and_quiet(tmp_path: Path, export: tuple[Path, Path]) -> None:
    csv, _ = export
    typo = tmp_path / "typo.toml"
    typo.write_text('[columns]\nactivty = "Tätigkeit"\n', encoding="utf-8")
    done = amtsweg(
        "--lang",
        "en",
        "import",
        str(csv),
        "--mapping",
        str(typo),
        "-m",
        "A",
        "-s",
        "W",
        "--workspace",
        str(tmp_path / "ws.duckdb"),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "activity" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "ws.duckdb").exists()  # nothing was created either

    quiet = amtsweg("--quiet", "info", str(csv), cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_usage_mistake_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    done = amtsweg("import", "--no-such-option", cwd=tmp_path)
    assert done.returncode == 2
    assert "No such option" in done.stderr and "Traceback" not in done.stderr
    missing = amtsweg("info", str(tmp_path / "fehlt.csv"), cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "fehlt.csv" in missing.stderr


def test_analyze_writes_findings_map_and_bpmn(tmp_path: Path, export: tuple[Path, Path]) -> None:
    csv, mapping = export
    done = amtsweg(
        "--lang",
        "en",
        "analyze",
        str(csv),
        "--mapping",
        str(mapping),
        "-o",
        str(tmp_path / "f.json"),
        "--map",
        str(tmp_path / "map.html"),
        "--bpmn",
        str(tmp_path / "model.bpmn"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Findings per detector" in done.stdout
    findings = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    # online -> e-file is digital to digital, one unit, no repeats, no waits: nothing to find
    assert findings == []
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    # plotly writes non-ASCII as is with orjson and as \u escapes without: accept either
    assert "Antrag eingegangen" in html
    assert "Antrag geprüft" in html or json.dumps("Antrag geprüft")[1:-1] in html
    xml = (tmp_path / "model.bpmn").read_text(encoding="utf-8")
    assert "bpmn:definitions" in xml and "Antrag eingegangen" in xml
