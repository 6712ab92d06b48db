"""The mapping file: which source column is which canonical column, and what its values mean.

A mapping is a small TOML file a user can read and edit (``amtsweg map FILE`` proposes one)::

    # Amtsweg-Zuordnung / mapping for export.csv
    [source]                 # optional reading hints (all optional)
    format = "csv"           # csv | excel | parquet | xes | ocel | sql
    delimiter = ";"
    encoding = "cp1252"
    decimal = ","
    sheet = "Vorgänge"       # Excel: name, or position counting from 1
    timezone = "Europe/Berlin"
    object_type = "Antrag"   # OCEL
    header_row = 3           # line/row of the header when detection picks the wrong one
    [columns]                # canonical key = source column
    case = "Aktenzeichen"
    activity = "Tätigkeit"
    timestamp = "Zeitpunkt"
    medium = "Kanal"
    [values.medium]          # source value = canonical value
    "Papier" = "paper"
    [constants]              # canonical key = value for every event
    level = "municipality"
    [drop]                   # source columns not to import (e.g. personal data)
    columns = ["Name", "Geburtsdatum"]
    unmapped = false         # true: drop every column not named under [columns]

The keys are the short ``Field.key`` names of :mod:`analyzer.schema`. :func:`read_mapping`
checks everything before any work is done (a typo like ``activty`` names the line and the
closest valid key); :func:`apply_mapping` renames, maps values, adds constants and drops
columns, and refuses a mapping that names a column the file does not have.

:func:`propose_mapping` recognises columns from their headers (``Field.headers``, compared
case-insensitively, then with umlauts and punctuation normalised, then by similarity) and
from their values (media and government levels via :mod:`analyzer.vocabulary`, timestamps
via :mod:`connectors.timestamps`). Every decision is recorded as a :class:`Recognition` so the
written file and ``amtsweg map`` say how each column was recognised and which were not.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
import tomli_w

from analyzer import engine, schema, vocabulary
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.timestamps import parse_timestamps
from connectors.toml_files import read_toml

SECTIONS: tuple[str, ...] = ("source", "columns", "values", "constants", "drop")
FORMATS: tuple[str, ...] = ("csv", "excel", "parquet", "xes", "ocel", "sql")
SOURCE_KEYS: tuple[str, ...] = (
    "format",
    "delimiter",
    "encoding",
    "decimal",
    "sheet",
    "timezone",
    "object_type",
    "header_row",
)
DROP_KEYS: tuple[str, ...] = ("columns", "unmapped")
#: Keys a mapping may name under [columns], [values.*] and [constants].
COLUMN_KEYS: tuple[str, ...] = tuple(f.key for f in schema.FIELDS if f.column != schema.SOURCE_ROW)

#: How a proposal recognised a column, strongest first. The first three are certain enough
#: for a file read without a mapping; the others are only ever written into a proposal.
STRONG = ("canonical", "header", "normalised_header")
HOW: dict[str, tuple[str, str]] = {
    "canonical": ("kanonischer Spaltenname", "canonical column name"),
    "header": ("Spaltenname erkannt", "header recognised"),
    "normalised_header": (
        "Spaltenname erkannt (Schreibweise abweichend)",
        "header recognised (spelling differs)",
    ),
    "similar_header": (
        "ähnlicher Spaltenname: bitte prüfen",
        "similar header: please check",
    ),
    "values": ("an den Werten erkannt: bitte prüfen", "recognised from its values: please check"),
    "timestamps": (
        "Werte sind Zeitpunkte: bitte prüfen",
        "values are timestamps: please check",
    ),
    "personal": (
        "vermutlich personenbezogen: unter [drop] eingetragen",
        "probably personal data: listed under [drop]",
    ),
    "unmapped": (
        "nicht zugeordnet, bleibt als zusätzliches Attribut",
        "not mapped, kept as an extra attribute",
    ),
}

_SAMPLE_VALUES = 1000  # distinct values a proposal looks at per column
_CATEGORY_LIMIT = 60  # more distinct values than this: not a medium/level column
_FUZZY_CUTOFF = 0.85


@dataclass(frozen=True)
class SourceHints:
    """Optional hints for reading the source ([source] in the mapping file)."""

    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    sheet: str | int | None = None
    timezone: str | None = None
    object_type: str | None = None
    header_row: int | None = None


@dataclass(frozen=True)
class Recognition:
    """How a proposal treated one source column (for comments and ``amtsweg map``).

    ``key`` is the canonical key it was mapped to (None when not mapped); ``how`` one of
    :data:`HOW`; ``alternatives`` other keys or columns that would also have fitted.
    """

    column: str
    key: str | None
    how: str
    examples: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    note_de: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Mapping:
    """A mapping from a source's columns and values to the canonical event log.

    ``columns``: canonical key → source column; ``values``: canonical key → {source value:
    canonical value}; ``constants``: canonical key → value for every event; ``drop``: source
    columns not to import; ``drop_unmapped``: drop every column not under ``columns``.
    ``path`` is the file it was read from and ``lines`` the line of each entry
    (``"columns.case"`` → 7), both for messages. A proposal also carries ``recognitions``,
    the values it could not map (``unrecognised_values``) and the file it was made for.
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    drop_unmapped: bool = False
    source: SourceHints = field(default_factory=SourceHints)
    path: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    recognitions: tuple[Recognition, ...] = ()
    unrecognised_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    for_file: str | None = None

    @property
    def label(self) -> str:
        """How messages name this mapping: its file, or "automatic mapping"."""
        if self.path:
            return self.path
        if self.recognitions:
            return "automatische Zuordnung / automatic mapping"
        return "Zuordnung / mapping"


