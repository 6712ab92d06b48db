"""What a proposal recognised and guessed, as plain-text lines for ``amtsweg map``."""

from __future__ import annotations

from typing import Literal

from analyzer import schema
from connectors.mapping.model import HOW, STRONG, VALUE_HOW, Mapping

_SHOWN_VALUES = 20  # values listed per column; the rest are counted


def proposal_lines(mapping: Mapping, *, language: Literal["de", "en"] = "de") -> list[str]:
    """The proposal in plain text (no markup), in ``language``: one line per source column
    (what it was mapped to and how), one per required column not found, one per value of the
    medium and level columns (rows in the sample, canonical value, how it was recognised),
    unsure recognitions marked "bitte prüfen" / "please check"."""
    de = language == "de"
    lines = ["Vorgeschlagene Zuordnung:" if de else "Proposed mapping:"]
    for r in mapping.recognitions:
        how = HOW[r.how][0 if de else 1]
        note = r.note_de if de else r.note_en
        if note:
            how += f": {note}"
        if r.key is None:
            target = "—"
        else:
            f = schema.FIELDS_BY_KEY[r.key]
            target = f"{r.key} ({f.label_de if de else f.label_en})"
        mark = "" if r.key is None or r.how in STRONG else " [?]"
        examples = _first_examples(r.examples, limit=60)
        shown = f"; {'z. B.' if de else 'e.g.'} {examples}" if examples else ""
        lines.append(f"  {r.column} → {target}{mark}: {how}{shown}")
    for f in schema.FIELDS:
        if f.required and f.key not in mapping.columns and f.key not in mapping.joined:
            lines.append(
                f"  PFLICHTSPALTE NICHT ERKANNT: {f.label_de}: bitte unter [columns] "
                f'{f.key} = "…" eintragen'
                if de
                else f"  REQUIRED COLUMN NOT RECOGNISED: {f.label_en}: please fill in "
                f'{f.key} = "..." under [columns]'
            )
    by_key: dict[str, list] = {}
    for g in mapping.value_guesses:
        by_key.setdefault(g.key, []).append(g)
    for key, guesses in by_key.items():
        f = schema.FIELDS_BY_KEY[key]
        column = mapping.columns.get(key, key)
        lines.append(
            f"Werte von „{column}“ ({f.label_de}):"
            if de
            else f"Values of '{column}' ({f.label_en}):"
        )
        for g in guesses[:_SHOWN_VALUES]:
            how = VALUE_HOW[g.how][0 if de else 1]
            term = f" „{g.term}“" if g.term and g.how in ("word_part", "similar") else ""
            target = g.target or ("fehlt" if de else "missing")
            rows = f"{g.rows} Zeile{'' if g.rows == 1 else 'n'}" if de else f"{g.rows} row"
            rows += "" if de or g.rows == 1 else "s"
            check = "" if g.how in ("canonical", "known_word") else " [?]"
            lines.append(f"  „{g.value}“ ({rows}) → {target}{check}: {how}{term}")
        rest = guesses[_SHOWN_VALUES:]
        if rest:
            lines.append(
                f"  … und {len(rest)} weitere Werte" if de else f"  … and {len(rest)} more values"
            )
        if key in mapping.value_defaults:
            default = mapping.value_defaults[key] or ("fehlt" if de else "missing")
            lines.append(
                f"  jeder andere Wert → {default}" if de else f"  every other value → {default}"
            )
    if any(g.how not in ("canonical", "known_word") for g in mapping.value_guesses):
        lines.append(
            "[?] = vermutet: bitte in der Zuordnungsdatei prüfen"
            if de
            else "[?] = guessed: please check in the mapping file"
        )
    return lines


def _first_examples(examples: tuple[str, ...], *, limit: int) -> str:
    """The examples joined by ", ", as many whole ones as fit in ``limit`` characters (at
    least one): a cut word ("Bescheid zustell") reads as a wrong value."""
    shown: list[str] = []
    for example in examples:
        if shown and len(", ".join([*shown, example])) > limit:
            break
        shown.append(example)
    return ", ".join(shown)
