"""One entry point for writing an event log: :func:`write_event_log` picks the writer.

``.xes``/``.xes.gz`` → :func:`connectors.xes.write_xes_log`, ``.csv`` →
:func:`connectors.delimited.write_csv_log` (``style="german"``: ``;``, cp1252,
``dd.mm.yyyy HH:MM``, with a mapping file beside it; ``style="standard"``: UTF-8, ISO 8601),
``.parquet`` → :func:`connectors.parquet.write_parquet_log`. Any frame narwhals accepts
(a workspace's DuckDB relation included) can be written.
"""

from __future__ import annotations

from pathlib import Path

from analyzer import engine
from analyzer.problems import error

WRITABLE = (".xes", ".xes.gz", ".csv", ".parquet")


def write_event_log(frame: engine.FrameLike, path: str | Path, *, style: str = "standard") -> Path:
    """Write ``frame`` (a canonical log) to ``path`` in the format its name ends with."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        from connectors.xes import write_xes_log

        return write_xes_log(frame, path)
    if name.endswith(".csv"):
        from connectors.delimited import write_csv_log

        write_csv_log(frame, path, style=style)  # returns the mapping file it wrote, if any
        return path
    if name.endswith(".parquet"):
        from connectors.parquet import write_parquet_log

        return write_parquet_log(frame, path)
    raise error(
        "file.format_not_writable",
        f"in dieses Format kann nicht geschrieben werden; möglich: {', '.join(WRITABLE)}",
        f"cannot write this format; possible: {', '.join(WRITABLE)}",
        file=path,
    )
