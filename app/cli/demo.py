"""``amtsweg demo``: the main job on the bundled sample logs, from import to comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from analyzer import findings_summary as fs
from analyzer import schema
from analyzer.findings_summary import CASES, burden_matrix, findings_by_detector
from app.cli.compare import show_comparison, write_comparison
from app.cli.info import overview_table
from app.cli.output import (
    detector_name,
    language,
    number,
    progress,
    quiet,
    say,
    show_table,
    warn,
)

#: The shipped samples the demo imports: (file, mapping) in sample_logs/.
SAMPLES = (
    ("wohngeld.parquet", "wohngeld.parquet.mapping.toml"),
    ("gewerbeanmeldung.parquet", "gewerbeanmeldung.parquet.mapping.toml"),
    (
        "baugenehmigung_beispielheim.jsonocel.gz",
        "baugenehmigung_beispielheim.jsonocel.gz.mapping.toml",
    ),
)

#: Headings of the summary per detector (analyzer.findings_summary) in its CSV.
SUMMARY_HEADINGS: dict[str, tuple[str, str]] = {
    fs.CASES: ("Fälle", "cases"),
    fs.FINDINGS: ("Befunde", "findings"),
    fs.CASES_AFFECTED: ("Fälle mit Befund", "cases affected"),
    fs.SHARE_OF_CASES: ("Anteil der Fälle", "share of cases"),
    fs.PER_1000_CASES: ("Befunde je 1.000 Fälle", "findings per 1,000 cases"),
    fs.MINUTES_LOST: ("verlorene Minuten", "minutes lost"),
}

#: Sentences on what differs from the best peer shown per municipality: the KPI gaps
#: (``--top`` of compare, 3) and the first difference in the process.
DIFFERENCES_SHOWN = 4


def sample_folder() -> Path:
    """The sample logs installed with Amtsweg (package data of ``sample_logs``), wherever
    the command is started; outputs go to the current folder."""
    try:
        import sample_logs
    except ImportError:  # an editable install made before the samples were package data
        return Path(__file__).resolve().parents[2] / "sample_logs"
    return sample_logs.FOLDER


def demo_command(
    samples: Path | None = typer.Option(
        None,
        "--samples",
        help="Ordner der Beispiele (Standard: die mit Amtsweg installierten) / sample folder "
        "(default: the ones installed with Amtsweg)",
    ),
    workspace: Path = typer.Option(Path("amtsweg-demo.duckdb"), "--workspace", "-w"),
    out: Path = typer.Option(Path("amtsweg-demo"), "--out", "-o", help="Ergebnisordner"),
) -> None:
    """Beispiel: sechs Kommunen importieren, Belastungen finden, vergleichen /
    demo: import six municipalities, find burden, compare."""
    from analyzer.problems import error
    from app import api
    from connectors.findings_files import write_table

    samples = samples or sample_folder()
    missing = [name for pair in SAMPLES for name in pair if not (samples / name).is_file()]
    if missing:
        raise error(
            "demo.no_samples",
            f"Beispielprotokolle nicht gefunden ({', '.join(missing)}); --samples angeben",
            f"sample logs not found ({', '.join(missing)}); give --samples",
            file=samples,
        )
    with progress("Import", total=len(SAMPLES)) as advance:
        for i, (name, mapping) in enumerate(SAMPLES):
            records = api.import_log(samples / name, workspace=workspace, mapping=samples / mapping)
            for r in records:
                say(
                    f"importiert: {r.municipality} / {r.service}: {number(r.rows_kept)} Ereignisse",
                    f"imported: {r.municipality} / {r.service}: {number(r.rows_kept)} events",
                )
            advance(i + 1)
    overview, _coverage = api.overview(workspace=workspace)
    show_table(overview_table(overview), keep=2)

    # One pass over the logs, each municipality's read on its own: the detectors, then the
    # comparison harmonised with the samples' confirmed step mappings.
    step_mappings = sorted(samples.glob("step_mapping_*.toml"))
    with progress("Analyse und Vergleich / analysis and comparison") as advance:
        comparison = api.compare(workspace=workspace, step_mappings=step_mappings, progress=advance)
    warn(list(comparison.notes))
    cases = comparison.kpis[[schema.MUNICIPALITY, schema.SERVICE, schema.KPI_CASES]].rename(
        columns={schema.KPI_CASES: CASES}
    )
    summary = findings_by_detector(comparison.findings, cases)
    out.mkdir(parents=True, exist_ok=True)
    write_table(comparison.findings, out / "befunde.parquet")
    lang = language()
    write_table(summary, out / "befunde_je_detektor.csv", language=lang, headings=SUMMARY_HEADINGS)
    matrix = burden_matrix(summary)
    write_table(matrix, out / "vergleich_je_1000_faelle.csv", language=lang)
    if not quiet():
        for service, part in matrix.groupby(schema.SERVICE, sort=True):
            show_table(matrix_table(part, service=str(service)))
    show_comparison(comparison, top_sentences=DIFFERENCES_SHOWN)
    write_comparison(comparison, out / "vergleich.xlsx")
    say(f"Kosten nach: {comparison.edition}", f"Costs computed with: {comparison.edition}")
    say(
        f"Ergebnisse in {out}/: befunde.parquet, befunde_je_detektor.csv, "
        "vergleich_je_1000_faelle.csv, vergleich.xlsx; Arbeitsbereich: "
        f"{workspace} (weiter mit: amtsweg info -w {workspace}, amtsweg compare -w "
        f"{workspace} --step-mapping {samples}/step_mapping_wohngeld.toml ...)",
        f"results in {out}/: befunde.parquet, befunde_je_detektor.csv, "
        f"vergleich_je_1000_faelle.csv, vergleich.xlsx; workspace: {workspace} "
        f"(continue with: amtsweg info -w {workspace}, amtsweg compare -w {workspace} "
        f"--step-mapping {samples}/step_mapping_wohngeld.toml ...)",
    )


def matrix_table(matrix: pd.DataFrame, *, service: str) -> Table:
    """Findings per 1,000 cases: one row per detector, one column per municipality; the
    highest value of each detector in bold."""
    de = language() == "de"
    title = f"{service}: Befunde je 1.000 Fälle" if de else f"{service}: findings per 1,000 cases"
    table = Table(title=title)
    ordered = matrix.sort_values(schema.MUNICIPALITY)
    detectors = [c for c in matrix.columns if c not in (schema.MUNICIPALITY, schema.SERVICE)]
    table.add_column("Detektor" if de else "detector")
    for name in ordered[schema.MUNICIPALITY]:
        table.add_column(str(name), justify="right", no_wrap=True)
    for d in detectors:
        highest = ordered[d].max()
        cells = [
            f"[bold]{number(v)}[/]" if v == highest and v > 0 else number(v) for v in ordered[d]
        ]
        table.add_row(detector_name(d), *cells)
    return table
