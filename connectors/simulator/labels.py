"""Ground-truth burden labels: one row per burden instance, anchored as ``analyzer.schema`` says.

The simulator injects burdens through its process models (``services/``); the labels are
the exact set of events of the generated log that satisfy the burden definitions below,
applied to the complete log before any attribute is dropped. Because the clean process has
none of them (the ``clean`` option proves it), every label is there because a habit or the
paper channel of the municipality put it there. The definitions are written for detector
authors: a detector that implements them exactly on a complete log scores precision and
recall 1.

Order: the events of a case sorted by TIMESTAMP (then EVENT_ID); the simulator's timestamps
strictly increase within a case, so the order is unambiguous. "Previous" means the event
immediately before in that order, in the same case.

* ``media_break``: the medium class (``schema.DEFAULT_MEDIUM_CLASSES``, digital vs analogue)
  of an event differs from the previous event's. Anchor: the event on the new medium.
  Related: the previous event. Every such change counts, including a posted paper notice
  after a digital process (digital → analogue is a media break: the citizen's data leave the
  digital world) and a statistics record transmitted after it.
* ``manual_reentry``: an event whose DATA_FIELDS share a field with DATA_FIELDS of an
  earlier event of the case. Only capture steps (a person or the applicant entering data)
  carry DATA_FIELDS; automated transfers carry none. Anchor: the later capture. Related:
  the earliest event that wrote one of the shared fields.
* ``once_only``: a request to the applicant for a document another authority holds (see
  ``service_model.HELD_DOCUMENTS``). Anchor: the request. Related: none.
* ``duplicate_responsibility``: an event whose activity occurred earlier in the case at a
  different government level, and not earlier at its own level. Anchor: the repeated check
  at the second level. Related: the latest earlier occurrence of the activity.
* ``rework``: an event whose activity occurred earlier in the case at the same level.
  Anchor: the repeat. Related: the latest earlier occurrence at that level.
* ``ping_pong``: in the case's sequence of level runs (consecutive events at one level form
  a run), four consecutive runs at levels A, B, A, B. Anchor: the first event of the third
  run (where the case returns to the level it left). Related: the last event of the first
  run (where it left). A single round trip A→B→A (asking another body and getting the
  answer) is not ping-pong; the case must be handed to B again.
* ``long_wait``: the time between the previous event's TIMESTAMP and this event's TIMESTAMP
  exceeds :data:`LONG_WAIT_THRESHOLD` (30 days). Anchor: the event that ends the wait.
  Related: the previous event. Natural waits are capped well below the threshold and
  injected ones start well above it, so measuring from the previous TIMESTAMP to this
  event's START_TIMESTAMP gives the same labels.

Hand-overs (``schema.Burden.HANDOVER``) are not labelled: every change of org unit is one,
and the simulator injects none.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa

from analyzer import schema
from analyzer.schema import Burden
from connectors.simulator import ids

#: A wait longer than this between two consecutive events of a case is a long wait.
LONG_WAIT_THRESHOLD = timedelta(days=30)
#: Natural waits (before working-time shifts) never exceed this, so a case of a normal
#: office never crosses the threshold by chance.
NATURAL_WAIT_CAP = timedelta(days=20)
#: Range of an injected long wait.
INJECTED_WAIT = (timedelta(days=35), timedelta(days=120))

#: The burden kinds the simulator labels, in the order labels of one event are listed.
LABELLED_BURDENS: tuple[Burden, ...] = (
    Burden.MEDIA_BREAK,
    Burden.MANUAL_REENTRY,
    Burden.ONCE_ONLY,
    Burden.DUPLICATE_RESPONSIBILITY,
    Burden.PING_PONG,
    Burden.REWORK,
    Burden.LONG_WAIT,
)

_TEXT = pa.dictionary(pa.int32(), pa.string())
#: Label columns as generated (dictionary-encoded where values repeat); a Parquet file of them
#: reads back as plain strings.
LABEL_SCHEMA = pa.schema(
    [
        (c, pa.string() if c in _IDS else _TEXT)
        for c in schema.LABEL_COLUMNS
        for _IDS in [(schema.LABEL_BURDEN_ID, schema.LABEL_EVENT_ID, schema.LABEL_RELATED_EVENT_ID)]
    ]
)

_US_PER_MINUTE = 60_000_000


def _previous_in_group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position: the position of the latest earlier element with the same key
    (-1 if none) and how many earlier elements share the key. Elements are in time order."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    same = np.empty(keys.size, dtype=bool)
    if keys.size:
        same[0] = False
        same[1:] = sorted_keys[1:] == sorted_keys[:-1]
    previous = np.full(keys.size, -1, dtype=np.int64)
    previous[order[1:][same[1:]]] = order[:-1][same[1:]]
    group_start = np.maximum.accumulate(np.where(same, 0, np.arange(keys.size)))
    rank = np.empty(keys.size, dtype=np.int64)
    rank[order] = np.arange(keys.size) - group_start
    return previous, rank


def burden_labels(
    *,
    rows: np.ndarray,
    slot: np.ndarray,
    seq: np.ndarray,
    complete_us: np.ndarray,
    template,
    id_prefix: str,
    first_case: int,
    case_ids: pa.Array,
    municipality: str,
    service: str,
) -> pa.Table:
    """The labels of one generated chunk (cases never span chunks).

    ``rows`` is each event's case (0-based in the chunk; events in case and time order),
    ``slot`` its slot in ``template``, ``seq`` its 0-based position in its case; case ``r``
    is number ``first_case + r + 1`` with ids ``<id_prefix><number>``. Labels are listed by
    kind (in :data:`LABELLED_BURDENS` order), then by anchor.
    """
    n = rows.size
    same_case = np.zeros(n, dtype=bool)
    same_case[1:] = rows[1:] == rows[:-1]
    found: dict[Burden, tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]] = {}

    # media_break
    cls = template.slot_analogue[slot]
    medium = template.slot_medium[slot]
    at = np.flatnonzero(same_case & (cls != np.roll(cls, 1)))
    pair = medium[at - 1] * len(template.media) + medium[at]
    found[Burden.MEDIA_BREAK] = (at, at - 1, pair, template.medium_pairs)

    # manual_reentry: fields already written earlier in the case
    masks = template.slot_fields_mask[slot]
    captured = np.flatnonzero(masks != 0)
    at = related = np.zeros(0, dtype=np.int64)
    codes, texts = np.zeros(0, dtype=np.int64), []
    if captured.size:
        c_rows = rows[captured]
        c_masks = masks[captured]
        seen = np.zeros(captured.size, dtype=np.uint64)
        first_related = np.full(captured.size, -1, dtype=np.int64)
        start = np.flatnonzero(np.r_[True, c_rows[1:] != c_rows[:-1]])
        length = np.diff(np.r_[start, captured.size])
        position = np.arange(captured.size) - np.repeat(start, length)
        width = int(length.max())
        for k in range(1, width):  # cumulative OR of the earlier captures of the same case
            later = np.flatnonzero(position >= k)
            seen[later] |= c_masks[later - k]
        overlap = c_masks & seen
        hit = np.flatnonzero(overlap != 0)
        for k in range(1, width):  # larger k = earlier capture, assigned last: the earliest
            cand = hit[position[hit] >= k]
            earlier = cand - k
            shares = (c_masks[earlier] & overlap[cand]) != 0
            first_related[cand[shares]] = captured[earlier[shares]]
        at, related = captured[hit], first_related[hit]
        codes, texts = template.fields_text(overlap[hit])
    found[Burden.MANUAL_REENTRY] = (at, related, codes, texts)

    # once_only
    at = np.flatnonzero(template.slot_once_only[slot] >= 0)
    found[Burden.ONCE_ONLY] = (
        at,
        np.full(at.size, -1),
        template.slot_once_only[slot[at]],
        template.once_only_texts,
    )

    # duplicate_responsibility and rework (activities and levels of the same case); only
    # events whose activity occurs more than once in their case can be either
    activity = template.slot_activity[slot].astype(np.int64)
    level = template.slot_level[slot].astype(np.int64)
    n_act = len(template.activities)
    n_lev = len(template.levels)
    case_activity = rows.astype(np.int64) * n_act + activity
    repeated = np.flatnonzero(np.bincount(case_activity)[case_activity] > 1)
    by_level, rank = _previous_in_group(case_activity[repeated] * n_lev + level[repeated])
    by_activity, _ = _previous_in_group(case_activity[repeated])
    dup = (by_level < 0) & (by_activity >= 0)
    at, before = repeated[dup], repeated[by_activity[dup]]
    found[Burden.DUPLICATE_RESPONSIBILITY] = (
        at,
        before,
        level[before] * n_lev + level[at],
        template.level_pairs,
    )
    again = by_level >= 0
    occurrence = rank[again] + 1
    top = int(occurrence.max(initial=1))
    found[Burden.REWORK] = (
        repeated[again],
        repeated[by_level[again]],
        occurrence - 1,
        [f"occurrence={k}" for k in range(1, top + 1)],
    )

    # ping_pong on runs of levels
    run_start = np.flatnonzero(~same_case | (level != np.roll(level, 1)))
    run_end = np.r_[run_start[1:], n] - 1
    run_level = level[run_start]
    run_case = rows[run_start]
    r = np.arange(max(run_start.size - 3, 0))
    hit = r[
        (run_case[r] == run_case[r + 3])
        & (run_level[r] == run_level[r + 2])
        & (run_level[r + 1] == run_level[r + 3])
    ]
    found[Burden.PING_PONG] = (
        run_start[hit + 2],
        run_end[hit],
        run_level[hit] * n_lev + run_level[hit + 1],
        template.level_rounds,
    )

    # long_wait
    gap = np.zeros(n, dtype=np.int64)
    gap[1:] = complete_us[1:] - complete_us[:-1]
    threshold = LONG_WAIT_THRESHOLD // timedelta(microseconds=1)
    at = np.flatnonzero(same_case & (gap > threshold))
    minutes, codes = np.unique(gap[at] // _US_PER_MINUTE, return_inverse=True)
    found[Burden.LONG_WAIT] = (at, at - 1, codes, [f"gap_minutes={m}" for m in minutes])

    return _label_table(found, rows, seq, id_prefix, first_case, case_ids, municipality, service)


def _label_table(
    found: dict[Burden, tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]],
    rows: np.ndarray,
    seq: np.ndarray,
    id_prefix: str,
    first_case: int,
    case_ids: pa.Array,
    municipality: str,
    service: str,
) -> pa.Table:
    kinds = [k for k in LABELLED_BURDENS if found[k][0].size]
    anchors = np.concatenate([found[k][0] for k in kinds] or [np.zeros(0, np.int64)])
    anchors = anchors.astype(np.int64)
    related = np.concatenate([found[k][1] for k in kinds] or [np.zeros(0, np.int64)])
    related = related.astype(np.int64)
    # one dictionary of details: each kind's texts, its codes shifted past the earlier ones
    texts: list[str] = []
    codes: list[np.ndarray] = []
    for k in kinds:
        codes.append(np.asarray(found[k][2], dtype=np.int64) + len(texts))
        texts += found[k][3]
    number = first_case + rows + 1
    anchor_rows = ids.id_matrix(id_prefix, number[anchors], seq[anchors] + 1)
    safe = np.where(related >= 0, related, anchors)
    related_rows = ids.id_matrix(id_prefix, number[safe], seq[safe] + 1)
    bounds = np.cumsum([0] + [found[k][0].size for k in kinds])
    burden_ids = ids.strings(
        [
            ids.with_suffix(anchor_rows[a:b], f":{k.value}")
            for k, a, b in zip(kinds, bounds[:-1], bounds[1:], strict=True)
        ]
    )
    n = anchors.size
    kind_codes = (
        np.repeat(
            np.array([LABELLED_BURDENS.index(k) for k in kinds], dtype=np.int32),
            [found[k][0].size for k in kinds],
        )
        if kinds
        else np.zeros(0, np.int32)
    )
    zero = np.zeros(n, dtype=np.int32)
    columns = {
        schema.LABEL_BURDEN_ID: burden_ids,
        schema.LABEL_BURDEN: _dictionary(kind_codes, [b.value for b in LABELLED_BURDENS]),
        schema.MUNICIPALITY: _dictionary(zero, [municipality]),
        schema.SERVICE: _dictionary(zero, [service]),
        schema.CASE: pa.DictionaryArray.from_arrays(
            pa.array(rows[anchors].astype(np.int32)), case_ids
        ),
        schema.LABEL_EVENT_ID: ids.strings([anchor_rows]),
        schema.LABEL_RELATED_EVENT_ID: ids.strings([related_rows], valid=related >= 0),
        schema.LABEL_DETAIL: _dictionary(
            np.concatenate(codes or [np.zeros(0, np.int64)]), texts or [""]
        ),
    }
    return pa.table([columns[c] for c in schema.LABEL_COLUMNS], schema=LABEL_SCHEMA)


def _dictionary(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), pa.array(values, pa.string())
    )
