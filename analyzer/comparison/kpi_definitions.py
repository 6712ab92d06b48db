"""The KPIs of the comparison: which exist, which direction is better, how they are written.

KPI definitions (per municipality and service; a case belongs to the municipality and
service of its events):

* ``kpi:cases`` — distinct cases.
* ``kpi:open_cases`` — cases without an end event (:mod:`analyzer.throughput`).
* ``kpi:throughput_median_days`` / ``kpi:throughput_p90_days`` — median / 90th percentile
  (linear interpolation) of the throughput time of closed cases (:mod:`analyzer.throughput`);
  only the median is ranked (:data:`RANKED_KPIS`).
* ``kpi:euros_per_case`` — Standard Cost Model cost per case (:func:`cost_model.annual_cost`),
  with the tables' edition in ``cost:edition``; only where ``tables`` are given.
* ``kpi:media_breaks_per_1000_cases``, ``kpi:reentries_per_1000_cases``,
  ``kpi:once_only_per_1000_cases``, ``kpi:duplicates_per_1000_cases``,
  ``kpi:ping_pong_per_1000_cases`` — findings of kind ``media_break``, ``manual_reentry``,
  ``once_only``, ``duplicate_responsibility``, ``ping_pong`` in the ``findings`` frame
  (``analyzer.detectors.run_detectors``) × 1,000 / cases, each counting distinct anchor
  events (the convention of ``analyzer.scoring``). Media breaks are the changes of medium
  class (detector ``media_breaks``); the detector ``system_breaks`` also reports
  ``media_break``, but its findings are captures of data that came from another IT system
  without an interface, i.e. manual re-entries, which the re-entry KPI counts already.
  Findings without ``finding:detector`` count every ``media_break``.
* ``kpi:levels_per_case`` / ``kpi:units_per_case`` — distinct government levels / org
  units a case passes, averaged over all cases (a case without any counts 0).
* ``kpi:rework_rate`` — share of cases with rework: with ``findings``, cases with a
  ``rework`` finding; without, cases in which a step occurs more than once at the same
  government level (the detectors' rule: a repeat at another level is a duplicate
  responsibility, not rework; lifecycle ``start`` events are not occurrences).
* ``kpi:variants`` and ``kpi:variants_per_1000_cases`` — distinct step sequences
  (``process_map.variants``).
* ``kpi:online_intake_share`` — share of cases whose first event has MEDIUM ``online``.
* ``kpi:fitness`` — token-based replay fitness (pm4py, via :mod:`analyzer.discovery`) of the
  group's cases on the reference process of a catalogue (:func:`reference_fitness`), or
  merged from a ``fitness`` frame. Token replay ignores steps the reference model does not
  know (a print-and-scan detour does not lower it); skipped and reordered steps do.
"""

from __future__ import annotations

from analyzer import schema
from analyzer.schema import Burden

#: KPIs where a lower value is better; the others listed in HIGHER_IS_BETTER rank the other way.
LOWER_IS_BETTER: tuple[str, ...] = (
    schema.KPI_THROUGHPUT_MEDIAN_DAYS,
    schema.KPI_THROUGHPUT_P90_DAYS,
    schema.KPI_EUROS_PER_CASE,
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_ONCE_ONLY_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
    schema.KPI_PING_PONG_PER_1000,
    schema.KPI_LEVELS_PER_CASE,
    schema.KPI_UNITS_PER_CASE,
    schema.KPI_REWORK_RATE,
    schema.KPI_VARIANTS_PER_1000,
)
HIGHER_IS_BETTER: tuple[str, ...] = (schema.KPI_ONLINE_INTAKE_SHARE, schema.KPI_FITNESS)
#: KPIs ranked by default: each idea once (throughput by its median; the 90th percentile is
#: shown and explained, not ranked a second time).
RANKED_KPIS: tuple[str, ...] = tuple(
    kpi for kpi in (*LOWER_IS_BETTER, *HIGHER_IS_BETTER) if kpi != schema.KPI_THROUGHPUT_P90_DAYS
)
KPI_COLUMNS: tuple[str, ...] = (
    schema.KPI_CASES,
    schema.KPI_OPEN_CASES,
    schema.KPI_THROUGHPUT_MEDIAN_DAYS,
    schema.KPI_THROUGHPUT_P90_DAYS,
    schema.KPI_EUROS_PER_CASE,
    schema.KPI_MEDIA_BREAKS_PER_1000,
    schema.KPI_REENTRIES_PER_1000,
    schema.KPI_ONCE_ONLY_PER_1000,
    schema.KPI_DUPLICATES_PER_1000,
    schema.KPI_PING_PONG_PER_1000,
    schema.KPI_LEVELS_PER_CASE,
    schema.KPI_UNITS_PER_CASE,
    schema.KPI_REWORK_RATE,
    schema.KPI_VARIANTS,
    schema.KPI_VARIANTS_PER_1000,
    schema.KPI_ONLINE_INTAKE_SHARE,
    schema.KPI_FITNESS,
)
OVERALL = "overall"
#: The detector whose ``media_break`` findings are changes of medium class (``system_breaks``
#: reports the same kind for re-entries between IT systems).
MEDIA_BREAK_DETECTOR = "media_breaks"
#: KPI column → (burden kind, detector or None for any) whose findings it counts per 1,000
#: cases.
FINDING_KPIS: dict[str, tuple[Burden, str | None]] = {
    schema.KPI_MEDIA_BREAKS_PER_1000: (Burden.MEDIA_BREAK, MEDIA_BREAK_DETECTOR),
    schema.KPI_REENTRIES_PER_1000: (Burden.MANUAL_REENTRY, None),
    schema.KPI_ONCE_ONLY_PER_1000: (Burden.ONCE_ONLY, None),
    schema.KPI_DUPLICATES_PER_1000: (Burden.DUPLICATE_RESPONSIBILITY, None),
    schema.KPI_PING_PONG_PER_1000: (Burden.PING_PONG, None),
}


