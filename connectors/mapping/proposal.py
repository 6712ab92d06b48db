"""Proposing a mapping from a sample of a source: headers, then values."""

from __future__ import annotations

import difflib
from dataclasses import replace

import polars as pl

from analyzer import engine, schema, vocabulary
from analyzer.problems import InputError, Problem, Severity, problem
from connectors.mapping.model import (
    COLUMN_KEYS,
    DEFAULT_VALUE_KEY,
    HOW,
    STRONG,
    Mapping,
    Recognition,
    ValueGuess,
)
from connectors.timestamps import parse_timestamps

_SAMPLE_VALUES = 1000  # distinct values a proposal looks at per column
_CATEGORY_LIMIT = 60  # more distinct values than this: not a medium/level column
_FUZZY_CUTOFF = 0.85


def _header_index() -> dict[str, list[tuple[str, int, str]]]:
    """Each field's known headers: lower-case header → [(key, priority, how)], plus normalised."""
    index: dict[str, list[tuple[str, int, str]]] = {}
    for f in schema.FIELDS:
        if f.key not in COLUMN_KEYS:
            continue
        names = [*f.headers, f.label_de.lower(), f.label_en.lower()]
        german = vocabulary.GERMAN_HEADERS.get(f.key)
        if german:
            names.append(german.lower())
        for priority, name in enumerate(names):
            index.setdefault(name, []).append((f.key, priority, "header"))
            index.setdefault("~" + vocabulary.normalise_term(name), []).append(
                (f.key, priority, "normalised_header")
            )
    return index


_HEADERS = _header_index()
_NORMALISED_HEADERS = sorted({k[1:] for k in _HEADERS if k.startswith("~") and len(k) > 4})
_RANK = {how: i for i, how in enumerate(HOW)}


