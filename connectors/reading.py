"""One entry point for every event log file: :func:`read_event_log` picks the reader.

The format comes from the mapping's ``[source] format`` if given, else from the file name:

========================================  ===============================================
``.csv`` ``.tsv`` ``.txt``                 :func:`connectors.delimited.read_csv_log`
``.xlsx`` ``.xlsm`` ``.xls`` ``.xlsb``     :func:`connectors.spreadsheet.read_excel_log`
``.ods``
``.parquet`` ``.pq``                       :func:`connectors.parquet.read_parquet_log`
``.xes`` ``.xes.gz``                       :func:`connectors.xes.read_xes_log`
``.jsonocel`` ``.json`` ``.xmlocel``       :func:`connectors.ocel.read_ocel_log`
``.sqlite`` (each also ``.gz``)
========================================  ===============================================

Readers are imported when needed, so a format whose module is missing fails only for that
format. Options a reader does not take are refused by name, except options left at None
(the CLI passes ``sheet=None`` to every reader).
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer.problems import InputError, problem
from connectors.event_log import EventLog
from connectors.mapping import Mapping, SourceHints, read_mapping

#: format → (module, function, file name endings)
READERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "csv": ("connectors.delimited", "read_csv_log", (".csv", ".tsv", ".txt")),
    "excel": (
        "connectors.spreadsheet",
        "read_excel_log",
        (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"),
    ),
    "parquet": ("connectors.parquet", "read_parquet_log", (".parquet", ".pq")),
    "xes": ("connectors.xes", "read_xes_log", (".xes", ".xes.gz")),
    "ocel": (
        "connectors.ocel",
        "read_ocel_log",
        (
            ".jsonocel",
            ".jsonocel.gz",
            ".json",
            ".json.gz",
            ".xmlocel",
            ".xmlocel.gz",
            ".sqlite",
            ".sqlite.gz",
        ),
    ),
}
FORMAT_NAMES: dict[str, str] = {
    "csv": "CSV",
    "excel": "Excel",
    "parquet": "Parquet",
    "xes": "XES",
    "ocel": "OCEL 2.0",
    "sql": "SQL",
}


def supported_suffixes() -> list[str]:
    """Every file name ending :func:`read_event_log` understands."""
    return [suffix for _, _, suffixes in READERS.values() for suffix in suffixes]


def format_of(path: str | Path, mapping: Mapping | None = None) -> str:
    """The format of ``path``: the mapping's ``[source] format``, else by its name ending."""
    if mapping is not None and mapping.source.format:
        return mapping.source.format
    name = Path(path).name.lower()
    matches = [
        (len(suffix), fmt)
        for fmt, (_, _, suffixes) in READERS.items()
        for suffix in suffixes
        if name.endswith(suffix)
    ]
    if not matches:
        listed = ", ".join(supported_suffixes())
        raise InputError(
            [
                problem(
                    "file.format_unknown",
                    f"unbekanntes Dateiformat „{Path(path).suffix or name}“; unterstützt: "
                    f"{listed} (oder [source] format in einer Zuordnungsdatei)",
                    f"unknown file format '{Path(path).suffix or name}'; supported: {listed} "
                    "(or [source] format in a mapping file)",
                    file=str(path),
                )
            ]
        )
    return max(matches)[1]


def reader_for(fmt: str) -> Callable[..., EventLog]:
    """The reading function of format ``fmt`` (imported now)."""
    if fmt not in READERS:
        raise InputError(
            [
                problem(
                    "file.format_not_file",
                    f"Format „{FORMAT_NAMES.get(fmt, fmt)}“ wird nicht aus einer Datei gelesen; "
                    "für Datenbanken: amtsweg import URL --table/--query",
                    f"format '{FORMAT_NAMES.get(fmt, fmt)}' is not read from a file; for "
                    "databases: amtsweg import URL --table/--query",
                    value=fmt,
                )
            ]
        )
    module_name, function, _ = READERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(
            [
                problem(
                    "file.format_unavailable",
                    f"das Format {FORMAT_NAMES[fmt]} ist in dieser Installation nicht "
                    f"verfügbar ({exc})",
                    f"the {FORMAT_NAMES[fmt]} format is not available in this installation ({exc})",
                    value=fmt,
                )
            ]
        ) from None
    return getattr(module, function)


def read_event_log(
    path: str | Path, *, mapping: Mapping | str | Path | None = None, **options: Any
) -> EventLog:
    """The event log in the file ``path``, read by the reader of its format.

    ``mapping`` is a :class:`Mapping` or the path of a mapping file (read and checked first).
    ``options`` go to the reader (``delimiter``, ``sheet``, ``timezone``, ``duplicates``,
    ``object_type``, ``progress``, ...); an option the reader does not take raises
    :class:`InputError` naming the closest one, unless its value is None. Unknown file
    endings raise :class:`InputError` listing the supported formats.
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    fmt = format_of(path, mapping)
    reader = reader_for(fmt)
    accepted = inspect.signature(reader).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    given: dict[str, Any] = {}
    for name, value in options.items():
        if takes_any or name in accepted:
            if value is not None:
                given[name] = value
            continue
        if value is None:
            continue
        names = [n for n in accepted if n != "path"]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint_de = f"; meinten Sie „{close[0]}“?" if close else ""
        hint_en = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(
            [
                problem(
                    "option.unknown",
                    f"die Option „{name}“ gilt nicht für {FORMAT_NAMES[fmt]}-Dateien{hint_de} "
                    f"Möglich: {', '.join(names)}",
                    f"option '{name}' does not apply to {FORMAT_NAMES[fmt]} files{hint_en} "
                    f"Possible: {', '.join(names)}",
                    file=str(path),
                    value=str(value),
                )
            ]
        )
    if mapping is not None:
        given["mapping"] = mapping
    return reader(Path(path), **given)


def read_table_sample(
    path: str | Path, *, sheet: str | int | None = None, rows: int = 10_000
) -> tuple[Any, SourceHints]:
    """The first ``rows`` rows of a CSV, Excel or Parquet file with its own headers, and the
    reading hints found (encoding, delimiter, sheet, header row) for a mapping proposal.

    XES and OCEL files have standard attribute names and need no mapping: they raise
    :class:`InputError` saying so.
    """
    import polars as pl

    fmt = format_of(path)
    if fmt == "csv":
        from connectors.delimited import read_csv_sample

        frame, layout = read_csv_sample(path, rows=rows)
        hints = SourceHints(
            encoding=layout.encoding,
            delimiter=layout.delimiter,
            header_row=layout.header_line if layout.header_line > 1 else None,
        )
        return frame, hints
    if fmt == "excel":
        from connectors.spreadsheet import read_excel_sample

        frame, details = read_excel_sample(path, sheet=sheet, rows=rows)
        header = details["header_row"]
        return frame, SourceHints(sheet=details["sheet"], header_row=header if header > 1 else None)
    if fmt == "parquet":
        if not Path(path).is_file():
            raise InputError(
                [
                    problem(
                        "file.not_found", "Datei nicht gefunden", "file not found", file=str(path)
                    )
                ]
            )
        return pl.scan_parquet(path).head(rows).collect(), SourceHints()
    raise InputError(
        [
            problem(
                "mapping.not_needed",
                f"{FORMAT_NAMES[fmt]}-Dateien haben feste Attributnamen und brauchen keine "
                "Zuordnung; direkt importieren",
                f"{FORMAT_NAMES[fmt]} files have standard attribute names and need no mapping; "
                "import them directly",
                file=str(path),
            )
        ]
    )
