"""German and ISO timestamps, time zones and the errors users see."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from analyzer.problems import InputError
from connectors.timestamps import localize_timestamps, parse_timestamps


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.11.2026 14:05", utc(2026, 11, 23, 13, 5)),  # CET = UTC+1
        ("23.11.2026 14:05:09", utc(2026, 11, 23, 13, 5, 9)),
        ("01.07.2026 08:00", utc(2026, 7, 1, 6, 0)),  # CEST = UTC+2
        ("1.7.2026, 08:00", utc(2026, 7, 1, 6, 0)),
        ("23.11.2026", utc(2026, 11, 22, 23, 0)),
        ("23.11.26 14:05", utc(2026, 11, 23, 13, 5)),
        ("23.11.26", utc(2026, 11, 22, 23, 0)),
        ("2026-11-23T14:05:00", utc(2026, 11, 23, 13, 5)),
        ("2026-11-23 14:05", utc(2026, 11, 23, 13, 5)),
        ("2026-11-23T14:05:00.250", utc(2026, 11, 23, 13, 5, 0, 250000)),
        ("2026-11-23T14:05:00+01:00", utc(2026, 11, 23, 13, 5)),
        ("2026-07-01T14:05:00+0200", utc(2026, 7, 1, 12, 5)),
        ("2026-11-23T13:05:00Z", utc(2026, 11, 23, 13, 5)),
        ("2026-11-23", utc(2026, 11, 22, 23, 0)),
        # spring gap: 02:30 did not exist in Berlin on 29.03.2026; read as the wall clock 03:30
        ("29.03.2026 02:30", utc(2026, 3, 29, 1, 30)),
        # autumn overlap: 02:30 happened twice on 25.10.2026; the earlier instant is taken
        ("25.10.2026 02:30", utc(2026, 10, 25, 0, 30)),
    ],
)
def test_one_form_each(text: str, expected: datetime) -> None:
    out = parse_timestamps(pl.Series("Zeitpunkt", [text]), column="Zeitpunkt", source="a.csv")
    assert out.dtype == pl.Datetime("us", "UTC")
    assert out.to_list() == [expected]


def test_empty_values_become_null_and_other_zone_is_honoured() -> None:
    out = parse_timestamps(
        pl.Series("t", ["", None, " 23.11.2026 14:05 "]),
        column="t",
        source="a.csv",
        timezone="America/New_York",
    )
    assert out.to_list() == [None, None, utc(2026, 11, 23, 19, 5)]


def test_unparseable_values_are_named_with_their_rows() -> None:
    values = pl.Series("Zeitpunkt", ["23.11.2026 14:05", "31.02.2026", "gestern", "x"])
    with pytest.raises(InputError) as caught:
        parse_timestamps(
            values, column="Zeitpunkt", source="export.csv", rows=pl.Series([2, 3, 4, 5])
        )
    problems = caught.value.problems
    assert [(p.row, p.value) for p in problems] == [(3, "31.02.2026"), (4, "gestern"), (5, "x")]
    assert all(p.file == "export.csv" and p.column == "Zeitpunkt" for p in problems)
    assert "Zeitpunkt nicht lesbar" in caught.value.text("de")
    assert "timestamp cannot be read" in caught.value.text("en")


def test_many_bad_values_show_the_first_five_and_the_total() -> None:
    values = pl.Series("t", [f"kaputt {i}" for i in range(12)])
    with pytest.raises(InputError) as caught:
        parse_timestamps(values, column="t", source="a.csv")
    problems = caught.value.problems
    assert [p.value for p in problems[:5]] == [f"kaputt {i}" for i in range(5)]
    assert "12" in problems[-1].en


def test_mixed_offsets_are_refused() -> None:
    values = pl.Series("t", ["2026-11-23T14:05:00+01:00", "2026-11-23T14:05:00"])
    with pytest.raises(InputError) as caught:
        parse_timestamps(values, column="t", source="a.csv")
    (p,) = caught.value.problems
    assert p.code == "timestamp.mixed_offsets"
    assert "row 1" in p.en and "row 2" in p.en


def test_different_offsets_are_fine() -> None:
    values = pl.Series("t", ["2026-01-10T10:00:00+01:00", "2026-07-10T10:00:00+02:00"])
    out = parse_timestamps(values, column="t", source="a.csv")
    assert out.to_list() == [utc(2026, 1, 10, 9), utc(2026, 7, 10, 8)]


def test_localize_naive_and_aware() -> None:
    naive = pl.Series("t", [datetime(2026, 7, 1, 8, 0)])
    assert localize_timestamps(naive).to_list() == [utc(2026, 7, 1, 6, 0)]
    aware = pl.Series("t", [utc(2026, 7, 1, 6, 0)]).dt.convert_time_zone("Europe/Berlin")
    assert localize_timestamps(aware).to_list() == [utc(2026, 7, 1, 6, 0)]
    assert localize_timestamps(aware).dtype == pl.Datetime("us", "UTC")