def propose_mapping(frame_sample: engine.FrameLike, *, source: str) -> Mapping:
    """A proposed mapping for a source whose first rows are ``frame_sample``.

    Rules, strongest first: a header that is a canonical column name or key; a header in a
    field's ``headers`` (case-insensitive); the same after normalising umlauts and
    punctuation; a similar header (difflib ratio ≥ 0.85 on the normalised form). A header
    match for a timestamp column counts only if some of its values parse as timestamps; for
    medium and level only if the values are not clearly something else. Then, for fields
    still free, values decide: a column whose distinct values are at least 80 % media words
    is the medium (likewise government levels); one column (preferably with times of day)
    whose values all parse as timestamps is the timestamp. Each field gets at most one
    column and each column at most one field; ties go to the header listed first in
    ``Field.headers``. Values of the medium and level columns are proposed for
    ``[values.*]`` from :mod:`analyzer.vocabulary`; headers that suggest personal data are
    proposed for ``[drop]``. Every decision is recorded in ``Mapping.recognitions``.
    """
    sample = engine.to_polars(engine.as_lazy(frame_sample).head(_SAMPLE_VALUES * 20))
    columns = [c for c in sample.columns if c != schema.SOURCE_ROW]
    candidates: list[tuple[int, int, int, str, str, str]] = []  # rank, prio, pos, key, col, how
    for position, column in enumerate(columns):
        for key, priority, how in _header_candidates(column):
            candidates.append((_RANK[how], priority, position, key, column, how))

    rejected_notes: dict[str, tuple[str, str]] = {}
    checked: list[tuple[int, int, int, str, str, str]] = []
    for cand in candidates:
        _rank, _prio, _pos, key, column, how = cand
        ok, note = _values_fit(sample[column], key)
        if ok:
            checked.append(cand)
        elif note:
            rejected_notes.setdefault(column, note)
    checked.sort()

    chosen: dict[str, tuple[str, str]] = {}  # key -> (column, how)
    taken: dict[str, str] = {}  # column -> key
    alternatives: dict[str, list[str]] = {}
    for _rank, _prio, _pos, key, column, how in checked:
        if key in chosen or column in taken:
            if column not in taken and key in chosen:
                alternatives.setdefault(chosen[key][0], []).append(f"„{column}“")
            elif column in taken and key not in chosen and taken[column] != key:
                alternatives.setdefault(column, []).append(key)
            continue
        chosen[key] = (column, how)
        taken[column] = key

    free = [c for c in columns if c not in taken]
    examples = {c: _examples(sample[c]) for c in columns}
    # Values decide for the fields still free.
    for key, lookup in (("medium", vocabulary.medium_of), ("level", vocabulary.level_of)):
        if key in chosen:
            continue
        best: list[tuple[float, str]] = []
        for column in free:
            share = _vocabulary_share(sample[column], lookup)
            if share >= 0.8:
                best.append((share, column))
        best.sort(key=lambda t: -t[0])
        if best and (len(best) == 1 or best[0][0] > best[1][0]):
            column = best[0][1]
            chosen[key] = (column, "values")
            taken[column] = key
            free.remove(column)
            for _, other in best[1:]:
                alternatives.setdefault(column, []).append(f"„{other}“")
    if "timestamp" not in chosen:
        stamped = [
            (_has_time_of_day(sample[c]), c)
            for c in free
            if not vocabulary.looks_personal(c) and _timestamp_share(sample[c]) == 1.0
        ]
        with_time = [c for has, c in stamped if has] or [c for _, c in stamped]
        if with_time:
            column = with_time[0]
            chosen["timestamp"] = (column, "timestamps")
            taken[column] = "timestamp"
            free.remove(column)
            alternatives[column] = [f"„{c}“" for c in with_time[1:]]

    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    unrecognised: dict[str, tuple[str, ...]] = {}
    guesses: list[ValueGuess] = []
    for key in ("level", "medium"):
        if key not in chosen:
            continue
        found = value_guesses(sample[chosen[key][0]], key)
        guesses += found
        # values the sample did not show become missing too: the import never refuses them
        # (a value spelt like the key "default" cannot be listed; it is unknown, so missing)
        defaults[key] = ""
        values[key] = {
            g.value: g.target
            for g in found
            if g.how != "canonical" and g.value != DEFAULT_VALUE_KEY
        }
        unknown = tuple(g.value for g in found if g.how == "unknown")
        if unknown:
            unrecognised[key] = unknown

    recognitions: list[Recognition] = []
    drop: list[str] = []
    for column in columns:
        key = taken.get(column)
        alts = tuple(alternatives.get(column, ()))
        if key is not None:
            recognitions.append(
                Recognition(column, key, chosen[key][1], examples[column], alternatives=alts)
            )
            continue
        if vocabulary.looks_personal(column):
            drop.append(column)
            recognitions.append(Recognition(column, None, "personal", examples[column]))
            continue
        note_de, note_en = rejected_notes.get(column, ("", ""))
        recognitions.append(
            Recognition(
                column,
                None,
                "unmapped",
                examples[column],
                alternatives=alts,
                note_de=note_de,
                note_en=note_en,
            )
        )
    ordered = {f.key: chosen[f.key][0] for f in schema.FIELDS if f.key in chosen}
    return Mapping(
        columns=ordered,
        values=values,
        value_defaults=defaults,
        drop=tuple(drop),
        recognitions=tuple(recognitions),
        unrecognised_values=unrecognised,
        value_guesses=tuple(guesses),
        for_file=source,
    )


