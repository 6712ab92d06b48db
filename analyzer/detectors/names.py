"""What the detectors are called in sentences and tables, in German and English."""

from __future__ import annotations

from typing import Literal

#: Registry name → (German, English) name of the burden it finds.
DETECTOR_LABELS: dict[str, tuple[str, str]] = {
    "media_breaks": ("Medienbrüche", "media breaks"),
    "system_breaks": ("Systembrüche", "system breaks"),
    "manual_reentry": ("Mehrfacherfassung", "manual re-entry"),
    "once_only": ("Once-only-Verstöße", "once-only violations"),
    "duplicate_responsibility": ("Doppelzuständigkeit", "duplicate responsibility"),
    "ping_pong": ("Ping-Pong zwischen Ebenen", "ping-pong between levels"),
    "rework": ("Nacharbeit", "rework"),
    "long_waits": ("lange Liegezeiten", "long waits"),
    "handovers": ("Übergaben", "hand-overs"),
}


def detector_label(name: str, language: Literal["de", "en"] = "de") -> str:
    """The name of detector ``name`` in ``language`` (its registry name, spaced, if unknown)."""
    de, en = DETECTOR_LABELS.get(name, (name.replace("_", " "),) * 2)
    return de if language == "de" else en
