"""The shipped sample logs: they regenerate byte for byte from the command documented next
to them, and they show what their README promises."""

from __future__ import annotations

import shlex
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from analyzer import schema
from connectors.simulator import PROFILES, SAMPLE_COMMAND
from connectors.simulator.samples import (
    EXPECTED_RANKINGS,
    LEADERS,
    LOWEST,
    SAMPLE_LOGS,
    ranking_lines,
)

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
README = SAMPLES / "README.md"


def test_readme_documents_the_regeneration_command_and_the_rankings():
    text = README.read_text(encoding="utf-8")
    assert f"\n{SAMPLE_COMMAND}\n" in text
    for line in ranking_lines():
        assert f"\n{line}\n" in text


def test_documented_command_regenerates_the_shipped_samples_byte_for_byte(tmp_path):
    from app.cli.main import cli

    args = shlex.split(SAMPLE_COMMAND)[1:]
    args[args.index("--out") + 1] = str(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    # the folder is also a package (its samples are package data): README and code are no sample
    shipped = {
        p.name
        for p in SAMPLES.iterdir()
        if p.name not in ("README.md", "__init__.py", "__pycache__")
    }
    made = {p.name for p in tmp_path.iterdir()}
    assert made == shipped
    for name in sorted(shipped):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def per_thousand_cases(service: str) -> pl.DataFrame:
    events = pl.read_parquet(SAMPLES / f"{service}.parquet")
    labels = pl.read_parquet(SAMPLES / f"{service}.labels.parquet")
    cases = events.group_by(schema.MUNICIPALITY).agg(pl.col(schema.CASE).n_unique().alias("n"))
    counts = labels.group_by(schema.MUNICIPALITY, schema.LABEL_BURDEN).len()
    return counts.join(cases, on=schema.MUNICIPALITY).with_columns(
        (pl.col("len") / pl.col("n") * 1000).alias("rate")
    )


@pytest.mark.parametrize("service", list(EXPECTED_RANKINGS))
def test_samples_show_what_the_readme_promises(service):
    rates = per_thousand_cases(service)

    def rate(municipality: str, kind: str) -> float:
        row = rates.filter(
            (pl.col(schema.MUNICIPALITY) == PROFILES[municipality].name)
            & (pl.col(schema.LABEL_BURDEN) == kind)
        )
        return float(row["rate"].sum())

    for kind, order in EXPECTED_RANKINGS[service].items():
        values = [rate(m, kind) for m in order]
        assert values == sorted(values, reverse=True) and len(set(values)) == len(values), kind
    for kind, leader in LEADERS[service].items():
        others = [rate(m, kind) for m in PROFILES if m != leader]
        assert rate(leader, kind) > max(others), kind
    for kind in EXPECTED_RANKINGS[service]:
        assert rate(LOWEST, kind) == min(rate(m, kind) for m in PROFILES), kind


def test_every_sample_log_has_labels_and_a_mapping_for_each_file():
    for log in SAMPLE_LOGS:
        assert (SAMPLES / f"{log.name}.labels.parquet").exists()
        data = [
            p
            for p in SAMPLES.glob(f"{log.name}.*")
            if not p.name.endswith((".mapping.toml", ".labels.parquet"))
        ]
        assert data
        for path in data:
            assert (SAMPLES / f"{path.name}.mapping.toml").exists(), path.name
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 6_000_000
