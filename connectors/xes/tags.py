"""The fast reader's tokenizer: the tags of a block of bytes, found with numpy."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa

from connectors.xes.errors import Unsupported
from connectors.xes.vocabulary import (
    EVENT_TAG,
    GLOBAL_TAG,
    KEY_ATTRIBUTE,
    LEAF_TYPES,
    LOG_TAG,
    SCOPE_ATTRIBUTE,
    TRACE_TAG,
    VALUE_ATTRIBUTE,
)

#
# A block of bytes is cut at every "<" into tags (numpy). Two shapes cover nearly every tag
# of an XES file and are recognised by comparing bytes at fixed places: a flat attribute
# written as <TYPE key="K" value="V"/> and a bare <event>, </event>, <trace>, </trace>; their
# keys and values are copied out by their byte spans. Every other tag goes through regular
# expressions (Polars for attribute tags in other forms, Python for the rest). Nesting is
# checked with cumulative sums per level; anything outside the reader's shape raises
# Unsupported and the lxml reader reads the file instead.

_WS = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.:-]*"
_ANY_LEAF = (
    rf"^<(string|date|int|float|boolean|id){_WS}+(key|value){_WS}*={_WS}*"
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}+(key|value){_WS}*={_WS}*"""
    rf"""(?:"([^"<]*)"|'([^'<]*)'){_WS}*/>{_WS}*$"""
)
_TAG = re.compile(
    rf"""^<(?:/({_NAME}){_WS}*|({_NAME})((?:{_WS}+{_NAME}{_WS}*={_WS}*(?:"[^"<]*"|'[^'<]*'))*)"""
    rf"""{_WS}*(/?))>{_WS}*$"""
)
_ATTRIBUTE = re.compile(rf"""({_NAME}){_WS}*={_WS}*(?:"([^"<]*)"|'([^'<]*)')""")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)

# name codes: 1..6 the attribute types (in LEAF_TYPES order), then event, trace, log,
# global; other element names get codes from 11 on, per file
EVENT_CODE, TRACE_CODE, LOG_CODE, GLOBAL_CODE = 7, 8, 9, 10
_OPENERS = [f"<{t} key=".encode() for t in LEAF_TYPES]
_BARE = {b"<event>": (EVENT_CODE, 1), b"</event>": (EVENT_CODE, -1), b"<trace>": (TRACE_CODE, 1),
         b"</trace>": (TRACE_CODE, -1)}  # fmt: skip
_VALUE_EQ = b'" value='
_PAD = 16  # bytes of padding after a block, so fixed-width gathers never run past it
_TAIL = 16  # whitespace after a tag checked at once; longer runs are checked one by one
_IS_WS = np.zeros(256, dtype=bool)
_IS_WS[[9, 10, 13, 32]] = True


@dataclass
class NameCodes:
    """The element names of one file as small integers: 1..6 the attribute types (in
    ``LEAF_TYPES`` order), then event, trace, log, global; other names from 11 on, as they
    come."""

    codes: dict[str, int] = field(
        default_factory=lambda: {
            **{t: i + 1 for i, t in enumerate(LEAF_TYPES)},
            EVENT_TAG: EVENT_CODE,
            TRACE_TAG: TRACE_CODE,
            LOG_TAG: LOG_CODE,
            GLOBAL_TAG: GLOBAL_CODE,
        }
    )

    def code(self, name: str) -> int:
        return self.codes.setdefault(name, len(self.codes) + 1)


def tokenized(block: bytes) -> Tags | None:
    """The tags of ``block`` (None: only whitespace). Pure: runs in worker threads."""
    try:
        codecs.utf_8_decode(block, "strict", True)
    except UnicodeDecodeError as exc:
        raise Unsupported("not utf-8") from exc
    size = len(block)
    raw = np.frombuffer(block + b"\0" * _PAD, dtype=np.uint8)
    body = raw[:size]
    controls = int(np.count_nonzero(body < 32))
    if controls and controls != sum(int(np.count_nonzero(body == c)) for c in (9, 10, 13)):
        raise Unsupported("control character")
    if np.any(body == 0xEF) and (b"\xef\xbf\xbe" in block or b"\xef\xbf\xbf" in block):
        raise Unsupported("non-character")
    marks = np.flatnonzero((body == 60) | (body == 34))  # every "<" and every '"'
    if len(marks) == 0 or body[0] != 60:
        if block.strip(b" \t\r\n"):
            raise Unsupported("text outside tags")
        return None
    if np.any(raw[marks[raw[marks] == 60] + 1] == 33) and b"<!--" in block:  # comments
        if any(b"--" in m.group(1) for m in _COMMENT.finditer(block)):
            raise Unsupported("comment with --")
        block = _COMMENT.sub(b"", block)
        if b"<!--" in block:
            raise Unsupported("unfinished comment")
        return tokenized(block)
    return Tags(raw, size, marks)


