"""The OCEL 2.0 XML serialisation parsed into a :class:`~connectors.ocel.raw_log.RawLog`.

Parsed without DTD, entity expansion or network access; a file with a ``<!DOCTYPE`` (or an
``<!ENTITY``) in its prolog is refused.
"""

from __future__ import annotations

import re

from lxml import etree

from analyzer.problems import error
from connectors.ocel.raw_log import RawLog


def parse_xml(data: bytes, *, source: str) -> RawLog:
    _refuse_doctype(data, source)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise error(
            "ocel.xml.malformed",
            f"die Datei ist kein wohlgeformtes XML ({exc.msg}); bei einer abgeschnittenen Datei "
            "bitte erneut exportieren",
            f"the file is not well-formed XML ({exc.msg}); if it was cut off, please export it "
            "again",
            file=source,
            row=exc.lineno,
        ) from exc
    if root.getroottree().docinfo.doctype:
        _refuse_doctype(b"<!DOCTYPE>", source)
    if _local(root) != "log" or not any(_local(c) in ("events", "objects") for c in root):
        raise error(
            "ocel.xml.not_ocel",
            "keine OCEL-2.0-XML-Datei: erwartet wird <log> mit <events> und <objects>",
            "not an OCEL 2.0 XML file: expected <log> with <events> and <objects>",
            file=source,
        )
    raw = RawLog()
    for section in root:
        name = _local(section)
        if name in ("event-types", "object-types"):
            target = raw.event_types if name == "event-types" else raw.object_types
            for t in section:
                attrs: dict[str, str] = {}
                for block in t:
                    for a in block:
                        if a.get("name") is not None:
                            attrs[a.get("name")] = (a.get("type") or "string").lower()
                if t.get("name") is not None:
                    target[t.get("name")] = attrs
        elif name == "events":
            for ev in section:
                if _local(ev) != "event":
                    continue
                i = len(raw.event_ids)
                eid = ev.get("id")
                raw.event_ids.append(eid)
                raw.event_kinds.append(ev.get("type"))
                raw.event_times.append(ev.get("time"))
                for block in ev:
                    if _local(block) == "attributes":
                        for a in block:
                            if a.get("name") is not None:
                                raw.event_attr_pos.append(i)
                                raw.event_attr_name.append(a.get("name"))
                                raw.event_attr_value.append(a.text)
                    elif _local(block) == "objects":
                        for r in block:
                            raw.e2o_event.append(eid)
                            raw.e2o_object.append(r.get("object-id"))
                            raw.e2o_qualifier.append(_qualifier(r))
        elif name == "objects":
            for ob in section:
                if _local(ob) != "object":
                    continue
                oid = ob.get("id")
                raw.object_ids.append(oid)
                raw.object_kinds.append(ob.get("type"))
                for block in ob:
                    if _local(block) == "attributes":
                        for a in block:
                            if a.get("name") is not None:
                                raw.value_object.append(oid)
                                raw.value_name.append(a.get("name"))
                                raw.value_time.append(a.get("time"))
                                raw.value_value.append(a.text)
                    elif _local(block) == "objects":
                        for r in block:
                            raw.o2o_source.append(oid)
                            raw.o2o_target.append(r.get("object-id"))
                            raw.o2o_qualifier.append(_qualifier(r))
    return raw


def _refuse_doctype(data: bytes, source: str) -> None:
    # A DOCTYPE can only come before the root element; look at the prolog only.
    root = re.search(rb"<(?![?!])", data)
    prolog = data[: root.start()] if root else data
    if re.search(rb"<!DOCTYPE", prolog, flags=re.IGNORECASE) or re.search(rb"<!ENTITY", prolog):
        raise error(
            "ocel.xml.doctype",
            "XML-Datei mit DOCTYPE-Deklaration abgelehnt (aus Sicherheitsgründen werden keine "
            "DTDs oder Entitäten verarbeitet); OCEL 2.0 braucht keine",
            "XML file with a DOCTYPE declaration refused (for safety no DTDs or entities are "
            "processed); OCEL 2.0 needs none",
            file=source,
        )


def _local(el: etree._Element) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _qualifier(relationship: etree._Element) -> str | None:
    # The specification's XML uses qualifier="..."; the minimal example on the standard's
    # web site writes relationship="..." instead.
    q = relationship.get("qualifier")
    return q if q is not None else relationship.get("relationship")
