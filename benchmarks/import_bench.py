"""Import speed and memory of Amtsweg's readers against pm4py, one section per format.

Every reader runs in a fresh subprocess (``--child``), so the peak resident memory reported
is that reader's own (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end of the child,
including the interpreter and the libraries it imported). Seconds are the wall time of the
read call alone; with ``--repeat N`` the fastest of N runs is shown and the largest peak.

Sections (add one by writing a function that returns a list of :class:`Reader` and listing
it in :data:`SECTIONS`):

* ``xes``  the Road Traffic Fine Management log (561,470 events, 185 MB of XML) from
  ``../shared/logs``: :func:`connectors.xes.read_xes_log` (its fast reader and its lxml
  reference reader) against ``pm4py.read_xes`` with each variant pm4py 2.7 offers.
  ``pm4py.read_xes`` without a variant uses ``rustxes`` when that package is installed
  (it is a dependency of Amtsweg), else the lxml ``iterparse`` variant; the table says
  which one the default was in this run. pm4py runs with its own defaults, as a user calls
  it: its lxml variants then show a progress bar and count the traces in an extra pass
  first; one more row shows ``iterparse`` without that pass.

    python benchmarks/import_bench.py                   # every section, every reader
    python benchmarks/import_bench.py --section xes --readers amtsweg,pm4py-iterparse
    python benchmarks/import_bench.py --repeat 3

Run it on a quiet machine: with other jobs on the cores the times vary a lot. Sections whose
input is missing are skipped with a note (the public logs are not part of the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_LOGS = REPO.parent / "shared" / "logs"
sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Reader:
    """One row of a section's table: ``name`` runs ``kind`` on ``path`` in a child process."""

    name: str
    kind: str  # key of CHILD_READERS
    path: Path
    note: str = ""


# --- what a child process runs ------------------------------------------------------------------


def _amtsweg_xes(path: str) -> int:
    from connectors.xes import read_xes_log

    log = read_xes_log(path)
    assert log.details["reader"] == "fast", log.details
    return log.frame.height


def _amtsweg_xes_lxml(path: str) -> int:
    from analyzer import schema
    from connectors import xes
    from connectors.event_log import finalize_event_log

    frame, warnings, _details = xes._read_frame(
        Path(path), timezone=schema.DEFAULT_TIMEZONE, reader="lxml"
    )
    return finalize_event_log(frame, source=path, problems=tuple(warnings)).frame.height


def _pm4py_xes(variant: str | None, *, progress_bar: bool = True) -> Callable[[str], int]:
    """``pm4py.read_xes`` as a user calls it (its defaults: with tqdm installed the lxml
    variants show a progress bar, for which they first count the traces in a full pass)."""

    def read(path: str) -> int:
        import warnings

        warnings.simplefilter("ignore")
        import pm4py

        options = {} if progress_bar else {"show_progress_bar": False}
        frame = pm4py.read_xes(path, variant=variant, **options)
        return len(frame)

    return read


def _rustxes_raw(path: str) -> int:
    import rustxes

    frame, _log_attributes = rustxes.import_xes(path)
    return frame.height


PM4PY_XES_VARIANTS = ("iterparse", "iterparse_20", "iterparse_mem_compressed", "line_by_line",
                      "chunk_regex", "rustxes")  # fmt: skip

CHILD_READERS: dict[str, Callable[[str], int]] = {
    "amtsweg-xes": _amtsweg_xes,
    "amtsweg-xes-lxml": _amtsweg_xes_lxml,
    "pm4py-xes-default": _pm4py_xes(None),
    **{f"pm4py-xes-{v}": _pm4py_xes(v) for v in PM4PY_XES_VARIANTS},
    "pm4py-xes-iterparse-nobar": _pm4py_xes("iterparse", progress_bar=False),
    "rustxes-raw": _rustxes_raw,
}


def child(kind: str, path: str) -> None:
    """Run one reader and print its result as JSON (the parent parses the last line)."""
    read = CHILD_READERS[kind]
    # the libraries are imported before the clock starts (a warm-up read of nothing)
    _import_libraries(kind)
    start = time.perf_counter()
    events = read(path)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"events": events, "seconds": seconds, "peak_mb": peak_mb}))