def default_mapping_path(path: str | Path) -> Path:
    """Default place of a mapping for ``path``: ``export.csv`` → ``export.mapping.toml``."""
    path = Path(path)
    name = path.name
    for suffix in (".gz", ".xes", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return path.with_name(name + ".mapping.toml")


def mapping_names(mapping: Mapping | None) -> dict[str, str]:
    """Canonical column → the user's source header, for messages."""
    if mapping is None:
        return {}
    return {schema.FIELDS_BY_KEY[key].column: column for key, column in mapping.columns.items()}


# --- reading ---------------------------------------------------------------------------------


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
    for key, value in section("columns").items():
        at = f"columns.{key}"
        canonical = _column_key(key)
        if canonical is None:
            unknown("columns", key, COLUMN_KEYS)
            continue
        if not isinstance(value, str) or not value.strip():
            bad(
                "mapping.column_value",
                f"unter [columns] muss „{key}“ den Namen einer Spalte der Datei in "
                'Anführungszeichen erhalten, z. B. case = "Aktenzeichen"',
                f"under [columns], '{key}' needs the name of a column of the file in quotes, "
                'e.g. case = "Aktenzeichen"',
                at=at,
                key=key,
                value=value,
            )
            continue
        columns[canonical] = value.strip()

    # [values.*]
    values: dict[str, dict[str, str]] = {}
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
            issue = _allowed_problem(f, target, section=f"[values.{key}]")
            if issue:
                bad("mapping.value_unknown", issue[0], issue[1], at=entry_at, key=key, value=target)
                continue
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
        if canonical in columns:
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
                mapped = sorted(set(drop) & set(columns.values()))
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
        drop=drop,
        drop_unmapped=drop_unmapped,
        source=SourceHints(**hints),
        path=path,
        lines=lines,
    )


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


# --- applying --------------------------------------------------------------------------------


