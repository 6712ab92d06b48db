"""Event logs in Parquet files: the fast exchange format (typed columns, compressed).

Reading scans lazily, so the mapping (renames, value maps, dropped columns) runs before
anything is loaded and dropped columns are never read. Column types are kept (a Parquet
timestamp column needs no parsing; naive ones are local time in ``timezone``). A
:data:`schema.SOURCE_ROW` column in the file is kept (a log written by Amtsweg remembers the
rows of its original source); otherwise it is the 1-based row ordinal.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import polars as pl

from analyzer import engine, schema
from analyzer.problems import InputError, problem
from connectors.event_log import Duplicates, EventLog
from connectors.mapping import Mapping, read_mapping
from connectors.tabular import Progress, finalize_table, report

SUFFIXES: tuple[str, ...] = (".parquet", ".pq")


def read_parquet_log(
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    progress: Progress = None,
) -> EventLog:
    """The event log in the Parquet file ``path`` (mapping as for CSV; without one, columns
    are recognised from their names)."""
    path = Path(path)
    source = str(path)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    if not path.is_file():
        raise InputError(
            [problem("file.not_found", "Datei nicht gefunden", "file not found", file=source)]
        )
    try:
        lazy = pl.scan_parquet(path)
        names = lazy.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(
            [
                problem(
                    "parquet.unreadable",
                    f"die Datei ist als Parquet nicht lesbar ({exc})",
                    f"the file cannot be read as Parquet ({exc})",
                    file=source,
                )
            ]
        ) from None
    if schema.SOURCE_ROW not in names:
        lazy = lazy.with_row_index(schema.SOURCE_ROW, offset=1).with_columns(
            pl.col(schema.SOURCE_ROW).cast(pl.Int64)
        )
    report(progress, 0, 1)
    log = finalize_table(
        lazy,
        source=source,
        mapping=mapping,
        timezone=timezone,
        duplicates=duplicates,
        details={"format": "parquet"},
    )
    report(progress, 1, 1)
    return log


def write_parquet_log(frame: engine.FrameLike, path: str | Path) -> Path:
    """Write an event log (any frame narwhals understands) to ``path`` as Parquet (zstd).

    A Polars LazyFrame is streamed to disk; other frames go through Arrow. The file is
    written under a temporary name and renamed, so a failed write leaves no half file.
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=".amtsweg-", suffix=".parquet", dir=path.parent)
    os.close(handle)
    try:
        if isinstance(frame, pl.LazyFrame):
            frame.sink_parquet(name, compression="zstd")
        else:
            engine.to_polars(frame).write_parquet(name, compression="zstd")
        os.replace(name, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    return path
