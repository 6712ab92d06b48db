"""How burden kinds look in every figure and document: one colour and one name per kind.

The colours are distinct for the common colour-vision deficiencies (hues after Paul Tol's
and Okabe & Ito's palettes, darkened) and each has a contrast of at least 4.5:1 against
white (WCAG 2.1 AA for text), so a count printed in its kind's colour stays readable.
"""

from __future__ import annotations

from typing import Literal

from analyzer import schema

#: Ordinary flow (edges, text of lesser weight): grey with 4.5:1 or more on white.
FLOW_COLOUR = "#5f6b77"
BURDEN_COLOURS: dict[str, str] = {
    schema.Burden.MEDIA_BREAK: "#b8420f",  # vermilion
    schema.Burden.MANUAL_REENTRY: "#c2255c",  # raspberry
    schema.Burden.ONCE_ONLY: "#6b6400",  # olive
    schema.Burden.DUPLICATE_RESPONSIBILITY: "#332288",  # indigo
    schema.Burden.PING_PONG: "#a03d8f",  # purple
    schema.Burden.REWORK: "#0f5fa3",  # blue
    schema.Burden.LONG_WAIT: "#117733",  # green
    schema.Burden.HANDOVER: FLOW_COLOUR,
}
BURDEN_NAMES: dict[str, dict[str, str]] = {
    "de": {
        schema.Burden.MEDIA_BREAK: "Medienbruch",
        schema.Burden.MANUAL_REENTRY: "Mehrfacherfassung",
        schema.Burden.DUPLICATE_RESPONSIBILITY: "Doppelzuständigkeit",
        schema.Burden.ONCE_ONLY: "Once-Only-Verstoß",
        schema.Burden.REWORK: "Nacharbeit",
        schema.Burden.LONG_WAIT: "lange Liegezeit",
        schema.Burden.PING_PONG: "Ping-Pong",
        schema.Burden.HANDOVER: "Übergabe",
    },
    "en": {
        schema.Burden.MEDIA_BREAK: "media break",
        schema.Burden.MANUAL_REENTRY: "re-entry",
        schema.Burden.DUPLICATE_RESPONSIBILITY: "duplicate responsibility",
        schema.Burden.ONCE_ONLY: "once-only violation",
        schema.Burden.REWORK: "rework",
        schema.Burden.LONG_WAIT: "long wait",
        schema.Burden.PING_PONG: "ping-pong",
        schema.Burden.HANDOVER: "hand-over",
    },
}


def burden_name(kind: str, language: Literal["de", "en"] = "de") -> str:
    """The name of burden ``kind`` in ``language`` (the kind itself, spaced, if unknown)."""
    return BURDEN_NAMES[language].get(kind, kind.replace("_", " "))


def burden_colour(kind: str) -> str:
    """The colour of burden ``kind`` (the flow grey if unknown)."""
    return BURDEN_COLOURS.get(kind, FLOW_COLOUR)


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(colour), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