def apply_mapping(frame: pl.DataFrame | pl.LazyFrame, mapping: Mapping, *, source: str):
    """``frame`` with the mapping applied: renamed, values mapped, constants added, columns dropped.

    Values not named in a value map stay as they are (validation reports non-canonical
    media and levels later). Value maps match exactly first, then ignoring case and
    surrounding spaces. The column :data:`schema.SOURCE_ROW` is always kept.
    Raises :class:`InputError` when the mapping names a column ``frame`` does not have (all
    such columns at once, with the columns that do exist and the closest one).
    Works on eager and lazy Polars frames and returns the same kind.
    """
    present = list(frame.collect_schema().names())
    by_lower: dict[str, list[str]] = {}
    for name in present:
        by_lower.setdefault(name.strip().lower(), []).append(name)

    def resolve(name: str) -> str | None:
        if name in present:
            return name
        candidates = by_lower.get(name.strip().lower(), [])
        return candidates[0] if len(candidates) == 1 else None

    problems: list[Problem] = []
    shown = ", ".join(f"„{c}“" for c in present if c != schema.SOURCE_ROW)
    shown_en = ", ".join(f"'{c}'" for c in present if c != schema.SOURCE_ROW)

    def missing(at: str, key: str, name: str, section: str) -> None:
        close = difflib.get_close_matches(
            name, [c for c in present if c != schema.SOURCE_ROW], n=1, cutoff=0.6
        )
        hint_de = f" Meinten Sie „{close[0]}“?" if close else ""
        hint_en = f" Did you mean '{close[0]}'?" if close else ""
        problems.append(
            problem(
                "mapping.column_not_in_file",
                f"die Zuordnung nennt unter {section} {key} = „{name}“, aber {source} hat "
                f"keine Spalte „{name}“. Vorhandene Spalten: {shown}.{hint_de}",
                f"the mapping names {key} = '{name}' under {section}, but {source} has no "
                f"column '{name}'. Columns present: {shown_en}.{hint_en}",
                file=mapping.label,
                row=mapping.lines.get(at),
                column=name,
                value=key,
            )
        )

    renames: dict[str, list[str]] = {}
    for key, name in mapping.columns.items():
        found = resolve(name)
        if found is None:
            missing(f"columns.{key}", key, name, "[columns]")
            continue
        renames.setdefault(found, []).append(schema.FIELDS_BY_KEY[key].column)
    dropped: set[str] = set()
    for name in mapping.drop:
        found = resolve(name)
        if found is None:
            missing("drop.columns", "columns", name, "[drop]")
            continue
        dropped.add(found)
    if problems:
        raise InputError(problems)

    if mapping.drop_unmapped:
        dropped |= {c for c in present if c not in renames and c != schema.SOURCE_ROW}
    targets = {t for ts in renames.values() for t in ts} | {
        schema.FIELDS_BY_KEY[k].column for k in mapping.constants
    }
    clashes = [c for c in present if c in targets and c not in renames and c not in dropped]
    if clashes:
        raise InputError(
            [
                problem(
                    "mapping.column_clash",
                    f"die Datei hat schon eine Spalte „{c}“, und die Zuordnung legt eine "
                    "zweite mit diesem Namen an; die Spalte der Datei unter [drop] eintragen "
                    "oder unter [columns] zuordnen",
                    f"the file already has a column '{c}' and the mapping creates another one "
                    "with that name; list the file's column under [drop] or map it under "
                    "[columns]",
                    file=mapping.label,
                    column=c,
                )
                for c in clashes
            ]
        )

    exprs: list[pl.Expr] = []
    for name in present:
        if name in dropped:
            continue
        if name in renames:
            exprs.extend(pl.col(name).alias(target) for target in renames[name])
        else:
            exprs.append(pl.col(name))
    result = frame.select(exprs)

    value_maps = []
    names = result.collect_schema().names()
    for key, table in mapping.values.items():
        column = schema.FIELDS_BY_KEY[key].column
        if column not in names:
            if key in mapping.constants or not table:
                continue
            raise InputError(
                [
                    problem(
                        "mapping.values_without_column",
                        f"[values.{key}] ist angegeben, aber keine Spalte ist {key} "
                        f'zugeordnet; unter [columns] {key} = "…" eintragen',
                        f"[values.{key}] is given but no column is mapped to {key}; add "
                        f'{key} = "..." under [columns]',
                        file=mapping.label,
                        row=mapping.lines.get(f"values.{key}"),
                        column=key,
                    )
                ]
            )
        if table:
            value_maps.append(_value_map(column, table))
    constants = [
        pl.lit(value, dtype=pl.String).alias(schema.FIELDS_BY_KEY[key].column)
        for key, value in mapping.constants.items()
    ]
    if value_maps or constants:
        result = result.with_columns(value_maps + constants)
    return result


