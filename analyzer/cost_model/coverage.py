"""Which activities a cost rests on: how many are priced, on what basis, and how to price the rest.

A cost is only as good as the times behind it. An activity is *priced* where it has a time
(fixed, measured in the log or from the Zeitwerttabelle, :class:`TimeSource`); a group (or
case) whose occurrences are not all priced has no cost (``None``, shown "–"), never the sum
of the priced part, which would make the municipality with the fewest known times look
cheapest. Asked for a lower bound, the priced part is reported where at least one activity
is priced, and the note says it is a lower bound. The basis of a cost is the time sources of
its priced occurrences (``cost:basis``, e.g. ``"log+table"``); the note says it in German
and English with the share of occurrences of each.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from analyzer import schema
from analyzer.cost_model.costing import TimeSource
from analyzer.cost_model.money import round_cents
from analyzer.cost_model.times import _N

#: Time sources in the order a basis names them.
BASIS_ORDER = (TimeSource.FIXED, TimeSource.LOG, TimeSource.TABLE)
#: How a time source is named in a note (German, English).
SOURCE_TEXT: dict[TimeSource, tuple[str, str]] = {
    TimeSource.FIXED: ("festen Minuten der Kostendatei", "fixed minutes of the costs file"),
    TimeSource.LOG: ("im Protokoll gemessenen Dauern", "durations measured in the log"),
    TimeSource.TABLE: (
        "Standardzeiten der Zeitwerttabelle",
        "standard times of the Zeitwerttabelle",
    ),
}
#: Unpriced activities named in a note; the rest are counted.
NAMED_UNPRICED = 5
_KEY = "__group"


def occurrences_by_source(priced: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Occurrences per group and time source: the group columns and one count column per
    :class:`TimeSource` (0 where none). ``priced`` has the group columns, COST_TIME_SOURCE
    and ``__n`` (occurrences)."""
    frame, keys = _grouped(priced, group)
    sums = (
        frame.groupby([*keys, schema.COST_TIME_SOURCE], dropna=False, sort=True)[_N]
        .sum()
        .unstack(schema.COST_TIME_SOURCE, fill_value=0)
    )
    for source in TimeSource:
        if source.value not in sums.columns:
            sums[source.value] = 0
    sums = sums[[s.value for s in TimeSource]].astype("int64").reset_index()
    sums.columns.name = None
    return sums.drop(columns=[_KEY]) if not group else sums


def basis_of(by_source: pd.DataFrame) -> pd.Series:
    """The basis of each row of :func:`occurrences_by_source`: its time sources with priced
    occurrences, in :data:`BASIS_ORDER`, joined by ``+``; None where nothing is priced."""
    basis = pd.Series("", index=by_source.index, dtype=object)
    for source in BASIS_ORDER:
        used = by_source[source.value] > 0
        basis = basis.where(~used, basis + "+" + source.value)
    basis = basis.str.lstrip("+")
    return basis.where(basis != "", None)


def activity_coverage(priced: pd.DataFrame, group: list[str], label_column: str) -> pd.DataFrame:
    """Per group: COST_ACTIVITIES (distinct labels), COST_ACTIVITIES_PRICED (labels with a
    time) and COST_UNPRICED_ACTIVITIES (the others, most occurrences first, then by name,
    joined by ``"; "``; None where all are priced)."""
    frame, keys = _grouped(priced, group)
    labels = (
        frame.groupby([*keys, label_column], dropna=False, sort=True)
        .agg(n=(_N, "sum"), source=(schema.COST_TIME_SOURCE, "first"))
        .reset_index()
    )
    labels["__priced"] = labels["source"] != TimeSource.MISSING.value
    rows = []
    for values, part in labels.groupby(keys, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        open_ = part[~part["__priced"]].sort_values(
            ["n", label_column], ascending=[False, True], kind="stable"
        )
        rows.append(
            (
                *values,
                len(part),
                int(part["__priced"].sum()),
                "; ".join(str(v) for v in open_[label_column]) or None,
            )
        )
    columns = [
        *keys,
        schema.COST_ACTIVITIES,
        schema.COST_ACTIVITIES_PRICED,
        schema.COST_UNPRICED_ACTIVITIES,
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out.drop(columns=[_KEY]) if not group else out


def cost_note(
    *,
    activities: int,
    priced: int,
    unpriced: str | None,
    by_source: dict[str, int],
    lower_bound: bool,
) -> tuple[str, str]:
    """The note on one cost (German, English): its basis where all activities are priced;
    else that the cost is missing (or, with ``lower_bound``, a lower bound), which
    activities have no time and how to give them one."""
    if priced == activities:
        de, en = _basis_text(by_source)
        return (
            f"{de} Alle {activities} Tätigkeiten haben eine Zeit.",
            f"{en} All {activities} activities have a time.",
        )
    names = (unpriced or "").split("; ")
    shown = ", ".join(names[:NAMED_UNPRICED])
    more = len(names) - NAMED_UNPRICED
    more_de = f" und {more} weitere" if more > 0 else ""
    more_en = f" and {more} more" if more > 0 else ""
    verb_de, verb_en = ("hat", "has") if priced == 1 else ("haben", "have")
    coverage_de = (
        f"{priced} von {activities} Tätigkeiten {verb_de} eine Zeit (ohne Zeit: {shown}{more_de})."
    )
    coverage_en = (
        f"{priced} of {activities} activities {verb_en} a time (without: {shown}{more_en})."
    )
    first = names[0]
    hint_de = (
        "Zeiten in einer Kostendatei angeben: Minuten je Tätigkeit "
        f'([activities."{first}"] minutes = …) oder eine Standardtätigkeit der '
        "Zeitwerttabelle (standard_activity = …)."
    )
    hint_en = (
        "Give times in a costs file: minutes per activity "
        f'([activities."{first}"] minutes = …) or a standard activity of the '
        "Zeitwerttabelle (standard_activity = …)."
    )
    if lower_bound and priced > 0:
        basis_de, basis_en = _basis_text(by_source)
        return (
            f"Untergrenze: {coverage_de} {basis_de} {hint_de}",
            f"Lower bound: {coverage_en} {basis_en} {hint_en}",
        )
    return f"Kosten fehlen: {coverage_de} {hint_de}", f"Cost missing: {coverage_en} {hint_en}"


def _basis_text(by_source: dict[str, int]) -> tuple[str, str]:
    used = [(s, by_source.get(s.value, 0)) for s in BASIS_ORDER if by_source.get(s.value, 0)]
    total = sum(n for _, n in used)
    parts_de, parts_en = [], []
    for i, (source, n) in enumerate(used):
        de, en = SOURCE_TEXT[source]
        if len(used) > 1:
            share = round_cents(Fraction(100 * n, total))  # whole percent, half up
            de += f" ({share} % der Vorkommen)" if i == 0 else f" ({share} %)"
            en += f" ({share} % of occurrences)" if i == 0 else f" ({share} %)"
        parts_de.append(de)
        parts_en.append(en)
    return (
        f"Kosten aus {_listed(parts_de, 'und')}.",
        f"Cost from {_listed(parts_en, 'and')}.",
    )


def _listed(parts: list[str], conjunction: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


def _grouped(priced: pd.DataFrame, group: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """``priced`` and its group columns; a constant key where there are none."""
    if group:
        return priced, list(group)
    return priced.assign(**{_KEY: 0}), [_KEY]
