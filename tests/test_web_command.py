"""``amtsweg app`` as a user starts it: without a workspace it builds the demo from the shipped
samples, prints two logins, and serves them with waitress."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of_login(base: str, name: str, password: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    data = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.build_opener(NoRedirect).open(base + "/login", data, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_app_without_workspace_serves_the_demo_with_printed_logins(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "app", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "http://" in line:
                break
        output = "".join(lines)
        assert f"Amtsweg läuft auf http://127.0.0.1:{port}/" in output, output
        logins = dict(re.findall(r"^  (\S+) / (\S+) ", output, flags=re.MULTILINE))
        assert set(logins) == {"admin", "musterdorf"}, output
        assert (tmp_path / "amtsweg-demo.duckdb").exists()
        base = f"http://127.0.0.1:{port}"
        status = None
        for _ in range(100):  # waitress binds right after the line is printed
            try:
                status = status_of_login(base, "musterdorf", logins["musterdorf"])
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        assert status == 302
        assert status_of_login(base, "admin", logins["musterdorf"]) == 401
        assert "Traceback" not in output
    finally:
        process.terminate()
        process.wait(timeout=30)
