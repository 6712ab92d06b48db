"""What every burden detector shares: the findings table and how a finding is written.

A detector is a pure function ``detect_<burden>(frame, *, options) -> findings``: any frame
the engine accepts in (lazily evaluated on its backend), a pandas findings table out with
exactly :data:`analyzer.schema.FINDING_COLUMNS` (typed; empty with the same columns when
nothing is found). One row per finding; its EVENT_ID is the *anchor event* of the burden
(see the convention in :mod:`analyzer.schema`), FINDING_EVENT_IDS lists every event of the
evidence (earlier events first, anchor last), and the evidence is one sentence in German and
one in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

import narwhals as nw
import numpy as np
import pandas as pd

from analyzer import engine, schema
from analyzer.problems import Problem

#: Key of ``DataFrame.attrs`` holding the notes (warnings) a detector run produced, e.g. that
#: a needed column is missing or that the medium was inferred.
NOTES = "amtsweg:notes"

_TEXT_COLUMNS = tuple(
    c
    for c in schema.FINDING_COLUMNS
    if c not in (*schema.FINDING_NUMBER_COLUMNS, schema.FINDING_INFERRED)
)
_TEXT = pd.StringDtype(na_value=np.nan)


class Severity(StrEnum):
    """How much a finding weighs (FINDING_SEVERITY)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def empty_findings() -> pd.DataFrame:
    """A findings table without rows (the columns and dtypes of every findings table)."""
    return typed_findings(pd.DataFrame({c: [] for c in schema.FINDING_COLUMNS}))


def typed_findings(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with exactly FINDING_COLUMNS in order and their dtypes (columns that have
    them already are not copied): FINDING_LABEL_COLUMNS categorical with sorted categories,
    the other text columns plain text."""
    n = len(table)
    columns = {}
    for column in schema.FINDING_COLUMNS:
        if column in table:
            values = table[column].reset_index(drop=True)
        else:
            values = pd.Series([None] * n, dtype=object)
        if column in _LABELS:
            columns[column] = _labels(values)
            continue
        if column in schema.FINDING_NUMBER_COLUMNS:
            target = np.dtype("float64")
        elif column == schema.FINDING_INFERRED:
            if values.dtype != np.dtype(bool):
                values = values.astype(object).where(values.notna(), False)
            target = np.dtype(bool)
        else:
            target = _TEXT
        columns[column] = values if values.dtype == target else values.astype(target)
    return pd.DataFrame(columns, index=range(n))


_LABELS = frozenset(schema.FINDING_LABEL_COLUMNS)


def _labels(values: pd.Series) -> pd.Series:
    """``values`` as a categorical whose categories are exactly its distinct texts, sorted
    (the same findings have the same dtype however they were built)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.cat.remove_unused_categories()
    else:
        values = values.astype(_TEXT).astype("category")
    present = values.cat.categories
    categories = pd.Index(sorted(str(v) for v in present), dtype=_TEXT)
    if present.dtype == categories.dtype and present.equals(categories):
        return values
    return values.cat.set_categories(categories)


def findings_table(
    rows: pd.DataFrame,
    *,
    detector: str,
    burden: schema.Burden,
    rule: str | Sequence[str] | pd.Series,
    severity: Severity | str | Sequence[str] | pd.Series,
    minutes_lost: float | Sequence[float] | pd.Series,
    evidence_de: Sequence[str],
    evidence_en: Sequence[str],
    event_ids: Sequence[str],
    inferred: bool | Sequence[bool] | pd.Series = False,
) -> pd.DataFrame:
    """The findings of ``rows`` (one per anchor event) as a typed, sorted findings table.

    ``rows`` holds the anchor events' CASE, EVENT_ID, ACTIVITY and, where the log has them,
    MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL. Scalars apply to every row.
    """
    n = len(rows)
    if n == 0:
        return empty_findings()
    table = pd.DataFrame(
        {
            schema.FINDING_DETECTOR: detector,
            schema.FINDING_BURDEN: burden.value,
            schema.FINDING_RULE: _column(rule, n),
            schema.FINDING_SEVERITY: _column(severity, n),
            schema.FINDING_EVENT_IDS: list(event_ids),
            schema.FINDING_MINUTES_LOST: _column(minutes_lost, n),
            schema.FINDING_EVIDENCE: list(evidence_de),
            schema.FINDING_EVIDENCE_EN: list(evidence_en),
            schema.FINDING_INFERRED: _column(inferred, n),
        },
        index=range(n),
    )
    for column in (
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.CASE,
        schema.EVENT_ID,
        schema.ACTIVITY,
        schema.ORG_UNIT,
        schema.LEVEL,
    ):
        if column in rows:
            table[column] = rows[column].to_numpy()
    return sort_findings(typed_findings(table))


#: The order of every findings table (missing values first).
SORT_KEYS: list[str] = [
    schema.FINDING_DETECTOR,
    schema.MUNICIPALITY,
    schema.SERVICE,
    schema.CASE,
    schema.EVENT_ID,
    schema.FINDING_RULE,
]


def sort_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Findings in a stable order: detector, municipality, service, case, anchor event."""
    ordered = table.sort_values(SORT_KEYS, kind="stable", na_position="first")
    return ordered.reset_index(drop=True)


def concat_findings(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several findings tables as one (typed, sorted); empty tables are skipped."""
    parts = [t for t in tables if len(t)]
    if not parts:
        return empty_findings()
    return sort_findings(typed_findings(pd.concat(parts, ignore_index=True)))


def joined(*ids: Iterable[str | None]) -> list[str]:
    """Event ids per row joined by the DATA_FIELDS separator, missing ones left out."""
    sep = schema.DATA_FIELDS_SEPARATOR
    return [sep.join(str(i) for i in row if _present(i)) for row in zip(*ids, strict=True)]


def text(value: object) -> str:
    """A value for an evidence sentence: ``"?"`` where it is missing."""
    return str(value) if _present(value) else "?"


def with_notes(findings: pd.DataFrame, notes: Sequence[Problem]) -> pd.DataFrame:
    """``findings`` carrying ``notes`` in ``attrs[NOTES]`` (kept by run_detectors)."""
    findings.attrs[NOTES] = list(findings.attrs.get(NOTES, [])) + list(notes)
    return findings


def minutes_text_de(minutes: float) -> str:
    """``"3,5 Tage"``, ``"5 Std."``, ``"12 Min."``: a duration for a German sentence."""
    value, unit = _duration(minutes)
    number = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number} {dict(d='Tage', h='Std.', m='Min.')[unit]}"


