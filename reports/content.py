"""What a municipality's report says, as data: one frozen tree every format renders.

:func:`report_content` turns the analysis results of one log (one municipality and one
service) into a :class:`ReportContent` in one language: the title, an executive summary a
non-specialist understands, the findings by detector with example cases as timelines, the
costs by level, step and burden kind, and the method and provenance. Formats (HTML, PDF,
...) only lay it out, so every format shows the same numbers, and they are the analyzer's.

A cost the model cannot compute (a step without a time) is ``None`` and rendered "–" with its
reason (the cost model's COST_NOTE), never as zero. Pure: frames in, dataclasses out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from analyzer import schema
from analyzer.comparison.kpi_definitions import number_text
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN
from analyzer.detectors.names import detector_label
from analyzer.findings_summary import findings_by_detector
from analyzer.medium_lexicon import MEDIUM_LABELS_DE, MEDIUM_LABELS_EN
from analyzer.problems import Problem, Severity
from reports.burden_style import burden_name

Language = Literal["de", "en"]

#: The sections of a report, in order: (German, English) heading.
SECTIONS: dict[str, tuple[str, str]] = {
    "summary": ("Zusammenfassung", "Executive summary"),
    "findings": ("Befunde nach Art", "Findings by kind"),
    "costs": ("Kosten", "Costs"),
    "method": ("Methode und Herkunft der Daten", "Method and provenance"),
}

#: Each detector's rule in one sentence (the full rule is in its module's docstring).
RULES: dict[str, tuple[str, str]] = {
    "media_breaks": (
        "Ein Fall wechselt zwischen digitalem und analogem Medium, etwa vom Portal auf Papier.",
        "A case changes between a digital and an analogue medium, e.g. from portal to paper.",
    ),
    "system_breaks": (
        "Daten verlassen ein IT-System und werden in einem anderen von Hand erfasst.",
        "Data leave one IT system and are entered into another by hand.",
    ),
    "manual_reentry": (
        "Daten, die im Fall schon erfasst waren, werden noch einmal erfasst.",
        "Data already captured in the case are captured again.",
    ),
    "once_only": (
        "Die Bürgerin oder der Bürger wird um ein Dokument gebeten, das eine Behörde schon hat.",
        "The citizen is asked for a document that a public body already holds.",
    ),
    "duplicate_responsibility": (
        "Dieselbe Aufgabe wird im Fall auf zwei Verwaltungsebenen erledigt.",
        "The same task is done in the case at two government levels.",
    ),
    "ping_pong": (
        "Ein Fall geht zwischen zwei Verwaltungsebenen hin und her (A, B, A).",
        "A case is handed back and forth between two government levels (A, B, A).",
    ),
    "rework": (
        "Ein Schritt wird im selben Fall auf derselben Ebene noch einmal gemacht.",
        "A step is done again in the same case at the same government level.",
    ),
    "long_waits": (
        "Ein Fall liegt zwischen zwei Schritten länger als die Schwelle (Standard 30 Tage).",
        "A case lies idle between two steps for longer than the threshold (default 30 days).",
    ),
    "handovers": (
        "Ein Fall geht von einer Organisationseinheit an eine andere.",
        "A case passes from one org unit to another.",
    ),
}


@dataclass(frozen=True)
class Title:
    heading: str
    municipality: str
    service: str
    period: str  # "06.01.2025 – 27.03.2026"
    date: str  # the report's date, formatted


@dataclass(frozen=True)
class KindCost:
    """What one burden kind costs per year (administration) and what removing it saves."""

    kind: str  # a schema.Burden value: the key of its colour
    name: str
    findings: int
    per_1000_cases: float
    hours_per_year: float
    euros_per_year: float
    savings_hours_per_year: float
    savings_euros_per_year: float


@dataclass(frozen=True)
class Summary:
    cases: int
    findings: int
    hours_per_year: float  # working hours the burden costs the administration a year
    euros_per_year: float
    savings_euros_per_year: float
    costliest: tuple[KindCost, ...]  # at most five, by euros per year
    sentences: tuple[str, ...]  # three, in plain words


@dataclass(frozen=True)
class TimelineStep:
    when: str
    activity: str
    medium: str
    unit: str
    level: str
    marked: bool  # one of the events the finding names


@dataclass(frozen=True)
class ExampleCase:
    case: str
    evidence: str  # the finding's sentence
    steps: tuple[TimelineStep, ...]


@dataclass(frozen=True)
class FindingKind:
    detector: str
    name: str
    kind: str  # its burden kind (colour)
    rule: str
    findings: int
    cases_affected: int
    per_1000_cases: float
    hours: float  # working hours lost in the log (0 for idle-time burdens)
    inferred: int  # findings resting on an inferred attribute
    examples: tuple[ExampleCase, ...]


@dataclass(frozen=True)
class CostRow:
    """One row of a cost table; a missing cost is None with the reason in ``note``."""

    label: str
    hours_per_year: float | None
    euros_per_year: float | None
    note: str


@dataclass(frozen=True)
class Costs:
    total: CostRow
    by_level: tuple[CostRow, ...]
    by_step: tuple[CostRow, ...]
    by_kind: tuple[KindCost, ...]
    edition: str


@dataclass(frozen=True)
class Sources:
    """Where the numbers come from: given to :func:`report_content` by whoever read them."""

    inputs: tuple[tuple[str, str], ...] = ()  # (file or log, sha256)
    mappings: tuple[tuple[str, str], ...] = ()  # (mapping file, sha256)
    version: str = ""  # Amtsweg's version


@dataclass(frozen=True)
class Provenance:
    edition: str
    verified: bool
    inputs: tuple[tuple[str, str], ...]
    mappings: tuple[tuple[str, str], ...]
    version: str
    date: str
    limits: tuple[str, ...]  # what the log lacked (the detectors' notes)
    inferred: tuple[str, ...]  # findings resting on inferred attributes, per detector


@dataclass(frozen=True)
class ReportContent:
    language: Language
    title: Title
    summary: Summary
    findings: tuple[FindingKind, ...]
    costs: Costs
    provenance: Provenance

    def heading(self, section: str) -> str:
        """The heading of ``section`` (a key of :data:`SECTIONS`) in the report's language."""
        de, en = SECTIONS[section]
        return de if self.language == "de" else en


