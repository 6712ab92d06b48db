"""Inhabitants per municipality, for the peer groups of a comparison (``amtsweg compare --sizes``).

Two forms, whichever a user finds easier to write:

* TOML, one line per municipality (or under ``[inhabitants]`` / ``[einwohner]``)::

      Musterstadt = 210000
      "Bad Beispiel" = 8_000

* CSV with two columns, municipality and inhabitants (``;`` or ``,``; a header line such as
  ``Kommune;Einwohner`` is recognised; German digit grouping ``210.000`` is read)::

      Kommune;Einwohner
      Musterstadt;210.000

Every problem (not a whole number, a municipality twice, an empty file) is reported at once,
with its line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from analyzer.problems import InputError, Problem, error, problem
from connectors.toml_files import TomlChecker, read_toml

TOML_TABLES = ("inhabitants", "einwohner")
_WHOLE = re.compile(r"^\d{1,3}(?:[.\s_']\d{3})+$|^\d+$")


def read_sizes(path: str | Path) -> dict[str, int]:
    """Municipality → inhabitants from a ``.toml`` or ``.csv`` file (InputError)."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        return _from_toml(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return _from_csv(path)
    raise error(
        "sizes.format",
        "Einwohnerzahlen als .toml oder .csv angeben",
        "give the inhabitants as a .toml or .csv file",
        file=path,
    )


def _from_toml(path: Path) -> dict[str, int]:
    file = read_toml(path, code="sizes", what_de="Einwohnerzahlen", what_en="inhabitants file")
    check = TomlChecker(file, code="sizes")
    data = file.data
    for name in TOML_TABLES:
        if isinstance(data.get(name), dict):
            data, prefix = data[name], f"{name}."
            break
    else:
        prefix = ""
    sizes: dict[str, int] = {}
    for municipality, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            check.bad(
                "not_whole",
                f"Einwohnerzahl von „{municipality}“ muss eine ganze Zahl über 0 sein",
                f"inhabitants of '{municipality}' must be a whole number above 0",
                at=f"{prefix}{municipality}",
                value=value,
            )
            continue
        sizes[str(municipality)] = value
    check.raise_if_any()
    return _not_empty(sizes, path)


def _from_csv(path: Path) -> dict[str, int]:
    if not path.is_file():
        raise error(
            "sizes.not_found",
            "Einwohnerzahlen nicht gefunden",
            "inhabitants file not found",
            file=path,
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    sizes: dict[str, int] = {}
    problems: list[Problem] = []
    for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0]:
            problems.append(_csv_problem(path, line, "two_columns", row))
            continue
        number = cells[1].replace(" ", "")
        if not _WHOLE.match(number) or int(re.sub(r"\D", "", number)) == 0:
            if line == 1:  # a header line
                continue
            problems.append(_csv_problem(path, line, "not_whole", cells[1]))
            continue
        if cells[0] in sizes:
            problems.append(_csv_problem(path, line, "twice", cells[0]))
            continue
        sizes[cells[0]] = int(re.sub(r"\D", "", number))
    if problems:
        raise InputError(problems)
    return _not_empty(sizes, path)


def _csv_problem(path: Path, line: int, what: str, value: object) -> Problem:
    de, en = {
        "two_columns": (
            "zwei Spalten erwartet: Kommune und Einwohnerzahl",
            "two columns expected: municipality and inhabitants",
        ),
        "not_whole": (
            "Einwohnerzahl muss eine ganze Zahl über 0 sein",
            "inhabitants must be a whole number above 0",
        ),
        "twice": ("Kommune steht zweimal in der Datei", "municipality listed twice"),
    }[what]
    return problem(f"sizes.{what}", de, en, file=path, row=line, value=value)


def _not_empty(sizes: dict[str, int], path: Path) -> dict[str, int]:
    if not sizes:
        raise error(
            "sizes.empty",
            "keine Einwohnerzahlen in der Datei",
            "no inhabitants in the file",
            file=path,
        )
    return sizes
