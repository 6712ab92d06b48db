"""Logs in and out of the workspace: read a file or database, import it, what it holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer import schema
from analyzer.log_summary import attribute_coverage, log_overview
from analyzer.problems import InputError, Problem, Severity, error, problem
from connectors.event_log import EventLog
from connectors.workspace import DEFAULT_WORKSPACE, ImportRecord, Workspace


def is_database_url(source: str | Path) -> bool:
    return "://" in str(source)


@dataclass(frozen=True)
class MappingChoice:
    """The mapping file a log is read with, and why: ``"given"`` (``--mapping``),
    ``"beside"`` (``FILE.mapping.toml`` next to the file) or ``"detected"`` (none: the
    columns are recognised by their names)."""

    path: Path | None
    how: str

    def sentence(self, source: str | Path) -> tuple[str, str]:
        """One line saying which mapping ``source`` is read with (German, English)."""
        name = str(source)
        if self.how == "given":
            return f"{name}: Zuordnung {self.path}", f"{name}: mapping {self.path}"
        if self.how == "beside":
            return (
                f"{name}: Zuordnung {self.path} (neben der Datei gefunden)",
                f"{name}: mapping {self.path} (found beside the file)",
            )
        return (
            f"{name}: keine Zuordnungsdatei, Spalten automatisch erkannt",
            f"{name}: no mapping file, columns recognised automatically",
        )


def mapping_for(source: str | Path, mapping: str | Path | None = None) -> MappingChoice:
    """The one rule every command follows: ``mapping`` where given; else the mapping file
    beside the file (``export.mapping.toml`` as ``amtsweg map`` writes it, or
    ``export.csv.mapping.toml``); else none, and the reader recognises the columns."""
    from connectors.mapping import default_mapping_path

    if mapping is not None:
        return MappingChoice(Path(mapping), "given")
    if not is_database_url(source):
        file = Path(source)
        for candidate in (default_mapping_path(file), file.with_name(file.name + ".mapping.toml")):
            if candidate.is_file():
                return MappingChoice(candidate, "beside")
    return MappingChoice(None, "detected")


#: Files in a folder of exports that are not logs: ground-truth labels, column mappings and
#: step mappings (which ``--step-mapping`` names).
NOT_LOGS: tuple[str, ...] = ("*.labels.parquet", "*.mapping.toml", "step_mapping_*.toml")


@dataclass(frozen=True)
class LogFiles:
    """The log files a list of files and folders names (:func:`logs_in`)."""

    files: tuple[Path, ...]
    #: files found in a folder with no mapping beside them: taken if they read as a log,
    #: else skipped with a note (a folder of exports may hold other tables too)
    tentative: frozenset[Path]
    notes: tuple[Problem, ...]

    def skipped(self, file: Path, reason: InputError) -> Problem:
        """The note for a tentative file that did not read as a log."""
        why_de, why_en = reason.problems[0].text("de"), reason.problems[0].text("en")
        return problem(
            "folder.not_a_log",
            f"übersprungen, als Protokoll nicht lesbar: {why_de}",
            f"skipped, not readable as a log: {why_en}",
            file=str(file),
            severity=Severity.WARNING,
        )


def logs_in(sources: Sequence[str | Path]) -> LogFiles:
    """``sources`` with every folder replaced by the logs in it (sorted by name), and a note
    naming the files of a folder that were skipped: labels, mappings, step mappings and
    files of no log format. Files named directly are taken as they are."""
    from connectors.reading import READERS

    endings = tuple(e for _module, _function, ends in READERS.values() for e in ends)
    files: list[Path] = []
    tentative: set[Path] = set()
    notes: list[Problem] = []
    for source in sources:
        folder = Path(source)
        if is_database_url(source) or not folder.is_dir():
            files.append(folder)
            continue
        skipped = []
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            name = file.name.lower()
            if name.startswith(".") or any(fnmatch(name, pattern) for pattern in NOT_LOGS):
                skipped.append(file.name)
            elif name.endswith(endings):
                files.append(file)
                if mapping_for(file).how == "detected":
                    tentative.add(file)
            else:
                skipped.append(file.name)
        if skipped:
            notes.append(
                problem(
                    "folder.skipped",
                    f"übersprungen (kein Protokoll): {', '.join(skipped)}",
                    f"skipped (not a log): {', '.join(skipped)}",
                    file=str(folder),
                    severity=Severity.WARNING,
                )
            )
    return LogFiles(tuple(files), frozenset(tentative), tuple(notes))


def read_log(
    source: str | Path,
    *,
    mapping: str | Path | None = None,
    duplicates: str = "keep",
    sheet: str | None = None,
    object_type: str | None = None,
    table: str | None = None,
    query: str | None = None,
    timezone: str | None = None,
    progress: Callable[..., Any] | None = None,
) -> EventLog:
    """Read and validate a log from a file (CSV, Excel, Parquet, XES, OCEL 2.0) or a database
    URL (with ``table`` or ``query``), with the mapping :func:`mapping_for` chooses; raises
    :class:`~analyzer.problems.InputError`."""
    options: dict[str, Any] = {
        "duplicates": duplicates,
        "timezone": timezone,
        "progress": progress,
    }
    mapping = mapping_for(source, mapping).path
    if is_database_url(source):
        from connectors.sql import read_sql_log

        options.update(table=table, query=query)
        return read_sql_log(str(source), mapping=mapping, **given(options))
    from connectors.reading import read_event_log

    options.update(sheet=sheet, object_type=object_type)
    return read_event_log(Path(source), mapping=mapping, **given(options))


def import_log(
    source: str | Path,
    *,
    workspace: str | Path = DEFAULT_WORKSPACE,
    municipality: str | None = None,
    service: str | None = None,
    mapping: str | Path | None = None,
    **read_options: Any,
) -> list[ImportRecord]:
    """Read ``source`` and store it in ``workspace`` (atomic; replaces the same log)."""
    mapping = mapping_for(source, mapping).path
    log = read_log(source, mapping=mapping, **read_options)
    with Workspace(workspace) as ws:
        return ws.import_log(
            log,
            municipality=municipality,
            service=service,
            source_path=source if not is_database_url(source) else None,
            mapping_path=mapping,
        )


def overview(
    source: str | Path | None = None, *, workspace: str | Path | None = None, **read_options: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overview, attribute coverage) of a file or of a whole workspace."""
    if source is not None:
        return overview_of_frame(read_log(source, **read_options).frame)
    with Workspace(workspace or DEFAULT_WORKSPACE, read_only=True) as ws:
        overviews, coverages = [], []
        for _m, _s, events in ws.partitions():
            overviews.append(log_overview(events))
            coverages.append(attribute_coverage(events))
    if not overviews:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(overviews, ignore_index=True), pd.concat(coverages, ignore_index=True)


