"""Process maps: the directly-follows graph with frequencies and waits, and the variants.

Definitions (events of a case in the order of :mod:`analyzer.steps`):

* **Directly-follows edge** ``a → b``: an event with activity ``b`` whose previous event in
  the same case has activity ``a``. Its *frequency* counts such pairs over all cases (what
  pm4py's ``discover_dfg`` counts). Its *wait* is the time from the earlier event's TIMESTAMP
  to the later one's, in minutes; the map reports the median, mean and 90th percentile
  (linear interpolation) over the edge's pairs.
* **Start / end activity**: the activity of a case's first / last event, counted in cases.
* **Variant**: the sequence of a case's activities. Variants are counted in cases, ranked
  most frequent first (ties: shorter first, then by the smallest case id), with their share
  of all cases and the cumulative share (coverage). Inside the backend a variant is
  identified by a 62-bit hash of its sequence (random per-activity numbers times
  pseudo-random per-position numbers, summed modulo a prime), so two different sequences
  are merged only with probability about 2⁻⁶², and the sequence itself is read back from one
  example case per variant.
* **Abstracted map** (:func:`analyzer.map_abstraction.abstracted_map`, what a drawn map
  shows): the most frequent activities (by default at most 40) and the most frequent
  edges between them (at most 100), each kept activity with its strongest incoming and
  outgoing edge; the tables of :func:`process_map` themselves stay the full graph.

Every function takes any frame the engine accepts, works lazily (window functions over
CASE) on DuckDB, Polars and pandas, and returns a small pandas frame; the filters return a
lazy narwhals frame on the same backend that the other functions accept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

import narwhals as nw
import pandas as pd

from analyzer import engine, schema, steps
from analyzer.medium_lexicon import EVENT_MEDIUM, with_event_medium
from analyzer.problems import InputError, problem

_PRIME = 2_147_483_647  # 2**31 - 1
_VARIANT_KEY = "variant:key"  # working column: hash of the activity sequence
_CASE_BEGIN = "step:case_begin"
_CASE_END = "step:case_end"
_EDGE_WAIT = "step:edge_wait"

EDGE_COLUMNS: tuple[str, ...] = (
    schema.MAP_SOURCE,
    schema.MAP_TARGET,
    schema.MAP_FREQUENCY,
    schema.MAP_WAIT_MEDIAN,
    schema.MAP_WAIT_MEAN,
    schema.MAP_WAIT_P90,
)
VARIANT_COLUMNS: tuple[str, ...] = (
    schema.VARIANT_RANK,
    schema.VARIANT_ACTIVITIES,
    schema.VARIANT_LENGTH,
    schema.VARIANT_CASES,
    schema.VARIANT_SHARE,
    schema.VARIANT_COVERAGE,
    schema.VARIANT_EXAMPLE_CASE,
    schema.VARIANT_DURATION_MEDIAN,
)


@dataclass(frozen=True)
class ProcessMap:
    """A directly-follows graph: edges, activities (nodes), start and end activities.

    ``edges``: EDGE_COLUMNS. ``activities``: ACTIVITY, MAP_FREQUENCY (events), with the
    cases starting and ending there in ``start``/``end`` (ACTIVITY, MAP_CASES).
    ``cases`` and ``events`` count the whole (filtered) log.
    """

    edges: pd.DataFrame
    activities: pd.DataFrame
    start: pd.DataFrame
    end: pd.DataFrame
    cases: int
    events: int


# --- filters ------------------------------------------------------------------------------


def filter_log(
    frame: engine.FrameLike,
    *,
    municipalities: str | Collection[str] | None = None,
    services: str | Collection[str] | None = None,
    start: datetime | date | str | None = None,
    end: datetime | date | str | None = None,
    period_scope: Literal["case", "event"] = "case",
    media: str | Collection[str] | None = None,
    medium_scope: Literal["case", "event"] = "case",
    infer_medium: bool = True,
) -> nw.LazyFrame:
    """The events of ``frame`` that the filters keep, lazily on the same backend.

    * ``municipalities`` / ``services``: keep events whose MUNICIPALITY / SERVICE is one of
      these (a missing column is an :class:`InputError`).
    * ``start`` / ``end`` (a date means its midnight in Europe/Berlin; ``end`` is exclusive):
      ``period_scope="case"`` keeps the cases whose first event lies in [start, end) with all
      their events; ``"event"`` keeps the events inside the period.
    * ``media``: ``medium_scope="case"`` keeps the cases with at least one event on one of
      these media; ``"event"`` keeps only those events. The medium is the MEDIUM column, or
      inferred from the names (:mod:`analyzer.medium_lexicon`) where it is missing and
      ``infer_medium`` is set.
    """
    lf = engine.as_lazy(frame)
    for column, wanted in ((schema.MUNICIPALITY, municipalities), (schema.SERVICE, services)):
        if wanted is None:
            continue
        f = schema.field_for(column)
        steps.require_columns(
            lf,
            [column],
            purpose_de=f"den Filter nach {f.label_de}",
            purpose_en=f"the filter by {f.label_en}",
        )
        lf = lf.filter(nw.col(column).is_in(_as_list(wanted)))
    if start is not None or end is not None:
        begin = _instant(start, "start") if start is not None else None
        stop = _instant(end, "end") if end is not None else None
        if begin is not None and stop is not None and stop <= begin:
            raise InputError(
                [
                    problem(
                        "period.empty",
                        "das Ende des Zeitraums liegt nicht nach seinem Beginn",
                        "the end of the period is not after its start",
                        value=f"{start} – {end}",
                    )
                ]
            )
        if period_scope == "event":
            lf = lf.filter(_within(nw.col(schema.TIMESTAMP), begin, stop))
        else:
            first = nw.col(schema.TIMESTAMP).min().over(schema.CASE)
            lf = lf.filter(_within(first, begin, stop))
    if media is not None:
        wanted_media = _as_list(media)
        names = lf.collect_schema().names()
        marked = with_event_medium(lf, infer=infer_medium)
        hit = nw.col(EVENT_MEDIUM).is_in(wanted_media).fill_null(False)
        if medium_scope == "event":
            lf = marked.filter(hit).select(names)
        else:
            lf = marked.filter(hit.cast(nw.Int8).max().over(schema.CASE) == 1).select(names)
    return lf


def filter_variant_coverage(frame: engine.FrameLike, coverage: float = 0.8) -> nw.LazyFrame:
    """The cases of the most frequent variants that together cover ``coverage`` of all cases.

    Variants are taken in rank order (see :func:`variants`) until their cumulative share
    reaches ``coverage`` (0 < coverage ≤ 1); the variant that crosses it is included.
    """
    if not 0 < coverage <= 1:
        raise InputError(
            [
                problem(
                    "option.coverage",
                    "die Variantenabdeckung muss zwischen 0 und 1 liegen",
                    "variant coverage must lie between 0 and 1",
                    value=coverage,
                )
            ]
        )
    lf = steps.prepare(frame)
    per_case = _case_variants(lf)
    table = _variant_table(per_case)
    keep = table[table[schema.VARIANT_COVERAGE].shift(1, fill_value=0.0) < coverage - 1e-12]
    selected = per_case.filter(nw.col(_VARIANT_KEY).is_in(keep[_VARIANT_KEY].tolist()))
    return lf.join(selected.select(schema.CASE), on=schema.CASE, how="semi")


# --- directly-follows graph ------------------------------------------------------------------


def process_map(frame: engine.FrameLike) -> ProcessMap:
    """The directly-follows graph of ``frame`` (one pass over the log; see module docstring)."""
    lf = steps.prepare(frame)
    marked = steps.with_previous(lf, [schema.ACTIVITY], wait=True)
    grouped = engine.to_pandas(
        marked.group_by(
            prev := steps.prev_name(schema.ACTIVITY), schema.ACTIVITY, drop_null_keys=False
        ).agg(
            nw.len().alias(schema.MAP_FREQUENCY),
            nw.col(steps.WAIT_SECONDS).median().alias(schema.MAP_WAIT_MEDIAN),
            nw.col(steps.WAIT_SECONDS).mean().alias(schema.MAP_WAIT_MEAN),
            nw.col(steps.WAIT_SECONDS)
            .quantile(0.9, interpolation="linear")
            .alias(schema.MAP_WAIT_P90),
        )
    )
    grouped[schema.MAP_FREQUENCY] = grouped[schema.MAP_FREQUENCY].astype("int64")
    is_start = grouped[prev].isna()
    start = grouped.loc[is_start, [schema.ACTIVITY, schema.MAP_FREQUENCY]].rename(
        columns={schema.MAP_FREQUENCY: schema.MAP_CASES}
    )
    edges = grouped.loc[~is_start].rename(
        columns={prev: schema.MAP_SOURCE, schema.ACTIVITY: schema.MAP_TARGET}
    )
    for column in (schema.MAP_WAIT_MEDIAN, schema.MAP_WAIT_MEAN, schema.MAP_WAIT_P90):
        # seconds → minutes; "+ 0.0" turns pandas' -0.0 into 0.0
        edges[column] = edges[column].astype("float64") / 60.0 + 0.0
    edges = _sorted(
        edges[list(EDGE_COLUMNS)], schema.MAP_FREQUENCY, [schema.MAP_SOURCE, schema.MAP_TARGET]
    )
    # Every event but a case's first has one incoming edge, every event but its last one
    # outgoing edge: events(a) = starts(a) + in(a), ends(a) = events(a) - out(a).
    incoming = edges.groupby(schema.MAP_TARGET)[schema.MAP_FREQUENCY].sum()
    outgoing = edges.groupby(schema.MAP_SOURCE)[schema.MAP_FREQUENCY].sum()
    starts = start.set_index(schema.ACTIVITY)[schema.MAP_CASES]
    names = sorted(set(incoming.index) | set(starts.index))
    events = pd.Series(
        [int(starts.get(a, 0)) + int(incoming.get(a, 0)) for a in names],
        index=names,
        dtype="int64",
    )
    ends = events - pd.Series([int(outgoing.get(a, 0)) for a in names], index=names)
    activities = _sorted(
        pd.DataFrame({schema.ACTIVITY: names, schema.MAP_FREQUENCY: events.to_numpy()}),
        schema.MAP_FREQUENCY,
        [schema.ACTIVITY],
    )
    end = pd.DataFrame({schema.ACTIVITY: names, schema.MAP_CASES: ends.to_numpy()})
    return ProcessMap(
        edges=edges,
        activities=activities,
        start=_sorted(start, schema.MAP_CASES, [schema.ACTIVITY]),
        end=_sorted(end[end[schema.MAP_CASES] > 0], schema.MAP_CASES, [schema.ACTIVITY]),
        cases=int(starts.sum()),
        events=int(events.sum()),
    )


def directly_follows(frame: engine.FrameLike) -> pd.DataFrame:
    """Directly-follows edges with frequency and median/mean/p90 wait in minutes.

    Columns EDGE_COLUMNS, most frequent first.
    """
    return process_map(frame).edges


def start_activities(frame: engine.FrameLike) -> pd.DataFrame:
    """Activities cases start with: ACTIVITY, MAP_CASES, most frequent first."""
    return process_map(frame).start


def end_activities(frame: engine.FrameLike) -> pd.DataFrame:
    """Activities cases end with: ACTIVITY, MAP_CASES, most frequent first."""
    return process_map(frame).end


# --- abstraction: the part of a large map that is drawn --------------------------------------


def variants(frame: engine.FrameLike, *, top: int | None = None) -> pd.DataFrame:
    """The variants of ``frame`` (VARIANT_COLUMNS), most frequent first.

    ``top`` keeps the first ``top`` variants (shares and coverage still count all cases);
    only their sequences are read back from the log. Durations are the median case
    throughput time (first to last TIMESTAMP) in minutes.
    """
    lf = steps.prepare(frame)
    table = _variant_table(_case_variants(lf))
    if top is not None:
        table = table.head(top)
    examples = table[schema.VARIANT_EXAMPLE_CASE].tolist()
    sequences = _sequences(lf, examples)
    table = table.drop(columns=[_VARIANT_KEY])
    table.insert(1, schema.VARIANT_ACTIVITIES, [sequences.get(c, ()) for c in examples])
    return table[list(VARIANT_COLUMNS)].reset_index(drop=True)


def case_variants(frame: engine.FrameLike) -> pd.DataFrame:
    """CASE and VARIANT_RANK: the variant of each case, ranked exactly as :func:`variants`
    ranks them (1 = the most frequent), by case id."""
    lf = steps.prepare(frame)
    per_case = _case_variants(lf)
    ranks = _variant_table(per_case)[[_VARIANT_KEY, schema.VARIANT_RANK]]
    keyed = engine.to_pandas(per_case.select(schema.CASE, _VARIANT_KEY))
    ranked = keyed.merge(ranks, on=_VARIANT_KEY)[[schema.CASE, schema.VARIANT_RANK]]
    return ranked.sort_values(schema.CASE, kind="stable").reset_index(drop=True)


def _case_variants(lf: nw.LazyFrame) -> nw.LazyFrame:
    """One row per case: CASE, the variant key, length, first and last TIMESTAMP (lazy)."""
    activities = lf.select(schema.ACTIVITY).unique().collect()[schema.ACTIVITY].to_list()
    order = steps.order_columns(lf.collect_schema().names())
    weights = {
        f"w{family}": {a: _activity_number(a, family) for a in activities} for family in (1, 2)
    }
    numbered = steps.running_count(lf, [schema.CASE], order, steps.POSITION)
    per_event = engine.with_mapped(
        numbered, schema.ACTIVITY, weights, default=0, dtype=nw.Int64()
    ).select(schema.CASE, schema.TIMESTAMP, steps.POSITION, *weights)
    # One column per round: an expression that used the previous round twice would be
    # copied into the query twice per round (2**rounds copies of the window).
    for i, constants in enumerate(zip(*_POSITION_CONSTANTS, strict=True)):
        rounds = []
        for family, c in zip((1, 2), constants, strict=True):
            if i == 0:
                value = nw.col(steps.POSITION) * c + 12_345
            else:
                value = nw.col(f"x{family}") * nw.col(f"x{family}") + c
            rounds.append((value % _PRIME).alias(f"x{family}"))
        per_event = per_event.with_columns(rounds)
    per_event = per_event.select(
        schema.CASE,
        schema.TIMESTAMP,
        ((nw.col("w1") * nw.col("x1")) % _PRIME).alias("h1"),
        ((nw.col("w2") * nw.col("x2")) % _PRIME).alias("h2"),
    )
    per_case = per_event.group_by(schema.CASE).agg(
        nw.col("h1").sum(),
        nw.col("h2").sum(),
        nw.len().alias(schema.VARIANT_LENGTH),
        nw.col(schema.TIMESTAMP).min().alias(_CASE_BEGIN),
        nw.col(schema.TIMESTAMP).max().alias(_CASE_END),
    )
    return per_case.select(
        schema.CASE,
        # sums of values below P stay exact in int64 (DuckDB sums them as int128: cast back)
        (
            (nw.col("h1") % _PRIME).cast(nw.Int64) * _PRIME + (nw.col("h2") % _PRIME).cast(nw.Int64)
        ).alias(_VARIANT_KEY),
        nw.col(schema.VARIANT_LENGTH).cast(nw.Int64),
        steps.seconds_between(_CASE_BEGIN, _CASE_END).alias(steps.WAIT_SECONDS),
    )


def _variant_table(per_case: nw.LazyFrame) -> pd.DataFrame:
    table = engine.to_pandas(
        per_case.group_by(_VARIANT_KEY, schema.VARIANT_LENGTH).agg(
            nw.len().alias(schema.VARIANT_CASES),
            nw.col(schema.CASE).min().alias(schema.VARIANT_EXAMPLE_CASE),
            nw.col(steps.WAIT_SECONDS).median().alias(schema.VARIANT_DURATION_MEDIAN),
        )
    )
    table[schema.VARIANT_CASES] = table[schema.VARIANT_CASES].astype("int64")
    table[schema.VARIANT_LENGTH] = table[schema.VARIANT_LENGTH].astype("int64")
    table[schema.VARIANT_DURATION_MEDIAN] = (
        table[schema.VARIANT_DURATION_MEDIAN].astype("float64") / 60.0 + 0.0
    )
    table = table.sort_values(
        [schema.VARIANT_CASES, schema.VARIANT_LENGTH, schema.VARIANT_EXAMPLE_CASE],
        ascending=[False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    total = int(table[schema.VARIANT_CASES].sum())
    table[schema.VARIANT_RANK] = range(1, len(table) + 1)
    table[schema.VARIANT_SHARE] = table[schema.VARIANT_CASES] / total if total else 0.0
    table[schema.VARIANT_COVERAGE] = table[schema.VARIANT_CASES].cumsum() / total if total else 0.0
    return table


def _sequences(lf: nw.LazyFrame, cases: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``{case: activities in order}`` for the given cases (a filtered scan, no window)."""
    if not cases:
        return {}
    order = steps.order_columns(lf.collect_schema().names())
    events = engine.to_pandas(
        lf.filter(nw.col(schema.CASE).is_in(list(cases))).select(
            *dict.fromkeys([schema.CASE, schema.ACTIVITY, *order])
        )
    )
    events = events.sort_values([schema.CASE, *order], kind="stable")
    return {
        case: tuple(group[schema.ACTIVITY].tolist())
        for case, group in events.groupby(schema.CASE, sort=False)
    }


