"""The first hour of a new user (issue 10): what the command line says and shows on a plain
terminal of 80 columns, with exports and their mappings as a consultant has them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.table import Table

from analyzer import schema
from app import api
from app.cli import output
from app.cli.main import COMMANDS

GERMAN_EXPORT_HEADER = "Aktenzeichen;Tätigkeit;Zeitpunkt;Amt;Kanal\r\n"

MAPPING = """
[source]
delimiter = ";"
encoding = "cp1252"

[columns]
case = "Aktenzeichen"
activity = "Tätigkeit"
timestamp = "Zeitpunkt"
org_unit = "Amt"
medium = "Kanal"

[constants]
municipality = "{town}"
service = "Wohngeld"

[values.medium]
"Brief" = "post"
"Portal" = "online"
"Akte" = "efile"
"""


def export_rows(prefix: str, cases: int) -> str:
    """``cases`` cases: a letter comes in, is typed into the file, then decided online."""
    rows = []
    for c in range(cases):
        day = 1 + c % 27
        rows += [
            f"{prefix}-{c};Antrag per Brief erhalten;{day:02d}.03.2026 09:00;Poststelle;Brief",
            f"{prefix}-{c};Antrag erfassen;{day:02d}.03.2026 11:00;Wohngeldstelle;Akte",
            f"{prefix}-{c};Bescheid zustellen;{day + 1:02d}.03.2026 10:00;Wohngeldstelle;Portal",
        ]
    return GERMAN_EXPORT_HEADER + "\r\n".join(rows) + "\r\n"


def write_export(folder: Path, town: str, cases: int) -> Path:
    """A German export ``<town>.csv`` with its mapping beside it (``<town>.mapping.toml``)."""
    csv = folder / f"{town.lower()}.csv"
    csv.write_bytes(export_rows(town[:3].upper(), cases).encode("cp1252"))
    (folder / f"{town.lower()}.mapping.toml").write_text(
        MAPPING.format(town=town), encoding="utf-8"
    )
    return csv


def amtsweg(*args: str, cwd: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("AMTSWEG_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def flat(text: str) -> str:
    """``text`` with the terminal's line breaks undone (a long sentence wraps at 80)."""
    return " ".join(text.split())


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(c in line for c in "│┃")]


MARKUP = ("[/", "[yellow", "[bold", "[red", "[green", "[dim", "[magenta")


def assert_plain(done: subprocess.CompletedProcess[str]) -> None:
    for stream in (done.stdout, done.stderr):
        assert not [m for m in MARKUP if m in stream], stream
        assert "Traceback" not in stream


# --- point 1: info after an import without a mapping file ---------------------------------------


def test_info_of_a_workspace_with_an_import_without_mapping(tmp_path: Path) -> None:
    csv = tmp_path / "erkannt.csv"
    csv.write_text(
        "case;activity;timestamp\nA;x;2026-01-01 10:00\nA;y;2026-01-02 10:00\n", encoding="utf-8"
    )
    ws = str(tmp_path / "ws.duckdb")
    assert amtsweg("import", str(csv), "-m", "Ort", "-s", "Wohngeld", "-w", ws, cwd=tmp_path)
    done = amtsweg("info", "-w", ws, cwd=tmp_path, columns=200)
    assert done.returncode == 0, done.stderr
    assert_plain(done)
    (row,) = [line for line in table_lines(done.stdout) if "erkannt.csv" in line]
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[4] == "—"  # the mapping column: none was used


# --- point 4: one rule for finding a mapping ---------------------------------------------------


