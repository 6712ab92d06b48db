"""Every Amtsweg benchmark in one run, each printing its table beside pm4py/pandas figures
measured in the same run on the same data.

    python benchmarks/run_all.py            # all: import (XES, CSV, Parquet), simulator, analysis
    python benchmarks/run_all.py --quick    # smaller inputs, for a first look (minutes, not tens)

Targets (from the issues; they are measured here, never asserted in tests):

* import: the Road Traffic Fine XES log at least 10x faster than pm4py's default read_xes,
  with less memory; a 5M-event CSV and Parquet file beside pandas (+ pm4py.format_dataframe);
* simulator: 10M events into Parquet at >= 1M events/s with peak memory under 1 GB;
* analysis: maps plus all detectors on 10M events in <= 15 s and <= 2 GB on 2 cores, at least
  10x faster than pm4py's format_dataframe + discover_dfg + discover_performance_dfg +
  get_variants.

Run it on a quiet machine; other jobs on the cores make the times vary.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    args = parser.parse_args()
    runs = [
        ("import_bench.py", []),
        ("import_tabular_bench.py", ["--events", "1000000"] if args.quick else []),
        ("simulate_bench.py", ["--events", "1000000"] if args.quick else []),
        ("analysis_bench.py", ["--events", "1000000"] if args.quick else []),
    ]
    failed = 0
    for script, extra in runs:
        print(f"\n=== {script} {' '.join(extra)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
