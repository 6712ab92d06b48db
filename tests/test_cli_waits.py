"""``amtsweg analyze --periods``: long waits by whose wait it is, in days, in the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXPORT = (
    "Aktenzeichen;Tätigkeit;Zeitpunkt\n"
    # the notice is sent: a 30-day objection period runs, then 10 more days lie with the office
    "H-1;Antrag eingegangen;02.03.2026 09:00\n"
    "H-1;Bescheid zugestellt;03.03.2026 09:00\n"
    "H-1;Akte geschlossen;12.04.2026 09:00\n"
    # the office waits for the applicant's papers (the lexicon knows the request)
    "H-2;Antrag eingegangen;02.03.2026 09:00\n"
    "H-2;Unterlagen beim Antragsteller nachgefordert;03.03.2026 09:00\n"
    "H-2;Unterlagen eingereicht;15.04.2026 09:00\n"
)
PERIODS = '[statutory]\n"Bescheid zugestellt" = 30\n'
MAPPING = '[columns]\ncase = "Aktenzeichen"\nactivity = "Tätigkeit"\ntimestamp = "Zeitpunkt"\n'


def analyze(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("AMTSWEG_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "analyze", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_waits_are_shown_by_whose_wait_in_days(tmp_path: Path) -> None:
    (tmp_path / "fristen.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "fristen.mapping.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "fristen.periods.toml").write_text(PERIODS, encoding="utf-8")
    done = analyze(tmp_path, "fristen.csv", "--periods", "fristen.periods.toml")
    assert done.returncode == 0, done.stderr
    rows = {
        cells[0]: cells[1:]
        for line in done.stdout.splitlines()
        if line.startswith("│")
        for cells in [[c.strip() for c in line.strip("│").split("│")]]
    }
    # H-1: 40 days after the notice; the 30-day period runs from the next day to the end of
    # its 30th (BGB §§ 187, 188), so 30.6 days are the period's and 9.4 the office's;
    # H-2: 43 days waiting for the applicant's papers
    assert rows["gesetzliche Frist"][:2] == ["1", "31"]
    assert rows["Verwaltung"][:2] == ["1", "9"]
    assert rows["Antragsteller"][:2] == ["1", "43"]
    assert "Lange Liegezeiten: wessen Wartezeit (Tage, keine Arbeitszeit)" in done.stdout


def test_a_typo_in_the_periods_file_stops_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "fristen.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "fristen.mapping.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "p.toml").write_text(PERIODS.replace("statutory", "statutroy"), encoding="utf-8")
    done = analyze(tmp_path, "fristen.csv", "--periods", "p.toml")
    assert done.returncode == 2
    assert "statutory" in done.stderr and "Traceback" not in done.stderr
