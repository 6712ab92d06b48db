"""The simulator: determinism, complete events, labels that agree with their events, the
drop and clean options, argument errors, every output format read back."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from analyzer import schema
from analyzer.problems import InputError
from connectors.reading import read_event_log
from connectors.simulator import (
    HELD_DOCUMENTS,
    LONG_WAIT_THRESHOLD,
    PROFILES,
    SERVICES,
    activity_steps,
    simulate_event_log,
    write_simulated_logs,
)
from connectors.simulator.generation import EVENT_COLUMNS
from connectors.simulator.output import mapping_path

CLASSES = schema.DEFAULT_MEDIUM_CLASSES
EID = schema.EVENT_ID


def simulated(service: str, profile: str, **options) -> tuple[pl.DataFrame, pl.DataFrame]:
    chunks = list(simulate_event_log(service, profile, **options))
    return (
        pl.concat([c.events for c in chunks]),
        pl.concat([c.labels for c in chunks]),
    )


def rule_labels(events: pl.DataFrame) -> set[tuple[str, str, str | None]]:
    """The burden definitions of docs/simulator.md, applied case by case in plain Python
    (independent of the simulator's vectorised implementation)."""
    found: set[tuple[str, str, str | None]] = set()
    ordered = events.sort([schema.CASE, schema.TIMESTAMP, EID])
    for _, case in ordered.group_by(schema.CASE, maintain_order=True):
        rows = case.to_dicts()
        first_writer: dict[str, tuple[int, str]] = {}
        last_at_level: dict[tuple[str, str], str] = {}
        last_anywhere: dict[str, str] = {}
        runs: list[list[str]] = []  # [level, first event, last event]
        for i, r in enumerate(rows):
            eid = r[EID]
            if i:
                p = rows[i - 1]
                if CLASSES[r[schema.MEDIUM]] != CLASSES[p[schema.MEDIUM]]:
                    found.add(("media_break", eid, p[EID]))
                if r[schema.TIMESTAMP] - p[schema.TIMESTAMP] > LONG_WAIT_THRESHOLD:
                    found.add(("long_wait", eid, p[EID]))
            fields = set(r[schema.DATA_FIELDS].split(";")) if r[schema.DATA_FIELDS] else set()
            shared = [first_writer[f] for f in fields if f in first_writer]
            if shared:
                found.add(("manual_reentry", eid, min(shared)[1]))
            for f in fields:
                first_writer.setdefault(f, (i, eid))
            key = (r[schema.ACTIVITY], r[schema.LEVEL])
            if key in last_at_level:
                found.add(("rework", eid, last_at_level[key]))
            elif r[schema.ACTIVITY] in last_anywhere:
                found.add(("duplicate_responsibility", eid, last_anywhere[r[schema.ACTIVITY]]))
            last_at_level[key] = eid
            last_anywhere[r[schema.ACTIVITY]] = eid
            following = rows[i + 1][schema.DATA_FIELDS] if i + 1 < len(rows) else None
            if not fields and following in HELD_DOCUMENTS:
                found.add(("once_only", eid, None))
            if runs and runs[-1][0] == r[schema.LEVEL]:
                runs[-1][2] = eid
            else:
                runs.append([r[schema.LEVEL], eid, eid])
        for k in range(len(runs) - 3):
            if runs[k][0] == runs[k + 2][0] and runs[k + 1][0] == runs[k + 3][0]:
                found.add(("ping_pong", runs[k + 2][1], runs[k][2]))
    return found


def label_set(labels: pl.DataFrame) -> set[tuple[str, str, str | None]]:
    return set(labels.select(schema.LABEL_BURDEN, EID, schema.LABEL_RELATED_EVENT_ID).iter_rows())


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files_in_every_format(tmp_path):
    options = dict(formats=("parquet", "csv", "xes", "ocel"), cases=40, seed=11, compress=True)
    for run in ("a", "b"):
        write_simulated_logs("wohngeld", ["musterdorf", "beispielheim"], tmp_path / run, **options)
    first, second = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert len(first) == 9
    assert first == second
    write_simulated_logs(
        "wohngeld", ["musterdorf", "beispielheim"], tmp_path / "c", **{**options, "seed": 12}
    )
    assert digest(tmp_path / "c")["wohngeld.parquet"] != first["wohngeld.parquet"]


def test_written_parquet_holds_exactly_the_streamed_chunks(tmp_path):
    events, labels = simulated("gewerbeanmeldung", "mustertal", cases=300, seed=5, chunk_cases=128)
    write_simulated_logs(
        "gewerbeanmeldung", "mustertal", tmp_path, cases=300, seed=5, chunk_cases=128
    )
    assert pl.read_parquet(tmp_path / "gewerbeanmeldung.parquet").equals(events)
    assert pl.read_parquet(tmp_path / "gewerbeanmeldung.labels.parquet").equals(labels)


def test_municipalities_are_seeded_independently():
    alone, _ = simulated("wohngeld", "musterdorf", cases=60, seed=3)
    chunks = [
        c.events
        for p in ("musterstadt", "musterdorf")
        for c in simulate_event_log("wohngeld", p, cases=60, seed=3)
    ]
    together = pl.concat(chunks)
    assert together.filter(pl.col(schema.MUNICIPALITY) == "Musterdorf").equals(alone)


# --- events ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_event_carries_every_attribute(service):
    events, _ = simulated(service, "beispielheim", cases=150, seed=1)
    assert events.columns == list(EVENT_COLUMNS)
    assert events.schema[schema.TIMESTAMP] == pl.Datetime("us", "UTC")
    always = [
        c
        for c in EVENT_COLUMNS
        if c not in (schema.START_TIMESTAMP, schema.DATA_FIELDS, schema.LEIKA)
    ]
    assert events.select(pl.col(always).null_count()).sum_horizontal().item() == 0
    assert set(events[schema.LEVEL]) <= set(schema.Level)
    assert set(events[schema.MEDIUM]) <= set(schema.Medium)
    assert events[EID].n_unique() == events.height
    # the LeiKa key is there where it could be verified, and missing (not invented) elsewhere
    assert events[schema.LEIKA].null_count() == (
        events.height if SERVICES[service].leika is None else 0
    )
    # a start time exactly where a person works on the step, never after its completion
    with_start = events.filter(pl.col(schema.START_TIMESTAMP).is_not_null())
    assert with_start.height > events.height / 2
    assert (with_start[schema.START_TIMESTAMP] <= with_start[schema.TIMESTAMP]).all()
    assert (
        events.filter(pl.col(schema.RESOURCE) == "System")[schema.START_TIMESTAMP].null_count()
        == events.filter(pl.col(schema.RESOURCE) == "System").height
    )
    # whole minutes (a German export loses nothing) and strictly later within a case
    assert (events[schema.TIMESTAMP].dt.second() == 0).all()
    gaps = events.select(
        (pl.col(schema.TIMESTAMP).diff().over(schema.CASE)).alias("gap")
    ).drop_nulls()["gap"]
    assert (gaps >= timedelta(minutes=1)).all()


def test_staff_work_in_office_hours_on_working_days():
    events, _ = simulated("wohngeld", "musterstadt", cases=400, seed=2)
    local = events.filter(pl.col(schema.START_TIMESTAMP).is_not_null()).select(
        pl.col(schema.START_TIMESTAMP).dt.convert_time_zone(schema.DEFAULT_TIMEZONE).alias("t")
    )["t"]
    minutes = local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute().cast(pl.Int32)
    assert (local.dt.weekday() <= 5).all()
    assert (minutes >= 7 * 60 + 30).all()
    assert (minutes < 16 * 60).all()
    assert not local.dt.date().is_in([date(2025, 10, 3), date(2025, 12, 25)]).any()


def test_events_option_gives_whole_cases_just_past_the_target():
    events, _ = simulated("baugenehmigung", "musterhausen", events=1000, seed=4)
    assert events.height >= 1000
    last_case = events[schema.CASE][-1]
    assert events.filter(pl.col(schema.CASE) != last_case).height < 1000
    assert (
        events.filter(pl.col(schema.CASE) == last_case).height
        == events.filter(pl.col(schema.CASE) == last_case)[schema.EVENT_ID]
        .str.slice(-3)
        .cast(pl.Int32)
        .max()
    )


def test_activity_labels_differ_between_municipalities_for_the_same_step():
    a, _ = simulated("wohngeld", "musterstadt", cases=100, seed=1)
    b, _ = simulated("wohngeld", "beispielstadt", cases=100, seed=1)
    assert "Antrag online eingegangen" in set(a[schema.ACTIVITY])
    assert "Online-Antrag eingegangen" in set(b[schema.ACTIVITY])
    steps_a = activity_steps("wohngeld", "musterstadt")
    steps_b = activity_steps("wohngeld", "beispielstadt")
    assert steps_a["Antrag online eingegangen"] == steps_b["Online-Antrag eingegangen"]
    assert set(a[schema.ACTIVITY]) <= set(steps_a)


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "profile"),
    [(s, p) for s in SERVICES for p in ("musterdorf", "beispielheim", "mustertal")]
    + [("wohngeld", "beispielstadt"), ("gewerbeanmeldung", "musterhausen")],
)
def test_labels_are_exactly_the_events_the_definitions_select(service, profile):
    events, labels = simulated(service, profile, cases=250, seed=9)
    assert labels.columns == list(schema.LABEL_COLUMNS)
    assert label_set(labels) == rule_labels(events)
    assert labels[schema.LABEL_BURDEN_ID].n_unique() == labels.height


