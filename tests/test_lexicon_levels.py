"""The government level of an event inferred from its org unit's name, marked inferred."""

from __future__ import annotations

from analyzer import engine, schema, steps
from analyzer.detectors.levels import EVENT_LEVEL_INFERRED, inferred_levels, with_event_level
from tests.tiny_logs import make_log, on

UNITS = [
    ("c1", "Antrag prüfen", 0, "Gemeindeverwaltung Hinterzarten", None),
    ("c1", "Stellungnahme", 5, "Landratsamt Breisgau-Hochschwarzwald", None),
    ("c1", "Antrag prüfen", 9, "Regierungspräsidium Freiburg", "county"),  # given wins
    ("c1", "Auskunft", 12, "Familienkasse Baden-Württemberg West", None),
    ("c1", "Rente prüfen", 15, "Deutsche Rentenversicherung Bund", None),
    ("c1", "Vermerk", 20, "Sachgebiet 3.1", None),  # names no level
    ("c1", "Vermittlung", 25, "Jobcenter Ortenaukreis", None),
]


def levels(frame) -> list[tuple]:
    lf = with_event_level(steps.prepare(frame))
    table = engine.to_pandas(lf.select(schema.EVENT_ID, schema.LEVEL, EVENT_LEVEL_INFERRED))
    table = table.sort_values(schema.EVENT_ID)
    return [
        (r[0], None if r[1] is None or r[1] != r[1] else str(r[1]), bool(r[2]))
        for r in table.itertuples(index=False)
    ]


def test_levels_inferred_from_unit_names_and_marked(backend):
    log = make_log([schema.CASE, schema.ACTIVITY, "minutes", schema.ORG_UNIT, schema.LEVEL], UNITS)
    assert levels(on(log, backend)) == [
        ("e1", "municipality", True),
        ("e2", "county", True),
        ("e3", "county", False),
        ("e4", "federal", True),
        ("e5", "social_insurance", True),
        ("e6", None, False),
        ("e7", "other", True),
    ]


def test_levels_without_a_level_column(backend):
    rows = [r[:4] for r in UNITS[:2]]
    log = make_log([schema.CASE, schema.ACTIVITY, "minutes", schema.ORG_UNIT], rows)
    assert levels(on(log, backend)) == [("e1", "municipality", True), ("e2", "county", True)]


def test_a_complete_level_column_is_not_touched(backend):
    log = make_log(
        [schema.CASE, schema.ACTIVITY, "minutes", schema.ORG_UNIT, schema.LEVEL],
        [("c", "a", 0, "Landratsamt X", "municipality")],
    )
    assert levels(on(log, backend)) == [("e1", "municipality", False)]


def test_no_org_unit_and_no_level_leaves_the_log_without_level():
    log = make_log([schema.CASE, schema.ACTIVITY, "minutes"], [("c", "a", 0)])
    lf = with_event_level(steps.prepare(log))
    assert schema.LEVEL not in lf.collect_schema().names()


def test_inferred_levels_by_unit_name():
    assert inferred_levels(["Kreissozialamt", "Ortsgemeinde Au", "Poststelle", None]) == {
        "Kreissozialamt": "county",
        "Ortsgemeinde Au": "municipality",
    }
