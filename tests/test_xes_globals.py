"""XES ``<global>`` defaults, and events that still lack a required attribute."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analyzer import schema
from analyzer.problems import InputError, Severity
from connectors import xes
from connectors.xes import fast_reader, read_xes_log
from tests.test_xes import error_text, read_both, write

OPEN = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016">\n'
CLOSE = "</log>\n"


def log_text(globals_: str, *traces: str) -> str:
    return OPEN + globals_ + "".join(traces) + CLOSE


def scope(name: str | None, *attributes: str) -> str:
    opening = "<global>" if name is None else f'<global scope="{name}">'
    return "  " + opening + "\n" + "".join(f"    {a}\n" for a in attributes) + "  </global>\n"


def trace(name: str | None, *events: str, extra: str = "") -> str:
    attr = f'<string key="concept:name" value="{name}"/>' if name is not None else ""
    return f"  <trace>{attr}{extra}\n" + "".join(f"    {e}\n" for e in events) + "  </trace>\n"


def event(*attributes: str) -> str:
    return "<event>" + "".join(attributes) + "</event>"


def name(value: str) -> str:
    return f'<string key="concept:name" value="{value}"/>'


def at(day: int) -> str:
    return f'<date key="time:timestamp" value="2026-03-{day:02d}T10:00:00+01:00"/>'


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def lines_of(text: str, marker: str) -> list[int]:
    """The 1-based lines of ``text`` that contain ``marker``."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]


# --- defaults are applied -------------------------------------------------------------------