def _value_map(column: str, table: dict[str, str]) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    exact = {k.strip(): v for k, v in table.items()}
    folded: dict[str, str] = {}
    for k, v in table.items():
        folded.setdefault(k.strip().lower(), v)
    lowered = text.str.to_lowercase()
    return (
        pl.when(text.is_in(list(exact)))
        .then(text.replace(exact))
        .when(lowered.is_in(list(folded)))
        .then(lowered.replace(folded))
        .otherwise(pl.col(column).cast(pl.String))
        .alias(column)
    )


# --- proposing -------------------------------------------------------------------------------


def _header_index() -> dict[str, list[tuple[str, int, str]]]:
    """Each field's known headers: lower-case header → [(key, priority, how)], plus normalised."""
    index: dict[str, list[tuple[str, int, str]]] = {}
    for f in schema.FIELDS:
        if f.key not in COLUMN_KEYS:
            continue
        names = [*f.headers, f.label_de.lower(), f.label_en.lower()]
        german = vocabulary.GERMAN_HEADERS.get(f.key)
        if german:
            names.append(german.lower())
        for priority, name in enumerate(names):
            index.setdefault(name, []).append((f.key, priority, "header"))
            index.setdefault("~" + vocabulary.normalise_term(name), []).append(
                (f.key, priority, "normalised_header")
            )
    return index


_HEADERS = _header_index()
_NORMALISED_HEADERS = sorted({k[1:] for k in _HEADERS if k.startswith("~") and len(k) > 4})
_RANK = {how: i for i, how in enumerate(HOW)}


