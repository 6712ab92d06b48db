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


@pytest.fixture(scope="module")
def serve_app():
    """Serve a Dash app with waitress on 127.0.0.1 and a free port, in a background thread:
    ``start(app, **waitress_options) -> base URL``. Every server started stops at the end of
    the test module."""
    import threading

    from waitress import wasyncore
    from waitress.server import create_server

    running = []

    def start(app, **options) -> str:
        server = create_server(app.server, host="127.0.0.1", port=0, threads=4, **options)
        thread = threading.Thread(target=server.run, name="waitress", daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server, thread in running:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # the listening socket and open keep-alive channels
        thread.join(timeout=10)