def example_cases(findings: pd.DataFrame, *, per_detector: int = 3) -> dict[str, list[str]]:
    """Per detector, the cases its examples show: those with the most minutes lost by its
    findings (ties by case id), at most ``per_detector``."""
    if findings.empty:
        return {}
    lost = (
        findings.groupby([schema.FINDING_DETECTOR, schema.CASE], observed=True)[
            schema.FINDING_MINUTES_LOST
        ]
        .sum()
        .reset_index()
        .sort_values(
            [schema.FINDING_DETECTOR, schema.FINDING_MINUTES_LOST, schema.CASE],
            ascending=[True, False, True],
            kind="stable",
        )
    )
    return {
        str(d): [str(c) for c in part[schema.CASE].head(per_detector)]
        for d, part in lost.groupby(schema.FINDING_DETECTOR, observed=True)
    }


def report_content(
    *,
    findings: pd.DataFrame,
    cases: int,
    period: tuple[dt.date, dt.date],
    burden_costs: pd.DataFrame,
    costs: pd.DataFrame,
    costs_by_level: pd.DataFrame,
    costs_by_step: pd.DataFrame,
    edition: str,
    verified: bool,
    timelines: pd.DataFrame | None = None,
    notes: Sequence[Problem] = (),
    sources: Sources = Sources(),
    municipality: str = "",
    service: str = "",
    date: dt.date,
    language: Language = "de",
) -> ReportContent:
    """The report of one log from its analysis results.

    ``findings``: schema.FINDING_COLUMNS; ``cases``: cases in the log; ``burden_costs``:
    :func:`analyzer.cost_model.finding_costs`; ``costs``, ``costs_by_level``,
    ``costs_by_step``: :func:`analyzer.cost_model.annual_cost` in total, ``by=[LEVEL]`` and
    by step label; ``timelines``: the events of the cases :func:`example_cases` chose
    (canonical columns); ``notes``: the detectors' notes on what the log limits.
    """
    de = language == "de"
    kinds = _kind_costs(burden_costs, language)
    costliest = tuple(sorted(kinds, key=lambda k: (-k.euros_per_year, k.kind))[:5])
    hours = sum(k.hours_per_year for k in kinds)
    euros = sum(k.euros_per_year for k in kinds)
    savings = sum(k.savings_euros_per_year for k in kinds)
    title = Title(
        heading=(
            f"Bürokratielast {service} – {municipality}"
            if de
            else f"Bureaucracy burden: {service} – {municipality}"
        ),
        municipality=municipality,
        service=service,
        period=f"{_date(period[0], language)} – {_date(period[1], language)}",
        date=_date(date, language),
    )
    summary = Summary(
        cases=cases,
        findings=len(findings),
        hours_per_year=hours,
        euros_per_year=euros,
        savings_euros_per_year=savings,
        costliest=costliest,
        sentences=_sentences(
            title, cases, len(findings), hours, euros, savings, costliest, language
        ),
    )
    return ReportContent(
        language=language,
        title=title,
        summary=summary,
        findings=_finding_kinds(findings, cases, timelines, language),
        costs=Costs(
            total=_cost_rows(costs, None, language)[0]
            if len(costs)
            else CostRow("", None, None, ""),
            by_level=_cost_rows(costs_by_level, schema.LEVEL, language),
            by_step=_cost_rows(costs_by_step, schema.ACTIVITY, language),
            by_kind=tuple(sorted(kinds, key=lambda k: (-k.euros_per_year, k.kind))),
            edition=edition,
        ),
        provenance=Provenance(
            edition=edition,
            verified=verified,
            inputs=sources.inputs,
            mappings=sources.mappings,
            version=sources.version,
            date=title.date,
            limits=tuple(
                dict.fromkeys(
                    (p.de if de else p.en) for p in notes if p.severity is not Severity.INFO
                )
            ),
            inferred=_inferred(findings, language),
        ),
    )


