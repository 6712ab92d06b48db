"""Analysis results stored in the workspace: small tables per log, with the run that made them.

The app never re-runs detectors per click: it reads these tables. Each log (one municipality
and service) has at most one current *run*; a run is a row of ``result_runs`` (run id,
created at, Amtsweg version, the import the log came from, the settings that made it as
JSON) and one DuckDB table per result kind, named ``result_<run id>_<kind>`` (so one
municipality's results never share a table with another's, as its events do not).
``result_tables`` names them, with how to read their columns back (a Decimal is stored as
text, a tuple as a list, a categorical as text).

Writing a run is one transaction: the new tables, the catalogue rows and dropping the
previous run's tables commit together or not at all, so a failure leaves the previous
results exactly as they were. Results belong to the log they were computed from (its
``log_table`` and ``import_id``): once that log is removed or replaced by a new import they
are no longer read (and are dropped by the next write), whether or not the remover knew
about results.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from analyzer import schema
from analyzer.problems import Problem, Severity
from connectors.workspace import Workspace, amtsweg_version

_CATALOGUE = """
create sequence if not exists result_run_ids start 1;
create table if not exists result_runs (
    run_id bigint primary key,
    municipality varchar not null,
    service varchar not null,
    log_table varchar not null,
    import_id bigint not null,
    created_at timestamptz not null,
    amtsweg_version varchar not null,
    settings_json varchar not null,
    notes_json varchar not null
);
create table if not exists result_tables (
    run_id bigint not null,
    kind varchar not null,
    table_name varchar not null,
    codecs_json varchar not null,
    primary key (run_id, kind)
);
"""

#: Result kinds: the analyzer's tables as stored per log (see app.api.results).
KINDS: tuple[str, ...] = (
    "map_edges",
    "map_activities",
    "map_start",
    "map_end",
    "burden_edges",
    "burden_nodes",
    "variants",
    "findings",
    "kpis",
    "costs",
    "activity_costs",
    "burden_costs",
    "cases",
    "case_edges",
)
#: Kinds read only on request (one row per case and edge: as many rows as a log has
#: distinct steps per case), e.g. to list the cases of a clicked edge.
LARGE_KINDS: tuple[str, ...] = ("case_edges",)

_KEYS = (schema.MUNICIPALITY, schema.SERVICE)


@dataclass(frozen=True)
class RunRecord:
    """One stored analysis of one log: when, by which version, from which import, how."""

    run_id: int
    municipality: str
    service: str
    log_table: str
    import_id: int
    created_at: datetime
    amtsweg_version: str
    settings: Mapping[str, Any]
    #: what the log's columns or the settings limited (the detectors' notes and others)
    notes: tuple[Problem, ...] = ()


def ensure_catalogue(ws: Workspace) -> None:
    """Create the result catalogue in a writable workspace (idempotent)."""
    ws.con.execute(_CATALOGUE)


def has_catalogue(ws: Workspace) -> bool:
    rows = ws.con.execute(
        "select count(*) from information_schema.tables where table_name in "
        "('result_runs', 'result_tables')"
    ).fetchall()
    return rows[0][0] == 2


def store_run(
    ws: Workspace,
    *,
    municipality: str,
    service: str,
    settings: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    notes: Sequence[Problem] = (),
) -> RunRecord:
    """Store ``tables`` (kind → frame, kinds of :data:`KINDS`) as the results of the current
    log of ``municipality``/``service``, replacing its previous run, in one transaction."""
    unknown = sorted(set(tables) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown result kinds: {unknown}")
    ensure_catalogue(ws)
    log = ws.con.execute(
        "select log_table, import_id from logs where municipality = ? and service = ?",
        [municipality, service],
    ).fetchall()
    if not log:
        raise ws._no_log(municipality, service)
    log_table, import_id = log[0]
    settings_json = json.dumps(settings, default=str, ensure_ascii=False, sort_keys=True)
    notes_json = json.dumps([_note_dict(n) for n in notes], ensure_ascii=False)
    created = datetime.now(UTC)
    ws.con.execute("begin transaction")
    try:
        run_id = int(ws.con.execute("select nextval('result_run_ids')").fetchall()[0][0])
        for kind, frame in tables.items():
            if len(frame.columns):  # a table that could not be computed has no columns
                _write_table(ws, run_id, kind, frame)
        stale = ws.con.execute(
            "select run_id from result_runs where (municipality = ? and service = ?) or "
            "log_table not in (select log_table from logs)",
            [municipality, service],
        ).fetchall()
        for (old,) in stale:
            _drop_run(ws, old)
        ws.con.execute(
            "insert into result_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                municipality,
                service,
                log_table,
                import_id,
                created,
                amtsweg_version(),
                settings_json,
                notes_json,
            ],
        )
        ws.con.execute("commit")
    except BaseException:
        ws.con.execute("rollback")
        raise
    return RunRecord(
        run_id=run_id,
        municipality=municipality,
        service=service,
        log_table=log_table,
        import_id=int(import_id),
        created_at=created,
        amtsweg_version=amtsweg_version(),
        settings=json.loads(settings_json),
        notes=tuple(notes),
    )


def remove_results(ws: Workspace, *, municipality: str, service: str) -> None:
    """Drop the stored results of one log (nothing happens where there are none)."""
    if not has_catalogue(ws):
        return
    ws.con.execute("begin transaction")
    try:
        rows = ws.con.execute(
            "select run_id from result_runs where municipality = ? and service = ?",
            [municipality, service],
        ).fetchall()
        for (run_id,) in rows:
            _drop_run(ws, run_id)
        ws.con.execute("commit")
    except BaseException:
        ws.con.execute("rollback")
        raise


def current_runs(
    ws: Workspace, *, municipality: str | None = None, service: str | None = None
) -> list[RunRecord]:
    """The runs of the logs now in the workspace (results of a removed or re-imported log
    are not current), by municipality and service."""
    if not has_catalogue(ws):
        return []
    rows = ws.con.execute(
        "select r.run_id, r.municipality, r.service, r.log_table, r.import_id, r.created_at, "
        "r.amtsweg_version, r.settings_json, r.notes_json from result_runs r join logs l "
        "on l.log_table = r.log_table and l.import_id = r.import_id "
        "where (? is null or r.municipality = ?) and (? is null or r.service = ?) "
        "order by r.municipality, r.service",
        [municipality, municipality, service, service],
    ).fetchall()
    return [
        RunRecord(
            run_id=int(r[0]),
            municipality=r[1],
            service=r[2],
            log_table=r[3],
            import_id=int(r[4]),
            created_at=r[5],
            amtsweg_version=r[6],
            settings=json.loads(r[7]),
            notes=tuple(_note(n) for n in json.loads(r[8])),
        )
        for r in rows
    ]


def read_kind(ws: Workspace, runs: Collection[RunRecord], kind: str) -> pd.DataFrame:
    """The ``kind`` table of ``runs``, one after the other, each with MUNICIPALITY and
    SERVICE (added where the analyzer's table has no such column), as it was stored."""
    parts = []
    for run in runs:
        found = ws.con.execute(
            "select table_name, codecs_json from result_tables where run_id = ? and kind = ?",
            [run.run_id, kind],
        ).fetchall()
        if not found:
            continue
        table, codecs = found[0]
        parts.append(_with_keys(_decoded(ws.con.sql(f'select * from "{table}"').df(), codecs), run))
    if not parts:
        return pd.DataFrame()
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts, ignore_index=True)


