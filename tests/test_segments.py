"""Segments by a case attribute (issue 17.9): ``--by`` one log per value, ``--where`` only
the cases with a value; a case is in one segment, by its first recorded value."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from analyzer import schema
from analyzer.problems import InputError
from analyzer.segments import extra_attributes, segmented
from app import api


def at(hour: int) -> datetime:
    return datetime(2026, 3, 2, hour, tzinfo=UTC)


LOG = pl.DataFrame(
    {
        schema.CASE: ["a", "a", "b", "b", "c", "c"],
        schema.ACTIVITY: ["Eingang", "Prüfung"] * 3,
        # "a" is simplified at its first event and later re-labelled: it stays simplified;
        # "c" has no procedure type at all
        schema.TIMESTAMP: [at(9), at(10), at(9), at(11), at(9), at(12)],
        "case:verfahren": ["vereinfacht", "regulär", "regulär", "regulär", None, None],
        schema.MUNICIPALITY: ["Au"] * 6,
        schema.SERVICE: ["Baugenehmigung"] * 6,
    }
)


def test_by_names_each_cases_segment_in_the_municipality() -> None:
    out = segmented(LOG, by="verfahren")
    assert out[schema.MUNICIPALITY].to_list() == [
        "Au · vereinfacht",
        "Au · vereinfacht",
        "Au · regulär",
        "Au · regulär",
        "Au · –",
        "Au · –",
    ]
    assert LOG[schema.MUNICIPALITY].to_list() == ["Au"] * 6  # input untouched


def test_where_keeps_whole_cases_with_the_value() -> None:
    out = segmented(LOG, where={"case:verfahren": "regulär"})
    assert out[schema.CASE].to_list() == ["b", "b"]  # not "a": its first value is another
    assert segmented(LOG, where={"verfahren": "keins"}).height == 0


def test_an_unknown_attribute_names_those_there_are() -> None:
    with pytest.raises(InputError) as exc:
        segmented(LOG, by="verfaren")
    text = exc.value.text("de")
    assert "case:verfahren" in text and "Meinten Sie „case:verfahren“?" in text
    assert extra_attributes(LOG.columns) == ["case:verfahren"]


def test_analysis_and_comparison_by_segment(tmp_path: Path) -> None:
    path = tmp_path / "log.parquet"
    LOG.write_parquet(path)
    result = api.analyze(path, by="verfahren")
    cases = dict(zip(result.cases[schema.MUNICIPALITY], result.cases["cases"], strict=True))
    assert cases == {"Au · regulär": 1, "Au · vereinfacht": 1, "Au · –": 1}
    compared = api.compare([path], where={"verfahren": "regulär"}, proposal_dir=tmp_path)
    assert compared.kpis[schema.MUNICIPALITY].tolist() == ["Au"]
    assert compared.kpis[schema.KPI_CASES].tolist() == [1]


def test_where_without_a_value_is_refused_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "log.parquet"
    LOG.write_parquet(path)
    env = {k: v for k, v in os.environ.items() if k != "AMTSWEG_LANG"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "analyze", str(path), "--where", "verfahren"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "ATTRIBUT=WERT" in done.stderr and "Traceback" not in done.stderr


def test_compare_counts_cases_without_the_named_end_as_open(tmp_path: Path) -> None:
    path = tmp_path / "log.parquet"
    LOG.with_columns(
        pl.when(pl.col(schema.CASE) == "a")
        .then(pl.lit("Bescheid"))
        .otherwise(pl.col(schema.ACTIVITY))
        .alias(schema.ACTIVITY)
    ).write_parquet(path)
    # a ends with "Bescheid" (closed); b and c end with "Prüfung": open when only the
    # notice closes a case, and left out of the throughput time
    compared = api.compare([path], end_activities=["Bescheid"], proposal_dir=tmp_path)
    row = compared.kpis.iloc[0]
    assert row[schema.KPI_OPEN_CASES] == 2
    assert row[schema.KPI_THROUGHPUT_MEDIAN_DAYS] == pytest.approx(1 / 24)  # a: 09:00-10:00
