"""Speed and memory of the analysis: process maps and all burden detectors against pm4py.

For each size, simulated events (:mod:`connectors.simulator`: Wohngeld, Gewerbeanmeldung and
Baugenehmigung of one municipality, with every attribute, and SOURCE_ROW as an imported log
has it) are written to one Parquet file,
then each contender runs in a fresh subprocess on that file, so the peak resident memory
reported is its own (``ru_maxrss`` of the child: interpreter, libraries and data):

* ``amtsweg maps``: :func:`analyzer.process_map.process_map` (directly-follows graph with
  frequencies and median/mean/p90 waits, start and end activities) and
  :func:`analyzer.process_map.variants`, on the Parquet file scanned by Polars (``--source
  duckdb``: on a DuckDB relation over it, as a workspace log is read);
* ``amtsweg maps, map columns``: the same, reading only the columns the maps use
  (:func:`map_columns`), as pm4py's contender reads only case, activity and timestamp;
* ``amtsweg maps+detectors``: the same plus the default detectors
  (:data:`analyzer.detectors.DEFAULT_DETECTORS`: all but ``handovers``, which runs only when
  named and is timed apart, outside the wall time) and the KPI tables (waiting time by step
  and unit, hand-overs between units, levels per case as a distribution);

Every amtsweg run starts with :func:`analyzer.steps.prepare` (stage ``prepare``): the log is
read into memory once, ordered by case and time, and numbered; maps and detectors share it.
* ``pm4py``: ``pandas.read_parquet`` (case, activity, timestamp), ``pm4py.format_dataframe``,
  ``discover_dfg``, ``discover_performance_dfg`` and ``get_variants``: the pm4py equivalent of
  ``amtsweg maps``.

Targets (issue 4): 10M events, maps plus all detectors, in at most 15 s wall and 2 GB peak
on 2 cores, and at least 10x faster than the pm4py equivalents.

    python benchmarks/analysis_bench.py                          # 1M and 10M events
    python benchmarks/analysis_bench.py --events 1000000 --skip pm4py
    python benchmarks/analysis_bench.py --threads 2 --data-dir /tmp/amtsweg-bench

Run it on a quiet machine; the load average is printed with the table. ``--data-dir`` keeps
the Parquet files for the next run (else they go to a temporary directory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("wohngeld", "gewerbeanmeldung", "baugenehmigung")
MUNICIPALITY = "musterstadt"
CONTENDERS = ("amtsweg-maps", "amtsweg-maps-columns", "amtsweg-all", "pm4py")
LABELS = {
    "amtsweg-maps": "amtsweg maps",
    "amtsweg-maps-columns": "amtsweg maps, map columns",
    "amtsweg-all": "amtsweg maps+detectors",
    "pm4py": "pm4py equivalents of maps",
}


# --- the children ------------------------------------------------------------------------------


def _duckdb(path: str, threads: int, memory_limit: str):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    if memory_limit:
        con.execute(f"SET memory_limit='{memory_limit}'")
    return con, con.read_parquet(path)


def run_amtsweg(
    path: str,
    threads: int,
    detectors: bool,
    memory_limit: str,
    source_kind: str,
    columns: tuple[str, ...] = (),
) -> dict:
    from analyzer.process_map import process_map, variants

    stages: dict[str, float] = {}
    extra: dict[str, object] = {}
    from analyzer import steps

    if source_kind == "duckdb":
        _con, source = _duckdb(path, threads, memory_limit)
    else:
        import polars as pl

        source = pl.scan_parquet(path)
    if columns:
        source = source.select(*columns)
    began = time.perf_counter()
    log = steps.prepare(source)
    stages["prepare"] = time.perf_counter() - began
    t = time.perf_counter()
    pmap = process_map(log)
    stages["map"] = time.perf_counter() - t
    t = time.perf_counter()
    table = variants(log, top=1000)
    stages["variants"] = time.perf_counter() - t
    extra.update(
        edges=len(pmap.edges), cases=pmap.cases, events=pmap.events, variants_shown=len(table)
    )
    if detectors:
        from analyzer.detectors import DEFAULT_DETECTORS, DETECTORS
        from analyzer.kpis import handovers_between_units, levels_distribution, waiting_time_by_step

        found = {}
        for name in DEFAULT_DETECTORS:
            t = time.perf_counter()
            found[name] = len(DETECTORS[name].function(log))
            stages[name] = time.perf_counter() - t
        t = time.perf_counter()
        waiting_time_by_step(log)
        handovers_between_units(log)
        levels_distribution(log)
        stages["kpis"] = time.perf_counter() - t
        extra["findings"] = found
    extra["wall_s"] = time.perf_counter() - began
    extra["stages"] = stages
    extra["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if detectors:
        # not in the default run (see analyzer.detectors); timed apart, outside wall_s
        t = time.perf_counter()
        extra["findings"]["handovers (named only)"] = len(DETECTORS["handovers"].function(log))
        extra["handovers_s"] = time.perf_counter() - t
        extra["handovers_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return extra


def run_pm4py(path: str) -> dict:
    import pandas as pd
    import pm4py

    from analyzer import schema

    began = time.perf_counter()
    frame = pd.read_parquet(path, columns=[schema.CASE, schema.ACTIVITY, schema.TIMESTAMP])
    stages = {"read": time.perf_counter() - began}
    t = time.perf_counter()
    frame = pm4py.format_dataframe(
        frame, case_id=schema.CASE, activity_key=schema.ACTIVITY, timestamp_key=schema.TIMESTAMP
    )
    stages["format_dataframe"] = time.perf_counter() - t
    t = time.perf_counter()
    dfg, _, _ = pm4py.discover_dfg(frame)
    stages["discover_dfg"] = time.perf_counter() - t
    t = time.perf_counter()
    pm4py.discover_performance_dfg(frame)
    stages["discover_performance_dfg"] = time.perf_counter() - t
    t = time.perf_counter()
    found = pm4py.get_variants(frame)
    stages["get_variants"] = time.perf_counter() - t
    return {
        "wall_s": time.perf_counter() - began,
        "stages": stages,
        "edges": len(dfg),
        "variants": len(found),
    }


def map_columns() -> tuple[str, ...]:
    """What the maps read: case, activity, times, the event's id and its row."""
    from analyzer import schema

    return (
        schema.CASE,
        schema.ACTIVITY,
        schema.TIMESTAMP,
        schema.START_TIMESTAMP,
        schema.EVENT_ID,
        schema.SOURCE_ROW,
    )


