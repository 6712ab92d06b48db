"""The report's figures, built once with plotly from its contents: the app shows them, the
HTML embeds them, the PDF prints them as vector graphics.

Every figure takes a :class:`~reports.content.ReportContent` (so its numbers are the
report's), colours burden kinds as :mod:`reports.burden_style` does and carries an alt text
(:func:`alt_text`) for documents that must be accessible (BITV 2.0, PDF/UA).
"""

from __future__ import annotations

import plotly.graph_objects as go

from reports.burden_style import FLOW_COLOUR, burden_colour
from reports.content import ReportContent, amount

#: The typeface of figures and documents (figures are rendered where the document's own
#: fonts are unknown, so the common sans-serif faces follow as fallbacks).
FONT_FAMILY = "'Source Sans 3', 'Source Sans Pro', Helvetica, Arial, 'DejaVu Sans', sans-serif"
TEXT_COLOUR = "#1f2933"
ALT_TEXT = "amtsweg:alt"  # key of a figure's alt text in its layout.meta


def report_figures(content: ReportContent) -> dict[str, go.Figure]:
    """The figures of a report by name (those with data to show), in the report's order."""
    figures = {
        "burden_costs": burden_cost_figure(content),
        "findings_rates": findings_rate_figure(content),
    }
    return {name: fig for name, fig in figures.items() if fig is not None}


def burden_cost_figure(content: ReportContent) -> go.Figure | None:
    """The administration's cost per year of each burden kind, costliest on top, each bar
    in its kind's colour and labelled with its euros; None when nothing is priced."""
    kinds = [k for k in content.costs.by_kind if k.euros_per_year > 0]
    de = content.language == "de"
    return _bar_figure(
        [(k.name, k.kind, k.euros_per_year) for k in kinds],
        unit=" €",
        title="Kosten der Belastungen je Jahr (Verwaltung)" if de else "Cost of burden per year",
        x_title="€ je Jahr" if de else "€ per year",
        language=content.language,
    )


def findings_rate_figure(content: ReportContent) -> go.Figure | None:
    """Findings per 1,000 cases of each detector, most frequent on top; None without any."""
    de = content.language == "de"
    return _bar_figure(
        [(k.name, k.kind, k.per_1000_cases) for k in content.findings],
        unit="",
        title="Befunde je 1.000 Fälle" if de else "Findings per 1,000 cases",
        x_title="je 1.000 Fälle" if de else "per 1,000 cases",
        language=content.language,
    )


def _bar_figure(
    bars: list[tuple[str, str, float]], *, unit: str, title: str, x_title: str, language: str
) -> go.Figure | None:
    """Horizontal bars (name, burden kind, value) in the order given, the first on top, each
    in its kind's colour and labelled with its value; the alt text lists them all."""
    if not bars:
        return None
    labels = [f"{amount(v, language)}{unit}" for _, _, v in bars]
    alt = "; ".join(f"{name} {label}" for (name, _, _), label in zip(bars, labels, strict=True))
    # plotly draws the first bar at the bottom
    fig = go.Figure(
        go.Bar(
            x=[v for _, _, v in bars][::-1],
            y=[name for name, _, _ in bars][::-1],
            orientation="h",
            marker_color=[burden_colour(kind) for _, kind, _ in bars][::-1],
            text=labels[::-1],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    return _styled(
        fig, title=title, x_title=x_title, rows=len(bars), alt=f"{title}: {alt}.", language=language
    )


def alt_text(fig: go.Figure) -> str:
    """The figure's alt text: what it shows, with its numbers, in one sentence."""
    meta = fig.layout.meta
    return str(meta.get(ALT_TEXT, "")) if isinstance(meta, dict) else ""


def _styled(
    fig: go.Figure, *, title: str, x_title: str, rows: int, alt: str, language: str
) -> go.Figure:
    """One look for every bar chart: white, quiet grid, the names never cut off."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
        paper_bgcolor="white",
        plot_bgcolor="white",
        width=760,
        height=110 + 38 * rows,
        margin={"l": 10, "r": 90, "t": 50, "b": 45},
        showlegend=False,
        bargap=0.35,
        separators=",." if language == "de" else ".,",
        meta={ALT_TEXT: alt},
    )
    fig.update_xaxes(
        title={"text": x_title, "font": {"size": 12, "color": FLOW_COLOUR}},
        gridcolor="#e4e8ec",
        zeroline=False,
        tickformat=",.0f",
        rangemode="tozero",
    )
    fig.update_yaxes(automargin=True, ticks="", ticksuffix="  ")
    return fig
