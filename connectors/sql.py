"""Event logs in SQL databases, through SQLAlchemy: reading a table or a query, writing a table.

Any database SQLAlchemy has a driver for works (PostgreSQL via psycopg 3, SQLite, MySQL, MS SQL,
Oracle, ...). The source is a SQLAlchemy URL such as
``postgresql+psycopg://user:password@host:5432/db`` or ``sqlite:///export.sqlite``;
``postgresql://`` without a driver uses psycopg 3 when psycopg2 is not installed.

Rules:

* Exactly one of ``table`` and ``query``. A table name is never put into SQL text: the table is
  reflected (``sqlalchemy.Table`` with ``autoload_with``) and selected with ``select()``, so
  ``events; drop table x`` is looked up as a (missing) table name. When the exact name is not
  found, a unique case-insensitive match is taken (``EREIGNISSE`` finds ``ereignisse``) and
  ``schema.table`` is read as a table in that schema. A query is passed as ``text()``.
* PostgreSQL (psycopg) streams the rows with ``COPY (SELECT ...) TO STDOUT`` as CSV, which
  Polars parses (column types from describing the query: integers, floats, booleans, dates,
  timestamps, the rest text), so no Python object is made per value. Other databases are
  fetched in chunks of ``chunk_rows`` through the driver's (server-side where it has one)
  cursor, each chunk turned into a Polars frame column by column; a column whose values have
  mixed Python types, as SQLite allows, is read as text. ``numeric`` is read as a float on both
  paths, JSON and arrays as their text. Values are taken as the driver returns them, not
  converted by SQLAlchemy's column types, so a table and the same query give the same frame.
* ``SOURCE_ROW`` is the 1-based ordinal of the row in the result (a ``source:row`` column of
  the table itself is replaced). Column names go through the mapping as for CSV files; without
  a mapping, columns are recognised by their names (:func:`connectors.mapping.automatic_mapping`).
* Timestamps: ``timestamp with time zone`` values are instants; ``timestamp`` (without time
  zone) values and text are wall-clock time in ``timezone`` (Europe/Berlin by default); text is
  parsed like a CSV column (German and ISO forms).
* Errors are :class:`InputError` in plain words: a connection failure names the URL without
  its password, a missing table lists the tables (and views) that exist, a failing query
  quotes the database's message.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
import io
import json
import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import polars as pl
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from analyzer import schema
from analyzer.problems import error
from connectors.event_log import Duplicates, EventLog
from connectors.mapping import Mapping, read_mapping
from connectors.tabular import finalize_table, report, unique_headers

IfExists = Literal["fail", "replace", "append"]

_LISTED = 50  # table names quoted in a message


# --- public API ------------------------------------------------------------------------------


def read_sql_log(
    url: str | URL,
    *,
    table: str | None = None,
    query: str | None = None,
    mapping: Mapping | str | Path | None = None,
    schema_name: str | None = None,
    timezone: str | None = None,
    duplicates: Duplicates | str = Duplicates.KEEP,
    chunk_rows: int = 100_000,
    progress: Callable[..., Any] | None = None,
) -> EventLog:
    """The event log in ``table`` (optionally in ``schema_name``) or returned by ``query`` of
    the database at ``url``. See the module documentation for the rules; ``progress(done,
    total)`` is called with the rows read after each chunk. Raises :class:`InputError`."""
    if (table is None) == (query is None):
        raise error(
            "sql.table_or_query",
            "bitte genau eines angeben: eine Tabelle oder eine SQL-Abfrage",
            "please give exactly one of: a table or an SQL query",
        )
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    engine = _engine(url)
    shown = _shown(engine.url)
    try:
        with _connect(engine) as conn:
            if table is not None:
                reflected = _table(conn, table, schema_name=schema_name, shown=shown)
                source = f"{shown} ({_qualified(reflected)})"
                statement = sa.select(
                    *[sa.type_coerce(c, sa.types.NullType()).label(c.name) for c in reflected.c]
                )
            else:
                source = f"{shown} (SQL-Abfrage / query)"
                statement = sa.text(query)
            frame = _fetch(conn, statement, source=source, chunk_rows=chunk_rows, progress=progress)
    finally:
        engine.dispose()
    frame = frame.drop(schema.SOURCE_ROW, strict=False).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(schema.SOURCE_ROW)
    )
    details: dict[str, Any] = {
        "format": "sql",
        "url": shown,
        "dialect": engine.dialect.name,
        "table": table,
        "schema": schema_name,
        "query": query,
        "rows": frame.height,
    }
    return finalize_table(
        frame,
        source=source,
        mapping=mapping,
        timezone=timezone,
        duplicates=duplicates,
        details=details,
    )


def write_sql_log(
    frame: pl.DataFrame | EventLog,
    url: str | URL,
    *,
    table: str,
    schema_name: str | None = None,
    if_exists: IfExists = "fail",
    chunk_rows: int = 50_000,
) -> int:
    """Write ``frame`` (or an event log's frame) to ``table`` of the database at ``url``;
    returns the number of rows written.

    Column types follow the dtypes: text, BIGINT, DOUBLE, BOOLEAN, DATE, NUMERIC; tz-aware
    datetimes become ``timestamp with time zone`` where the database has it (PostgreSQL) and
    ISO 8601 text with offset elsewhere (so no database silently drops the offset), naive
    datetimes ``timestamp``. ``if_exists``: ``"fail"`` (an existing table is an
    :class:`InputError`), ``"replace"`` or ``"append"``. PostgreSQL is written with ``COPY``.
    """
    if isinstance(frame, EventLog):
        frame = frame.frame
    engine = _engine(url, reading=False)
    try:
        with _connect(engine) as conn, conn.begin():
            exists = sa.inspect(conn).has_table(table, schema=schema_name)
            target = sa.Table(
                table, sa.MetaData(), *_columns(frame, engine.dialect), schema=schema_name
            )
            if exists and if_exists == "fail":
                raise error(
                    "sql.table_exists",
                    f"Tabelle „{_qualified(target)}“ gibt es schon; zum Ersetzen "
                    'if_exists="replace", zum Anhängen "append" angeben',
                    f"table '{_qualified(target)}' already exists; pass if_exists=\"replace\" "
                    'to replace it or "append" to append',
                    file=_shown(engine.url),
                    value=_qualified(target),
                )
            if exists and if_exists == "replace":
                target.drop(conn)
            if not exists or if_exists == "replace":
                target.create(conn)
            _insert(conn, target, _storable(frame, engine.dialect), chunk_rows=chunk_rows)
    except sa_exc.DBAPIError as exc:
        raise _driver_error("sql.write", exc, source=_shown(engine.url)) from None
    finally:
        engine.dispose()
    return frame.height


# --- connecting --------------------------------------------------------------------------------


def _engine(url: str | URL, *, reading: bool = True) -> Engine:
    """An engine for ``url``; reading from an SQLite file that does not exist is an error
    (SQLite would silently create an empty one)."""
    try:
        parsed = make_url(url)
    except (sa_exc.ArgumentError, ValueError):
        raise error(
            "sql.url.invalid",
            "die Datenbank-Adresse ist keine gültige SQLAlchemy-URL; Beispiel: "
            "postgresql+psycopg://benutzer:passwort@server:5432/datenbank",
            "the database address is not a valid SQLAlchemy URL; example: "
            "postgresql+psycopg://user:password@server:5432/database",
            value=_masked(str(url)),
        ) from None
    if (
        parsed.drivername == "postgresql"
        and importlib.util.find_spec("psycopg2") is None
        and importlib.util.find_spec("psycopg") is not None
    ):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        local = database not in ("", ":memory:") and not database.startswith("file:")
        if reading and local and not Path(database).is_file():
            raise error(
                "file.not_found",
                "SQLite-Datenbankdatei nicht gefunden",
                "SQLite database file not found",
                file=database,
            )
    try:
        return sa.create_engine(parsed)
    except sa_exc.NoSuchModuleError:
        raise error(
            "sql.dialect.unknown",
            f"unbekannter Datenbanktyp „{parsed.drivername}“ in der Adresse",
            f"unknown database type '{parsed.drivername}' in the address",
            value=_shown(parsed),
        ) from None
    except ModuleNotFoundError as exc:
        raise error(
            "sql.driver.missing",
            f"der Datenbanktreiber „{exc.name}“ ist nicht installiert (pip install {exc.name})",
            f"the database driver '{exc.name}' is not installed (pip install {exc.name})",
            value=_shown(parsed),
        ) from None


def _connect(engine: Engine) -> Connection:
    try:
        return engine.connect()
    except sa_exc.DBAPIError as exc:
        message = _message(exc, password=engine.url.password)
        raise error(
            "sql.connect",
            f"keine Verbindung zur Datenbank {_shown(engine.url)}: bitte Server, Port, "
            f"Datenbank, Benutzer und Passwort prüfen. Meldung der Datenbank: {message}",
            f"cannot connect to the database {_shown(engine.url)}: please check server, port, "
            f"database, user and password. The database says: {message}",
            file=_shown(engine.url),
        ) from None


def _shown(url: URL) -> str:
    """The URL as users may see it: without its password."""
    return url.render_as_string(hide_password=True)


def _masked(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


def _message(exc: Exception, *, password: str | None = None) -> str:
    """The database's own message (without SQLAlchemy's additions and any password)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    if password:
        text = text.replace(str(password), "***")
    return re.sub(r"\s+", " ", text)