def child(kind: str, path: str, threads: int, memory_limit: str, source_kind: str) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
    if kind == "pm4py":
        result = run_pm4py(path)
    else:
        columns = map_columns() if kind == "amtsweg-maps-columns" else ()
        result = run_amtsweg(
            path, threads, kind == "amtsweg-all", memory_limit, source_kind, columns
        )
    result.setdefault("peak_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


# --- the parent --------------------------------------------------------------------------------


def simulated_parquet(events: int, folder: Path, seed: int) -> Path:
    """One Parquet file of about ``events`` simulated events (made once per folder)."""
    target = folder / f"analysis-{events}-{seed}-rows.parquet"
    if target.exists():
        return target
    sys.path.insert(0, str(REPO))
    import polars as pl
    import pyarrow.parquet as pq

    from analyzer import schema
    from connectors.simulator import simulate_event_log

    writer = None
    per_service = -(-events // len(SERVICES))
    row = 0
    try:
        for service in SERVICES:
            for chunk in simulate_event_log(service, MUNICIPALITY, events=per_service, seed=seed):
                # as an imported log: every event carries its row in the source
                frame = chunk.events.with_row_index(schema.SOURCE_ROW, offset=row + 1)
                row += frame.height
                table = frame.with_columns(pl.col(schema.SOURCE_ROW).cast(pl.Int64)).to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(target.with_suffix(".tmp"), table.schema)
                writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()
    target.with_suffix(".tmp").rename(target)
    return target


def measure(
    kind: str, path: Path, threads: int, timeout: float, memory_limit: str, source_kind: str
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--path",
        str(path),
        "--threads",
        str(threads),
        "--memory-limit",
        memory_limit,
        "--source",
        source_kind,
    ]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "POLARS_MAX_THREADS": str(threads)}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", default="1000000,10000000", help="comma-separated sizes (default 1M and 10M)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip", default="", help="contenders to leave out: " + ", ".join(CONTENDERS)
    )
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument(
        "--memory-limit",
        default="",
        help="DuckDB memory_limit for amtsweg (e.g. 1GB; default DuckDB's)",
    )
    parser.add_argument(
        "--source",
        choices=("parquet", "duckdb"),
        default="parquet",
        help="how amtsweg gets the log: the Parquet file scanned by Polars (as a file is read), "
        "or a DuckDB relation over it (as a workspace log is)",
    )
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path, args.threads, args.memory_limit, args.source)
        return 0

    sizes = [int(s) for s in args.events.split(",") if s]
    skip = {s for s in args.skip.split(",") if s}
    with tempfile.TemporaryDirectory(prefix="amtsweg-analysis-") as scratch:
        folder = Path(args.data_dir) if args.data_dir else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for size in sizes:
            path = simulated_parquet(size, folder, args.seed)
            for kind in CONTENDERS:
                if kind in skip:
                    continue
                result = measure(
                    kind, path, args.threads, args.timeout, args.memory_limit, args.source
                )
                rows.append((size, kind, result))
                print(f"{size:>11,} {LABELS[kind]:<28} {_cell(result)}", flush=True)
        print()
        print(
            f"threads {args.threads}, load average {os.getloadavg()[0]:.1f}, cpus {os.cpu_count()}"
        )
        print(f"{'events':>11} {'contender':<28} {'wall s':>8} {'peak MiB':>9} {'vs pm4py':>9}")
        for size, kind, result in rows:
            base = next((r for s, k, r in rows if s == size and k == "pm4py"), None)
            ratio = ""
            if base and "wall_s" in base and "wall_s" in result and kind != "pm4py":
                ratio = f"{base['wall_s'] / result['wall_s']:.1f}x"
            print(f"{size:>11,} {LABELS[kind]:<28} {_cell(result)} {ratio:>9}")
        for size, kind, result in rows:
            if "stages" in result:
                stages = ", ".join(f"{k} {v:.2f}" for k, v in result["stages"].items())
                print(f"\n{size:,} {LABELS[kind]} stages (s): {stages}")
            if "findings" in result:
                print(f"{size:,} findings: {result['findings']}")
            if "handovers_s" in result:
                print(
                    f"{size:,} handovers detector (named only): {result['handovers_s']:.2f} s, "
                    f"peak {result['handovers_peak_mib']:.0f} MiB"
                )
    return 0


def _cell(result: dict) -> str:
    if "error" in result:
        return f"{'error: ' + result['error']:>18}"
    return f"{result['wall_s']:>8.2f} {result['peak_mib']:>9.0f}"


if __name__ == "__main__":
    raise SystemExit(main())
