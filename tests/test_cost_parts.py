"""The yearly cost split by government level or activity adds up to the whole log's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import polars as pl
import pytest

from analyzer import schema
from analyzer.cost_model import ActivityCosting, annual_cost, annual_cost_parts
from connectors.cost_settings import default_cost_settings

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
# three cases over 200 days: "Prüfen" at the municipality, "Bescheid" at the county
LOG = pl.DataFrame(
    {
        schema.CASE: ["a", "a", "b", "b", "c"],
        schema.ACTIVITY: ["Prüfen", "Bescheid", "Prüfen", "Bescheid", "Prüfen"],
        schema.TIMESTAMP: [
            START,
            START + timedelta(hours=2),
            START + timedelta(days=100),
            START + timedelta(days=100, hours=1),
            START + timedelta(days=200),
        ],
        schema.LEVEL: ["municipality", "county", "municipality", "county", "municipality"],
    }
)


@pytest.mark.parametrize("by", [schema.LEVEL, schema.ACTIVITY])
def test_parts_add_up_to_the_whole(by: str) -> None:
    settings = default_cost_settings()
    pricing = {
        "tables": settings.tables,
        "activities": {
            "Prüfen": ActivityCosting(minutes=30),
            "Bescheid": ActivityCosting(minutes=10),
        },
        "defaults": settings.defaults,
    }
    total = annual_cost(LOG, **pricing)
    parts = annual_cost_parts(LOG, by=by, total=total, **pricing)
    assert len(parts) == 2
    whole = float(total[schema.COST_HOURS_PER_YEAR].iloc[0])
    # up to the rounding of each group's hours per case to the hundredth (0.17 h for 10 min)
    assert parts[schema.COST_HOURS_PER_YEAR].sum() == pytest.approx(whole, rel=0.01)
    # 3 × 30 min of checks against 2 × 10 min of notices: 90 of the 110 minutes
    share = parts.set_index(by)[schema.COST_HOURS_PER_YEAR]
    first = "municipality" if by == schema.LEVEL else "Prüfen"
    assert share[first] / whole == pytest.approx(90 / 110, rel=0.01)


def test_no_parts_without_the_column_or_a_yearly_volume() -> None:
    settings = default_cost_settings()
    pricing = {"tables": settings.tables, "defaults": settings.defaults}
    total = annual_cost(LOG, **pricing)
    assert annual_cost_parts(LOG.drop(schema.LEVEL), by=schema.LEVEL, total=total, **pricing).empty
    assert annual_cost_parts(LOG, by=schema.LEVEL, total=pd.DataFrame(), **pricing).empty
