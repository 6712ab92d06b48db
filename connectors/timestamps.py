"""Reading timestamps as German administrations export them.

Accepted forms (each row is read with the first form whose pattern it matches):

* German: ``23.11.2026 14:05``, ``23.11.2026 14:05:09``, ``23.11.2026``, ``23.11.26 14:05``,
  ``23.11.26`` (two-digit years: 00-68 → 20xx, 69-99 → 19xx);
* ISO 8601: ``2026-11-23T14:05:09``, with ``T`` or a space, optional fractions of a second,
  optional offset ``Z``/``+01:00``/``+0100``; a date alone ``2026-11-23``.

Times without an offset are local time in ``timezone`` (Europe/Berlin unless told otherwise)
and are stored in UTC. A column that mixes values with and without an offset is refused:
nobody can tell which clock the offset-less values were read from.
"""

from __future__ import annotations

import polars as pl

from analyzer import schema
from analyzer.problems import InputError, Problem, problem

# (pattern the whole value must match, strptime format, carries an offset)
_FORMS: tuple[tuple[str, str, bool], ...] = (
    (r"^\d{1,2}\.\d{1,2}\.\d{4}[ ,T]+\d{1,2}:\d{2}:\d{2}$", "%d.%m.%Y %H:%M:%S", False),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}[ ,T]+\d{1,2}:\d{2}$", "%d.%m.%Y %H:%M", False),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y", False),
    (r"^\d{1,2}\.\d{1,2}\.\d{2}[ ,T]+\d{1,2}:\d{2}:\d{2}$", "%d.%m.%y %H:%M:%S", False),
    (r"^\d{1,2}\.\d{1,2}\.\d{2}[ ,T]+\d{1,2}:\d{2}$", "%d.%m.%y %H:%M", False),
    (r"^\d{1,2}\.\d{1,2}\.\d{2}$", "%d.%m.%y", False),
    (
        r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        True,
    ),
    (r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})$", "%Y-%m-%dT%H:%M%z", True),
    (r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$", "%Y-%m-%dT%H:%M:%S%.f", False),
    (r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$", "%Y-%m-%dT%H:%M", False),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d", False),
)

_SHOW = 5  # how many bad values an error message quotes


def parse_timestamps(
    values: pl.Series,
    *,
    column: str,
    source: str,
    rows: pl.Series | None = None,
    timezone: str = schema.DEFAULT_TIMEZONE,
) -> pl.Series:
    """``values`` (text) as UTC datetimes; raises :class:`InputError` naming the bad values.

    ``column`` is the name the user knows (the source header), ``rows`` the source row of
    each value (for the message); empty text becomes null (missing values are the
    validator's business, not a parse error).
    """
    text = values.cast(pl.String).str.strip_chars()
    text = pl.Series(values.name, text).replace("", None)
    quick = _parse_uniform(text, timezone=timezone)
    if quick is not None:
        return quick.alias(values.name)
    frame = pl.DataFrame({"v": text, "row": rows if rows is not None else _positions(text)})
    # Normalise separators so one strptime format per form suffices.
    norm = (
        pl.col("v")
        .str.replace(r"^(\d{1,2}\.\d{1,2}\.\d{2,4})[ ,T]+", "$1 ")
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
        .str.replace(r"Z$", "+00:00")
    )
    frame = frame.with_columns(norm.alias("n"))

    form_index = pl.lit(None, dtype=pl.Int32)
    for i, (pattern, _fmt, _tz) in reversed(list(enumerate(_FORMS))):
        form_index = (
            pl.when(pl.col("v").str.contains(pattern)).then(pl.lit(i)).otherwise(form_index)
        )
    frame = frame.with_columns(form_index.alias("form"))

    with_tz = {i for i, form in enumerate(_FORMS) if form[2]}
    used = set(frame["form"].drop_nulls().unique().to_list())
    if used & with_tz and used - with_tz:
        raise _mixed_offsets(frame, with_tz, column=column, source=source)

    parsed = pl.lit(None, dtype=pl.Datetime("us", schema.STORAGE_TIMEZONE))
    for i, (_pattern, fmt, has_tz) in enumerate(_FORMS):
        if i not in used:
            continue
        if has_tz:
            value = pl.col("n").str.to_datetime(fmt, time_unit="us", strict=False)
            value = value.dt.convert_time_zone(schema.STORAGE_TIMEZONE)
        else:
            value = _local_to_utc(
                pl.col("n").str.to_datetime(fmt, time_unit="us", strict=False), timezone
            )
        parsed = pl.when(pl.col("form") == i).then(value).otherwise(parsed)
    frame = frame.with_columns(parsed.alias("t"))

    bad = frame.filter(pl.col("v").is_not_null() & pl.col("t").is_null())
    if bad.height:
        raise _unparseable(bad, total=bad.height, column=column, source=source)
    return frame["t"].alias(values.name)


