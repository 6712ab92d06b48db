"""Case, event and label ids as Arrow strings, built from numbers without Python strings.

Ids are fixed-width ASCII (``MUS-WG-0000042``, ``MUS-WG-0000042-007``), so a column of them
is a byte matrix (one row per id) whose rows are laid end to end: the digits are written with
numpy arithmetic and the matrix becomes the data buffer of an Arrow string array. That keeps
id creation at memory speed for millions of events.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

CASE_DIGITS = 7
SEQ_DIGITS = 3
_ZERO = ord("0")


def _digits(matrix: np.ndarray, column: int, values: np.ndarray, width: int) -> None:
    if values.size and int(values.max()) >= 10**width:
        raise ValueError(f"number does not fit in {width} digits")
    v = values.astype(np.int64, copy=True)
    for k in range(width - 1, -1, -1):
        matrix[:, column + k] = v % 10 + _ZERO
        v //= 10


def id_matrix(prefix: str, numbers: np.ndarray, seq: np.ndarray | None = None) -> np.ndarray:
    """Byte rows ``<prefix><number:07d>`` or ``<prefix><number:07d>-<seq:03d>``."""
    head = prefix.encode("ascii")
    width = len(head) + CASE_DIGITS + (1 + SEQ_DIGITS if seq is not None else 0)
    matrix = np.empty((numbers.size, width), dtype=np.uint8)
    matrix[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    _digits(matrix, len(head), numbers, CASE_DIGITS)
    if seq is not None:
        matrix[:, len(head) + CASE_DIGITS] = ord("-")
        _digits(matrix, len(head) + CASE_DIGITS + 1, seq, SEQ_DIGITS)
    return matrix


def strings(rows: list[np.ndarray], valid: np.ndarray | None = None) -> pa.Array:
    """One Arrow string array of the byte matrices in ``rows`` (in order; each matrix has its
    own width); ``valid`` marks nulls (False) where given."""
    n = sum(m.shape[0] for m in rows)
    widths = np.concatenate(
        [np.full(m.shape[0], m.shape[1], dtype=np.int32) for m in rows] or [np.zeros(0, np.int32)]
    )
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(widths, out=offsets[1:])
    data = np.concatenate([m.reshape(-1) for m in rows] or [np.zeros(0, np.uint8)])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    null_count = 0
    if valid is not None and not valid.all():
        buffers[0] = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int((~valid).sum())
    return pa.Array.from_buffers(pa.string(), n, buffers, null_count=null_count)


def with_suffix(matrix: np.ndarray, suffix: str) -> np.ndarray:
    """``matrix`` rows with ``suffix`` appended to each."""
    tail = np.frombuffer(suffix.encode("ascii"), dtype=np.uint8)
    return np.hstack([matrix, np.broadcast_to(tail, (matrix.shape[0], tail.size))])
