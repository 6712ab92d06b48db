"""api.analyze on a file that holds several logs: each (municipality, service) on its own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer import schema
from analyzer.detectors.base import typed_findings
from app import api

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"


def test_a_file_of_several_municipalities_is_analysed_log_by_log(tmp_path):
    whole = api.analyze(SAMPLES / "wohngeld.parquet", maps=True)
    towns = sorted(whole.cases[schema.MUNICIPALITY])
    assert len(towns) == 6
    assert sorted(whole.maps) == [(m, "Wohngeld") for m in towns]
    for town in ("Musterdorf", "Musterstadt"):
        alone = api.analyze(SAMPLES / "wohngeld.parquet", municipality=town, maps=True)
        mine = whole.findings[whole.findings[schema.MUNICIPALITY] == town]
        # a part of a findings table keeps the categories of the whole; re-typed, it has its own
        pd.testing.assert_frame_equal(typed_findings(mine), alone.findings)
        dfg, _overlay = whole.maps[(town, "Wohngeld")]
        pd.testing.assert_frame_equal(dfg.edges, alone.maps[(town, "Wohngeld")][0].edges)
        assert dfg.cases == int(alone.cases["cases"].iloc[0])


def test_events_without_a_municipality_form_a_log_of_their_own(tmp_path):
    events = pd.read_parquet(SAMPLES / "wohngeld.parquet")
    town = events[schema.MUNICIPALITY] == "Musterdorf"
    events.loc[town, schema.MUNICIPALITY] = None
    path = tmp_path / "ohne_kommune.parquet"
    events.to_parquet(path)
    result = api.analyze(path, maps=True)
    assert ("", "Wohngeld") in result.maps
    unnamed = result.maps[("", "Wohngeld")][0]
    assert unnamed.cases == events.loc[town, schema.CASE].nunique()
