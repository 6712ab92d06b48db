"""The --periods file: statutory periods and whose turn it is, per service, checked up front."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.problems import InputError
from analyzer.wait_kinds import Periods, ServicePeriods
from connectors.periods import read_periods

EXAMPLE = Path(__file__).resolve().parents[1] / "docs/examples/road_traffic_fines.periods.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fristen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_periods_file_read_with_its_services(tmp_path):
    path = write(
        tmp_path,
        """
[statutory]
"Bescheid zugestellt" = 42
"Auslegung begonnen" = 30.5

[citizen]
starts = ["Anhörung versandt"]
steps = ["Stellungnahme des Antragstellers"]

[third_party]
starts = ["Akte an Landgericht"]

[services."Wohngeld".statutory]
"Bescheid zugestellt" = 30
""",
    )
    assert read_periods(path) == Periods(
        ServicePeriods(
            statutory={"Bescheid zugestellt": 42.0, "Auslegung begonnen": 30.5},
            citizen_starts=frozenset({"Anhörung versandt"}),
            citizen_steps=frozenset({"Stellungnahme des Antragstellers"}),
            third_party_starts=frozenset({"Akte an Landgericht"}),
        ),
        services={"Wohngeld": ServicePeriods(statutory={"Bescheid zugestellt": 30.0})},
        source=str(path),
    )


def test_every_mistake_at_once_with_line_and_closest_key(tmp_path):
    path = write(
        tmp_path,
        """[statutroy]
"Bescheid zugestellt" = 42

[citizen]
start = ["Anhörung versandt"]

[third_party]
starts = "Akte an Landgericht"

[services.Wohngeld.statutory]
"Bescheid zugestellt" = -3
""",
    )
    with pytest.raises(InputError) as caught:
        read_periods(path)
    found = [(p.code, p.row, p.column) for p in caught.value.problems]
    assert found == [
        ("periods.unknown_key", 1, "statutroy"),
        ("periods.unknown_key", 5, "citizen.start"),
        ("periods.not_a_list", 8, "third_party.starts"),
        ("periods.negative", 11, "services.Wohngeld.statutory.Bescheid zugestellt"),
    ]
    first = caught.value.problems[0]
    assert "meinten Sie „statutory“?" in first.de and "did you mean 'statutory'?" in first.en
    assert "meinten Sie „starts“?" in caught.value.problems[1].de


def test_a_period_of_no_days_and_a_missing_file(tmp_path):
    path = write(tmp_path, '[statutory]\n"Bescheid zugestellt" = 0\n')
    with pytest.raises(InputError) as caught:
        read_periods(path)
    assert [(p.code, p.row) for p in caught.value.problems] == [("periods.days_not_positive", 2)]
    with pytest.raises(InputError) as missing:
        read_periods(tmp_path / "fehlt.toml")
    assert missing.value.problems[0].code == "periods.not_found"


def test_the_road_traffic_fines_example_reads():
    periods = read_periods(EXAMPLE)
    assert periods.all_services.statutory["Insert Fine Notification"] == 60.0
    assert "Send Appeal to Prefecture" in periods.all_services.third_party_starts