class Tags:
    """The tags of one block: name code, kind (1 open, -1 close, 0 empty element) and, for
    attribute elements, where key and value are (byte spans) or their text (other forms)."""

    def __init__(self, raw: np.ndarray, size: int, marks: np.ndarray):
        self.raw = raw
        # the positions of "<" and '"' in one sorted array: each tag's quotes follow its "<"
        is_start = raw[marks] == 60
        where = np.flatnonzero(is_start)  # index in marks of each tag's "<"
        starts = marks[where]
        n = len(starts)
        self.starts = starts
        ends = np.empty(n, dtype=np.int64)
        ends[:-1] = starts[1:]
        ends[-1] = size
        self.code = np.zeros(n, dtype=np.int16)
        self.kind = np.zeros(n, dtype=np.int8)
        self.known = np.zeros(n, dtype=bool)
        self.key_at = np.zeros(n, dtype=np.int64)
        self.key_len = np.zeros(n, dtype=np.int64)
        self.value_at = np.zeros(n, dtype=np.int64)
        self.value_len = np.zeros(n, dtype=np.int64)
        self.other_key: dict[int, str | None] = {}
        self.other_value: dict[int, str | None] = {}
        self.scopes: dict[int, str | None] = {}  # the scope of each <global> opened
        words = _unaligned_words(raw)
        head = _words(words, starts)
        gt = np.full(n, -1, dtype=np.int64)  # where each recognised tag's ">" is

        # <TYPE key="K" value="V"/>: exactly four quotes, the bytes between them as written
        count = np.diff(np.append(where, len(marks))) - 1  # quotes of each tag
        four = np.flatnonzero(count == 4)
        if len(four):
            q = marks[where[four, None] + np.arange(1, 5)]
            ok = np.zeros(len(four), dtype=bool)
            code = np.zeros(len(four), dtype=np.int16)
            opener_width = q[:, 0] - starts[four]
            h = head[four]
            for i, opener in enumerate(_OPENERS):
                match = (opener_width == len(opener)) & _starts_with(h, opener)
                ok |= match
                code[match] = i + 1
            ok &= (q[:, 2] - q[:, 1] == len(_VALUE_EQ)) & _starts_with(
                _words(words, q[:, 1]), _VALUE_EQ
            )
            after = _words(words, q[:, 3] + 1)
            close = _starts_with(after, b"/>")
            spaced = _starts_with(after, b" />")
            ok &= close | spaced
            hit = four[ok]
            qq = q[ok]
            self.code[hit] = code[ok]
            self.known[hit] = True
            self.key_at[hit] = qq[:, 0] + 1
            self.key_len[hit] = qq[:, 1] - qq[:, 0] - 1
            self.value_at[hit] = qq[:, 2] + 1
            self.value_len[hit] = qq[:, 3] - qq[:, 2] - 1
            gt[hit] = qq[:, 3] + np.where(spaced[ok], 3, 2)

        # <event>, </event>, <trace>, </trace>
        bare = np.flatnonzero((count == 0) & ~self.known)
        h = head[bare]
        for text, (code_, kind) in _BARE.items():
            match = bare[_starts_with(h, text)]
            self.code[match] = code_
            self.kind[match] = kind
            self.known[match] = True
            gt[match] = starts[match] + len(text) - 1

        # after a recognised tag only whitespace may follow up to the next tag
        known = np.flatnonzero(self.known)
        tail = ends[known] - gt[known] - 1
        blank = _blank(_words(words, gt[known] + 1), tail)
        for i in np.flatnonzero(blank & (tail > _TAIL)):
            at = gt[known[i]] + 1 + _TAIL
            blank[i] = bool(np.all(_IS_WS[raw[at : ends[known[i]]]]))
        self.known[known[~blank]] = False  # text after a tag: left to the general rules
        self.others = np.flatnonzero(~self.known)
        self.ends = ends

    def resolve_others(self, names: NameCodes) -> None:
        """Name, kind, key and value of the tags the byte comparisons did not recognise."""
        if len(self.others) == 0:
            return
        spans = [bytes(self.raw[a:b]).decode("utf-8") for a, b in
                 zip(self.starts[self.others], self.ends[self.others], strict=True)]  # fmt: skip
        texts = pl.Series("t", spans, dtype=pl.String).to_frame()
        leaf = texts.select(pl.col("t").str.extract_groups(_ANY_LEAF).alias("g")).unnest("g")
        k1 = pl.coalesce(pl.col("3"), pl.col("4"))
        k2 = pl.coalesce(pl.col("6"), pl.col("7"))
        leaf = leaf.select(
            pl.col("1").alias("name"),
            pl.when(pl.col("2") == "key").then(k1).otherwise(k2).alias("key"),
            pl.when(pl.col("2") == "value").then(k1).otherwise(k2).alias("value"),
            (pl.col("2") != pl.col("5")).alias("ok"),
        )
        if not leaf.select((pl.col("ok") | pl.col("name").is_null()).all()).item():
            raise Unsupported("attribute given twice")
        rows = zip(leaf["name"].to_list(), leaf["key"].to_list(), leaf["value"].to_list(),
                   spans, self.others.tolist(), strict=True)  # fmt: skip
        for name, key, value, text, at in rows:
            kind = 0
            if name is None:
                m = _TAG.match(text)
                if m is None:
                    raise Unsupported("unusual markup")
                if m.group(1) is not None:
                    name, kind = m.group(1), -1
                else:
                    found: dict[str, str] = {}
                    for a in _ATTRIBUTE.finditer(m.group(3)):
                        if a.group(1) in found:
                            raise Unsupported("attribute given twice")
                        found[a.group(1)] = a.group(2) if a.group(2) is not None else a.group(3)
                    name, kind = m.group(2), 0 if m.group(4) else 1
                    key, value = found.get(KEY_ATTRIBUTE), found.get(VALUE_ATTRIBUTE)
                    if name == GLOBAL_TAG:
                        self.scopes[at] = found.get(SCOPE_ATTRIBUTE)
            self.code[at] = names.code(name)
            self.kind[at] = kind
            self.other_key[at] = key
            self.other_value[at] = value

    def texts(self, at: np.ndarray) -> tuple[pl.Series, pl.Series]:
        """Keys and values of the attribute tags ``at`` (in that order), as raw text."""
        is_other = np.isin(at, self.others)
        keys = _spans(self.raw, self.key_at[at], np.where(is_other, 0, self.key_len[at]))
        values = _spans(self.raw, self.value_at[at], np.where(is_other, 0, self.value_len[at]))
        if is_other.any():
            where = pl.Series(np.flatnonzero(is_other), dtype=pl.Int64)
            chosen = at[is_other].tolist()
            keys = keys.scatter(
                where, pl.Series([self.other_key[i] for i in chosen], dtype=pl.String)
            )
            values = values.scatter(
                where, pl.Series([self.other_value[i] for i in chosen], dtype=pl.String)
            )
        return keys, values