def propose_mapping(frame_sample: engine.FrameLike, *, source: str) -> Mapping:
    """A proposed mapping for a source whose first rows are ``frame_sample``.

    Rules, strongest first: a header that is a canonical column name or key; a header in a
    field's ``headers`` (case-insensitive); the same after normalising umlauts and
    punctuation; a similar header (difflib ratio ≥ 0.85 on the normalised form). A header
    match for a timestamp column counts only if some of its values parse as timestamps; for
    medium and level only if the values are not clearly something else. Then, for fields
    still free, values decide: a column whose distinct values are at least 80 % media words
    is the medium (likewise government levels); one column (preferably with times of day)
    whose values all parse as timestamps is the timestamp. Each field gets at most one
    column and each column at most one field; ties go to the header listed first in
    ``Field.headers``. Values of the medium and level columns are proposed for
    ``[values.*]`` from :mod:`analyzer.vocabulary`; headers that suggest personal data are
    proposed for ``[drop]``. Every decision is recorded in ``Mapping.recognitions``.
    """
    sample = engine.to_polars(engine.as_lazy(frame_sample).head(_SAMPLE_VALUES * 20))
    columns = [c for c in sample.columns if c != schema.SOURCE_ROW]
    candidates: list[tuple[int, int, int, str, str, str]] = []  # rank, prio, pos, key, col, how
    for position, column in enumerate(columns):
        for key, priority, how in _header_candidates(column):
            candidates.append((_RANK[how], priority, position, key, column, how))

    rejected_notes: dict[str, tuple[str, str]] = {}
    checked: list[tuple[int, int, int, str, str, str]] = []
    for cand in candidates:
        _rank, _prio, _pos, key, column, how = cand
        ok, note = _values_fit(sample[column], key)
        if ok:
            checked.append(cand)
        elif note:
            rejected_notes.setdefault(column, note)
    checked.sort()

    chosen: dict[str, tuple[str, str]] = {}  # key -> (column, how)
    taken: dict[str, str] = {}  # column -> key
    alternatives: dict[str, list[str]] = {}
    for _rank, _prio, _pos, key, column, how in checked:
        if key in chosen or column in taken:
            if column not in taken and key in chosen:
                alternatives.setdefault(chosen[key][0], []).append(f"„{column}“")
            elif column in taken and key not in chosen and taken[column] != key:
                alternatives.setdefault(column, []).append(key)
            continue
        chosen[key] = (column, how)
        taken[column] = key

    free = [c for c in columns if c not in taken]
    examples = {c: _examples(sample[c]) for c in columns}
    # Values decide for the fields still free.
    for key, lookup in (("medium", vocabulary.medium_of), ("level", vocabulary.level_of)):
        if key in chosen:
            continue
        best: list[tuple[float, str]] = []
        for column in free:
            share = _vocabulary_share(sample[column], lookup)
            if share >= 0.8:
                best.append((share, column))
        best.sort(key=lambda t: -t[0])
        if best and (len(best) == 1 or best[0][0] > best[1][0]):
            column = best[0][1]
            chosen[key] = (column, "values")
            taken[column] = key
            free.remove(column)
            for _, other in best[1:]:
                alternatives.setdefault(column, []).append(f"„{other}“")
    if "timestamp" not in chosen:
        stamped = [
            (_has_time_of_day(sample[c]), c)
            for c in free
            if not vocabulary.looks_personal(c) and _timestamp_share(sample[c]) == 1.0
        ]
        with_time = [c for has, c in stamped if has] or [c for _, c in stamped]
        if with_time:
            column = with_time[0]
            chosen["timestamp"] = (column, "timestamps")
            taken[column] = "timestamp"
            free.remove(column)
            alternatives[column] = [f"„{c}“" for c in with_time[1:]]

    values: dict[str, dict[str, str]] = {}
    unrecognised: dict[str, tuple[str, ...]] = {}
    for key, lookup in (("level", vocabulary.level_of), ("medium", vocabulary.medium_of)):
        if key not in chosen:
            continue
        proposed, unknown = _value_proposals(sample[chosen[key][0]], lookup, key)
        if proposed:
            values[key] = proposed
        if unknown:
            unrecognised[key] = unknown

    recognitions: list[Recognition] = []
    drop: list[str] = []
    for column in columns:
        key = taken.get(column)
        alts = tuple(alternatives.get(column, ()))
        if key is not None:
            recognitions.append(
                Recognition(column, key, chosen[key][1], examples[column], alternatives=alts)
            )
            continue
        if vocabulary.looks_personal(column):
            drop.append(column)
            recognitions.append(Recognition(column, None, "personal", examples[column]))
            continue
        note_de, note_en = rejected_notes.get(column, ("", ""))
        recognitions.append(
            Recognition(
                column,
                None,
                "unmapped",
                examples[column],
                alternatives=alts,
                note_de=note_de,
                note_en=note_en,
            )
        )
    ordered = {f.key: chosen[f.key][0] for f in schema.FIELDS if f.key in chosen}
    return Mapping(
        columns=ordered,
        values=values,
        drop=tuple(drop),
        recognitions=tuple(recognitions),
        unrecognised_values=unrecognised,
        for_file=source,
    )


