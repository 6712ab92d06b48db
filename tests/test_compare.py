"""``amtsweg compare`` as a user runs it: real sample files, real processes, real detectors.

The shipped samples (sample_logs/) are six fictional municipalities whose README says what
each should show; the comparison on them must say the same. Files of different sources and
wordings (a German CSV export and a Parquet file) compare once a step mapping is confirmed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from analyzer import schema
from analyzer.problems import InputError
from app.cli.compare import SHEETS, file_mappings
from connectors.peer_sizes import read_sizes
from connectors.simulator import PROFILES
from connectors.simulator.samples import EXPECTED_RANKINGS, LEADERS, LOWEST

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
EDITION = "Destatis Leitfaden Erfüllungsaufwand, Tabellenstand 2025"


def amtsweg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "AMTSWEG_LANG": "de"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (as written, German headings) with the canonical column names its headings
    stand for (``connectors.findings_files.heading``)."""
    from connectors.findings_files import heading

    columns = [c for c in vars(schema).values() if isinstance(c, str) and ":" in c]
    return table.rename(columns={heading(c, "de"): c for c in columns})


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """The sheets of a written Excel file, with canonical column names."""
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return {name: canonical(sheet) for name, sheet in sheets.items()}


def truth(service: str = "Wohngeld") -> dict[str, str]:
    """Every sample label of ``service`` with its catalogue step (activity_steps.csv)."""
    table = pd.read_csv(SAMPLES / "activity_steps.csv")
    rows = table[table["service"] == service]
    return dict(zip(rows["activity"], rows["step"], strict=True))


@pytest.fixture
def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    """Musterdorf's German CSV export (Windows-1252, German headers and labels) with its
    mapping under another name, and Musterstadt's cases as Parquet with its mapping next to
    it, named as ``amtsweg map`` names it."""
    csv = tmp_path / "wohngeld_musterdorf.csv"
    csv.write_bytes((SAMPLES / "wohngeld_musterdorf.csv").read_bytes())
    (tmp_path / "musterdorf_spalten.toml").write_bytes(
        (SAMPLES / "wohngeld_musterdorf.csv.mapping.toml").read_bytes()
    )
    parquet = tmp_path / "musterstadt.parquet"
    pl.read_parquet(SAMPLES / "wohngeld.parquet").filter(
        pl.col(schema.MUNICIPALITY) == "Musterstadt"
    ).write_parquet(parquet)
    (tmp_path / "musterstadt.mapping.toml").write_bytes(
        (SAMPLES / "wohngeld.parquet.mapping.toml").read_bytes()
    )
    return csv, parquet


