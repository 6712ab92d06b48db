"""Events of an XES file that lack a required attribute, named so that a user can find them.

Rule: after the global defaults and the mapping, an event whose case id, activity or
timestamp is missing (or blank text) makes the log unusable. The error names the events by
their number (the ordinal of the ``<event>`` in the file), their trace and the XML line of
their ``<event>`` tag (the first :data:`SHOWN` of each attribute, then "und N weitere" /
"and N more"), and says the mapping that fixes it: another event attribute of the file as
that column (``[columns] activity = "…"``, with the attributes that could serve listed) and
the file's own attribute under ``[drop]``, since two columns cannot have one name. A column
no event has is left to :func:`~connectors.event_log.finalize_event_log`
("Pflichtspalte fehlt", with the columns present).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.parsers import expat

import polars as pl

from analyzer import schema
from analyzer.problems import Problem, problem
from connectors.xes.source import Source
from connectors.xes.vocabulary import EVENT_SCOPE, EVENT_TAG

SHOWN = 20  # events named per attribute


def missing_required_attributes(
    frame: pl.DataFrame,
    *,
    file: Path,
    names: Mapping[str, str],
    defaults: Mapping[str, Mapping[str, str]],
) -> list[Problem]:
    """An error per required column of ``frame`` that some events lack (see the module).

    ``frame`` is the read and mapped frame (``SOURCE_ROW`` the event number); ``names`` maps
    canonical columns to the user's attribute names (from the mapping); ``defaults`` are
    the file's global defaults per scope (``EventLog.details["global_defaults"]``)."""
    found: dict[str, tuple[int, pl.DataFrame]] = {}
    for column in schema.REQUIRED_COLUMNS:
        if column not in frame.columns:
            continue
        missing = pl.col(column).is_null()
        if not frame.schema[column].is_temporal():
            missing |= pl.col(column).cast(pl.String).str.strip_chars() == ""
        count = frame.select(missing.sum()).item()
        if count:
            where = [schema.SOURCE_ROW] + ([schema.CASE] if schema.CASE in frame.columns else [])
            found[column] = (count, frame.filter(missing).select(where).head(SHOWN))
    if not found:
        return []
    lines = event_lines(file, (n for _, bad in found.values() for n in bad[schema.SOURCE_ROW]))
    return [
        _problem(frame, column, count, bad, lines=lines, file=file, names=names, defaults=defaults)
        for column, (count, bad) in found.items()
    ]


def _problem(
    frame: pl.DataFrame,
    column: str,
    count: int,
    bad: pl.DataFrame,
    *,
    lines: Mapping[int, int],
    file: Path,
    names: Mapping[str, str],
    defaults: Mapping[str, Mapping[str, str]],
) -> Problem:
    f = schema.FIELDS_BY_COLUMN[column]
    attribute = names.get(column, column)
    listed_de, listed_en = [], []
    cases = bad[schema.CASE].to_list() if schema.CASE in bad.columns else [None] * bad.height
    for number, case in zip(bad[schema.SOURCE_ROW].to_list(), cases, strict=True):
        line = lines.get(number)
        de = ([f"Trace „{case}“"] if case else []) + ([f"XML-Zeile {line}"] if line else [])
        en = ([f"trace '{case}'"] if case else []) + ([f"XML line {line}"] if line else [])
        listed_de.append(f"Ereignis {number}" + (f" ({', '.join(de)})" if de else ""))
        listed_en.append(f"event {number}" + (f" ({', '.join(en)})" if en else ""))
    rest = count - bad.height
    more_de = f"; und {rest} weitere" if rest else ""
    more_en = f"; and {rest} more" if rest else ""
    no_default = attribute not in defaults.get(EVENT_SCOPE, {})
    dates = f.kind is schema.Kind.DATETIME
    usable = sorted(
        names.get(c, c)
        for c, dtype in frame.schema.items()
        if c not in schema.REQUIRED_COLUMNS
        and c != schema.SOURCE_ROW
        and not c.startswith(schema.CASE_ATTRIBUTE_PREFIX)
        and isinstance(dtype, pl.Datetime) == dates
    )
    # the file's own attribute would clash with the one the mapping names instead
    drop_de = f', und unter [drop] columns = ["{attribute}"]' if column not in names else ""
    drop_en = f', and [drop] columns = ["{attribute}"]' if column not in names else ""
    return problem(
        "xes.attribute_missing",
        f"{count} {'Ereignis' if count == 1 else 'Ereignisse'} ohne {attribute} ({f.label_de})"
        + (', und <global scope="event"> gibt keinen Standardwert' if no_default else "")
        + f": {', '.join(listed_de)}{more_de}. Abhilfe: in einer Zuordnungsdatei ein anderes "
        f'Ereignisattribut als {f.label_de} nehmen, unter [columns] {f.key} = "…"{drop_de} '
        f"(dafür in Frage kommen: {', '.join(usable) or 'keine'})",
        f"{count} {'event' if count == 1 else 'events'} without {attribute} ({f.label_en})"
        + (', and <global scope="event"> gives no default' if no_default else "")
        + f": {', '.join(listed_en)}{more_en}. To fix it, take another event attribute as the "
        f'{f.label_en} in a mapping file: [columns] {f.key} = "..."{drop_en} (attributes '
        f"that could serve: {', '.join(usable) or 'none'})",
        file=file,
        column=attribute,
    )


class _Found(Exception):
    """The last event asked for is found: stop reading."""


def event_lines(file: Path, numbers: Iterable[int]) -> dict[int, int]:
    """The XML line of the ``<event>`` tag of each event number in ``numbers`` (the ordinal
    of the ``<event>`` elements in the file, as ``SOURCE_ROW`` counts them), for a file the
    readers have read; the file is read up to the last of them.

    Expat, not lxml: libxml2 counts lines only up to 65,535. The file has no DOCTYPE (the
    readers refuse one), so there is nothing to expand or fetch; a number not found (the
    file changed since) has no line."""
    wanted = set(numbers)
    lines: dict[int, int] = {}
    if not wanted:
        return lines
    last = max(wanted)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    seen = 0

    def start(name: str, _attributes: object) -> None:
        nonlocal seen
        if name.rsplit(" ", 1)[-1] == EVENT_TAG:
            seen += 1
            if seen in wanted:
                lines[seen] = parser.CurrentLineNumber
            if seen >= last:
                raise _Found

    parser.StartElementHandler = start
    with Source(file) as src, contextlib.suppress(_Found, expat.ExpatError):
        for block in src.blocks(1 << 20):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    return lines