def test_every_label_points_at_an_event_of_its_case_that_has_the_property():
    events, labels = simulated("wohngeld", "beispielheim", cases=300, seed=21)
    by_id = {r[EID]: r for r in events.to_dicts()}
    kinds = set(labels[schema.LABEL_BURDEN])
    assert kinds == {b.value for b in schema.Burden} - {"handover"}
    for lab in labels.to_dicts():
        anchor = by_id[lab[EID]]
        assert anchor[schema.CASE] == lab[schema.CASE]
        assert anchor[schema.MUNICIPALITY] == lab[schema.MUNICIPALITY] == "Beispielheim"
        related = by_id.get(lab[schema.LABEL_RELATED_EVENT_ID])
        if related is not None:
            assert related[schema.CASE] == lab[schema.CASE]
            assert related[schema.TIMESTAMP] < anchor[schema.TIMESTAMP]
        kind = lab[schema.LABEL_BURDEN]
        if kind == "media_break":
            assert CLASSES[anchor[schema.MEDIUM]] != CLASSES[related[schema.MEDIUM]]
            assert lab[schema.LABEL_DETAIL] == f"{related[schema.MEDIUM]}->{anchor[schema.MEDIUM]}"
        elif kind == "manual_reentry":
            shared = set(anchor[schema.DATA_FIELDS].split(";")) & set(
                related[schema.DATA_FIELDS].split(";")
            )
            assert shared and shared <= set(lab[schema.LABEL_DETAIL].split(";"))
        elif kind == "once_only":
            document = lab[schema.LABEL_DETAIL].split(" @ ")[0]
            assert document in HELD_DOCUMENTS and related is None
        elif kind in ("rework", "duplicate_responsibility"):
            assert anchor[schema.ACTIVITY] == related[schema.ACTIVITY]
            same_level = anchor[schema.LEVEL] == related[schema.LEVEL]
            assert same_level == (kind == "rework")
        elif kind == "ping_pong":
            assert anchor[schema.LEVEL] == related[schema.LEVEL]
        elif kind == "long_wait":
            assert anchor[schema.TIMESTAMP] - related[schema.TIMESTAMP] > LONG_WAIT_THRESHOLD


