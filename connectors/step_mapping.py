"""The step mapping file: which reference step each activity label is, confirmed by the user.

Amtsweg writes a proposal (:func:`write_step_mapping_proposal`) in which every suggestion is
a commented line; the user confirms a line by removing its ``#`` (or writes their own), and
:func:`read_step_mapping` reads only confirmed lines. Labels with no confirmed line stay
unmapped and are listed by ``analyzer.harmonisation.unmapped_labels``::

    catalogue = "wohngeld"

    [steps]
    "Antrag eingegangen" = "antragseingang"
    "Akte scannen" = "-"                 # confirmed: no reference step

    [municipalities."Musterstadt"]       # entries only for this municipality's log
    "Prüfung" = "anspruch_pruefen"
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer import schema
from analyzer.harmonisation import (
    NOT_IN_CATALOGUE,
    Catalogue,
    StepMapping,
    available_catalogues,
    load_reference_catalogue,
)
from analyzer.problems import InputError
from connectors.toml_files import TomlChecker, TomlFile, read_toml

TOP_KEYS = ("catalogue", "steps", "municipalities")


def read_step_mapping(path: str | Path) -> StepMapping:
    """The confirmed step mapping in ``path``, checked completely (InputError).

    Problems: unknown top-level keys, a catalogue that does not exist, a step id that is not
    in the catalogue (with the closest id), a value that is not text.
    """
    file = read_toml(
        path, code="step_mapping", what_de="Schritt-Zuordnung", what_en="step mapping file"
    )
    return step_mapping_from_file(file)


def step_mapping_from_file(file: TomlFile) -> StepMapping:
    check = TomlChecker(file, code="step_mapping")
    data = file.data
    for key in data:
        if key not in TOP_KEYS:
            check.unknown(key, TOP_KEYS, at=key)
    name = data.get("catalogue")
    if not isinstance(name, str):
        check.bad(
            "catalogue_missing",
            f'Referenzkatalog fehlt: catalogue = "…" angeben ({", ".join(available_catalogues())})',
            f'reference catalogue missing: give catalogue = "..." '
            f"({', '.join(available_catalogues())})",
            at="catalogue",
        )
        check.raise_if_any()
    try:
        catalogue = load_reference_catalogue(name)
    except InputError:
        check.choice(name, available_catalogues(), at="catalogue")
        check.raise_if_any()
        raise
    steps = _table(check, data.get("steps", {}), catalogue, at="steps")
    by_municipality: dict[str, dict[str, str]] = {}
    for municipality, table in check.table(
        data.get("municipalities", {}), at="municipalities"
    ).items():
        at = f"municipalities.{municipality}"
        by_municipality[municipality] = _table(check, table, catalogue, at=at)
    check.raise_if_any()
    return StepMapping(catalogue=catalogue.service, steps=steps, by_municipality=by_municipality)


def _table(check: TomlChecker, value: object, catalogue: Catalogue, *, at: str) -> dict[str, str]:
    allowed = [*catalogue.step_ids, NOT_IN_CATALOGUE]
    result: dict[str, str] = {}
    for label, step_id in check.table(value, at=at).items():
        chosen = check.choice(step_id, allowed, at=f"{at}.{label}")
        if chosen is not None:
            result[label] = chosen
    return result


def step_mapping_proposal_text(
    suggestions: pd.DataFrame, catalogue: Catalogue, *, confirmed: StepMapping | None = None
) -> str:
    """The proposal file's text: confirmed entries active, suggestions as commented lines.

    ``suggestions`` is the frame of ``analyzer.harmonisation.suggest_step_mapping``; labels
    already in ``confirmed`` are written as they are and not suggested again.
    """
    done = dict(confirmed.steps) if confirmed else {}
    lines = [
        "# Amtsweg: Zuordnung der Tätigkeiten zu Referenzschritten / step mapping",
        "# Jede Zeile prüfen und durch Entfernen des '#' bestätigen; falsche Vorschläge durch",
        '# eine Schritt-ID der Liste unten ersetzen; "-" = kein Referenzschritt.',
        "# Confirm each line by removing its '#'; replace a wrong suggestion by a step id",
        '# from the list below; "-" = no reference step.',
        *_catalogue_lines(catalogue),
    ]
    lines += [f"{_quote(label)} = {_quote(step)}" for label, step in sorted(done.items())]
    for label, group in suggestions.groupby(schema.MAPPING_LABEL, sort=False):
        if label in done:
            continue
        events = int(group[schema.MAPPING_EVENTS].iloc[0])
        best = group.sort_values(schema.MAPPING_RANK)
        first = best.iloc[0]
        if first[schema.MAPPING_RANK] == 0:
            lines.append(
                f'# {_quote(label)} = "?"   # kein Vorschlag / no suggestion ({events} Ereignisse)'
            )
            continue
        others = ", ".join(
            f"{r[schema.STEP]} {r[schema.MAPPING_SCORE]:.0f} %" for _, r in best.iloc[1:].iterrows()
        )
        score = first[schema.MAPPING_SCORE]
        lines.append(
            f"# {_quote(label)} = {_quote(first[schema.STEP])}   # {score:.0f} %"
            f", {events} Ereignisse" + (f"; Alternativen: {others}" if others else "")
        )
    if confirmed:
        lines += _municipality_lines(confirmed)
    return "\n".join(lines) + "\n"


def _catalogue_lines(catalogue: Catalogue) -> list[str]:
    """The catalogue named, its steps listed as comments, and the start of ``[steps]``."""
    lines = [
        f"# Katalog / catalogue: {catalogue.name_de}"
        + ("" if catalogue.verified else " (Katalog ungeprüft / catalogue not verified)"),
        "#",
        "# Schritte / steps:",
    ]
    lines += [
        f"#   {s.id:<26} {s.name_de}"
        + ("" if s.in_reference else "  (außerhalb des Referenzprozesses)")
        for s in catalogue.steps
    ]
    return [*lines, "", f'catalogue = "{catalogue.service}"', "", "[steps]"]


def _municipality_lines(mapping: StepMapping) -> list[str]:
    lines: list[str] = []
    for municipality, table in sorted(mapping.by_municipality.items()):
        lines += ["", f"[municipalities.{_quote(municipality)}]"]
        lines += [f"{_quote(label)} = {_quote(step)}" for label, step in sorted(table.items())]
    return lines


def step_mapping_text(mapping: StepMapping, catalogue: Catalogue, *, note: str = "") -> str:
    """A confirmed mapping as a file: every entry active, ``note`` as the opening comment."""
    lines = [
        "# Amtsweg: bestätigte Zuordnung der Tätigkeiten zu Referenzschritten / "
        "confirmed step mapping"
    ]
    lines += [f"# {line}" if line else "#" for line in note.splitlines()]
    lines += _catalogue_lines(catalogue)
    lines += [f"{_quote(label)} = {_quote(step)}" for label, step in sorted(mapping.steps.items())]
    lines += _municipality_lines(mapping)
    return "\n".join(lines) + "\n"


def write_step_mapping(
    path: str | Path, mapping: StepMapping, catalogue: Catalogue, *, note: str = ""
) -> Path:
    """Write :func:`step_mapping_text` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(step_mapping_text(mapping, catalogue, note=note), encoding="utf-8")
    return path


def write_step_mapping_proposal(
    path: str | Path,
    suggestions: pd.DataFrame,
    catalogue: Catalogue,
    *,
    confirmed: StepMapping | None = None,
) -> Path:
    """Write :func:`step_mapping_proposal_text` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(
        step_mapping_proposal_text(suggestions, catalogue, confirmed=confirmed), encoding="utf-8"
    )
    return path


def _quote(text: str) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
