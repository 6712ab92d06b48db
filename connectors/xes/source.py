"""The decompressed bytes of an XES file, read in blocks, with progress."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

from connectors.xes.errors import damaged_file

#: ``progress(done, total)``: bytes of the file read so far and the file's size.
Progress = Callable[[float, float | None], None]

_GZIP_MAGIC = b"\x1f\x8b"


class Source:
    """The decompressed bytes of a file (gzip detected by its magic number), with progress."""

    def __init__(self, file: Path, progress: Progress | None = None):
        self.file = file
        self.size = file.stat().st_size
        self.raw: IO[bytes] = open(file, "rb")  # noqa: SIM115 - closed in close()
        self.compressed = self.raw.read(2) == _GZIP_MAGIC
        self.raw.seek(0)
        self.stream: IO[bytes] = gzip.GzipFile(fileobj=self.raw) if self.compressed else self.raw
        self.progress = progress

    def read(self, n: int) -> bytes:
        data = self._read(n)
        self.report()
        return data

    def _read(self, n: int) -> bytes:
        try:
            return self.stream.read(n)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise damaged_file(self.file, exc) from None

    def report(self) -> None:
        if self.progress is not None:
            self.progress(float(self.raw.tell()), float(self.size))

    def blocks(self, n: int) -> Iterator[bytes]:
        """Blocks of ``n`` bytes; the next one is decompressed in a thread (zlib releases the
        GIL) while the caller works on this one. Progress is reported from the caller's
        thread."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._read, n)
            while True:
                data = pending.result()
                if not data:
                    self.report()
                    return
                pending = pool.submit(self._read, n)
                self.report()
                yield data

    def close(self) -> None:
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