def automatic_mapping(frame_sample: engine.FrameLike, *, source: str) -> tuple[Mapping, Problem]:
    """The columns of a proposal, when a file is read without a mapping.

    Only header matches (canonical name, known header, known header in another spelling)
    are used, never similar headers or values, and no value maps. Raises :class:`InputError`
    telling the user to run ``amtsweg map FILE`` when case, activity and timestamp are not
    all recognised that way. Returns the mapping and a warning saying what was assigned, so
    nothing is guessed silently.
    """
    proposal = propose_mapping(frame_sample, source=source)
    strong = {
        r.key: r.column for r in proposal.recognitions if r.key is not None and r.how in STRONG
    }
    problems: list[Problem] = []
    for f in schema.FIELDS:
        if not f.required or f.key in strong:
            continue
        weak = proposal.columns.get(f.key)
        guess_de = f" (Vermutung: „{weak}“)" if weak else ""
        guess_en = f" (guess: '{weak}')" if weak else ""
        problems.append(
            problem(
                "mapping.required_not_recognised",
                f"Pflichtspalte {f.label_de} nicht sicher erkannt{guess_de}. Bitte "
                f"„amtsweg map {source}“ ausführen, die vorgeschlagene Zuordnungsdatei prüfen "
                "und mit --mapping angeben",
                f"required column {f.label_en} not recognised with certainty{guess_en}. Please "
                f"run 'amtsweg map {source}', check the proposed mapping file and pass it "
                "with --mapping",
                file=source,
                column=f.key,
            )
        )
    if problems:
        raise InputError(problems)
    # A medium or level column whose values are not the canonical ones would fail validation;
    # without a mapping file it stays an extra attribute and the user is told how to map it.
    held_back: list[str] = []
    for key in ("medium", "level"):
        if key in strong and proposal.values.get(key):
            held_back.append(strong.pop(key))
    columns = {k: v for k, v in proposal.columns.items() if k in strong}
    listing = ", ".join(f"{k} ← „{v}“" for k, v in columns.items())
    listing_en = ", ".join(f"{k} <- '{v}'" for k, v in columns.items())
    held_de = held_en = ""
    if held_back:
        names = ", ".join(held_back)
        held_de = (
            f"; „{names}“ hat Werte, die erst zugeordnet werden müssen, und bleibt ein "
            "zusätzliches Attribut"
        )
        held_en = f"; '{names}' has values that need mapping first and stays an extra attribute"
    note = problem(
        "mapping.automatic",
        f"ohne Zuordnungsdatei gelesen; Spalten erkannt: {listing}{held_de}. Zum Prüfen oder "
        f"Anpassen: amtsweg map {source}",
        f"read without a mapping file; columns recognised: {listing_en}{held_en}. To check or "
        f"adjust: amtsweg map {source}",
        file=source,
        severity=Severity.WARNING,
    )
    return replace(proposal, columns=columns, values={}, value_defaults={}, drop=()), note


def _header_candidates(column: str) -> list[tuple[str, int, str]]:
    name = column.strip()
    lowered = name.lower()
    f = schema.FIELDS_BY_COLUMN.get(name)
    if f is not None and f.key in COLUMN_KEYS:
        return [(f.key, 0, "canonical")]
    if lowered in COLUMN_KEYS:
        return [(lowered, 0, "canonical")]
    found = list(_HEADERS.get(lowered, []))
    normalised = vocabulary.normalise_term(name)
    found += _HEADERS.get("~" + normalised, [])
    if not found and len(normalised) > 4:
        for close in difflib.get_close_matches(
            normalised, _NORMALISED_HEADERS, n=3, cutoff=_FUZZY_CUTOFF
        ):
            found += [(k, p, "similar_header") for k, p, _ in _HEADERS["~" + close]]
    best: dict[str, tuple[str, int, str]] = {}
    for key, priority, how in found:
        if key not in best or (_RANK[how], priority) < (_RANK[best[key][2]], best[key][1]):
            best[key] = (key, priority, how)
    return list(best.values())


