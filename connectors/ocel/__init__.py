"""OCEL 2.0 object-centric event logs: reading all three serialisations, flattening, writing.

OCEL 2.0 (https://www.ocel-standard.org, specification of 16 October 2023) stores events and
objects of several types together: each event has a type (the activity), a time, typed
attributes and qualified relationships to objects (E2O); each object has a type, time-stamped
attribute values and qualified relationships to other objects (O2O). Three serialisations are
read, each also gzip-compressed (detected from the content, not the name):

* JSON (``.jsonocel``/``.json``): ``eventTypes``, ``objectTypes``, ``events``, ``objects``;
* XML (``.xmlocel``/``.xml``): ``<log>`` with ``<event-types>``, ``<object-types>``,
  ``<events>``, ``<objects>``; parsed without DTD, entity expansion or network access, and a
  file with a ``<!DOCTYPE`` is refused;
* SQLite (``.sqlite``): tables ``event``, ``object``, ``event_object``, ``object_object``,
  ``event_map_type``, ``object_map_type`` and one ``event_<Type>``/``object_<Type>`` table per
  type (``ocel_time``, attributes; object tables also ``ocel_changed_field``).

:func:`read_ocel` returns an :class:`OcelLog` (Polars frames with pm4py's column names);
:func:`flatten_ocel` turns it into a canonical :class:`~connectors.event_log.EventLog` for one
object type; :func:`read_ocel_log` does both; :func:`write_ocel` writes JSON or XML.

The package, one idea a module: ``log`` (:class:`OcelLog`), ``file_format`` (bytes, gzip,
which serialisation), ``json_reader``/``xml_reader``/``sqlite_reader`` (each parses into a
``raw_log.RawLog`` of texts), ``frames`` (the log's frames from that, with ``references``
checked and ``attributes`` typed), ``reader`` (:func:`read_ocel`, :func:`read_ocel_log`),
``flattening`` (:func:`flatten_ocel`) and ``writer`` (:func:`write_ocel`).

Rules this module applies (the same for all three serialisations):

* **Times.** A time with an offset (``Z``, ``+01:00``) is that instant; a time without one is
  wall-clock time in ``timezone`` (Europe/Berlin unless told otherwise). Unlike a CSV column,
  an OCEL file may mix both (pm4py writes the "initial value" time as ``1970-01-01T00:00:00Z``
  and other times without offset). pm4py's example log shows why naive times must not be read
  as UTC: its JSON says ``2022-01-09T14:00:00+00:00`` where its XML and SQLite twins say
  ``2022-01-09T15:00:00``, and the SQLite file stores the initial-value time, which the JSON
  and XML files give as ``1970-01-01T00:00:00Z``, as ``1970-01-01 01:00:00``: the naive times
  are German winter time (UTC+1). Read in Europe/Berlin, all three files give the same instants;
  pm4py 2.7.23 reads the naive ones as UTC and puts the XML/SQLite events an hour late.
* **Initial values and changes.** Of the time-stamped values of one attribute of one object,
  the earliest is the object's initial value (a column of ``OcelLog.objects``); every later
  value is a change (a row of ``OcelLog.object_changes``). A value without a time counts as
  known from the start (1970-01-01, the standard's convention for initial values). In SQLite,
  an ``object_<Type>`` row with ``ocel_changed_field`` set contributes only that field's value.
* **Attribute types.** Declared types (``string``, ``integer``, ``float``, ``boolean``,
  ``time``; in SQLite the column types TEXT, INTEGER, REAL, BOOLEAN, TIMESTAMP) become column
  dtypes. An attribute declared with different types by different event/object types, one not
  declared at all, or one whose values do not fit its declared type stays text (a warning).
* **References.** An event or object of an undeclared type, a relation naming an event or
  object that does not exist, an event without a time and a duplicate id are errors, all
  reported at once with the file and the ids.
* **Flattening** (:func:`flatten_ocel`): every object of the chosen type is a case; an event
  related to several objects of that type appears once in each of their cases, with the event
  id ``<event id>:<object id>`` (``OCEL_EVENT_ID`` keeps the event's own id, ``SOURCE_ROW`` its
  position in the file, ``OCEL_QUALIFIER`` the qualifier(s) of the relation, ``;``-joined).
  Events related to no object of the type are not in the flattened log. Event attributes become
  columns (those empty for every event of the log are left out). The case object's attributes
  become ``case:<attribute>`` columns holding, by default, the value valid at the event's time
  (the initial value, replaced by each change from its time on; a change stamped with the
  event's own time counts, as it is usually the change the event made); ``"latest"`` gives the
  last value instead, ``"none"`` leaves them out.
"""

from connectors.ocel.flattening import QUALIFIER_SEPARATOR, ObjectAttributes, flatten_ocel
from connectors.ocel.log import OCEL_ATTRIBUTE_TYPES, OcelLog
from connectors.ocel.reader import read_ocel, read_ocel_log
from connectors.ocel.writer import write_ocel

__all__ = [
    "OCEL_ATTRIBUTE_TYPES",
    "QUALIFIER_SEPARATOR",
    "ObjectAttributes",
    "OcelLog",
    "flatten_ocel",
    "read_ocel",
    "read_ocel_log",
    "write_ocel",
]
