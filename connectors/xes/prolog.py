"""The prolog of an XES file (up to the root element): its encoding, and the refusal of a
document type declaration (so of any ENTITY) before any parser sees the file."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from connectors.xes.errors import doctype_refused, empty_file
from connectors.xes.source import Source


@dataclass(frozen=True)
class Prolog:
    head: bytes  # decompressed bytes read so far
    root: int  # offset of the root element's "<" in head
    fast: bool  # UTF-8 (or ASCII) text the fast reader can take


_PROLOG_TOKEN = re.compile(r"[ \t\r\n]*(<\?.*?\?>|<!--.*?-->|<!|<[A-Za-z_:]|[^ \t\r\n])", re.S)
_ENCODING = re.compile(r"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def read_prolog(file: Path) -> Prolog:
    """Read up to the root element; refuse a DOCTYPE (and so any ENTITY declaration)."""
    with Source(file) as src:
        head = b""
        while True:
            chunk = src.read(1 << 16)
            head += chunk
            text, offset_known = _head_text(head)
            if not text.strip() and not chunk:
                raise empty_file(file)
            pos = len(codecs.BOM_UTF8) if offset_known and head.startswith(codecs.BOM_UTF8) else 0
            while True:
                m = _PROLOG_TOKEN.match(text, pos)
                if m is None:
                    break  # only whitespace so far, or an unfinished token: read on
                token, start = m.group(1), m.start(1)
                if token == "<!":
                    if text[start : start + 9].upper().startswith(("<!DOCTYPE", "<!ENTITY")):
                        raise doctype_refused(file)
                    if chunk and (len(text) - start < 9 or text.startswith("<!--", start)):
                        break  # too short to tell, or a comment that goes on: read on
                    return Prolog(head, 0, fast=False)  # something else: lxml decides
                if token.startswith(("<?", "<!--")):
                    pos = m.end()
                    continue
                if token.startswith("<") and len(token) == 2:
                    fast = offset_known and _utf8_declared(text[:start])
                    return Prolog(head, start if offset_known else 0, fast=fast)
                if token == "<" and chunk:
                    break  # a declaration or instruction that goes on: read on
                return Prolog(head, 0, fast=False)  # text before the root: lxml reports it
            if not chunk:
                return Prolog(head, 0, fast=False)


def _head_text(head: bytes) -> tuple[str, bool]:
    """The head as text for finding markup; True when offsets in text are byte offsets."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return _decode_prefix(head[len(bom) :], codec), False
    if head[:2] in (b"<\x00", b"\x00<"):
        return _decode_prefix(head, "utf-16-le" if head[0] == 0x3C else "utf-16-be"), False
    if head.startswith(codecs.BOM_UTF8):
        # the BOM's three bytes become three characters, so offsets stay byte offsets
        return head.decode("latin-1"), True
    return head.decode("latin-1"), True


def _decode_prefix(data: bytes, codec: str) -> str:
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)


def _utf8_declared(prolog: str) -> bool:
    m = _ENCODING.match(prolog.removeprefix(codecs.BOM_UTF8.decode("latin-1")).lstrip())
    return m is None or m.group(1).lower() in ("utf-8", "utf8", "us-ascii", "ascii")
