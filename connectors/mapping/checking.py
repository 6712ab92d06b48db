"""Reading a mapping file and checking every entry before any work starts."""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analyzer import schema, vocabulary
from analyzer.problems import InputError, Problem, problem
from connectors.mapping.model import (
    COLUMN_KEYS,
    DEFAULT_VALUE_KEY,
    DROP_KEYS,
    FIRST_EVENT_MEDIUM_KEY,
    FORMATS,
    SECTIONS,
    SOURCE_KEYS,
    Mapping,
    SourceHints,
)
from connectors.toml_files import read_toml


def read_mapping(path: str | Path) -> Mapping:
    """The mapping in the TOML file ``path``, checked completely before any work starts.

    Raises :class:`InputError` with every problem: unknown sections or keys (with the line and
    the closest valid key), values of the wrong type, level/medium values that are not
    canonical, a time zone or encoding that does not exist.
    """
    file = read_toml(
        path,
        code="mapping",
        what_de="Zuordnungsdatei",
        what_en="mapping file",
        example='case = "Aktenzeichen"',
    )
    return _mapping_from_dict(file.data, path=file.path, lines=file.lines)


def mapping_from_dict(data: dict[str, Any], *, path: str | None = None) -> Mapping:
    """A :class:`Mapping` from the parsed TOML structure (checked like :func:`read_mapping`)."""
    return _mapping_from_dict(data, path=path, lines={})