def amount(value: float | None, language: Language, *, decimals: int = 0) -> str:
    """A number as the report writes it: thousands separators, "–" where it is missing."""
    if value is None or value != value:
        return "–"
    return number_text(float(value), decimals, language)


def _date(value: dt.date, language: Language) -> str:
    return value.strftime("%d.%m.%Y" if language == "de" else "%Y-%m-%d")


def _kind_costs(burden_costs: pd.DataFrame, language: Language) -> list[KindCost]:
    def f(rec: Mapping, column: str) -> float:
        value = rec.get(column)
        return 0.0 if value is None or value != value else float(value)

    return [
        KindCost(
            kind=str(rec[schema.FINDING_BURDEN]),
            name=burden_name(str(rec[schema.FINDING_BURDEN]), language),
            findings=int(rec[schema.COST_FINDINGS]),
            per_1000_cases=f(rec, schema.COST_FINDINGS_PER_1000),
            hours_per_year=f(rec, schema.COST_HOURS_PER_YEAR),
            euros_per_year=f(rec, schema.COST_EUROS_PER_YEAR),
            savings_hours_per_year=f(rec, schema.COST_SAVINGS_HOURS_PER_YEAR),
            savings_euros_per_year=f(rec, schema.COST_SAVINGS_EUROS_PER_YEAR),
        )
        for rec in burden_costs.to_dict("records")
    ]


