"""What can go wrong reading an XES file: the user's problems (as :class:`InputError`)
and the fast reader's hand-over to the lxml reader (:class:`Unsupported`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.problems import InputError, problem


class Unsupported(Exception):
    """The fast reader cannot read this file; the lxml reader takes over."""


def bilingual(code: str, de: str, en: str, path: Path, **where: Any) -> InputError:
    return InputError([problem(code, de, en, file=path, **where)])


def empty_file(file: Path) -> InputError:
    return bilingual("file.empty", "die Datei ist leer", "the file is empty", file)


def damaged_file(file: Path, exc: BaseException) -> InputError:
    return bilingual(
        "file.damaged",
        "die komprimierte Datei ist abgeschnitten oder beschädigt (gzip: "
        f"{exc or type(exc).__name__}); bitte neu exportieren oder herunterladen",
        "the compressed file is truncated or damaged (gzip: "
        f"{exc or type(exc).__name__}); please export or download it again",
        file,
    )


def doctype_refused(file: Path) -> InputError:
    return bilingual(
        "xes.doctype",
        "die Datei enthält eine DTD- bzw. ENTITY-Deklaration (<!DOCTYPE …>); XES-Dateien "
        "brauchen keine, und aus Sicherheitsgründen (externe Entitäten, Entity-Expansion) "
        "wird sie nicht gelesen",
        "the file contains a DTD/entity declaration (<!DOCTYPE ...>); XES files never need "
        "one, and for safety (external entities, entity expansion) it is not read",
        file,
    )
