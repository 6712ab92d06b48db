"""A municipality's report as one self-contained HTML file: opens offline, prints on A4.

Everything is inside the file: plotly's JavaScript inline (no CDN), the figures, the styles
(system fonts only, no web font, no image file). ``<html lang>`` and ``<title>`` are set for
screen readers; print styles start each section on a new page and keep tables whole.
"""

from __future__ import annotations

from html import escape

import plotly.io as pio
import plotly.offline

from reports.burden_style import FLOW_COLOUR, burden_colour
from reports.content import CostRow, ExampleCase, FindingKind, KindCost, ReportContent, amount
from reports.figures import FONT_FAMILY, TEXT_COLOUR, alt_text, report_figures
from reports.report_text import word

_STYLE = f"""
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm; }}
:root {{ --text: {TEXT_COLOUR}; --quiet: {FLOW_COLOUR}; --rule: #d5dbe1; --accent: #1d3b5a; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_FAMILY}; color: var(--text); margin: 0; background: #f4f6f8;
  font-size: 15px; line-height: 1.5; }}
main {{ max-width: 860px; margin: 0 auto; background: white; padding: 48px 56px; }}
header.cover {{ border-bottom: 3px solid var(--accent); padding-bottom: 28px; margin-bottom: 8px; }}
header.cover .kicker {{ color: var(--quiet); text-transform: uppercase; letter-spacing: .08em;
  font-size: 12px; font-weight: 600; }}
h1 {{ font-size: 30px; line-height: 1.2; margin: 6px 0 18px; color: var(--accent); }}
h2 {{ font-size: 22px; color: var(--accent); margin: 40px 0 12px; padding-top: 8px;
  border-top: 1px solid var(--rule); }}
h3 {{ font-size: 17px; margin: 26px 0 6px; }}
h4 {{ font-size: 14px; margin: 14px 0 4px; }}
dl.facts {{ display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }}
dl.facts dt {{ color: var(--quiet); }} dl.facts dd {{ margin: 0; font-weight: 600; }}
.keyfigures {{ display: flex; gap: 16px; margin: 18px 0; }}
.keyfigure {{ flex: 1; border: 1px solid var(--rule); border-radius: 4px; padding: 12px 16px; }}
.keyfigure .value {{ font-size: 26px; font-weight: 700; color: var(--accent); }}
.keyfigure .label {{ color: var(--quiet); font-size: 13px; }}
ol.sentences li {{ margin-bottom: 6px; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13.5px; }}
th {{ text-align: left; font-weight: 600; border-bottom: 2px solid var(--accent);
  padding: 5px 8px; vertical-align: bottom; }}
td {{ border-bottom: 1px solid var(--rule); padding: 5px 8px; vertical-align: top; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.note {{ color: var(--quiet); font-size: 12.5px; }}
.swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 7px; vertical-align: baseline; }}
.rule {{ margin: 2px 0 8px; }}
table.timeline td {{ font-size: 12.5px; padding: 3px 8px; }}
table.timeline tr.marked td {{ font-weight: 600; }}
table.timeline tr.marked td:first-child {{ border-left: 4px solid var(--mark); }}
p.small, .small {{ color: var(--quiet); font-size: 12.5px; }}
code {{ font-size: 11.5px; word-break: break-all; }}
figure {{ margin: 12px 0 20px; }}
footer {{ margin-top: 48px; color: var(--quiet); font-size: 12px; border-top: 1px solid var(--rule);
  padding-top: 8px; }}
@media print {{
  body {{ background: white; font-size: 10.5pt; }}
  main {{ max-width: none; padding: 0; }}
  section {{ break-before: page; }}
  h2 {{ border-top: none; margin-top: 0; }}
  h3, h4 {{ break-after: avoid; }}
  table, figure, .example {{ break-inside: avoid; }}
  .modebar {{ display: none !important; }}
}}
"""


def html_report(content: ReportContent) -> bytes:
    """The report as a self-contained HTML document (UTF-8 bytes)."""
    lang = content.language
    figures = {
        name: _figure(fig, first=i == 0)
        for i, (name, fig) in enumerate(report_figures(content).items())
    }
    body = "\n".join(
        [
            _cover(content),
            _summary(content, figures.get("burden_costs", "")),
            _findings(content, figures.get("findings_rates", "")),
            _costs(content),
            _method(content),
            f"<footer>{escape(word('produced_by', lang))} {escape(content.provenance.version)}"
            f" · {escape(content.title.date)}</footer>",
        ]
    )
    document = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(content.title.heading)}</title>\n<style>{_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    return document.encode("utf-8")


def _figure(fig, *, first: bool) -> str:
    """A figure as a div; plotly's library goes inline once, with the first figure."""
    div = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )
    script = f"<script>{plotly.offline.get_plotlyjs()}</script>" if first else ""
    alt = escape(alt_text(fig))
    return f'<figure role="img" aria-label="{alt}">{script}{div}</figure>'