def _sentences(
    title: Title,
    cases: int,
    findings: int,
    hours: float,
    euros: float,
    savings: float,
    costliest: Sequence[KindCost],
    language: Language,
) -> tuple[str, ...]:
    n = lambda v, d=0: amount(v, language, decimals=d)  # noqa: E731 - local shorthand
    per_case = findings / cases if cases else 0.0
    if language == "de":
        first = (
            f"Im Zeitraum {title.period} hat {title.municipality} {n(cases)} Fälle "
            f"„{title.service}“ bearbeitet; Amtsweg fand darin {n(findings)} Belastungen, "
            f"{n(per_case, 1)} je Fall."
        )
        second = (
            f"Diese Belastungen kosten die Verwaltung rund {n(hours)} Arbeitsstunden und "
            f"{n(euros)} € im Jahr."
        )
        third = (
            f"Am teuersten ist „{costliest[0].name}“ mit {n(costliest[0].euros_per_year)} € im "
            f"Jahr; wer die gefundenen Belastungen abstellt, spart rund {n(savings)} € im Jahr."
            if costliest
            else "Keine der gefundenen Belastungen lässt sich mit den Kostentabellen bewerten."
        )
    else:
        first = (
            f"In the period {title.period}, {title.municipality} handled {n(cases)} "
            f"'{title.service}' cases; Amtsweg found {n(findings)} burdens in them, "
            f"{n(per_case, 1)} per case."
        )
        second = (
            f"These burdens cost the administration about {n(hours)} working hours and "
            f"€{n(euros)} a year."
        )
        third = (
            f"The costliest is '{costliest[0].name}' at €{n(costliest[0].euros_per_year)} a "
            f"year; removing the burdens found would save about €{n(savings)} a year."
            if costliest
            else "None of the burdens found can be priced with the cost tables."
        )
    return first, second, third


def _finding_kinds(
    findings: pd.DataFrame, cases: int, timelines: pd.DataFrame | None, language: Language
) -> tuple[FindingKind, ...]:
    if findings.empty:
        return ()
    summary = findings_by_detector(findings, pd.DataFrame({"cases": [cases]}))
    summary = summary[summary["findings"] > 0].sort_values(
        ["findings", schema.FINDING_DETECTOR], ascending=[False, True], kind="stable"
    )
    chosen = example_cases(findings)
    out = []
    for rec in summary.to_dict("records"):
        detector = str(rec[schema.FINDING_DETECTOR])
        mine = findings[findings[schema.FINDING_DETECTOR] == detector]
        de, en = RULES.get(detector, ("", ""))
        out.append(
            FindingKind(
                detector=detector,
                name=detector_label(detector, language),
                kind=str(rec[schema.FINDING_BURDEN]),
                rule=de if language == "de" else en,
                findings=int(rec["findings"]),
                cases_affected=int(rec["cases_affected"]),
                per_1000_cases=float(rec["per_1000_cases"]),
                hours=float(rec["minutes_lost"]) / 60.0,
                inferred=int(mine[schema.FINDING_INFERRED].fillna(False).astype(bool).sum()),
                examples=tuple(
                    _example(mine, case, timelines, language) for case in chosen.get(detector, [])
                ),
            )
        )
    return tuple(out)


