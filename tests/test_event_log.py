"""Validation of canonical logs and finalize_event_log: exact results, every problem at once."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from analyzer import engine, schema
from analyzer.problems import InputError, Severity
from analyzer.validation import exact_duplicate_count, validate_event_log
from connectors.event_log import finalize_event_log


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def tiny() -> pl.DataFrame:
    return pl.DataFrame(
        {
            schema.CASE: ["W-1", "W-1", "W-2", "W-2"],
            schema.ACTIVITY: [
                "Antrag eingegangen ",
                "Bescheid erstellt",
                "Antrag eingegangen",
                "Antrag eingegangen",
            ],
            schema.TIMESTAMP: ["23.11.2026 14:05", "24.11.2026 09:00", "25.11.2026", "25.11.2026"],
            schema.MEDIUM: ["online", "efile", "paper", "paper"],
            "Gebühr": [12.5, 0.0, 3.0, 3.0],
        }
    )


def test_finalize_types_ids_and_order() -> None:
    log = finalize_event_log(tiny(), source="a.csv")
    f = log.frame
    assert f.columns == [
        schema.CASE,
        schema.ACTIVITY,
        schema.TIMESTAMP,
        schema.EVENT_ID,
        schema.MEDIUM,
        schema.SOURCE_ROW,
        "Gebühr",
    ]
    assert f[schema.ACTIVITY].to_list()[0] == "Antrag eingegangen"  # trimmed
    assert f[schema.TIMESTAMP].to_list()[:2] == [utc(2026, 11, 23, 13, 5), utc(2026, 11, 24, 8)]
    assert f[schema.EVENT_ID].to_list() == ["1", "2", "3", "4"]
    assert f[schema.SOURCE_ROW].to_list() == [1, 2, 3, 4]
    assert (log.rows_read, log.rows_kept, log.rows_rejected) == (4, 4, 0)


def test_input_frame_is_not_changed() -> None:
    before = tiny()
    copy = before.clone()
    finalize_event_log(before, source="a.csv", duplicates="drop")
    assert before.equals(copy)


def test_duplicates_reported_kept_dropped_or_refused() -> None:
    kept = finalize_event_log(tiny(), source="a.csv")
    (dup,) = [p for p in kept.problems if p.code == "event.exact_duplicate"]
    assert "1 events" in dup.en and "row 4 repeats row 3" in dup.en and dup.row == 4
    assert kept.rows_kept == 4

    dropped = finalize_event_log(tiny(), source="a.csv", duplicates="drop")
    assert (dropped.rows_kept, dropped.rows_rejected) == (3, 1)
    assert dropped.frame[schema.SOURCE_ROW].to_list() == [1, 2, 3]  # the first one stays

    with pytest.raises(InputError) as caught:
        finalize_event_log(tiny(), source="a.csv", duplicates="error")
    assert caught.value.problems[0].severity is Severity.ERROR
    assert "exakte Duplikate" in caught.value.text("de")


def test_missing_required_columns_all_reported_with_user_names() -> None:
    frame = tiny().drop(schema.ACTIVITY, schema.TIMESTAMP)
    with pytest.raises(InputError) as caught:
        finalize_event_log(frame, source="a.csv", names={schema.ACTIVITY: "Tätigkeit"})
    codes = [(p.code, p.column) for p in caught.value.problems]
    assert codes == [("column.missing", "Tätigkeit"), ("column.missing", "timestamp")]
    assert "Gebühr" in caught.value.problems[0].de  # lists the columns that are there


def test_every_problem_at_once() -> None:
    frame = tiny().with_columns(
        pl.Series(schema.CASE, ["W-1", None, "W-2", "W-2"]),
        pl.Series(schema.MEDIUM, ["Papier", "efile", "Brieftaube", "paper"]),
    )
    with pytest.raises(InputError) as caught:
        finalize_event_log(frame, source="a.csv")
    found = [(p.code, p.row, p.value) for p in caught.value.problems]
    assert ("value.missing", 2, None) in found
    assert ("value.unknown", 3, "Brieftaube") in found
    assert ("value.unknown", 1, "Papier") in found


def test_empty_log_is_refused() -> None:
    frame = tiny().head(0)
    with pytest.raises(InputError) as caught:
        finalize_event_log(frame, source="leer.csv")
    assert caught.value.problems[0].code == "log.empty"
    assert "leer.csv" in caught.value.text("de")


def test_duplicate_event_ids_are_refused() -> None:
    frame = tiny().with_columns(pl.Series(schema.EVENT_ID, ["a", "b", "a", "c"]))
    with pytest.raises(InputError) as caught:
        finalize_event_log(frame, source="a.csv")
    assert [(p.code, p.value) for p in caught.value.problems] == [("event_id.duplicate", "a")]


def test_missing_attributes_warn_what_they_limit() -> None:
    log = finalize_event_log(tiny(), source="a.csv")
    warned = {p.column: p for p in log.problems if p.code == "attribute.missing"}
    assert "medium" not in warned  # present
    assert "level" in warned
    assert "duplicate responsibilities across levels" in warned["level"].en
    no_medium = finalize_event_log(tiny().drop(schema.MEDIUM), source="a.csv")
    medium = next(p for p in no_medium.problems if p.column == "medium")
    assert medium.text("en").startswith(
        "No medium column: media breaks will be inferred from activity names"
    )


def test_start_after_end_is_a_warning() -> None:
    frame = tiny().with_columns(
        pl.Series(schema.START_TIMESTAMP, ["23.11.2026 15:00", None, None, None])
    )
    log = finalize_event_log(frame, source="a.csv")
    late = [p for p in log.problems if p.code == "start.after_end"]
    assert len(late) == 1 and late[0].row == 1 and late[0].severity is Severity.WARNING


def test_validation_runs_on_every_backend(backend: str) -> None:
    log = finalize_event_log(tiny(), source="a.csv")
    native = engine.on_backend(log.frame, backend)
    problems = validate_event_log(native, source="a.csv")
    assert not [p for p in problems if p.severity is Severity.ERROR]
    assert exact_duplicate_count(native) == 1
    broken = engine.on_backend(
        log.frame.with_columns(pl.lit("Brieftaube").alias(schema.MEDIUM)), backend
    )
    bad = [p for p in validate_event_log(broken) if p.code == "value.unknown"]
    assert [(p.value, p.row) for p in bad] == [("Brieftaube", 1)]
