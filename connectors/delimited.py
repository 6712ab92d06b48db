"""Event logs in delimited text files (CSV, TSV, ``.txt``) as German administrations export them.

Reading (:func:`read_csv_log`) finds out, unless told (argument, then ``[source]`` of the
mapping):

* **Encoding**: a UTF-16 or UTF-8 byte-order mark decides; otherwise the bytes are checked as
  strict UTF-8 in one streaming pass (pure-ASCII blocks are skipped cheaply). Not UTF-8 means
  a Windows code page: Windows-1252 when bytes 0x80–0x9F occur and all are defined there
  (€ „ “ – …), Latin-1 when one of the five bytes Windows-1252 leaves undefined occurs, and
  Windows-1252 (identical to Latin-1 for these bytes) otherwise. A file that is UTF-8 at
  first and not later is refused as mixed. Non-UTF-8 files are transcoded to UTF-8 in a
  streaming pass into a temporary file, which the columnar reader then reads.
* **Delimiter**: of ``;`` ``,`` tab ``|``, the one that splits the first records (quotes
  respected) into the same number (> 1) of fields most consistently; ties go to more fields,
  then to that order.
* **Header row**: title lines or blank lines above the header are skipped (see
  :func:`connectors.tabular.detect_header_row`); ``[source] header_row`` names it outright.
* **Decimal separator** for numeric extra columns: ``,`` unless the delimiter is ``,``.

All columns are read as text by Polars (columnar, multi-threaded), so ``007`` stays ``007``;
canonical columns are then typed by :func:`~connectors.event_log.finalize_event_log`, extra
columns holding only numbers become numbers. Empty lines and lines of empty fields are
skipped.

``SOURCE_ROW`` is the physical line in the file (header line = the header's line number,
usually 1). A quoted field that spans lines moves the line numbers of the records after it
by the line breaks it contains, so messages still point at the line an editor shows; the
record itself is numbered by the line it starts on.

Writing (:func:`write_csv_log`): ``style="german"`` writes ``;``, Windows-1252, CRLF,
``23.11.2026 14:05`` (``:SS`` only when a value in the column has seconds), decimal comma and
short German headers, plus a mapping file next to it that maps them back; ``"standard"``
writes UTF-8, ``,``, ISO 8601 with offset and the canonical column names.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analyzer import engine, schema, vocabulary
from analyzer.problems import InputError, Problem, problem
from connectors.event_log import Duplicates, EventLog
from connectors.mapping import (
    Mapping,
    SourceHints,
    default_mapping_path,
    read_mapping,
    write_mapping,
)
from connectors.tabular import (
    SAMPLE_ROWS,
    Progress,
    detect_header_row,
    drop_empty_rows,
    drop_unnamed_empty_columns,
    finalize_table,
    report,
    unique_headers,
)

DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
STYLES: tuple[str, ...] = ("german", "standard")
_CHUNK = 16 * 1024 * 1024
_SAMPLE_BYTES = 256 * 1024
_SAMPLE_RECORDS = 60
_WRITE_ROWS = 200_000
_CP1252_UNDEFINED_BYTES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass(frozen=True)
class CsvLayout:
    """How a delimited file is laid out (found out or given)."""

    encoding: str
    delimiter: str
    header_line: int  # 1-based physical line of the header
    header: tuple[str, ...]  # header names as written (trimmed, made unique)
    generated: tuple[str, ...] = ()  # names given to columns without a header


# --- encoding ----------------------------------------------------------------------------


def detect_encoding(path: str | Path) -> str:
    """The encoding of the file at ``path``: utf-8, utf-8-sig, utf-16, cp1252 or latin-1.

    See the module docstring for the rules. Raises :class:`InputError` for a file that is
    UTF-8 in its first part and something else later.
    """
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        offset = 0
        lines_before = 0
        saw_utf8 = False
        while True:
            chunk = handle.read(_CHUNK)
            final = not chunk
            if chunk.isascii() and not decoder.getstate()[0]:
                offset += len(chunk)
                lines_before += chunk.count(b"\n")
                if final:
                    return "utf-8"
                continue
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                start = max(exc.start, 0)
                if saw_utf8 or not chunk[:start].isascii():
                    line = lines_before + chunk[:start].count(b"\n") + 1
                    raise InputError(
                        [
                            problem(
                                "csv.mixed_encoding",
                                "die Datei mischt Zeichenkodierungen: bis hierhin UTF-8, in "
                                "dieser Zeile nicht (Umlaute wären verfälscht); bitte "
                                "einheitlich exportieren oder [source] encoding angeben",
                                "the file mixes encodings: UTF-8 up to here, not in this line "
                                "(umlauts would be garbled); please export consistently or set "
                                "[source] encoding",
                                file=str(path),
                                row=line,
                            )
                        ]
                    ) from None
                return _windows_code_page(handle)
            saw_utf8 = True
            offset += len(chunk)
            lines_before += chunk.count(b"\n")
            if final:
                return "utf-8"


def _windows_code_page(handle) -> str:
    """cp1252, or latin-1 when a byte cp1252 leaves undefined occurs (0x81, 0x8D, ...).

    Bytes 0x80-0x9F are printable in cp1252 (€ „ “ –) and control codes in Latin-1, which
    real text never holds; without them both read the same, and cp1252 is reported. The
    five undefined bytes are looked for with ``bytes.__contains__`` (memchr), so the scan
    runs at memory speed.
    """
    handle.seek(0)
    while True:
        block = handle.read(_CHUNK)
        if not block:
            return "cp1252"
        if any(byte in block for byte in _CP1252_UNDEFINED_BYTES):
            return "latin-1"


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig", "ascii")


@contextlib.contextmanager
def _utf8_file(path: Path, encoding: str, progress: Progress = None) -> Iterator[Path]:
    """``path`` itself when it is UTF-8, else a temporary UTF-8 copy (removed afterwards)."""
    if _is_utf8(encoding):
        yield path
        return
    total = path.stat().st_size
    handle, name = tempfile.mkstemp(prefix="amtsweg-", suffix=".csv")
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        done = 0
        lines = 0
        with path.open("rb") as src, os.fdopen(handle, "wb") as dst:
            while True:
                chunk = src.read(_CHUNK)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    line = lines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    raise InputError(
                        [
                            problem(
                                "csv.encoding",
                                f"die Datei ist nicht in {encoding} kodiert; [source] encoding "
                                "prüfen (z. B. utf-8, cp1252)",
                                f"the file is not encoded in {encoding}; check [source] "
                                "encoding (e.g. utf-8, cp1252)",
                                file=str(path),
                                row=line,
                            )
                        ]
                    ) from None
                dst.write(text.encode("utf-8"))
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                done += len(chunk)
                report(progress, done, total)
        yield Path(name)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _sample_text(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        raw = handle.read(_SAMPLE_BYTES)
        more = bool(handle.read(1))
    if encoding == "utf-16":
        raw = raw[: len(raw) - len(raw) % 2]
    text = raw.decode(encoding, errors="replace")
    if more and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text.lstrip("\ufeff")


# --- layout --------------------------------------------------------------------------------


def _records(
    text: str, delimiter: str, limit: int = _SAMPLE_RECORDS
) -> list[tuple[int, list[str]]]:
    """(first line, fields) of the first records of ``text``; blank lines give []."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            records.append((line, fields))
            line = reader.line_num + 1
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def detect_delimiter(text: str) -> str | None:
    """The delimiter of a sample ``text`` of a file (see the module docstring), or None."""
    best: tuple | None = None
    chosen = None
    for preference, candidate in enumerate(DELIMITERS):
        counts = [len(f) for _, f in _records(text, candidate) if f]
        if len(counts) > 1 and not text.endswith("\n"):
            counts = counts[:-1]  # the sample may end inside the last record
        if not counts:
            continue
        mode, hits = Counter(counts).most_common(1)[0]
        if mode <= 1:
            continue
        score = (hits / len(counts), mode, -preference)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def csv_layout(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
    wanted: tuple[str, ...] = (),
) -> CsvLayout:
    """Encoding, delimiter and header of the delimited file at ``path`` (given or detected)."""
    path = Path(path)
    source = str(path)
    encoding = encoding or detect_encoding(path)
    text = _sample_text(path, encoding)
    if not text.strip():
        raise InputError(
            [problem("file.empty", "die Datei ist leer", "the file is empty", file=source)]
        )
    if delimiter is None:
        delimiter = detect_delimiter(text)
        if delimiter is None:
            delimiter = ";" if text.count(";") >= text.count(",") else ","
    records = _records(text, delimiter)
    if header_row is not None:
        at = [i for i, (line, _) in enumerate(records) if line == header_row]
        if not at:
            raise InputError(
                [
                    problem(
                        "csv.header_row",
                        "[source] header_row zeigt auf keine Zeile am Anfang der Datei",
                        "[source] header_row does not point at a line near the top of the file",
                        file=source,
                        row=header_row,
                    )
                ]
            )
        index = at[0]
    else:
        index = detect_header_row([f for _, f in records], wanted=wanted)
    line, fields = records[index]
    names = unique_headers(fields)
    generated = tuple(n for n, f in zip(names, fields, strict=True) if not f.strip())
    return CsvLayout(
        encoding=codecs.lookup(encoding).name if encoding != "latin-1" else "latin-1",
        delimiter=delimiter,
        header_line=line,
        header=tuple(names),
        generated=generated,
    )


