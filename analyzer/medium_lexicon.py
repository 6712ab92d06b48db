"""The medium of a step, given or inferred from its activity and document names.

A log with a medium column says for each event whether a step was done on paper, by post,
online, in the e-file, ... A log without one still names the medium in its activities
("Antrag ausdrucken", "Posteingang scannen", "Online-Antrag eingegangen", "print notice").
:func:`infer_medium` reads it from such a name with a bilingual (German/English) lexicon;
:func:`with_event_medium` gives every event of a log its medium (given, else inferred from the
activity, else from the IT system's name, else from the document/data names in DATA_FIELDS)
and the medium's class (digital or analogue) under a configurable taxonomy.

The lexicon is a list of rules tried in order; the first rule whose pattern occurs in the
lower-cased name decides. Verbs that change the medium come first, because they say what the
step produces: "Posteingang scannen" is a scan (e-file) although it names the post, "E-Akte
ausdrucken" is a print (paper) although it names the e-file. Then channels (e-mail before
post, since "E-Mail" contains "mail"), then objects (e-file before online, paper last).
A name that matches no rule has no medium (None): it is unknown, not assumed.

After the rules, the words and word parts of :mod:`analyzer.vocabulary` decide (the same
lexicon a mapping proposal reads a medium *column value* such as "Bürgerportal" with): the
first word of the name that is a known channel or object word, or one read by its parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import narwhals as nw

from analyzer import engine, schema, vocabulary
from analyzer.schema import Medium, MediumClass

#: Working columns added by :func:`with_event_medium` (never returned to a caller).
EVENT_MEDIUM = "step:medium"
EVENT_MEDIUM_CLASS = "step:medium_class"
EVENT_MEDIUM_INFERRED = "step:medium_inferred"
_GIVEN = "step:medium_given"
_GIVEN_CLASS = "step:medium_given_class"
_INFERRED = "step:medium_inferred_name"
_INFERRED_CLASS = "step:medium_inferred_class"

#: (medium, patterns) in the order they are tried. Patterns are Python regular expressions
#: searched in the lower-cased name; German compounds are matched by prefix or suffix
#: ("Postausgang", "Anhörungsbrief"), English words by word boundaries.
MEDIUM_RULES: tuple[tuple[Medium, tuple[str, ...]], ...] = (
    # verbs that turn paper into a digital record, or a digital record into paper
    (Medium.EFILE, (r"scan", r"digitalisier", r"\bdigiti[sz]")),
    (Medium.PAPER, (r"ausdruck", r"\b(aus)?drucken\b", r"gedruckt", r"\bdruck\b", r"\bprint")),
    # channels
    (Medium.EMAIL, (r"e-?mail", r"\bmail an\b", r"elektronische post")),
    (Medium.FAX, (r"fax",)),
    (Medium.PHONE, (r"telefon", r"\banruf", r"\bphone", r"\bcall(ed|s)?\b")),
    (
        Medium.IN_PERSON,
        (
            r"persönlich",
            r"persoenlich",
            r"vorsprache",
            r"vor ort",
            r"schalter",
            r"in[ -]person",
            r"\bdesk\b",
            r"\bcounter\b",
            r"walk-in",
        ),
    ),
    (
        Medium.EFILE,
        (r"elektronische[rn]? akte", r"electronic (case )?file", r"document management"),
    ),
    (
        Medium.ONLINE,
        (
            r"elektronisch\w* (zustell|zugestellt|uebermitt|übermitt)",
            r"\belectronic(ally)? (deliver|serv|transmi|sen)",
            r"fit-connect",
        ),
    ),
    (
        Medium.POST,
        (
            r"brief(e|es|s)?\b",
            r"\bmail(ed|ing|s)?\b",
            r"zustellungsurkunde",  # ("Zustellung" alone may be electronic)
        ),
    ),
    (Medium.PAPER, (r"handschriftlich",)),
)

_COMPILED: tuple[tuple[Medium, re.Pattern[str]], ...] = tuple(
    (medium, re.compile("|".join(f"(?:{p})" for p in patterns)))
    for medium, patterns in MEDIUM_RULES
)


def infer_medium(name: str | None) -> Medium | None:
    """The medium a step or document name implies, or None when it names none.

    ``"Antrag ausdrucken"`` → paper, ``"Posteingang scannen"`` → efile, ``"Bescheid per Post"``
    → post, ``"Online-Antrag eingegangen"`` → online, ``"Antrag prüfen"`` → None.
    """
    if name is None:
        return None
    text = str(name).lower()
    for medium, pattern in _COMPILED:
        if pattern.search(text):
            return medium
    # the channel and object words ("Bürgerportal", "DMS", "Fachverfahren", "Papierakte")
    # are those a medium column is read with: one lexicon for both
    return vocabulary.medium_of(name)


def inferred_media(names: Iterable[str | None]) -> dict[str, str]:
    """``{name: medium}`` for the names of ``names`` that imply a medium (others left out)."""
    found: dict[str, str] = {}
    for name in names:
        if name is None or name in found:
            continue
        medium = infer_medium(name)
        if medium is not None:
            found[name] = medium.value
    return found


def medium_column_present(frame: engine.FrameLike) -> bool:
    """Whether ``frame`` has a medium column (it may still be empty for some events)."""
    return schema.MEDIUM in engine.columns_of(frame)


def with_event_medium(
    lf: nw.LazyFrame,
    *,
    medium_classes: Mapping[str, MediumClass | str] = schema.DEFAULT_MEDIUM_CLASSES,
    infer: bool = True,
) -> nw.LazyFrame:
    """``lf`` with each event's medium, the medium's class and whether it was inferred.

    The medium is the MEDIUM column where it holds a value; else (``infer``) the medium
    :func:`infer_medium` reads from the activity name; else from the IT system's name
    ("Papierakte", "E-Akte", "Posteingang"); else from the event's DATA_FIELDS (document
    names); else null. The class is ``medium_classes[medium]``, null for a medium
    the taxonomy does not list. Adds :data:`EVENT_MEDIUM`, :data:`EVENT_MEDIUM_CLASS`,
    :data:`EVENT_MEDIUM_INFERRED` (True only where a class was found by inference).
    The names are classified once per distinct value (a small collect), not per event.
    """
    columns = lf.collect_schema().names()
    classes = {str(k): str(v) for k, v in medium_classes.items()}
    # the derived columns stay coded where the log's text is (mapping the codes, never
    # spelling out ten million texts)
    label = engine.label_dtype(lf)
    candidates: list[nw.Expr] = []
    if infer and schema.MEDIUM in columns:
        # nothing to infer where every event has a medium the taxonomy knows (one count)
        unknown = ~nw.col(schema.MEDIUM).is_in(list(classes))
        infer = bool(lf.select(unknown.fill_null(True).sum().alias("n")).collect()["n"][0])
    if infer:
        for column in (schema.ACTIVITY, schema.IT_SYSTEM, schema.DATA_FIELDS):
            if column not in columns:
                continue
            names = (
                lf.select(nw.col(column)).filter(~nw.col(column).is_null()).unique().collect()
            )[column].to_list()
            mapping = {k: v for k, v in inferred_media(names).items() if v in classes}
            if mapping:
                candidates.append(
                    nw.col(column).replace_strict(mapping, default=None, return_dtype=label)
                )
    # Each mapping once, in its own step: an expression used twice would be copied into the
    # query twice (on DuckDB every replace_strict is a join with its table).
    none = nw.lit(None, nw.String()).cast(label)
    given = nw.col(schema.MEDIUM).cast(label) if schema.MEDIUM in columns else none
    if candidates:
        inferred = nw.coalesce(*candidates) if len(candidates) > 1 else candidates[0]
    else:
        inferred = none
    staged = lf.with_columns(
        given.alias(_GIVEN),
        (
            given.replace_strict(classes, default=None, return_dtype=label)
            if schema.MEDIUM in columns
            else none
        ).alias(_GIVEN_CLASS),
        inferred.alias(_INFERRED),
    ).with_columns(
        nw.col(_INFERRED)
        .replace_strict(classes, default=None, return_dtype=label)
        .alias(_INFERRED_CLASS)
    )
    known = ~nw.col(_GIVEN_CLASS).is_null()
    return staged.with_columns(
        nw.when(known).then(nw.col(_GIVEN)).otherwise(nw.col(_INFERRED)).alias(EVENT_MEDIUM),
        nw.when(known)
        .then(nw.col(_GIVEN_CLASS))
        .otherwise(nw.col(_INFERRED_CLASS))
        .alias(EVENT_MEDIUM_CLASS),
        (~known & ~nw.col(_INFERRED_CLASS).is_null()).alias(EVENT_MEDIUM_INFERRED),
    ).drop(_GIVEN, _GIVEN_CLASS, _INFERRED, _INFERRED_CLASS)


#: German names of the canonical media, for evidence sentences.
MEDIUM_LABELS_DE: dict[str, str] = {
    Medium.PAPER: "Papier",
    Medium.POST: "Post",
    Medium.FAX: "Fax",
    Medium.EMAIL: "E-Mail",
    Medium.PHONE: "Telefon",
    Medium.IN_PERSON: "persönlich",
    Medium.ONLINE: "online",
    Medium.EFILE: "E-Akte",
}
#: English names of the canonical media, for evidence sentences.
MEDIUM_LABELS_EN: dict[str, str] = {
    Medium.PAPER: "paper",
    Medium.POST: "post",
    Medium.FAX: "fax",
    Medium.EMAIL: "e-mail",
    Medium.PHONE: "phone",
    Medium.IN_PERSON: "in person",
    Medium.ONLINE: "online",
    Medium.EFILE: "e-file",
}