def test_a_posted_paper_notice_after_a_digital_process_is_a_media_break():
    events, labels = simulated("wohngeld", "beispielstadt", cases=200, seed=8)
    posted = events.filter(pl.col(schema.ACTIVITY) == "Bescheid versandt")
    assert posted.height
    breaks = set(labels.filter(pl.col(schema.LABEL_BURDEN) == "media_break")[EID])
    assert set(posted[EID]) <= breaks


# --- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize("service", list(SERVICES))
def test_clean_option_injects_no_burden(service):
    events, labels = simulated(service, "musterdorf", cases=300, seed=6, clean=True)
    assert labels.height == 0
    assert rule_labels(events) == set()
    assert {CLASSES[m] for m in events[schema.MEDIUM].unique()} == {schema.MediumClass.DIGITAL}


def test_dropped_attributes_are_missing_and_labels_unchanged(tmp_path):
    full_events, full_labels = simulated("wohngeld", "musterhausen", cases=120, seed=3)
    events, labels = simulated(
        "wohngeld", "musterhausen", cases=120, seed=3, drop=("medium", "level", "data_fields")
    )
    assert schema.MEDIUM not in events.columns
    assert schema.LEVEL not in events.columns
    assert schema.DATA_FIELDS not in events.columns
    assert events.equals(full_events.drop(schema.MEDIUM, schema.LEVEL, schema.DATA_FIELDS))
    assert labels.equals(full_labels)
    result = write_simulated_logs(
        "wohngeld", "musterhausen", tmp_path, cases=50, formats=("parquet", "csv"), drop=("medium",)
    )
    assert schema.MEDIUM not in pl.read_parquet(tmp_path / "wohngeld.parquet").columns
    assert "Kanal" not in (tmp_path / "wohngeld.csv").read_bytes().decode("cp1252").split("\r\n")[0]
    assert result.events > 0