# --- reading -------------------------------------------------------------------------------


def _resolve(mapping: Mapping | str | Path | None) -> Mapping | None:
    if mapping is None or isinstance(mapping, Mapping):
        return mapping
    return read_mapping(mapping)


def read_csv_log(
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    decimal: str | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    progress: Progress = None,
) -> EventLog:
    """The event log in the delimited text file ``path``.

    Arguments win over the mapping's ``[source]`` hints, which win over detection (see the
    module docstring). Without a mapping the columns are recognised from their headers when
    case, activity and timestamp are unambiguous; otherwise :class:`InputError` asks the user
    to run ``amtsweg map FILE``. ``timezone`` (default: the mapping's, else Europe/Berlin) is
    the zone of timestamps without an offset. ``progress(done, total)`` is called while
    transcoding. Raises :class:`InputError` with every problem found.
    """
    path = Path(path)
    source = str(path)
    _require_file(path)
    mapping = _resolve(mapping)
    hints = mapping.source if mapping is not None else SourceHints()
    wanted = mapping.source_columns() if mapping is not None else ()
    layout = csv_layout(
        path,
        delimiter=delimiter or hints.delimiter,
        encoding=encoding or hints.encoding,
        header_row=hints.header_row,
        wanted=wanted,
    )
    decimal = decimal or hints.decimal or ("," if layout.delimiter != "," else ".")
    frame = _read_frame(path, layout, progress=progress)
    details = {
        "format": "csv",
        "encoding": layout.encoding,
        "delimiter": layout.delimiter,
        "header_line": layout.header_line,
        "decimal": decimal,
    }
    return finalize_table(
        frame,
        source=source,
        mapping=mapping,
        timezone=timezone,
        duplicates=duplicates,
        details=details,
        decimal=decimal,
    )