def minutes_text_en(minutes: float) -> str:
    """``"3.5 days"``, ``"5 h"``, ``"12 min"``: a duration for an English sentence."""
    value, unit = _duration(minutes)
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{number} {dict(d='days', h='h', m='min')[unit]}"


def _duration(minutes: float) -> tuple[float, str]:
    if minutes >= 2 * 24 * 60:
        return minutes / (24 * 60), "d"
    if minutes >= 120:
        return minutes / 60, "h"
    return minutes, "m"


def _column(value, n: int) -> list:
    if isinstance(value, pd.Series):
        return value.tolist()
    if isinstance(value, str | float | int | bool | np.bool_) or value is None:
        return [value] * n
    values = list(value)
    if len(values) != n:
        raise ValueError(f"expected {n} values, got {len(values)}")
    return values


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def anchor_columns(columns: Iterable[str]) -> list[str]:
    """The columns a finding copies from its anchor event, those the log has."""
    present = set(columns)
    wanted = (
        schema.MUNICIPALITY,
        schema.SERVICE,
        schema.CASE,
        schema.EVENT_ID,
        schema.ACTIVITY,
        schema.ORG_UNIT,
        schema.LEVEL,
    )
    return [c for c in wanted if c in present]


# --- findings built lazily in the backend -------------------------------------------------------
# Large logs have hundreds of thousands of findings (every hand-over, every media break); their
# sentences are assembled by the backend (concat_str), not by a Python loop per finding.


def words(*parts: str | nw.Expr) -> nw.Expr:
    """A text column from literal parts and expressions; a missing value reads ``"?"``."""
    exprs = [
        nw.lit(p, nw.String()) if isinstance(p, str) else p.cast(nw.String()).fill_null("?")
        for p in parts
    ]
    return nw.concat_str(exprs)


def sentence_end(inferred: nw.Expr, text: str) -> nw.Expr:
    """The end of an evidence sentence: ``text`` (saying what was inferred) where
    ``inferred``, else ``"."``."""
    return nw.when(inferred).then(nw.lit(text)).otherwise(nw.lit("."))


def labelled(expr: nw.Expr, labels: Mapping[str, str]) -> nw.Expr:
    """``expr`` replaced by its label where ``labels`` has one, else unchanged (null stays)."""
    keys = [str(k) for k in labels]
    # as text: a log's enum column (see engine.in_memory_in_order) refuses keys it lacks
    value = expr.cast(nw.String())
    named = value.replace_strict(
        {str(k): v for k, v in labels.items()}, default="?", return_dtype=nw.String()
    )
    return nw.when(value.is_in(keys)).then(named).otherwise(value)


def number_text(expr: nw.Expr, *, comma: bool) -> nw.Expr:
    """``expr`` rounded to one decimal as text, without a trailing ``.0``; German comma."""
    out = expr.round(1).cast(nw.String()).str.replace_all(r"\.0$", "")
    return out.str.replace_all(".", ",", literal=True) if comma else out


def duration_words(minutes: nw.Expr, language: str) -> nw.Expr:
    """``"3,5 Tage"``/``"3.5 days"``, ``"5 Std."``/``"5 h"``, ``"12 Min."``/``"12 min"``."""
    de = language == "de"
    units = ("Tage", "Std.", "Min.") if de else ("days", "h", "min")
    return (
        nw.when(minutes >= 2 * 24 * 60)
        .then(words(number_text(minutes / (24 * 60), comma=de), " " + units[0]))
        .when(minutes >= 120)
        .then(words(number_text(minutes / 60, comma=de), " " + units[1]))
        .otherwise(words(number_text(minutes, comma=de), " " + units[2]))
    )


