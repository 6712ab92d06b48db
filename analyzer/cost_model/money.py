"""Money and rounding of the cost model: exact cents, rounded half up once per figure."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import narwhals as nw
import pandas as pd

from analyzer import schema
from analyzer.cost_tables import CostTables
from analyzer.problems import InputError, Problem, problem

SECONDS_PER_HOUR = 3600


def round_cents(amount: Fraction | int) -> int:
    """``amount`` (cents, exact) rounded half up to whole cents (non-negative amounts)."""
    amount = Fraction(amount)
    return (2 * amount.numerator + amount.denominator) // (2 * amount.denominator)


def euros(cents: int) -> Decimal:
    """Whole cents as euros with two decimals (``1234`` → ``Decimal("12.34")``)."""
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


def to_cents(amount: Decimal, *, what: str) -> int:
    """Whole cents of a euro amount; InputError for fractions of a cent."""
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise InputError(
            [
                problem(
                    "money.sub_cent",
                    f"Betrag mit Bruchteilen eines Cents in {what}; "
                    "auf zwei Nachkommastellen runden",
                    f"amount with fractions of a cent in {what}; round it to two decimals",
                    column=what,
                    value=str(amount),
                )
            ]
        )
    return int(cents)


def quantize(value: Fraction | int) -> Decimal:
    """An exact value with two decimals, half up (hours, minutes, counts per year)."""
    value = Fraction(value)
    hundredths = (2 * value.numerator * 100 + value.denominator) // (2 * value.denominator)
    return (Decimal(hundredths) / 100).quantize(Decimal("0.01"))


def round_int(value: Decimal) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def as_int(value: object) -> int:
    if value is None or (isinstance(value, float) and value != value):
        return 0
    return int(value)


def with_edition(frame: pd.DataFrame, tables: CostTables) -> pd.DataFrame:
    frame = frame.copy()
    frame[schema.COST_EDITION] = tables.edition
    return frame


def require_columns(lf: nw.LazyFrame, columns: Sequence[str]) -> None:
    present = lf.collect_schema().names()
    missing = [c for c in columns if c not in present]
    if missing:
        raise InputError(
            [
                problem(
                    "column.missing",
                    "Spalte fehlt für die Kostenrechnung",
                    "column needed for the cost model is missing",
                    column=c,
                )
                for c in missing
            ]
        )


def unique_problems(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault((p.code, p.value, p.column), p)
    return list(seen.values())
