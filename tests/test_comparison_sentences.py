"""What the comparison says in words: why costs differ with and without a step mapping, a
group of one has no peer, and the start and end of a case are words (issues 10.9, 10.12)."""

from __future__ import annotations

import pandas as pd

from analyzer import schema
from analyzer.comparison import (
    Behaviour,
    explain_difference,
    kpi_table,
    overall_ranking,
    rank_within_peers,
)
from analyzer.cost_model import ActivityCosting
from analyzer.cost_tables import load_cost_tables
from analyzer.harmonisation import StepMapping, apply_step_mapping
from tests.test_cost_coverage import at, log

TABLES = load_cost_tables("destatis-2025")


# Südheim says "Akte anlegen" (measured, 30 min), Nordheim "Vorgang anlegen" (no duration);
# mapped, both are step "anlegen", priced at 20 minutes by the step's costing.
TWO = log(
    [
        ("Südheim", "s1", "Akte anlegen", at(1, 9, 30), at(1, 9)),
        ("Nordheim", "n1", "Vorgang anlegen", at(1, 10), None),
    ]
)
MAPPING = StepMapping(
    catalogue="hundesteuer", steps={"Akte anlegen": "anlegen", "Vorgang anlegen": "anlegen"}
)
STEP_COSTING = {"anlegen": ActivityCosting(minutes=20)}

BY_LABEL_DE = (
    "Bewertet nach den eigenen Tätigkeitsbezeichnungen (ohne Schrittzuordnung); mit einer "
    "Schrittzuordnung werden die harmonisierten Schritte bewertet, auch mit den Zeiten des "
    "Referenzkatalogs, daher können Kosten je Fall und Rang dort anders ausfallen."
)
BY_STEP_EN = (
    "Priced by harmonised steps (step mapping); without a step mapping each municipality's "
    "own activity labels are priced, only with durations measured in its log and the costs "
    "file, so cost per case and rank can differ there."
)


def test_the_cost_says_whether_steps_or_labels_were_priced():
    """Without the mapping Nordheim has no cost (no time for its label); with it, both are
    priced by the step (20 min × 40.70 €/h = 13.57 €). The note says which, and why the
    numbers can differ from the other way."""
    by_label = kpi_table(TWO, tables=TABLES).set_index(schema.MUNICIPALITY)
    assert by_label[schema.COST_PRICED_BY].tolist() == ["label", "label"]
    assert by_label.loc["Südheim", schema.KPI_EUROS_PER_CASE] == 20.35
    assert by_label.loc["Südheim", schema.COST_NOTE].startswith(BY_LABEL_DE + " Kosten aus")
    assert by_label.loc["Nordheim", schema.COST_NOTE].startswith(
        BY_LABEL_DE + " Kosten fehlen: 0 von 1 Tätigkeiten"
    )

    harmonised = apply_step_mapping(TWO, MAPPING)
    by_step = kpi_table(
        harmonised, tables=TABLES, activities=STEP_COSTING, activity_column=schema.STEP
    ).set_index(schema.MUNICIPALITY)
    assert by_step[schema.COST_PRICED_BY].tolist() == ["step", "step"]
    assert by_step[schema.KPI_EUROS_PER_CASE].tolist() == [13.57, 13.57]
    assert by_step.loc["Nordheim", schema.COST_NOTE_EN] == (
        BY_STEP_EN + " Cost from fixed minutes of the costs file. All 1 activities have a time."
    )


def _ranking(municipalities: list[str]) -> pd.DataFrame:
    kpis = pd.DataFrame(
        {
            schema.MUNICIPALITY: municipalities,
            schema.SERVICE: "Hundesteuer",
            schema.KPI_THROUGHPUT_MEDIAN_DAYS: [float(i + 1) for i in range(len(municipalities))],
            schema.KPI_PEER_GROUP: "alle",
        }
    )
    return overall_ranking(rank_within_peers(kpis))


def test_a_group_of_one_has_no_peer_rather_than_being_the_best():
    explained = explain_difference(
        _ranking(["Einsiedel"]), municipality="Einsiedel", service="Hundesteuer"
    )
    assert explained.best is None
    assert explained.summary_de == (
        "Einsiedel hat in der Vergleichsgruppe „alle“ keine Vergleichskommune: kein Vergleich "
        "mit der besten möglich.",
    )
    assert explained.summary_en == (
        "Einsiedel has no peer in peer group 'alle': no comparison with the best possible.",
    )
    # with a peer, the best is still the best
    best = explain_difference(
        _ranking(["Einsiedel", "Zweidorf"]), municipality="Einsiedel", service="Hundesteuer"
    )
    assert best.summary_en == ("Einsiedel is the best of peer group 'alle'.",)


def _behaviour(traces: list[list[str]]) -> Behaviour:
    from analyzer import process_map

    rows = [
        (f"c{i}", step, at(1, 8 + j))
        for i, trace in enumerate(traces)
        for j, step in enumerate(trace)
    ]
    frame = pd.DataFrame(rows, columns=[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP])
    return Behaviour(process_map.process_map(frame), process_map.variants(frame))


def test_start_and_end_of_a_case_are_words_not_glyphs():
    """Zweidorf's cases end after "Ablegen", the best peer's after "Bescheid": the edge to
    the end is written Ende / end."""
    ranking = _ranking(["Einsiedel", "Zweidorf"])
    explained = explain_difference(
        ranking,
        municipality="Zweidorf",
        service="Hundesteuer",
        own=_behaviour([["Eingang", "Bescheid", "Ablegen"]]),
        best=_behaviour([["Eingang", "Bescheid"]]),
        top=1,
    )
    text_de = " ".join(explained.summary_de)
    text_en = " ".join(explained.summary_en)
    assert schema.END_STEP not in text_de and schema.START_STEP not in text_de
    assert "„Ablegen → Ende“" in text_de
    assert "'Ablegen → end'" in text_en
    assert "„Bescheid → Ende“" in text_de