def _driver_error(code: str, exc: Exception, *, source: str):
    """A database error (wrapped by SQLAlchemy or straight from the driver) in plain words."""
    message = _message(exc)
    return error(
        code,
        f"die Datenbank meldet einen Fehler: {message}",
        f"the database reports an error: {message}",
        file=source,
    )


# --- reading -----------------------------------------------------------------------------------


def _qualified(table: sa.Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def _table(conn: Connection, name: str, *, schema_name: str | None, shown: str) -> sa.Table:
    inspector = sa.inspect(conn)
    candidates = [(name, schema_name)]
    if schema_name is None and name.count(".") == 1:
        owner, bare = name.split(".")
        candidates.append((bare, owner))
    for table_name, owner in candidates:
        found = _reflect(conn, table_name, owner)
        if found is not None:
            return found
    existing = _relations(inspector, schema_name)
    folded = [t for t in existing if t.casefold() == name.casefold()]
    if len(folded) == 1:
        found = _reflect(conn, folded[0], schema_name)
        if found is not None:
            return found
    where_de = f" im Schema „{schema_name}“" if schema_name else ""
    where_en = f" in schema '{schema_name}'" if schema_name else ""
    listing = ", ".join(existing[:_LISTED]) or "—"
    if len(existing) > _LISTED:
        listing += f" … (+{len(existing) - _LISTED})"
    raise error(
        "sql.table.missing",
        f"Tabelle „{name}“ gibt es{where_de} nicht; vorhandene Tabellen: {listing}",
        f"table '{name}' does not exist{where_en}; tables present: {listing}",
        file=shown,
        value=name,
    )


def _reflect(conn: Connection, name: str, owner: str | None) -> sa.Table | None:
    try:
        return sa.Table(name, sa.MetaData(), schema=owner, autoload_with=conn)
    except sa_exc.NoSuchTableError:
        return None
    except sa_exc.DBAPIError:
        # e.g. a schema that does not exist; the caller lists what does
        if conn.in_transaction():
            conn.rollback()
        return None


def _relations(inspector: sa.Inspector, schema_name: str | None) -> list[str]:
    try:
        names = inspector.get_table_names(schema=schema_name)
        names += inspector.get_view_names(schema=schema_name)
    except sa_exc.DBAPIError:
        return []
    return sorted(dict.fromkeys(names), key=str.casefold)


def _fetch(
    conn: Connection,
    statement: sa.Executable,
    *,
    source: str,
    chunk_rows: int,
    progress: Callable[..., Any] | None,
) -> pl.DataFrame:
    """The result of ``statement`` as one frame: PostgreSQL (psycopg) through ``COPY`` in CSV
    parsed by Polars, any other database chunk by chunk through the driver's cursor."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return _fetch_copy(conn, statement, source=source, chunk_rows=chunk_rows, progress=progress)
    return _fetch_rows(conn, statement, source=source, chunk_rows=chunk_rows, progress=progress)


def _fetch_rows(
    conn: Connection,
    statement: sa.Executable,
    *,
    source: str,
    chunk_rows: int,
    progress: Callable[..., Any] | None,
) -> pl.DataFrame:
    try:
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(
            statement
        )
        if not result.returns_rows:
            raise _no_rows(source)
        names = unique_headers(list(result.keys()))
        chunks: list[pl.DataFrame] = []
        done = 0
        for rows in result.partitions(chunk_rows):
            chunks.append(_chunk(rows, names))
            done += len(rows)
            report(progress, done)
    except sa_exc.DBAPIError as exc:
        raise _driver_error("sql.query", exc, source=source) from None
    if not chunks:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    try:
        return pl.concat(chunks, how="vertical_relaxed")
    except pl.exceptions.PolarsError:
        # a column typed differently in different chunks (SQLite): text throughout
        return pl.concat(
            [c.with_columns(_as_text(c[n]) for n in c.columns) for c in chunks],
            how="vertical_relaxed",
        )


def _no_rows(source: str):
    return error(
        "sql.query.no_rows",
        "die SQL-Abfrage liefert keine Zeilen (nur SELECT-Abfragen können gelesen werden)",
        "the SQL query returns no rows (only SELECT queries can be read)",
        file=source,
    )


# PostgreSQL type OIDs (pg_type) → how their CSV text becomes a column
_PG_TYPES: dict[int, str] = {
    16: "boolean",
    20: "integer",
    21: "integer",
    23: "integer",
    26: "integer",
    700: "float",
    701: "float",
    1700: "float",
    1082: "date",
    1114: "timestamp",
    1184: "timestamptz",
}


def _fetch_copy(
    conn: Connection,
    statement: sa.Executable,
    *,
    source: str,
    chunk_rows: int,
    progress: Callable[..., Any] | None,
) -> pl.DataFrame:
    """PostgreSQL: ``COPY (query) TO STDOUT`` in CSV, read by Polars; no Python object per
    value. The column types come from describing the query (``LIMIT 0``)."""
    import psycopg

    if isinstance(statement, sa.TextClause):
        sql = statement.text
    else:  # the select of a reflected table, quoted by SQLAlchemy
        dialect = type(conn.dialect)(paramstyle="named")  # no %-escaping: nothing is bound
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    sql = sql.strip().rstrip(";").strip()
    buffer = io.BytesIO()
    try:
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        cursor.execute(f"SELECT * FROM ({sql}) AS amtsweg_result LIMIT 0")
        if cursor.description is None:
            raise _no_rows(source)
        names = unique_headers([d.name for d in cursor.description])
        kinds = [_PG_TYPES.get(d.type_code, "text") for d in cursor.description]
        rows = 0
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:  # libpq hands over COPY data one row at a time
                buffer.write(block)
                rows += 1
                if rows % chunk_rows == 0:
                    report(progress, rows)
        if rows % chunk_rows:
            report(progress, rows)
    except psycopg.Error as exc:
        raise _driver_error("sql.query", exc, source=source) from None
    text = dict.fromkeys(names, pl.String)
    if buffer.tell():
        frame = pl.read_csv(buffer.getvalue(), has_header=False, schema=text)
    else:
        frame = pl.DataFrame(schema=text)
    return frame.with_columns(
        _from_csv(pl.col(n), kind).alias(n) for n, kind in zip(names, kinds, strict=True)
    )


def _from_csv(text: pl.Expr, kind: str) -> pl.Expr:
    if kind == "integer":
        return text.cast(pl.Int64)
    if kind == "float":
        return text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        return text == "t"
    if kind == "date":
        return text.str.to_date("%Y-%m-%d", strict=False)
    if kind == "timestamp":
        return text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False)
    if kind == "timestamptz":
        return text.str.to_datetime(
            "%Y-%m-%d %H:%M:%S%.f%#z", time_unit="us", time_zone="UTC", strict=False
        )
    return text


def _chunk(rows: Sequence[Sequence[Any]], names: list[str]) -> pl.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pl.DataFrame(
        [_series(name, values) for name, values in zip(names, columns, strict=True)]
    )


def _series(name: str, values: Sequence[Any]) -> pl.Series:
    try:
        series = pl.Series(name, list(values), strict=True)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return pl.Series(name, [_text(v) for v in values], dtype=pl.String)
    if series.dtype.is_decimal():  # numeric is a float column, as with COPY
        return series.cast(pl.Float64)
    if series.dtype.is_nested() or series.dtype == pl.Object:  # JSON, arrays: their text
        return pl.Series(name, [_text(v) for v in values], dtype=pl.String)
    return series


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return str(value)


def _as_text(values: pl.Series) -> pl.Series:
    if values.dtype == pl.String:
        return values
    if isinstance(values.dtype, pl.Datetime):
        return values.dt.strftime(
            "%Y-%m-%dT%H:%M:%S%.f%:z" if values.dtype.time_zone else "%Y-%m-%dT%H:%M:%S%.f"
        )
    return values.cast(pl.String)


# --- writing -----------------------------------------------------------------------------------


def _has_timezone_type(dialect: sa.Dialect) -> bool:
    return dialect.name in ("postgresql", "oracle", "mssql")


def _columns(frame: pl.DataFrame, dialect: sa.Dialect) -> list[sa.Column]:
    columns = []
    for name, dtype in frame.schema.items():
        if dtype.is_integer():
            kind: sa.types.TypeEngine = sa.BigInteger()
        elif dtype.is_float():
            kind = sa.Double()
        elif dtype.is_decimal():
            kind = sa.Numeric()
        elif dtype == pl.Boolean:
            kind = sa.Boolean()
        elif dtype == pl.Date:
            kind = sa.Date()
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
            kind = sa.DateTime()
        elif isinstance(dtype, pl.Datetime) and _has_timezone_type(dialect):
            kind = sa.DateTime(timezone=True)
        else:
            kind = sa.Text()
        columns.append(sa.Column(name, kind))
    return columns


def _storable(frame: pl.DataFrame, dialect: sa.Dialect) -> pl.DataFrame:
    """``frame`` with the values a column of :func:`_columns` takes."""
    updates = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime) and dtype.time_zone and not _has_timezone_type(dialect):
            updates.append(pl.col(name).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z"))
        elif not (
            dtype.is_numeric()
            or dtype in (pl.Boolean, pl.Date, pl.String)
            or isinstance(dtype, pl.Datetime)
        ):
            updates.append(pl.col(name).cast(pl.String))
    return frame.with_columns(updates) if updates else frame


def _insert(conn: Connection, target: sa.Table, frame: pl.DataFrame, *, chunk_rows: int) -> None:
    if not frame.height:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_postgres(conn, target, frame, chunk_rows=chunk_rows)
        return
    for start in range(0, frame.height, chunk_rows):
        conn.execute(target.insert(), frame.slice(start, chunk_rows).to_dicts())


def _copy_postgres(
    conn: Connection, target: sa.Table, frame: pl.DataFrame, *, chunk_rows: int
) -> None:
    """PostgreSQL's COPY with CSV written by Polars (no Python object per value)."""
    import psycopg

    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c) for c in frame.columns)
    statement = f"COPY {preparer.format_table(target)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    text = frame.with_columns(
        pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        for c, d in frame.schema.items()
        if isinstance(d, pl.Datetime) and d.time_zone
    )
    try:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(statement) as copy:
            for start in range(0, text.height, chunk_rows):
                buffer = io.BytesIO()
                # CSV tells NULL (nothing) from empty text ("" quoted)
                text.slice(start, chunk_rows).write_csv(
                    buffer, include_header=False, quote_style="non_numeric", null_value=""
                )
                copy.write(buffer.getvalue())
    except psycopg.Error as exc:
        raise _driver_error("sql.write", exc, source=_shown(conn.engine.url)) from None