#: German and English names of the KPIs, for sentences.
KPI_NAMES: dict[str, tuple[str, str]] = {
    schema.KPI_OPEN_CASES: ("offene Fälle (ohne Abschluss)", "open cases (not closed)"),
    schema.KPI_THROUGHPUT_MEDIAN_DAYS: (
        "Durchlaufzeit (Median, Tage)",
        "throughput time (median, days)",
    ),
    schema.KPI_THROUGHPUT_P90_DAYS: (
        "Durchlaufzeit (90-%-Perzentil, Tage)",
        "throughput time (90th percentile, days)",
    ),
    schema.KPI_EUROS_PER_CASE: ("Kosten je Fall (Euro)", "cost per case (euros)"),
    schema.KPI_MEDIA_BREAKS_PER_1000: (
        "Medienbrüche je 1.000 Fälle",
        "media breaks per 1,000 cases",
    ),
    schema.KPI_REENTRIES_PER_1000: (
        "Mehrfacherfassungen je 1.000 Fälle",
        "manual re-entries per 1,000 cases",
    ),
    schema.KPI_ONCE_ONLY_PER_1000: (
        "Once-only-Verstöße je 1.000 Fälle (Nachweise, die eine Behörde schon hat)",
        "once-only violations per 1,000 cases (documents another authority holds)",
    ),
    schema.KPI_DUPLICATES_PER_1000: (
        "Doppelzuständigkeiten je 1.000 Fälle",
        "duplicate responsibilities per 1,000 cases",
    ),
    schema.KPI_PING_PONG_PER_1000: (
        "Ping-Pong zwischen Ebenen je 1.000 Fälle",
        "ping-pong between levels per 1,000 cases",
    ),
    schema.KPI_LEVELS_PER_CASE: ("Verwaltungsebenen je Fall", "government levels per case"),
    schema.KPI_UNITS_PER_CASE: ("Organisationseinheiten je Fall", "org units per case"),
    schema.KPI_REWORK_RATE: ("Anteil der Fälle mit Nacharbeit", "share of cases with rework"),
    schema.KPI_VARIANTS_PER_1000: ("Varianten je 1.000 Fälle", "variants per 1,000 cases"),
    schema.KPI_ONLINE_INTAKE_SHARE: ("Anteil Online-Eingang", "share of online intake"),
    schema.KPI_FITNESS: (
        "Übereinstimmung mit dem Referenzprozess",
        "fitness against the reference process",
    ),
}


#: KPIs that are shares (0..1), written as percentages.
SHARE_KPIS = (schema.KPI_REWORK_RATE, schema.KPI_ONLINE_INTAKE_SHARE, schema.KPI_FITNESS)
#: Decimals of each KPI as written (per 1,000 cases: whole numbers).
KPI_DECIMALS: dict[str, int] = {
    schema.KPI_CASES: 0,
    schema.KPI_OPEN_CASES: 0,
    schema.KPI_THROUGHPUT_MEDIAN_DAYS: 1,
    schema.KPI_THROUGHPUT_P90_DAYS: 1,
    schema.KPI_EUROS_PER_CASE: 2,
    schema.KPI_LEVELS_PER_CASE: 2,
    schema.KPI_UNITS_PER_CASE: 2,
    schema.KPI_VARIANTS: 0,
    **{kpi: 0 for kpi in FINDING_KPIS},
    schema.KPI_VARIANTS_PER_1000: 0,
    **{kpi: 0 for kpi in SHARE_KPIS},
}


def format_kpi(kpi: str, value: float, lang: str = "de") -> str:
    """A KPI value as written in sentences and tables: ``1.234`` per 1,000 cases, ``12,5``
    days, ``79,37`` euros, ``45 %`` for shares; German or English number format; "–" for
    a value not computed."""
    if value != value:  # NaN
        return "–"
    number = value * 100 if kpi in SHARE_KPIS else value
    text = number_text(number, KPI_DECIMALS.get(kpi, 2), lang)
    return f"{text} %" if kpi in SHARE_KPIS else text


def number_text(value: float, decimals: int = 0, lang: str = "de") -> str:
    """``value`` with thousands separators: ``1.234,5`` (German) or ``1,234.5`` (English)."""
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
