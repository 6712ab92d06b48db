"""engine.with_mapped: a mapping of texts, by codes on a prepared log's enums, else by text."""

from __future__ import annotations

from datetime import UTC, datetime

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps


def test_mapping_gives_the_same_values_by_codes_and_by_text(backend):
    log = pd.DataFrame(
        {
            schema.CASE: ["c", "c", "c", "d"],
            schema.ACTIVITY: ["prüfen", "senden", None, "prüfen"],
            schema.TIMESTAMP: [datetime(2026, 1, 1, h, tzinfo=UTC) for h in range(4)],
            schema.EVENT_ID: ["e1", "e2", "e3", "e4"],
        }
    )
    mappings = {"w": {"prüfen": 7, "unbekannt": 9}, "v": {"senden": 1}}
    for frame in (engine.on_backend(log, backend), steps.prepare(engine.on_backend(log, backend))):
        out = engine.with_mapped(
            engine.as_lazy(frame), schema.ACTIVITY, mappings, default=0, dtype=nw.Int64()
        )
        rows = engine.to_pandas(out).set_index(schema.EVENT_ID).sort_index()
        # a text that is no key, or a missing one, gets the default
        assert _values(rows["w"]) == [7, 0, 0, 7]
        assert _values(rows["v"]) == [0, 1, 0, 0]


def _values(column: pd.Series) -> list:
    return [int(v) for v in column]