def test_wrong_arguments_are_all_reported_at_once():
    with pytest.raises(InputError) as caught:
        write_simulated_logs(
            "bauantrag", ["nirgendwo"], "unused", cases=0, drop=("case", "farbe"), formats=("pdf",)
        )
    codes = [p.code for p in caught.value.problems]
    assert codes == [
        "simulate.format",
        "simulate.unknown_service",
        "simulate.unknown_municipality",
        "simulate.drop_kept",
        "simulate.unknown_drop",
        "simulate.size",
    ]
    assert "möglich: wohngeld, gewerbeanmeldung, baugenehmigung" in caught.value.text("de")


def test_sizes_beyond_the_id_range_are_refused():
    with pytest.raises(InputError) as caught:
        list(simulate_event_log("wohngeld", "musterstadt", events=60_000_000))
    assert [p.code for p in caught.value.problems] == ["simulate.size_limit"]


def test_names_may_be_shortened_when_unambiguous():
    events, _ = simulated("bau", "muster dorf".replace(" ", ""), cases=5, seed=1)
    assert set(events[schema.SERVICE]) == {"Baugenehmigung"}
    with pytest.raises(InputError):
        list(simulate_event_log("wohngeld", "muster", cases=5))  # four municipalities match


# --- formats ---------------------------------------------------------------------------------


def test_every_format_reads_back_to_the_same_log(tmp_path):
    write_simulated_logs(
        "gewerbeanmeldung",
        ["musterdorf", "musterstadt"],
        tmp_path,
        cases=30,
        seed=2,
        formats=("parquet", "csv", "xes", "ocel"),
        compress=True,
    )
    reference = pl.read_parquet(tmp_path / "gewerbeanmeldung.parquet").sort(EID)
    for name in (
        "gewerbeanmeldung.parquet",
        "gewerbeanmeldung.csv",
        "gewerbeanmeldung.xes.gz",
        "gewerbeanmeldung.jsonocel.gz",
    ):
        path = tmp_path / name
        log = read_event_log(path, mapping=mapping_path(path))
        frame = log.frame
        if name.endswith("jsonocel.gz"):  # flattened OCEL: the event's own id is ocel:eid
            frame = frame.drop(EID).rename({schema.OCEL_EVENT_ID: EID})
        back = frame.select(reference.columns).sort(EID)
        assert back.equals(reference), name


def test_german_csv_looks_like_a_fachverfahren_export(tmp_path):
    write_simulated_logs("wohngeld", "musterdorf", tmp_path, cases=20, formats=("csv",))
    raw = (tmp_path / "wohngeld.csv").read_bytes()
    text = raw.decode("cp1252")
    header, first = text.split("\r\n")[:2]
    assert header.startswith("Aktenzeichen;Tätigkeit;Zeitpunkt;Beginn;Sachbearbeiter;")
    assert ";Amt;Ebene;Kanal;Fachverfahren;Datenfelder;Kommune;Leistung;" in header
    assert any(v in first for v in (";Papier;", ";Post;", ";persönlich;", ";Online;"))
    assert "Kreis" in text and "Gemeinde" in text
    mapping = (tmp_path / "wohngeld.csv.mapping.toml").read_text(encoding="utf-8")
    assert 'Papier = "paper"' in mapping and 'Kreis = "county"' in mapping


def test_cli_writes_a_simulated_log(tmp_path):
    from app.cli.main import cli

    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "simulate",
            "-s",
            "baugenehmigung",
            "-m",
            "mustertal",
            "-n",
            "25",
            "-f",
            "parquet,ocel",
            "--out",
            str(tmp_path),
            "--seed",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "25 Fälle" in result.output
    assert {p.name for p in tmp_path.iterdir()} == {
        "baugenehmigung.parquet",
        "baugenehmigung.parquet.mapping.toml",
        "baugenehmigung.jsonocel",
        "baugenehmigung.jsonocel.mapping.toml",
        "baugenehmigung.labels.parquet",
    }
    listing = runner.invoke(cli, ["simulate", "--list"])
    assert all(p.name in listing.output for p in PROFILES.values())
