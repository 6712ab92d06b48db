"""Import speed and memory of the tabular readers against pandas (+ pm4py).

Generates a German-style CSV (``;``, Windows-1252, ``23.11.2026 14:05``, decimal comma, German
headers) and a Parquet file of the same log into a temporary directory, then imports each in
its own subprocess, so peak memory is measured per reader:

* ``amtsweg csv``      :func:`connectors.delimited.read_csv_log` with the mapping the writer wrote
* ``pandas csv``       ``pandas.read_csv`` + ``pandas.to_datetime`` + ``pm4py.format_dataframe``
* ``amtsweg parquet``  :func:`connectors.parquet.read_parquet_log`
* ``pandas parquet``   ``pandas.read_parquet``

The Amtsweg readers do more than pandas here (encoding detection, transcoding, header
detection, validation of the whole log, duplicate check, event ids), so the comparison is of
"a checked canonical log" against "a frame pm4py accepts".

    python benchmarks/import_tabular_bench.py             # 5M events
    python benchmarks/import_tabular_bench.py --events 200000 --repeat 3

Run it on a quiet machine: with other jobs on the two cores the times vary by a factor of two.
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
sys.path.insert(0, str(REPO))

ACTIVITIES = [
    "Antrag eingegangen",
    "Vollständigkeit prüfen",
    "Unterlagen nachfordern",
    "Unterlagen eingegangen",
    "Stellungnahme Fachamt",
    "Gebühr berechnen",
    "Bescheid erstellen",
    "Bescheid versenden",
]
UNITS = ["Bauamt", "Ordnungsamt", "Bürgerbüro", "Landratsamt"]
MEDIA = ["paper", "post", "email", "online", "efile"]


def generate(directory: Path, events: int) -> tuple[Path, Path, Path]:
    """A German-style CSV, its mapping and a Parquet file of a synthetic log of ``events``."""
    import polars as pl

    from analyzer import schema
    from connectors.delimited import write_csv_log
    from connectors.parquet import write_parquet_log

    per_case = len(ACTIVITIES)
    i = pl.int_range(events, dtype=pl.Int64, eager=True)
    case = i // per_case
    step = i % per_case
    start = pl.datetime(2026, 1, 1, time_zone="UTC")
    frame = pl.DataFrame({"i": i, "case": case, "step": step}).select(
        pl.format("BA-{}", pl.col("case").cast(pl.String).str.zfill(7)).alias(schema.CASE),
        pl.col("step")
        .replace_strict(list(range(per_case)), ACTIVITIES, return_dtype=pl.String)
        .alias(schema.ACTIVITY),
        (
            start
            + pl.duration(minutes=pl.col("case") * 7 + pl.col("step") * 1440 + pl.col("i") % 11)
        ).alias(schema.TIMESTAMP),
        pl.format("user{}", (pl.col("case") % 97).cast(pl.String)).alias(schema.RESOURCE),
        (pl.col("i") + 1).cast(pl.String).alias(schema.EVENT_ID),
        pl.col("step")
        .mod(len(UNITS))
        .replace_strict(list(range(len(UNITS))), UNITS, return_dtype=pl.String)
        .alias(schema.ORG_UNIT),
        pl.col("i")
        .mod(len(MEDIA))
        .replace_strict(list(range(len(MEDIA))), MEDIA, return_dtype=pl.String)
        .alias(schema.MEDIUM),
        ((pl.col("i") % 500) / 4).alias("Gebühr"),
    )
    csv = directory / "vorgaenge.csv"
    started = time.perf_counter()
    mapping = write_csv_log(frame, csv, style="german")
    print(
        f"  wrote German CSV ({csv.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    parquet = directory / "vorgaenge.parquet"
    started = time.perf_counter()
    write_parquet_log(frame, parquet)
    print(
        f"  wrote Parquet ({parquet.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return csv, mapping, parquet


def run_one(name: str, path: Path, mapping: Path | None) -> dict:
    """Import ``path`` with reader ``name`` in this process; seconds, events, peak RSS.

    Modules are imported before the clock starts (pm4py alone takes a second to import).
    """
    import pandas as pd
    import pm4py

    from connectors.delimited import read_csv_log
    from connectors.parquet import read_parquet_log

    started = time.perf_counter()
    if name == "amtsweg csv":
        events = read_csv_log(path, mapping=mapping).frame.height
    elif name == "pandas csv":
        df = pd.read_csv(
            path,
            sep=";",
            encoding="cp1252",
            decimal=",",
            dtype={"Aktenzeichen": str, "Ereignis-ID": str},
        )
        df["Zeitpunkt"] = pd.to_datetime(df["Zeitpunkt"], format="%d.%m.%Y %H:%M")
        df = pm4py.format_dataframe(
            df, case_id="Aktenzeichen", activity_key="Tätigkeit", timestamp_key="Zeitpunkt"
        )
        events = len(df)
    elif name == "amtsweg parquet":
        events = read_parquet_log(path).frame.height
    elif name == "pandas parquet":
        events = len(pd.read_parquet(path))
    else:
        raise SystemExit(f"unknown reader {name}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"reader": name, "seconds": seconds, "events": events, "peak_rss_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per reader; the fastest is shown"
    )
    parser.add_argument("--one", nargs=3, metavar=("READER", "PATH", "MAPPING"), help="internal")
    args = parser.parse_args()
    if args.one:
        reader, path, mapping = args.one
        result = run_one(reader, Path(path), Path(mapping) if mapping != "-" else None)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
        print(f"Generating {args.events:,} events ...")
        csv, mapping, parquet = generate(Path(tmp), args.events)
        runs = [
            ("amtsweg csv", csv, mapping),
            ("pandas csv", csv, None),
            ("amtsweg parquet", parquet, None),
            ("pandas parquet", parquet, None),
        ]
        print(f"\n{'reader':<18}{'seconds':>10}{'events/s':>14}{'peak RSS MB':>14}")
        for reader, path, extra in runs:
            results = []
            for _ in range(args.repeat):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", reader, str(path), str(extra or "-")],
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                )
                if done.returncode != 0:
                    print(f"{reader:<18} failed:\n{done.stderr[-2000:]}")
                    break
                results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            if not results:
                continue
            result = min(results, key=lambda r: r["seconds"])
            rate = result["events"] / result["seconds"]
            print(
                f"{reader:<18}{result['seconds']:>10.2f}{rate:>14,.0f}"
                f"{result['peak_rss_mb']:>14,.0f}"
            )
        print(f"(load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()
