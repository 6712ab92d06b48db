"""SQL connector: the same tests against a real PostgreSQL server and an SQLite file.

PostgreSQL comes from AMTSWEG_TEST_POSTGRES_URL (CI sets it from .ci/start-postgres); without
it the session starts the server with .ci/start-postgres where that can work (root with apt,
or PostgreSQL binaries installed) and skips the PostgreSQL cases otherwise. Tables live in a
schema of their own per test run, dropped at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from analyzer import schema
from analyzer.problems import InputError
from connectors import sql
from connectors.mapping import mapping_from_dict
from connectors.sql import read_sql_log, write_sql_log

REPO = Path(__file__).resolve().parent.parent
START_POSTGRES = REPO / ".ci" / "start-postgres"


def _postgres_url() -> str:
    url = os.environ.get("AMTSWEG_TEST_POSTGRES_URL")
    if url:
        return url
    installed = bool(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    if not (installed or can_install):
        pytest.skip(
            "no PostgreSQL: AMTSWEG_TEST_POSTGRES_URL is not set, PostgreSQL is not installed and "
            "this user cannot install it (run .ci/start-postgres as root and export the URL)"
        )
    try:
        done = subprocess.run(
            ["bash", str(START_POSTGRES)], capture_output=True, text=True, timeout=600, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f".ci/start-postgres failed: {getattr(exc, 'stderr', '') or exc}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def postgres():
    """(URL, schema) of a throw-away schema on the test PostgreSQL server, dropped at the end."""
    url = _postgres_url()
    name = f"amtsweg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{name}"'))
    yield url, name
    with engine.begin() as conn:
        conn.execute(sa.text(f'drop schema "{name}" cascade'))
    engine.dispose()


def _emptied(url: str, name: str) -> None:
    """Drop every table of the test schema (each test starts with an empty schema)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'drop schema "{name}" cascade'))
        conn.execute(sa.text(f'create schema "{name}"'))
    engine.dispose()


