"""Simulated logs as files: Parquet (streamed), German CSV, XES and OCEL 2.0, each with a
mapping file, plus the ground-truth labels.

Files for a log called ``NAME`` in ``out_dir``:

==============================  ===========================================================
``NAME.parquet``                events, canonical columns (streamed chunk by chunk, zstd)
``NAME.csv``                    German export: ``;``, Windows-1252, ``dd.mm.yyyy HH:MM``,
                                German headers and values (Papier, Post, Kreis, ...)
``NAME.xes``                    XES (``connectors.xes``)
``NAME.jsonocel``               OCEL 2.0 JSON with object types "Vorgang" and
                                "Organisationseinheit" (``connectors.ocel``)
``NAME.<format>.mapping.toml``  the mapping that reads the file back into the canonical log
``NAME.labels.parquet``         ground truth, ``schema.LABEL_COLUMNS`` (streamed)
==============================  ===========================================================

Parquet is written with flat memory at any size. The CSV, XES and OCEL writers of the
connectors take whole frames, so those formats are meant for logs that fit in memory (the
XES writer streams from DuckDB). Event ids are the same in every format (in a flattened OCEL
log they are ``ocel:eid``), so one label file serves them all.
"""

from __future__ import annotations

import gzip
import os
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analyzer import schema
from analyzer.problems import InputError, problem
from analyzer.schema import Level, Medium
from connectors.mapping import Mapping, SourceHints, read_mapping, write_mapping
from connectors.simulator.generation import CHUNK_CASES, DEFAULT_START, Chunk
from connectors.simulator.labels import LABEL_SCHEMA
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import Service
from connectors.simulator.simulation import arrow_chunks, checked_arguments

FORMATS: tuple[str, ...] = ("parquet", "csv", "xes", "ocel")
SUFFIXES: dict[str, str] = {
    "parquet": ".parquet",
    "csv": ".csv",
    "xes": ".xes",
    "ocel": ".jsonocel",
}

