"""Result tables as people read them: headings, values and number formats, in German or
English, and the spreadsheets (XLSX, CSV) they are handed over in.

Parquet and JSON keep the canonical names of :mod:`analyzer.schema`; a person's copy of a
table (:func:`readable_table`) gets, in ``language`` ("de" | "en"):

* headings in words (:func:`heading`), values in words where the analyzer writes codes
  (detectors, burden kinds, severities, levels, KPIs, sources of a time: :data:`VALUE_NAMES`),
  booleans as ja/nein;
* one evidence, note or difference column, the one in its language;
* no column without any value, no ``cost:edition`` column (the edition is said once, on a
  provenance sheet: :func:`editions_of`), rows by rank where there is a rank;
* the number format of each column (:func:`number_format`): thousands separators, euros with
  2 decimals, shares as percentages, days, hours and minutes with 1 decimal.

Texts a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are neutralised where they are written: a text cell with Excel's quote prefix
(the text itself unchanged) in XLSX, an apostrophe before it in CSV (:func:`neutralised`).

Both the command line's files (``analyze -o``, ``compare --out``) and the reports use this
module, so the same table reads the same everywhere. Pure: frames in, frames or bytes out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from analyzer import findings_summary as fs
from analyzer import schema
from analyzer.comparison.kpi_definitions import KPI_DECIMALS, KPI_NAMES, SHARE_KPIS
from analyzer.detectors.levels import LEVEL_LABELS_DE, LEVEL_LABELS_EN
from analyzer.detectors.names import DETECTOR_LABELS
from analyzer.problems import error
from analyzer.schema import Burden, Medium

#: German and English headings of result columns that are not event attributes (those
#: have :attr:`analyzer.schema.Field.label_de`) nor KPIs (:data:`KPI_NAMES`).
HEADINGS: dict[str, tuple[str, str]] = {
    schema.FINDING_DETECTOR: ("Detektor", "detector"),
    schema.FINDING_BURDEN: ("Belastungsart", "burden kind"),
    schema.FINDING_RULE: ("Regel", "rule"),
    schema.FINDING_SEVERITY: ("Schwere", "severity"),
    schema.FINDING_EVENT_ID: ("Ereignis-ID", "event id"),
    schema.FINDING_EVENT_IDS: ("beteiligte Ereignisse", "events involved"),
    schema.FINDING_MINUTES_LOST: ("verlorene Minuten", "minutes lost"),
    schema.FINDING_EVIDENCE: ("Befund", "evidence (German)"),
    schema.FINDING_EVIDENCE_EN: ("Befund (englisch)", "evidence"),
    schema.FINDING_INFERRED: ("abgeleitet", "inferred"),
    schema.FINDING_WAIT_KIND: ("Wessen Wartezeit", "whose wait"),
    schema.FINDING_WAIT_DAYS: ("Wartezeit (Tage)", "wait (days)"),
    schema.KPI_CASES: ("Fälle", "cases"),
    schema.KPI_VARIANTS: ("Varianten", "variants"),
    schema.KPI_SIZE: ("Einwohner", "inhabitants"),
    schema.KPI_PEER_GROUP: ("Vergleichsgruppe", "peer group"),
    schema.RANK_KPI: ("Kennzahl", "KPI"),
    schema.RANK_KPI_NAME: ("Name der Kennzahl", "KPI name"),
    schema.RANK_VALUE: ("Wert", "value"),
    schema.RANK: ("Rang", "rank"),
    schema.RANK_PEERS: ("Kommunen in der Gruppe", "municipalities in the group"),
    schema.RANK_BEST_VALUE: ("bester Wert", "best value"),
    schema.RANK_BEST_MUNICIPALITY: ("beste Kommune", "best municipality"),
    schema.RANK_SCORE: ("mittlerer Rang", "mean rank"),
    schema.DIFF_TEXT: ("Unterschied", "difference (German)"),
    schema.DIFF_TEXT_EN: ("Unterschied (englisch)", "difference"),
    schema.MAPPING_LABEL: ("Tätigkeit", "activity label"),
    schema.MAPPING_EVENTS: ("Ereignisse", "events"),
    schema.MAPPING_SCORE: ("Ähnlichkeit (%)", "similarity (%)"),
    schema.STEP: ("Referenzschritt", "reference step"),
    schema.COST_EDITION: ("Kostenstand", "cost tables"),
    # costs (analyzer.cost_model)
    schema.COST_TIME_SOURCE: ("Herkunft der Zeit", "source of the time"),
    schema.COST_STANDARD_ACTIVITY: ("Standardaktivität", "standard activity"),
    schema.COST_COMPLEXITY: ("Komplexität", "complexity"),
    schema.COST_CAREER: ("Laufbahngruppe", "career group"),
    schema.COST_EVENTS: ("bepreiste Vorkommen", "occurrences priced"),
    schema.COST_MEASURED: ("gemessene Vorkommen", "occurrences measured"),
    schema.COST_MINUTES: ("Minuten je Vorkommen", "minutes per occurrence"),
    schema.COST_UNPRICED_EVENTS: ("Vorkommen ohne Zeit", "occurrences without a time"),
    schema.COST_ACTIVITIES: ("Tätigkeiten", "activities"),
    schema.COST_ACTIVITIES_PRICED: ("Tätigkeiten mit Zeit", "activities with a time"),
    schema.COST_UNPRICED_ACTIVITIES: ("Tätigkeiten ohne Zeit", "activities without a time"),
    schema.COST_BASIS: ("Grundlage", "basis"),
    schema.COST_NOTE: ("Hinweis", "note (German)"),
    schema.COST_NOTE_EN: ("Hinweis (englisch)", "note"),
    schema.COST_PRICED_BY: ("bepreist nach", "priced by"),
    schema.COST_CASES: ("Fälle im Protokoll", "cases in the log"),
    schema.COST_HOURS: ("Stunden", "hours"),
    schema.COST_EUROS: ("Euro", "euros"),
    schema.COST_HOURS_PER_CASE: ("Stunden je Fall", "hours per case"),
    schema.COST_EUROS_PER_CASE: ("Euro je Fall", "euros per case"),
    schema.COST_CASES_PER_YEAR: ("Fälle je Jahr", "cases per year"),
    schema.COST_CASES_PER_YEAR_SOURCE: ("Fälle je Jahr: Herkunft", "cases per year: source"),
    schema.COST_HOURS_PER_YEAR: ("Stunden je Jahr", "hours per year"),
    schema.COST_EUROS_PER_YEAR: ("Euro je Jahr (Verwaltung)", "euros per year (administration)"),
    schema.COST_PERSON_YEARS: ("Personenjahre", "person-years"),
    schema.COST_FINDINGS: ("Befunde", "findings"),
    schema.COST_FINDINGS_PER_1000: ("Befunde je 1.000 Fälle", "findings per 1,000 cases"),
    schema.COST_MINUTES_PER_FINDING: ("Minuten je Befund", "minutes per finding"),
    schema.COST_OCCURRENCES_PER_YEAR: ("Vorkommen je Jahr", "occurrences per year"),
    schema.COST_CITIZEN_HOURS_PER_YEAR: ("Stunden der Bürger je Jahr", "citizens' hours per year"),
    schema.COST_CITIZEN_EUROS_PER_YEAR: ("Euro der Bürger je Jahr", "citizens' euros per year"),
    schema.COST_WAITING_HOURS_PER_YEAR: (
        "Wartestunden der Bürger je Jahr",
        "citizens' waiting hours per year",
    ),
    schema.COST_IDLE_DAYS_PER_YEAR: ("Liegetage je Jahr", "idle days per year"),
    schema.COST_FINDINGS_PRICED_ELSEWHERE: (
        "Befunde anderswo bepreist",
        "findings priced elsewhere",
    ),
    schema.COST_DETECTORS: ("Detektoren", "detectors"),
    schema.COST_SAVINGS_HOURS_PER_YEAR: ("Einsparung Stunden je Jahr", "savings hours per year"),
    schema.COST_SAVINGS_EUROS_PER_YEAR: ("Einsparung Euro je Jahr", "savings euros per year"),
    # findings per detector (analyzer.findings_summary)
    fs.CASES: ("Fälle", "cases"),
    fs.FINDINGS: ("Befunde", "findings"),
    fs.CASES_AFFECTED: ("Fälle mit Befund", "cases affected"),
    fs.SHARE_OF_CASES: ("Anteil der Fälle", "share of cases"),
    fs.PER_1000_CASES: ("Befunde je 1.000 Fälle", "findings per 1,000 cases"),
    fs.MINUTES_LOST: ("verlorene Minuten (Arbeitszeit)", "minutes lost (working time)"),
    fs.IDLE_DAYS: ("Liegetage", "idle days"),
    fs.PRICED_ELSEWHERE: ("anderswo bepreist", "priced elsewhere"),
    fs.PRICED_AS: ("bepreist als", "priced as"),
}

#: Names of burden kinds (FINDING_BURDEN values), German and English.
BURDEN_LABELS: dict[str, tuple[str, str]] = {
    Burden.MEDIA_BREAK: ("Medienbruch", "media break"),
    Burden.MANUAL_REENTRY: ("Mehrfacherfassung", "manual re-entry"),
    Burden.ONCE_ONLY: ("Once-only-Verstoß", "once-only violation"),
    Burden.DUPLICATE_RESPONSIBILITY: ("Doppelzuständigkeit", "duplicate responsibility"),
    Burden.PING_PONG: ("Ping-Pong zwischen Ebenen", "ping-pong between levels"),
    Burden.REWORK: ("Nacharbeit", "rework"),
    Burden.LONG_WAIT: ("lange Liegezeit", "long wait"),
    Burden.HANDOVER: ("Übergabe", "hand-over"),
}

#: Whose wait a long wait is (FINDING_WAIT_KIND values), German and English.
WAIT_KIND_LABELS: dict[str, tuple[str, str]] = {
    schema.WaitKind.OFFICE: ("Verwaltung", "administration"),
    schema.WaitKind.CITIZEN: ("Antragsteller", "applicant"),
    schema.WaitKind.STATUTORY: ("gesetzliche Frist", "statutory period"),
    schema.WaitKind.THIRD_PARTY: ("andere Stelle", "another body"),
}

#: Values written as codes by the analyzer → their German and English words, per column.
VALUE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    schema.FINDING_DETECTOR: DETECTOR_LABELS,
    fs.PRICED_AS: DETECTOR_LABELS,
    schema.FINDING_BURDEN: BURDEN_LABELS,
    schema.FINDING_WAIT_KIND: WAIT_KIND_LABELS,
    schema.FINDING_SEVERITY: {
        "low": ("niedrig", "low"),
        "medium": ("mittel", "medium"),
        "high": ("hoch", "high"),
    },
    schema.LEVEL: {k: (v, LEVEL_LABELS_EN[k]) for k, v in LEVEL_LABELS_DE.items()},
    schema.MEDIUM: {
        Medium.PAPER: ("Papier", "paper"),
        Medium.POST: ("Post", "post"),
        Medium.FAX: ("Fax", "fax"),
        Medium.EMAIL: ("E-Mail", "e-mail"),
        Medium.PHONE: ("Telefon", "phone"),
        Medium.IN_PERSON: ("persönlich", "in person"),
        Medium.ONLINE: ("online", "online"),
        Medium.EFILE: ("E-Akte", "e-file"),
    },
    schema.RANK_KPI: KPI_NAMES,
    schema.KPI_PEER_GROUP: {"alle": ("alle", "all")},
    schema.COST_TIME_SOURCE: {
        "fixed": ("vorgegeben", "fixed"),
        "log": ("gemessen im Protokoll", "measured in the log"),
        "table": ("Zeitwerttabelle", "time value table"),
        "missing": ("fehlt", "missing"),
    },
    schema.COST_CASES_PER_YEAR_SOURCE: {
        "given": ("angegeben", "given"),
        "log": ("aus dem Protokoll geschätzt", "estimated from the log"),
    },
    schema.COST_PRICED_BY: {
        "step": ("Referenzschritt", "reference step"),
        "label": ("eigene Tätigkeit", "own activity label"),
    },
    schema.DIFF_SIDE: {
        "only_a": ("nur bei dieser Kommune", "only in this municipality"),
        "only_b": ("nur bei der besten", "only in the best"),
        "both": ("bei beiden", "in both"),
    },
}
#: Columns holding several codes of VALUE_NAMES' column: column → (that column, separator).
JOINED_VALUES: dict[str, tuple[str, str]] = {
    schema.COST_DETECTORS: (schema.FINDING_DETECTOR, ", "),
    schema.COST_BASIS: (schema.COST_TIME_SOURCE, "+"),
}
YES_NO = {"de": ("ja", "nein"), "en": ("yes", "no")}

#: A column in one language and its twin in the other: a person's table keeps one.
LANGUAGE_TWINS: tuple[tuple[str, str], ...] = (
    (schema.FINDING_EVIDENCE, schema.FINDING_EVIDENCE_EN),
    (schema.DIFF_TEXT, schema.DIFF_TEXT_EN),
    (schema.COST_NOTE, schema.COST_NOTE_EN),
)


def heading(column: str, language: str) -> str:
    """The heading of ``column`` in ``language`` ("de" | "en"); the canonical name where
    none is known (a column of the user's own export keeps its name)."""
    de = language == "de"
    if column in schema.FIELDS_BY_COLUMN:
        f = schema.FIELDS_BY_COLUMN[column]
        return f.label_de if de else f.label_en
    names = HEADINGS.get(column) or KPI_NAMES.get(column)
    return (names[0] if de else names[1]) if names else column


def with_headings(
    table: pd.DataFrame, language: str, *, more: Mapping[str, tuple[str, str]] | None = None
) -> pd.DataFrame:
    """``table`` with its columns named by :func:`heading` (``more``: headings of columns
    defined elsewhere, German and English)."""
    extra = more or {}
    names = {
        c: (extra[c][0] if language == "de" else extra[c][1])
        if c in extra
        else heading(c, language)
        for c in table.columns
    }
    return table.rename(columns=names)


# --- number formats ---------------------------------------------------------------------------

_EUROS = (
    schema.KPI_EUROS_PER_CASE,
    schema.COST_EUROS,
    schema.COST_EUROS_PER_CASE,
    schema.COST_EUROS_PER_YEAR,
    schema.COST_CITIZEN_EUROS_PER_YEAR,
    schema.COST_SAVINGS_EUROS_PER_YEAR,
    schema.CITIZEN_TRAVEL_EUROS_PER_CASE,
    schema.CITIZEN_EUROS_PER_CASE,
    schema.CITIZEN_EUROS_PER_YEAR,
)
_COUNTS = (
    schema.KPI_SIZE,
    schema.RANK,
    schema.RANK_PEERS,
    schema.MAPPING_EVENTS,
    schema.MAPPING_SCORE,
    schema.COST_CASES,
    schema.COST_EVENTS,
    schema.COST_MEASURED,
    schema.COST_UNPRICED_EVENTS,
    schema.COST_ACTIVITIES,
    schema.COST_ACTIVITIES_PRICED,
    schema.COST_FINDINGS,
    schema.COST_FINDINGS_PRICED_ELSEWHERE,
    schema.COST_CASES_PER_YEAR,
    schema.COST_OCCURRENCES_PER_YEAR,
    schema.EDGE_COUNT,
    schema.VARIANT_CASES,
    schema.MAP_FREQUENCY,
    schema.MAP_CASES,
    fs.CASES,
    fs.FINDINGS,
    fs.CASES_AFFECTED,
    fs.PRICED_ELSEWHERE,
)
#: Hours, days and minutes: one decimal.
_ONE_DECIMAL = (
    schema.FINDING_MINUTES_LOST,
    schema.FINDING_WAIT_DAYS,
    schema.COST_MINUTES,
    schema.COST_MINUTES_PER_FINDING,
    schema.COST_HOURS,
    schema.COST_HOURS_PER_YEAR,
    schema.COST_CITIZEN_HOURS_PER_YEAR,
    schema.COST_WAITING_HOURS_PER_YEAR,
    schema.COST_IDLE_DAYS_PER_YEAR,
    schema.COST_SAVINGS_HOURS_PER_YEAR,
    schema.COST_FINDINGS_PER_1000,
    schema.CITIZEN_TRAVEL_HOURS_PER_CASE,
    schema.CITIZEN_RESUBMISSION_HOURS_PER_CASE,
    schema.CITIZEN_WAITING_DAYS_MEDIAN,
    schema.CITIZEN_HOURS_PER_CASE,
    schema.CITIZEN_HOURS_PER_YEAR,
    schema.MAP_WAIT_MEDIAN,
    fs.PER_1000_CASES,
    fs.MINUTES_LOST,
    fs.IDLE_DAYS,
)
_SHARES: dict[str, int] = {
    **{k: KPI_DECIMALS.get(k, 0) for k in SHARE_KPIS},
    fs.SHARE_OF_CASES: 1,
    schema.VARIANT_SHARE: 1,
}
#: Columns whose value is of the KPI named in another column of the row.
VALUE_OF_KPI_IN: dict[str, str] = {
    schema.RANK_VALUE: schema.RANK_KPI,
    schema.RANK_BEST_VALUE: schema.RANK_KPI,
}
DATE_FORMATS = {"de": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"}


@dataclass(frozen=True)
class NumberFormat:
    """How a number column is written: decimals, as euros or as a percentage."""

    decimals: int = 2
    euros: bool = False
    percent: bool = False

    def code(self, language: str = "de") -> str:
        """The spreadsheet's format code (Excel shows its separators in the reader's locale)."""
        digits = "." + "0" * self.decimals if self.decimals else ""
        if self.percent:
            return f"0{digits}{' ' if language == 'de' else ''}%"
        plain = f"#,##0{digits}"
        if self.euros:
            return f'{plain} "€"' if language == "de" else f'"€"{plain}'
        return plain


def number_format(column: str, dtype: object = None) -> NumberFormat | None:
    """The format of ``column`` (a canonical name): euros 2 decimals, counts none, hours,
    days and minutes 1, shares as percentages, KPIs with their decimals
    (:data:`~analyzer.comparison.kpi_definitions.KPI_DECIMALS`); other numbers 2 decimals,
    whole numbers none; ``None`` for a column that is not a number (``dtype``)."""
    if column in _EUROS:
        return NumberFormat(2, euros=True)
    if column in _SHARES:
        return NumberFormat(_SHARES[column], percent=True)
    if column in _COUNTS:
        return NumberFormat(0)
    if column in _ONE_DECIMAL:
        return NumberFormat(1)
    if column in KPI_DECIMALS:
        return NumberFormat(KPI_DECIMALS[column])
    if dtype is None or pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return NumberFormat(0)
    if pd.api.types.is_float_dtype(dtype):
        return NumberFormat(2)
    return None


# --- a person's table ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadableTable:
    """A table as a person reads it (:func:`readable_table`): ``frame`` with headings and
    values in words; ``formats`` the number format of each of its columns (``None``: text),
    or per row (a Series) where the rows hold values of different KPIs."""

    frame: pd.DataFrame
    formats: tuple[NumberFormat | pd.Series | None, ...]


def readable_table(
    table: pd.DataFrame,
    language: str | None = "de",
    *,
    headings: Mapping[str, tuple[str, str]] | None = None,
    keep_empty: bool = False,
    keep_edition: bool = False,
) -> ReadableTable:
    """``table`` as a person reads it (see the module docstring); ``language=None`` keeps
    canonical names and codes (still sorted, formatted, without the edition column);
    ``headings``: headings of columns defined elsewhere; ``keep_empty``: keep columns without
    any value; ``keep_edition``: keep ``cost:edition`` (a CSV file has no provenance sheet
    to say it). ``table`` itself is not changed."""
    out = table.copy()
    out.attrs = {}
    if not keep_edition:
        out = out.drop(columns=[schema.COST_EDITION], errors="ignore")
    if language is not None:
        for de, en in LANGUAGE_TWINS:
            out = out.drop(columns=[en if language == "de" else de], errors="ignore")
        if schema.RANK_KPI in out.columns:  # the KPI's name is its value now
            out = out.drop(columns=[schema.RANK_KPI_NAME], errors="ignore")
    if len(out) and not keep_empty:
        empty = [c for c in out.columns if not _has_values(out[c])]
        out = out.drop(columns=empty)
    out = _by_rank(out).reset_index(drop=True)
    for column in out.columns:
        if out[column].dtype == object and _all_decimal(out[column]):
            # exact cents from the cost model; a spreadsheet holds numbers as doubles
            out[column] = out[column].astype("float64")
    formats: list[NumberFormat | pd.Series | None] = []
    for column in out.columns:
        if column in VALUE_OF_KPI_IN and VALUE_OF_KPI_IN[column] in out.columns:
            kpis = out[VALUE_OF_KPI_IN[column]].astype(str)
            formats.append(kpis.map(lambda k: number_format(k) or NumberFormat(2)))
        else:
            formats.append(number_format(column, out[column].dtype))
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            # Spreadsheets have no time zones: local (German) wall-clock times.
            local = out[column].dt.tz_convert(schema.DEFAULT_TIMEZONE)
            out[column] = local.dt.tz_localize(None)
        elif language is not None:
            out[column] = _in_words(out[column], column, language)
    if language is not None:
        out = with_headings(out, language, more=headings)
    return ReadableTable(out, tuple(formats))


def _all_decimal(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, Decimal) for v in present)


def _has_values(values: pd.Series) -> bool:
    present = values.notna()
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype):
        present &= values.astype(str).str.strip() != ""
    return bool(present.any())


