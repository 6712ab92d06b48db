"""A municipality's report as an A4 PDF: typst lays it out, plotly's figures go in as SVG.

typst (pip) compiles the document with its own embedded fonts, so the PDF looks the same on
Linux, macOS and Windows; it is tagged (PDF/UA-1, figures with alt texts, a table of contents,
page numbers). Figures become vector graphics through kaleido, which drives a Chrome or
Chromium on the machine; without one the PDF is still written, with every table and a line
saying how to get the figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import plotly.graph_objects as go

from reports.burden_style import burden_colour
from reports.content import CostRow, KindCost, ReportContent, amount
from reports.figures import alt_text, report_figures
from reports.report_text import word

#: The standard the PDF is checked against while it is written (typst refuses otherwise).
PDF_STANDARD = "ua-1"


def pdf_report(content: ReportContent, *, figures: Mapping[str, bytes] | None = None) -> bytes:
    """The report as PDF bytes. ``figures``: SVG per figure name where already rendered;
    else they are rendered here (:func:`figure_svgs`), and left out where that fails."""
    import typst

    drawn = report_figures(content)
    svgs = dict(figures) if figures is not None else figure_svgs(drawn)
    data = typst_data(content, drawn, missing=bool(drawn) and not svgs)
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    inputs.update({f"figure-{name}": svg.decode("utf-8") for name, svg in svgs.items()})
    source = files("reports.typst").joinpath("report.typ").read_bytes()
    return typst.compile(source, sys_inputs=inputs, pdf_standards=[PDF_STANDARD])


def figure_svgs(figures: Mapping[str, go.Figure]) -> dict[str, bytes]:
    """Each figure as SVG through kaleido (one browser for all); {} without a browser."""
    if not figures:
        return {}
    try:
        import kaleido
        import plotly.io as pio

        started = False
        try:
            kaleido.start_sync_server(silence_warnings=True)
            started = True
        except Exception:
            pass
        try:
            return {name: pio.to_image(fig, format="svg") for name, fig in figures.items()}
        finally:
            if started:
                kaleido.stop_sync_server(silence_warnings=True)
    except Exception:
        return {}


def typst_data(
    content: ReportContent, figures: Mapping[str, go.Figure], *, missing: bool = False
) -> dict[str, Any]:
    """Every text of the report, formatted in its language, as the template reads it."""
    lang = content.language
    t, s, c, p = content.title, content.summary, content.costs, content.provenance
    w = {
        key: word(key, lang)
        for key in (
            "page",
            "contents",
            "costliest",
            "rule",
            "case",
            "marked",
            "cost_total",
            "by_kind",
            "by_level",
            "by_step",
            "kind",
        )
    }
    per_year = "Jahr" if lang == "de" else "year"
    return {
        "lang": lang,
        "author": "Amtsweg",
        "keywords": [t.municipality, t.service],
        "title": {"heading": t.heading, "date": t.date},
        "kicker": "Bericht zur Bürokratielast" if lang == "de" else "Bureaucracy burden report",
        "produced": f"{word('produced_by', lang)} {p.version}",
        "facts": [
            [word("municipality", lang), t.municipality],
            [word("service", lang), t.service],
            [word("period", lang), t.period],
            [word("date", lang), t.date],
        ],
        "figures_missing": word("no_figures", lang) if missing else "",
        "words": w,
        "headings": {
            key: content.heading(key) for key in ("summary", "findings", "costs", "method")
        },
        "keyfigures": [
            [amount(s.hours_per_year, lang), f"{word('working_hours', lang)} / {per_year}"],
            [f"{amount(s.euros_per_year, lang)} €", word("burden_total", lang)],
            [amount(s.findings, lang), word("findings", lang)],
        ],
        "sentences": list(s.sentences),
        "kind_heads": [
            word(k, lang)
            for k in ("kind", "findings", "per_1000", "hours_per_year", "euros_per_year", "savings")
        ],
        "costliest": [_kind_row(k, lang) for k in s.costliest],
        "alt": {name: alt_text(fig) for name, fig in figures.items()},
        "findings": [
            {
                "name": k.name,
                "colour": burden_colour(k.kind),
                "rule": k.rule,
                "facts": (
                    f"{amount(k.findings, lang)} {word('findings', lang)} · "
                    f"{amount(k.per_1000_cases, lang, decimals=1)} {word('per_1000', lang)} · "
                    f"{amount(k.cases_affected, lang)} {word('cases_affected', lang)} · "
                    f"{amount(k.hours, lang, decimals=1)} {word('hours_lost', lang)}"
                ),
                "examples": [
                    {
                        "case": e.case,
                        "evidence": e.evidence,
                        "steps": [
                            {
                                "marked": st.marked,
                                "cells": [st.when, st.activity, st.medium, st.unit, st.level],
                            }
                            for st in e.steps
                        ],
                    }
                    for e in k.examples
                ],
            }
            for k in content.findings
        ],
        "timeline_heads": [word(k, lang) for k in ("when", "activity", "medium", "unit", "level")],
        "cost_heads": [
            "",
            word("hours_per_year", lang),
            word("euros_per_year", lang),
            word("note", lang),
        ],
        "costs": {
            "total": [
                _cost_row(
                    CostRow(
                        word("cost_total", lang),
                        c.total.hours_per_year,
                        c.total.euros_per_year,
                        c.total.note,
                    ),
                    lang,
                )
            ],
            "by_kind": [_kind_row(k, lang) for k in c.by_kind],
            "by_level": [_cost_row(r, lang) for r in c.by_level],
            "by_step": [_cost_row(r, lang) for r in c.by_step],
        },
        "unpriced": f"{word('unpriced', lang)} {word('edition', lang)}: {c.edition}",
        "method": word("method_text", lang),
        "rules": [[k.name, k.rule] for k in content.findings],
        "provenance": [
            [
                word("edition", lang),
                f"{p.edition} ({word('verified' if p.verified else 'unverified', lang)})",
            ],
            [word("version", lang), p.version],
            [word("date", lang), p.date],
        ],
        "lists": [
            _listed(word("inputs", lang), [f"{n}: {h}" for n, h in p.inputs], lang),
            _listed(word("mappings", lang), [f"{n}: {h}" for n, h in p.mappings], lang),
            _listed(word("limits", lang), list(p.limits), lang),
            _listed(word("inferred", lang), list(p.inferred), lang),
        ],
    }


def _kind_row(k: KindCost, lang: str) -> list[str]:
    return [
        k.name,
        amount(k.findings, lang),
        amount(k.per_1000_cases, lang, decimals=1),
        amount(k.hours_per_year, lang, decimals=1),
        amount(k.euros_per_year, lang),
        amount(k.savings_euros_per_year, lang),
    ]


def _cost_row(r: CostRow, lang: str) -> list[str]:
    return [
        r.label,
        amount(r.hours_per_year, lang, decimals=1),
        amount(r.euros_per_year, lang),
        r.note,
    ]


def _listed(heading: str, items: list[str], lang: str) -> dict[str, Any]:
    return {"heading": heading, "items": items, "none": word("none", lang)}