def read_csv_sample(
    path: str | Path,
    *,
    rows: int = SAMPLE_ROWS,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
) -> tuple[pl.DataFrame, CsvLayout]:
    """The first ``rows`` records of ``path`` as text columns (source headers), and its layout."""
    path = Path(path)
    _require_file(path)
    layout = csv_layout(path, delimiter=delimiter, encoding=encoding, header_row=header_row)
    return _read_frame(path, layout, n_rows=rows), layout


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise InputError(
            [problem("file.not_found", "Datei nicht gefunden", "file not found", file=str(path))]
        )
    if path.stat().st_size == 0:
        raise InputError(
            [problem("file.empty", "die Datei ist leer", "the file is empty", file=str(path))]
        )


def _read_frame(
    path: Path, layout: CsvLayout, *, n_rows: int | None = None, progress: Progress = None
) -> pl.DataFrame:
    """Raw text columns with the source headers and SOURCE_ROW (physical line)."""
    with _utf8_file(path, layout.encoding, progress) as utf8:
        try:
            frame = pl.read_csv(
                utf8,
                separator=layout.delimiter,
                has_header=True,
                skip_lines=layout.header_line - 1,
                infer_schema=False,
                new_columns=list(layout.header),
                quote_char='"',
                raise_if_empty=False,
                n_rows=n_rows,
            )
        except (pl.exceptions.ComputeError, pl.exceptions.ShapeError) as exc:
            raise _unreadable(path, utf8, layout, exc) from None
    if frame.width != len(layout.header):
        frame = frame.rename(dict(zip(frame.columns, unique_headers(frame.columns), strict=True)))
    cells = list(frame.columns)
    if not cells:
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(schema.SOURCE_ROW))
    # Lines taken by line breaks inside quoted fields of earlier records.
    breaks = pl.sum_horizontal(
        pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in cells
    )
    first = layout.header_line + 1
    frame = frame.with_columns(
        (
            pl.int_range(pl.len(), dtype=pl.Int64)
            + first
            + (breaks.cum_sum() - breaks).cast(pl.Int64)
        ).alias(schema.SOURCE_ROW)
    )
    frame = drop_empty_rows(frame)
    return drop_unnamed_empty_columns(frame, layout.generated)


