"""``amtsweg simulate``: simulated event logs with ground-truth burden labels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from analyzer.problems import InputError, problem
from app.cli.output import language, progress, quiet, say, show_table


def _items(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _start(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [
                problem(
                    "simulate.start_format",
                    "Startdatum nicht lesbar; erwartet z. B. 2025-01-01",
                    "start date cannot be read; expected e.g. 2025-01-01",
                    value=text,
                )
            ]
        ) from None


def simulate_command(
    service: str = typer.Option(
        "wohngeld", "--service", "-s", help="wohngeld | gewerbeanmeldung | baugenehmigung"
    ),
    municipality: list[str] = typer.Option(
        None,
        "--municipality",
        "-m",
        help="Kommunenprofil(e), mehrfach oder mit Komma; 'all' für alle / municipality "
        "profile(s), repeated or comma-separated; 'all' for all (default: musterstadt)",
    ),
    cases: int | None = typer.Option(
        None,
        "--cases",
        "-n",
        help="Fälle je Kommune / cases per municipality (default: one year of cases)",
    ),
    events: int | None = typer.Option(
        None,
        "--events",
        help="ganze Fälle bis mindestens so viele Ereignisse je Kommune / "
        "whole cases until at least this many events per municipality",
    ),
    seed: int = typer.Option(0, "--seed", help="Startwert; gleicher Wert, gleiche Bytes / seed"),
    formats: list[str] = typer.Option(
        None,
        "--format",
        "-f",
        help="parquet, csv (deutscher Export), xes, ocel; mehrfach oder "
        "mit Komma / repeated or comma-separated (default: parquet)",
    ),
    out: Path = typer.Option(Path("simulated"), "--out", "-o", help="Zielordner / directory"),
    name: str | None = typer.Option(None, "--name", help="Dateiname ohne Endung / file stem"),
    drop: list[str] = typer.Option(
        None, "--drop", help="Attribute weglassen (z. B. medium,level) / attributes to drop"
    ),
    clean: bool = typer.Option(
        False, "--clean", help="keine Belastung einbauen / inject no burden"
    ),
    start: str = typer.Option("2025-01-01", "--start", help="erster Tag / first day"),
    gzip: bool = typer.Option(False, "--gzip", help="XES und OCEL komprimiert / compressed"),
    sample_set: bool = typer.Option(
        False,
        "--sample-set",
        help="die mitgelieferten Beispielprotokolle schreiben / write the shipped sample logs",
    ),
    show: bool = typer.Option(
        False, "--list", help="Leistungen und Kommunenprofile zeigen / list services and profiles"
    ),
) -> None:
    """Simulierte Protokolle mit Belastungs-Labels / simulated logs with burden labels."""
    from connectors.simulator import PROFILES, SERVICES, write_sample_logs, write_simulated_logs

    if show:
        if not quiet():
            show_table(_profiles_table(PROFILES, SERVICES))
            for p in PROFILES.values():
                say(f"{p.name}: {p.shows_de}", f"{p.name}: {p.shows_en}")
        return
    if sample_set:
        with progress("Beispielprotokolle / sample logs"):
            files = write_sample_logs(out)
        say(f"{len(files)} Dateien geschrieben in {out}", f"{len(files)} files written to {out}")
        return
    with progress("Simulieren / simulating") as advance:
        result = write_simulated_logs(
            service,
            _items(municipality) or ["musterstadt"],
            out,
            name=name,
            formats=_items(formats) or ["parquet"],
            cases=cases,
            events=events,
            seed=seed,
            start=_start(start),
            clean=clean,
            drop=_items(drop),
            compress=gzip,
            progress=lambda done, total: advance(done, total),
        )
    rate = result.events / result.seconds if result.seconds else 0.0

    def de(number: float) -> str:
        return f"{number:,.0f}".replace(",", ".")

    seconds = f"{result.seconds:.1f}".replace(".", ",")
    say(
        f"{de(result.cases)} Fälle, {de(result.events)} Ereignisse in {seconds} s "
        f"({de(rate)} Ereignisse/s)",
        f"{result.cases:,} cases, {result.events:,} events in {result.seconds:.1f} s "
        f"({rate:,.0f} events/s)",
    )
    labels = ", ".join(f"{k}: {v}" for k, v in sorted(result.labels.items())) or "—"
    say(f"Labels: {labels}", f"labels: {labels}")
    for f in result.files:
        say(f"geschrieben: {f}", f"written: {f}")


def _profiles_table(profiles, services) -> Table:
    de = language() == "de"
    table = Table(title="Kommunenprofile" if de else "Municipality profiles")
    for head in (
        ("Schlüssel", "key"),
        ("Kommune", "municipality"),
        ("Art", "kind"),
        ("Einwohner", "inhabitants"),
    ):
        table.add_column(head[0] if de else head[1])
    for s in services.values():
        table.add_column(f"{s.name}/Jahr" if de else f"{s.name}/year", justify="right")
    for p in profiles.values():
        table.add_row(
            p.key,
            p.name,
            p.kind_de if de else p.kind_en,
            f"{p.inhabitants:,}",
            *[f"{p.cases_per_year[s.key]:,}" for s in services.values()],
        )
    return table
