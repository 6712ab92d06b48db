"""The log as the comparison sees it: harmonised steps, one group or municipality at a time."""

from __future__ import annotations

import narwhals as nw

from analyzer import engine, schema, steps
from analyzer.problems import InputError, problem

#: Prefix of a label without a mapped step in a harmonised view.
UNMAPPED_PREFIX = "?"


def harmonised_view(
    frame: engine.FrameLike, *, activity_column: str = schema.ACTIVITY
) -> nw.LazyFrame:
    """``frame`` with ACTIVITY replaced by ``activity_column`` (STEP after harmonisation).

    Events without a step keep their own label, prefixed with :data:`UNMAPPED_PREFIX`, so
    unmapped labels stay visible and never merge with a step.
    """
    lf = engine.as_lazy(frame)
    if activity_column == schema.ACTIVITY:
        return lf
    steps.require_columns(
        lf,
        [activity_column],
        purpose_de="den Vergleich harmonisierter Schritte",
        purpose_en="comparing harmonised steps",
    )
    own = nw.concat_str([nw.lit(UNMAPPED_PREFIX), nw.col(schema.ACTIVITY).cast(nw.String())])
    # as text: a log in memory holds labels as categorical, which does not mix with text
    step = nw.col(activity_column).cast(nw.String())
    return lf.with_columns(nw.coalesce(step, own).alias(schema.ACTIVITY))


def group_values(lf: nw.LazyFrame, keys: list[str]) -> list[tuple]:
    if not keys:
        return [()]
    table = engine.to_pandas(lf.select(*keys).unique().sort(keys))
    return [tuple(r) for r in table.itertuples(index=False)]


def group_subset(lf: nw.LazyFrame, keys: list[str], values: tuple) -> nw.LazyFrame:
    condition = nw.lit(True)
    for key, value in zip(keys, values, strict=True):
        condition = condition & (nw.col(key) == value)
    return lf.filter(condition)


def municipality_log(lf: nw.LazyFrame, municipality: str, service: str | None) -> nw.LazyFrame:
    condition = nw.col(schema.MUNICIPALITY) == municipality
    if service is not None:
        condition = condition & (nw.col(schema.SERVICE) == service)
    sub = lf.filter(condition)
    if engine.row_count(sub) == 0:
        raise InputError(
            [
                problem(
                    "comparison.no_events",
                    "keine Ereignisse für diese Kommune/Leistung",
                    "no events for this municipality/service",
                    column=schema.MUNICIPALITY,
                    value=municipality if service is None else f"{municipality} / {service}",
                )
            ]
        )
    return sub