def id_list(*ids: nw.Expr) -> nw.Expr:
    """Event ids joined by the DATA_FIELDS separator, missing ones left out."""
    sep = schema.DATA_FIELDS_SEPARATOR
    out = None
    for expr in ids:
        part = expr.cast(nw.String())
        if out is None:
            out = part
            continue
        out = (
            nw.when(out.is_null())
            .then(part)
            .when(part.is_null())
            .then(out)
            .otherwise(nw.concat_str([out, nw.lit(sep), part]))
        )
    return out if out is not None else nw.lit("", nw.String())


_SORT_PREFIX = "step:sort:"
_OUT_PREFIX = "step:finding:"


def lazy_findings(
    lf: nw.LazyFrame,
    *,
    detector: str,
    burden: schema.Burden,
    rule: str | nw.Expr,
    severity: str | nw.Expr,
    minutes_lost: float | nw.Expr,
    evidence_de: nw.Expr,
    evidence_en: nw.Expr,
    event_ids: nw.Expr,
    inferred: bool | nw.Expr = False,
) -> nw.LazyFrame:
    """The rows of ``lf`` (one per anchor event) as findings, still lazy: FINDING_COLUMNS.

    Anchor columns the log lacks (MUNICIPALITY, SERVICE, ORG_UNIT, LEVEL) are null. The rows
    come in the order of :func:`sort_findings`. FINDING_LABEL_COLUMNS are coded
    (:func:`analyzer.engine.label_dtype`) where the backend codes text.
    """
    present = set(lf.collect_schema().names())

    def value(x: object, dtype) -> nw.Expr:
        return x if isinstance(x, nw.Expr) else nw.lit(x, dtype)

    given = {
        schema.FINDING_DETECTOR: nw.lit(detector, nw.String()),
        schema.FINDING_BURDEN: nw.lit(burden.value, nw.String()),
        schema.FINDING_RULE: value(rule, nw.String()),
        schema.FINDING_SEVERITY: value(
            str(severity) if isinstance(severity, StrEnum) else severity, nw.String()
        ),
        schema.FINDING_EVENT_IDS: event_ids,
        schema.FINDING_MINUTES_LOST: value(minutes_lost, nw.Float64()).cast(nw.Float64()),
        schema.FINDING_EVIDENCE: evidence_de,
        schema.FINDING_EVIDENCE_EN: evidence_en,
        schema.FINDING_INFERRED: value(inferred, nw.Boolean()),
    }
    keys = {}
    for column in SORT_KEYS:
        if column == schema.FINDING_DETECTOR:
            continue
        if column in given:
            keys[column] = given[column]
        elif column in present:
            keys[column] = nw.col(column).cast(nw.String())
        else:
            keys[column] = nw.lit(None, nw.String())
    sort_names = [_SORT_PREFIX + c for c in keys]
    label = engine.label_dtype(lf)

    def output(column: str, *, sorted_keys: bool) -> nw.Expr:
        if sorted_keys and column in keys:
            expr = nw.col(_SORT_PREFIX + column)
        elif column in given:
            expr = given[column]
        elif column in present and column in schema.FINDING_NUMBER_COLUMNS:
            expr = nw.col(column).cast(nw.Float64())
        elif column in present:
            expr = nw.col(column).cast(nw.String())
        elif column in schema.FINDING_NUMBER_COLUMNS:
            expr = nw.lit(None, nw.Float64())
        else:
            expr = nw.lit(None, nw.String())
        return expr.cast(label) if column in _LABELS else expr

    if label != nw.String():
        # the backend codes repeated texts: each batch of sentences becomes codes as it is
        # built (a million findings hold a few hundred distinct sentences), and the sort
        # moves codes, not texts
        built = lf.with_columns(
            *(output(c, sorted_keys=False).alias(_OUT_PREFIX + c) for c in schema.FINDING_COLUMNS),
            *(e.alias(_SORT_PREFIX + c) for c, e in keys.items()),
        )
        return built.sort(sort_names, nulls_last=False).select(
            nw.col(_OUT_PREFIX + c).alias(c) for c in schema.FINDING_COLUMNS
        )
    # sort on the narrow keys before the sentences are built: the backend then moves short
    # rows, not long texts, through its sort (a projection keeps the order of the sorted rows)
    keyed = lf.with_columns(e.alias(_SORT_PREFIX + c) for c, e in keys.items()).sort(
        sort_names, nulls_last=False
    )
    return keyed.select(output(c, sorted_keys=True).alias(c) for c in schema.FINDING_COLUMNS)


def collect_findings(lazy: nw.LazyFrame) -> pd.DataFrame:
    """Run ``lazy`` (from :func:`lazy_findings`) and return the typed, sorted findings.

    :func:`lazy_findings` has the backend sort (in the order of :func:`sort_findings`), so
    large tables never go through a pandas sort.
    """
    return typed_findings(engine.to_pandas(lazy, categorical=True))
