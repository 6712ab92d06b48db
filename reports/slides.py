"""The steering committee's deck (PowerPoint, python-pptx): 6 to 8 slides, native charts.

Slides, in order: title; the burden at a glance (working hours, euros and savings per year);
the five costliest burden kinds with their savings (a bar chart); media breaks and re-entries
explained; where peers are given: the comparison (a bar chart of cost per case, this
municipality marked) and what the best peer does differently; next steps; method and data.
Charts are PowerPoint's own (editable, their data in the file); each burden kind has the
colour the process map gives it. Every text box is sized for its text: long texts are set
smaller, down to a floor, and cut with "…" only beyond it.

The numbers are the analyzer's: ``burden_costs`` is :func:`analyzer.cost_model.finding_costs`,
``kpis``/``ranking``/``best_practice`` are :func:`app.api.compare`'s tables.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from analyzer import schema
from analyzer.comparison import KPI_NAMES, format_kpi, number_text
from analyzer.headings import BURDEN_LABELS
from analyzer.schema import Burden
from reports.process_map_figure import BURDEN_COLOURS

INK = RGBColor(0x1F, 0x29, 0x33)
MUTED = RGBColor(0x52, 0x60, 0x6D)
ACCENT = RGBColor(0x0B, 0x4F, 0x6C)
PEER = RGBColor(0xAE, 0xB8, 0xC2)
RULE = RGBColor(0xD5, 0xDC, 0xE3)
FONT = "Calibri"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.7)
TITLE_ONLY = 5  # the default template's layout with a title placeholder only

#: What to do about each burden kind, in one line (next steps).
REMEDIES: dict[str, tuple[str, str]] = {
    Burden.MEDIA_BREAK: (
        "Durchgängig digital arbeiten: E-Akte und elektronische Signatur statt Ausdrucken, "
        "Unterschreiben, Einscannen",
        "Work digitally end to end: e-file and electronic signature instead of print, sign, scan",
    ),
    Burden.MANUAL_REENTRY: (
        "Schnittstellen statt Abtippen: Daten aus dem Antrag direkt ins Fachverfahren übernehmen",
        "Interfaces instead of retyping: take the application's data straight into the system",
    ),
    Burden.ONCE_ONLY: (
        "Nachweise, die eine Behörde schon hat, dort abrufen statt beim Bürger anfordern",
        "Fetch documents another authority holds instead of asking the citizen",
    ),
    Burden.DUPLICATE_RESPONSIBILITY: (
        "Prüfungen zwischen den Ebenen abstimmen: einmal prüfen, das Ergebnis teilen",
        "Agree checks between levels: check once, share the result",
    ),
    Burden.PING_PONG: (
        "Zuständigkeiten klären, damit Vorgänge nicht zwischen Ebenen hin- und hergehen",
        "Settle responsibilities so cases stop going back and forth between levels",
    ),
    Burden.REWORK: (
        "Vollständigkeit beim Eingang sichern: Pflichtfelder, Checklisten, Rückfragen bündeln",
        "Make intake complete: required fields, checklists, one bundled query",
    ),
    Burden.LONG_WAIT: (
        "Liegezeiten sichtbar machen: Fristen und Wiedervorlagen überwachen",
        "Make idle time visible: watch deadlines and follow-ups",
    ),
    Burden.HANDOVER: (
        "Übergaben bündeln: weniger Stationen je Vorgang",
        "Bundle hand-overs: fewer stations per case",
    ),
}
#: Plain-language explanations for the fourth slide.
EXPLAINED: dict[str, tuple[str, str]] = {
    Burden.MEDIA_BREAK: (
        "Ein Vorgang wechselt zwischen Papier und digital, etwa: ausdrucken, unterschreiben, "
        "wieder einscannen. Jeder Wechsel kostet Arbeitszeit und birgt Übertragungsfehler.",
        "A case switches between paper and digital, e.g. print, sign, scan again. Every "
        "switch costs working time and risks transcription errors.",
    ),
    Burden.MANUAL_REENTRY: (
        "Daten, die schon digital vorliegen, werden von Hand noch einmal eingegeben, weil "
        "zwei Programme keine Schnittstelle haben.",
        "Data already held digitally is typed in again by hand because two systems have no "
        "interface.",
    ),
}


def steering_deck(
    *,
    municipality: str,
    service: str,
    burden_costs: pd.DataFrame,
    period: str = "",
    date: str = "",
    kpis: pd.DataFrame | None = None,
    ranking: pd.DataFrame | None = None,
    best_practice: pd.DataFrame | None = None,
    method: Sequence[str] = (),
    language: str = "de",
) -> bytes:
    """The deck (PPTX bytes) for ``municipality``'s ``service``; ``burden_costs``: its rows of
    :func:`analyzer.cost_model.finding_costs` (other rows are ignored); ``kpis``, ``ranking``,
    ``best_practice``: the comparison, where peers are given; ``method``: lines on the data
    (input file, mapping, what the log lacked), in ``language``; ``period``, ``date``: as
    they are to be read."""
    de = language == "de"
    own = _rows_of(burden_costs, municipality, service)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, municipality, service, period, date, de)
    _glance_slide(deck, own, de)
    _costliest_slide(deck, own, de)
    _explained_slide(deck, own, de)
    peers = _rows_of(kpis, None, service) if kpis is not None else pd.DataFrame()
    if len(peers) > 1:
        _comparison_slide(deck, peers, ranking, municipality, service, de)
        if best_practice is not None:
            _best_peer_slide(deck, best_practice, municipality, service, de)
    _next_steps_slide(deck, own, de)
    _method_slide(deck, own, method, de)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _rows_of(table: pd.DataFrame | None, municipality: str | None, service: str) -> pd.DataFrame:
    if table is None or not len(table):
        return pd.DataFrame()
    keep = pd.Series(True, index=table.index)
    if schema.SERVICE in table:
        keep &= table[schema.SERVICE].astype(str) == service
    if municipality is not None and schema.MUNICIPALITY in table:
        keep &= table[schema.MUNICIPALITY].astype(str) == municipality
    return table[keep].reset_index(drop=True)


def _total(table: pd.DataFrame, column: str) -> float:
    if column not in table or not len(table):
        return 0.0
    return float(sum(float(v) for v in table[column].dropna()))


def _euros(value: float, de: bool) -> str:
    return f"{number_text(value, 0, 'de' if de else 'en')} €"


def _number(value: float, de: bool, decimals: int = 0) -> str:
    return number_text(value, decimals, "de" if de else "en")


def _burden_name(kind: str, de: bool) -> str:
    names = BURDEN_LABELS.get(kind)
    return (names[0] if de else names[1]) if names else kind


def _colour(kind: str) -> RGBColor:
    return RGBColor.from_string(BURDEN_COLOURS.get(kind, "#6b7b8c").lstrip("#").upper())


def _tint(colour: RGBColor, share: float = 0.55) -> RGBColor:
    """``colour`` mixed with white (``share`` of white)."""
    return RGBColor(*(round(c + (255 - c) * share) for c in colour))


# --- layout ---------------------------------------------------------------------------------


def _slide(deck: Presentation, title: str, *, kicker: str = ""):
    """A blank slide with its title (and a small line above it) and a rule under it."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    if kicker:
        _text(slide, kicker, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.35), 12, MUTED)
    _title(slide, title, MARGIN, Inches(0.65), WIDTH - 2 * MARGIN, Inches(0.8), 28)
    line = slide.shapes.add_connector(1, MARGIN, Inches(1.5), WIDTH - MARGIN, Inches(1.5))
    line.line.color.rgb, line.line.width = RULE, Pt(1)
    return slide


