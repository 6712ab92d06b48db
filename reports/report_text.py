"""The fixed words of a report (table heads, labels), German and English, for every format."""

from __future__ import annotations

from typing import Literal

_WORDS: dict[str, tuple[str, str]] = {
    "service": ("Leistung", "Service"),
    "municipality": ("Kommune", "Municipality"),
    "period": ("Zeitraum", "Period"),
    "date": ("Stand", "Date"),
    "cases": ("Fälle", "Cases"),
    "findings": ("Befunde", "Findings"),
    "hours_per_year": ("Stunden je Jahr", "Hours per year"),
    "euros_per_year": ("€ je Jahr", "€ per year"),
    "savings": ("Einsparpotenzial € je Jahr", "Savings potential € per year"),
    "kind": ("Art der Belastung", "Kind of burden"),
    "per_1000": ("je 1.000 Fälle", "per 1,000 cases"),
    "cases_affected": ("betroffene Fälle", "cases affected"),
    "hours_lost": ("Arbeitsstunden im Log", "working hours in the log"),
    "rule": ("Regel", "Rule"),
    "examples": ("Beispielfälle", "Example cases"),
    "case": ("Fall", "Case"),
    "when": ("Zeitpunkt", "Time"),
    "activity": ("Schritt", "Step"),
    "medium": ("Medium", "Medium"),
    "unit": ("Stelle", "Unit"),
    "level": ("Ebene", "Level"),
    "costliest": ("Die fünf teuersten Belastungen", "The five costliest burdens"),
    "burden_total": ("Belastung je Jahr", "Burden per year"),
    "working_hours": ("Arbeitsstunden", "working hours"),
    "cost_total": ("Kosten des Verfahrens je Jahr", "Cost of the procedure per year"),
    "by_level": ("nach Verwaltungsebene", "by government level"),
    "by_step": ("nach Schritt", "by step"),
    "by_kind": ("nach Art der Belastung", "by kind of burden"),
    "note": ("Hinweis", "Note"),
    "edition": ("Kostentabellen", "Cost tables"),
    "verified": ("geprüft", "verified"),
    "unverified": (
        "ungeprüfte Abschrift: vor Veröffentlichung mit der Quelle abgleichen",
        "unverified transcription: check against the source before publishing",
    ),
    "inputs": ("Eingabedateien (SHA-256)", "Input files (SHA-256)"),
    "mappings": ("Zuordnungen (SHA-256)", "Mappings (SHA-256)"),
    "version": ("Amtsweg-Version", "Amtsweg version"),
    "limits": ("Was das Log nicht enthielt", "What the log lacked"),
    "inferred": ("Erschlossene Befunde", "Inferred findings"),
    "none": ("keine", "none"),
    "marked": (
        "Hervorgehoben: die Schritte, die der Befund nennt.",
        "Highlighted: the steps the finding names.",
    ),
    "unpriced": (
        "„–“: nicht bewertbar; der Grund steht daneben.",
        "'–': cannot be priced; the reason is given beside it.",
    ),
    "contents": ("Inhalt", "Contents"),
    "page": ("Seite", "Page"),
    "no_figures": (
        "Die Abbildungen fehlen: für Vektorgrafiken im PDF braucht Amtsweg Chrome oder Chromium "
        "auf diesem Rechner (kaleido findet es selbst; sonst `plotly_get_chrome` ausführen).",
        "The figures are missing: vector figures in the PDF need Chrome or Chromium on this "
        "machine (kaleido finds it by itself; else run `plotly_get_chrome`).",
    ),
    "produced_by": ("Erstellt mit Amtsweg", "Produced with Amtsweg"),
    "method_text": (
        "Amtsweg liest das Ereignisprotokoll des Fachverfahrens und prüft jeden Fall mit den "
        "unten genannten Regeln. Die Kosten folgen dem Standardkostenmodell (Leitfaden "
        "Erfüllungsaufwand): Minuten je Schritt aus dem Log oder der Zeitwerttabelle, mal "
        "Stundensatz der Ebene; je Jahr hochgerechnet auf die Fälle eines Jahres. Ein Schritt "
        "ohne Zeit wird nie als null gezählt: die Kosten fehlen dann, mit Grund.",
        "Amtsweg reads the event log of the case-management system and checks every case "
        "with the rules below. Costs follow the Standard Cost Model (Destatis guide to "
        "compliance costs): minutes per step from the log or the time-value table, times the "
        "level's hourly rate; per year scaled to a year's cases. A step without a time is "
        "never counted as zero: the cost is then missing, with its reason.",
    ),
}


def word(key: str, language: Literal["de", "en"]) -> str:
    """The fixed word ``key`` of a report in ``language``."""
    de, en = _WORDS[key]
    return de if language == "de" else en
