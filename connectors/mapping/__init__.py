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
    service = ["Leistung", "Verfahren"]   # several columns: texts joined with " · "
    # medium_of_first_event = "channel"   # a case attribute: medium of each case's 1st event
    [values.medium]          # source value = canonical value
    "Papier" = "paper"
    "Sonstiges" = ""         # "" = missing: the medium is inferred from activity/system names
    default = ""             # every value not listed (and not canonical already)
    [constants]              # canonical key = value for every event
    level = "municipality"
    [drop]                   # source columns not to import (e.g. personal data)
    columns = ["Name", "Geburtsdatum"]
    unmapped = false         # true: drop every column not named under [columns]

The keys are the short ``Field.key`` names of :mod:`analyzer.schema`. :func:`read_mapping`
checks everything before any work is done (a typo like ``activty`` names the line and the
closest valid key); :func:`apply_mapping` renames, maps values, adds constants and drops
columns, and refuses a mapping that names a column the file does not have.

Under ``[values.<key>]``, ``"value" = ""`` makes a value missing (for the medium, the
detectors then infer it from activity, IT-system and document names and mark such findings
inferred; an event without a level is skipped by the level detectors), and
``default = "…"`` gives every value the table does not list, unless it is a canonical value
already; targets are checked like every entry (``"Fax" = "fxa"`` fails with "did you mean
'fax'?"). Under ``[columns]``, a list of columns builds a text column from several
(``activity = ["action_code", "activityNameEN"]`` → ``"A12 · Check invoice"``), and
``medium_of_first_event = "<column>"`` names a case attribute (the receipt log's
``channel``) that is the medium of each case's first event only (by time): later events keep
their own medium or none.

:func:`propose_mapping` recognises columns from their headers (``Field.headers``, compared
case-insensitively, then with umlauts and punctuation normalised, then by similarity) and
from their values (media and government levels via :mod:`analyzer.vocabulary`, timestamps
via :mod:`connectors.timestamps`). Every decision is recorded as a :class:`Recognition` so the
written file and ``amtsweg map`` say how each column was recognised and which were not.
Every distinct value of a medium or level column gets a target (:func:`value_guesses`: a known
word, a word part such as ``…portal``, a similar word, else missing), and ``default = ""``
catches values beyond the sample, so a proposal always imports as written.
:func:`proposal_lines` gives what it recognised and guessed as plain-text lines.
"""

from connectors.mapping.applying import apply_mapping, merged_label_warnings
from connectors.mapping.checking import mapping_from_dict, read_mapping
from connectors.mapping.model import (
    COLUMN_KEYS,
    DROP_KEYS,
    FORMATS,
    HOW,
    SECTIONS,
    SOURCE_KEYS,
    STRONG,
    VALUE_HOW,
    Mapping,
    Recognition,
    SourceHints,
    ValueGuess,
    default_mapping_path,
    mapping_names,
)
from connectors.mapping.proposal import automatic_mapping, propose_mapping, value_guesses
from connectors.mapping.summary import proposal_lines
from connectors.mapping.writing import mapping_text, write_mapping

__all__ = [
    "COLUMN_KEYS",
    "DROP_KEYS",
    "FORMATS",
    "HOW",
    "SECTIONS",
    "SOURCE_KEYS",
    "STRONG",
    "VALUE_HOW",
    "Mapping",
    "Recognition",
    "SourceHints",
    "ValueGuess",
    "apply_mapping",
    "automatic_mapping",
    "default_mapping_path",
    "mapping_from_dict",
    "mapping_names",
    "mapping_text",
    "merged_label_warnings",
    "proposal_lines",
    "propose_mapping",
    "read_mapping",
    "value_guesses",
    "write_mapping",
]