def automatic_mapping(frame_sample: engine.FrameLike, *, source: str) -> tuple[Mapping, Problem]:
    """The columns of a proposal, when a file is read without a mapping.

    Only header matches (canonical name, known header, known header in another spelling)
    are used, never similar headers or values, and no value maps. Raises :class:`InputError`
    telling the user to run ``amtsweg map FILE`` when case, activity and timestamp are not
    all recognised that way. Returns the mapping and a warning saying what was assigned, so
    nothing is guessed silently.
    """
    proposal = propose_mapping(frame_sample, source=source)
    strong = {
        r.key: r.column for r in proposal.recognitions if r.key is not None and r.how in STRONG
    }
    problems: list[Problem] = []
    for f in schema.FIELDS:
        if not f.required or f.key in strong:
            continue
        weak = proposal.columns.get(f.key)
        guess_de = f" (Vermutung: „{weak}“)" if weak else ""
        guess_en = f" (guess: '{weak}')" if weak else ""
        problems.append(
            problem(
                "mapping.required_not_recognised",
                f"Pflichtspalte {f.label_de} nicht sicher erkannt{guess_de}. Bitte "
                f"„amtsweg map {source}“ ausführen, die vorgeschlagene Zuordnungsdatei prüfen "
                "und mit --mapping angeben",
                f"required column {f.label_en} not recognised with certainty{guess_en}. Please "
                f"run 'amtsweg map {source}', check the proposed mapping file and pass it "
                "with --mapping",
                file=source,
                column=f.key,
            )
        )
    if problems:
        raise InputError(problems)
    # A medium or level column whose values are not the canonical ones would fail validation;
    # without a mapping file it stays an extra attribute and the user is told how to map it.
    held_back: list[str] = []
    for key in ("medium", "level"):
        if key in strong and (proposal.values.get(key) or proposal.unrecognised_values.get(key)):
            held_back.append(strong.pop(key))
    columns = {k: v for k, v in proposal.columns.items() if k in strong}
    listing = ", ".join(f"{k} ← „{v}“" for k, v in columns.items())
    listing_en = ", ".join(f"{k} <- '{v}'" for k, v in columns.items())
    held_de = held_en = ""
    if held_back:
        names = ", ".join(held_back)
        held_de = (
            f"; „{names}“ hat Werte, die erst zugeordnet werden müssen, und bleibt ein "
            "zusätzliches Attribut"
        )
        held_en = f"; '{names}' has values that need mapping first and stays an extra attribute"
    note = problem(
        "mapping.automatic",
        f"ohne Zuordnungsdatei gelesen; Spalten erkannt: {listing}{held_de}. Zum Prüfen oder "
        f"Anpassen: amtsweg map {source}",
        f"read without a mapping file; columns recognised: {listing_en}{held_en}. To check or "
        f"adjust: amtsweg map {source}",
        file=source,
        severity=Severity.WARNING,
    )
    return replace(proposal, columns=columns, values={}, drop=()), note


def _header_candidates(column: str) -> list[tuple[str, int, str]]:
    name = column.strip()
    lowered = name.lower()
    f = schema.FIELDS_BY_COLUMN.get(name)
    if f is not None and f.key in COLUMN_KEYS:
        return [(f.key, 0, "canonical")]
    if lowered in COLUMN_KEYS:
        return [(lowered, 0, "canonical")]
    found = list(_HEADERS.get(lowered, []))
    normalised = vocabulary.normalise_term(name)
    found += _HEADERS.get("~" + normalised, [])
    if not found and len(normalised) > 4:
        for close in difflib.get_close_matches(
            normalised, _NORMALISED_HEADERS, n=3, cutoff=_FUZZY_CUTOFF
        ):
            found += [(k, p, "similar_header") for k, p, _ in _HEADERS["~" + close]]
    best: dict[str, tuple[str, int, str]] = {}
    for key, priority, how in found:
        if key not in best or (_RANK[how], priority) < (_RANK[best[key][2]], best[key][1]):
            best[key] = (key, priority, how)
    return list(best.values())


def _values_fit(values: pl.Series, key: str) -> tuple[bool, tuple[str, str] | None]:
    """Whether a column matched by its header holds values that fit the field."""
    f = schema.FIELDS_BY_KEY[key]
    if f.kind is schema.Kind.DATETIME:
        if _timestamp_share(values) > 0 or values.null_count() == len(values):
            return True, None
        shown = ", ".join(_examples(values)[:3])
        return False, (
            f"heißt wie {f.label_de}, aber die Werte sind keine Zeitpunkte ({shown})",
            f"named like {f.label_en}, but its values are not timestamps ({shown})",
        )
    if key in ("medium", "level"):
        lookup = vocabulary.medium_of if key == "medium" else vocabulary.level_of
        texts = _distinct_texts(values)
        if len(texts) > _CATEGORY_LIMIT:
            return False, (
                f"heißt wie {f.label_de}, hat aber zu viele verschiedene Werte",
                f"named like {f.label_en}, but has too many different values",
            )
        other = vocabulary.level_of if key == "medium" else vocabulary.medium_of
        if texts and _share(texts, lookup) == 0 and _share(texts, other) >= 0.8:
            return False, None
    return True, None


