"""Importing Amtsweg sets Polars' allocator default before Polars loads (analyzer/__init__.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import analyzer

REPO = Path(__file__).resolve().parent.parent
_PROBE = (
    "import sys, os; import {package}; "
    "print(os.environ.get('_RJEM_MALLOC_CONF')); print('polars' in sys.modules)"
)


def _probe(package: str, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(package=package)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.parametrize("package", ["analyzer", "connectors", "reports", "app.cli"])
def test_every_entry_point_sets_the_default_first(package):
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    setting, loaded = _probe(package, env)
    assert setting == analyzer.POLARS_ALLOCATOR
    if package == "analyzer":
        # the package sets it before anything loads Polars (after, it would be too late)
        assert loaded == "False"


def test_a_setting_of_the_user_is_kept():
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:5000"}
    setting, _ = _probe("app.cli", env)
    assert setting == "dirty_decay_ms:5000"
