"""The words of the app in the session's language (German first, English by the switch), and
numbers and dates the way its readers write them."""

from __future__ import annotations

from datetime import datetime

import flask
import pandas as pd

from analyzer import schema
from analyzer.comparison.kpi_definitions import number_text

LANGUAGES = ("de", "en")
_SESSION_KEY = "lang"


def language() -> str:
    """The language chosen in this browser's session ("de" until switched)."""
    chosen = flask.session.get(_SESSION_KEY) if flask.has_request_context() else None
    return chosen if chosen in LANGUAGES else "de"


def set_language(lang: str) -> None:
    if lang in LANGUAGES:
        flask.session[_SESSION_KEY] = lang


def text(de: str, en: str) -> str:
    """``de`` or ``en``, as the session's language says."""
    return de if language() == "de" else en


def number(value: float, *, decimals: int = 0) -> str:
    """``12.345`` in German, ``12,345`` in English."""
    return number_text(value, decimals, language())


def date(value: datetime | pd.Timestamp | None) -> str:
    """A day in the administration's time zone: ``23.11.2026`` or ``2026-11-23``."""
    if value is None or pd.isna(value):
        return "–"
    day = pd.Timestamp(value)
    day = (day.tz_localize("UTC") if day.tzinfo is None else day).tz_convert(
        schema.DEFAULT_TIMEZONE
    )
    return day.strftime("%d.%m.%Y" if language() == "de" else "%Y-%m-%d")