def _plain(shape, colour: RGBColor):
    """``shape`` filled with ``colour``, without outline or shadow."""
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _title(slide, title: str, left: Emu, top: Emu, width: Emu, height: Emu, size: int) -> None:
    """The slide's title placeholder (what outlines, screen readers and tests read), set
    where and as large as it fits."""
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = left, top, width, height
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = Inches(0.1)
    pt = _fitted([title], width - Inches(0.2), height, size, 20)
    frame.text = _cut([title], width - Inches(0.2), height, pt)[0]
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.name = Pt(pt), True, FONT
        run.font.color.rgb = INK


def _fitted(texts: Sequence[str], width: Emu, height: Emu, size: int, floor: int) -> int:
    """The largest font size from ``size`` down to ``floor`` at which ``texts`` (one
    paragraph each) fit the box, by the width of an average letter (about half the size)."""
    for pt in range(size, floor - 1, -1):
        per_line = max(int(Emu(width).pt / (pt * 0.5)), 1)
        lines = sum(max(math.ceil(len(t) / per_line), 1) for t in texts)
        if lines * pt * 1.25 + (len(texts) - 1) * pt * 0.5 <= Emu(height).pt:
            return pt
    return floor


def _cut(texts: Sequence[str], width: Emu, height: Emu, pt: int) -> list[str]:
    """``texts`` cut (with "…") to what fits at ``pt`` points."""
    per_line = max(int(Emu(width).pt / (pt * 0.5)), 1)
    lines_left = int(Emu(height).pt // (pt * 1.25))
    out = []
    for text in texts:
        lines = max(math.ceil(len(text) / per_line), 1)
        if lines <= lines_left:
            out.append(text)
            lines_left -= lines
        elif lines_left > 0:
            out.append(text[: per_line * lines_left - 1].rstrip() + "…")
            break
        else:
            break
    return out


def _text(
    slide,
    text: str | Sequence[str],
    left: Emu,
    top: Emu,
    width: Emu,
    height: Emu,
    size: int,
    colour: RGBColor = INK,
    *,
    bold: bool = False,
    floor: int | None = None,
    bullets: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
):
    """A text box whose paragraphs fit it (:func:`_fitted`, then :func:`_cut`)."""
    paragraphs = [text] if isinstance(text, str) else list(text)
    inner_w, inner_h = width - Inches(0.2), height - Inches(0.1)
    marked = [f"•  {p}" if bullets else p for p in paragraphs]
    pt = _fitted(marked, inner_w, inner_h, size, floor or size)
    marked = _cut(marked, inner_w, inner_h, pt)
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = None
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = Inches(0.1)
    frame.margin_top = frame.margin_bottom = Inches(0.05)
    for i, paragraph_text in enumerate(marked):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        if i:
            paragraph.space_before = Pt(pt * 0.5)
        run = paragraph.add_run()
        run.text = paragraph_text
        run.font.size, run.font.bold, run.font.name = Pt(pt), bold, FONT
        run.font.color.rgb = colour
    return box


def _bar_chart(slide, categories, series, left, top, width, height, *, number_format, colours):
    """A horizontal bar chart, first category at the top; ``series``: (name, values);
    ``colours``: per series, one colour per point."""
    data = CategoryChartData(number_format=number_format)
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    chart = frame.chart
    chart.has_legend = False
    chart.has_title = False  # the slide's title and kicker say what is shown
    chart.font.size, chart.font.name = Pt(12), FONT
    chart.font.color.rgb = INK
    axis = chart.category_axis
    axis.reverse_order = True  # the first (costliest, best) at the top
    axis.format.line.color.rgb = RULE
    axis.has_major_gridlines = False
    values = chart.value_axis
    values.visible = False
    values.has_major_gridlines = False
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, -10
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = number_format, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size, labels.font.name = Pt(11), FONT
    for chart_series, point_colours in zip(plot.series, colours, strict=True):
        for i, colour in enumerate(point_colours):
            fill = chart_series.points[i].format.fill
            fill.solid()
            fill.fore_color.rgb = colour
    return chart


# --- slides ---------------------------------------------------------------------------------


def _title_slide(deck, municipality, service, period, date, de):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _plain(slide.shapes.add_shape(1, 0, 0, Inches(0.35), HEIGHT), ACCENT)
    title = (
        f"{service}: Bürokratiebelastung in {municipality}"
        if de
        else f"{service}: bureaucratic burden in {municipality}"
    )
    _title(slide, title, Inches(1.2), Inches(2.3), Inches(10.8), Inches(1.8), 40)
    kicker = "Vorlage für den Lenkungskreis" if de else "Briefing for the steering committee"
    _text(slide, kicker, Inches(1.2), Inches(1.7), Inches(10.8), Inches(0.5), 16, ACCENT)
    lines = []
    if period:
        lines.append(f"Zeitraum: {period}" if de else f"Period: {period}")
    if date:
        lines.append(f"Stand: {date}" if de else f"As of: {date}")
    _text(slide, lines, Inches(1.2), Inches(4.3), Inches(10.8), Inches(1.0), 18, MUTED)
    _text(
        slide,
        "Erstellt mit Amtsweg" if de else "Made with Amtsweg",
        Inches(1.2),
        Inches(6.5),
        Inches(6),
        Inches(0.4),
        12,
        MUTED,
    )


def _glance_slide(deck, own, de):
    hours = _total(own, schema.COST_HOURS_PER_YEAR)
    euros = _total(own, schema.COST_EUROS_PER_YEAR)
    savings = _total(own, schema.COST_SAVINGS_EUROS_PER_YEAR)
    slide = _slide(
        deck,
        "Die Belastung auf einen Blick" if de else "The burden at a glance",
        kicker="Hochgerechnet auf ein Jahr" if de else "Per year, extrapolated",
    )
    tiles = (
        (_number(hours, de), "Arbeitsstunden je Jahr" if de else "working hours per year"),
        (_euros(euros, de), "Kosten je Jahr (Verwaltung)" if de else "cost per year"),
        (_euros(savings, de), "davon einsparbar" if de else "of which could be saved"),
    )
    width = (WIDTH - 2 * MARGIN - 2 * Inches(0.4)) / 3
    for i, (value, label) in enumerate(tiles):
        left = MARGIN + i * (width + Inches(0.4))
        tile = slide.shapes.add_shape(1, left, Inches(1.9), width, Inches(2.1))
        _plain(tile, RGBColor(0xF1, 0xF4, 0xF7))
        _text(slide, value, left, Inches(2.15), width, Inches(1.0), 40, ACCENT, bold=True,
              floor=24, align=PP_ALIGN.CENTER)  # fmt: skip
        _text(slide, label, left, Inches(3.2), width, Inches(0.6), 16, MUTED,
              align=PP_ALIGN.CENTER)  # fmt: skip
    _text(slide, _glance_sentences(own, hours, euros, savings, de), MARGIN, Inches(4.5),
          WIDTH - 2 * MARGIN, Inches(2.4), 18, INK, floor=14)  # fmt: skip


def _glance_sentences(own, hours, euros, savings, de) -> list[str]:
    """Three sentences a non-specialist understands."""
    if not len(own) or euros <= 0:
        return [
            "In diesem Protokoll wurden keine bepreisbaren Belastungen gefunden."
            if de
            else "No burden that can be priced was found in this log."
        ]
    cases = int(own[schema.COST_CASES_PER_YEAR].max()) if schema.COST_CASES_PER_YEAR in own else 0
    top = own.assign(__e=own[schema.COST_EUROS_PER_YEAR].astype(float)).nlargest(1, "__e").iloc[0]
    kind = _burden_name(str(top[schema.FINDING_BURDEN]), de)
    share = float(top[schema.COST_EUROS_PER_YEAR]) / euros
    person_years = hours / 1600  # a rough full-time year, for scale only
    if de:
        return [
            f"Bei rund {_number(cases, de)} Fällen im Jahr kosten die gefundenen Umwege die "
            f"Verwaltung etwa {_number(hours, de)} Arbeitsstunden und {_euros(euros, de)}.",
            f"Am teuersten ist „{kind}“: {_number(share * 100, de)} % der Kosten.",
            f"Etwa {_euros(savings, de)} im Jahr ließen sich einsparen; das entspricht der "
            f"Arbeitszeit von rund {_number(person_years, de, 1)} Vollzeitkräften.",
        ]
    return [
        f"With about {_number(cases, de)} cases a year, the detours found cost the "
        f"administration some {_number(hours, de)} working hours and {_euros(euros, de)}.",
        f"The costliest is '{kind}': {_number(share * 100, de)} % of the cost.",
        f"About {_euros(savings, de)} a year could be saved, the working time of some "
        f"{_number(person_years, de, 1)} full-time staff.",
    ]


def _costliest(own: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    if not len(own):
        return own
    euros = own[schema.COST_EUROS_PER_YEAR].astype(float)
    return own.assign(__e=euros)[euros > 0].nlargest(n, "__e").drop(columns="__e")


def _costliest_slide(deck, own, de):
    slide = _slide(
        deck,
        "Die fünf teuersten Belastungsarten" if de else "The five costliest kinds of burden",
        kicker="Kosten je Jahr und was davon einsparbar ist"
        if de
        else "Cost per year and what could be saved",
    )
    top = _costliest(own)
    if not len(top):
        _text(slide, "Keine bepreisten Befunde." if de else "No priced findings.", MARGIN,
              Inches(2), Inches(8), Inches(1), 18)  # fmt: skip
        return
    kinds = [str(k) for k in top[schema.FINDING_BURDEN]]
    colours = [_colour(k) for k in kinds]
    _bar_chart(
        slide,
        [_burden_name(k, de) for k in kinds],
        [
            (
                "Kosten je Jahr" if de else "cost per year",
                [float(v) for v in top[schema.COST_EUROS_PER_YEAR]],
            ),
            (
                "davon einsparbar" if de else "could be saved",
                [float(v) for v in top[schema.COST_SAVINGS_EUROS_PER_YEAR]],
            ),
        ],
        MARGIN,
        Inches(1.8),
        Inches(8.4),
        Inches(5.2),
        number_format='#,##0 "€"',
        colours=[colours, [_tint(c) for c in colours]],
    )
    key = (
        "Kräftiger Balken: Kosten je Jahr; heller Balken: davon einsparbar."
        if de
        else "Strong bar: cost per year; light bar: what could be saved."
    )
    notes = [key]
    for _, row in top.iterrows():
        hours = float(row[schema.COST_HOURS_PER_YEAR])
        name = _burden_name(str(row[schema.FINDING_BURDEN]), de)
        count = _number(float(row[schema.COST_FINDINGS_PER_1000]), de)
        notes.append(
            f"{name}: {count} je 1.000 Fälle, {_number(hours, de)} Std. im Jahr"
            if de
            else f"{name}: {count} per 1,000 cases, {_number(hours, de)} h a year"
        )
    _text(slide, notes, Inches(9.4), Inches(1.9), Inches(3.3), Inches(5.0), 14, MUTED, floor=11)


def _explained_slide(deck, own, de):
    slide = _slide(
        deck,
        "Medienbrüche und Mehrfacherfassungen" if de else "Media breaks and re-entries",
        kicker="Was dahintersteckt" if de else "What they are",
    )
    by_kind = own.set_index(schema.FINDING_BURDEN) if len(own) else pd.DataFrame()
    width = (WIDTH - 2 * MARGIN - Inches(0.6)) / 2
    for i, kind in enumerate((Burden.MEDIA_BREAK, Burden.MANUAL_REENTRY)):
        left = MARGIN + i * (width + Inches(0.6))
        _plain(
            slide.shapes.add_shape(1, left, Inches(1.9), Inches(0.12), Inches(3.6)), _colour(kind)
        )
        _text(slide, _burden_name(kind, de), left + Inches(0.3), Inches(1.85), width,
              Inches(0.6), 22, INK, bold=True)  # fmt: skip
        lines = [EXPLAINED[kind][0 if de else 1]]
        if kind in by_kind.index:
            row = by_kind.loc[kind]
            per_1000 = _number(float(row[schema.COST_FINDINGS_PER_1000]), de)
            hours = _number(float(row[schema.COST_HOURS_PER_YEAR]), de)
            euros = _euros(float(row[schema.COST_EUROS_PER_YEAR]), de)
            lines.append(
                f"Hier: {per_1000} je 1.000 Fälle, {hours} Arbeitsstunden und {euros} im Jahr."
                if de
                else f"Here: {per_1000} per 1,000 cases, {hours} working hours and {euros} a year."
            )
        else:
            lines.append("Hier nicht gefunden." if de else "Not found here.")
        _text(slide, lines, left + Inches(0.3), Inches(2.6), width - Inches(0.3), Inches(3.9),
              18, INK, floor=13)  # fmt: skip


def _comparison_slide(deck, peers, ranking, municipality, service, de):
    ordered = peers.sort_values([schema.RANK, schema.MUNICIPALITY], kind="stable")
    kpi = schema.KPI_EUROS_PER_CASE
    if kpi not in ordered or not ordered[kpi].notna().any():
        kpi = schema.KPI_MEDIA_BREAKS_PER_1000
    shown = ordered[ordered[kpi].notna()]
    rank = shown.loc[shown[schema.MUNICIPALITY] == municipality, schema.RANK]
    place = ""
    if len(rank):
        place = (
            f"Rang {int(rank.iloc[0])} von {len(ordered)}"
            if de
            else f"rank {int(rank.iloc[0])} of {len(ordered)}"
        )
    name = KPI_NAMES[kpi][0 if de else 1]
    slide = _slide(
        deck,
        f"Vergleich mit anderen Kommunen: {place}" if de else f"Compared with peers: {place}",
        kicker=f"{service}: {name}; Reihenfolge nach Gesamtrang"
        if de
        else f"{service}: {name}; ordered by overall rank",
    )
    towns = [str(t) for t in shown[schema.MUNICIPALITY]]
    colours = [ACCENT if t == municipality else PEER for t in towns]
    number_format = '#,##0.00 "€"' if kpi == schema.KPI_EUROS_PER_CASE else "#,##0"
    _bar_chart(
        slide,
        towns,
        [(name, [float(v) for v in shown[kpi]])],
        MARGIN,
        Inches(1.8),
        Inches(8.4),
        Inches(5.2),
        number_format=number_format,
        colours=[colours],
    )
    notes = [
        f"Dunkel: {municipality}; grau: die anderen Kommunen der Vergleichsgruppe."
        if de
        else f"Dark: {municipality}; grey: the other municipalities of the peer group."
    ]
    own = shown[shown[schema.MUNICIPALITY] == municipality]
    if len(own):
        row = own.iloc[0]
        for other in (schema.KPI_THROUGHPUT_MEDIAN_DAYS, schema.KPI_MEDIA_BREAKS_PER_1000):
            if other != kpi and other in row and pd.notna(row[other]):
                value = format_kpi(other, float(row[other]), "de" if de else "en")
                notes.append(f"{KPI_NAMES[other][0 if de else 1]}: {value}")
    _text(slide, notes, Inches(9.4), Inches(1.9), Inches(3.3), Inches(5.0), 14, MUTED, floor=11)


def _best_peer_slide(deck, best_practice, municipality, service, de):
    rows = _rows_of(best_practice, municipality, service)
    if not len(rows):
        return
    best = str(rows.iloc[0][schema.RANK_BEST_MUNICIPALITY])
    column = schema.DIFF_TEXT if de else schema.DIFF_TEXT_EN
    sentences = [str(s) for s in rows[column].dropna()][:5]
    title = f"Was {best} anders macht" if best != municipality else f"{municipality} ist Vorbild"
    if not de:
        title = (
            f"What {best} does differently"
            if best != municipality
            else f"{municipality} leads its peers"
        )
    slide = _slide(deck, title, kicker="Bester Vergleich" if de else "Best peer")
    _text(slide, sentences, MARGIN, Inches(1.9), WIDTH - 2 * MARGIN, Inches(5.0), 20,
          floor=13, bullets=True)  # fmt: skip


def _next_steps_slide(deck, own, de):
    slide = _slide(
        deck,
        "Nächste Schritte" if de else "Next steps",
        kicker="Nach Einsparpotenzial geordnet" if de else "Ordered by savings",
    )
    top = _costliest(own, n=4)
    if len(top):
        top = top.assign(__s=top[schema.COST_SAVINGS_EUROS_PER_YEAR].astype(float))
        top = top.sort_values("__s", ascending=False, kind="stable")
    steps = []
    for _, row in top.iterrows():
        kind = str(row[schema.FINDING_BURDEN])
        remedy = REMEDIES.get(kind, ("", ""))[0 if de else 1]
        saving = _euros(float(row[schema.COST_SAVINGS_EUROS_PER_YEAR]), de)
        steps.append(
            f"{_burden_name(kind, de)} ({saving} im Jahr): {remedy}"
            if de
            else f"{_burden_name(kind, de)} ({saving} a year): {remedy}"
        )
    steps.append(
        "Nach der Umsetzung ein neues Protokoll auswerten und die Zahlen vergleichen."
        if de
        else "After the changes, analyse a new export and compare the numbers."
    )
    _text(slide, steps, MARGIN, Inches(1.9), WIDTH - 2 * MARGIN, Inches(5.0), 20, floor=13,
          bullets=True)  # fmt: skip


def _method_slide(deck, own, method, de):
    slide = _slide(
        deck, "Methode und Datengrundlage" if de else "Method and data", kicker="Amtsweg"
    )
    lines = [
        "Process Mining: der Ablauf jedes Falls aus dem Export des Fachverfahrens; Belastungen "
        "nach festen Regeln erkannt (je Art eine Regel)."
        if de
        else "Process mining: each case's steps from the system's export; burden found by "
        "fixed rules (one per kind).",
        "Kosten nach dem Standardkostenmodell (Zeitwerte und Lohnkosten der Verwaltung), "
        "hochgerechnet auf die Fälle eines Jahres."
        if de
        else "Costs by the Standard Cost Model (time values and wage rates of the "
        "administration), extrapolated to a year's cases.",
    ]
    if schema.COST_EDITION in own and len(own):
        edition = str(own[schema.COST_EDITION].iloc[0])
        lines.append(f"Kostenstand: {edition}" if de else f"Cost tables: {edition}")
    lines.extend(method)
    _text(slide, lines, MARGIN, Inches(1.9), WIDTH - 2 * MARGIN, Inches(5.0), 18, MUTED,
          floor=12, bullets=True)  # fmt: skip