def _import_libraries(kind: str) -> None:
    import polars  # noqa: F401

    if kind.startswith("amtsweg"):
        import connectors.xes  # noqa: F401
    elif kind.startswith("pm4py"):
        import warnings

        warnings.simplefilter("ignore")
        import pm4py  # noqa: F401
    elif kind == "rustxes-raw":
        import rustxes  # noqa: F401


# --- sections -----------------------------------------------------------------------------------


def xes_section() -> tuple[str, list[Reader]]:
    path = SHARED_LOGS / "Road_Traffic_Fine_Management_Process.xes.gz"
    title = f"XES import: {path.name} (561,470 events, 150,370 cases)"
    if not path.exists():
        return title, []
    default = _pm4py_default_xes_variant()
    readers = [
        Reader("amtsweg read_xes_log (fast)", "amtsweg-xes", path),
        Reader("amtsweg read_xes_log (lxml reference)", "amtsweg-xes-lxml", path),
        Reader(f"pm4py.read_xes() default = {default}", "pm4py-xes-default", path),
    ]
    readers += [
        Reader(f"pm4py.read_xes(variant={v!r})", f"pm4py-xes-{v}", path) for v in PM4PY_XES_VARIANTS
    ]
    name = "pm4py.read_xes(variant='iterparse', show_progress_bar=False)"
    readers.append(Reader(name, "pm4py-xes-iterparse-nobar", path))
    readers.append(Reader("rustxes.import_xes (raw polars, no pandas)", "rustxes-raw", path))
    return title, readers


def _pm4py_default_xes_variant() -> str:
    """Which importer ``pm4py.read_xes`` picks without a variant (asked in a child, so the
    parent stays light)."""
    code = (
        "from pm4py.util.rustxes_utils import get_rustxes_backend_name as g;"
        "from pm4py.util import constants as c;"
        "print(g() or c.DEFAULT_XES_PARSER)"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    except subprocess.CalledProcessError:
        return "unknown"
    return out.strip().splitlines()[-1] if out.strip() else "unknown"


SECTIONS: dict[str, Callable[[], tuple[str, list[Reader]]]] = {
    "xes": xes_section,
}


# --- running and printing -----------------------------------------------------------------------


def run(reader: Reader, repeat: int) -> dict[str, float] | str:
    best: dict[str, float] | None = None
    peak = 0.0
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", reader.kind, str(reader.path)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            return f"failed: {last[:120]}"
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        peak = max(peak, result["peak_mb"])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return {**best, "peak_mb": peak}


def table(title: str, readers: list[Reader], results: dict[str, dict | str]) -> str:
    ours = results.get(readers[0].name)
    base = ours["seconds"] if isinstance(ours, dict) else None
    lines = [
        title,
        "",
        f"| {'reader':<62} | {'seconds':>8} | {'events/s':>10} | {'peak RSS MB':>11} | "
        f"{'amtsweg is x faster':>19} |",
        f"|{'-' * 64}|{'-' * 9}:|{'-' * 11}:|{'-' * 12}:|{'-' * 20}:|",
    ]
    for reader in readers:
        r = results[reader.name]
        if isinstance(r, str):
            lines.append(f"| {reader.name:<62} | {r} |")
            continue
        rate = r["events"] / r["seconds"]
        factor = f"{r['seconds'] / base:.1f}" if base else "-"
        lines.append(
            f"| {reader.name:<62} | {r['seconds']:>8.2f} | {rate:>10,.0f} | "
            f"{r['peak_mb']:>11,.0f} | {factor:>19} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", action="append", choices=sorted(SECTIONS))
    parser.add_argument("--readers", help="comma-separated reader kinds (e.g. amtsweg-xes)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    wanted = set(args.readers.split(",")) if args.readers else None
    for name in args.section or list(SECTIONS):
        title, readers = SECTIONS[name]()
        if not readers:
            print(f"{title}\n\nskipped: input not found in {SHARED_LOGS}\n")
            continue
        if wanted:
            readers = [r for r in readers if r.kind in wanted]
        results: dict[str, dict | str] = {}
        for reader in readers:
            print(f"  running {reader.name} ...", file=sys.stderr, flush=True)
            results[reader.name] = run(reader, args.repeat)
        print(table(title, readers, results))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