def _mapping_from_dict(data: dict[str, Any], *, path: str | None, lines: dict[str, int]) -> Mapping:
    problems: list[Problem] = []

    def bad(code: str, de: str, en: str, *, at: str, key: str | None = None, value: Any = None):
        problems.append(
            problem(code, de, en, file=path, row=lines.get(at), column=key, value=value)
        )

    def unknown(section: str | None, key: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hint_de = f"; meinten Sie „{close[0]}“?" if close else ""
        hint_en = f"; did you mean '{close[0]}'?" if close else ""
        where_de = f"im Abschnitt [{section}]" if section else "als Abschnitt"
        where_en = f"in section [{section}]" if section else "as a section"
        at = f"{section}.{key}" if section else key
        bad(
            "mapping.unknown_key",
            f"unbekannter Schlüssel „{key}“ {where_de}{hint_de} Erlaubt: {', '.join(valid)}",
            f"unknown key '{key}' {where_en}{hint_en} Allowed: {', '.join(valid)}",
            at=at,
            key=key,
        )

    for name, content in data.items():
        if name not in SECTIONS:
            if name in COLUMN_KEYS and not isinstance(content, dict):
                bad(
                    "mapping.outside_section",
                    f"„{name}“ steht außerhalb eines Abschnitts; es gehört unter [columns]",
                    f"'{name}' stands outside a section; it belongs under [columns]",
                    at=name,
                    key=name,
                )
            else:
                unknown(None, name, SECTIONS)
        elif not isinstance(content, dict):
            bad(
                "mapping.not_a_section",
                f"„{name}“ muss ein Abschnitt [{name}] sein",
                f"'{name}' must be a section [{name}]",
                at=name,
                key=name,
            )

    def section(name: str) -> dict[str, Any]:
        content = data.get(name, {})
        return content if isinstance(content, dict) else {}

    # [source]
    hints: dict[str, Any] = {}
    for key, value in section("source").items():
        at = f"source.{key}"
        if key not in SOURCE_KEYS:
            unknown("source", key, SOURCE_KEYS)
            continue
        message = _source_value_problem(key, value)
        if message:
            bad("mapping.source_value", message[0], message[1], at=at, key=key, value=value)
            continue
        hints[key] = value

    # [columns]
    columns: dict[str, str] = {}
    joined: dict[str, tuple[str, ...]] = {}
    first_event_medium: str | None = None
    for key, value in section("columns").items():
        at = f"columns.{key}"
        canonical = _column_key(key)
        if canonical is None and key != FIRST_EVENT_MEDIUM_KEY:
            unknown("columns", key, (*COLUMN_KEYS, FIRST_EVENT_MEDIUM_KEY))
            continue
        names = _column_names(value)
        text_field = canonical is not None and (
            schema.FIELDS_BY_KEY[canonical].kind is schema.Kind.STRING
        )
        if names is None or (len(names) > 1 and not text_field):
            bad(
                "mapping.column_value",
                f"unter [columns] muss „{key}“ den Namen einer Spalte der Datei in "
                'Anführungszeichen erhalten, z. B. case = "Aktenzeichen" (eine Textspalte '
                'auch aus mehreren: activity = ["Code", "Bezeichnung"])',
                f"under [columns], '{key}' needs the name of a column of the file in quotes, "
                'e.g. case = "Aktenzeichen" (a text column also from several: '
                'activity = ["Code", "Name"])',
                at=at,
                key=key,
                value=value,
            )
            continue
        if canonical is None:
            first_event_medium = names[0]
        elif len(names) > 1:
            joined[canonical] = names
        else:
            columns[canonical] = names[0]
    if first_event_medium is not None and "medium" in joined:
        bad(
            "mapping.column_value",
            f"{FIRST_EVENT_MEDIUM_KEY} und ein aus mehreren Spalten gebildetes medium "
            "schließen sich aus",
            f"{FIRST_EVENT_MEDIUM_KEY} and a medium built from several columns exclude each other",
            at=f"columns.{FIRST_EVENT_MEDIUM_KEY}",
            key=FIRST_EVENT_MEDIUM_KEY,
        )

    # [values.*]
    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    for key, table in section("values").items():
        at = f"values.{key}"
        canonical = _column_key(key)
        if canonical is None:
            unknown("values", key, COLUMN_KEYS)
            continue
        f = schema.FIELDS_BY_KEY[canonical]
        if f.kind is not schema.Kind.STRING:
            bad(
                "mapping.values_kind",
                f"[values.{key}]: Werte lassen sich nur für Textspalten zuordnen",
                f"[values.{key}]: values can only be mapped for text columns",
                at=at,
                key=key,
            )
            continue
        if not isinstance(table, dict):
            bad(
                "mapping.values_table",
                f"[values.{key}] muss eine Tabelle „Wert der Datei = kanonischer Wert“ sein",
                f"[values.{key}] must be a table 'source value = canonical value'",
                at=at,
                key=key,
            )
            continue
        pairs: dict[str, str] = {}
        for source_value, target in table.items():
            entry_at = f"values.{key}.{source_value}"
            if not isinstance(target, str):
                bad(
                    "mapping.value_type",
                    f"[values.{key}]: „{source_value}“ braucht einen Text als Ziel",
                    f"[values.{key}]: '{source_value}' needs a text as its target",
                    at=entry_at,
                    key=key,
                    value=target,
                )
                continue
            target = target.strip()
            # "" is a value made missing: the detectors then infer it (medium) or skip it
            issue = target and _allowed_problem(f, target, section=f"[values.{key}]")
            if issue:
                bad("mapping.value_unknown", issue[0], issue[1], at=entry_at, key=key, value=target)
                continue
            if source_value == DEFAULT_VALUE_KEY:
                defaults[canonical] = target
            else:
                pairs[str(source_value)] = target
        values[canonical] = pairs

    # [constants]
    constants: dict[str, str] = {}
    for key, value in section("constants").items():
        at = f"constants.{key}"
        canonical = _column_key(key)
        if canonical is None:
            unknown("constants", key, COLUMN_KEYS)
            continue
        f = schema.FIELDS_BY_KEY[canonical]
        if f.kind is not schema.Kind.STRING or isinstance(value, bool | dict | list):
            bad(
                "mapping.constant_kind",
                f"[constants]: „{key}“ kann kein fester Wert sein (nur Text für Textspalten)",
                f"[constants]: '{key}' cannot be a constant (only text for text columns)",
                at=at,
                key=key,
                value=value,
            )
            continue
        text = str(value).strip()
        issue = _allowed_problem(f, text, section="[constants]")
        if issue:
            bad("mapping.value_unknown", issue[0], issue[1], at=at, key=key, value=text)
            continue
        if canonical in columns or canonical in joined:
            bad(
                "mapping.constant_and_column",
                f"„{key}“ steht unter [columns] und unter [constants]; nur eines angeben",
                f"'{key}' is under both [columns] and [constants]; give only one",
                at=at,
                key=key,
            )
            continue
        constants[canonical] = text

    # [drop]
    drop: tuple[str, ...] = ()
    drop_unmapped = False
    for key, value in section("drop").items():
        at = f"drop.{key}"
        if key not in DROP_KEYS:
            unknown("drop", key, DROP_KEYS)
        elif key == "columns":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(
                    "mapping.drop_columns",
                    '[drop] columns muss eine Liste von Spaltennamen sein, z. B. ["Name"]',
                    '[drop] columns must be a list of column names, e.g. ["Name"]',
                    at=at,
                    key=key,
                    value=value,
                )
            else:
                drop = tuple(v.strip() for v in value)
                mapped = sorted(
                    set(drop) & {*columns.values(), *(c for cs in joined.values() for c in cs)}
                )
                if mapped:
                    bad(
                        "mapping.drop_mapped",
                        f"[drop] nennt Spalten, die unter [columns] zugeordnet sind: "
                        f"{', '.join(mapped)}",
                        f"[drop] names columns that are mapped under [columns]: "
                        f"{', '.join(mapped)}",
                        at=at,
                        key=key,
                    )
        elif not isinstance(value, bool):
            bad(
                "mapping.drop_unmapped",
                "[drop] unmapped muss true oder false sein",
                "[drop] unmapped must be true or false",
                at=at,
                key=key,
                value=value,
            )
        else:
            drop_unmapped = value

    if problems:
        raise InputError(problems)
    return Mapping(
        columns=columns,
        values=values,
        constants=constants,
        joined=joined,
        value_defaults=defaults,
        medium_of_first_event=first_event_medium,
        drop=drop,
        drop_unmapped=drop_unmapped,
        source=SourceHints(**hints),
        path=path,
        lines=lines,
    )


def _column_names(value: Any) -> tuple[str, ...] | None:
    """The source column(s) a [columns] entry names: one text, or a list of texts."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        return None
    return tuple(v.strip() for v in items)


def _column_key(key: str) -> str | None:
    """The canonical key for ``key`` (a key like ``case`` or a column like ``concept:name``)."""
    if key in COLUMN_KEYS:
        return key
    f = schema.FIELDS_BY_COLUMN.get(key)
    if f is not None and f.key in COLUMN_KEYS:
        return f.key
    return None


def _allowed_problem(f: schema.Field, value: str, *, section: str) -> tuple[str, str] | None:
    if not f.allowed or value in f.allowed:
        return None
    guess = None
    if f.key == "medium":
        guess = vocabulary.medium_of(value)
    elif f.key == "level":
        guess = vocabulary.level_of(value)
    if guess is None:
        close = difflib.get_close_matches(value, list(f.allowed), n=1, cutoff=0.5)
        guess = close[0] if close else None
    hint_de = f"; meinten Sie „{guess}“?" if guess else ""
    hint_en = f"; did you mean '{guess}'?" if guess else ""
    return (
        f"{section}: „{value}“ ist kein Wert für {f.label_de}{hint_de} Erlaubt: "
        f"{', '.join(f.allowed)}",
        f"{section}: '{value}' is not a {f.label_en} value{hint_en} Allowed: "
        f"{', '.join(f.allowed)}",
    )


def _source_value_problem(key: str, value: Any) -> tuple[str, str] | None:
    if key == "format" and value not in FORMATS:
        return (
            f"[source] format: erlaubt sind {', '.join(FORMATS)}",
            f"[source] format: allowed are {', '.join(FORMATS)}",
        )
    if key == "delimiter" and not (isinstance(value, str) and len(value) == 1):
        return (
            '[source] delimiter muss genau ein Zeichen sein, z. B. ";" oder "\\t"',
            '[source] delimiter must be exactly one character, e.g. ";" or "\\t"',
        )
    if key == "decimal" and value not in (",", "."):
        return ('[source] decimal: "," oder "."', '[source] decimal: "," or "."')
    if key == "encoding":
        import codecs

        try:
            codecs.lookup(str(value))
        except LookupError:
            return (
                "[source] encoding: unbekannte Zeichenkodierung; z. B. utf-8, cp1252, latin-1",
                "[source] encoding: unknown encoding; e.g. utf-8, cp1252, latin-1",
            )
    if key == "timezone":
        try:
            zoneinfo.ZoneInfo(str(value))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return (
                "[source] timezone: unbekannte Zeitzone; z. B. Europe/Berlin",
                "[source] timezone: unknown time zone; e.g. Europe/Berlin",
            )
    if key == "sheet" and not (
        (isinstance(value, str) and value) or (isinstance(value, int) and value >= 1)
    ):
        return (
            "[source] sheet: Name des Blatts oder Position ab 1",
            "[source] sheet: the sheet's name or its position counting from 1",
        )
    if key == "header_row" and not (
        isinstance(value, int) and not isinstance(value, bool) and value >= 1
    ):
        return (
            "[source] header_row: Zeilennummer der Kopfzeile ab 1",
            "[source] header_row: line number of the header, counting from 1",
        )
    if key == "object_type" and not isinstance(value, str):
        return ("[source] object_type: ein Text", "[source] object_type: a text")
    return None
