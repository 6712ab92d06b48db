"""Reading an OCEL file's bytes (gzip detected from the content) and telling its serialisation
apart: SQLite by its magic header, JSON and XML by their first character, else by the name."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from analyzer.problems import error

SQLITE_MAGIC = b"SQLite format 3\x00"


def read_bytes(path: Path) -> tuple[bytes, bool]:
    if not path.is_file():
        raise error(
            "file.not_found",
            "Datei nicht gefunden",
            "file not found",
            file=path,
        )
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
            f.seek(0)
            if head == SQLITE_MAGIC:  # opened in place; only its header is needed here
                return head, False
            if head[:2] != b"\x1f\x8b":
                return f.read(), False
            with gzip.GzipFile(fileobj=f) as g:
                return g.read(), True
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise error(
            "file.gzip_damaged",
            "die komprimierte Datei ist beschädigt oder unvollständig (abgeschnitten); bitte "
            "erneut herunterladen oder exportieren",
            "the compressed file is damaged or incomplete (truncated); please download or "
            "export it again",
            file=path,
            value=str(exc),
        ) from exc
    except OSError as exc:
        raise error(
            "file.unreadable",
            "Datei kann nicht gelesen werden",
            "file cannot be read",
            file=path,
            value=exc.strerror or str(exc),
        ) from exc


def format_of(path: Path, data: bytes) -> str:
    if data.startswith(SQLITE_MAGIC):
        return "sqlite"
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        return "json"
    if start.startswith(b"<"):
        return "xml"
    name = path.name.lower().removesuffix(".gz")
    for ext, kind in (
        (".jsonocel", "json"),
        (".json", "json"),
        (".xmlocel", "xml"),
        (".xml", "xml"),
        (".sqlite", "sqlite"),
        (".sqlite3", "sqlite"),
        (".db", "sqlite"),
    ):
        if name.endswith(ext):
            return kind
    raise error(
        "ocel.format.unknown",
        "keine OCEL-2.0-Datei: weder JSON noch XML noch SQLite",
        "not an OCEL 2.0 file: neither JSON nor XML nor SQLite",
        file=path,
    )
