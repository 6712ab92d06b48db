"""The whole analysis on the real receipt log (WABO, CoSeLoG), checked against plain pandas.

The log has no medium, level, IT system or data fields; its event groups (``org:group``)
serve as org units. Hand-overs, long waits and rework are recomputed here case by case in
plain pandas, independently of the narwhals implementation.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from analyzer import schema
from analyzer.detectors import DEFAULT_DETECTORS, NOTES, run_detectors
from analyzer.kpis import handovers_between_units, levels_per_case, waiting_time_by_step
from analyzer.process_map import process_map, variants
from tests.plain_rules import plain_rework_ids

pytestmark = pytest.mark.real_logs


@pytest.fixture(scope="module")
def receipt(request):
    from tests.conftest import SHARED_LOGS

    path = SHARED_LOGS / "receipt.xes.gz"
    if not path.exists():
        pytest.skip(f"public log receipt.xes.gz not found in {SHARED_LOGS}")
    from connectors.xes import read_xes_log

    return read_xes_log(path).frame.rename({schema.GROUP: schema.ORG_UNIT})


def ordered(frame) -> pd.DataFrame:
    log = frame.to_pandas()
    return log.sort_values([schema.CASE, schema.TIMESTAMP, schema.SOURCE_ROW], kind="stable")


def test_receipt_findings_match_plain_pandas(receipt, backend):
    from analyzer import engine

    found = run_detectors(
        engine.on_backend(receipt, backend), names=[*DEFAULT_DETECTORS, "handovers"]
    )
    log = ordered(receipt)
    previous = log.groupby(schema.CASE)[[schema.ORG_UNIT, schema.TIMESTAMP]].shift(1)

    changed = previous[schema.ORG_UNIT].notna() & (
        previous[schema.ORG_UNIT] != log[schema.ORG_UNIT]
    )
    handovers = found[found[schema.FINDING_DETECTOR] == "handovers"]
    assert sorted(handovers[schema.EVENT_ID]) == sorted(log.loc[changed, schema.EVENT_ID])

    waited = (log[schema.TIMESTAMP] - previous[schema.TIMESTAMP]) > timedelta(days=30)
    waits = found[found[schema.FINDING_DETECTOR] == "long_waits"]
    assert sorted(waits[schema.EVENT_ID]) == sorted(log.loc[waited, schema.EVENT_ID])

    rework = found[found[schema.FINDING_DETECTOR] == "rework"]
    expected = plain_rework_ids(log, [schema.CASE, schema.ACTIVITY, schema.ORG_UNIT])
    assert sorted(rework[schema.EVENT_ID]) == expected

    assert {"handovers", "long_waits", "rework"} <= set(found[schema.FINDING_DETECTOR])
    assert not (found[schema.FINDING_DETECTOR] == "media_breaks").any()  # one known medium
    assert {n.column for n in found.attrs[NOTES]} >= {"medium", "level", "it_system"}
    assert found[schema.FINDING_EVIDENCE].str.len().gt(20).all()
    assert found[schema.FINDING_EVIDENCE_EN].str.len().gt(20).all()


def test_receipt_maps_and_kpis(receipt):
    pmap = process_map(receipt)
    assert (pmap.cases, pmap.events) == (1434, 8577)
    table = variants(receipt)
    assert len(table) == 116 and table[schema.VARIANT_CASES].sum() == 1434
    assert table[schema.VARIANT_COVERAGE].iloc[-1] == pytest.approx(1.0)
    per_case = levels_per_case(receipt)
    assert len(per_case) == 1434 and per_case[schema.KPI_EVENTS].sum() == 8577
    waits = waiting_time_by_step(receipt)
    assert waits[schema.MAP_FREQUENCY].sum() == 8577 - 1434  # one wait per non-first event
    units = handovers_between_units(receipt)
    log = ordered(receipt)
    prev = log.groupby(schema.CASE)[schema.ORG_UNIT].shift(1)
    assert units[schema.MAP_FREQUENCY].sum() == int(
        (prev.notna() & (prev != log[schema.ORG_UNIT])).sum()
    )
