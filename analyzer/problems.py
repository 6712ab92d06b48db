"""Problems found in user input, in plain words, German first and English too.

A :class:`Problem` names where it is (file, row, column, value) and says what is wrong in
one sentence per language. :class:`InputError` carries all problems of one input at once,
so a user fixes an export in one round instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

LANGUAGES = ("de", "en")


class Severity(StrEnum):
    """ERROR stops the work; WARNING limits a result; INFO only tells (nothing is wrong)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One problem of an input, with where it is and what is wrong, in German and English."""

    code: str
    de: str
    en: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = Severity.ERROR

    def where(self, lang: str = "de") -> str:
        """``export.csv, Zeile 17, Spalte „Zeitpunkt“, Wert „31.02.2026“``."""
        de = lang == "de"
        parts = []
        if self.file:
            parts.append(f"{'Datei' if de else 'file'} {self.file}")
        if self.row is not None:
            parts.append(f"{'Zeile' if de else 'row'} {self.row}")
        if self.column:
            parts.append(
                f"{'Spalte' if de else 'column'} „{self.column}“"
                if de
                else f"column '{self.column}'"
            )
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            parts.append(f"{'Wert' if de else 'value'} „{shown}“" if de else f"value '{shown}'")
        return ", ".join(parts)

    def text(self, lang: str = "de") -> str:
        """The sentence plus where, e.g. ``Zeitpunkt nicht lesbar (Datei a.csv, Zeile 3)``."""
        sentence = self.de if lang == "de" else self.en
        where = self.where(lang)
        return f"{sentence} ({where})" if where else sentence


class AmtswegError(Exception):
    """Base of all errors Amtsweg reports to a user (never shown with a traceback)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.text("en"))

    def text(self, lang: str = "de", *, limit: int = 20) -> str:
        lines = [p.text(lang) for p in self.problems[:limit]]
        rest = len(self.problems) - limit
        if rest > 0:
            lines.append(
                f"... und {rest} weitere Probleme"
                if lang == "de"
                else f"... and {rest} more problems"
            )
        return "\n".join(lines)


class InputError(AmtswegError):
    """The input (file, table, mapping, option) cannot be used; nothing was changed."""


def error(code: str, de: str, en: str, **where: object) -> InputError:
    """An :class:`InputError` with one problem (``where``: file, row, column, value)."""
    return InputError([problem(code, de, en, **where)])


def problem(
    code: str,
    de: str,
    en: str,
    *,
    file: object = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    return Problem(
        code=code,
        de=de,
        en=en,
        file=None if file is None else str(file),
        row=row,
        column=column,
        value=None if value is None else str(value),
        severity=severity,
    )


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def warnings_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]
