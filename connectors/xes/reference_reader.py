"""The lxml reference reader: reads every valid XES file and reports every malformed one
with its line."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from analyzer.problems import InputError
from connectors.xes.assembly import Parts
from connectors.xes.errors import bilingual, damaged_file, doctype_refused, empty_file
from connectors.xes.source import Progress, Source
from connectors.xes.vocabulary import (
    EVENT_NO,
    EVENT_TAG,
    GLOBAL_TAG,
    KEY_ATTRIBUTE,
    KEY_COLUMN,
    LEAF_TYPES,
    LOG_TAG,
    NESTING_TYPES,
    OWNER_NO,
    SCOPE_ATTRIBUTE,
    TRACE_NO,
    TRACE_TAG,
    TYPE_COLUMN,
    VALUE_ATTRIBUTE,
    VALUE_COLUMN,
)

_BATCH = 100_000  # events per batch of the lxml reader


def lxml_parts(file: Path, progress: Progress | None, parts: Parts) -> None:
    from lxml import etree

    batch = _LxmlBatch()
    with Source(file, progress) as src:
        context = etree.iterparse(
            src,
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        root = None
        try:
            for _action, el in context:
                if root is None:
                    root = _checked_root(el, file)
                parent = el.getparent()
                if parent is not root:
                    continue  # read with its trace (or skipped with the log's metadata)
                tag = local_name(el.tag)
                if tag == TRACE_TAG:
                    parts.traces_seen += 1
                    batch.trace(el, parts, file)
                elif tag == EVENT_TAG:
                    parts.events_seen += 1
                    parts.loose_events += 1
                    parts.first_loose_line = parts.first_loose_line or el.sourceline
                elif tag in LEAF_TYPES:
                    key, value = el.get(KEY_ATTRIBUTE), el.get(VALUE_ATTRIBUTE)
                    if key is not None and value is not None:
                        parts.log_attributes.setdefault(key, value)
                elif tag == GLOBAL_TAG:
                    _add_defaults(el, parts)
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del parent[0]
                if len(batch.events) >= _BATCH:
                    batch.flush(parts)
        except etree.XMLSyntaxError as exc:
            raise _malformed(file, exc) from None
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise damaged_file(file, exc) from None
    if root is None:
        raise empty_file(file)
    batch.flush(parts)


def _add_defaults(el: Any, parts: Parts) -> None:
    """The attributes of a ``<global>`` element (its own children with key and value)."""
    for child in el:
        tag = local_name(child.tag)
        key, value = child.get(KEY_ATTRIBUTE), child.get(VALUE_ATTRIBUTE)
        if tag in LEAF_TYPES and key is not None and value is not None:
            parts.defaults.add(el.get(SCOPE_ATTRIBUTE), key, tag, value)


def _checked_root(first: Any, file: Path) -> Any:
    tree = first.getroottree()
    root = tree.getroot()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise doctype_refused(file)
    if local_name(root.tag) != LOG_TAG:
        raise bilingual(
            "xes.root",
            f"das äußerste Element ist <{local_name(root.tag)}>; eine XES-Datei beginnt mit <log>",
            f"the outermost element is <{local_name(root.tag)}>; an XES file starts with <log>",
            file,
        )
    return root


def local_name(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _malformed(file: Path, exc: Any) -> InputError:
    line = getattr(exc, "lineno", None)
    msg = getattr(exc, "msg", None) or str(exc)
    if "Document is empty" in msg:
        return empty_file(file)
    if line:
        de = f"die Datei ist kein gültiges XML (Zeile {line}: {msg})"
        en = f"the file is not well-formed XML (line {line}: {msg})"
    else:
        de, en = (
            f"die Datei ist kein gültiges XML ({msg})",
            f"the file is not well-formed XML ({msg})",
        )
    return bilingual("xes.malformed", de, en, file)


@dataclass
class _LxmlBatch:
    events: list[tuple[int, int]] = field(default_factory=list)
    event_attrs: list[tuple[int, str, str, str]] = field(default_factory=list)
    trace_attrs: list[tuple[int, str, str, str]] = field(default_factory=list)

    def trace(self, el: Any, parts: Parts, file: Path) -> None:
        trace_no = parts.traces_seen
        for child in el:
            tag = local_name(child.tag)
            if tag == EVENT_TAG:
                parts.events_seen += 1
                event_no = parts.events_seen
                self.events.append((event_no, trace_no))
                for attr in child:
                    _flatten(attr, "", event_no, self.event_attrs, file)
            else:
                _flatten(child, "", trace_no, self.trace_attrs, file)

    def flush(self, parts: Parts) -> None:
        if not self.events and not self.trace_attrs:
            return
        long_schema = {
            OWNER_NO: pl.Int64,
            KEY_COLUMN: pl.String,
            TYPE_COLUMN: pl.String,
            VALUE_COLUMN: pl.String,
        }
        parts.add(
            pl.DataFrame(
                self.events, schema={EVENT_NO: pl.Int64, TRACE_NO: pl.Int64}, orient="row"
            ),
            pl.DataFrame(self.event_attrs, schema=long_schema, orient="row"),
            pl.DataFrame(self.trace_attrs, schema=long_schema, orient="row"),
        )
        self.events, self.event_attrs, self.trace_attrs = [], [], []


def _flatten(el: Any, prefix: str, owner: int, out: list, file: Path) -> None:
    """Append ``el`` (an attribute element) and its nested attributes as key paths."""
    tag = local_name(el.tag)
    if tag in (EVENT_TAG, TRACE_TAG):
        where = local_name(el.getparent().tag)
        raise bilingual(
            "xes.misplaced",
            f"<{tag}> innerhalb von <{where}> in Zeile {el.sourceline}; in XES stehen "
            "Ereignisse in Traces und Traces im Log",
            f"<{tag}> inside <{where}> at line {el.sourceline}; in XES events are inside "
            "traces and traces inside the log",
            file,
        )
    if tag not in LEAF_TYPES and tag not in NESTING_TYPES:
        return  # not an attribute (an unknown element): ignored like pm4py does
    key = el.get(KEY_ATTRIBUTE)
    if key is None:
        raise bilingual(
            "xes.attribute_without_key",
            f"<{tag}> ohne key in Zeile {el.sourceline}",
            f"<{tag}> without key at line {el.sourceline}",
            file,
        )
    path = prefix + key
    if tag in LEAF_TYPES:
        value = el.get(VALUE_ATTRIBUTE)
        if value is None:
            raise bilingual(
                "xes.attribute_without_value",
                f'<{tag} key="{key}"> ohne value in Zeile {el.sourceline}',
                f'<{tag} key="{key}"> without value at line {el.sourceline}',
                file,
                column=path,
            )
        out.append((owner, path, tag, value))
    children = list(el)
    if tag == "list":
        items = [
            item
            for child in children
            for item in (list(child) if local_name(child.tag) == "values" else [child])
        ]
        position = 0
        for item in items:
            if local_name(item.tag) in LEAF_TYPES or local_name(item.tag) in NESTING_TYPES:
                position += 1
                _flatten_item(item, f"{path}:{position}", owner, out, file)
        return
    for child in children:
        _flatten(child, path + ":", owner, out, file)


def _flatten_item(el: Any, path: str, owner: int, out: list, file: Path) -> None:
    """A list item: named by its position, not its key."""
    tag = local_name(el.tag)
    if tag in LEAF_TYPES:
        value = el.get(VALUE_ATTRIBUTE)
        if value is None:
            raise bilingual(
                "xes.attribute_without_value",
                f"<{tag}> ohne value in Zeile {el.sourceline}",
                f"<{tag}> without value at line {el.sourceline}",
                file,
                column=path,
            )
        out.append((owner, path, tag, value))
    for child in el:
        if local_name(child.tag) == "values" and tag == "list":
            for position, item in enumerate(child, start=1):
                _flatten_item(item, f"{path}:{position}", owner, out, file)
        else:
            _flatten(child, path + ":", owner, out, file)