def confirm(proposal: Path, target: Path, *, leave_open: tuple[str, ...] = ()) -> None:
    """What a user does with a proposal: remove the '#' of each suggestion, writing the right
    step where the suggestion is wrong (or missing); ``leave_open`` stay commented."""
    steps = truth()
    line = re.compile(r'^# ("(?:[^"\\]|\\.)*") = "[^"]*"')
    lines = []
    for text in proposal.read_text(encoding="utf-8").splitlines():
        found = line.match(text)
        if found and found.group(1)[1:-1] not in leave_open:
            label = found.group(1)[1:-1]
            text = f'{found.group(1)} = "{steps[label]}"'
        lines.append(text)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_different_sources_compare_once_the_step_mapping_is_confirmed(tmp_path, two_sources):
    csv, parquet = two_sources
    files = [csv.name, parquet.name, "--mapping", f"{csv.name}=musterdorf_spalten.toml"]

    # 1. No step mapping: the KPIs that need no steps, the open labels, a proposal; exit 0.
    first = amtsweg("compare", *files, "--out", "erst.xlsx", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "wohngeld_musterdorf.csv: Zuordnung musterdorf_spalten.toml" in out
    assert "musterstadt.parquet: Zuordnung musterstadt.mapping.toml" in out
    log = pl.read_parquet(SAMPLES / "wohngeld.parquet")
    used = log.filter(pl.col(schema.MUNICIPALITY).is_in(["Musterdorf", "Musterstadt"]))
    labels = used[schema.ACTIVITY].n_unique()  # no label is used by both
    assert labels == used.select(schema.MUNICIPALITY, schema.ACTIVITY).unique().height
    assert f"Wohngeld: {labels} Tätigkeiten ohne bestätigten Referenzschritt" in out
    assert "„Antrag online eingegangen“" in out  # Musterstadt's wording, the most frequent
    assert "ohne bestätigte Schritt-Zuordnung" in out
    proposal = tmp_path / "step_mapping_wohngeld.toml"
    assert f"Vorschlag geschrieben: {proposal.name}" in out
    assert f"--step-mapping {proposal.name}" in out
    assert "Kosten nach: " + EDITION in out
    sheets = read_sheets(tmp_path / "erst.xlsx")
    assert list(sheets) == [*SHEETS, "Herkunft"]
    # the edition once, on the provenance sheet (not in every row of every sheet)
    raw = pd.read_excel(tmp_path / "erst.xlsx", sheet_name="Herkunft", engine="openpyxl")
    provenance = raw.set_index("Angabe")["Wert"]
    assert provenance["Kostenstand (Destatis-Tabellen)"].startswith(EDITION)
    open_labels = sheets["Offene Tätigkeiten"]
    assert set(open_labels[schema.MUNICIPALITY]) == {"Musterdorf", "Musterstadt"}
    assert len(open_labels) == labels
    kpis = sheets["Kennzahlen"].set_index(schema.MUNICIPALITY)
    assert schema.KPI_FITNESS not in kpis  # step-based: not without a mapping (no column)
    assert (
        kpis.loc["Musterdorf", schema.KPI_MEDIA_BREAKS_PER_1000]
        > (kpis.loc["Musterstadt", schema.KPI_MEDIA_BREAKS_PER_1000])
    )
    text = proposal.read_text(encoding="utf-8")
    assert 'catalogue = "wohngeld"' in text
    assert '# "Ablage Bescheid" = "ablegen"   # 95 %, 160 Ereignisse' in text

    # 2. The user confirms all but one label: that one is named as still open.
    confirmed = tmp_path / "schritte.toml"
    confirm(proposal, confirmed, leave_open=("Ablage Bescheid",))
    second = amtsweg("compare", *files, "--step-mapping", confirmed.name, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Wohngeld: 1 Tätigkeiten ohne bestätigten Referenzschritt (160 Ereignisse)" in (
        second.stdout
    )
    assert "„Ablage Bescheid“ (160) → ablegen" in second.stdout
    assert (tmp_path / "step_mapping_wohngeld.proposal.toml").exists()  # never overwritten
    assert proposal.read_text(encoding="utf-8") == text

    # 3. All confirmed: step by step; no open label; CSV with the edition in every table.
    confirm(proposal, confirmed)
    third = amtsweg(
        "compare", *files, "--step-mapping", confirmed.name, "--out", "v.csv", cwd=tmp_path
    )
    assert third.returncode == 0, third.stderr
    out = third.stdout
    assert "ohne bestätigten Referenzschritt" not in out
    assert "Referenz" in out  # fitness against the reference process is a column now
    assert "Musterdorf (Wohngeld) – was Musterstadt anders macht:" in out
    assert "Musterstadt hat „Daten automatisch übernehmen → Vollständigkeit prüfen“" in out
    assert "Häufigste Variante bei Musterstadt" in out
    kpis = canonical(pd.read_csv(tmp_path / "v.csv", sep=";", decimal=","))
    kpis = kpis.set_index(schema.MUNICIPALITY)
    assert kpis.loc["Musterstadt", schema.RANK] == 1
    assert 0 < kpis.loc["Musterdorf", schema.KPI_FITNESS] < 1
    for name in ("v", "v_rangfolge", "v_raenge", "v_best_practice", "v_offene_taetigkeiten"):
        table = canonical(pd.read_csv(tmp_path / f"{name}.csv", sep=";", decimal=","))
        assert schema.COST_EDITION in table.columns, name
        assert table[schema.COST_EDITION].str.startswith(EDITION).all(), name


#: Burden kind of the README's rankings → the KPI that counts its findings.
KIND_KPIS = {
    "media_break": schema.KPI_MEDIA_BREAKS_PER_1000,
    "manual_reentry": schema.KPI_REENTRIES_PER_1000,
    "once_only": schema.KPI_ONCE_ONLY_PER_1000,
    "duplicate_responsibility": schema.KPI_DUPLICATES_PER_1000,
    "ping_pong": schema.KPI_PING_PONG_PER_1000,
    "rework": schema.KPI_REWORK_RATE,
    "long_wait": schema.KPI_THROUGHPUT_P90_DAYS,  # long waits show in the slow tail
}

#: What sample_logs/README.md says each municipality shows, as words its explanation must
#: contain (in its KPI sentences, or for print–sign–scan in its process differences).
README_EXPLANATIONS = {
    "Beispielstadt": ("Medienbrüche", "„Ausdrucken → Unterschreiben“"),
    "Musterhausen": ("Once-only-Verstöße", "Mehrfacherfassungen"),
    "Mustertal": ("Durchlaufzeit", "Nacharbeit"),
    "Beispielheim": ("Doppelzuständigkeiten", "Ping-Pong"),
    "Musterdorf": ("Medienbrüche",),
}


def test_the_shipped_samples_compare_as_their_readme_says(tmp_path):
    """Real detectors on both shipped Parquet logs (six municipalities each), harmonised with
    the shipped step mappings: Musterstadt, "the benchmark leader", ranks first in both
    services; the README's rankings and leaders hold for the KPIs; and each standout's
    explanation names what the README says it shows."""
    done = amtsweg(
        "compare",
        str(SAMPLES / "wohngeld.parquet"),
        str(SAMPLES / "gewerbeanmeldung.parquet"),
        "--step-mapping",
        str(SAMPLES / "step_mapping_wohngeld.toml"),
        "--step-mapping",
        str(SAMPLES / "step_mapping_gewerbeanmeldung.toml"),
        "--out",
        "samples.xlsx",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "ohne bestätigten Referenzschritt" not in done.stdout
    sheets = read_sheets(tmp_path / "samples.xlsx")
    kpis, explained = sheets["Kennzahlen"], sheets["Best Practice"]
    for service, key in (("Wohngeld", "wohngeld"), ("Gewerbeanmeldung", "gewerbeanmeldung")):
        table = kpis[kpis[schema.SERVICE] == service].set_index(schema.MUNICIPALITY)
        assert table[schema.RANK].idxmin() == "Musterstadt", service
        assert (table[schema.RANK] == 1).sum() == 1, service

        def value(municipality: str, kind: str, table: pd.DataFrame = table) -> float:
            return float(table.loc[PROFILES[municipality].name, KIND_KPIS[kind]])

        for kind, order in EXPECTED_RANKINGS[key].items():
            values = [value(m, kind) for m in order]
            assert values == sorted(values, reverse=True), (service, kind, values)
        for kind, leader in LEADERS[key].items():
            others = [value(m, kind) for m in PROFILES if m != leader]
            assert value(leader, kind) > max(others), (service, kind)
        for kind in EXPECTED_RANKINGS[key]:
            assert value(LOWEST, kind) == min(value(m, kind) for m in PROFILES), (service, kind)

        for municipality, words in README_EXPLANATIONS.items():
            rows = explained[
                (explained[schema.SERVICE] == service)
                & (explained[schema.MUNICIPALITY] == municipality)
            ]
            assert set(rows[schema.RANK_BEST_MUNICIPALITY]) == {"Musterstadt"}
            kpi_sentences = " ".join(rows[schema.DIFF_TEXT].head(3))
            text = " ".join(rows[schema.DIFF_TEXT])
            for word in words:
                where = text if word.startswith("„") else kpi_sentences
                assert word in where, (service, municipality, word, kpi_sentences)
    assert "Musterstadt: Musterstadt ist in der Vergleichsgruppe „alle“ am besten." in (done.stdout)


def test_inhabitants_form_peer_groups(tmp_path):
    """With the README's inhabitants, the six fall into three size classes; each is ranked
    and explained within its own: Musterstadt alone among the Großstädte, Beispielstadt and
    Musterhausen level first of the Mittelstädte (each is told so), Musterdorf compared
    with Beispielheim. A cost settings file is named in every table."""
    from app import api

    sizes = tmp_path / "einwohner.csv"
    sizes.write_text(
        "Kommune;Einwohner\nMusterstadt;210.000\nBeispielstadt;95.000\nMusterhausen;60.000\n"
        "Mustertal;35.000\nBeispielheim;18.000\nMusterdorf;8.000\n",
        encoding="utf-8",
    )
    costs = tmp_path / "kosten.toml"
    costs.write_text(
        'label = "Vergleichsring 2026"\n[wage_rates.kommunen]\ndurchschnitt = 50.00\n',
        encoding="utf-8",
    )
    result = api.compare(
        [SAMPLES / "wohngeld.parquet"],
        step_mappings=[SAMPLES / "step_mapping_wohngeld.toml"],
        sizes=sizes,
        costs=costs,
    )
    assert result.edition == f"{EDITION} (ungeprüfte Abschrift) + Anpassungen: Vergleichsring 2026"
    for table in (result.kpis, result.ranking, result.best_practice, result.unmapped):
        assert (table[schema.COST_EDITION] == result.edition).all()
    ranking = result.ranking.set_index(schema.MUNICIPALITY)
    assert ranking[schema.KPI_PEER_GROUP].to_dict() == {
        "Musterstadt": "Großstadt (≥ 100.000)",
        "Beispielstadt": "Mittelstadt (20.000–100.000)",
        "Musterhausen": "Mittelstadt (20.000–100.000)",
        "Mustertal": "Mittelstadt (20.000–100.000)",
        "Beispielheim": "Kleinstadt (5.000–20.000)",
        "Musterdorf": "Kleinstadt (5.000–20.000)",
    }
    assert ranking.loc["Musterstadt", schema.RANK_PEERS] == 1
    assert ranking[schema.RANK].to_dict() == {
        "Musterstadt": 1,
        "Beispielheim": 1,
        "Musterdorf": 2,
        "Beispielstadt": 2,  # level with Musterhausen while p90 throughput counted twice
        "Musterhausen": 1,
        "Mustertal": 3,
    }
    first = result.best_practice.groupby(schema.MUNICIPALITY).first()
    assert first[schema.RANK_BEST_MUNICIPALITY].to_dict() == {
        "Musterstadt": "Musterstadt",
        "Beispielheim": "Beispielheim",
        "Musterdorf": "Beispielheim",
        "Beispielstadt": "Musterhausen",
        "Musterhausen": "Musterhausen",
        "Mustertal": "Musterhausen",
    }
    assert first.loc["Musterhausen", schema.DIFF_TEXT] == (
        "Musterhausen ist in der Vergleichsgruppe „Mittelstadt (20.000–100.000)“ am besten."
    )
    assert result.kpis.set_index(schema.MUNICIPALITY).loc["Musterdorf", schema.KPI_SIZE] == 8000


def test_inhabitants_files_are_checked(tmp_path):
    toml = tmp_path / "sizes.toml"
    toml.write_text('Musterstadt = 210_000\n"Bad Beispiel" = 8000\n', encoding="utf-8")
    assert read_sizes(toml) == {"Musterstadt": 210_000, "Bad Beispiel": 8000}
    table = tmp_path / "sizes.toml"
    table.write_text("[einwohner]\nMusterdorf = 8000\n", encoding="utf-8")
    assert read_sizes(table) == {"Musterdorf": 8000}
    bad = tmp_path / "bad.toml"
    bad.write_text('A = "viele"\nB = 0\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_sizes(bad)
    assert [(p.row, p.value) for p in error.value.problems] == [(1, "viele"), (2, "0")]
    csv = tmp_path / "bad.csv"
    csv.write_text("Kommune,Einwohner\nA,1.000\nA,2000\nB,zwei\nC\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_sizes(csv)
    assert [(p.code, p.row) for p in error.value.problems] == [
        ("sizes.twice", 3),
        ("sizes.not_whole", 4),
        ("sizes.two_columns", 5),
    ]


def test_mappings_per_file(tmp_path):
    """FILE=MAPPING for one file, a plain MAPPING for all others, else the file's own mapping
    next to it (as ``amtsweg map`` names it, or FILE.<suffix>.mapping.toml)."""
    a, b, c = (tmp_path / n for n in ("a.csv", "b.csv", "c.parquet"))
    (tmp_path / "b.mapping.toml").write_text("", encoding="utf-8")
    (tmp_path / "c.parquet.mapping.toml").write_text("", encoding="utf-8")
    assert file_mappings([a, b, c], [f"{a}=x.toml"]) == {
        str(a): "x.toml",
        str(b): str(tmp_path / "b.mapping.toml"),
        str(c): str(tmp_path / "c.parquet.mapping.toml"),
    }
    assert file_mappings([a, b], ["a.csv=x.toml", "all.toml"]) == {
        str(a): "x.toml",
        str(b): "all.toml",
    }
    with pytest.raises(InputError) as error:
        file_mappings([a], ["d.csv=x.toml", "one.toml", "two.toml"])
    assert [p.code for p in error.value.problems] == [
        "compare.mapping_file_unknown",
        "compare.mapping_twice",
    ]


def test_mistakes_are_plain_sentences(tmp_path, two_sources):
    csv, _parquet = two_sources
    mapping = f"{csv.name}=musterdorf_spalten.toml"
    twice = amtsweg(
        "compare", csv.name, str(SAMPLES / "wohngeld.parquet"), "--mapping", mapping, cwd=tmp_path
    )
    assert twice.returncode == 2
    assert "Musterdorf / Wohngeld steht schon in wohngeld_musterdorf.csv" in twice.stderr
    assert "Traceback" not in twice.stderr
    wrong_out = amtsweg("compare", csv.name, "--out", "x.parquet", cwd=tmp_path)
    assert wrong_out.returncode == 2 and "als .csv oder .xlsx" in wrong_out.stderr
    typo = tmp_path / "schritte.toml"
    typo.write_text('catalogue = "wohngeld"\n[steps]\n"Antrag" = "antragseingan"\n', "utf-8")
    bad = amtsweg(
        "compare", csv.name, "--mapping", mapping, "--step-mapping", typo.name, cwd=tmp_path
    )
    assert bad.returncode == 2 and "antragseingang" in bad.stderr  # the closest step id


def test_demo_compares_the_samples(tmp_path):
    """The demo imports the samples, finds burden, and compares: the KPI table with cost per
    case, the ranking, the edition named, and vergleich.xlsx with every sheet."""
    done = amtsweg("demo", "--samples", str(SAMPLES), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Wohngeld: Befunde je 1.000 Fälle" in out
    assert "Wohngeld: Kennzahlen" in out and "€ je Fall" in out
    assert "Wohngeld: Rangfolge je Vergleichsgruppe" in out
    assert "Gewerbeanmeldung: Rangfolge je Vergleichsgruppe" in out
    assert "Beispielstadt (Wohngeld) – was Musterstadt anders macht:" in out
    assert "Kosten nach: " + EDITION in out
    sheets = read_sheets(tmp_path / "amtsweg-demo" / "vergleich.xlsx")
    # the shipped mappings cover every label: no empty sheet of open labels
    assert list(sheets) == [s for s in SHEETS if s != "Offene Tätigkeiten"] + ["Herkunft"]
    ranking = sheets["Rangfolge"]
    firsts = ranking[ranking[schema.RANK] == 1].set_index(schema.SERVICE)[schema.MUNICIPALITY]
    assert firsts.to_dict() == {
        "Baugenehmigung": "Beispielheim",  # the only one
        "Gewerbeanmeldung": "Musterstadt",
        "Wohngeld": "Musterstadt",
    }


def test_workspace_logs_compare_the_same_in_memory_and_in_the_database(tmp_path):
    """``in_memory_limit=0`` keeps every log inside DuckDB (lazy windows); the KPI table is
    the same as with the logs read into memory."""
    from app import api

    workspace = tmp_path / "ws.duckdb"
    api.import_log(SAMPLES / "gewerbeanmeldung.parquet", workspace=workspace)
    in_memory = api.compare([], workspace=workspace, proposal_dir=tmp_path)
    in_database = api.compare([], workspace=workspace, proposal_dir=tmp_path, in_memory_limit=0)
    assert len(in_memory.kpis) >= 6
    pd.testing.assert_frame_equal(in_memory.kpis, in_database.kpis, check_dtype=False)
    pd.testing.assert_frame_equal(in_memory.findings, in_database.findings)