def _unreadable(path: Path, utf8: Path, layout: CsvLayout, exc: Exception) -> InputError:
    """An :class:`InputError` for a file Polars refused, naming the line where possible."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "more fields" in message:
        width = len(layout.header)
        with utf8.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=layout.delimiter, strict=False)
            start = 1
            for fields in reader:
                if start > layout.header_line and len(fields) > width:
                    shown = layout.delimiter.join(fields)
                    return InputError(
                        [
                            problem(
                                "csv.too_many_fields",
                                f"die Zeile hat {len(fields)} Felder, die Kopfzeile nur {width}; "
                                "vermutlich ein Trennzeichen im Text ohne Anführungszeichen",
                                f"the line has {len(fields)} fields, the header only {width}; "
                                "probably a delimiter inside a text without quotes",
                                file=str(path),
                                row=start,
                                value=shown,
                            )
                        ]
                    )
                start = reader.line_num + 1
    return InputError(
        [
            problem(
                "csv.unreadable",
                f"die Datei ist als CSV nicht lesbar ({message})",
                f"the file cannot be read as CSV ({message})",
                file=str(path),
            )
        ]
    )


# --- writing -------------------------------------------------------------------------------

_CP1252_CHARS = sorted(
    {bytes([b]).decode("cp1252") for b in range(256) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
)
_NOT_CP1252 = "[^" + "".join(f"\\x{{{ord(c):X}}}" for c in _CP1252_CHARS) + "]"
_NOT_CP1252_RE = re.compile("[^" + "".join(re.escape(c) for c in _CP1252_CHARS) + "]")


def write_csv_log(
    frame: engine.FrameLike,
    path: str | Path,
    *,
    style: str = "german",
    mapping_path: str | Path | None = None,
    timezone: str = schema.DEFAULT_TIMEZONE,
) -> Path | None:
    """Write an event log (any frame narwhals understands) as a delimited text file.

    ``style="german"``: ``;``, Windows-1252, CRLF line ends, timestamps in ``timezone`` as
    ``23.11.2026 14:05`` (with ``:SS`` when a value in the column has seconds; a column
    with fractions of a second is written ``2026-11-23 14:05:09.250000`` so nothing is lost),
    decimal comma, short German headers (:data:`analyzer.vocabulary.GERMAN_HEADERS`), and a
    mapping file (default ``<name>.mapping.toml`` next to it, or ``mapping_path``) that maps
    the headers back. A character Windows-1252 cannot represent (``Ł``, emoji) is refused
    with an :class:`InputError` naming row, column and value before anything is written;
    use ``style="standard"`` for such data. Local times in the autumn clock change hour are
    ambiguous in this style and read back as the earlier instant.
    ``style="standard"``: UTF-8, ``,``, LF, ISO 8601 with offset in ``timezone``, canonical
    column names; writes a mapping only when ``mapping_path`` is given.
    The provenance column :data:`schema.SOURCE_ROW` is not written (it describes the file
    the log came from). Written in chunks. Returns the mapping file written, if any.
    """
    if style not in STYLES:
        raise InputError(
            [
                problem(
                    "csv.style",
                    f"unbekannter Stil „{style}“; erlaubt: {', '.join(STYLES)}",
                    f"unknown style '{style}'; allowed: {', '.join(STYLES)}",
                    value=style,
                )
            ]
        )
    path = Path(path)
    german = style == "german"
    data = engine.to_polars(frame)
    rows = data[schema.SOURCE_ROW] if schema.SOURCE_ROW in data.columns else None
    data = data.drop(schema.SOURCE_ROW, strict=False)
    headers = _headers(data.columns, german=german)
    if german:
        _check_cp1252(data.rename(headers), rows, path)
    # Formats are decided on whole columns (seconds shown if any value has them), the text
    # is made chunk by chunk so only one chunk of it is in memory at a time.
    formats = _formatted(data, german=german, timezone=timezone)
    separator = ";" if german else ","
    encoding = "cp1252" if german else "utf-8"
    with path.open("wb") as handle:
        for offset in range(0, max(data.height, 1), _WRITE_ROWS):
            part = data.slice(offset, _WRITE_ROWS).with_columns(formats).rename(headers)
            text = part.write_csv(
                separator=separator,
                include_header=offset == 0,
                line_terminator="\r\n" if german else "\n",
                decimal_comma=german,
                float_scientific=False,
                quote_style="necessary",
            )
            handle.write(text.encode(encoding))
    if not german and mapping_path is None:
        return None
    target = Path(mapping_path) if mapping_path is not None else default_mapping_path(path)
    back = {
        schema.FIELDS_BY_COLUMN[c].key: headers[c]
        for c in data.columns
        if c in schema.FIELDS_BY_COLUMN
    }
    hints = SourceHints(
        format="csv",
        delimiter=separator,
        encoding=encoding,
        decimal="," if german else ".",
        timezone=timezone,
    )
    write_mapping(Mapping(columns=back, source=hints, for_file=path.name), target)
    return target


def _headers(columns: list[str], *, german: bool) -> dict[str, str]:
    if not german:
        return {c: c for c in columns}
    extras = {c for c in columns if c not in schema.FIELDS_BY_COLUMN}
    headers: dict[str, str] = {}
    for c in columns:
        f = schema.FIELDS_BY_COLUMN.get(c)
        name = vocabulary.GERMAN_HEADERS.get(f.key, c) if f is not None else c
        headers[c] = c if f is not None and name in extras else name
    return headers


def _formatted(data: pl.DataFrame, *, german: bool, timezone: str) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for name, dtype in data.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            values = data[name]
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone(timezone)
                values = values.dt.convert_time_zone(timezone)
            fraction = bool((values.dt.microsecond() != 0).any())
            seconds = bool((values.dt.second() != 0).any())
            offset = "%:z" if dtype.time_zone is not None else ""
            if german and not fraction:
                fmt = "%d.%m.%Y %H:%M" + (":%S" if seconds else "")
            elif german:
                fmt = "%Y-%m-%d %H:%M:%S%.6f"
            else:
                fmt = "%Y-%m-%dT%H:%M:%S" + ("%.6f" if fraction else "") + offset
            exprs.append(column.dt.strftime(fmt).alias(name))
        elif dtype in (pl.Float32, pl.Float64):
            # Polars writes 3.0 as "3", which would read back as a whole number; Python's
            # shortest repr keeps "3.0". Columns needing an exponent are left to Polars.
            text = data[name].cast(pl.String)
            if not text.str.contains("e", literal=True).any():
                expr = column.cast(pl.String)
                if german:
                    expr = expr.str.replace(".", ",", literal=True)
                exprs.append(expr.alias(name))
        elif dtype == pl.Date:
            exprs.append(column.dt.strftime("%d.%m.%Y" if german else "%Y-%m-%d").alias(name))
        elif dtype == pl.Boolean or isinstance(dtype, pl.Categorical | pl.Enum):
            exprs.append(column.cast(pl.String).alias(name))
    return exprs


def _check_cp1252(frame: pl.DataFrame, rows: pl.Series | None, path: Path) -> None:
    problems: list[Problem] = []
    for name in frame.columns:
        if _NOT_CP1252_RE.search(name):
            problems.append(_not_cp1252(path, None, name, name))
    for name, dtype in frame.schema.items():
        if dtype != pl.String and not isinstance(dtype, pl.Categorical | pl.Enum):
            continue  # numbers and formatted dates are plain ASCII
        bad = frame[name].cast(pl.String).str.contains(_NOT_CP1252).fill_null(False)
        if not bad.any():
            continue
        positions = bad.arg_true().head(5).to_list()
        for position in positions:
            row = int(rows[position]) if rows is not None else position + 2
            problems.append(_not_cp1252(path, row, name, frame[name][position]))
    if problems:
        raise InputError(problems)


def _not_cp1252(path: Path, row: int | None, column: str, value: str) -> Problem:
    found = _NOT_CP1252_RE.search(value)
    char = found.group(0) if found else "?"
    return problem(
        "csv.not_cp1252",
        f"Zeichen „{char}“ (U+{ord(char):04X}) ist in Windows-1252 nicht darstellbar; "
        "den Stil „standard“ (UTF-8) verwenden",
        f"character '{char}' (U+{ord(char):04X}) cannot be written in Windows-1252; use "
        "the 'standard' style (UTF-8)",
        file=str(path),
        row=row,
        column=column,
        value=value,
    )