def _cover(content: ReportContent) -> str:
    t, lang = content.title, content.language
    facts = [
        (word("municipality", lang), t.municipality),
        (word("service", lang), t.service),
        (word("period", lang), t.period),
        (word("date", lang), t.date),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    kicker = "Bericht zur Bürokratielast" if lang == "de" else "Bureaucracy burden report"
    return (
        f'<header class="cover"><div class="kicker">{kicker}</div>'
        f'<h1>{escape(t.heading)}</h1><dl class="facts">{rows}</dl></header>'
    )


def _summary(content: ReportContent, figure: str) -> str:
    s, lang = content.summary, content.language
    keys = [
        (
            amount(s.hours_per_year, lang),
            f"{word('working_hours', lang)} / Jahr"
            if lang == "de"
            else f"{word('working_hours', lang)} / year",
        ),
        (f"{amount(s.euros_per_year, lang)} €", word("burden_total", lang)),
        (amount(s.findings, lang), word("findings", lang)),
    ]
    cards = "".join(
        f'<div class="keyfigure"><div class="value">{escape(v)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
        for v, label in keys
    )
    sentences = "".join(f"<li>{escape(x)}</li>" for x in s.sentences)
    table = _kind_table(s.costliest, lang) if s.costliest else ""
    return (
        f'<section id="summary"><h2>{escape(content.heading("summary"))}</h2>'
        f'<div class="keyfigures">{cards}</div><ol class="sentences">{sentences}</ol>'
        f"<h3>{escape(word('costliest', lang))}</h3>{table}{figure}</section>"
    )


def _kind_table(kinds: tuple[KindCost, ...], lang: str) -> str:
    head = _head(
        [
            (word("kind", lang), ""),
            (word("findings", lang), "num"),
            (word("per_1000", lang), "num"),
            (word("hours_per_year", lang), "num"),
            (word("euros_per_year", lang), "num"),
            (word("savings", lang), "num"),
        ]
    )
    rows = "".join(
        f"<tr><td>{_swatch(k.kind)}{escape(k.name)}</td>"
        f'<td class="num">{amount(k.findings, lang)}</td>'
        f'<td class="num">{amount(k.per_1000_cases, lang, decimals=1)}</td>'
        f'<td class="num">{amount(k.hours_per_year, lang, decimals=1)}</td>'
        f'<td class="num">{amount(k.euros_per_year, lang)}</td>'
        f'<td class="num">{amount(k.savings_euros_per_year, lang)}</td></tr>'
        for k in kinds
    )
    return f"<table>{head}<tbody>{rows}</tbody></table>"


def _findings(content: ReportContent, figure: str) -> str:
    lang = content.language
    parts = [f'<section id="findings"><h2>{escape(content.heading("findings"))}</h2>', figure]
    parts += [_finding_kind(k, lang) for k in content.findings]
    if not content.findings:
        parts.append(f"<p>{escape(word('none', lang))}</p>")
    parts.append("</section>")
    return "".join(parts)


def _finding_kind(kind: FindingKind, lang: str) -> str:
    facts = (
        f"{amount(kind.findings, lang)} {word('findings', lang)} · "
        f"{amount(kind.per_1000_cases, lang, decimals=1)} {word('per_1000', lang)} · "
        f"{amount(kind.cases_affected, lang)} {word('cases_affected', lang)} · "
        f"{amount(kind.hours, lang, decimals=1)} {word('hours_lost', lang)}"
    )
    examples = "".join(_example(e, kind.kind, lang) for e in kind.examples)
    return (
        f'<div class="kind"><h3>{_swatch(kind.kind)}{escape(kind.name)}</h3>'
        f'<p class="rule"><strong>{escape(word("rule", lang))}:</strong> {escape(kind.rule)}</p>'
        f'<p class="small">{escape(facts)}</p>'
        + (
            f"<h4>{escape(word('examples', lang))}</h4>"
            f'<p class="small">{escape(word("marked", lang))}</p>{examples}'
            if examples
            else ""
        )
        + "</div>"
    )


def _example(example: ExampleCase, kind: str, lang: str) -> str:
    head = _head([(word(k, lang), "") for k in ("when", "activity", "medium", "unit", "level")])
    rows = "".join(
        f'<tr class="{"marked" if s.marked else ""}"><td class="num">{escape(s.when)}</td>'
        f"<td>{escape(s.activity)}</td><td>{escape(s.medium)}</td><td>{escape(s.unit)}</td>"
        f"<td>{escape(s.level)}</td></tr>"
        for s in example.steps
    )
    return (
        f'<div class="example" style="--mark: {burden_colour(kind)}">'
        f"<p><strong>{escape(word('case', lang))} {escape(example.case)}</strong>: "
        f"{escape(example.evidence)}</p>"
        f'<table class="timeline">{head}<tbody>{rows}</tbody></table></div>'
    )


def _costs(content: ReportContent) -> str:
    c, lang = content.costs, content.language
    total = c.total
    parts = [
        f'<section id="costs"><h2>{escape(content.heading("costs"))}</h2>',
        f"<h3>{escape(word('cost_total', lang))}</h3>",
        _cost_table([CostRow(word("cost_total", lang), *_values(total), total.note)], lang),
        f"<h3>{escape(word('by_kind', lang))}</h3>",
        _kind_table(c.by_kind, lang),
        f"<h3>{escape(word('by_level', lang))}</h3>",
        _cost_table(c.by_level, lang),
        f"<h3>{escape(word('by_step', lang))}</h3>",
        _cost_table(c.by_step, lang),
        f'<p class="small">{escape(word("unpriced", lang))} {escape(word("edition", lang))}: '
        f"{escape(c.edition)}</p></section>",
    ]
    return "".join(parts)


def _values(row: CostRow) -> tuple[float | None, float | None]:
    return row.hours_per_year, row.euros_per_year


def _cost_table(rows, lang: str) -> str:
    head = _head(
        [
            ("", ""),
            (word("hours_per_year", lang), "num"),
            (word("euros_per_year", lang), "num"),
            (word("note", lang), ""),
        ]
    )
    body = "".join(
        f"<tr><td>{escape(r.label)}</td>"
        f'<td class="num">{amount(r.hours_per_year, lang, decimals=1)}</td>'
        f'<td class="num">{amount(r.euros_per_year, lang)}</td>'
        f'<td class="note">{escape(r.note)}</td></tr>'
        for r in rows
    )
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _method(content: ReportContent) -> str:
    p, lang = content.provenance, content.language
    verified = word("verified", lang) if p.verified else word("unverified", lang)
    hashes = lambda pairs: (  # noqa: E731 - local shorthand
        "<ul>"
        + "".join(f"<li>{escape(n)}<br><code>{escape(h)}</code></li>" for n, h in pairs)
        + "</ul>"
        if pairs
        else f"<p>{escape(word('none', lang))}</p>"
    )
    listed = lambda items: (  # noqa: E731 - local shorthand
        "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in items) + "</ul>"
        if items
        else f"<p>{escape(word('none', lang))}</p>"
    )
    rules = "".join(
        f"<tr><td>{_swatch(k.kind)}{escape(k.name)}</td><td>{escape(k.rule)}</td></tr>"
        for k in content.findings
    )
    return (
        f'<section id="method"><h2>{escape(content.heading("method"))}</h2>'
        f"<p>{escape(word('method_text', lang))}</p>"
        f"<table>{_head([(word('kind', lang), ''), (word('rule', lang), '')])}"
        f"<tbody>{rules}</tbody></table>"
        f'<dl class="facts"><dt>{escape(word("edition", lang))}</dt>'
        f"<dd>{escape(p.edition)} ({escape(verified)})</dd>"
        f"<dt>{escape(word('version', lang))}</dt><dd>{escape(p.version)}</dd>"
        f"<dt>{escape(word('date', lang))}</dt><dd>{escape(p.date)}</dd></dl>"
        f"<h3>{escape(word('inputs', lang))}</h3>{hashes(p.inputs)}"
        f"<h3>{escape(word('mappings', lang))}</h3>{hashes(p.mappings)}"
        f"<h3>{escape(word('limits', lang))}</h3>{listed(p.limits)}"
        f"<h3>{escape(word('inferred', lang))}</h3>{listed(p.inferred)}</section>"
    )


def _head(columns: list[tuple[str, str]]) -> str:
    cells = "".join(f'<th class="{cls}">{escape(text)}</th>' for text, cls in columns)
    return f"<thead><tr>{cells}</tr></thead>"


def _swatch(kind: str) -> str:
    return f'<span class="swatch" style="background:{burden_colour(kind)}"></span>'
