"""Events in case order: the shared basis of process maps, burden detectors and KPIs.

A case's events are ordered by TIMESTAMP; equal timestamps are broken by SOURCE_ROW (the
order the exporting system wrote them; the connectors give every event one, unique within its
source), else by EVENT_ID, else by ACTIVITY (deterministic, though not necessarily the order the
events happened in). So the order is the same on every backend and in every run. (SOURCE_ROW
alone, not SOURCE_ROW then EVENT_ID: a text tie-breaker doubles the cost of the sort.)

A log is put in this order once (:func:`prepare`): read into memory, sorted, and numbered
(:data:`SEQUENCE`). Every "previous event of the case" after that is a shift along the
numbering (:func:`shifted`), which keeps working after filters (the previous *remaining*
event), instead of a window that sorts the log again for each detector. Everything else is
lazy narwhals and runs on DuckDB, Polars and pandas alike; with ``prepare(...,
in_memory=False)`` the numbering is a lazy row number on the frame's own backend (the same
results; for a log that does not fit one machine).

The working columns added here (``prev_name(...)``, :data:`POSITION`, ...) are derived from the
canonical names of :mod:`analyzer.schema`; they never leave the analyzer: every public result
drops them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import narwhals as nw

from analyzer import engine, schema
from analyzer.problems import InputError, problem

#: 1-based position of an event in its case (working column).
POSITION = "step:position"
#: Seconds from the previous event's TIMESTAMP to this event (working column).
WAIT_SECONDS = "step:wait_seconds"

#: Number of an event in case order (working column of a prepared log, see :func:`prepare`).
SEQUENCE = "step:sequence"

_PREVIOUS_SUFFIX = "@previous"
_EARLIER_SUFFIX = "@earlier"
_ORDINAL = "step:ordinal"
_GROUP_START = "step:group_start"
_SAME = "step:same_group"
_MICROS = "step:micros"
_START_MICROS = "step:start_micros"


def prev_name(column: str) -> str:
    """Name of the working column that holds ``column`` of the previous event in the case."""
    return column + _PREVIOUS_SUFFIX


def order_columns(columns: Iterable[str]) -> list[str]:
    """Columns that order the events of a case: TIMESTAMP, then the tie-breakers present."""
    present = set(columns)
    for tie_breaker in (schema.SOURCE_ROW, schema.EVENT_ID, schema.ACTIVITY):
        if tie_breaker in present:
            return [schema.TIMESTAMP, tie_breaker]
    return [schema.TIMESTAMP]


def require_columns(
    frame: engine.FrameLike | nw.LazyFrame,
    columns: Sequence[str],
    *,
    purpose_de: str,
    purpose_en: str,
) -> None:
    """Raise :class:`InputError` naming every column of ``columns`` that ``frame`` lacks."""
    present = set(engine.columns_of(frame))
    missing = [c for c in columns if c not in present]
    if missing:
        raise InputError(
            [
                problem(
                    "column.missing",
                    f"Spalte {schema.field_for(c).label_de} fehlt; sie wird für {purpose_de} "
                    "gebraucht",
                    f"column {schema.field_for(c).label_en} is missing; it is needed for "
                    f"{purpose_en}",
                    column=schema.field_for(c).key,
                )
                for c in missing
            ]
        )


def prepare(frame: engine.FrameLike, *, in_memory: bool = True) -> nw.LazyFrame:
    """``frame`` in case order, as a lazy narwhals frame whose events all carry an EVENT_ID
    and :data:`SEQUENCE`; a frame prepared already is returned as it is.

    ``in_memory`` (the default for a log that fits one machine): the log is read into
    memory once, ordered by CASE and :func:`order_columns`, and numbered
    (:func:`analyzer.engine.in_memory_in_order`); every "previous event of the case" after
    that is a shift along SEQUENCE. Otherwise SEQUENCE is a lazy row number in that order on
    the frame's own backend (the same results; each use sorts again).

    Where EVENT_ID is absent it is made from SOURCE_ROW (as the connectors do), else from the
    case id and the event's position in its case (``"<case>#<position>"``).

    Prepare a log once and hand the prepared frame to every analysis: each function
    prepares what it is given, and a prepared frame costs nothing to prepare again.
    """
    lf = engine.as_lazy(frame)
    require_columns(
        lf,
        schema.REQUIRED_COLUMNS,
        purpose_de="jede Prozessanalyse",
        purpose_en="any process analysis",
    )
    columns = lf.collect_schema().names()
    if SEQUENCE in columns:
        return lf
    if schema.EVENT_ID not in columns and schema.SOURCE_ROW in columns:
        lf = lf.with_columns(nw.col(schema.SOURCE_ROW).cast(nw.String).alias(schema.EVENT_ID))
    order = order_columns(columns)
    if in_memory:
        lf = engine.in_memory_in_order(
            lf, groups=[schema.CASE], order=order, index=SEQUENCE, unique_text=[schema.EVENT_ID]
        )
    else:
        lf = lf.with_row_index(SEQUENCE, order_by=[schema.CASE, *order])
    if schema.EVENT_ID in lf.collect_schema().names():
        return lf
    numbered = running_count(lf, [schema.CASE], order_columns(columns), POSITION)
    return numbered.with_columns(
        nw.concat_str([nw.col(schema.CASE), nw.lit("#"), nw.col(POSITION).cast(nw.String)]).alias(
            schema.EVENT_ID
        )
    ).drop(POSITION)


def in_order(
    lf: nw.LazyFrame, partition: Sequence[str], order: Sequence[str]
) -> tuple[nw.LazyFrame, str]:
    """``lf`` with a column that numbers its rows by ``partition``, then ``order``, and that
    column's name: :data:`SEQUENCE` itself where that is the order (a prepared log ordered
    by case), else a new working column.

    Rows of one ``partition`` group are consecutive in this numbering, so "the previous row
    of the group" is the previous number if its partition values are the same
    (:func:`same_group`). A prepared log keeps its SEQUENCE through filters and projections:
    the previous *remaining* event of a case is one shift away.
    """
    names = lf.collect_schema().names()
    in_case_order = list(order) in (order_columns(names), [SEQUENCE])
    if SEQUENCE in names and schema.CASE in partition and in_case_order:
        others = [c for c in partition if c != schema.CASE]
        if not others:
            return lf, SEQUENCE
        # SEQUENCE orders by case, then time: sorted by the other keys, then SEQUENCE, the
        # rows of each (case, others) group are consecutive and in time order
        groups, order = others, [SEQUENCE]
    else:
        groups = list(partition)
    return engine.numbered_in_order(lf, groups=groups, order=order, name=_ORDINAL), _ORDINAL


def same_group(partition: Sequence[str]) -> nw.Expr:
    """True where the earlier row (its values in the :func:`earlier_name` columns, see
    :func:`shifted`) has the same ``partition`` values; a missing value equals a missing
    value."""
    condition = nw.lit(True)
    for column in partition:
        earlier = nw.col(earlier_name(column))
        equal = (nw.col(column) == earlier).fill_null(False) | (
            nw.col(column).is_null() & earlier.is_null()
        )
        condition = condition & equal
    return condition


def earlier_name(column: str) -> str:
    """Working column of :func:`shifted`: ``column`` of the row some numbers earlier, whatever
    its group."""
    return column + _EARLIER_SUFFIX


def shifted(
    lf: nw.LazyFrame,
    columns: dict[str, str],
    *,
    partition: Sequence[str] = (schema.CASE,),
    order: Sequence[str] | None = None,
    offset: int = 1,
) -> nw.LazyFrame:
    """``lf`` with, for each ``{column: name}``, the value of ``column`` ``offset`` rows
    earlier in the same ``partition`` group, rows in ``order`` (default
    :func:`order_columns`); null where the group has no such row.

    The one "previous event" window of the analyzer: the rows are numbered by group and
    order (:func:`in_order`), shifted along the numbering
    (:func:`analyzer.engine.shifted_along`), and the values of another group blanked out.
    On a prepared log in memory that is a shift, no sort.
    """
    order = list(order) if order is not None else order_columns(lf.collect_schema().names())
    keyed, ordinal = in_order(lf, partition, order)
    moved = {c: earlier_name(c) for c in dict.fromkeys([*partition, *columns])}
    along = engine.shifted_along(keyed, moved, ordinal=ordinal, offset=offset)
    out = along.with_columns(same_group(partition).alias(_SAME)).with_columns(
        nw.when(nw.col(_SAME)).then(nw.col(earlier_name(c))).alias(name)
        for c, name in columns.items()
    )
    return out.drop(_SAME, *moved.values(), *([_ORDINAL] if ordinal == _ORDINAL else []))


def with_previous(
    lf: nw.LazyFrame, columns: Sequence[str], *, position: bool = False, wait: bool = False
) -> nw.LazyFrame:
    """``lf`` with the previous event's ``columns`` (``prev_name(c)``) for every event.

    ``position`` adds :data:`POSITION`; ``wait`` adds :data:`WAIT_SECONDS` (this event's
    TIMESTAMP minus the previous event's; null for the first event of a case).
    """
    wanted = list(dict.fromkeys(columns))
    if wait:
        lf = with_epoch_microseconds(lf, {schema.TIMESTAMP: _MICROS})
        wanted.append(_MICROS)
    out = shifted(lf, {c: prev_name(c) for c in wanted})
    if position:
        out = running_count(
            out, [schema.CASE], order_columns(out.collect_schema().names()), POSITION
        )
    if wait:
        out = out.with_columns(
            ((nw.col(_MICROS) - nw.col(prev_name(_MICROS))).cast(nw.Float64()) / 1e6).alias(
                WAIT_SECONDS
            )
        ).drop(_MICROS, prev_name(_MICROS))
    return out


def running_count(
    lf: nw.LazyFrame, partition: Sequence[str], order: Sequence[str], name: str
) -> nw.LazyFrame:
    """``lf`` with column ``name``: 1, 2, 3, ... over the rows of each ``partition`` group in
    ``order`` (Int64).

    The number of a row minus the number of its group's first row (:func:`in_order`), the
    first row found by a running maximum: no window partitioned by the group.
    """
    keyed, ordinal = in_order(lf, partition, order)
    moved = {c: earlier_name(c) for c in partition}
    keyed = engine.shifted_along(keyed, moved, ordinal=ordinal)
    number = nw.col(ordinal).cast(nw.Int64())
    starts = nw.when(~same_group(partition)).then(number).otherwise(nw.lit(0, nw.Int64()))
    first = nw.col(_GROUP_START).cum_max().over(order_by=ordinal)
    out = keyed.with_columns(starts.alias(_GROUP_START)).with_columns(
        (number - first + 1).cast(nw.Int64()).alias(name)
    )
    return out.drop(_GROUP_START, *moved.values(), *([_ORDINAL] if ordinal == _ORDINAL else []))


def with_epoch_microseconds(lf: nw.LazyFrame, columns: dict[str, str]) -> nw.LazyFrame:
    """``lf`` with, for each ``{datetime column: new name}``, microseconds since 1970.

    Differences of these integers are the fast way to time spans: on DuckDB, subtracting two
    time-zone-aware timestamps goes through calendar arithmetic (an interval) and costs
    more than the window that pairs them. narwhals has no ``dt.timestamp`` for DuckDB, so
    there the relation is extended with DuckDB's ``epoch_us`` directly.
    """
    if not columns:
        return lf
    if lf.implementation is nw.Implementation.DUCKDB:
        relation = nw.to_native(lf)
        extra = ", ".join(
            f"epoch_us({_quoted(source)})::BIGINT AS {_quoted(name)}"
            for source, name in columns.items()
        )
        return nw.from_native(relation.project(f"*, {extra}"))
    return lf.with_columns(
        nw.col(source).dt.timestamp("us").alias(name) for source, name in columns.items()
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def seconds_between(earlier: str, later: str) -> nw.Expr:
    """Seconds from column ``earlier`` to column ``later`` as a float (microsecond precision)."""
    return (nw.col(later) - nw.col(earlier)).dt.total_microseconds().cast(nw.Float64) / 1e6


def known_changes(lf: nw.LazyFrame, column: str, *, carry: Sequence[str] = ()) -> nw.LazyFrame:
    """Events at which ``column`` changes, comparing only events where it is known.

    Events with a null ``column`` are dropped first, so an unknown value neither causes nor
    hides a change: ``A, ?, B`` is one change (at B), ``A, ?, A`` none. Each row is the first
    event with the new value; ``prev_name(c)`` holds the previous known event's values for
    ``column``, EVENT_ID, ACTIVITY, TIMESTAMP and ``carry``.
    """
    previous = list(
        dict.fromkeys([column, schema.EVENT_ID, schema.ACTIVITY, schema.TIMESTAMP, *carry])
    )
    known = lf.filter(~nw.col(column).is_null())
    return with_previous(known, previous).filter(
        ~nw.col(prev_name(column)).is_null() & (nw.col(prev_name(column)) != nw.col(column))
    )


def with_event_columns(
    rows: nw.LazyFrame, log: nw.LazyFrame, *, at: str, columns: Mapping[str, str]
) -> nw.LazyFrame:
    """``rows`` with, for each ``{column: name}``, ``column`` of the event of the prepared
    ``log`` whose :data:`SEQUENCE` is in ``rows``' column ``at``.

    Detectors carry numbers through their windows and fetch the text of the few events
    their findings name once, at the end.
    """
    source = log.select(
        nw.col(SEQUENCE).alias(at), *(nw.col(c).alias(n) for c, n in columns.items())
    )
    if source.implementation is not rows.implementation:
        # rows handed from pandas to Polars (field_rows): the log's columns follow them
        source = engine.as_lazy(engine.to_polars(source))
    return rows.join(source, on=at, how="left")


def in_shared_groups(lf: nw.LazyFrame, keys: Sequence[str]) -> nw.LazyFrame:
    """The rows of ``lf`` whose group by ``keys`` holds at least two rows; a missing key is a
    value of its own.

    Whole groups are kept or dropped, so a window partitioned by ``keys`` (or finer) gives the
    same values on the kept rows as on ``lf``. Detectors that look for repeats within such
    groups call this first: counting the rows per group costs far less than ordering every
    event of a large log when only a few groups repeat.
    """
    return lf.filter(nw.len().over(*keys) >= 2)


def optional(columns: Iterable[str], *wanted: str) -> list[str]:
    """The columns of ``wanted`` that are present in ``columns`` (in ``wanted``'s order)."""
    present = set(columns)
    return [c for c in wanted if c in present]


def with_waits(lf: nw.LazyFrame) -> nw.LazyFrame:
    """``lf`` (prepared) with each event's wait in seconds (:data:`WAIT_SECONDS`).

    The wait runs from the previous event's TIMESTAMP to this event's START_TIMESTAMP (where
    present), else its TIMESTAMP; at least 0; null for a case's first event. Also adds the
    previous event's EVENT_ID, ACTIVITY and TIMESTAMP (:func:`prev_name`).
    """
    columns = lf.collect_schema().names()
    previous = [schema.EVENT_ID, schema.ACTIVITY, schema.TIMESTAMP]
    if schema.ORG_UNIT in columns:
        previous.append(schema.ORG_UNIT)
    epochs = {schema.TIMESTAMP: _MICROS}
    if schema.START_TIMESTAMP in columns:
        epochs[schema.START_TIMESTAMP] = _START_MICROS
    marked = with_previous(with_epoch_microseconds(lf, epochs), [*previous, _MICROS])
    end = nw.col(_MICROS)
    if schema.START_TIMESTAMP in columns:
        end = nw.coalesce(nw.col(_START_MICROS), end)
    seconds = (end - nw.col(prev_name(_MICROS))).cast(nw.Float64()) / 1e6
    return marked.with_columns(
        nw.when(seconds < 0).then(nw.lit(0.0)).otherwise(seconds).alias(WAIT_SECONDS)
    ).drop(*epochs.values(), prev_name(_MICROS))
