"""Names of the government levels for evidence sentences."""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.detectors.base import text
from analyzer.schema import Level

LEVEL_LABELS_DE: dict[str, str] = {
    Level.FEDERAL: "Bund",
    Level.STATE: "Land",
    Level.COUNTY: "Kreis",
    Level.MUNICIPALITY: "Gemeinde",
    Level.SOCIAL_INSURANCE: "Sozialversicherung",
    Level.OTHER: "sonstige",
}
LEVEL_LABELS_EN: dict[str, str] = {
    Level.FEDERAL: "federal",
    Level.STATE: "state",
    Level.COUNTY: "county",
    Level.MUNICIPALITY: "municipality",
    Level.SOCIAL_INSURANCE: "social insurance",
    Level.OTHER: "other",
}


def level_text(level: object, labels: Mapping[str, str]) -> str:
    """The name of ``level`` in ``labels``; the value itself if unknown, "?" if missing."""
    value = text(level)
    return labels.get(value, value)