def _distinct_texts(values: pl.Series) -> list[str]:
    text = values.drop_nulls().cast(pl.String).str.strip_chars()
    return text.filter(text != "").unique(maintain_order=True).head(_SAMPLE_VALUES).to_list()


def _examples(values: pl.Series) -> tuple[str, ...]:
    if isinstance(values.dtype, pl.Datetime):
        return tuple(str(v) for v in values.drop_nulls().head(3).to_list())
    return tuple(_distinct_texts(values)[:3])


def _share(texts: list[str], lookup) -> float:
    if not texts:
        return 0.0
    return sum(1 for t in texts if lookup(t) is not None) / len(texts)


def _vocabulary_share(values: pl.Series, lookup) -> float:
    if values.dtype not in (pl.String, pl.Categorical):
        return 0.0
    texts = _distinct_texts(values)
    if not texts or len(texts) > _CATEGORY_LIMIT:
        return 0.0
    return _share(texts, lookup)


def _timestamp_share(values: pl.Series) -> float:
    """Share of the distinct non-empty values that parse as timestamps (1.0 = all)."""
    if isinstance(values.dtype, pl.Datetime | pl.Date):
        return 1.0
    if values.dtype != pl.String:
        return 0.0
    texts = _distinct_texts(values)
    if not texts:
        return 0.0
    try:
        parse_timestamps(pl.Series("v", texts), column="v", source="")
        return 1.0
    except InputError:
        pass
    probe = texts[:20]
    ok = 0
    for text in probe:
        try:
            parse_timestamps(pl.Series("v", [text]), column="v", source="")
            ok += 1
        except InputError:
            pass
    return min(ok / len(probe), 0.99)


def _has_time_of_day(values: pl.Series) -> bool:
    if isinstance(values.dtype, pl.Datetime):
        return True
    if values.dtype != pl.String:
        return False
    return bool(values.drop_nulls().str.contains(r"\d:\d\d").any())


def _value_proposals(values: pl.Series, lookup, key: str) -> tuple[dict[str, str], tuple[str, ...]]:
    allowed = set(schema.FIELDS_BY_KEY[key].allowed)
    proposed: dict[str, str] = {}
    unknown: list[str] = []
    for text in _distinct_texts(values)[:_CATEGORY_LIMIT]:
        if text in allowed:
            continue
        found = lookup(text)
        if found is None:
            unknown.append(text)
        else:
            proposed[text] = str(found)
    return proposed, tuple(unknown)


# --- writing ---------------------------------------------------------------------------------


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
    missing = [
        f
        for f in schema.FIELDS
        if f.key in COLUMN_KEYS and f.key not in mapping.columns and f.key not in mapping.constants
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

    keys = list(dict.fromkeys([*mapping.values, *mapping.unrecognised_values]))
    for key in keys:
        f = schema.FIELDS_BY_KEY[key]
        out.append(f"[values.{key}]")
        out.append("# Wert der Datei = kanonischer Wert / value in the file = canonical value")
        if f.allowed:
            out.append(f"# erlaubt / allowed: {', '.join(f.allowed)}")
        for source_value, target in mapping.values.get(key, {}).items():
            out.append(_toml_line(source_value, target))
        unknown = mapping.unrecognised_values.get(key, ())
        if unknown:
            out += [
                "# Nicht erkannt, bitte zuordnen (sonst meldet der Import sie) /",
                "# not recognised, please map (otherwise the import reports them):",
            ]
            out += [f"# {_toml_line(v, '')}" for v in unknown]
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
