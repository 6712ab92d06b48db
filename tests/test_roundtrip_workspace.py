"""Round trips through the workspace keep every event and attribute:
XES → workspace → XES and CSV → workspace → CSV."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from analyzer import schema
from connectors.reading import read_event_log
from connectors.workspace import Workspace
from connectors.writing import write_event_log

ADDED = (schema.MUNICIPALITY, schema.SERVICE, schema.SOURCE_ROW)


def through_workspace(source: Path, target: Path, tmp_path: Path, **write) -> tuple:
    original = read_event_log(source)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        ws.import_log(original, municipality="Prüfstadt", service="Test")
        write_event_log(ws.events(municipality="Prüfstadt"), target, **write)
    back = read_event_log(target)
    return original.frame, back.frame


def comparable(frame: pl.DataFrame) -> pl.DataFrame:
    kept = [c for c in frame.columns if c not in ADDED]
    return frame.select(sorted(kept)).sort(schema.EVENT_ID)


def test_xes_workspace_xes_keeps_everything(shared_log, tmp_path: Path) -> None:
    before, after = through_workspace(
        shared_log("receipt.xes.gz"), tmp_path / "receipt.xes.gz", tmp_path
    )
    assert after.height == before.height == 8577
    assert after[schema.MUNICIPALITY].unique().to_list() == ["Prüfstadt"]
    assert_frame_equal(comparable(after), comparable(before))


def test_csv_workspace_csv_keeps_everything(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "case:concept:name,concept:name,time:timestamp,org:resource,event:medium,Gebühr,Notiz\n"
        "A-1,Antrag eingegangen,2026-11-23T14:05:00+01:00,Müller,online,12.5,\n"
        'A-1,Bescheid versandt,2026-11-30T09:00:00+01:00,Müller,post,0.0,"mit Hinweis; eilig"\n'
        "A-2,Antrag eingegangen,2026-07-01T08:00:00+02:00,,paper,3.25,Schalter\n",
        encoding="utf-8",
    )
    for style in ("standard", "german"):
        before, after = through_workspace(
            source, tmp_path / f"back-{style}.csv", tmp_path, style=style
        )
        assert_frame_equal(comparable(after), comparable(before))
