"""Reading the TOML files users edit (settings, mappings): plain words for every mistake.

:func:`read_toml` reads a file (UTF-8, with or without BOM, else Windows-1252, as German
editors save it), reports a syntax error with its line, and remembers the line of every table
and key so later checks can point at it. :class:`TomlChecker` collects problems ("unknown key
... did you mean ...?", "must be a number") so a file is checked completely before any work
starts and all its problems are reported at once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from analyzer.problems import InputError, Problem, problem

_TABLE = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_:\-]+)\s*=""")
_PARTS = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^.]+)""")


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML file with the line of each table and key (``"defaults.level"`` → 12)."""

    path: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)


def read_toml(
    path: str | Path,
    *,
    code: str,
    what_de: str,
    what_en: str,
    example: str = '"Antrag prüfen" = "anspruch_pruefen"',
) -> TomlFile:
    """The TOML file ``path``; InputError if it is missing or not valid TOML.

    ``code`` prefixes the problem codes (``"cost_settings"`` → ``cost_settings.not_found``);
    ``what_de``/``what_en`` name the kind of file in messages ("Kosteneinstellungen"),
    ``example`` shows a well-quoted line of that kind of file.
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(
            [
                problem(
                    f"{code}.not_found",
                    f"{what_de} nicht gefunden",
                    f"{what_en} not found",
                    file=where,
                )
            ]
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(
            [
                problem(
                    f"{code}.syntax",
                    f"{what_de}: kein gültiges TOML ({exc}); Texte in Anführungszeichen setzen, "
                    f"z. B. {example}",
                    f"{what_en}: not valid TOML ({exc}); quote texts, e.g. {example}",
                    file=where,
                    row=int(line.group(1)) if line else None,
                )
            ]
        ) from None
    return TomlFile(path=where, data=data, lines=key_lines(text))


def key_lines(text: str) -> dict[str, int]:
    """Line of each table and key of a TOML text, by dotted path (quotes removed)."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        found = _TABLE.match(line)
        if found:
            parts = _PARTS.findall(found.group(1))
            table = ".".join(_unquote(p) for p in parts if p.strip())
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            name = _unquote(key.group(1))
            lines.setdefault(f"{table}.{name}" if table else name, number)
    return lines


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


class TomlChecker:
    """Collects the problems of one file; each names the file, line and key."""

    def __init__(self, file: TomlFile, *, code: str):
        self.file = file
        self.code = code
        self.problems: list[Problem] = []

    def bad(self, what: str, de: str, en: str, *, at: str, value: Any = None) -> None:
        self.problems.append(
            problem(
                f"{self.code}.{what}",
                de,
                en,
                file=self.file.path,
                row=self.file.lines.get(at),
                column=at,
                value=None if value is None else value,
            )
        )

    def unknown(self, key: str, allowed: Iterable[str], *, at: str, section: str = "") -> None:
        """A problem for ``key`` not being one of ``allowed``, with the closest as a hint."""
        allowed = [str(a) for a in allowed]
        hint_de, hint_en = _closest(key, allowed)
        where = f" in [{section}]" if section else ""
        self.bad(
            "unknown_key",
            f"unbekannter Schlüssel „{key}“{where}{hint_de} Erlaubt: {', '.join(allowed)}",
            f"unknown key '{key}'{where}{hint_en} Allowed: {', '.join(allowed)}",
            at=at,
        )

    def table(self, value: Any, *, at: str) -> dict[str, Any]:
        """``value`` if it is a TOML table, else a problem and an empty table."""
        if isinstance(value, dict):
            return value
        self.bad(
            "not_a_table",
            f"„{at}“ muss ein Abschnitt [{at}] sein",
            f"'{at}' must be a section [{at}]",
            at=at,
        )
        return {}

    def number(self, value: Any, *, at: str, cents: bool = False) -> Decimal | None:
        """``value`` as a non-negative Decimal; with ``cents`` at most two decimals."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.bad("not_a_number", "muss eine Zahl sein", "must be a number", at=at, value=value)
            return None
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
        except InvalidOperation:
            self.bad("not_a_number", "muss eine Zahl sein", "must be a number", at=at, value=value)
            return None
        if number < 0:
            self.bad(
                "negative", "darf nicht negativ sein", "must not be negative", at=at, value=value
            )
            return None
        if cents and number * 100 != (number * 100).to_integral_value():
            self.bad(
                "sub_cent",
                "Eurobetrag mit höchstens zwei Nachkommastellen angeben",
                "give euro amounts with at most two decimals",
                at=at,
                value=value,
            )
            return None
        return number

    def choice(self, value: Any, allowed: Iterable[str], *, at: str) -> str | None:
        """``value`` if it is one of ``allowed`` (text), else a problem."""
        allowed = [str(a) for a in allowed]
        if isinstance(value, str) and value in allowed:
            return value
        hint_de, hint_en = _closest(str(value), allowed)
        self.bad(
            "unknown_value",
            f"unbekannter Wert{hint_de} Erlaubt: {', '.join(allowed)}",
            f"unknown value{hint_en} Allowed: {', '.join(allowed)}",
            at=at,
            value=value,
        )
        return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _closest(value: str, allowed: list[str]) -> tuple[str, str]:
    """ "; meinten Sie „x“?" / "; did you mean 'x'?" for the closest allowed value, or ""."""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f"; meinten Sie „{close[0]}“?", f"; did you mean '{close[0]}'?"