def _values_fit(values: pl.Series, key: str) -> tuple[bool, tuple[str, str] | None]:
    """Whether a column matched by its header holds values that fit the field."""
    f = schema.FIELDS_BY_KEY[key]
    if f.kind is schema.Kind.DATETIME:
        if _timestamp_share(values) > 0 or values.null_count() == len(values):
            return True, None
        shown = ", ".join(_examples(values)[:3])
        return False, (
            f"heißt wie {f.label_de}, aber die Werte sind keine Zeitpunkte ({shown})",
            f"named like {f.label_en}, but its values are not timestamps ({shown})",
        )
    if key in ("medium", "level"):
        lookup = vocabulary.medium_of if key == "medium" else vocabulary.level_of
        texts = _distinct_texts(values)
        if len(texts) > _CATEGORY_LIMIT:
            return False, (
                f"heißt wie {f.label_de}, hat aber zu viele verschiedene Werte",
                f"named like {f.label_en}, but has too many different values",
            )
        other = vocabulary.level_of if key == "medium" else vocabulary.medium_of
        if texts and _share(texts, lookup) == 0 and _share(texts, other) >= 0.8:
            return False, None
    return True, None


def _distinct_texts(values: pl.Series) -> list[str]:
    text = values.drop_nulls().cast(pl.String).str.strip_chars()
    return text.filter(text != "").unique(maintain_order=True).head(_SAMPLE_VALUES).to_list()


def _examples(values: pl.Series) -> tuple[str, ...]:
    if isinstance(values.dtype, pl.Datetime):
        return tuple(str(v) for v in values.drop_nulls().head(3).to_list())
    return tuple(_distinct_texts(values)[:3])


def _share(texts: list[str], lookup) -> float:
    if not texts:
        return 0.0
    return sum(1 for t in texts if lookup(t) is not None) / len(texts)


def _vocabulary_share(values: pl.Series, lookup) -> float:
    if values.dtype not in (pl.String, pl.Categorical):
        return 0.0
    texts = _distinct_texts(values)
    if not texts or len(texts) > _CATEGORY_LIMIT:
        return 0.0
    return _share(texts, lookup)


def _timestamp_share(values: pl.Series) -> float:
    """Share of the distinct non-empty values that parse as timestamps (1.0 = all)."""
    if isinstance(values.dtype, pl.Datetime | pl.Date):
        return 1.0
    if values.dtype != pl.String:
        return 0.0
    texts = _distinct_texts(values)
    if not texts:
        return 0.0
    try:
        parse_timestamps(pl.Series("v", texts), column="v", source="")
        return 1.0
    except InputError:
        pass
    probe = texts[:20]
    ok = 0
    for text in probe:
        try:
            parse_timestamps(pl.Series("v", [text]), column="v", source="")
            ok += 1
        except InputError:
            pass
    return min(ok / len(probe), 0.99)


def _has_time_of_day(values: pl.Series) -> bool:
    if isinstance(values.dtype, pl.Datetime):
        return True
    if values.dtype != pl.String:
        return False
    return bool(values.drop_nulls().str.contains(r"\d:\d\d").any())


_GUESSERS = {"medium": vocabulary.guess_medium, "level": vocabulary.guess_level}


def value_guesses(values: pl.Series, key: str) -> tuple[ValueGuess, ...]:
    """What each distinct value of a medium or level column ``values`` is, most frequent first.

    Rule: a canonical value stays; else a known word, a word part or a similar known word
    (:func:`analyzer.vocabulary.guess_medium` / ``guess_level``) gives its canonical value;
    else it is unknown and proposed as missing (``""``), so the detectors infer the medium
    from activity and system names (and say so) and skip an unknown level.
    """
    allowed = set(schema.FIELDS_BY_KEY[key].allowed)
    text = values.drop_nulls().cast(pl.String).str.strip_chars().alias("value")
    counts = (
        text.filter(text != "")
        .value_counts(sort=True, name="rows")
        .sort(["rows", "value"], descending=[True, False])
        .head(_CATEGORY_LIMIT)
    )
    found: list[ValueGuess] = []
    for value, rows in counts.iter_rows():
        if value in allowed:
            found.append(ValueGuess(key, value, rows, value, "canonical", value))
            continue
        guess = _GUESSERS[key](value)
        if guess is None:
            found.append(ValueGuess(key, value, rows, "", "unknown"))
        else:
            found.append(ValueGuess(key, value, rows, guess.value, guess.how, guess.term))
    return tuple(found)