def _by_rank(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by rank within their service, peer group and KPI (those in the order they come)."""
    if schema.RANK not in table.columns:
        return table
    keys = [k for k in (schema.SERVICE, schema.KPI_PEER_GROUP, schema.RANK_KPI) if k in table]
    order = {
        k: pd.Categorical(table[k], categories=pd.unique(table[k].dropna()), ordered=True)
        for k in keys
        if k == schema.RANK_KPI
    }
    sortable = table.assign(**{f"__{k}": v for k, v in order.items()})
    by = [f"__{k}" if k in order else k for k in keys] + [schema.RANK]
    if schema.MUNICIPALITY in table.columns:
        by.append(schema.MUNICIPALITY)
    return sortable.sort_values(by, kind="stable").drop(columns=[f"__{k}" for k in order])


def _in_words(values: pd.Series, column: str, language: str) -> pd.Series:
    """``values`` of ``column`` with the analyzer's codes in words."""
    which = 0 if language == "de" else 1
    if pd.api.types.is_bool_dtype(values.dtype):
        yes, no = YES_NO["de" if language == "de" else "en"]
        return values.map({True: yes, False: no})
    if column in VALUE_NAMES:
        names = {k: v[which] for k, v in VALUE_NAMES[column].items()}
        return values.astype(object).map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    if column in JOINED_VALUES:
        base, sep = JOINED_VALUES[column]
        names = {k: v[which] for k, v in VALUE_NAMES[base].items()}
        joiner = sep if sep.strip() == "," else f" {sep} "
        return values.astype(object).map(
            lambda v: (
                joiner.join(names.get(p.strip(), p.strip()) for p in v.split(sep))
                if isinstance(v, str) and v
                else v
            )
        )
    return values


def editions_of(tables: Iterable[pd.DataFrame]) -> list[str]:
    """The cost table editions the ``tables`` name (``cost:edition``), each once, in order."""
    found: list[str] = []
    for table in tables:
        if schema.COST_EDITION in table.columns:
            for edition in table[schema.COST_EDITION].dropna().astype(str):
                if edition and edition not in found:
                    found.append(edition)
    return found


#: Headings of the provenance sheet's two columns.
PROVENANCE_HEADINGS = {"de": ("Angabe", "Wert"), "en": ("item", "value")}


def provenance_table(
    rows: Sequence[tuple[str, str]], tables: Iterable[pd.DataFrame] = (), *, language: str = "de"
) -> ReadableTable:
    """The provenance sheet: ``rows`` (item and value, in ``language``), then the cost table
    edition(s) ``tables`` name (:func:`editions_of`), each once, and the time zone of the
    times written."""
    de = language == "de"
    edition = "Kostenstand (Destatis-Tabellen)" if de else "cost tables (Destatis)"
    lines = list(rows) + [(edition, e) for e in editions_of(tables)]
    lines.append(
        ("Zeiten", f"Ortszeit {schema.DEFAULT_TIMEZONE}")
        if de
        else ("times", f"local time {schema.DEFAULT_TIMEZONE}")
    )
    frame = pd.DataFrame(lines, columns=list(PROVENANCE_HEADINGS["de" if de else "en"]))
    return ReadableTable(frame, (None, None))


# --- spreadsheets ----------------------------------------------------------------------------

#: What a spreadsheet runs as a formula (or a DDE command) when a text starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters XLSX cannot hold (XML 1.0 control characters).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_WIDTH = 60
MIN_WIDTH = 8
EXCEL_ROWS = 1_048_576


def neutralised(text: str) -> str:
    """``text`` with an apostrophe before it if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """``name`` as a sheet may be called: no ``[]:*?/\\``, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Tabelle"
    candidate, n = base, 2
    while candidate.lower() in (t.lower() for t in taken):
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def workbook_bytes(sheets: Mapping[str, ReadableTable], *, language: str | None = "de") -> bytes:
    """An XLSX workbook, one sheet per table (in the given order): bold wrapped headings,
    frozen header row, a filter over the columns, widths fitted to the content (at most
    :data:`MAX_WIDTH` characters), each column's number format, times as dates, formula-like
    texts as quoted text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streamed: large findings tables stay cheap
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E9EEF3")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    date_code = DATE_FORMATS.get(language or "en", DATE_FORMATS["en"])
    names: list[str] = []
    for title, readable in sheets.items():
        frame = readable.frame
        if len(frame) >= EXCEL_ROWS:
            raise error(
                "file.too_many_rows_for_excel",
                f"„{title}“ hat {len(frame):,} Zeilen, Excel fasst höchstens "
                f"{EXCEL_ROWS - 1:,}; als .csv oder .parquet schreiben".replace(",", "."),
                f"'{title}' has {len(frame):,} rows, Excel holds at most {EXCEL_ROWS - 1:,}; "
                "write .csv or .parquet",
                value=len(frame),
            )
        names.append(sheet_name(title, names))
        sheet = book.create_sheet(names[-1])
        sheet.freeze_panes = "A2"  # a write-only sheet takes its view before its rows
        widths = _widths(readable, language or "en")
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        lines = max(
            (
                -(-len(str(h)) // max(int(w) - 1, 1))
                for h, w in zip(frame.columns, widths, strict=True)
            ),
            default=1,
        )
        sheet.row_dimensions[1].height = 15 * min(lines, 4) + 3
        head = []
        for name in frame.columns:
            cell = WriteOnlyCell(sheet, value=_text_cell(str(name)))
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            head.append(cell)
        sheet.append(head)
        codes = [
            f.map(lambda n: n.code(language or "en"))
            if isinstance(f, pd.Series)
            else (f.code(language or "en") if f is not None else None)
            for f in readable.formats
        ]
        dates = [pd.api.types.is_datetime64_any_dtype(frame[c].dtype) for c in frame.columns]
        for r, row in enumerate(frame.itertuples(index=False, name=None)):
            cells = []
            for value, code, is_date in zip(row, codes, dates, strict=True):
                cell = WriteOnlyCell(sheet, value=_cell_value(value))
                if isinstance(cell.value, str):
                    _neutralise(cell)
                    cell.alignment = top
                elif is_date:
                    cell.number_format = date_code
                elif code is not None:
                    cell.number_format = code.iloc[r] if isinstance(code, pd.Series) else code
                cells.append(cell)
            sheet.append(cells)
        if len(frame.columns):
            last = get_column_letter(len(frame.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(readable: ReadableTable, *, language: str | None = "de") -> bytes:
    """A CSV file German Excel opens as it is (``language="de"``): ``;`` between fields,
    decimal comma, dates ``23.11.2026 14:05``, numbers rounded as the spreadsheet shows them
    (shares as fractions), UTF-8 with a byte-order mark (Excel's sign for UTF-8; Windows-1252
    cannot hold every label); otherwise ``,`` and a decimal point. Formula-like texts get an
    apostrophe before them."""
    out = readable.frame.copy()
    for i, column in enumerate(out.columns):
        fmt = readable.formats[i]
        values = out[column]
        if isinstance(fmt, NumberFormat) and pd.api.types.is_float_dtype(values.dtype):
            out[column] = values.round(fmt.decimals + (2 if fmt.percent else 0))
        elif not pd.api.types.is_numeric_dtype(values.dtype) and not (
            pd.api.types.is_datetime64_any_dtype(values.dtype)
        ):
            texts = values.astype(object)
            out[column] = texts.map(lambda v: neutralised(v) if isinstance(v, str) else v)
    de = language == "de"
    text = out.to_csv(
        index=False,
        sep=";" if de else ",",
        decimal="," if de else ".",
        date_format="%d.%m.%Y %H:%M" if de else "%Y-%m-%d %H:%M",
        lineterminator="\r\n",
    )
    return text.encode("utf-8-sig")


def _cell_value(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, int | float | bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return _text_cell(str(value))


def _text_cell(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _neutralise(cell: object) -> None:
    """A text cell stays text: a formula-like text is stored as a string with Excel's quote
    prefix, so neither opening nor editing the cell runs it."""
    if cell.value.startswith(FORMULA_STARTS):  # type: ignore[attr-defined]
        cell.data_type = "s"  # type: ignore[attr-defined]
        cell.quotePrefix = True  # type: ignore[attr-defined]


def _widths(readable: ReadableTable, language: str) -> list[float]:
    """Each column's width: its longest value as shown (numbers with separators) or its
    heading's longest word, at least :data:`MIN_WIDTH`, at most :data:`MAX_WIDTH`."""
    widths = []
    for i, column in enumerate(readable.frame.columns):
        values = readable.frame[column]
        fmt = readable.formats[i]
        word = max((len(w) for w in str(column).split()), default=0)
        head = min(len(str(column)), max(word, 16))  # long headings wrap
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            longest = 16
        elif isinstance(fmt, NumberFormat | pd.Series) and pd.api.types.is_numeric_dtype(
            values.dtype
        ):
            top = values.abs().max() if len(values) and values.notna().any() else 0
            decimals = fmt.decimals if isinstance(fmt, NumberFormat) else 2
            digits = len(f"{top:,.{decimals}f}") + 1
            longest = digits + (2 if getattr(fmt, "euros", False) else 0)
            longest += 2 if getattr(fmt, "percent", False) else 0
        else:
            texts = values.dropna().astype(str)
            longest = int(texts.str.len().max()) if len(texts) else 0
        widths.append(float(min(max(longest, head, MIN_WIDTH) + 2, MAX_WIDTH)))
    return widths
