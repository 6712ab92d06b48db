"""Reading and writing XES event logs (IEEE 1849-2016, ``.xes`` and ``.xes.gz``).

Reading (:func:`read_xes_log`)
    Each ``<event>`` of a ``<trace>`` becomes one row; ``SOURCE_ROW`` is the event's ordinal
    (1-based, in file order, counting every ``<event>`` element of the file). Event attributes
    become columns named by their key; trace attributes become ``case:<key>`` columns (pm4py's
    convention, so the trace's ``concept:name`` is ``schema.CASE``).

    Types follow the XES element: ``string`` and ``id`` → text, ``int`` → Int64, ``float`` →
    Float64, ``boolean`` (``true``/``false``/``1``/``0``) → Boolean, ``date`` → tz-aware UTC
    datetime (a date without offset is local time in ``timezone``). A key that carries
    different types in different events is read as text (``int`` with ``float`` as Float64),
    with a warning. A value that does not fit its declared type is an error naming the row.
    Keys that are canonical text columns (``concept:name``, ``org:resource``,
    ``identity:id``, ...) keep their text as written whatever the element says (an id
    ``<int value="007">`` stays ``"007"``).

    Nested attributes (XES ``nested-attributes`` feature, lists and containers) are flattened
    into their key path, joined with ``:``: a child ``unit`` of a ``string`` attribute ``cost``
    is the column ``cost:unit`` (the parent keeps its own value in ``cost``); the items of a
    list ``L`` are ``L:1``, ``L:2``, ... by position (list item keys repeat and carry no
    meaning); the children of a container ``C`` are ``C:<child key>``. Lists and containers
    have no value of their own and get no column. Written back, these are flat attributes.

    Global defaults (``<global scope="event">``, ``<global scope="trace">``) are applied:
    an event or trace that lacks the key gets the default, typed as declared, with a
    warning per key (rules and exceptions, e.g. ``__INVALID__``, in
    :mod:`~connectors.xes.global_defaults`; the defaults are in
    ``EventLog.details["global_defaults"]``). pm4py does not apply them.
    Not applied, as in pm4py: classifiers and log-level attributes (the log's name and
    other log attributes are kept in ``EventLog.details["log_attributes"]``).

    An event that still lacks its activity or timestamp (or its case id, after a mapping)
    is an error naming the events by number, trace and XML line, with the mapping that
    fixes it (:mod:`~connectors.xes.required_attributes`).

    A trace without ``concept:name`` (or a blank one) keeps its events together under the
    generated case id ``trace-<n>`` (n = the trace's ordinal in the file), with a warning; the
    trace boundaries in the file are unambiguous, so refusing the log would lose nothing but
    the user's time. (pm4py leaves the case id empty.) Traces without events and events
    outside any trace are skipped, with a warning.

Safety
    XES never needs a document type declaration. A file whose prolog holds ``<!DOCTYPE``
    (the only place an ``<!ENTITY`` can be declared) is refused before any parser sees it, so
    neither external entities nor entity expansion ("billion laughs") can happen. The lxml
    parser is additionally run with ``resolve_entities=False, no_network=True,
    load_dtd=False, huge_tree=False``. Damaged gzip data, malformed XML (with its line) and
    empty files raise :class:`~analyzer.problems.InputError` naming the file.

Speed and memory
    Files in the common shape (UTF-8, flat attributes in ``<trace>``/``<event>``) are read by
    a vectorised reader: the decompressed stream (gzip inflated in a thread) is cut into
    blocks of a few MB at tag boundaries; numpy finds every tag of a block and recognises
    the usual ones (``<TYPE key="K" value="V"/>``, bare ``<event>``/``<trace>`` tags) by
    comparing bytes at fixed places, copies keys and values out by their byte spans, checks
    that open and close tags match level by level and that the XES structure holds, and
    Polars pivots and types each block. Only the blocks' typed columns are kept. Anything
    outside that shape (nested attributes, other encodings, CDATA, processing instructions,
    namespace prefixes, unknown elements in events, or anything malformed) sends the whole
    file through the lxml ``iterparse`` reader, the reference: it reads every valid XES file
    and reports every malformed one with its line. Both give the same frame (tests check it
    on hand-made, random and real logs). ``EventLog.details["reader"]`` says which one read.

Writing (:func:`write_xes_log`) streams a canonical log (any frame narwhals accepts,
including a DuckDB relation) in chunks as XES 1849-2016 with the concept, time, org,
lifecycle and identity extensions declared.

Layout: :mod:`~connectors.xes.reading` (the entry point, the choice of reader),
:mod:`~connectors.xes.prolog` and :mod:`~connectors.xes.source` (the bytes, the DOCTYPE
refusal), :mod:`~connectors.xes.tags` and :mod:`~connectors.xes.fast_reader` (the vectorised
reader), :mod:`~connectors.xes.reference_reader` (lxml), :mod:`~connectors.xes.attributes`
(typing attribute values), :mod:`~connectors.xes.global_defaults`,
:mod:`~connectors.xes.assembly` (the flat frame), :mod:`~connectors.xes.required_attributes`
and :mod:`~connectors.xes.writer`.
"""

from connectors.xes.reading import _read_frame, read_xes_log
from connectors.xes.source import Progress
from connectors.xes.writer import write_xes_log

# _read_frame: the flat frame of one reader ("fast" or "lxml"), for tests and benchmarks
__all__ = ["Progress", "_read_frame", "read_xes_log", "write_xes_log"]
