"""Ground-truth burden labels: one row per burden instance, anchored as ``analyzer.schema`` says.

The simulator injects burdens through its process models (``services.py``); the labels are
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
  ``services.HELD_DOCUMENTS``). Anchor: the request. Related: none.
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
import pyarrow.compute as pc

from analyzer import schema
from analyzer.schema import Burden

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

LABEL_SCHEMA = pa.schema([(c, pa.string()) for c in schema.LABEL_COLUMNS])

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
    complete_us: np.ndarray,
    template,
    event_ids: pa.Array,
    case_ids: pa.Array,
    municipality: str,
    service: str,
) -> pa.Table:
    """The labels of one generated chunk (cases never span chunks).

    ``rows`` is each event's case (0-based in the chunk, events in case and time order),
    ``slot`` its slot in ``template``; ``event_ids``/``case_ids`` are the ids as written.
    """
    n = rows.size
    same_case = np.zeros(n, dtype=bool)
    same_case[1:] = rows[1:] == rows[:-1]

    found: list[tuple[Burden, np.ndarray, np.ndarray, pa.Array]] = []

    # media_break
    cls = template.slot_analogue[slot]
    medium = template.slot_medium[slot]
    at = np.flatnonzero(same_case & (cls != np.roll(cls, 1)))
    pair = medium[at - 1] * len(template.media) + medium[at]
    found.append((Burden.MEDIA_BREAK, at, at - 1, _lookup(pair, template.medium_pairs)))

    # manual_reentry: fields already written earlier in the case
    masks = template.slot_fields_mask[slot]
    captured = np.flatnonzero(masks != 0)
    if captured.size:
        c_rows = rows[captured]
        c_masks = masks[captured]
        seen = np.zeros(captured.size, dtype=np.uint64)
        # cumulative OR of the earlier captures of the same case (captures are few per case)
        first_related = np.full(captured.size, -1, dtype=np.int64)
        start = np.flatnonzero(np.r_[True, c_rows[1:] != c_rows[:-1]])
        width = int(np.diff(np.r_[start, captured.size]).max())
        position = np.arange(captured.size) - np.repeat(start, np.diff(np.r_[start, captured.size]))
        for k in range(1, width):
            later = np.flatnonzero(position >= k)
            seen[later] |= c_masks[later - k]
        overlap = c_masks & seen
        hit = np.flatnonzero(overlap != 0)
        # related: the earliest earlier capture that wrote one of the shared fields
        for k in range(1, width):  # larger k = earlier capture, assigned last
            cand = hit[position[hit] >= k]
            earlier = cand - k
            shares = (c_masks[earlier] & overlap[cand]) != 0
            first_related[cand[shares]] = captured[earlier[shares]]
        at = captured[hit]
        found.append(
            (Burden.MANUAL_REENTRY, at, first_related[hit], template.fields_text(overlap[hit]))
        )

    # once_only
    at = np.flatnonzero(template.slot_once_only[slot] >= 0)
    found.append(
        (
            Burden.ONCE_ONLY,
            at,
            np.full(at.size, -1),
            _lookup(template.slot_once_only[slot[at]], template.once_only_texts),
        )
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
    again = by_level >= 0
    found.append(
        (
            Burden.REWORK,
            repeated[again],
            repeated[by_level[again]],
            _occurrence_text(rank[again] + 1),
        )
    )
    dup = (by_level < 0) & (by_activity >= 0)
    at, before = repeated[dup], repeated[by_activity[dup]]
    pair = level[before] * n_lev + level[at]
    found.append((Burden.DUPLICATE_RESPONSIBILITY, at, before, _lookup(pair, template.level_pairs)))

    # ping_pong on runs of levels
    run_start = np.flatnonzero(~same_case | (level != np.roll(level, 1)))
    run_end = np.r_[run_start[1:], n] - 1
    run_level = level[run_start]
    run_case = rows[run_start]
    if run_start.size >= 4:
        r = np.arange(run_start.size - 3)
        hit = r[
            (run_case[r] == run_case[r + 3])
            & (run_level[r] == run_level[r + 2])
            & (run_level[r + 1] == run_level[r + 3])
        ]
        at = run_start[hit + 2]
        pair = run_level[hit] * n_lev + run_level[hit + 1]
        found.append((Burden.PING_PONG, at, run_end[hit], _lookup(pair, template.level_rounds)))

    # long_wait
    gap = np.zeros(n, dtype=np.int64)
    gap[1:] = complete_us[1:] - complete_us[:-1]
    threshold = LONG_WAIT_THRESHOLD // timedelta(microseconds=1)
    at = np.flatnonzero(same_case & (gap > threshold))
    minutes = pa.array(gap[at] // _US_PER_MINUTE).cast(pa.string())
    found.append(
        (Burden.LONG_WAIT, at, at - 1, pc.binary_join_element_wise("gap_minutes=", minutes, ""))
    )

    return _label_table(found, event_ids, case_ids, rows, municipality, service)


def _lookup(codes: np.ndarray, texts: list[str]) -> pa.Array:
    indices = pa.array(np.asarray(codes, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array(texts, pa.string())).dictionary_decode()


def _occurrence_text(occurrence: np.ndarray) -> pa.Array:
    numbers = pa.array(occurrence.astype(np.int64)).cast(pa.string())
    return pc.binary_join_element_wise("occurrence=", numbers, "")


def _label_table(
    found: list[tuple[Burden, np.ndarray, np.ndarray, pa.Array]],
    event_ids: pa.Array,
    case_ids: pa.Array,
    rows: np.ndarray,
    municipality: str,
    service: str,
) -> pa.Table:
    kinds = {b: i for i, b in enumerate(LABELLED_BURDENS)}
    anchors = np.concatenate([f[1] for f in found]).astype(np.int64)
    related = np.concatenate([f[2] for f in found]).astype(np.int64)
    kind = np.concatenate([np.full(f[1].size, kinds[f[0]], dtype=np.int64) for f in found])
    detail = pa.concat_arrays([f[3].cast(pa.string()) for f in found])
    order = np.lexsort((kind, anchors))
    anchors, related, kind = anchors[order], related[order], kind[order]
    detail = detail.take(pa.array(order))
    kind_text = _lookup(kind, [b.value for b in LABELLED_BURDENS])
    anchor_ids = event_ids.take(pa.array(anchors))
    related_ids = event_ids.take(pa.array(related, mask=related < 0))
    n = anchors.size
    columns = {
        schema.LABEL_BURDEN_ID: pc.binary_join_element_wise(anchor_ids, kind_text, ":"),
        schema.LABEL_BURDEN: kind_text,
        schema.MUNICIPALITY: pa.repeat(pa.scalar(municipality, pa.string()), n),
        schema.SERVICE: pa.repeat(pa.scalar(service, pa.string()), n),
        schema.CASE: case_ids.take(pa.array(rows[anchors])),
        schema.LABEL_EVENT_ID: anchor_ids,
        schema.LABEL_RELATED_EVENT_ID: related_ids,
        schema.LABEL_DETAIL: detail,
    }
    return pa.table(
        [columns[c].cast(pa.string()) for c in schema.LABEL_COLUMNS], schema=LABEL_SCHEMA
    )