def _example(
    findings: pd.DataFrame, case: str, timelines: pd.DataFrame | None, language: Language
) -> ExampleCase:
    """One case of a detector's findings as a timeline, its findings' events marked."""
    mine = findings[findings[schema.CASE].astype(str) == case]
    evidence = schema.FINDING_EVIDENCE if language == "de" else schema.FINDING_EVIDENCE_EN
    named: set[str] = set()
    for ids in mine[schema.FINDING_EVENT_IDS].dropna().astype(str):
        named.update(ids.split(schema.DATA_FIELDS_SEPARATOR))
    steps: tuple[TimelineStep, ...] = ()
    if timelines is not None and len(timelines):
        events = timelines[timelines[schema.CASE].astype(str) == case]
        events = events.sort_values(schema.TIMESTAMP, kind="stable")
        levels = LEVEL_LABELS_DE if language == "de" else LEVEL_LABELS_EN
        media = MEDIUM_LABELS_DE if language == "de" else MEDIUM_LABELS_EN
        fmt = "%d.%m.%Y %H:%M" if language == "de" else "%Y-%m-%d %H:%M"

        def col(rec: Mapping, name: str) -> str:
            value = rec.get(name)
            return "" if value is None or value != value else str(value)

        steps = tuple(
            TimelineStep(
                when=pd.Timestamp(rec[schema.TIMESTAMP])
                .tz_convert(schema.DEFAULT_TIMEZONE)
                .strftime(fmt),
                activity=col(rec, schema.ACTIVITY),
                medium=media.get(col(rec, schema.MEDIUM), col(rec, schema.MEDIUM)),
                unit=col(rec, schema.ORG_UNIT),
                level=levels.get(col(rec, schema.LEVEL), col(rec, schema.LEVEL)),
                marked=col(rec, schema.EVENT_ID) in named,
            )
            for rec in events.to_dict("records")
        )
        steps = _around_marked(steps, context=1)
    first = mine[evidence].astype(str).iloc[0] if len(mine) else ""
    more = len(mine) - 1
    if more > 0:
        first += f" (+{more} weitere)" if language == "de" else f" (+{more} more)"
    return ExampleCase(case=case, evidence=first, steps=steps)


def _around_marked(steps: tuple[TimelineStep, ...], *, context: int) -> tuple[TimelineStep, ...]:
    """The marked steps and ``context`` steps either side; each run left out becomes one
    step "…" (a timeline of 20 steps hides the two that matter)."""
    marked = [i for i, st in enumerate(steps) if st.marked]
    if not marked:
        return steps
    keep = {j for i in marked for j in range(i - context, i + context + 1)}
    out: list[TimelineStep] = []
    for i, st in enumerate(steps):
        if i in keep:
            out.append(st)
        elif not out or out[-1].activity != "…":
            out.append(TimelineStep("", "…", "", "", "", False))
    return tuple(out)


def _cost_rows(table: pd.DataFrame, by: str | None, language: Language) -> tuple[CostRow, ...]:
    """Rows of an annual cost table; a missing cost keeps its reason (COST_NOTE)."""
    if table is None or table.empty:
        return ()
    note = schema.COST_NOTE if language == "de" else schema.COST_NOTE_EN
    levels = LEVEL_LABELS_DE if language == "de" else LEVEL_LABELS_EN
    rows = []
    for rec in table.to_dict("records"):
        label = "" if by is None else str(rec.get(by) or "–")
        if by == schema.LEVEL:
            label = levels.get(label, label)
        hours, euros = rec.get(schema.COST_HOURS_PER_YEAR), rec.get(schema.COST_EUROS_PER_YEAR)
        missing = hours is None or hours != hours
        rows.append(
            CostRow(
                label=label,
                hours_per_year=None if missing else float(hours),
                euros_per_year=None if missing or euros is None else float(euros),
                note=str(rec.get(note) or "") if missing else "",
            )
        )
    # priced rows by cost, the unpriced after them by name: the reader sees what matters first
    return tuple(
        sorted(
            rows,
            key=lambda r: (r.euros_per_year is None, -(r.euros_per_year or 0.0), r.label),
        )
    )


def _inferred(findings: pd.DataFrame, language: Language) -> tuple[str, ...]:
    if findings.empty:
        return ()
    flags = findings[schema.FINDING_INFERRED].fillna(False).astype(bool)
    counts = findings[flags].groupby(schema.FINDING_DETECTOR, observed=True).size()
    out = []
    for detector, n in counts.items():
        if n == 0:
            continue
        name, total = (
            detector_label(str(detector), language),
            int((findings[schema.FINDING_DETECTOR] == detector).sum()),
        )
        out.append(
            f"{name}: {amount(n, language)} von {amount(total, language)} Befunden beruhen "
            "auf einem erschlossenen Merkmal (z. B. Medium oder Ebene aus dem Namen gelesen)."
            if language == "de"
            else f"{name}: {amount(n, language)} of {amount(total, language)} findings rest "
            "on an inferred attribute (e.g. medium or level read from a name)."
        )
    return tuple(out)
