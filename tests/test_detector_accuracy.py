"""Precision and recall of every detector on the simulator's labelled logs.

Every service and municipality profile, with the complete log and with one attribute
dropped (medium, level, data fields). Where the attribute a detector reads exists, precision
and recall must be at least 0.95; where it was dropped the detector infers or degrades, and
its scores are printed, not asserted. On the simulator's clean logs (no burden injected) the
detectors of burden patterns report nothing.

Not scored: ``handovers`` (the simulator labels none: every change of org unit is one) and
``system_breaks`` (the simulator labels media breaks by medium class only); both must still
stay silent on clean logs, except hand-overs, which every multi-unit process has.
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from analyzer import engine, schema
from analyzer.detectors import DETECTORS, run_detectors
from analyzer.scoring import score_findings

simulator = pytest.importorskip("connectors.simulator")

CASES = 120  # per service and municipality: 18 logs, about 40,000 events in all
SEED = 11
SCORED = [n for n, d in DETECTORS.items() if n not in ("handovers", "system_breaks")]
#: What a dropped field takes away: the detectors that then infer or find nothing.
AFFECTED = {
    "": (),
    "medium": ("media_breaks",),
    "level": ("duplicate_responsibility", "ping_pong", "rework"),
    "data_fields": ("manual_reentry",),
}
_BACKEND = "duckdb"  # the default engine; the rules are checked on every backend elsewhere


def simulated(
    *, drop: tuple[str, ...] = (), clean: bool = False
) -> tuple[pl.DataFrame, pd.DataFrame]:
    events, labels = [], []
    for service in simulator.SERVICES:
        for profile in simulator.PROFILES:
            for chunk in simulator.simulate_event_log(
                service, profile, cases=CASES, seed=SEED, drop=drop, clean=clean
            ):
                events.append(chunk.events)
                labels.append(chunk.labels)
    return pl.concat(events, how="diagonal_relaxed"), pl.concat(labels).to_pandas()


@pytest.mark.parametrize("dropped", list(AFFECTED))
def test_precision_and_recall_on_labelled_logs(dropped):
    events, labels = simulated(drop=(dropped,) if dropped else ())
    findings = run_detectors(engine.on_backend(events, _BACKEND), names=SCORED)
    scores = score_findings(findings, labels, detectors=SCORED).set_index(schema.FINDING_DETECTOR)
    print(f"\nsimulated logs, {len(events)} events, dropped: {dropped or 'nothing'}")
    print(f"{'detector':<26}{'findings':>9}{'labels':>8}{'precision':>10}{'recall':>8}")
    for name in SCORED:
        kind = DETECTORS[name].burden.value
        n_labels = int((labels[schema.LABEL_BURDEN] == kind).sum())
        row = scores.loc[name] if name in scores.index else None
        n_found = int(row[schema.SCORE_FINDINGS]) if row is not None else 0
        precision = float(row[schema.SCORE_PRECISION]) if row is not None else float("nan")
        recall = float(row[schema.SCORE_RECALL]) if row is not None else 0.0
        note = "  (attribute dropped: not asserted)" if name in AFFECTED[dropped] else ""
        print(f"{name:<26}{n_found:>9}{n_labels:>8}{precision:>10.3f}{recall:>8.3f}{note}")
        if name in AFFECTED[dropped]:
            continue
        assert n_labels > 0, f"the simulated logs hold no {kind} labels"
        assert precision >= 0.95, (name, precision)
        assert recall >= 0.95, (name, recall)


@pytest.mark.parametrize("dropped", ["", "medium"])
def test_clean_logs_give_no_findings(dropped):
    events, labels = simulated(drop=(dropped,) if dropped else (), clean=True)
    assert labels.empty
    silent = [n for n in DETECTORS if n != "handovers"]
    findings = run_detectors(engine.on_backend(events, _BACKEND), names=silent)
    by_detector = findings[schema.FINDING_DETECTOR].value_counts().to_dict()
    print(
        f"\nclean simulated logs, {len(events)} events, dropped: {dropped or 'nothing'}: "
        f"{by_detector or 'no findings'}"
    )
    assert findings.empty, by_detector
