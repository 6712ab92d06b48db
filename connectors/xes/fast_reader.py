"""The fast reader: XES files in the common shape, block by block in a pipeline."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from connectors.xes.assembly import Parts
from connectors.xes.attributes import Widened, widened
from connectors.xes.errors import Unsupported
from connectors.xes.prolog import Prolog
from connectors.xes.source import Progress, Source
from connectors.xes.tags import (
    EVENT_CODE,
    GLOBAL_CODE,
    LOG_CODE,
    TRACE_CODE,
    NameCodes,
    Tags,
    tokenized,
)
from connectors.xes.vocabulary import (
    EVENT_NO,
    KEY_COLUMN,
    LEAF_TYPES,
    OWNER_NO,
    TRACE_NO,
    TYPE_COLUMN,
    VALUE_COLUMN,
)

_BLOCK = 4 << 20  # decompressed bytes per block (tests make it small to cut events)
_WORKERS = 2  # worker threads of the fast reader (numpy and Polars release the GIL)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass
class _FastState:
    stack: list[tuple[int, int]] = field(default_factory=list)  # open (level, name code)
    root_seen: bool = False
    events: int = 0
    traces: int = 0
    names: NameCodes = field(default_factory=NameCodes)
    scope: str | None = None  # the scope of the last element opened at level 2 (a <global>)


def fast_parts(file: Path, prolog: Prolog, progress: Progress | None, parts: Parts) -> None:
    """Read the file in blocks of ``_BLOCK`` decompressed bytes, in a pipeline: two worker
    threads find the tags of the next blocks and pivot and type the previous ones, while this
    thread checks each block's structure in file order (it carries the open elements and the
    counters from block to block) and keeps the typed blocks in file order."""
    state = _FastState()
    pool = ThreadPoolExecutor(max_workers=_WORKERS)
    tokenizing: deque[Future[Tags | None]] = deque()
    widening: deque[Future[_BlockParts]] = deque()
    text_keys = parts.text_keys

    def keep(limit: int) -> None:
        while len(widening) > limit:
            events, traces, log_attributes, defaults = widening.popleft().result()
            parts.events.merge(events)
            if traces is not None:
                parts.traces.merge(traces)
            for key, value in log_attributes:
                parts.log_attributes.setdefault(key, value)
            for scope, key, kind, value in defaults:
                parts.defaults.add(scope, key, kind, value)

    def shape(limit: int) -> None:
        while len(tokenizing) > limit:
            tags = tokenizing.popleft().result()
            if tags is not None:
                widening.append(pool.submit(_block_parts, _shaped(tags, state), text_keys))
                keep(_WORKERS)

    with Source(file, progress) as src:
        skipped = 0
        while skipped < len(prolog.head):  # already in prolog.head
            got = len(src.read(len(prolog.head) - skipped))
            if not got:
                break
            skipped += got
        blocks = src.blocks(_BLOCK)
        try:
            for block in _cut_blocks(blocks, prolog.head[prolog.root :]):
                tokenizing.append(pool.submit(tokenized, block))
                shape(_WORKERS - 1)
            shape(0)
            keep(0)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            blocks.close()  # waits for a read under way before the file is closed
    if state.stack or not state.root_seen:
        raise Unsupported("document not closed")
    parts.traces_seen = state.traces
    parts.events_seen = state.events


def _cut_blocks(blocks: Iterator[bytes], carry: bytes) -> Iterator[bytes]:
    """The stream in blocks that end before a tag (before an ``<event`` where possible, so
    that events are rarely cut in two; never inside a comment)."""
    for more in blocks:
        data = carry + more
        cut = data.rfind(b"<event", len(data) // 2)
        cut = cut if cut != -1 else data.rfind(b"<")
        opened = data.rfind(b"<!--")
        if opened != -1 and data.find(b"-->", opened) == -1:
            cut = min(cut, opened)
        if cut <= 0:
            carry = data
            continue
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


@dataclass
class _Shaped:
    """A block whose structure was checked: its events and where its attributes are."""

    tags: Tags
    events: pl.DataFrame  # EVENT_NO, TRACE_NO of the events that begin (or go on) in the block
    at: np.ndarray  # attribute tags inside traces
    level: np.ndarray  # their level: 3 trace attribute, 4 event attribute
    owner: np.ndarray  # their trace or event number
    code: np.ndarray  # their type code
    log_level: np.ndarray  # attribute tags of the log itself
    global_level: np.ndarray  # attribute tags of <global> elements
    global_scopes: list[str | None]  # the scope of the <global> of each (None: not given)


#: events (typed), traces (typed, None: no trace attributes), log attributes (key, value) and
#: global defaults (scope, key, type, value) of one block
_BlockParts = tuple[
    Widened, Widened | None, list[tuple[str, str]], list[tuple[str | None, str, str, str]]
]


def _shaped(tags: Tags, state: _FastState) -> _Shaped:
    """Check nesting and XES structure of one block, carrying ``state`` on to the next."""
    tags.resolve_others(state.names)
    kind, code = tags.kind, tags.code
    n = len(kind)
    base = len(state.stack)
    after = base + np.cumsum(kind, dtype=np.int64)
    if n and after.min() < 0:
        raise Unsupported("close tag without open tag")
    level = after + (kind == 0)
    level[kind == -1] += 1

    # every level alternates open, close, open, ... and a close names its open
    marks = np.flatnonzero(kind != 0)
    lv = np.concatenate([[lvl for lvl, _ in state.stack], level[marks]]).astype(np.int64)
    kd = np.concatenate([np.ones(base, dtype=np.int8), kind[marks]])
    cd = np.concatenate([[c for _, c in state.stack], code[marks]]).astype(np.int16)
    order = np.argsort(lv, kind="stable")
    lv, kd, cd = lv[order], kd[order], cd[order]
    same = lv[1:] == lv[:-1]
    group_start = np.concatenate([[True], ~same]) if len(lv) else np.zeros(0, dtype=bool)
    if (
        np.any(group_start & (kd == -1))
        or np.any(same & (kd[1:] == kd[:-1]))
        or np.any(same & (kd[1:] == -1) & (cd[1:] != cd[:-1]))
    ):
        raise Unsupported("tags do not match")
    group_end = np.concatenate([~same, [True]]) if len(lv) else np.zeros(0, dtype=bool)
    still_open = group_end & (kd == 1)
    new_stack = sorted(zip(lv[still_open].tolist(), cd[still_open].tolist(), strict=True))

    roots = np.flatnonzero((level == 1) & (kind != -1))
    if len(roots):
        if state.root_seen or len(roots) > 1 or code[roots[0]] != LOG_CODE or kind[roots[0]] != 1:
            raise Unsupported("root is not one <log>")
        state.root_seen = True
    if not state.root_seen:
        raise Unsupported("no root")

    # the element at level 2 that each tag is inside of (a trace, or the log's metadata)
    level2 = next((c for lvl, c in state.stack if lvl == 2), -1)
    opens2 = np.where((kind == 1) & (level == 2), np.arange(n), -1)
    last2 = np.maximum.accumulate(opens2) if n else opens2
    anc2 = np.where(last2 >= 0, code[np.maximum(last2, 0)], level2)
    named = np.isin(np.arange(n), tags.others, invert=True) | _has_key_and_value(tags, n)
    leaf = (kind == 0) & (code >= 1) & (code <= len(LEAF_TYPES)) & named
    in_trace = (level >= 3) & (anc2 == TRACE_CODE)
    is_event = (code == EVENT_CODE) & (kind != 0)
    allowed = np.where(
        in_trace,
        np.where(level == 3, leaf | is_event, (level == 4) & leaf),
        ~((code == TRACE_CODE) & (level != 2)) & (code != EVENT_CODE),
    )
    if not allowed.all():
        raise Unsupported("nested attributes or elements the fast reader does not know")

    event_no = state.events + np.cumsum((kind == 1) & (code == EVENT_CODE), dtype=np.int64)
    trace_no = state.traces + np.cumsum(
        (kind != -1) & (code == TRACE_CODE) & (level == 2), dtype=np.int64
    )
    opened = np.flatnonzero((kind == 1) & (code == EVENT_CODE))
    events = pl.DataFrame({EVENT_NO: event_no[opened], TRACE_NO: trace_no[opened]})
    if any(lvl == 3 and c == EVENT_CODE for lvl, c in state.stack):
        # an event cut by the block boundary: its attributes here join its row from before
        carried = pl.DataFrame(
            {EVENT_NO: [state.events], TRACE_NO: [state.traces]}, schema=events.schema
        )
        events = pl.concat([carried, events])

    at = np.flatnonzero(leaf & in_trace)
    # a <global>'s own attribute elements (with or without children) are defaults
    in_global = (level == 3) & (anc2 == GLOBAL_CODE) & (kind != -1) & named
    global_level = np.flatnonzero(in_global & (code >= 1) & (code <= len(LEAF_TYPES)))
    global_scopes = [
        tags.scopes.get(int(opener)) if opener >= 0 else state.scope
        for opener in last2[global_level].tolist()
    ]
    shaped = _Shaped(
        tags=tags,
        events=events,
        at=at,
        level=level[at],
        owner=np.where(level[at] == 4, event_no[at], trace_no[at]),
        code=code[at],
        log_level=np.flatnonzero(leaf & (level == 2)),
        global_level=global_level,
        global_scopes=global_scopes,
    )
    if n:
        state.events = int(event_no[-1])
        state.traces = int(trace_no[-1])
        if last2[-1] >= 0:
            state.scope = tags.scopes.get(int(last2[-1]))
    state.stack = new_stack
    return shaped


def _block_parts(shaped: _Shaped, text_keys: tuple[frozenset[str], frozenset[str]]) -> _BlockParts:
    """The typed event and trace columns of a checked block. Pure: runs in worker threads."""
    keys, values = shaped.tags.texts(shaped.at)
    attrs = pl.DataFrame(
        {
            "level": shaped.level,
            OWNER_NO: shaped.owner,
            TYPE_COLUMN: pl.Series(shaped.code, dtype=pl.Int16).replace_strict(
                list(range(1, len(LEAF_TYPES) + 1)), list(LEAF_TYPES), return_dtype=pl.String
            ),
            KEY_COLUMN: keys,
            VALUE_COLUMN: values,
        }
    )
    attrs = _normalised(attrs)
    event_long = attrs.filter(pl.col("level") == 4).drop("level")
    trace_long = attrs.filter(pl.col("level") == 3).drop("level")
    events = widened(shaped.events, event_long, EVENT_NO, text_keys[0])
    traces = None
    if trace_long.height:
        ids = trace_long.select(pl.col(OWNER_NO).unique(maintain_order=True).alias(TRACE_NO))
        traces = widened(ids, trace_long, TRACE_NO, text_keys[1])
    log_attributes: list[tuple[str, str]] = []
    if len(shaped.log_level):
        log_keys, log_values = shaped.tags.texts(shaped.log_level)
        log_attributes = [
            (_attribute_text(k), _attribute_text(v))
            for k, v in zip(log_keys.to_list(), log_values.to_list(), strict=True)
        ]
    defaults: list[tuple[str | None, str, str, str]] = []
    if len(shaped.global_level):
        keys, values = shaped.tags.texts(shaped.global_level)
        kinds = [LEAF_TYPES[c - 1] for c in shaped.tags.code[shaped.global_level].tolist()]
        defaults = [
            (None if s is None else _attribute_text(s), _attribute_text(k), t, _attribute_text(v))
            for s, k, t, v in zip(
                shaped.global_scopes, keys.to_list(), kinds, values.to_list(), strict=True
            )
        ]
    return events, traces, log_attributes, defaults


def _has_key_and_value(tags: Tags, n: int) -> np.ndarray:
    """For tags read by the general rules: whether they name both key and value."""
    has = np.zeros(n, dtype=bool)
    for at in tags.others.tolist():
        has[at] = tags.other_key.get(at) is not None and tags.other_value.get(at) is not None
    return has


def _normalised(attrs: pl.DataFrame) -> pl.DataFrame:
    """Keys and values as an XML parser reports them (whitespace normalised, entities)."""
    special = r"[\t\r\n&]"
    out = attrs
    for column in (KEY_COLUMN, VALUE_COLUMN):
        needs = out[column].str.contains(special)
        if needs.any():
            idx = pl.Series(np.flatnonzero(needs.to_numpy()), dtype=pl.Int64)
            fixed = [_attribute_text(v) for v in out[column].gather(idx).to_list()]
            out = out.with_columns(out[column].scatter(idx, pl.Series(fixed, dtype=pl.String)))
    return out


def _attribute_text(raw: str) -> str:
    """XML attribute-value normalisation and the predefined and character references."""
    text = raw.replace("\r\n", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return _NAMED[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        if not _xml_char(code):
            raise Unsupported("invalid character reference")
        return chr(code)

    decoded = _ENTITY.sub(one, text)
    if "&" in _ENTITY.sub("", text):
        raise Unsupported("entity reference")
    return decoded


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