def _unaligned_words(raw: np.ndarray) -> np.ndarray:
    """The 8 bytes from every position of ``raw`` as a little-endian 64-bit word (a view
    with a stride of one byte: nothing is copied)."""
    return np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))


def _words(words: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The 16 bytes from each position ``at`` as two words per row."""
    return np.stack([words[at], words[at + 8]], axis=1)


_LOW_BITS = np.uint64(0x7F7F7F7F7F7F7F7F)
_ONES = np.uint64(0x0101010101010101)
# the high bit of the first k bytes of a word, k = 0..8
_FIRST_BYTES = np.array(
    [int.from_bytes(b"\x80" * k + b"\0" * (8 - k), "little") for k in range(9)], dtype="<u8"
)


def _zero_bytes(word: np.ndarray) -> np.ndarray:
    """The high bit of each byte of ``word`` that is zero (exact, no false positives)."""
    return ~(((word & _LOW_BITS) + _LOW_BITS) | word | _LOW_BITS)


def _blank(words: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Whether the first ``length`` bytes of each row of ``words`` (at most 16 are looked
    at) are XML whitespace (space, tab, newline, carriage return)."""
    blank = np.ones(len(length), dtype=bool)
    for i in range(2):
        word = words[:, i]
        white = np.zeros(len(word), dtype="<u8")
        for char in (32, 9, 10, 13):
            white |= _zero_bytes(word ^ (np.uint64(char) * _ONES))
        need = _FIRST_BYTES[np.clip(length - 8 * i, 0, 8)]
        blank &= (white & need) == need
    return blank


def _pattern(text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``text`` (at most 16 bytes) as two words and the mask of the bytes it covers."""
    padded = text.ljust(16, b"\0")
    mask = (b"\xff" * len(text)).ljust(16, b"\0")
    return np.frombuffer(padded, dtype="<u8"), np.frombuffer(mask, dtype="<u8")


def _starts_with(words: np.ndarray, text: bytes) -> np.ndarray:
    """Rows of ``words`` (see :func:`_words`) whose bytes begin with ``text``."""
    pattern, mask = _pattern(text)
    return ((words[:, 0] & mask[0]) == pattern[0]) & ((words[:, 1] & mask[1]) == pattern[1])


def _spans(raw: np.ndarray, at: np.ndarray, length: np.ndarray) -> pl.Series:
    """The byte spans (start, length) of ``raw`` as text, copied into one compact buffer."""
    offsets = np.zeros(len(at) + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    total = int(offsets[-1])
    index = np.repeat(at - offsets[:-1], length) + np.arange(total, dtype=np.int64)
    data = raw[index]
    array = pa.LargeStringArray.from_buffers(len(at), pa.py_buffer(offsets), pa.py_buffer(data))
    return pl.Series(array)
