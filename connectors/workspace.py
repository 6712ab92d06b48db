"""The workspace: one DuckDB file that holds imported logs per municipality and service.

Each (municipality, service) log is its own table, so one municipality's events never share
a table with another's; a catalogue (``logs``) names them and a provenance table
(``imports``) records every import: source path, SHA-256 of the source, mapping used (path,
hash and full text), time, rows read/kept/rejected, the reader's details and warnings, and
the Amtsweg version.

An import is one transaction: a log that fails validation never reaches the workspace, and a
failure while writing rolls everything back, so the workspace stays exactly as it was.
Re-importing the same municipality and service replaces its log (the provenance of both
imports is kept).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl

from analyzer import schema
from analyzer.problems import InputError, error, problem
from connectors.event_log import EventLog

FORMAT_VERSION = "1"
DEFAULT_WORKSPACE = "amtsweg.duckdb"

_CATALOGUE = """
create table if not exists amtsweg_meta (key varchar primary key, value varchar);
create table if not exists logs (
    log_table varchar primary key,
    municipality varchar not null,
    service varchar not null,
    events bigint not null,
    cases bigint not null,
    import_id bigint not null,
    unique (municipality, service)
);
create sequence if not exists import_ids start 1;
create table if not exists imports (
    import_id bigint primary key,
    municipality varchar not null,
    service varchar not null,
    log_table varchar not null,
    source_path varchar not null,
    source_sha256 varchar,
    source_format varchar,
    mapping_path varchar,
    mapping_sha256 varchar,
    mapping_text varchar,
    imported_at timestamptz not null,
    rows_read bigint not null,
    rows_kept bigint not null,
    rows_rejected bigint not null,
    amtsweg_version varchar not null,
    details_json varchar,
    warnings_json varchar
);
"""


@dataclass(frozen=True)
class ImportRecord:
    """What one import put into the workspace."""

    import_id: int
    municipality: str
    service: str
    log_table: str
    rows_read: int
    rows_kept: int
    rows_rejected: int
    replaced: bool


class Workspace:
    """A DuckDB workspace file (created on first use). Use as a context manager."""

    def __init__(self, path: str | Path = DEFAULT_WORKSPACE, *, read_only: bool = False):
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise error(
                "workspace.missing",
                "Arbeitsbereich nicht gefunden; zuerst mit „amtsweg import“ anlegen",
                "workspace not found; create it with 'amtsweg import' first",
                file=self.path,
            )
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise error(
                "workspace.locked",
                "Arbeitsbereich kann nicht geöffnet werden (von einem anderen Programm "
                f"benutzt oder keine DuckDB-Datei): {exc}",
                "workspace cannot be opened (in use by another program or not a DuckDB "
                f"file): {exc}",
                file=self.path,
            ) from exc
        # Timestamps come back in UTC, whatever the machine's zone.
        self.con.execute("set TimeZone = 'UTC'")
        if not read_only:
            self.con.execute(_CATALOGUE)
            self.con.execute(
                "insert into amtsweg_meta values ('format_version', ?) on conflict do nothing",
                [FORMAT_VERSION],
            )
        elif not self._has_catalogue():
            raise error(
                "workspace.invalid",
                "die Datei ist kein Amtsweg-Arbeitsbereich",
                "the file is not an Amtsweg workspace",
                file=self.path,
            )

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # --- writing ------------------------------------------------------------------------

    def import_log(
        self,
        log: EventLog,
        *,
        municipality: str | None = None,
        service: str | None = None,
        source_path: str | Path | None = None,
        source_format: str | None = None,
        mapping_path: str | Path | None = None,
    ) -> list[ImportRecord]:
        """Store ``log`` (one table per municipality and service), atomically.

        ``municipality``/``service`` set those attributes for every event; where they are
        not given, the log's own MUNICIPALITY/SERVICE columns decide, and a log holding
        several municipalities (a county's export) becomes one workspace log each.
        """
        frame = _with_constant(log.frame, schema.MUNICIPALITY, municipality)
        frame = _with_constant(frame, schema.SERVICE, service)
        _require_partition_keys(frame, source=log.source)
        source = Path(source_path) if source_path else Path(log.source)
        source_hash = file_sha256(source) if source.is_file() else None
        mapping_text = mapping_hash = None
        if mapping_path is not None:
            raw = Path(mapping_path).read_bytes()
            mapping_hash = hashlib.sha256(raw).hexdigest()
            mapping_text = raw.decode("utf-8", errors="replace")
        details = json.dumps(dict(log.details), default=str, ensure_ascii=False, sort_keys=True)
        warnings = json.dumps(
            [{"code": p.code, "de": p.text("de"), "en": p.text("en")} for p in log.problems],
            ensure_ascii=False,
        )
        now = datetime.now(UTC)
        version = amtsweg_version()

        parts = frame.partition_by([schema.MUNICIPALITY, schema.SERVICE], maintain_order=True)
        records: list[ImportRecord] = []
        self.con.execute("begin transaction")
        try:
            for part in parts:
                m = part[schema.MUNICIPALITY][0]
                s = part[schema.SERVICE][0]
                existing = self._one(
                    "select log_table from logs where municipality = ? and service = ?", [m, s]
                )
                import_id = int(self._one("select nextval('import_ids')")[0])
                table = f"log_{import_id}"
                self.con.register("incoming", part.to_arrow())
                self.con.execute(f'create table "{table}" as select * from incoming')
                self.con.unregister("incoming")
                if existing:
                    self.con.execute("delete from logs where log_table = ?", [existing[0]])
                    self.con.execute(f'drop table "{existing[0]}"')
                cases = part[schema.CASE].n_unique()
                self.con.execute(
                    "insert into logs values (?, ?, ?, ?, ?, ?)",
                    [table, m, s, part.height, cases, import_id],
                )
                self._record_import(
                    [
                        import_id,
                        m,
                        s,
                        table,
                        str(source),
                        source_hash,
                        source_format,
                        str(mapping_path) if mapping_path else None,
                        mapping_hash,
                        mapping_text,
                        now,
                        log.rows_read if len(parts) == 1 else part.height,
                        part.height,
                        log.rows_rejected if len(parts) == 1 else 0,
                        version,
                        details,
                        warnings,
                    ]
                )
                records.append(
                    ImportRecord(
                        import_id=import_id,
                        municipality=m,
                        service=s,
                        log_table=table,
                        rows_read=log.rows_read if len(parts) == 1 else part.height,
                        rows_kept=part.height,
                        rows_rejected=log.rows_rejected if len(parts) == 1 else 0,
                        replaced=existing is not None,
                    )
                )
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise
        return records

    def _record_import(self, values: list[Any]) -> None:
        self.con.execute(
            "insert into imports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )

    def remove_log(self, *, municipality: str, service: str) -> None:
        """Delete one log (its provenance stays)."""
        table = self._table(municipality, service)
        self.con.execute("begin transaction")
        try:
            self.con.execute("delete from logs where log_table = ?", [table])
            self.con.execute(f'drop table "{table}"')
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise

    # --- reading ------------------------------------------------------------------------

    def logs(self) -> pd.DataFrame:
        """The catalogue: one row per (municipality, service) with event and case counts."""
        return (
            self.con.sql(
                "select municipality, service, events, cases, log_table, import_id from logs "
                "order by municipality, service"
            )
            .pl()
            .to_pandas()
        )

    def imports(self) -> pd.DataFrame:
        """Provenance of every import, oldest first."""
        return self.con.sql("select * from imports order by import_id").pl().to_pandas()

    def events(
        self, *, municipality: str | None = None, service: str | None = None
    ) -> duckdb.DuckDBPyRelation:
        """Events as a lazy DuckDB relation: one log, or the union of all matching logs.

        Logs with different extra attributes are combined by name (missing ones are null).
        """
        tables = self._tables(municipality=municipality, service=service)
        if not tables:
            raise self._no_log(municipality, service)
        sql = " union all by name ".join(f'select * from "{t}"' for t in tables)
        return self.con.sql(sql)

    def partitions(self) -> Iterator[tuple[str, str, duckdb.DuckDBPyRelation]]:
        """(municipality, service, events) for each log."""
        for m, s, t in self.con.execute(
            "select municipality, service, log_table from logs order by municipality, service"
        ).fetchall():
            yield m, s, self.con.sql(f'select * from "{t}"')

    def _tables(self, *, municipality: str | None, service: str | None) -> list[str]:
        rows = self.con.execute(
            "select log_table from logs where (? is null or municipality = ?) and "
            "(? is null or service = ?) order by municipality, service",
            [municipality, municipality, service, service],
        ).fetchall()
        return [r[0] for r in rows]

    def _table(self, municipality: str, service: str) -> str:
        tables = self._tables(municipality=municipality, service=service)
        if not tables:
            raise self._no_log(municipality, service)
        return tables[0]

    def _no_log(self, municipality: str | None, service: str | None) -> InputError:
        known = self.logs()
        listing = ", ".join(f"{r.municipality}/{r.service}" for r in known.itertuples()) or "—"
        what = "/".join(x for x in (municipality, service) if x) or "*"
        return error(
            "workspace.no_log",
            f"kein Protokoll für {what} im Arbeitsbereich; vorhanden: {listing}",
            f"no log for {what} in the workspace; present: {listing}",
            file=self.path,
        )

    def _has_catalogue(self) -> bool:
        found = self._one(
            "select count(*) from information_schema.tables where table_name in "
            "('logs', 'imports', 'amtsweg_meta')"
        )[0]
        return found == 3

    def _one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, with the result fully consumed (DuckDB requires it
        before the connection is used again)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None


def amtsweg_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("amtsweg")
    except PackageNotFoundError:
        return "0+unknown"


def _with_constant(frame: pl.DataFrame, column: str, value: str | None) -> pl.DataFrame:
    if value is None:
        return frame
    value = value.strip()
    if not value:
        return frame
    return frame.with_columns(pl.lit(value, dtype=pl.String).alias(column))


def _require_partition_keys(frame: pl.DataFrame, *, source: str) -> None:
    problems = []
    for key, flag in (("municipality", "--municipality"), ("service", "--service")):
        f = schema.FIELDS_BY_KEY[key]
        if f.column not in frame.columns or frame[f.column].null_count() > 0:
            problems.append(
                problem(
                    "workspace.partition_missing",
                    f"{f.label_de} unbekannt: mit {flag} angeben oder in der Datei als Spalte "
                    "führen",
                    f"{f.label_en} unknown: give it with {flag} or as a column in the file",
                    file=source,
                    column=f.key,
                )
            )
    if problems:
        raise InputError(problems)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of the file at ``path`` (read in blocks: a large export needs no memory)."""
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
