"""Writing a mapping as a commented TOML file a user can read and edit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w

from analyzer import schema
from connectors.mapping.model import (
    COLUMN_KEYS,
    DEFAULT_VALUE_KEY,
    FIRST_EVENT_MEDIUM_KEY,
    HOW,
    SOURCE_KEYS,
    VALUE_HOW,
    Mapping,
    ValueGuess,
)


def write_mapping(mapping: Mapping, path: str | Path) -> Path:
    """Write ``mapping`` as a commented TOML file (German comments first, English second).

    A proposal's file says for each column how it was recognised, lists the columns and
    values it did not map, and shows the optional keys not found as commented-out lines.
    The file reads back with :func:`read_mapping` to the same mapping.
    """
    path = Path(path)
    path.write_text(mapping_text(mapping), encoding="utf-8")
    return path


def mapping_text(mapping: Mapping) -> str:
    """The commented TOML text of ``mapping`` (what :func:`write_mapping` writes)."""
    target = _one_line(mapping.for_file or "…", 200)
    out: list[str] = [
        f"# Amtsweg-Zuordnung für {target} / Amtsweg mapping for {target}",
        "# Bitte prüfen und anpassen; dann: amtsweg import DATEI --mapping DIESE-DATEI",
        "# Please check and adjust; then: amtsweg import FILE --mapping THIS-FILE",
        "",
    ]
    by_key = {r.key: r for r in mapping.recognitions if r.key is not None}

    out += [
        "[source]",
        "# Hinweise zum Lesen der Datei, alle optional / how to read the file, all optional",
    ]
    hints = mapping.source
    for key in SOURCE_KEYS:
        value = getattr(hints, key)
        if value is not None:
            out.append(_toml_line(key, value))
    out.append("")

    out += [
        "[columns]",
        "# Schlüssel = Spalte der Datei / key = column of the file",
    ]
    for key, column in mapping.columns.items():
        f = schema.FIELDS_BY_KEY[key]
        r = by_key.get(key)
        if r is not None:
            how_de, how_en = HOW[r.how]
            line = f"# {f.label_de}: {how_de} / {f.label_en}: {how_en}"
            if r.examples:
                line += f"; z. B. / e.g. {_one_line(', '.join(r.examples))}"
            out.append(line)
            if r.alternatives:
                alts = _one_line(", ".join(r.alternatives), 200)
                out.append(f"#   passt auch / also fits: {alts}")
        out.append(_toml_line(key, column))
    for key, names in mapping.joined.items():
        out.append(f"# {schema.FIELDS_BY_KEY[key].label_de}: verbunden mit / joined with „·“")
        out.append(_toml_line(key, list(names)))
    if mapping.medium_of_first_event:
        out.append(
            "# Medium des ersten Ereignisses jedes Vorgangs / medium of each case's first event"
        )
        out.append(_toml_line(FIRST_EVENT_MEDIUM_KEY, mapping.medium_of_first_event))
    missing = [
        f
        for f in schema.FIELDS
        if f.key in COLUMN_KEYS
        and f.key not in mapping.columns
        and f.key not in mapping.joined
        and f.key not in mapping.constants
    ]
    if missing:
        out += [
            "# Nicht erkannt: falls vorhanden, Kommentarzeichen entfernen und Spalte eintragen",
            "# Not recognised: if present, remove the comment sign and fill in the column",
        ]
        for f in missing:
            mark = "PFLICHT / REQUIRED: " if f.required else ""
            out.append(f'# {f.key} = ""   # {mark}{f.label_de} / {f.label_en}')
    unmapped = [r for r in mapping.recognitions if r.key is None and r.how == "unmapped"]
    if unmapped:
        out += [
            "# Spalten ohne Zuordnung bleiben als zusätzliche Attribute erhalten:",
            "# Columns not mapped are kept as extra attributes:",
        ]
        for r in unmapped:
            line = f"#   „{_one_line(r.column)}“"
            if r.examples:
                line += f" (z. B. / e.g. {_one_line(', '.join(r.examples))})"
            if r.note_de:
                line += f": {_one_line(r.note_de, 300)} / {_one_line(r.note_en, 300)}"
            if r.alternatives:
                line += (
                    f"; könnte auch sein / could also be: {_one_line(', '.join(r.alternatives))}"
                )
            out.append(line)
    out.append("")

    keys = list(dict.fromkeys([*mapping.values, *mapping.value_defaults]))
    guesses = {(g.key, g.value): g for g in mapping.value_guesses}
    for key in keys:
        f = schema.FIELDS_BY_KEY[key]
        out.append(f"[values.{key}]")
        out.append("# Wert der Datei = kanonischer Wert / value in the file = canonical value")
        if f.allowed:
            out.append(f"# erlaubt / allowed: {', '.join(f.allowed)}")
        if mapping.value_guesses:
            out.append(
                '# "" = fehlt / missing (ein Medium wird dann aus Tätigkeit und System '
                "abgeleitet / a medium is then inferred from activity and system)"
            )
        for source_value, target in mapping.values.get(key, {}).items():
            line = _toml_line(source_value, target)
            guess = guesses.get((key, source_value))
            if guess is not None and guess.how not in ("known_word", "canonical"):
                line += f"   # {_guess_comment(guess)}"
            out.append(line)
        if key in mapping.value_defaults:
            out += [
                "# jeder andere Wert / every other value:",
                _toml_line(DEFAULT_VALUE_KEY, mapping.value_defaults[key]),
            ]
        out.append("")
    if not keys:
        out += [
            "# [values.medium]  Werte zuordnen, z. B. / map values, e.g.:",
            '# "Papier" = "paper"',
            "",
        ]

    out += [
        "[constants]",
        "# Schlüssel = Wert für jedes Ereignis / key = value for every event",
    ]
    for key, value in mapping.constants.items():
        out.append(_toml_line(key, value))
    if not mapping.constants:
        out.append('# level = "municipality"')
        out.append('# municipality = "Musterstadt"')
    out.append("")

    out += [
        "[drop]",
        "# Spalten, die nicht importiert werden (z. B. personenbezogene Daten) /",
        "# columns not to import (e.g. personal data)",
    ]
    personal = [r.column for r in mapping.recognitions if r.how == "personal"]
    if personal:
        out += [
            "# Vermutlich personenbezogen, daher vorgeschlagen; zum Importieren aus der Liste "
            "nehmen /",
            "# probably personal data, hence proposed; remove from the list to import them",
        ]
    out.append(_toml_line("columns", list(mapping.drop)))
    if mapping.drop_unmapped:
        out.append(_toml_line("unmapped", True))
    else:
        out.append(
            "# unmapped = true   # alle nicht zugeordneten Spalten weglassen / drop every "
            "column not mapped"
        )
    out.append("")
    return "\n".join(out)


def _guess_comment(guess: ValueGuess) -> str:
    """Why a proposal chose a value's target, for the comment after it."""
    how_de, how_en = VALUE_HOW[guess.how]
    term = f" „{guess.term}“" if guess.term else ""
    return f"bitte prüfen / please check: {how_de}{term} / {how_en}{term}"


def _one_line(text: str, limit: int = 60) -> str:
    """``text`` fit for a comment: line breaks and control characters as spaces, shortened."""
    flat = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _toml_line(key: str, value: Any) -> str:
    if isinstance(value, list):
        head = tomli_w.dumps({key: ""}).split("=")[0].strip()
        items = ", ".join(tomli_w.dumps({"v": v}).split("=", 1)[1].strip() for v in value)
        return f"{head} = [{items}]"
    return tomli_w.dumps({key: value}).strip()