def query_kind(
    ws: Workspace, run: RunRecord, kind: str, *, where: str, params: list[Any]
) -> pd.DataFrame:
    """Rows of one run's ``kind`` table that ``where`` (SQL with ``?`` parameters) keeps."""
    found = ws.con.execute(
        "select table_name, codecs_json from result_tables where run_id = ? and kind = ?",
        [run.run_id, kind],
    ).fetchall()
    if not found:
        return pd.DataFrame()
    table, codecs = found[0]
    frame = ws.con.execute(f'select * from "{table}" where {where}', params).df()
    return _with_keys(_decoded(frame, codecs), run)


def quoted(column: str) -> str:
    """``column`` as a DuckDB identifier."""
    return '"' + column.replace('"', '""') + '"'


# --- storing frames -------------------------------------------------------------------------


def _write_table(ws: Workspace, run_id: int, kind: str, frame: pd.DataFrame) -> None:
    name = f"result_{run_id}_{kind}"
    encoded, codecs = _encoded(frame)
    view = f"incoming_{kind}"
    ws.con.register(view, encoded)
    try:
        types = dict(
            ws.con.execute(f'select column_name, column_type from (describe "{view}")').fetchall()
        )
        # A column with no values has no type in DuckDB: text, as the analyzer's are.
        columns = ", ".join(
            f"cast({quoted(c)} as varchar) as {quoted(c)}"
            if types.get(c) == '"NULL"'
            else quoted(c)
            for c in encoded.columns
        )
        ws.con.execute(f'create table "{name}" as select {columns} from "{view}"')
    finally:
        ws.con.unregister(view)
    ws.con.execute(
        "insert into result_tables values (?, ?, ?, ?)", [run_id, kind, name, json.dumps(codecs)]
    )


