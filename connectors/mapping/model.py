"""The mapping's types and vocabulary: sections, keys, how a column was recognised."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analyzer import schema

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


#: How a proposal found a value's canonical value (:attr:`ValueGuess.how`), surest first.
VALUE_HOW: dict[str, tuple[str, str]] = {
    "canonical": ("schon kanonisch", "canonical already"),
    "known_word": ("bekanntes Wort", "known word"),
    "word_part": ("Wortteil", "word part"),
    "similar": ("ähnlich wie", "similar to"),
    "unknown": ("unbekannt: fehlt, wird abgeleitet", "unknown: missing, inferred"),
}


@dataclass(frozen=True)
class ValueGuess:
    """What a proposal made of one value of a medium or level column.

    ``rows``: how often it occurs in the sample; ``target``: the proposed canonical value
    (``""``: missing, the detectors infer it); ``how``: a key of :data:`VALUE_HOW`;
    ``term``: the known word, word part or similar word that decided.
    """

    key: str
    value: str
    rows: int
    target: str
    how: str
    term: str = ""


#: Joins the texts of the columns of a combined attribute (``activity = ["a", "b"]``).
JOIN_SEPARATOR = " · "
#: Key under ``[values.<column>]`` for every value the table does not list.
DEFAULT_VALUE_KEY = "default"
#: Key under ``[columns]``: a case attribute that is the medium of each case's first event.
FIRST_EVENT_MEDIUM_KEY = "medium_of_first_event"
#: Working column carrying that attribute from :func:`apply_mapping` to the finalisation,
#: which knows the events' order (never in a finished log).
FIRST_EVENT_MEDIUM = "mapping:medium_of_first_event"


@dataclass(frozen=True)
class Mapping:
    """A mapping from a source's columns and values to the canonical event log.

    ``columns``: canonical key → source column; ``values``: canonical key → {source value:
    canonical value}; ``constants``: canonical key → value for every event; ``drop``: source
    columns not to import; ``drop_unmapped``: drop every column not under ``columns``.
    ``joined``: canonical key → source columns whose texts are joined with
    :data:`JOIN_SEPARATOR` (``activity = ["action_code", "activityNameEN"]``);
    ``value_defaults``: canonical key → the canonical value of every value its table does not
    list (``default = "…"``; ``""`` means missing); ``medium_of_first_event``: a source column
    (a case attribute such as the receipt log's ``channel``) that is the medium of each case's
    first event only.
    ``path`` is the file it was read from and ``lines`` the line of each entry
    (``"columns.case"`` → 7), both for messages. A proposal also carries ``recognitions``,
    the values it could not map (``unrecognised_values``), what it guessed for each value
    (``value_guesses``) and the file it was made for.
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    drop_unmapped: bool = False
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_defaults: dict[str, str] = field(default_factory=dict)
    medium_of_first_event: str | None = None
    source: SourceHints = field(default_factory=SourceHints)
    path: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    recognitions: tuple[Recognition, ...] = ()
    unrecognised_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_guesses: tuple[ValueGuess, ...] = ()
    for_file: str | None = None

    def source_columns(self) -> tuple[str, ...]:
        """Every source column the mapping reads (for finding the header row)."""
        named = [*self.columns.values()]
        named += [c for columns in self.joined.values() for c in columns]
        if self.medium_of_first_event:
            named.append(self.medium_of_first_event)
        return tuple(dict.fromkeys(named))

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
