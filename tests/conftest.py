"""Shared fixtures: the public logs in ../shared/logs and the analysis backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer import engine

REPO = Path(__file__).resolve().parent.parent
SHARED_LOGS = REPO.parent / "shared" / "logs"


@pytest.fixture
def shared_log():
    """Path of a public log in ../shared/logs; skips the test with a reason where absent."""

    def find(name: str) -> Path:
        path = SHARED_LOGS / name
        if not path.exists():
            pytest.skip(
                f"public log {name} not found in {SHARED_LOGS} (it is not part of the repository;"
                " see the README, 'Real logs')"
            )
        return path

    return find


@pytest.fixture(params=[b.value for b in engine.Backend])
def backend(request) -> str:
    """Run a test once per analysis backend (duckdb, polars, pandas)."""
    return request.param
