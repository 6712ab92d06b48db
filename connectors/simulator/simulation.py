"""The simulator's entry point: a seeded stream of event-log chunks with their labels.

``simulate_event_log("wohngeld", "musterstadt", cases=1000, seed=7)`` yields
:class:`SimulatedChunk` objects: ``events`` in the canonical schema (Polars, strings and UTC
datetimes) and ``labels`` (``schema.LABEL_COLUMNS``, one row per burden instance). The same
arguments always give the same chunks. Wrong arguments raise :class:`InputError` with every
problem named, in German and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
import pyarrow as pa

from analyzer import schema
from analyzer.problems import InputError, Problem, problem
from connectors.simulator.generation import (
    CHUNK_CASES,
    DEFAULT_START,
    EVENT_COLUMNS,
    Chunk,
    build_template,
    generate_chunks,
)
from connectors.simulator.profiles import (
    PROFILES,
    MunicipalityProfile,
    clean_profile,
    profile_named,
)
from connectors.simulator.services import SERVICES, Service

#: Case numbers have seven digits; the event limit keeps every service below that.
MAX_CASES = 9_999_999
MAX_EVENTS = 50_000_000

#: Columns that cannot be dropped: without them there is no log, or labels point nowhere.
KEPT_COLUMNS: tuple[str, ...] = (*schema.REQUIRED_COLUMNS, schema.EVENT_ID)


@dataclass(frozen=True)
class SimulatedChunk:
    """A part of a simulated log: whole cases, their events and their burden labels."""

    events: pl.DataFrame
    labels: pl.DataFrame


def service_named(service: str | Service) -> Service:
    """The service with this key or name (``wohngeld``, ``Gewerbeanmeldung``)."""
    if isinstance(service, Service):
        return service
    wanted = str(service).strip().lower()
    for s in SERVICES.values():
        if wanted in (s.key, s.name.lower(), s.code.lower()):
            return s
    prefixed = [s for s in SERVICES.values() if wanted and s.key.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    raise InputError([_unknown("service", str(service), [s.key for s in SERVICES.values()])])


def profiles_named(
    profiles: str | MunicipalityProfile | Iterable[str | MunicipalityProfile],
) -> list[MunicipalityProfile]:
    """The profiles named (keys, names or codes; ``all`` for every profile)."""
    if isinstance(profiles, str | MunicipalityProfile):
        profiles = [profiles]
    found: list[MunicipalityProfile] = []
    problems: list[Problem] = []
    for p in profiles:
        if isinstance(p, MunicipalityProfile):
            found.append(p)
        elif str(p).strip().lower() == "all":
            found += list(PROFILES.values())
        else:
            wanted = str(p).strip().lower()
            prefixed = [q for q in PROFILES.values() if wanted and q.key.startswith(wanted)]
            try:
                found.append(profile_named(str(p)))
            except KeyError:
                if len(prefixed) == 1:
                    found.append(prefixed[0])
                else:
                    problems.append(_unknown("municipality", str(p), [*PROFILES, "all"]))
    if problems:
        raise InputError(problems)
    if not found:
        raise InputError([_unknown("municipality", "", [*PROFILES, "all"])])
    return list(dict.fromkeys(found))


def dropped_columns(drop: Sequence[str]) -> tuple[str, ...]:
    """Canonical columns for the field keys (or column names) in ``drop``."""
    columns: list[str] = []
    problems: list[Problem] = []
    for key in drop:
        try:
            f = schema.field_for(key.strip())
        except KeyError:
            problems.append(_unknown("drop", key, _droppable()))
            continue
        if f.column not in KEPT_COLUMNS and f.column not in EVENT_COLUMNS:
            problems.append(_unknown("drop", key, _droppable()))
            continue
        if f.column in KEPT_COLUMNS:
            problems.append(
                problem(
                    "simulate.drop_kept",
                    f"„{f.key}“ kann nicht weggelassen werden: ohne {f.label_de} gibt es kein "
                    "Protokoll oder die Labels zeigen ins Leere",
                    f"'{f.key}' cannot be dropped: without the {f.label_en} there is no log or "
                    "the labels point nowhere",
                    value=key,
                )
            )
            continue
        columns.append(f.column)
    if problems:
        raise InputError(problems)
    return tuple(dict.fromkeys(columns))


def checked_arguments(
    service: str | Service,
    profiles: str | MunicipalityProfile | Iterable[str | MunicipalityProfile],
    *,
    cases: int | None,
    events: int | None,
    seed: int,
    start: date,
    drop: Sequence[str],
) -> tuple[Service, list[MunicipalityProfile], tuple[str, ...]]:
    """Service, profiles and dropped columns; every problem of the arguments at once."""
    problems: list[Problem] = []
    results: list = []
    for check in (
        lambda: service_named(service),
        lambda: profiles_named(profiles),
        lambda: dropped_columns(drop),
        lambda: check_size(cases, events, seed, start),
    ):
        try:
            results.append(check())
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return results[0], results[1], results[2]


def _droppable() -> list[str]:
    return [schema.FIELDS_BY_COLUMN[c].key for c in EVENT_COLUMNS if c not in KEPT_COLUMNS]


def check_size(cases: int | None, events: int | None, seed: int, start: date) -> None:
    """Refuse impossible sizes, seeds and start dates (all problems at once)."""
    problems: list[Problem] = []
    if cases is not None and events is not None:
        problems.append(
            problem(
                "simulate.size_twice",
                "entweder Anzahl Vorgänge oder Anzahl Ereignisse angeben, nicht beides",
                "give either the number of cases or the number of events, not both",
            )
        )
    for name, value, limit in (("cases", cases, MAX_CASES), ("events", events, MAX_EVENTS)):
        if value is not None and value > limit:
            problems.append(
                problem(
                    "simulate.size_limit",
                    f"{name} darf je Kommune höchstens {limit:,} sein".replace(",", "."),
                    f"{name} must be at most {limit:,} per municipality",
                    value=str(value),
                )
            )
        if value is not None and value < 1:
            problems.append(
                problem(
                    "simulate.size",
                    f"{name} muss mindestens 1 sein",
                    f"{name} must be at least 1",
                    value=str(value),
                )
            )
    if seed < 0:
        problems.append(
            problem(
                "simulate.seed",
                "der Startwert (seed) darf nicht negativ sein",
                "the seed must not be negative",
                value=str(seed),
            )
        )
    if not date(1990, 1, 1) <= start <= date(2080, 12, 31):
        problems.append(
            problem(
                "simulate.start",
                "Startdatum muss zwischen 1990 und 2080 liegen",
                "the start date must lie between 1990 and 2080",
                value=start.isoformat(),
            )
        )
    if problems:
        raise InputError(problems)


def arrow_chunks(
    service: str | Service,
    profile: str | MunicipalityProfile,
    *,
    cases: int | None = None,
    events: int | None = None,
    seed: int = 0,
    start: date = DEFAULT_START,
    clean: bool = False,
    drop: Sequence[str] = (),
    chunk_cases: int = CHUNK_CASES,
) -> Iterator[Chunk]:
    """Like :func:`simulate_event_log` but Arrow tables, dictionary-encoded (for writers)."""
    svc, (prof,), dropped = checked_arguments(
        service, profile, cases=cases, events=events, seed=seed, start=start, drop=drop
    )
    if cases is None and events is None:
        cases = prof.cases_per_year[svc.key]
    template = build_template(svc, clean_profile(prof) if clean else prof)
    for chunk in generate_chunks(
        template, cases=cases, events=events, seed=seed, start=start, chunk_cases=chunk_cases
    ):
        if dropped:
            chunk = Chunk(
                events=chunk.events.drop_columns(list(dropped)),
                labels=chunk.labels,
                cases=chunk.cases,
            )
        yield chunk


def simulate_event_log(
    service: str | Service,
    profile: str | MunicipalityProfile,
    *,
    cases: int | None = None,
    events: int | None = None,
    seed: int = 0,
    start: date = DEFAULT_START,
    clean: bool = False,
    drop: Sequence[str] = (),
    chunk_cases: int = CHUNK_CASES,
) -> Iterator[SimulatedChunk]:
    """A simulated log of ``service`` in the municipality ``profile``, chunk by chunk.

    ``cases``: number of cases (default: the municipality's cases per year); ``events``:
    whole cases until at least this many events (instead of ``cases``). Cases arrive from
    ``start`` at the municipality's yearly rate (compressed into at most ten years).
    ``clean``: inject no burden (digital end to end; the labels are empty). ``drop``: field
    keys of columns to leave out (``("medium",)``) to test inference; labels still describe
    the complete log. Every chunk holds whole cases. Same arguments, same chunks.
    """
    for chunk in arrow_chunks(
        service,
        profile,
        cases=cases,
        events=events,
        seed=seed,
        start=start,
        clean=clean,
        drop=drop,
        chunk_cases=chunk_cases,
    ):
        yield SimulatedChunk(events=plain_frame(chunk.events), labels=plain_frame(chunk.labels))


def activity_steps(service: str | Service, profile: str | MunicipalityProfile) -> dict[str, str]:
    """Each activity label the municipality uses for ``service`` → its reference step id.

    Offices word the same step differently; this is the truth a harmonisation of activity
    labels can be checked against.
    """
    svc = service_named(service)
    (prof,) = profiles_named(profile)
    return dict(sorted({s.label: s.step for s in svc.slots(prof)}.items()))


def plain_frame(table: pa.Table) -> pl.DataFrame:
    """A generated table as a canonical Polars frame (dictionary columns become strings)."""
    frame = pl.from_arrow(table)
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))


def _unknown(what: str, value: str, choices: Iterable[str]) -> Problem:
    de, en = {
        "service": ("unbekannte Leistung", "unknown service"),
        "municipality": ("unbekannte Kommune", "unknown municipality"),
        "drop": ("unbekanntes Attribut zum Weglassen", "unknown attribute to drop"),
    }[what]
    listed = ", ".join(choices)
    return problem(
        f"simulate.unknown_{what}",
        f"{de} „{value}“; möglich: {listed}",
        f"{en} '{value}'; possible: {listed}",
        value=value,
    )
