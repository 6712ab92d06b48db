"""Speed and memory of the simulator: 10 million events into Parquet (plus labels).

Runs :func:`connectors.simulator.write_simulated_logs` in a fresh subprocess (so the peak
resident memory is the simulator's own, interpreter and libraries included) and prints wall
time, CPU time, events per second and peak memory. Targets (issue 3): at least 1,000,000
events per second into Parquet, peak memory under 1 GB for 10 million events.

    python benchmarks/simulate_bench.py                        # 10M Wohngeld events, Musterstadt
    python benchmarks/simulate_bench.py --events 2000000 --service gewerbeanmeldung \\
        --municipality musterdorf --repeat 3

Run it on a quiet machine: other jobs on the cores stretch the wall time (the CPU time shows
how much work the run itself did). The files go to a temporary directory and are deleted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(service: str, municipality: str, events: int, seed: int) -> None:
    sys.path.insert(0, str(REPO))
    from connectors.simulator import write_simulated_logs

    with tempfile.TemporaryDirectory(prefix="amtsweg-simulate-") as folder:
        wall = time.perf_counter()
        cpu = time.process_time()
        result = write_simulated_logs(service, municipality, folder, events=events, seed=seed)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        sizes = {p.name: p.stat().st_size for p in Path(folder).iterdir()}
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "events": result.events,
                "cases": result.cases,
                "labels": sum(result.labels.values()),
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_mib": peak_kib / 1024,
                "parquet_mib": sizes.get(f"{service}.parquet", 0) / 2**20,
                "labels_mib": sizes.get(f"{service}.labels.parquet", 0) / 2**20,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--service", default="wohngeld")
    parser.add_argument("--municipality", default="musterstadt")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.service, args.municipality, args.events, args.seed)
        return 0

    runs = []
    for _ in range(args.repeat):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--events",
                str(args.events),
                "--service",
                args.service,
                "--municipality",
                args.municipality,
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["wall_s"])
    peak = max(r["peak_mib"] for r in runs)
    rate = best["events"] / best["wall_s"]
    print(
        f"simulate {args.service}/{args.municipality} -> Parquet + labels "
        f"({len(runs)} run{'s' if len(runs) > 1 else ''}, fastest shown)"
    )
    print(f"  events        {best['events']:>14,}")
    print(f"  cases         {best['cases']:>14,}")
    print(f"  labels        {best['labels']:>14,}")
    print(f"  wall time     {best['wall_s']:>14.2f} s")
    print(f"  CPU time      {best['cpu_s']:>14.2f} s")
    print(f"  events/s      {rate:>14,.0f}   (target >= 1,000,000)")
    print(f"  peak memory   {peak:>14,.0f} MiB (target < 1,024)")
    print(
        f"  Parquet       {best['parquet_mib']:>14.1f} MiB events, "
        f"{best['labels_mib']:.1f} MiB labels"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