def test_event_defaults_fill_the_events_that_lack_the_key(tmp_path):
    text = log_text(
        scope(
            "event",
            '<string key="concept:name" value="UNBEKANNT"/>',
            '<string key="org:resource" value="Poststelle"/>',
        ),
        trace("W-1", event(name("Antrag"), at(1)), event(at(2), '<string key="x" value="1"/>')),
        trace("W-2", event(at(3), '<string key="org:resource" value="Frau Ode"/>')),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame[schema.ACTIVITY].to_list() == ["Antrag", "UNBEKANNT", "UNBEKANNT"]
    assert log.frame[schema.RESOURCE].to_list() == ["Poststelle", "Poststelle", "Frau Ode"]
    assert log.frame["x"].to_list() == [None, "1", None]
    warnings = {p.column: p for p in log.problems if p.code == "xes.global_default"}
    assert warnings[schema.ACTIVITY].severity is Severity.WARNING
    assert warnings[schema.ACTIVITY].en.startswith("2 events lacked 'concept:name'")
    assert "„UNBEKANNT“" in warnings[schema.ACTIVITY].de
    assert warnings[schema.RESOURCE].en.startswith("2 events lacked 'org:resource'")


def test_a_global_without_scope_is_for_events(tmp_path):
    text = log_text(
        scope(None, '<string key="concept:name" value="ohne Namen"/>'),
        trace("W-1", event(at(1)), event(name("Bescheid"), at(2))),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame[schema.ACTIVITY].to_list() == ["ohne Namen", "Bescheid"]


def test_typed_defaults_keep_their_type(tmp_path):
    text = log_text(
        scope(
            "event",
            '<date key="time:timestamp" value="2026-02-01T00:00:00+01:00"/>',
            '<int key="seiten" value="1"/>',
            '<float key="gebuehr" value="2"/>',
            '<boolean key="eilig" value="false"/>',
            '<int key="nie" value="7"/>',
        ),
        trace(
            "W-1",
            event(name("a"), at(5), '<int key="seiten" value="4"/>'),
            event(name("b"), '<float key="gebuehr" value="12.5"/>'),
            event(name("c"), at(6), '<boolean key="eilig" value="true"/>'),
        ),
    )
    log = read_both(write(tmp_path, text))
    frame = log.frame
    assert frame[schema.TIMESTAMP].to_list() == [
        utc(2026, 3, 5, 9),
        utc(2026, 1, 31, 23),
        utc(2026, 3, 6, 9),
    ]
    assert frame["seiten"].dtype == pl.Int64 and frame["seiten"].to_list() == [4, 1, 1]
    assert frame["gebuehr"].dtype == pl.Float64 and frame["gebuehr"].to_list() == [2.0, 12.5, 2.0]
    assert frame["eilig"].dtype == pl.Boolean and frame["eilig"].to_list() == [False, False, True]
    # a key no event has: every event gets the default
    assert frame["nie"].dtype == pl.Int64 and frame["nie"].to_list() == [7, 7, 7]


def test_an_int_default_of_a_float_attribute_is_a_float(tmp_path):
    text = log_text(
        scope("event", '<int key="betrag" value="3"/>'),
        trace(
            "W-1",
            event(name("a"), at(1), '<float key="betrag" value="0.5"/>'),
            event(name("b"), at(2)),
        ),
    )
    frame = read_both(write(tmp_path, text)).frame
    assert frame["betrag"].dtype == pl.Float64
    assert frame["betrag"].to_list() == [0.5, 3.0]


def test_a_default_of_another_type_makes_the_attribute_text(tmp_path):
    text = log_text(
        scope("event", '<string key="seiten" value="keine Angabe"/>'),
        trace(
            "W-1", event(name("a"), at(1), '<int key="seiten" value="4"/>'), event(name("b"), at(2))
        ),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame["seiten"].to_list() == ["4", "keine Angabe"]
    mixed = next(p for p in log.problems if p.code == "xes.mixed_types")
    assert mixed.column == "seiten" and "int, string" in mixed.en


def test_trace_defaults_fill_the_traces_that_lack_the_key(tmp_path):
    text = log_text(
        scope("trace", '<string key="kanal" value="Papier"/>', '<int key="personen" value="1"/>'),
        trace(
            "W-1",
            event(name("a"), at(1)),
            event(name("b"), at(2)),
            extra='<string key="kanal" value="online"/>',
        ),
        trace("W-2", event(name("c"), at(3)), extra='<int key="personen" value="4"/>'),
        trace("W-3", event(name("d"), at(4))),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame["case:kanal"].to_list() == ["online", "online", "Papier", "Papier"]
    assert log.frame["case:personen"].dtype == pl.Int64
    assert log.frame["case:personen"].to_list() == [1, 1, 4, 1]
    warnings = {p.column: p for p in log.problems if p.code == "xes.global_default"}
    assert warnings["case:kanal"].en.startswith("2 traces lacked 'kanal'")
    assert warnings["case:personen"].en.startswith("2 traces lacked 'personen'")


def test_a_trace_default_name_would_merge_traces_so_they_keep_their_own(tmp_path):
    text = log_text(
        scope("trace", '<string key="concept:name" value="UNKNOWN"/>'),
        trace(None, event(name("a"), at(1))),
        trace(None, event(name("b"), at(2))),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame[schema.CASE].to_list() == ["trace-1", "trace-2"]


def test_invalid_is_no_default(tmp_path):
    # "__INVALID__" is what ProM and pm4py write where a global has no meaningful value
    text = log_text(
        scope(
            "event",
            '<string key="concept:name" value="__INVALID__"/>',
            '<string key="org:resource" value="__INVALID__"/>',
        ),
        trace("W-1", event(name("a"), at(1)), event(at(2))),
    )
    with pytest.raises(InputError) as exc:
        read_xes_log(write(tmp_path, text))
    assert [p.code for p in exc.value.problems] == ["xes.attribute_missing"]
    assert "__INVALID__" not in error_text(exc)


@pytest.mark.parametrize("epoch", ["1970-01-01T00:00:00.000+01:00", "1970-01-01T00:00:00Z"])
def test_an_epoch_date_default_is_a_placeholder(tmp_path, epoch):
    # ProM writes the Unix epoch where it has no date: a case "ended" in 1970 is no fact
    text = log_text(
        scope("trace", f'<date key="enddate" value="{epoch}"/>'),
        scope("event", '<date key="due" value="2026-04-01T00:00:00Z"/>'),
        trace("W-1", event(name("a"), at(1)), extra=f'<date key="enddate" value="{epoch}"/>'),
        trace("W-2", event(name("b"), at(2))),
    )
    frame = read_both(write(tmp_path, text)).frame
    ended = dict(zip(frame[schema.CASE], frame["case:enddate"], strict=True))
    assert ended["W-2"] is None and ended["W-1"] is not None
    assert frame["due"].to_list() == [utc(2026, 4, 1)] * 2  # a real date default applies


def test_defaults_cut_by_block_boundaries_are_read_whole(tmp_path, monkeypatch):
    text = log_text(
        scope("trace", '<string key="kanal" value="Papier"/>'),
        scope(
            "event",
            '<string key="org:resource" value="Poststelle"/>',
            '<int key="seiten" value="2"/>',
        ),
        *(
            trace(
                f"W-{c}",
                event(name("a"), at(1 + c % 20)),
                event(name("b"), at(2 + c % 20), '<int key="seiten" value="9"/>'),
            )
            for c in range(12)
        ),
    )
    path = write(tmp_path, text, "cut.xes.gz")
    whole = read_xes_log(path).frame
    for block in (40, 97, 256):
        monkeypatch.setattr(fast_reader, "_BLOCK", block)
        assert_frame_equal(read_both(path).frame, whole)
    assert whole["seiten"].to_list() == [2, 9] * 12
    assert set(whole["case:kanal"].to_list()) == {"Papier"}


def test_a_default_that_does_not_fit_its_type_is_an_error(tmp_path):
    text = log_text(
        scope("event", '<int key="seiten" value="viele"/>'),
        trace("W-1", event(name("a"), at(1))),
    )
    for reader in ("fast", "lxml"):
        with pytest.raises(InputError) as exc:
            xes._read_frame(write(tmp_path, text), timezone=schema.DEFAULT_TIMEZONE, reader=reader)
        found = exc.value.problems[0]
        assert (found.code, found.column, found.value) == (
            "xes.global_value_type",
            "seiten",
            "viele",
        )
        assert '<global scope="event">' in found.de


# --- events that still lack a required attribute ----------------------------------------------


def test_events_without_activity_are_listed_with_event_number_trace_and_xml_line(tmp_path):
    text = log_text(
        scope("event", '<string key="org:resource" value="Poststelle"/>'),
        trace(
            "W-1",
            event(name("Antrag"), at(1), '<string key="lifecycle:transition" value="complete"/>'),
            event(
                at(2),
                '<string key="lifecycle:transition" value="complete"/>',
                '<string key="schritt" value="Prüfung"/>',
            ),
        ),
        trace(
            "W-2",
            event(name("Antrag"), at(3)),
            event(at(4), '<string key="schritt" value="Bescheid"/>'),
        ),
    )
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_xes_log(path)
    assert [p.code for p in exc.value.problems] == ["xes.attribute_missing"]
    found = exc.value.problems[0]
    assert found.row is None  # an event of an XML file is not a row
    assert found.column == schema.ACTIVITY and found.file == str(path)
    first, second = lines_of(text, 'value="Prüfung"') + lines_of(text, 'value="Bescheid"')
    assert found.de.startswith(
        f'2 Ereignisse ohne concept:name (Tätigkeit), und <global scope="event"> gibt keinen '
        f"Standardwert: Ereignis 2 (Trace „W-1“, XML-Zeile {first}), Ereignis 4 (Trace „W-2“, "
        f"XML-Zeile {second})."
    )
    assert found.en.startswith(
        f'2 events without concept:name (activity), and <global scope="event"> gives no '
        f"default: event 2 (trace 'W-1', XML line {first}), event 4 (trace 'W-2', XML line "
        f"{second})."
    )
    assert '[columns] activity = "…"' in found.de and '[columns] activity = "..."' in found.en
    # the attributes the file has, to take one as the activity
    assert "lifecycle:transition, org:resource, schritt" in found.de
    assert "lifecycle:transition, org:resource, schritt" in found.en
    assert "Zeile 2," not in error_text(exc)


def test_both_readers_name_the_same_lines(tmp_path):
    # a nested attribute sends the file through the lxml reader; the lines are the same
    events = [event(name("a"), at(1)), event(at(2)), event(name("c"), at(3)), event(at(4))]
    flat = log_text("", trace("W-1", *events))
    nested = log_text(
        "",
        trace(
            "W-1",
            *events,
            extra='<string key="akte" value="1"><string key="ort" value="A"/></string>',
        ),
    )
    texts = []
    for label, text in (("flat", flat), ("nested", nested)):
        path = write(tmp_path, text, f"{label}.xes")
        with pytest.raises(InputError) as exc:
            read_xes_log(path)
        texts.append(exc.value.problems[0].en)
    expected = lines_of(flat, 'value="2026-03-02') + lines_of(flat, 'value="2026-03-04')
    assert (
        f"event 2 (trace 'W-1', XML line {expected[0]}), "
        f"event 4 (trace 'W-1', XML line {expected[1]})" in texts[0]
    )
    assert texts[0] == texts[1]


def test_more_than_twenty_events_are_cut_with_and_n_more(tmp_path):
    events = [event(at(1 + i % 20)) if i % 2 else event(name("a"), at(1)) for i in range(46)]
    text = log_text("", trace("W-1", *events))
    with pytest.raises(InputError) as exc:
        read_xes_log(write(tmp_path, text))
    found = exc.value.problems[0]
    assert found.de.startswith("23 Ereignisse ohne concept:name")
    listed = [int(n) for n in re.findall(r"event (\d+) \(", found.en)]
    assert listed == list(range(2, 41, 2))  # the first 20 bad events, in file order
    assert "event 40 (trace 'W-1', XML line " in found.en
    assert "; and 3 more." in found.en and "; und 3 weitere." in found.de
    assert "event 42" not in found.en


def test_events_without_timestamp_name_the_timestamp_mapping(tmp_path):
    text = log_text(
        "",
        trace(
            "W-1",
            event(name("a"), at(1)),
            event(name("b"), '<date key="eingang" value="2026-03-02T10:00:00Z"/>'),
        ),
    )
    with pytest.raises(InputError) as exc:
        read_xes_log(write(tmp_path, text))
    found = exc.value.problems[0]
    assert found.de.startswith("1 Ereignis ohne time:timestamp (Zeitpunkt)")
    assert found.en.startswith("1 event without time:timestamp (timestamp)")
    assert '[columns] timestamp = "..."' in found.en and "eingang" in found.en


def test_a_mapping_to_another_attribute_is_the_fix(tmp_path):
    text = log_text(
        "",
        trace(
            "W-1",
            event(name("a"), at(1), '<string key="schritt" value="A"/>'),
            event(at(2), '<string key="schritt" value="B"/>'),
        ),
    )
    mapping = tmp_path / "fix.mapping.toml"
    mapping.write_text('[columns]\nactivity = "schritt"\n[drop]\ncolumns = ["concept:name"]\n')
    log = read_xes_log(write(tmp_path, text), mapping=mapping)
    assert log.frame[schema.ACTIVITY].to_list() == ["A", "B"]


def test_xml_lines_beyond_65535_are_exact(tmp_path):
    # libxml2 stops counting lines at 65,535; the line of an event after that is still exact
    text = log_text("", trace("W-1", event(name("a"), at(1)), "\n" * 70_000 + event(at(2))))
    with pytest.raises(InputError) as exc:
        read_xes_log(write(tmp_path, text, "long.xes.gz"))
    line = lines_of(text, 'value="2026-03-02')[0]
    assert line > 70_000
    assert f"event 2 (trace 'W-1', XML line {line})" in exc.value.problems[0].en


def test_lines_of_a_file_in_another_encoding(tmp_path):
    text = log_text("", trace("Straße €", event(name("ä"), at(1)), event(at(2))))
    text = text.replace('encoding="UTF-8"', 'encoding="windows-1252"')
    path = tmp_path / "cp1252.xes"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError) as exc:
        read_xes_log(path)
    line = lines_of(text, 'value="2026-03-02')[0]
    assert f"Ereignis 2 (Trace „Straße €“, XML-Zeile {line})" in exc.value.problems[0].de


def test_only_a_globals_own_attributes_are_defaults(tmp_path):
    text = log_text(
        scope(
            "event",
            '<string key="org:resource" value="Poststelle"><string key="ort" value="A"/></string>',
            '<list key="akten"><string key="akte" value="1"/></list>',
            '<string key="ohne Wert"/>',
        ),
        trace(
            "W-1", event(name("a"), at(1)), event(name("b"), at(2), '<string key="ort" value="B"/>')
        ),
    )
    log = read_both(write(tmp_path, text))
    assert log.frame[schema.RESOURCE].to_list() == ["Poststelle", "Poststelle"]
    assert log.frame["ort"].to_list() == [None, "B"]
    assert log.details["global_defaults"] == {"event": {"org:resource": "Poststelle"}}