def _parse_uniform(text: pl.Series, *, timezone: str) -> pl.Series | None:
    """The fast path for the usual case, a column in one form: the form is taken from a
    sample and the whole column parsed with its one format. None when any value does not
    parse that way (the row-by-form path then decides and names the bad values)."""
    sample = text.drop_nulls().head(1000)
    if sample.is_empty():
        return None
    forms = {
        i for i, (pattern, _fmt, _tz) in enumerate(_FORMS) if sample.str.contains(pattern).all()
    }
    if len(forms) != 1:
        return None
    _pattern, fmt, has_tz = _FORMS[forms.pop()]
    # No separator normalisation here: values written differently fail and take the slow path.
    raw = pl.DataFrame({"v": text}).select(
        pl.col("v").str.to_datetime(fmt, time_unit="us", strict=False)
    )["v"]
    if (raw.is_null() & text.is_not_null()).any():
        return None
    return raw.dt.convert_time_zone(schema.STORAGE_TIMEZONE) if has_tz else _localize(raw, timezone)


def _localize(naive: pl.Series, timezone: str) -> pl.Series:
    """:func:`_local_to_utc` for a Series, shifting only the few values in a spring gap."""
    local = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    gaps = local.is_null() & naive.is_not_null()
    if gaps.any():
        fixed = pl.select(_local_to_utc(pl.lit(naive.filter(gaps)), timezone)).to_series()
        local = local.dt.convert_time_zone(schema.STORAGE_TIMEZONE).scatter(gaps.arg_true(), fixed)
    return local.dt.convert_time_zone(schema.STORAGE_TIMEZONE)


def localize_timestamps(values: pl.Series, *, timezone: str = schema.DEFAULT_TIMEZONE) -> pl.Series:
    """Datetimes (naive = local time in ``timezone``, or tz-aware) as UTC datetimes (µs)."""
    dtype = values.dtype
    if isinstance(dtype, pl.Date):
        values = values.cast(pl.Datetime("us"))
        dtype = values.dtype
    if not isinstance(dtype, pl.Datetime):
        raise TypeError(f"not a datetime column: {dtype}")
    values = values.dt.cast_time_unit("us")
    if dtype.time_zone is None:
        return _localize(values, timezone).alias(values.name)
    return values.dt.convert_time_zone(schema.STORAGE_TIMEZONE)


def _local_to_utc(naive: pl.Expr, timezone: str) -> pl.Expr:
    """Naive local times as UTC; in the autumn overlap the earlier instant is taken, and a
    time in the spring gap (02:30 when clocks jump to 03:00) is read one hour later, as the
    wall clock would have shown it."""
    local = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    shifted = (naive + pl.duration(hours=1)).dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    )
    return local.fill_null(shifted).dt.convert_time_zone(schema.STORAGE_TIMEZONE)


def _positions(values: pl.Series) -> pl.Series:
    return pl.Series("row", range(1, len(values) + 1), dtype=pl.Int64)


def _unparseable(bad: pl.DataFrame, *, total: int, column: str, source: str) -> InputError:
    problems: list[Problem] = []
    for rec in bad.head(_SHOW).iter_rows(named=True):
        problems.append(
            problem(
                "timestamp.unparseable",
                "Zeitpunkt nicht lesbar; erwartet z. B. „23.11.2026 14:05“ oder "
                "„2026-11-23T14:05:00+01:00“",
                "timestamp cannot be read; expected e.g. '23.11.2026 14:05' or "
                "'2026-11-23T14:05:00+01:00'",
                file=source,
                row=rec["row"],
                column=column,
                value=rec["v"],
            )
        )
    if total > _SHOW:
        problems.append(
            problem(
                "timestamp.unparseable.more",
                f"{total} Zeitpunkte insgesamt nicht lesbar (die ersten {_SHOW} stehen oben)",
                f"{total} timestamps in all cannot be read (the first {_SHOW} are shown above)",
                file=source,
                column=column,
            )
        )
    return InputError(problems)


def _mixed_offsets(
    frame: pl.DataFrame, with_tz: set[int], *, column: str, source: str
) -> InputError:
    has = frame.filter(pl.col("form").is_in(list(with_tz))).head(1).row(0, named=True)
    lacks = (
        frame.filter(pl.col("form").is_not_null() & ~pl.col("form").is_in(list(with_tz)))
        .head(1)
        .row(0, named=True)
    )
    sentence_de = (
        "Zeitzonen gemischt: manche Zeitpunkte haben eine Zeitzonenangabe, andere nicht "
        f"(z. B. Zeile {has['row']}: „{has['v']}“, Zeile {lacks['row']}: „{lacks['v']}“); "
        "bitte einheitlich exportieren"
    )
    sentence_en = (
        "mixed time zones: some timestamps carry an offset, others do not "
        f"(e.g. row {has['row']}: '{has['v']}', row {lacks['row']}: '{lacks['v']}'); "
        "please export them consistently"
    )
    return InputError(
        [problem("timestamp.mixed_offsets", sentence_de, sentence_en, file=source, column=column)]
    )