class Database:
    """One database of the parametrised tests: its URL, schema and SQL dialect."""

    def __init__(self, url: str, schema_name: str | None):
        self.url = url
        self.schema_name = schema_name
        self.engine = sa.create_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"

    def name(self, table: str) -> str:
        """``table`` qualified for use in hand-written SQL."""
        return f'"{self.schema_name}"."{table}"' if self.schema_name else f'"{table}"'

    def run(self, *statements: str) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "log.sqlite"
        sa.create_engine(f"sqlite:///{path}").connect().close()
        database = Database(f"sqlite:///{path}", None)
    else:
        url, name = request.getfixturevalue("postgres")
        database = Database(url, name)
    yield database
    database.engine.dispose()
    if database.postgres:
        _emptied(database.url, database.schema_name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def create_vorgaenge(db: Database, table: str = "vorgaenge") -> None:
    """Three events; the time in three columns: timestamp (Berlin wall clock), timestamptz,
    German text. Row 2 is after the switch to summer time (29 March 2026, 02:00 → 03:00)."""
    local, aware = ("timestamp", "timestamptz") if db.postgres else ("TIMESTAMP", "TIMESTAMP")
    tz = ("'2026-03-28 22:30:00+00'", "'2026-03-29 01:30:00+00'", "'2026-11-23 13:05:00+00'")
    if not db.postgres:  # SQLite keeps text; an ISO offset is what write_sql_log stores
        tz = tuple(t.replace(" ", "T").replace("+00'", "+00:00'") for t in tz)
    db.run(
        f"""create table {db.name(table)} (
            "Aktenzeichen" text, "Tätigkeit" text, "Zeit lokal" {local},
            "Zeit UTC" {aware}, "Zeit Text" text, "Bearbeiter" text, "Seiten" integer)""",
        f"""insert into {db.name(table)} values
            ('A-1', 'Antrag eingegangen', '2026-03-28 23:30:00', {tz[0]}, '28.03.2026 23:30',
             'Frau K.', 3),
            ('A-1', 'Bescheid erstellt', '2026-03-29 03:30:00', {tz[1]}, '29.03.2026 03:30',
             NULL, 12),
            ('A-2', 'Antrag eingegangen', '2026-11-23 14:05:00', {tz[2]}, '23.11.2026 14:05',
             'Herr M.', 7)""",
    )


TIME_COLUMNS = ("Zeit lokal", "Zeit UTC", "Zeit Text")


def mapping_for(time_column: str):
    return mapping_from_dict(
        {
            "columns": {
                "case": "Aktenzeichen",
                "activity": "Tätigkeit",
                "timestamp": time_column,
                "resource": "Bearbeiter",
            },
            "drop": {"columns": [c for c in TIME_COLUMNS if c != time_column]},
        }
    )


EXPECTED = pl.DataFrame(
    {
        schema.CASE: ["A-1", "A-1", "A-2"],
        schema.ACTIVITY: ["Antrag eingegangen", "Bescheid erstellt", "Antrag eingegangen"],
        schema.TIMESTAMP: [
            utc(2026, 3, 28, 22, 30),
            utc(2026, 3, 29, 1, 30),
            utc(2026, 11, 23, 13, 5),
        ],
        schema.RESOURCE: ["Frau K.", None, "Herr M."],
        schema.EVENT_ID: ["1", "2", "3"],
        schema.SOURCE_ROW: [1, 2, 3],
        "Seiten": [3, 12, 7],
    },
    schema_overrides={schema.TIMESTAMP: pl.Datetime("us", "UTC"), schema.RESOURCE: pl.String},
)


@pytest.mark.parametrize("time_column", TIME_COLUMNS)
def test_table_with_german_columns_and_mapping(db, time_column):
    create_vorgaenge(db)

    log = read_sql_log(
        db.url, table="vorgaenge", schema_name=db.schema_name, mapping=mapping_for(time_column)
    )

    assert_frame_equal(log.frame, EXPECTED)
    assert log.details["dialect"] == db.engine.dialect.name
    assert "vorgaenge" in log.source


def test_query_rows_are_numbered_in_result_order(db):
    create_vorgaenge(db)
    query = (
        f'select "Aktenzeichen", "Tätigkeit", "Zeit UTC", "Bearbeiter", "Seiten" '
        f'from {db.name("vorgaenge")} where "Seiten" > 5 order by "Seiten" desc'
    )
    mapping = mapping_from_dict(
        {
            "columns": {
                "case": "Aktenzeichen",
                "activity": "Tätigkeit",
                "timestamp": "Zeit UTC",
                "resource": "Bearbeiter",
            }
        }
    )

    log = read_sql_log(db.url, query=query, mapping=mapping)

    expected = EXPECTED.filter(pl.col("Seiten") > 5).sort("Seiten", descending=True)
    expected = expected.with_columns(
        pl.Series(schema.EVENT_ID, ["1", "2"]), pl.Series(schema.SOURCE_ROW, [1, 2])
    )
    assert_frame_equal(log.frame, expected)


def test_columns_recognised_by_name_without_mapping(db):
    db.run(
        f'create table {db.name("export")} ("Aktenzeichen" text, "Tätigkeit" text, '
        '"Zeitpunkt" text)',
        f"insert into {db.name('export')} values ('A-7', 'Antrag prüfen', '23.11.2026 14:05')",
    )

    log = read_sql_log(db.url, table="export", schema_name=db.schema_name)

    assert log.frame.select(schema.CASE, schema.ACTIVITY, schema.TIMESTAMP).rows() == [
        ("A-7", "Antrag prüfen", utc(2026, 11, 23, 13, 5))
    ]
    assert any(p.code == "mapping.automatic" for p in log.problems)


def test_chunks_give_the_same_frame_and_report_progress(db):
    create_vorgaenge(db)
    seen = []

    log = read_sql_log(
        db.url,
        table="vorgaenge",
        schema_name=db.schema_name,
        mapping=mapping_for("Zeit Text"),
        chunk_rows=2,
        progress=lambda done, total=None: seen.append(done),
    )

    assert_frame_equal(log.frame, EXPECTED)
    assert seen == [2, 3]


def test_table_name_is_a_name_not_sql(db):
    create_vorgaenge(db)

    with pytest.raises(InputError) as caught:
        read_sql_log(db.url, table="vorgaenge; drop table vorgaenge", schema_name=db.schema_name)

    (p,) = caught.value.problems
    assert p.code == "sql.table.missing"
    assert p.value == "vorgaenge; drop table vorgaenge"
    assert "tables present: vorgaenge" in p.en and "vorhandene Tabellen: vorgaenge" in p.de
    # the table is still there
    log = read_sql_log(
        db.url, table="vorgaenge", schema_name=db.schema_name, mapping=mapping_for("Zeit Text")
    )
    assert log.frame.height == 3


def test_table_name_in_other_case_is_found(db):
    create_vorgaenge(db)

    log = read_sql_log(
        db.url, table="VORGAENGE", schema_name=db.schema_name, mapping=mapping_for("Zeit Text")
    )

    assert_frame_equal(log.frame, EXPECTED)


def test_query_error_quotes_the_database(db):
    create_vorgaenge(db)

    with pytest.raises(InputError) as caught:
        read_sql_log(db.url, query=f"select nonsense from {db.name('vorgaenge')}")

    (p,) = caught.value.problems
    assert p.code == "sql.query"
    assert "nonsense" in p.en and p.en.startswith("the database reports an error")


def test_exactly_one_of_table_and_query(db):
    for options in ({}, {"table": "vorgaenge", "query": "select 1"}):
        with pytest.raises(InputError) as caught:
            read_sql_log(db.url, **options)
        assert caught.value.problems[0].code == "sql.table_or_query"


def test_write_and_read_back(db):
    frame = EXPECTED.with_columns(pl.lit(True).alias("eilig"), pl.lit("").alias("Vermerk"))

    written = write_sql_log(frame, db.url, table="kanonisch", schema_name=db.schema_name)
    log = read_sql_log(db.url, table="kanonisch", schema_name=db.schema_name)

    assert written == 3
    expected = frame
    if not db.postgres:  # SQLite has no boolean type: stored as 1/0
        expected = frame.with_columns(pl.col("eilig").cast(pl.Int64))
    assert_frame_equal(log.frame, expected)


def test_write_refuses_to_overwrite_unless_asked(db):
    frame = EXPECTED.drop(schema.EVENT_ID)
    write_sql_log(frame, db.url, table="doppelt", schema_name=db.schema_name)

    with pytest.raises(InputError) as caught:
        write_sql_log(frame, db.url, table="doppelt", schema_name=db.schema_name)
    replaced = write_sql_log(
        frame.head(1), db.url, table="doppelt", schema_name=db.schema_name, if_exists="replace"
    )
    appended = write_sql_log(
        frame.tail(1), db.url, table="doppelt", schema_name=db.schema_name, if_exists="append"
    )

    assert caught.value.problems[0].code == "sql.table_exists"
    assert (replaced, appended) == (1, 1)
    log = read_sql_log(db.url, table="doppelt", schema_name=db.schema_name)
    assert log.frame.select(schema.CASE, schema.EVENT_ID).rows() == [("A-1", "1"), ("A-2", "2")]


def test_sqlite_column_with_mixed_types_is_text(tmp_path):
    path = tmp_path / "gemischt.sqlite"
    db = Database(f"sqlite:///{path}", None)
    db.run(
        'create table t ("case:concept:name" text, "concept:name" text, '
        '"time:timestamp" text, "Wert" integer)',
        "insert into t values ('A', 'x', '2026-01-05 08:00', 1), "
        "('A', 'y', '2026-01-05 09:00', 'viel')",
    )

    log = read_sql_log(db.url, table="t")

    assert log.frame["Wert"].to_list() == ["1", "viel"]


def test_missing_sqlite_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_sql_log(f"sqlite:///{tmp_path / 'fehlt.sqlite'}", table="t")

    assert caught.value.problems[0].code == "file.not_found"


def _checks_passwords(url: sa.engine.URL) -> bool:
    engine = sa.create_engine(url.set(password="sicher-nicht-das-passwort"))
    try:
        engine.connect().close()
    except sa.exc.OperationalError:
        return True
    finally:
        engine.dispose()
    return False


def test_wrong_password_message_has_no_password(postgres):
    url = sa.engine.make_url(postgres[0])
    if not _checks_passwords(url):
        pytest.skip(
            "the test server accepts any password (initdb --auth=trust in .ci/start-postgres); "
            "test_unknown_user_message_has_no_password covers the failing connection"
        )
    wrong = url.set(password="falsch-Geheim-42")

    with pytest.raises(InputError) as caught:
        read_sql_log(wrong.render_as_string(hide_password=False), table="vorgaenge")

    (p,) = caught.value.problems
    assert p.code == "sql.connect"
    everything = caught.value.text("de") + caught.value.text("en") + repr(p)
    assert "falsch-Geheim-42" not in everything
    assert "***" in p.file and wrong.host in p.en


def test_unknown_user_message_has_no_password(postgres):
    wrong = sa.engine.make_url(postgres[0]).set(username="niemand", password="falsch-Geheim-42")

    with pytest.raises(InputError) as caught:
        read_sql_log(wrong.render_as_string(hide_password=False), table="vorgaenge")

    (p,) = caught.value.problems
    assert p.code == "sql.connect"
    everything = caught.value.text("de") + caught.value.text("en") + repr(p)
    assert "falsch-Geheim-42" not in everything
    assert "niemand:***@" in p.file and "niemand" in p.en


def test_unreachable_server(postgres):
    url, _ = postgres
    closed = sa.engine.make_url(url).set(port=1, password="geheim-99")

    with pytest.raises(InputError) as caught:
        read_sql_log(closed.render_as_string(hide_password=False), query="select 1")

    (p,) = caught.value.problems
    assert p.code == "sql.connect" and "geheim-99" not in caught.value.text("en")


def test_invalid_url():
    with pytest.raises(InputError) as caught:
        read_sql_log("kein url mit:geheim@", table="t")

    assert caught.value.problems[0].code == "sql.url.invalid"


def test_postgres_copy_gives_the_same_frame_as_the_cursor(postgres):
    db = Database(*postgres)
    table = db.name("typen")
    db.run(
        f"""create table {table} (
            "Anteil %" numeric, "a""b" text, ja boolean, tag date, lokal timestamp,
            zone timestamptz, zahl bigint, wert double precision, daten jsonb, leer text)""",
        f"""insert into {table} values
            (12.5, 'Zeile 1
Zeile 2', true, '2026-11-23', '2026-11-23 14:05:00.123456', '2026-11-23 14:05:00+01',
             42, 0.1, '{{"a": 1}}', ''),
            (NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
    )
    reflected = sa.Table("typen", sa.MetaData(), schema=db.schema_name, autoload_with=db.engine)
    statement = sa.select(
        *[sa.type_coerce(c, sa.types.NullType()).label(c.name) for c in reflected.c]
    )

    with db.engine.connect() as conn:
        copied = sql._fetch_copy(conn, statement, source="t", chunk_rows=1, progress=None)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("set time zone 'UTC'")
        fetched = sql._fetch_rows(conn, statement, source="t", chunk_rows=1, progress=None)

    assert copied.columns == [
        "Anteil %",
        'a"b',
        "ja",
        "tag",
        "lokal",
        "zone",
        "zahl",
        "wert",
        "daten",
        "leer",
    ]
    assert copied.row(0) == (
        12.5,
        "Zeile 1\nZeile 2",
        True,
        date(2026, 11, 23),
        datetime(2026, 11, 23, 14, 5, 0, 123456),
        utc(2026, 11, 23, 13, 5),
        42,
        0.1,
        '{"a": 1}',
        "",
    )
    assert copied.row(1) == (None, None, False, None, None, None, None, None, None, None)
    assert_frame_equal(copied, fetched)


def test_missing_schema_is_a_missing_table(db):
    with pytest.raises(InputError) as caught:
        read_sql_log(db.url, table="vorgaenge", schema_name="gibt_es_nicht")

    (p,) = caught.value.problems
    assert p.code == "sql.table.missing" and "gibt_es_nicht" in p.en


def test_query_with_trailing_semicolon(db):
    create_vorgaenge(db)

    log = read_sql_log(
        db.url,
        query=f'select * from {db.name("vorgaenge")} order by "Seiten";  ',
        mapping=mapping_for("Zeit UTC"),
    )

    assert log.frame["Seiten"].to_list() == [3, 7, 12]


def test_write_creates_a_new_sqlite_file(tmp_path):
    path = tmp_path / "neu.sqlite"

    write_sql_log(EXPECTED, f"sqlite:///{path}", table="log")
    log = read_sql_log(f"sqlite:///{path}", table="log")

    assert_frame_equal(log.frame, EXPECTED)