def _activity_number(activity: str, family: int) -> int:
    """A random-looking number in [1, P) for an activity name, stable across runs."""
    digest = hashlib.blake2b(f"{family}:{activity}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (_PRIME - 1) + 1


#: Per family, the multiplier of the first round and the constants of five squaring rounds
#: modulo P: the position's number is a polynomial of degree 32 in the position, so sets of
#: positions whose numbers sum alike (which would merge variants) need more than 32 positions
#: of special structure.
_POSITION_CONSTANTS: tuple[tuple[int, ...], tuple[int, ...]] = (
    (1_103_515_245, 2_654_435_761, 40_503, 97_531, 31_337, 7),
    (69_069, 2_246_822_519, 3_266_489_917, 668_265_263, 374_761_393, 11),
)


# --- helpers -------------------------------------------------------------------------------------


def _sorted(table: pd.DataFrame, count: str, keys: list[str]) -> pd.DataFrame:
    """Most frequent first, ties in key order: the same table on every backend."""
    return (
        table.sort_values(keys, kind="stable")
        .sort_values(count, ascending=False, kind="stable")
        .reset_index(drop=True)
    )


def _as_list(value: str | Collection[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _instant(value: datetime | date | str, what: str) -> datetime:
    """``value`` as a UTC datetime; a date or naive time is read in Europe/Berlin."""
    from zoneinfo import ZoneInfo

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InputError(
                [
                    problem(
                        "period.value",
                        f"Zeitpunkt für {what} nicht lesbar (JJJJ-MM-TT erwartet)",
                        f"cannot read the {what} of the period (expected YYYY-MM-DD)",
                        value=value,
                    )
                ]
            ) from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(schema.DEFAULT_TIMEZONE))
    return value.astimezone(UTC)


def _within(expr: nw.Expr, begin: datetime | None, stop: datetime | None) -> nw.Expr:
    condition = nw.lit(True)
    if begin is not None:
        condition = condition & (expr >= nw.lit(begin))
    if stop is not None:
        condition = condition & (expr < nw.lit(stop))
    return condition


# --- burden drawn on the map -----------------------------------------------------------------

#: Burden kinds drawn on the edge into their anchor event, the others on its activity (node).
EDGE_BURDENS: tuple[str, ...] = (
    schema.Burden.MEDIA_BREAK.value,
    schema.Burden.PING_PONG.value,
    schema.Burden.HANDOVER.value,
)


@dataclass(frozen=True)
class BurdenOverlay:
    """Findings counted on the map: per edge (MAP_SOURCE, MAP_TARGET, FINDING_BURDEN,
    MAP_FREQUENCY) for the kinds of :data:`EDGE_BURDENS`, per activity (ACTIVITY,
    FINDING_BURDEN, MAP_FREQUENCY) for all kinds (a media break also counts at the step
    that starts on the new medium)."""

    edges: pd.DataFrame
    nodes: pd.DataFrame


def burden_overlay(frame: engine.FrameLike, findings: pd.DataFrame) -> BurdenOverlay:
    """Where the findings sit on the directly-follows graph of ``frame``.

    A finding is counted at its anchor event's activity; edge kinds also on the edge from the
    anchor's directly preceding event (in the map's order) to the anchor. Findings whose
    anchor is a case's first event have no edge. Two detectors reporting the same kind at the
    same event (a media break that is also a system break) count once.
    """
    findings = findings.drop_duplicates([schema.FINDING_BURDEN, schema.CASE, schema.EVENT_ID])
    node_counts = (
        findings.groupby([schema.ACTIVITY, schema.FINDING_BURDEN], dropna=True)
        .size()
        .rename(schema.MAP_FREQUENCY)
        .reset_index()
    )
    node_counts = node_counts.astype({schema.ACTIVITY: object, schema.FINDING_BURDEN: object})
    on_edges = findings[findings[schema.FINDING_BURDEN].isin(EDGE_BURDENS)]
    edge_columns = [
        schema.MAP_SOURCE,
        schema.MAP_TARGET,
        schema.FINDING_BURDEN,
        schema.MAP_FREQUENCY,
    ]
    if on_edges.empty:
        edges = pd.DataFrame({c: pd.Series(dtype=object) for c in edge_columns})
    else:
        lf = steps.prepare(frame)
        p = steps.prev_name
        ids = sorted(set(on_edges[schema.EVENT_ID].dropna().astype(str)))
        predecessors = engine.to_pandas(
            steps.with_previous(lf, [schema.ACTIVITY])
            .filter(nw.col(schema.EVENT_ID).is_in(ids))
            .select(schema.CASE, schema.EVENT_ID, p(schema.ACTIVITY))
        ).astype(object)
        joined = on_edges[[schema.CASE, schema.EVENT_ID, schema.ACTIVITY, schema.FINDING_BURDEN]]
        joined = joined.astype(object).merge(predecessors, on=[schema.CASE, schema.EVENT_ID])
        joined = joined[joined[p(schema.ACTIVITY)].notna()]
        edges = (
            joined.groupby([p(schema.ACTIVITY), schema.ACTIVITY, schema.FINDING_BURDEN])
            .size()
            .rename(schema.MAP_FREQUENCY)
            .reset_index()
            .rename(
                columns={p(schema.ACTIVITY): schema.MAP_SOURCE, schema.ACTIVITY: schema.MAP_TARGET}
            )
        )
    edges[schema.MAP_FREQUENCY] = edges[schema.MAP_FREQUENCY].astype("int64")
    node_counts[schema.MAP_FREQUENCY] = node_counts[schema.MAP_FREQUENCY].astype("int64")
    return BurdenOverlay(
        edges=edges[edge_columns].sort_values(edge_columns[:3]).reset_index(drop=True),
        nodes=node_counts.sort_values([schema.ACTIVITY, schema.FINDING_BURDEN]).reset_index(
            drop=True
        ),
    )
