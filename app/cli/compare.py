"""``amtsweg compare``: municipalities compared with each other, in the terminal and a file.

Files or a workspace; each municipality's log is analysed on its own, only the aggregates are
compared. Without a confirmed step mapping the comparison uses the KPIs that need no
harmonised steps, and a proposal is written to confirm.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from analyzer import schema
from analyzer.comparison import KPI_NAMES, format_kpi
from analyzer.problems import error
from app.cli.output import (
    attribute_values,
    language,
    number,
    progress,
    quiet,
    say,
    show_table,
    warn,
)
from connectors.workspace import DEFAULT_WORKSPACE

# pm4py (fitness against the reference process) would draw its own progress bar per log.
os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "false")

#: Rows of the terminal's KPI table: KPI, German and English name.
TERMINAL_KPIS: tuple[tuple[str, str, str], ...] = (
    (schema.KPI_CASES, "Fälle", "cases"),
    (schema.KPI_THROUGHPUT_MEDIAN_DAYS, "Tage (Median)", "days (median)"),
    (schema.KPI_EUROS_PER_CASE, "€ je Fall", "€ per case"),
    (schema.KPI_OPEN_CASES, "offene Fälle (Anzahl)", "open cases (count)"),
    (schema.KPI_MEDIA_BREAKS_PER_1000, "Medienbrüche", "media breaks"),
    (schema.KPI_REENTRIES_PER_1000, "Mehrfacherfassungen", "re-entries"),
    (schema.KPI_ONCE_ONLY_PER_1000, "Once-only-Verstöße", "once-only violations"),
    (schema.KPI_DUPLICATES_PER_1000, "Doppelzuständigkeiten", "duplicate responsibilities"),
    (schema.KPI_PING_PONG_PER_1000, "Ping-Pong zwischen Ebenen", "ping-pong between levels"),
    (schema.KPI_REWORK_RATE, "Fälle mit Nacharbeit", "cases with rework"),
    (schema.KPI_ONLINE_INTAKE_SHARE, "Online-Eingang", "online intake"),
    (schema.KPI_FITNESS, "Übereinstimmung mit dem Referenzprozess", "fitness to the reference"),
)
#: Sheets of the Excel file.
SHEETS = ("Kennzahlen", "Rangfolge", "Ränge je Kennzahl", "Best Practice", "Offene Tätigkeiten")


def compare_command(
    sources: list[Path] = typer.Argument(
        None,
        help="Dateien oder Ordner mit Exporten und ihren Zuordnungen (sonst der "
        "Arbeitsbereich) / files or folders of exports with their mappings (else the workspace)",
    ),
    workspace: Path = typer.Option(Path(DEFAULT_WORKSPACE), "--workspace", "-w"),
    mapping: list[str] = typer.Option(
        None,
        "--mapping",
        help="Zuordnung der Spalten: DATEI=ZUORDNUNG je Datei, oder eine für alle; ohne: "
        "DATEI.mapping.toml daneben, falls vorhanden / column mapping: FILE=MAPPING per file "
        "or one for all; default: FILE.mapping.toml next to it",
    ),
    service: str | None = typer.Option(None, "--service", "-s", help="nur diese Leistung"),
    step_mapping: list[Path] = typer.Option(
        None,
        "--step-mapping",
        help="bestätigte Schritt-Zuordnung (je Leistung eine) / confirmed step mapping",
    ),
    costs: Path | None = typer.Option(
        None, "--costs", help="Kosteneinstellungen (TOML) / cost settings"
    ),
    sizes: Path | None = typer.Option(
        None, "--sizes", help="Einwohner je Kommune (.toml/.csv) für Vergleichsgruppen"
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Ergebnis / results: .csv oder .xlsx, Überschriften in --lang / headings in --lang",
    ),
    end: list[str] = typer.Option(
        None,
        "--end",
        help="Tätigkeit (mit Schritt-Zuordnung: Schritt), die einen Fall abschließt; mehrfach "
        "möglich; andere Fälle gelten als offen und zählen nicht zur Durchlaufzeit / activity "
        "(step) that closes a case; others are open and left out of throughput times",
    ),
    by: str | None = typer.Option(
        None,
        "--by",
        help="je Wert dieses Fall-Attributs getrennt / one log per value of this case "
        "attribute (amtsweg info lists them), e.g. --by Verfahrensart",
    ),
    where: list[str] = typer.Option(
        None,
        "--where",
        help="nur Fälle mit ATTRIBUT=WERT (mehrfach möglich) / only cases with "
        "ATTRIBUTE=VALUE (repeatable)",
    ),
    top: int = typer.Option(3, "--top", help="so viele Unterschiede je Art / differences"),
) -> None:
    """Kommunen vergleichen: Kennzahlen, Kosten je Fall, Rangfolge, was die Besten anders
    machen / compare municipalities: KPIs, cost per case, ranking, what the best do
    differently."""
    from app import api
    from connectors.findings_files import FORMATS

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise error(
            "compare.out_format",
            "Ergebnis als .csv oder .xlsx schreiben",
            "write the results as .csv or .xlsx",
            file=out,
            value=", ".join(f for f in FORMATS if f in (".csv", ".xlsx")),
        )
    found = api.logs_in(list(sources or []))
    files = list(found.files)
    mappings = file_mappings(files, list(mapping or []))
    for file in files:
        say(*api.mapping_for(file, mappings.get(str(file))).sentence(file))
    with progress("Vergleich / comparison") as advance:
        result = api.compare(
            found,
            workspace=None if files else workspace,
            mappings=mappings,
            service=service,
            step_mappings=list(step_mapping or []),
            costs=costs,
            sizes=sizes,
            proposal_dir=(out.parent if out is not None else Path.cwd()),
            top=top,
            by=by,
            where=attribute_values(where),
            end_activities=tuple(end or ()),
            progress=advance,
        )
    warn(list(result.notes))
    show_comparison(result)
    report_unmapped(
        result, files=list(sources or []), workspace=None if files else workspace, service=service
    )
    if out is not None:
        written = write_comparison(result, out)
        listed = ", ".join(str(p) for p in written)
        say(f"Geschrieben: {listed}", f"Written: {listed}")
    say(f"Kosten nach: {result.edition}", f"Costs computed with: {result.edition}")


def file_mappings(files: list[Path], given: list[str]) -> dict[str, str]:
    """File → its column mapping: ``FILE=MAPPING`` pairs, one plain ``MAPPING`` for all
    other files, else the mapping beside the file (:func:`app.api.logs.mapping_for`)."""
    from analyzer.problems import InputError, problem
    from app.api.logs import mapping_for

    by_file: dict[str, str] = {}
    common: str | None = None
    problems = []
    names = {str(f): f for f in files}
    for item in given:
        file, sep, target = item.partition("=")
        if not sep:
            if common is not None:
                problems.append(
                    problem(
                        "compare.mapping_twice",
                        "mehr als eine Zuordnung ohne Datei; je Datei DATEI=ZUORDNUNG angeben",
                        "more than one mapping without a file; give FILE=MAPPING per file",
                        value=item,
                    )
                )
            common = item
            continue
        match = names.get(file) or next((f for f in files if f.name == file), None)
        if match is None:
            problems.append(
                problem(
                    "compare.mapping_file_unknown",
                    f"--mapping {item}: „{file}“ ist keine der Dateien ({', '.join(names) or '—'})",
                    f"--mapping {item}: '{file}' is not one of the files "
                    f"({', '.join(names) or '—'})",
                    value=file,
                )
            )
            continue
        by_file[str(match)] = target
    if problems:
        raise InputError(problems)
    for file in files:
        if str(file) not in by_file:
            found = common or mapping_for(file).path
            if found is not None:
                by_file[str(file)] = str(found)
    return by_file


# --- terminal -----------------------------------------------------------------------------------


def show_comparison(result, *, top_sentences: int | None = None) -> None:
    """The KPI table per service, the ranking within peer groups and what differs."""
    if quiet():
        return
    for service, part in result.kpis.groupby(schema.SERVICE, sort=True):
        show_table(kpi_table(part, service=str(service)))
        show_cost_notes(part)
        ranking = result.ranking[result.ranking[schema.SERVICE] == service]
        show_table(ranking_table(ranking, part, service=str(service)))
        if service not in result.harmonised:
            say(
                f"{service}: ohne bestätigte Schritt-Zuordnung: Varianten, Übereinstimmung mit "
                "dem Referenzprozess und Prozessunterschiede fehlen.",
                f"{service}: no confirmed step mapping: variants, fitness against the reference "
                "process and process differences are missing.",
            )
        show_differences(result.best_practice, service=str(service), limit=top_sentences)


def show_cost_notes(kpis: pd.DataFrame) -> None:
    """Under the KPI table: why a cost per case is missing ("–"), once per distinct reason
    (one sentence for all municipalities that share it). What a cost rests on is in the
    written tables (``cost:note``), not repeated here."""
    if schema.COST_NOTE not in kpis.columns:
        return
    unpriced = kpis[kpis[schema.KPI_EUROS_PER_CASE].isna()]
    for (de, en), part in unpriced.groupby([schema.COST_NOTE, schema.COST_NOTE_EN], sort=False):
        names = ", ".join(sorted(map(str, part[schema.MUNICIPALITY])))
        say(f"Kosten – ({names}): {de}", f"Costs – ({names}): {en}", style="yellow")


def kpi_table(kpis: pd.DataFrame, *, service: str) -> Table:
    """The main KPIs as rows, municipalities as columns (best rank first), so a table of
    many municipalities folds into several at a narrow terminal, each with the KPI names;
    the best value of each KPI in bold."""
    from analyzer.comparison import HIGHER_IS_BETTER, LOWER_IS_BETTER

    de = language() == "de"
    lang = "de" if de else "en"
    table = Table(
        title=f"{service}: Kennzahlen (je 1.000 Fälle, wo nicht anders angegeben)"
        if de
        else f"{service}: KPIs (per 1,000 cases unless stated)"
    )
    table.add_column("Kennzahl" if de else "KPI")
    ordered = kpis.sort_values([schema.RANK, schema.MUNICIPALITY])
    for name in ordered[schema.MUNICIPALITY]:
        table.add_column(str(name), justify="right", no_wrap=True)
    for kpi, h_de, h_en in TERMINAL_KPIS:
        values = ordered[kpi]
        # an unpriced cost stays in the table as "–" (its reason follows the table)
        if not values.notna().any() and kpi != schema.KPI_EUROS_PER_CASE:
            continue
        best = None
        if kpi in LOWER_IS_BETTER:
            best = values.min()
        elif kpi in HIGHER_IS_BETTER:
            best = values.max()
        cells = []
        for value in values:
            text = format_kpi(kpi, float(value), lang)
            cells.append(f"[bold]{escape(text)}[/]" if value == best else escape(text))
        table.add_row(h_de if de else h_en, *cells)
    table.add_row("Rang" if de else "rank", *[str(r) for r in ordered[schema.RANK]])
    return table


def ranking_table(ranking: pd.DataFrame, kpis: pd.DataFrame, *, service: str) -> Table:
    de = language() == "de"
    table = Table(
        title=f"{service}: Rangfolge je Vergleichsgruppe (mittlerer Rang über die Kennzahlen)"
        if de
        else f"{service}: ranking within peer groups (mean rank over the KPIs)"
    )
    for h_de, h_en, justify in (
        ("Vergleichsgruppe", "peer group", "left"),
        ("Rang", "rank", "right"),
        ("Kommune", "municipality", "left"),
        ("mittlerer Rang", "mean rank", "right"),
        ("Einwohner", "inhabitants", "right"),
    ):
        table.add_column(h_de if de else h_en, justify=justify)
    sizes = kpis.set_index(schema.MUNICIPALITY)[schema.KPI_SIZE]
    for rec in ranking.to_dict("records"):
        size = sizes.get(rec[schema.MUNICIPALITY])
        table.add_row(
            str(rec[schema.KPI_PEER_GROUP]),
            f"{rec[schema.RANK]} / {rec[schema.RANK_PEERS]}",
            str(rec[schema.MUNICIPALITY]),
            number(rec[schema.RANK_SCORE], decimals=2),
            "–" if pd.isna(size) else number(int(size)),
        )
    return table


def show_differences(best_practice: pd.DataFrame, *, service: str, limit: int | None) -> None:
    """For each municipality: what differs from the best peer, one sentence per line."""
    de = language() == "de"
    column = schema.DIFF_TEXT if de else schema.DIFF_TEXT_EN
    rows = best_practice[best_practice[schema.SERVICE] == service]
    for municipality, part in rows.groupby(schema.MUNICIPALITY, sort=False):
        best = part.iloc[0][schema.RANK_BEST_MUNICIPALITY]
        if best == municipality:
            say(
                f"{municipality}: {part.iloc[0][column]}", f"{municipality}: {part.iloc[0][column]}"
            )
            continue
        say(
            f"{municipality} ({service}) – was {best} anders macht:",
            f"{municipality} ({service}) – what {best} does differently:",
        )
        sentences = part[column].tolist()
        for sentence in sentences[:limit] if limit else sentences:
            say(f"  • {sentence}", f"  • {sentence}")


def report_unmapped(
    result, *, files: list[Path], workspace: Path | None, service: str | None = None
) -> None:
    """Which labels still have no confirmed step, and how to confirm them."""
    open_labels = result.unmapped
    if open_labels.empty:
        return
    for name, part in open_labels.groupby(schema.SERVICE, sort=True):
        labels = (
            part.groupby(schema.MAPPING_LABEL, sort=False)[schema.MAPPING_EVENTS]
            .sum()
            .sort_values(ascending=False, kind="stable")
        )
        suggestion = part.drop_duplicates(schema.MAPPING_LABEL).set_index(schema.MAPPING_LABEL)
        say(
            f"{name}: {number(len(labels))} Tätigkeiten ohne bestätigten Referenzschritt "
            f"({number(int(labels.sum()))} Ereignisse), die häufigsten mit Vorschlag:",
            f"{name}: {number(len(labels))} activity labels without a confirmed reference "
            f"step ({number(int(labels.sum()))} events), the most frequent with a suggestion:",
        )
        for label, events in labels.head(10).items():
            step = suggestion.loc[label, schema.STEP]
            score = suggestion.loc[label, schema.MAPPING_SCORE]
            found = isinstance(step, str) and bool(step)
            hint_de = f"→ {step} ({score:.0f} %)" if found else "→ kein Vorschlag"
            hint_en = f"→ {step} ({score:.0f} %)" if found else "→ no suggestion"
            n = number(int(events))
            say(f"  „{label}“ ({n}) {hint_de}", f"  '{label}' ({n}) {hint_en}")
        if len(labels) > 10:
            say(
                f"  … und {number(len(labels) - 10)} weitere (alle in der Ergebnisdatei und im "
                "Vorschlag)",
                f"  … and {number(len(labels) - 10)} more (all in the results file and the "
                "proposal)",
            )
    for path in result.proposals:
        again = " ".join(str(f) for f in files) if files else f"-w {workspace}"
        again += f" -s {service}" if service else ""
        say(
            f"Vorschlag geschrieben: {path}. Zum Bestätigen jede Zeile prüfen und das '#' am "
            'Anfang entfernen (falsche Schritte ersetzen, "-" = kein Referenzschritt), dann: '
            f"amtsweg compare {again} --step-mapping {path}",
            f"Proposal written: {path}. To confirm, check each line and remove the '#' at its "
            'start (replace wrong steps, "-" = no reference step), then: '
            f"amtsweg compare {again} --step-mapping {path}",
        )


# --- files --------------------------------------------------------------------------------------


def comparison_tables(result) -> dict[str, pd.DataFrame]:
    """The tables written to a file, by sheet name; each carries ``cost:edition``, and the
    ranks the KPI's name in the language of the run."""
    ranks = result.ranks.copy()
    ranks[schema.COST_EDITION] = result.edition
    which = 0 if language() == "de" else 1
    names = ranks[schema.RANK_KPI].map(lambda k: KPI_NAMES.get(k, (k, k))[which])
    ranks.insert(ranks.columns.get_loc(schema.RANK_KPI) + 1, schema.RANK_KPI_NAME, names)
    tables = (result.kpis, result.ranking, ranks, result.best_practice, result.unmapped)
    return dict(zip(SHEETS, tables, strict=True))


def write_comparison(result, out: Path) -> list[Path]:
    """An Excel file with one sheet per table, or a CSV of the KPI table (with the rank) and
    one CSV per other table next to it (``<name>_rangfolge.csv`` ...); headings in the
    language of the run."""
    from connectors.findings_files import write_table, write_workbook

    tables = comparison_tables(result)
    lang = language()
    if out.suffix.lower() == ".xlsx":
        return [write_workbook(tables, out, language=lang)]
    suffixes = ("", "_rangfolge", "_raenge", "_best_practice", "_offene_taetigkeiten")
    return [
        write_table(table, out.with_name(f"{out.stem}{suffix}.csv"), language=lang)
        for suffix, table in zip(suffixes, tables.values(), strict=True)
    ]