#: How a German Fachverfahren export names the media and levels (mapped back by the
#: mapping file written next to the CSV).
GERMAN_MEDIA: dict[str, str] = {
    Medium.PAPER: "Papier",
    Medium.POST: "Post",
    Medium.FAX: "Fax",
    Medium.EMAIL: "E-Mail",
    Medium.PHONE: "Telefon",
    Medium.IN_PERSON: "persönlich",
    Medium.ONLINE: "Online",
    Medium.EFILE: "E-Akte",
}
GERMAN_LEVELS: dict[str, str] = {
    Level.FEDERAL: "Bund",
    Level.STATE: "Land",
    Level.COUNTY: "Kreis",
    Level.MUNICIPALITY: "Gemeinde",
    Level.SOCIAL_INSURANCE: "Sozialversicherung",
    Level.OTHER: "sonstige",
}
OCEL_CASE_TYPE = "Vorgang"
OCEL_UNIT_TYPE = "Organisationseinheit"

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`write_simulated_logs` wrote."""

    files: tuple[Path, ...]
    cases: int
    events: int
    labels: dict[str, int]
    seconds: float


def mapping_path(data_file: Path) -> Path:
    """``wohngeld.csv`` → ``wohngeld.csv.mapping.toml`` (one mapping per file and format)."""
    return data_file.with_name(data_file.name + ".mapping.toml")


def write_simulated_logs(
    service: str | Service,
    profiles: str | MunicipalityProfile | Iterable[str | MunicipalityProfile],
    out_dir: str | Path,
    *,
    name: str | None = None,
    formats: Sequence[str] = ("parquet",),
    cases: int | None = None,
    events: int | None = None,
    seed: int = 0,
    start: date = DEFAULT_START,
    clean: bool = False,
    drop: Sequence[str] = (),
    chunk_cases: int = CHUNK_CASES,
    compress: bool = False,
    progress: Progress = None,
) -> SimulationResult:
    """Simulate ``service`` in each of ``profiles`` into one log and write it in ``formats``.

    ``cases``/``events`` apply to each municipality (default: its cases per year). The log
    is named ``name`` (default: the service key). Returns the files written and the counts.
    ``compress``: write XES and OCEL gzip-compressed (``.xes.gz``, ``.jsonocel.gz``; the
    readers detect it). ``progress(done_events, planned_events)`` is called after each chunk.
    """
    began = time.perf_counter()
    problems = []
    try:
        wanted = _formats(formats)
    except InputError as exc:
        problems += exc.problems
    try:
        svc, profs, dropped = checked_arguments(
            service, profiles, cases=cases, events=events, seed=seed, start=start, drop=drop
        )
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = name or svc.key
    events_file = out / f"{name}.parquet"
    labels_file = out / f"{name}.labels.parquet"
    stream = events_file if "parquet" in wanted else out / f".{name}.simulating.parquet"

    def chunks() -> Iterable[Chunk]:
        for prof in profs:
            yield from arrow_chunks(
                svc,
                prof,
                cases=cases,
                events=events,
                seed=seed,
                start=start,
                clean=clean,
                drop=dropped,
                chunk_cases=chunk_cases,
            )

    planned = _planned_events(svc, profs, cases, events)
    counts = _write_parquet_pair(chunks(), stream, labels_file, progress, planned)
    files: list[Path] = []
    try:
        if "parquet" in wanted:
            files += [events_file, _write_mapping_for(events_file, "parquet")]
        if "csv" in wanted:
            files += _write_german_csv(stream, out / f"{name}.csv")
        gz = ".gz" if compress else ""
        if "xes" in wanted:
            files += _write_xes(stream, out / f"{name}.xes{gz}")
        if "ocel" in wanted:
            files += _write_ocel(stream, out / f"{name}.jsonocel{gz}")
    finally:
        if stream != events_file:
            stream.unlink(missing_ok=True)
    files.append(labels_file)
    return SimulationResult(
        files=tuple(files),
        cases=counts["cases"],
        events=counts["events"],
        labels={k: v for k, v in counts.items() if k not in ("cases", "events")},
        seconds=time.perf_counter() - began,
    )


def _formats(formats: Sequence[str]) -> list[str]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise InputError(
            [
                problem(
                    "simulate.format",
                    f"unbekanntes Format „{f}“; möglich: {', '.join(FORMATS)}",
                    f"unknown format '{f}'; possible: {', '.join(FORMATS)}",
                    value=f,
                )
                for f in (bad or ["—"])
            ]
        )
    return list(dict.fromkeys(wanted))


def _planned_events(
    svc: Service, profs: list[MunicipalityProfile], cases: int | None, events: int | None
) -> int:
    from connectors.simulator.generation import build_template, expected_events_per_case

    if events is not None:
        return events * len(profs)
    total = 0.0
    for p in profs:
        n = cases if cases is not None else p.cases_per_year[svc.key]
        total += n * expected_events_per_case(build_template(svc, p))
    return int(total)


def _write_parquet_pair(
    chunks: Iterable[Chunk],
    events_file: Path,
    labels_file: Path,
    progress: Progress,
    planned: int,
) -> Counter:
    """Stream chunks into the events and labels Parquet files; a writer thread writes one
    chunk while the next is generated (memory holds at most two chunks)."""
    counts: Counter = Counter(cases=0, events=0)
    handoff: queue.Queue = queue.Queue(maxsize=1)
    failure: list[BaseException] = []
    part_events = events_file.with_name(events_file.name + ".part")
    part_labels = labels_file.with_name(labels_file.name + ".part")

    def writer() -> None:
        events_writer = labels_writer = None
        try:
            while (chunk := handoff.get()) is not None:
                if events_writer is None:
                    events_writer = pq.ParquetWriter(
                        part_events, chunk.events.schema, **_PARQUET_OPTIONS
                    )
                    labels_writer = pq.ParquetWriter(
                        part_labels, LABEL_SCHEMA, **_LABEL_PARQUET_OPTIONS
                    )
                events_writer.write_table(chunk.events, row_group_size=chunk.events.num_rows)
                labels_writer.write_table(
                    chunk.labels, row_group_size=max(chunk.labels.num_rows, 1)
                )
        except BaseException as exc:  # surfaced in the main thread
            failure.append(exc)
            while handoff.get() is not None:
                pass
        finally:
            for w in (events_writer, labels_writer):
                if w is not None:
                    w.close()

    thread = threading.Thread(target=writer, name="amtsweg-simulate-writer", daemon=True)
    thread.start()
    try:
        for chunk in chunks:
            if failure:
                break
            counts["cases"] += chunk.cases
            counts["events"] += chunk.events.num_rows
            for item in pc.value_counts(chunk.labels.column(schema.LABEL_BURDEN)).to_pylist():
                counts[item["values"]] += item["counts"]
            handoff.put(chunk)
            if progress is not None:
                progress(counts["events"], max(planned, counts["events"]))
    finally:
        handoff.put(None)
        thread.join()
    if failure:
        part_events.unlink(missing_ok=True)
        part_labels.unlink(missing_ok=True)
        raise failure[0]
    if counts["events"] == 0:
        raise InputError([problem("simulate.empty", "nichts zu simulieren", "nothing to simulate")])
    os.replace(part_events, events_file)
    os.replace(part_labels, labels_file)
    return counts


_PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    # no Arrow schema in the file: readers see plain strings, not dictionaries
    "store_schema": False,
    "use_dictionary": True,
}
_LABEL_IDS = (schema.LABEL_BURDEN_ID, schema.LABEL_EVENT_ID, schema.LABEL_RELATED_EVENT_ID)
_LABEL_PARQUET_OPTIONS = {
    **_PARQUET_OPTIONS,
    # ids share long prefixes: delta encoding halves the file and the time
    "use_dictionary": [c for c in schema.LABEL_COLUMNS if c not in _LABEL_IDS],
    "column_encoding": dict.fromkeys(_LABEL_IDS, "DELTA_BYTE_ARRAY"),
}


def _canonical_mapping(
    columns: list[str], fmt: str, data_file: Path, object_type: str | None = None
) -> Mapping:
    return Mapping(
        columns={
            schema.FIELDS_BY_COLUMN[c].key: c for c in columns if c in schema.FIELDS_BY_COLUMN
        },
        source=SourceHints(format=fmt, object_type=object_type),
        for_file=data_file.name,
    )


def _write_mapping_for(data_file: Path, fmt: str, object_type: str | None = None) -> Path:
    columns = pq.read_schema(data_file).names if fmt == "parquet" else []
    return write_mapping(
        _canonical_mapping(columns, fmt, data_file, object_type), mapping_path(data_file)
    )


def _write_german_csv(events_file: Path, target: Path) -> list[Path]:
    from connectors.delimited import write_csv_log

    frame = pl.read_parquet(events_file)
    translated = frame.with_columns(
        [
            pl.col(c).replace_strict(table, default=None)
            for c, table in ((schema.MEDIUM, GERMAN_MEDIA), (schema.LEVEL, GERMAN_LEVELS))
            if c in frame.columns
        ]
    )
    where = mapping_path(target)
    write_csv_log(translated, target, style="german", mapping_path=where)
    written = read_mapping(where)
    values = {
        key: {german: canonical for canonical, german in table.items()}
        for key, column, table in (
            ("medium", schema.MEDIUM, GERMAN_MEDIA),
            ("level", schema.LEVEL, GERMAN_LEVELS),
        )
        if column in frame.columns
    }
    write_mapping(replace(written, values=values, path=None, lines={}, for_file=target.name), where)
    return [target, where]


def _write_xes(events_file: Path, target: Path) -> list[Path]:
    import duckdb

    from connectors.xes import write_xes_log

    compressed = target.name.endswith(".gz")
    plain = target.with_name(f".{target.name}.xes") if compressed else target
    with duckdb.connect() as con:
        write_xes_log(con.read_parquet(str(events_file)), plain)
    if compressed:  # gzip without time stamp or file name: same input, same bytes
        with (
            plain.open("rb") as src,
            target.open("wb") as raw,
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out,
        ):
            shutil.copyfileobj(src, out, 1 << 20)
        plain.unlink()
    columns = pq.read_schema(events_file).names
    where = write_mapping(_canonical_mapping(columns, "xes", target), mapping_path(target))
    return [target, where]


def _write_ocel(events_file: Path, target: Path) -> list[Path]:
    from connectors.ocel import OcelLog, write_ocel

    frame = pl.read_parquet(events_file)
    case_attributes = [
        c for c in (schema.MUNICIPALITY, schema.SERVICE, schema.LEIKA) if c in frame.columns
    ]
    event_attributes = [
        c
        for c in frame.columns
        if c
        not in (schema.CASE, schema.ACTIVITY, schema.TIMESTAMP, schema.EVENT_ID, *case_attributes)
    ]
    events = frame.select(
        pl.col(schema.EVENT_ID).alias(schema.OCEL_EVENT_ID),
        pl.col(schema.ACTIVITY).alias(schema.OCEL_ACTIVITY),
        pl.col(schema.TIMESTAMP).alias(schema.OCEL_TIMESTAMP),
        *event_attributes,
    )
    prefix = schema.CASE_ATTRIBUTE_PREFIX
    cases = frame.group_by(schema.CASE, maintain_order=True).agg(
        [pl.col(c).first().alias(c.removeprefix(prefix)) for c in case_attributes]
    )
    objects = [
        cases.rename({schema.CASE: schema.OCEL_OBJECT_ID}).with_columns(
            pl.lit(OCEL_CASE_TYPE).alias(schema.OCEL_OBJECT_TYPE)
        )
    ]
    relations = [
        frame.select(
            pl.col(schema.EVENT_ID).alias(schema.OCEL_EVENT_ID),
            pl.col(schema.CASE).alias(schema.OCEL_OBJECT_ID),
            pl.lit("Vorgang").alias(schema.OCEL_QUALIFIER),
        )
    ]
    if schema.ORG_UNIT in frame.columns:
        unit_id = pl.lit("OE: ") + pl.col(schema.ORG_UNIT)
        objects.append(
            frame.select(unit_id.alias(schema.OCEL_OBJECT_ID))
            .unique(maintain_order=True)
            .with_columns(pl.lit(OCEL_UNIT_TYPE).alias(schema.OCEL_OBJECT_TYPE))
        )
        relations.append(
            frame.select(
                pl.col(schema.EVENT_ID).alias(schema.OCEL_EVENT_ID),
                unit_id.alias(schema.OCEL_OBJECT_ID),
                pl.lit("bearbeitet von").alias(schema.OCEL_QUALIFIER),
            )
        )
    object_frame = pl.concat(objects, how="diagonal_relaxed")
    object_frame = object_frame.select(
        schema.OCEL_OBJECT_ID,
        schema.OCEL_OBJECT_TYPE,
        *[
            c
            for c in object_frame.columns
            if c not in (schema.OCEL_OBJECT_ID, schema.OCEL_OBJECT_TYPE)
        ],
    )
    ocel = OcelLog(
        events=events,
        objects=object_frame,
        relations=pl.concat(relations).sort(schema.OCEL_EVENT_ID, maintain_order=True),
        source=target.name,
    )
    write_ocel(ocel, target)
    # The OCEL reader leaves out attributes no event or object carries (Baugenehmigung has no
    # LeiKa key), so the mapping must not name them.
    carried = [
        c for c in (*event_attributes, *case_attributes) if frame[c].null_count() < frame.height
    ]
    columns = [schema.CASE, schema.ACTIVITY, schema.TIMESTAMP, schema.EVENT_ID, *carried]
    where = write_mapping(
        _canonical_mapping(columns, "ocel", target, OCEL_CASE_TYPE), mapping_path(target)
    )
    return [target, where]
