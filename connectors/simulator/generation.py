"""The vectorised, chunked, seeded generator of simulated event logs.

Cases are generated in chunks of :data:`CHUNK_CASES`. Chunk ``i`` of a municipality draws all
its randomness from a generator seeded with ``(seed, service, municipality, i)``, so the
output is byte-identical for the same arguments and does not depend on how or in which order
chunks are scheduled. Within a chunk a case is a row of a boolean matrix over the service's
slots (``services/``); times are computed slot by slot for all cases at once, events are
the included cells in row order. Nothing loops over events in Python; memory depends on the
chunk size, not on the length of the log.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from analyzer import schema
from analyzer.schema import Level, Medium, MediumClass
from connectors.simulator import clock, ids
from connectors.simulator.labels import INJECTED_WAIT, NATURAL_WAIT_CAP, burden_labels
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import (
    CITIZEN_RESOURCE,
    SYSTEM_RESOURCE,
    Actor,
    Service,
    Slot,
    Unit,
)

#: Cases per chunk; part of the determinism contract (the same seed gives the same bytes
#: for the same chunk size).
CHUNK_CASES = 25_000
DEFAULT_START = date(2025, 1, 1)
MINUTES_PER_YEAR = 365 * clock.MINUTES_PER_DAY
#: Cases arrive at the municipality's yearly rate; a log that would span more years than
#: this is compressed into it (as if the municipality were larger).
MAX_YEARS = 10

_WAIT_SIGMA = 0.8  # spread of natural waits (log-normal)
_WORK_SIGMA = 0.5  # spread of processing times (log-normal)
_WAIT_CAP = int(NATURAL_WAIT_CAP.total_seconds() // 60)
_LONG_FROM, _LONG_TO = (int(t.total_seconds() // 60) for t in INJECTED_WAIT)
_US_PER_MINUTE = 60_000_000
_TS = pa.timestamp("us", tz=schema.STORAGE_TIMEZONE)

#: Canonical value order of the dictionaries (codes in the templates index these lists).
LEVELS: tuple[Level, ...] = tuple(Level)
MEDIA: tuple[Medium, ...] = tuple(Medium)


@dataclass(frozen=True)
class Template:
    """A service's slots resolved for one municipality, as arrays indexed by slot."""

    service: Service
    profile: MunicipalityProfile
    slots: tuple[Slot, ...]
    units: dict[str, Unit]
    activities: list[str]
    org_units: list[str]
    systems: list[str]
    field_names: list[str]
    field_sets: list[str]
    resources: list[str]
    once_only_texts: list[str]
    slot_activity: np.ndarray
    slot_org_unit: np.ndarray
    slot_level: np.ndarray
    slot_medium: np.ndarray
    slot_analogue: np.ndarray
    slot_system: np.ndarray
    slot_field_set: np.ndarray
    slot_fields_mask: np.ndarray
    slot_once_only: np.ndarray
    slot_resource_base: np.ndarray
    slot_resource_pool: np.ndarray
    slot_owner_clerk: np.ndarray
    slot_long_wait: np.ndarray
    seed_key: int

    @property
    def levels(self) -> tuple[Level, ...]:
        return LEVELS

    @property
    def media(self) -> tuple[Medium, ...]:
        return MEDIA

    @property
    def medium_pairs(self) -> list[str]:
        return [f"{a.value}->{b.value}" for a in MEDIA for b in MEDIA]

    @property
    def level_pairs(self) -> list[str]:
        return [f"{a.value}->{b.value}" for a in LEVELS for b in LEVELS]

    @property
    def level_rounds(self) -> list[str]:
        return [f"{a.value}->{b.value}->{a.value}->{b.value}" for a in LEVELS for b in LEVELS]

    def fields_text(self, masks: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Codes and texts of field bit masks (names joined by the DATA_FIELDS separator)."""
        unique, inverse = np.unique(masks, return_inverse=True)
        texts = [
            schema.DATA_FIELDS_SEPARATOR.join(
                name for i, name in enumerate(self.field_names) if int(m) >> i & 1
            )
            for m in unique
        ]
        return inverse.astype(np.int64), texts


def build_template(service: Service, profile: MunicipalityProfile) -> Template:
    """The slots of ``service`` for ``profile`` as arrays; checks the label invariants."""
    slots = tuple(service.slots(profile))
    units = {u.key: u for u in service.units(profile)}
    step_of_label: dict[str, str] = {}
    label_of_step: dict[str, set[str]] = {}
    for s in slots:
        if step_of_label.setdefault(s.label, s.step) != s.step:
            raise ValueError(
                f"label {s.label!r} names two steps: {s.step}, {step_of_label[s.label]}"
            )
        label_of_step.setdefault(s.step, set()).add(s.label)
        if s.unit not in units:
            raise ValueError(f"slot {s.step} names unknown unit {s.unit}")

    activities = sorted({s.label for s in slots})
    org_units = sorted({u.name for u in units.values()})
    systems = sorted({s.system for s in slots})
    field_names = sorted({f for s in slots for f in s.fields})
    if len(field_names) > 63:
        raise ValueError("more than 63 data fields in one service")
    field_sets = sorted({schema.DATA_FIELDS_SEPARATOR.join(s.fields) for s in slots if s.fields})
    once_only_texts = sorted({s.once_only for s in slots if s.once_only})

    resources: list[str] = []
    base: dict[str, int] = {}
    for u in units.values():
        base[u.key] = len(resources)
        resources += [f"{u.code}-{i:02d}" for i in range(1, u.pool + 1)]
    system_index = len(resources)
    citizen_index = system_index + 1
    resources += [SYSTEM_RESOURCE, CITIZEN_RESOURCE]

    def codes(values, lookup) -> np.ndarray:
        return np.array([lookup(v) for v in values], dtype=np.int32)

    def field_mask(s: Slot) -> int:
        return sum(1 << field_names.index(f) for f in set(s.fields))

    resource_base = []
    resource_pool = []
    for s in slots:
        if s.actor is Actor.SYSTEM:
            resource_base.append(system_index)
            resource_pool.append(1)
        elif s.actor is Actor.CITIZEN:
            resource_base.append(citizen_index)
            resource_pool.append(1)
        else:
            resource_base.append(base[s.unit])
            resource_pool.append(units[s.unit].pool)

    analogue = {m: schema.DEFAULT_MEDIUM_CLASSES[m] is MediumClass.ANALOGUE for m in MEDIA}
    return Template(
        service=service,
        profile=profile,
        slots=slots,
        units=units,
        activities=activities,
        org_units=org_units,
        systems=systems,
        field_names=field_names,
        field_sets=field_sets,
        resources=resources,
        once_only_texts=once_only_texts,
        slot_activity=codes(slots, lambda s: activities.index(s.label)),
        slot_org_unit=codes(slots, lambda s: org_units.index(units[s.unit].name)),
        slot_level=codes(slots, lambda s: LEVELS.index(units[s.unit].level)),
        slot_medium=codes(slots, lambda s: MEDIA.index(s.medium)),
        slot_analogue=np.array([analogue[s.medium] for s in slots], dtype=np.int8),
        slot_system=codes(slots, lambda s: systems.index(s.system)),
        slot_field_set=codes(
            slots,
            lambda s: (
                field_sets.index(schema.DATA_FIELDS_SEPARATOR.join(s.fields)) if s.fields else -1
            ),
        ),
        slot_fields_mask=np.array([field_mask(s) for s in slots], dtype=np.uint64),
        slot_once_only=codes(
            slots, lambda s: once_only_texts.index(s.once_only) if s.once_only else -1
        ),
        slot_resource_base=np.array(resource_base, dtype=np.int64),
        slot_resource_pool=np.array(resource_pool, dtype=np.int64),
        slot_owner_clerk=np.array(
            [s.unit == "owner" and s.actor is Actor.CLERK for s in slots], dtype=bool
        ),
        slot_long_wait=np.array([s.long_wait for s in slots], dtype=bool),
        seed_key=zlib.crc32(f"{service.key}/{profile.key}".encode()),
    )


@dataclass(frozen=True)
class Chunk:
    """One generated chunk as Arrow tables: events (dictionary-encoded) and labels."""

    events: pa.Table
    labels: pa.Table
    cases: int


def expected_events_per_case(template: Template) -> float:
    """Mean number of events per case, from a fixed pilot of 4,096 cases' decisions."""
    rng = np.random.default_rng(np.random.SeedSequence([0, template.seed_key]))
    n = 4096
    decisions = template.service.decide(rng, n, template.profile)
    total = sum(int(s.when(decisions).sum()) if s.when is not None else n for s in template.slots)
    return total / n


def generate_chunks(
    template: Template,
    *,
    cases: int | None,
    events: int | None,
    seed: int,
    start: date,
    chunk_cases: int = CHUNK_CASES,
) -> Iterator[Chunk]:
    """The chunks of one municipality's log: ``cases`` cases, or whole cases until at least
    ``events`` events. Cases arrive evenly over time at the profile's yearly rate."""
    per_year = template.profile.cases_per_year[template.service.key]
    if cases is None:  # enough cases for the events, with a margin; more if they fall short
        planned = int(events / expected_events_per_case(template) * 1.05) + 16
    else:
        planned = cases
    years = min(planned / per_year, MAX_YEARS)
    minutes_per_case = max(years * MINUTES_PER_YEAR / planned, 1e-3)
    origin = clock.local_minutes(start)
    made_cases = made_events = 0
    index = 0
    while True:
        if events is not None and made_events >= events:
            return
        n = min(chunk_cases, planned - made_cases)
        if n <= 0:
            if cases is not None:
                return
            n = min(chunk_cases, max(planned // 10, 16))
        keep = None if events is None else events - made_events
        chunk = _chunk(
            template,
            seed=seed,
            index=index,
            first=made_cases,
            n=n,
            origin=origin,
            minutes_per_case=minutes_per_case,
            keep_events=keep,
        )
        made_cases += chunk.cases
        made_events += chunk.events.num_rows
        index += 1
        yield chunk


def _chunk(
    t: Template,
    *,
    seed: int,
    index: int,
    first: int,
    n: int,
    origin: int,
    minutes_per_case: float,
    keep_events: int | None,
) -> Chunk:
    rng = np.random.default_rng(np.random.SeedSequence([seed, t.seed_key, index]))
    profile = t.profile
    k_slots = len(t.slots)

    window_start = origin + first * minutes_per_case
    arrival = np.sort((window_start + rng.random(n) * n * minutes_per_case).astype(np.int64))
    decisions = t.service.decide(rng, n, profile)
    # slot-major matrices: one contiguous row of cases per slot
    include = np.empty((k_slots, n), dtype=bool)
    for k, s in enumerate(t.slots):
        include[k] = s.when(decisions) if s.when is not None else True

    # injected long waits: one eligible included slot per affected case
    eligible = include & t.slot_long_wait[:, None]
    running = np.cumsum(eligible, axis=0, dtype=np.int16)
    count = running[-1]
    pick = np.floor(rng.random(n) * count).astype(np.int16)
    waits_long = (rng.random(n) < profile.long_wait) & (count > 0)
    long_slot = np.where(waits_long, np.argmax(running > pick[None, :], axis=0), -1)
    long_minutes = rng.integers(_LONG_FROM, _LONG_TO + 1, n)

    start = np.zeros((k_slots, n), dtype=np.int64)
    complete = np.zeros((k_slots, n), dtype=np.int64)
    previous = arrival.copy()
    first_event = np.ones(n, dtype=bool)
    wait_scale = 60 * profile.wait_factor
    for k, s in enumerate(t.slots):
        rows = np.flatnonzero(include[k])
        m = rows.size
        jitter = rng.integers(0, 90, m)
        if s.actor is Actor.SYSTEM:
            wait = rng.integers(1, 11, m)
        else:
            natural = (s.wait * wait_scale) * np.exp(_WAIT_SIGMA * rng.standard_normal(m))
            wait = np.clip(natural, 1, _WAIT_CAP).astype(np.int64)
        wait[first_event[rows]] = 0
        lw = long_slot[rows] == k
        wait[lw] = long_minutes[rows[lw]]
        begin = previous[rows] + wait
        if s.actor is Actor.CLERK:
            begin = clock.working_time(begin, jitter)
        elif s.actor is Actor.CITIZEN:
            begin = clock.waking_time(begin, jitter)
        start[k, rows] = begin
        if s.work > 0:
            work = s.work * np.exp(_WORK_SIGMA * rng.standard_normal(m))
            begin = begin + np.clip(work, 1, min(8 * s.work, 600)).astype(np.int64)
        complete[k, rows] = begin
        previous[rows] = begin
        first_event[rows] = False

    case_of, slot_of = np.nonzero(np.ascontiguousarray(include.T))
    if keep_events is not None and case_of.size > keep_events:
        # whole cases until the event count is reached
        last_case = case_of[keep_events - 1]
        keep = case_of <= last_case
        case_of, slot_of = case_of[keep], slot_of[keep]
        n = int(last_case) + 1
    per_case = np.bincount(case_of, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(per_case)[:-1]])
    seq = np.arange(case_of.size) - offsets[case_of]

    complete_us = clock.utc_microseconds(complete[slot_of, case_of])
    start_us = clock.utc_microseconds(start[slot_of, case_of])
    instantaneous = np.array([s.work == 0 for s in t.slots])[slot_of]

    clerk = rng.integers(0, 1 << 30, n)
    draw = rng.integers(0, 1 << 30, case_of.size)
    pick_staff = np.where(t.slot_owner_clerk[slot_of], clerk[case_of], draw)
    resource = t.slot_resource_base[slot_of] + pick_staff % t.slot_resource_pool[slot_of]

    prefix = f"{profile.code}-{t.service.code}-"
    numbers = np.arange(first + 1, first + n + 1, dtype=np.int64)
    case_ids = ids.strings([ids.id_matrix(prefix, numbers)])
    event_ids = ids.strings([ids.id_matrix(prefix, numbers[case_of], seq + 1)])
    events = _events_table(
        t, case_of, slot_of, case_ids, event_ids, complete_us, start_us, instantaneous, resource
    )
    labels = burden_labels(
        rows=case_of,
        slot=slot_of,
        seq=seq,
        complete_us=complete_us,
        template=t,
        id_prefix=prefix,
        first_case=first,
        case_ids=case_ids,
        municipality=profile.name,
        service=t.service.name,
    )
    return Chunk(events=events, labels=labels, cases=n)


def _dictionary(codes: np.ndarray, values: list[str], mask: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(codes.astype(np.int32, copy=False), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))


EVENT_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in schema.CANONICAL_COLUMNS
    if c not in (schema.GROUP, schema.ROLE, schema.LIFECYCLE, schema.SOURCE_ROW)
)

_STRING_DICT = pa.dictionary(pa.int32(), pa.string())
EVENT_SCHEMA = pa.schema(
    [
        (
            c,
            _TS
            if c in schema.DATETIME_COLUMNS
            else (pa.string() if c == schema.EVENT_ID else _STRING_DICT),
        )
        for c in EVENT_COLUMNS
    ]
)


def _events_table(
    t: Template,
    case_of: np.ndarray,
    slot_of: np.ndarray,
    case_ids: pa.Array,
    event_ids: pa.Array,
    complete_us: np.ndarray,
    start_us: np.ndarray,
    instantaneous: np.ndarray,
    resource: np.ndarray,
) -> pa.Table:
    n = case_of.size
    zero = np.zeros(n, dtype=np.int32)
    field_set = t.slot_field_set[slot_of]
    leika = t.service.leika
    columns = {
        schema.CASE: pa.DictionaryArray.from_arrays(pa.array(case_of.astype(np.int32)), case_ids),
        schema.ACTIVITY: _dictionary(t.slot_activity[slot_of], t.activities),
        schema.TIMESTAMP: pa.array(complete_us, type=_TS),
        schema.START_TIMESTAMP: pa.array(start_us, type=_TS, mask=instantaneous),
        schema.RESOURCE: _dictionary(resource, t.resources),
        schema.EVENT_ID: event_ids,
        schema.ORG_UNIT: _dictionary(t.slot_org_unit[slot_of], t.org_units),
        schema.LEVEL: _dictionary(t.slot_level[slot_of], [v.value for v in LEVELS]),
        schema.MEDIUM: _dictionary(t.slot_medium[slot_of], [v.value for v in MEDIA]),
        schema.IT_SYSTEM: _dictionary(t.slot_system[slot_of], t.systems),
        schema.DATA_FIELDS: _dictionary(
            np.maximum(field_set, 0), t.field_sets or [""], mask=field_set < 0
        ),
        schema.MUNICIPALITY: _dictionary(zero, [t.profile.name]),
        schema.SERVICE: _dictionary(zero, [t.service.name]),
        schema.LEIKA: _dictionary(zero, [leika or ""], mask=None if leika else np.ones(n, bool)),
    }
    return pa.table([columns[c] for c in EVENT_COLUMNS], schema=EVENT_SCHEMA)