def test_a_mapping_beside_the_file_is_used_by_every_reader(tmp_path: Path) -> None:
    csv = write_export(tmp_path, "Kleinhausen", cases=2)
    beside = tmp_path / "kleinhausen.mapping.toml"
    assert api.mapping_for(csv) == api.MappingChoice(beside, "beside")
    other = tmp_path / "other.toml"
    assert api.mapping_for(csv, other) == api.MappingChoice(other, "given")
    frame = api.read_log(csv).frame
    assert frame[schema.MEDIUM].to_list()[:3] == ["post", "efile", "online"]
    assert set(frame[schema.MUNICIPALITY].to_list()) == {"Kleinhausen"}

    # the shipped sample's sidecar is FILE.csv.mapping.toml: analyze finds it and says so
    sample = Path(__file__).resolve().parent.parent / "sample_logs" / "wohngeld_musterdorf.csv"
    choice = api.mapping_for(sample)
    assert choice.how == "beside" and choice.path.name == "wohngeld_musterdorf.csv.mapping.toml"
    done = amtsweg("analyze", csv.name, "--top", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{csv.name}: Zuordnung {beside.name} (neben der Datei gefunden)" in flat(done.stdout)
    assert "Medienbrüche" in done.stdout  # post -> efile is a media break the mapping reveals
    alone = tmp_path / "alone.csv"
    alone.write_text("case;activity;timestamp\nA;x;2026-01-01 10:00\n", encoding="utf-8")
    assert api.mapping_for(alone) == api.MappingChoice(None, "detected")
    info = amtsweg("--lang", "en", "info", alone.name, cwd=tmp_path)
    assert f"{alone.name}: no mapping file, columns recognised automatically" in flat(info.stdout)


def test_import_records_the_mapping_it_found_beside_the_file(tmp_path: Path) -> None:
    csv = write_export(tmp_path, "Kleinhausen", cases=2)
    ws = tmp_path / "ws.duckdb"
    done = amtsweg("import", str(csv), "-w", str(ws), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "(neben der Datei gefunden)" in flat(done.stdout)
    history = api.import_history(workspace=ws)
    assert history["mapping_path"].tolist() == [str(tmp_path / "kleinhausen.mapping.toml")]
    assert history["municipality"].tolist() == ["Kleinhausen"]


# --- point 10: a folder of exports ---------------------------------------------------------------


def test_compare_a_folder_of_exports_skips_what_is_not_a_log(tmp_path: Path) -> None:
    folder = tmp_path / "exporte"
    folder.mkdir()
    write_export(folder, "Oberkirchberg", cases=6)
    write_export(folder, "Unterkirchberg", cases=3)
    (folder / "oberkirchberg.labels.parquet").write_bytes(b"PAR1")
    (folder / "step_mapping_wohngeld.toml").write_text("", encoding="utf-8")
    (folder / "notizen.txt.bak").write_text("", encoding="utf-8")
    (folder / "kosten.csv").write_text("Tätigkeit;Minuten\nerfassen;5\n", encoding="utf-8")

    found = api.logs_in([folder])
    assert [f.name for f in found.files] == [
        "kosten.csv",
        "oberkirchberg.csv",
        "unterkirchberg.csv",
    ]
    assert found.tentative == frozenset({folder / "kosten.csv"})

    done = amtsweg("compare", str(folder), "-o", str(tmp_path / "v.csv"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_plain(done)
    assert "Oberkirchberg" in done.stdout and "Unterkirchberg" in done.stdout
    skipped = flat(done.stderr)
    for name in ("oberkirchberg.labels.parquet", "step_mapping_wohngeld.toml", "notizen.txt.bak"):
        assert name in skipped
    assert "kosten.csv" in skipped and "als Protokoll nicht lesbar" in skipped
    assert not [line for line in table_lines(done.stdout) if "…" in line]

    # point 11c: German headings in the CSV a person reads
    kpis = pd.read_csv(tmp_path / "v.csv", sep=";", decimal=",")
    assert {"Kommune", "Fälle", "Medienbrüche je 1.000 Fälle"} <= set(kpis.columns)
    assert not [c for c in kpis.columns if c.startswith(("kpi:", "rank:", "case:"))]

    analysed = amtsweg("--lang", "en", "analyze", str(folder), "--top", "0", cwd=tmp_path)
    assert analysed.returncode == 0, analysed.stderr
    assert analysed.stdout.count("Findings per detector") == 2


# --- point 11c: headings of findings files -----------------------------------------------------


def test_findings_files_have_headings_in_the_language_of_the_run(tmp_path: Path) -> None:
    csv = write_export(tmp_path, "Kleinhausen", cases=2)
    for lang, path, expected in (
        ("de", "f.csv", ["Detektor", "Vorgang (Fall-ID)", "verlorene Minuten"]),
        ("en", "f.xlsx", ["detector", "case id", "minutes lost"]),
        ("de", "f.parquet", [schema.FINDING_DETECTOR, schema.CASE, schema.FINDING_MINUTES_LOST]),
    ):
        done = amtsweg(
            "--lang", lang, "analyze", str(csv), "-o", str(tmp_path / path), cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        target = tmp_path / path
        read = {
            ".csv": lambda p: pd.read_csv(p, sep=";", decimal=","),  # German style under de
            ".xlsx": pd.read_excel,
            ".parquet": pd.read_parquet,
        }
        columns = list(read[target.suffix](target).columns)
        assert all(c in columns for c in expected), columns
        assert len(read[target.suffix](target)) > 0


# --- point 8: tables at 80 columns ----------------------------------------------------------------


def test_no_table_cuts_a_name_or_a_number_at_80_columns(tmp_path: Path) -> None:
    towns = ["Oberkirchberg", "Unterkirchberg", "Hinterkirchberg", "Vorderkirchberg", "Mitte"]
    for i, town in enumerate(towns):
        write_export(tmp_path, town, cases=2 + i)
    files = [f"{t.lower()}.csv" for t in towns]
    ws = "ws.duckdb"
    imported = amtsweg("import", *files, "-w", ws, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    outputs = [amtsweg("compare", *files, cwd=tmp_path)]
    outputs.append(amtsweg("info", "-w", ws, cwd=tmp_path))
    outputs.append(amtsweg("analyze", "-w", ws, cwd=tmp_path))
    outputs.append(amtsweg("--lang", "en", "analyze", files[0], cwd=tmp_path))
    outputs.append(amtsweg("map", files[0], "-o", "p.toml", cwd=tmp_path))
    outputs.append(amtsweg("simulate", "--list", cwd=tmp_path))
    for done in outputs:
        assert done.returncode == 0, done.stderr
        assert_plain(done)
        lines = table_lines(done.stdout)
        assert not [line for line in lines if "…" in line], done.stdout
        # tables fit the width; sentences and paths are left whole for the terminal to wrap
        assert max((len(line) for line in lines), default=0) <= 80
    # every command but map (plain lines) shows its results as tables
    assert all(table_lines(d.stdout) for d in outputs[:4])
    assert "…" not in outputs[4].stdout  # map: whole examples, nothing cut
    compared = outputs[0].stdout
    for town in towns:
        assert town in compared  # whole, in a column of its own
    assert "Vorgänge" not in "".join(d.stdout for d in outputs)  # one word: Fälle
    german = outputs[2].stdout  # analyze -w
    assert "Medienbrüche" in german  # detector names in German under de
    assert "media_breaks" not in german and "media breaks" not in german


def test_the_demo_matrix_of_six_municipalities_fits_80_columns() -> None:
    from app.cli.demo import matrix_table

    towns = ["Beispielheim", "Beispielstadt", "Musterdorf", "Musterhausen", "Musterstadt", "Tal"]
    matrix = pd.DataFrame(
        {
            schema.MUNICIPALITY: towns,
            schema.SERVICE: ["Wohngeld"] * 6,
            "manual_reentry": [12345.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "duplicate_responsibility": [1.0, 1234567.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    parts = output.fitted_tables(matrix_table(matrix, service="Wohngeld"), width=80)
    assert len(parts) == 2
    rendered = []
    for part in parts:
        console = output.Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(part)
        rendered.append(console.export_text())
    text = "".join(rendered)
    assert "…" not in text and "1.234.567" in text and "12.345" in text
    for town in towns:
        assert town in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_a_table_that_fits_is_left_as_it_is() -> None:
    table = Table(title="t")
    table.add_column("Kommune")
    table.add_row("Beispielstadt")
    assert output.fitted_tables(table, width=80) == [table]


# --- point 3: no markup in messages ---------------------------------------------------------------


def test_messages_show_no_markup(tmp_path: Path) -> None:
    csv = tmp_path / "export.csv"
    csv.write_text(
        "Aktenzeichen;Tätigkeit;Zeitpunkt;Weg\nA;Antrag;01.03.2026 09:00;Rohrpost\n",
        encoding="utf-8",
    )
    mapped = amtsweg("map", str(csv), cwd=tmp_path)
    assert mapped.returncode == 0, mapped.stderr
    assert "Werte ohne Zuordnung" in mapped.stdout or "Rohrpost" in mapped.stdout
    bad = amtsweg("import", str(tmp_path / "fehlt.csv"), "-m", "A", "-s", "W", cwd=tmp_path)
    assert bad.returncode == 2
    for done in (mapped, bad):
        assert_plain(done)


# --- point 7: the demo's samples come with the package --------------------------------------------


def test_the_demo_finds_its_samples_from_any_folder(tmp_path: Path, monkeypatch) -> None:
    from app.cli.demo import SAMPLES, sample_folder

    monkeypatch.chdir(tmp_path)
    folder = sample_folder()
    assert folder.is_absolute()
    for name, mapping in SAMPLES:
        assert (folder / name).is_file() and (folder / mapping).is_file()
    assert sorted(folder.glob("step_mapping_*.toml"))


# --- point 13: one language, one term, help with an example --------------------------------------


def test_every_command_help_shows_an_example_and_analyze_lists_xlsx(tmp_path: Path) -> None:
    for name in COMMANDS:
        done = amtsweg(name, "--help", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"Beispiel / example: amtsweg {name}" in flat(done.stdout)
    helped = amtsweg("analyze", "--help", cwd=tmp_path, columns=200).stdout
    assert ".xlsx" in helped and ".parquet" in helped


def test_export_prints_no_notes_about_the_import(tmp_path: Path) -> None:
    csv = tmp_path / "erkannt.csv"
    csv.write_text("case;activity;timestamp\nA;x;2026-01-01 10:00\n", encoding="utf-8")
    ws = str(tmp_path / "ws.duckdb")
    imported = amtsweg("import", str(csv), "-m", "O", "-s", "W", "-w", ws, cwd=tmp_path)
    assert "Hinweis" in imported.stderr  # the notes belong here
    done = amtsweg("export", str(tmp_path / "x.csv"), "-w", ws, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.strip() == f"geschrieben: {tmp_path / 'x.csv'}"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_detector_names_are_in_the_language_of_the_run(lang: str) -> None:
    output.set_options(lang=lang, quiet=False)
    try:
        assert output.detector_name("manual_reentry") == (
            "Mehrfacherfassung" if lang == "de" else "manual re-entry"
        )
    finally:
        output.set_options(lang="de", quiet=False)