def _drop_run(ws: Workspace, run_id: int) -> None:
    for (table,) in ws.con.execute(
        "select table_name from result_tables where run_id = ?", [run_id]
    ).fetchall():
        ws.con.execute(f'drop table if exists "{table}"')
    ws.con.execute("delete from result_tables where run_id = ?", [run_id])
    ws.con.execute("delete from result_runs where run_id = ?", [run_id])


def _encoded(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``frame`` in types DuckDB stores exactly, and per column how to read it back: its
    pandas dtype and, for what DuckDB holds otherwise, the form it was stored in
    (``decimal`` as text, ``tuple`` as a list, ``category`` as text)."""
    out = frame.reset_index(drop=True).copy()
    codecs: dict[str, Any] = {}
    for column in out.columns:
        series = out[column]
        codec: dict[str, Any] = {"dtype": str(series.dtype)}
        if isinstance(series.dtype, pd.CategoricalDtype):
            codec["category"] = [str(c) for c in series.cat.categories]
            out[column] = series.astype(object).where(series.notna(), None)
        elif series.dtype == object:
            values = series.dropna()
            first = values.iloc[0] if len(values) else None
            if isinstance(first, Decimal):
                codec["as"] = "decimal"
                out[column] = [None if v is None or v != v else str(v) for v in series]
            elif isinstance(first, tuple | list):
                codec["as"] = "tuple"
                out[column] = [None if v is None else list(v) for v in series]
            gaps = series[series.isna()]
            if len(gaps):  # None, NaN or pd.NA: read back as the analyzer wrote it
                gap = gaps.iloc[0]
                codec["missing"] = "na" if gap is pd.NA else "nan" if gap is not None else "none"
        codecs[column] = codec
    return out, codecs


_MISSING: dict[str, Any] = {"none": None, "nan": float("nan"), "na": pd.NA}


def _decoded(frame: pd.DataFrame, codecs_json: str) -> pd.DataFrame:
    """``frame`` as read from DuckDB in the dtypes :func:`_encoded` recorded."""
    for column, codec in json.loads(codecs_json).items():
        if column not in frame.columns:
            continue
        series, dtype = frame[column], codec["dtype"]
        missing = _MISSING[codec.get("missing", "none")]
        if "category" in codec:
            values = series.astype(object).where(series.notna(), None)
            # text categories, also when there are none (an empty list would be object)
            categories = pd.Index(codec["category"], dtype="str")
            frame[column] = pd.Categorical(values, categories=categories)
        elif codec.get("as") == "decimal":
            frame[column] = pd.Series(
                [missing if pd.isna(v) else Decimal(v) for v in series], dtype=object
            )
        elif codec.get("as") == "tuple":
            frame[column] = pd.Series(
                [missing if v is None else tuple(v) for v in series], dtype=object
            )
        elif dtype == "object":  # text comes back in pandas' string dtype, missing as NaN
            frame[column] = series.astype(object).where(series.notna(), missing)
        elif isinstance(series.dtype, pd.DatetimeTZDtype):  # DuckDB's zone is Etc/UTC
            frame[column] = series.dt.tz_convert("UTC").astype(dtype)
        elif str(series.dtype) != dtype:
            frame[column] = series.astype(dtype)
    return frame


def _note_dict(note: Problem) -> dict[str, Any]:
    return {**asdict(note), "severity": note.severity.value}


def _note(data: Mapping[str, Any]) -> Problem:
    return Problem(**{**data, "severity": Severity(data["severity"])})


def _with_keys(frame: pd.DataFrame, run: RunRecord) -> pd.DataFrame:
    for position, (column, value) in enumerate(
        zip(_KEYS, (run.municipality, run.service), strict=True)
    ):
        if column not in frame.columns:
            frame.insert(position, column, value)
    return frame
