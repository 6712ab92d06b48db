"""The facts docs/receipt_log.md states about the real receipt log, checked.

The analysis runs as a user runs it: ``app.api.analyze`` on the XES file with the example
mapping ``docs/examples/receipt.mapping.toml`` (``org:group`` as org unit with "EMPTY" made
missing, level "municipality", no medium). Hand-overs, long waits and rework are recomputed in
plain pandas; the channel split (case attribute ``channel``) of cases with findings and the
hand-overs by one and the same resource are the numbers the document gives. If a detector's
rule changes, this test fails and the document has to be updated with it.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analyzer import schema
from analyzer.detectors import DEFAULT_DETECTORS
from app import api
from connectors.mapping import mapping_from_dict
from connectors.reading import read_event_log
from tests.plain_rules import plain_rework_ids

pytestmark = pytest.mark.real_logs

MAPPING = Path(__file__).resolve().parent.parent / "docs" / "examples" / "receipt.mapping.toml"
CHANNEL = "case:channel"  # the export's own case attribute, kept as an extra column
INTERNET, OTHER = "Internet", "Desk/Post/e-mail"


@cache
def analysed(path: Path) -> tuple[pd.DataFrame, api.Analysis]:
    """The events (pandas, in case order) and the analysis of the receipt log."""
    events = api.read_log(path, mapping=MAPPING).frame.to_pandas()
    events = events.sort_values([schema.CASE, schema.TIMESTAMP, schema.SOURCE_ROW], kind="stable")
    # hand-overs are not among the default detectors; this examination includes them
    return events, api.analyze(path, mapping=MAPPING, detectors=[*DEFAULT_DETECTORS, "handovers"])


@pytest.fixture
def receipt(shared_log) -> tuple[pd.DataFrame, api.Analysis]:
    return analysed(shared_log("receipt.xes.gz"))


def of(found: pd.DataFrame, detector: str) -> pd.DataFrame:
    return found[found[schema.FINDING_DETECTOR] == detector]


def channel_group(channel: str) -> str:
    return INTERNET if channel == "Internet" else OTHER if channel != "Intern" else "Intern"


def test_the_mapping_reads_the_log_with_empty_groups_missing(receipt):
    events, analysis = receipt
    assert len(events) == 8577
    assert events[schema.CASE].nunique() == 1434
    assert events[schema.ACTIVITY].nunique() == 27
    assert events[schema.ORG_UNIT].isna().sum() == 1936  # the "EMPTY" placeholder
    assert "EMPTY" not in set(events[schema.ORG_UNIT].dropna())
    assert set(events[schema.LEVEL]) == {"municipality"}
    assert schema.MEDIUM not in events.columns
    channels = events.groupby(schema.CASE)[CHANNEL].first().value_counts().to_dict()
    assert channels == {"Internet": 1250, "Desk": 109, "Post": 53, "e-mail": 21, "Intern": 1}
    assert analysis.cases["cases"].tolist() == [1434]


def test_only_handovers_long_waits_and_rework_report_findings(receipt):
    _events, analysis = receipt
    counts = analysis.findings[schema.FINDING_DETECTOR].value_counts().to_dict()
    assert counts == {"handovers": 3853, "rework": 118, "long_waits": 36}
    assert not analysis.findings[schema.FINDING_INFERRED].any()


def test_findings_equal_a_plain_pandas_recomputation(receipt):
    events, analysis = receipt
    found = analysis.findings

    units = events[events[schema.ORG_UNIT].notna()]
    before = units.groupby(schema.CASE)[schema.ORG_UNIT].shift(1)
    changed = units.loc[before.notna() & (before != units[schema.ORG_UNIT]), schema.EVENT_ID]
    assert sorted(of(found, "handovers")[schema.EVENT_ID]) == sorted(changed)

    waited = events[schema.TIMESTAMP] - events.groupby(schema.CASE)[schema.TIMESTAMP].shift(1)
    long = events.loc[waited > timedelta(days=30), schema.EVENT_ID]
    assert sorted(of(found, "long_waits")[schema.EVENT_ID]) == sorted(long)

    repeated = plain_rework_ids(events, [schema.CASE, schema.ACTIVITY])  # one level
    assert sorted(of(found, "rework")[schema.EVENT_ID]) == repeated


def test_most_handovers_stay_with_one_resource(receipt):
    """The document's main shortcoming: org:group is a task group, not an org unit."""
    events, analysis = receipt
    by_id = events.set_index(schema.EVENT_ID)[schema.RESOURCE]
    pairs = of(analysis.findings, "handovers")[schema.FINDING_EVENT_IDS].str.split(";")
    same = sum(by_id[p[0]] == by_id[p[-1]] for p in pairs)
    assert (same, len(pairs)) == (3070, 3853)
    group_per_task = pd.crosstab(events[schema.ACTIVITY], events[schema.ORG_UNIT])
    assert (group_per_task.gt(0).sum(axis=1) == 1).sum() == 25  # of 27 activities: one group


def test_channel_split_of_cases_with_findings(receipt):
    events, analysis = receipt
    channel = events.groupby(schema.CASE)[CHANNEL].first().map(channel_group)
    found = analysis.findings.assign(group=lambda f: f[schema.CASE].map(channel))
    split = found.groupby([schema.FINDING_DETECTOR, "group"]).agg(
        findings=(schema.CASE, "size"), cases=(schema.CASE, "nunique")
    )
    assert channel.value_counts().to_dict() == {INTERNET: 1250, OTHER: 183, "Intern": 1}
    assert split.loc[("handovers", INTERNET)].tolist() == [3398, 1092]
    assert split.loc[("handovers", OTHER)].tolist() == [453, 161]
    assert split.loc[("long_waits", INTERNET)].tolist() == [29, 28]
    assert split.loc[("long_waits", OTHER)].tolist() == [7, 7]
    assert split.loc[("rework", INTERNET)].tolist() == [101, 52]
    assert split.loc[("rework", OTHER)].tolist() == [17, 11]


def test_without_a_mapping_no_media_break_is_found(shared_log):
    """The lexicon marks the print steps as paper, but no event of a case is digital by name."""
    analysis = api.analyze(shared_log("receipt.xes.gz"), detectors=["media_breaks"])
    assert analysis.findings.empty


def test_a_medium_value_can_be_mapped_to_missing(shared_log):
    """The mapping gap the document named: "Intern" (or any value) now becomes no medium."""
    mapping = mapping_from_dict(
        {
            "columns": {"medium": "case:channel"},
            "values": {
                "medium": {
                    "Intern": "",
                    "Internet": "online",
                    "Desk": "in_person",
                    "Post": "post",
                    "e-mail": "email",
                }
            },
        }
    )
    assert mapping.values["medium"]["Intern"] == ""
    events = read_event_log(shared_log("receipt.xes.gz"), mapping=mapping).frame.to_pandas()
    media = events.groupby(schema.MEDIUM, dropna=False)[schema.CASE].nunique().to_dict()
    missing = {k: v for k, v in media.items() if pd.isna(k)}
    assert list(missing.values()) == [1]  # the one internal case, all its events
    assert {k: v for k, v in media.items() if not pd.isna(k)} == {
        "online": 1250,
        "in_person": 109,
        "post": 53,
        "email": 21,
    }
    assert events[schema.MEDIUM].isna().sum() == 6