def logs_of(frame: Any) -> list[tuple[tuple[str, str], Any]]:
    """((municipality, service), events) for each log in the Polars ``frame``, by key: a log
    is analysed on its own, as in a workspace. A missing column or value is ``""``."""
    keys = [c for c in (schema.MUNICIPALITY, schema.SERVICE) if c in frame.columns]
    if not keys:
        return [(("", ""), frame)]
    groups = frame.partition_by(keys, as_dict=True, maintain_order=True)
    out = []
    for values, events in groups.items():
        named = dict(zip(keys, values, strict=True))
        key = tuple(str(named.get(c) or "") for c in (schema.MUNICIPALITY, schema.SERVICE))
        out.append((key, events))
    return sorted(out, key=lambda item: item[0])


def filtered_to(frame: Any, *, municipality: str | None, service: str | None) -> Any:
    import polars as pl

    for column, value in ((schema.MUNICIPALITY, municipality), (schema.SERVICE, service)):
        if value is not None:
            if column not in frame.columns:
                raise error(
                    "filter.no_column",
                    f"die Datei hat keine Spalte {schema.FIELDS_BY_COLUMN[column].label_de}",
                    f"the file has no {schema.FIELDS_BY_COLUMN[column].label_en} column",
                    column=column,
                )
            frame = frame.filter(pl.col(column) == value)
    return frame


def overview_of_frame(frame: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overview, attribute coverage) of an event log frame (any backend)."""
    return log_overview(frame), attribute_coverage(frame)


def import_history(*, workspace: str | Path = DEFAULT_WORKSPACE) -> pd.DataFrame:
    """Provenance of the imports that produced each current log of ``workspace``."""
    with Workspace(workspace, read_only=True) as ws:
        current = ws.logs()[["import_id"]]
        return ws.imports().merge(current, on="import_id").reset_index(drop=True)


def given(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


def segments_of(
    parts: Sequence[tuple[tuple[str, str], Any]],
    *,
    by: str | None,
    where: Mapping[str, str] | None,
) -> list[tuple[tuple[str, str], Any]]:
    """Each log of ``parts`` split into its segments (:func:`analyzer.segments.segmented`:
    the cases of ``where``, one log per value of ``by``), each a log of its own; a log
    with no case left is left out."""
    from analyzer.segments import segmented

    out: list[tuple[tuple[str, str], Any]] = []
    for _key, events in parts:
        chosen = segmented(events, by=by, where=where)
        if chosen.height:
            out += logs_of(chosen)
    return out


def workspace_attributes(
    *, workspace: str | Path = DEFAULT_WORKSPACE
) -> dict[tuple[str, str], list[str]]:
    """Per log of ``workspace``, its own attributes beyond the canonical columns (what
    ``--by`` and ``--where`` can name: :func:`analyzer.segments.extra_attributes`)."""
    from analyzer.segments import extra_attributes

    with Workspace(workspace, read_only=True) as ws:
        return {(m, s): extra_attributes(events.columns) for m, s, events in ws.partitions()}
