"""The XES vocabulary the readers and the writer share, and the internal columns of
the readers' intermediate frames."""

from __future__ import annotations

LEAF_TYPES = ("string", "date", "int", "float", "boolean", "id")
NESTING_TYPES = ("list", "container")
EVENT_TAG = "event"
TRACE_TAG = "trace"
LOG_TAG = "log"
GLOBAL_TAG = "global"
KEY_ATTRIBUTE = "key"
VALUE_ATTRIBUTE = "value"
SCOPE_ATTRIBUTE = "scope"
#: the scopes of a ``<global>``; without ``scope`` it is for events (IEEE 1849-2016)
EVENT_SCOPE, TRACE_SCOPE = "event", "trace"

# Internal columns of the intermediate frames; never visible outside this package.
EVENT_NO = "__xes_event"
TRACE_NO = "__xes_trace"
OWNER_NO = "__xes_owner"
KEY_COLUMN = "__xes_key"
TYPE_COLUMN = "__xes_type"
VALUE_COLUMN = "__xes_value"

XES_DATE = "%Y-%m-%dT%H:%M:%S%.f%z"
