"""Harmonising activity labels across municipalities: one reference step per label.

Each municipality names the same step differently ("Antrag eingegangen", "Eingang Antrag",
"Antragseingang"). A *reference catalogue* (analyzer/data/reference_steps/<service>.toml,
FIM-style: the steps a service consists of, with the responsible level and the standard
activity that prices each step) gives every step an id. A *step mapping* maps each
municipality's labels to those ids; it is confirmed by the user in a TOML file
(``connectors.step_mapping``), and :func:`suggest_step_mapping` proposes it.

The rule of the suggestions: a label and every name and alias of a step are normalised
(:func:`normalise_label`: lower case, umlauts written out, abbreviations expanded, compound
words split at words the catalogue knows, "Antragseingang" → "antrag eingang"); the score is
rapidfuzz's token-set ratio averaged with its token-sort ratio (so "Antrag" does not score 100
against every step with "Antrag" in it), of the normalised words or of their crude stems
(:func:`stem_label`: "gescannt" and "Scannen" meet), whichever is higher, the best over the
step's names; suggestions below ``score_cutoff`` are dropped.

:func:`apply_step_mapping` adds the column STEP (the step id; ``~<label>`` for a label the
user confirmed has no reference step); :func:`unmapped_labels` lists what is still open.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import narwhals as nw
import pandas as pd
from rapidfuzz import fuzz

from analyzer import engine, schema
from analyzer.cost_model import ActivityCosting
from analyzer.cost_tables import Career, Complexity
from analyzer.problems import InputError, problem

CATALOGUE_PACKAGE = "analyzer.data.reference_steps"
GENERIC_CATALOGUE = "generic"
#: Mapping value for a label that has no step in the catalogue (confirmed by the user).
NOT_IN_CATALOGUE = "-"
#: STEP of such a label: the prefix and the label itself, so it stays apart from other labels.
OWN_STEP_PREFIX = "~"
DEFAULT_SCORE_CUTOFF = 70.0
#: A label that contains every word (stem) of a name or alias of a *generic* step (print,
#: scan, sign, file, ...) scores ``100 - CONTAINED_GAP / words of the name``: below an exact
#: match, above a label that only shares its object with a service step ("Bescheid gescannt"
#: contains "gescannt": scannen 95, not bescheid_versenden 80), higher the more words match.
CONTAINED_GAP = 5.0


@dataclass(frozen=True)
class ReferenceStep:
    """One step of a reference catalogue (see the keys in the catalogue files)."""

    id: str
    name_de: str
    name_en: str
    level: str
    standard_activity: str
    complexity: Complexity
    career: Career
    aliases: tuple[str, ...] = ()
    legal_basis: str = ""
    optional: bool = False
    in_reference: bool = True  # False for the generic steps outside the reference process


@dataclass(frozen=True)
class Catalogue:
    """The reference steps of one service (in process order), plus its sources."""

    service: str
    name_de: str
    name_en: str
    steps: tuple[ReferenceStep, ...]
    verified: bool
    sources: tuple[str, ...] = ()
    leika: str = ""

    def step(self, step_id: str) -> ReferenceStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def step_ids(self) -> list[str]:
        return [s.id for s in self.steps]

    @property
    def reference_path(self) -> list[str]:
        """The steps every case of the reference process passes, in order."""
        return [s.id for s in self.steps if s.in_reference and not s.optional]


@dataclass(frozen=True)
class StepMapping:
    """A confirmed mapping of activity labels to step ids of one catalogue.

    ``steps``: label → step id (or :data:`NOT_IN_CATALOGUE`) for every municipality;
    ``by_municipality``: municipality → {label → step id}, which wins for that municipality.
    """

    catalogue: str
    steps: Mapping[str, str] = field(default_factory=dict)
    by_municipality: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def labels_for(self, municipality: str | None) -> dict[str, str]:
        merged = dict(self.steps)
        if municipality is not None:
            merged.update(self.by_municipality.get(municipality, {}))
        return merged


# --- catalogues ----------------------------------------------------------------------------------


def available_catalogues() -> list[str]:
    """Services with a shipped reference catalogue (``["baugenehmigung", ...]``)."""
    names = [f.name for f in resources.files(CATALOGUE_PACKAGE).iterdir()]
    return sorted(
        n.removesuffix(".toml")
        for n in names
        if n.endswith(".toml") and n != f"{GENERIC_CATALOGUE}.toml"
    )


def load_reference_catalogue(service: str, *, include_generic: bool = True) -> Catalogue:
    """The reference catalogue of ``service`` (id or German name, any case/umlaut spelling).

    With ``include_generic`` the generic steps outside any reference process (printing,
    scanning, re-entering, ...) are appended.
    """
    wanted = plain_name(service)
    for name in available_catalogues():
        catalogue = _load_catalogue(name, generic=False)
        if wanted in (plain_name(catalogue.service), plain_name(catalogue.name_de)):
            break
    else:
        raise InputError(
            [
                problem(
                    "catalogue.unknown",
                    "kein Referenzkatalog für die Leistung; vorhanden: "
                    f"{', '.join(available_catalogues())}",
                    f"no reference catalogue for the service; available: "
                    f"{', '.join(available_catalogues())}",
                    value=service,
                )
            ]
        )
    if not include_generic:
        return catalogue
    generic = _load_catalogue(GENERIC_CATALOGUE, generic=True)
    own = set(catalogue.step_ids)
    extra = tuple(s for s in generic.steps if s.id not in own)
    return Catalogue(
        service=catalogue.service,
        name_de=catalogue.name_de,
        name_en=catalogue.name_en,
        steps=catalogue.steps + extra,
        verified=catalogue.verified,
        sources=catalogue.sources,
        leika=catalogue.leika,
    )


@cache
def _load_catalogue(name: str, *, generic: bool) -> Catalogue:
    text = resources.files(CATALOGUE_PACKAGE).joinpath(f"{name}.toml").read_text("utf-8")
    return catalogue_from_dict(tomllib.loads(text), generic=generic)


def catalogue_from_dict(data: Mapping, *, generic: bool = False) -> Catalogue:
    """A :class:`Catalogue` from the parsed contents of a catalogue file."""
    steps = tuple(
        ReferenceStep(
            id=s["id"],
            name_de=s["name_de"],
            name_en=s["name_en"],
            level=s["level"],
            standard_activity=s["standard_activity"],
            complexity=Complexity(s["complexity"]),
            career=Career(s["career"]),
            aliases=tuple(s.get("aliases", ())),
            legal_basis=s.get("legal_basis", ""),
            optional=bool(s.get("optional", False)),
            in_reference=not generic,
        )
        for s in data["steps"]
    )
    return Catalogue(
        service=data["service"],
        name_de=data["name_de"],
        name_en=data["name_en"],
        steps=steps,
        verified=bool(data.get("verified", False)),
        sources=tuple(s["title"] for s in data.get("sources", ())),
        leika=data.get("leika", ""),
    )


def step_names(catalogue: Catalogue) -> dict[str, str]:
    """Step id → German name, for sentences and tables a person reads."""
    return {s.id: s.name_de for s in catalogue.steps}


def activity_costing_from_catalogue(catalogue: Catalogue) -> dict[str, ActivityCosting]:
    """Step id → how the cost model prices it (standard activity, complexity, career).

    Use with ``label_column=schema.STEP`` in :mod:`analyzer.cost_model` after
    :func:`apply_step_mapping`.
    """
    return {
        s.id: ActivityCosting(
            standard_activity=s.standard_activity, complexity=s.complexity, career=s.career
        )
        for s in catalogue.steps
    }


# --- normalising labels --------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_TOKEN = re.compile(r"[0-9a-z]+\.?")

#: Abbreviations common in German administrative activity labels (without the dot).
#: Expanded where the label writes them with a dot ("Antr.") or, for the short ones in
#: :data:`BARE_ABBREVIATIONS`, as a word of their own ("SB Prüfung").
ABBREVIATIONS: dict[str, str] = {
    "abschl": "abschluss",
    "anm": "anmeldung",
    "ant": "antrag",
    "antr": "antrag",
    "anz": "anzeige",
    "archiv": "archivierung",
    "ausz": "auszahlung",
    "bearb": "bearbeitung",
    "besch": "bescheid",
    "bescheinig": "bescheinigung",
    "best": "bestaetigung",
    "bg": "baugenehmigung",
    "dok": "dokument",
    "eing": "eingang",
    "eingeg": "eingegangen",
    "empf": "empfang",
    "erf": "erfassung",
    "fb": "fachbereich",
    "gen": "genehmigung",
    "gew": "gewerbe",
    "ggf": "gegebenenfalls",
    "nachf": "nachforderung",
    "nachr": "nachreichung",
    "pr": "pruefung",
    "pruef": "pruefung",
    "sb": "sachbearbeitung",
    "stellungn": "stellungnahme",
    "stn": "stellungnahme",
    "u": "und",
    "unterl": "unterlagen",
    "vollst": "vollstaendigkeit",
    "weiterl": "weiterleitung",
    "wg": "wohngeld",
    "zahl": "zahlung",
    "zust": "zustellung",
}
#: Abbreviations expanded even without a dot (they are never ordinary words).
BARE_ABBREVIATIONS = frozenset({"bg", "fb", "ggf", "sb", "stn", "wg"})

#: Words known to the compound splitter besides the catalogue's own.
BASE_WORDS = frozenset(
    {
        "abgleich",
        "akte",
        "anmeldung",
        "antrag",
        "anzeige",
        "auszahlung",
        "bau",
        "bearbeitung",
        "bescheid",
        "bescheinigung",
        "bestaetigung",
        "daten",
        "eingang",
        "einvernehmen",
        "erfassung",
        "erstellung",
        "gebuehr",
        "genehmigung",
        "gewerbe",
        "nachforderung",
        "online",
        "papier",
        "pruefung",
        "unterlagen",
        "versand",
        "vollstaendigkeit",
        "weiterleitung",
        "wohngeld",
        "zahlung",
        "zustellung",
    }
)
_LINKS = ("", "s", "es", "n", "en")  # Fugenelemente between the parts of a compound
_MIN_PART = 3


def normalise_label(label: str, *, vocabulary: Iterable[str] = ()) -> str:
    """``label`` as compared: lower case, umlauts written out, abbreviations expanded,
    compounds split at known words, tokens joined by one space.

    ``"Antr. eingeg."`` → ``"antrag eingeg"``; ``"Antragseingang"`` → ``"antrag eingang"``
    (with "antrag" and "eingang" known); ``"Prüfung"`` → ``"pruefung"``.
    """
    words = frozenset(vocabulary) | BASE_WORDS
    text = unicodedata.normalize("NFKD", str(label).strip().lower().translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii")
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        dotted = raw.endswith(".")
        token = raw.rstrip(".")
        if (dotted or token in BARE_ABBREVIATIONS) and token in ABBREVIATIONS:
            token = ABBREVIATIONS[token]
        tokens.extend(_split_compound(token, words))
    return " ".join(tokens)


_ENDINGS = ("ungen", "ung", "en", "et", "t", "e", "n")
#: Separable verb prefixes: their participles put "ge" after the prefix ("ausgedruckt",
#: "eingescannt", "nachgefordert", "zugestellt").
_SEPARABLE_PREFIXES = (
    "zurueck",
    "weiter",
    "durch",
    "nach",
    "aus",
    "ein",
    "auf",
    "vor",
    "ab",
    "an",
    "zu",
)


def stem_label(normalised: str) -> str:
    """A crude German stem of each word of a normalised label, for comparing only.

    Past participles lose "ge" ("gescannt" → "scann", like "scannen"; after a separable
    prefix too: "ausgedruckt" → "ausdruck", like "ausdrucken"; "nachgefordert" →
    "nachforder", like "nachfordern"), then one ending of -ungen, -ung, -en, -et, -t, -e, -n
    goes, leaving at least four letters ("geprueft" → "pruef", like "pruefung" → "pruef").
    """
    stems = []
    for word in normalised.split():
        if word.startswith("ge") and len(word) >= 7 and word.endswith(("t", "en")):
            word = word[2:]
        else:
            for prefix in _SEPARABLE_PREFIXES:
                rest = word[len(prefix) :]
                if (
                    word.startswith(prefix)
                    and rest.startswith("ge")
                    and len(rest) >= 6
                    and rest.endswith(("t", "en"))
                ):
                    word = prefix + rest[2:]
                    break
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        stems.append(word)
    return " ".join(stems)


def _split_compound(token: str, words: frozenset[str]) -> list[str]:
    """``token`` split into known words ("antragseingang" → ["antrag", "eingang"])."""
    if token in words or len(token) < 2 * _MIN_PART:
        return [token]
    for cut in range(len(token) - _MIN_PART, _MIN_PART - 1, -1):
        head = token[:cut]
        if head not in words:
            continue
        for link in _LINKS:
            rest = token[cut + len(link) :]
            if token[cut : cut + len(link)] != link or len(rest) < _MIN_PART:
                continue
            tail = _split_compound(rest, words)
            if all(t in words for t in tail):
                return [head, *tail]
    return [token]


def plain_name(text: str) -> str:
    """A name as compared (any case, umlauts written out, no spaces): "Wohngeld", "wohngeld"
    and "WOHNGELD" are one service."""
    return normalise_label(text).replace(" ", "")


def catalogue_vocabulary(catalogue: Catalogue) -> frozenset[str]:
    """Every word of the catalogue's step names and aliases, normalised (for splitting)."""
    words: set[str] = set()
    for step in catalogue.steps:
        for name in (step.name_de, *step.aliases):
            words.update(normalise_label(name, vocabulary=()).split())
    return frozenset(words)


# --- suggestions ---------------------------------------------------------------------------------


def suggest_step_mapping(
    labels: Iterable[str] | Mapping[str, int] | engine.FrameLike,
    catalogue: Catalogue,
    *,
    score_cutoff: float = DEFAULT_SCORE_CUTOFF,
    limit: int = 3,
) -> pd.DataFrame:
    """Up to ``limit`` suggested steps per label, best first, scored 0..100.

    ``labels``: activity labels, label → events, or an event log (its distinct ACTIVITY
    values are used, with their event counts). One row per label and suggestion: ``mapping:label``,
    ``mapping:normalised``, ``mapping:rank``, STEP (step id), ``mapping:step_name``,
    ``mapping:score``, ``mapping:events``. A label without any suggestion at or above
    ``score_cutoff`` gets one row with rank 0 and empty step, so no label goes missing.
    """
    counts = _label_counts(labels)
    vocabulary = catalogue_vocabulary(catalogue)
    forms: list[tuple[str, str, int]] = []  # (normalised form, its stems, index of the step)
    for index, step in enumerate(catalogue.steps):
        for name in dict.fromkeys((step.name_de, *step.aliases)):
            form = normalise_label(name, vocabulary=vocabulary)
            forms.append((form, stem_label(form), index))
    rows = []
    for label, events in counts.items():
        normal = normalise_label(label, vocabulary=vocabulary)
        stemmed = stem_label(normal)
        words = set(stemmed.split())
        best: dict[int, float] = {}
        for form, form_stems, index in forms:
            score = max(_similarity(normal, form), _similarity(stemmed, form_stems))
            contained = set(form_stems.split())
            if not catalogue.steps[index].in_reference and contained and contained <= words:
                # A generic step is an action on any object; a label holding every word of
                # its name names the action and its object: "Bescheid gescannt" is scannen.
                score = max(score, 100.0 - CONTAINED_GAP / len(contained))
            if score > best.get(index, -1.0):
                best[index] = score
        ranked = sorted(
            ((round(score, 1), index) for index, score in best.items() if score >= score_cutoff),
            key=lambda item: (-item[0], item[1]),
        )[:limit]
        if not ranked:
            rows.append((label, normal, 0, None, None, None, events))
        for rank, (score, index) in enumerate(ranked, start=1):
            step = catalogue.steps[index]
            rows.append((label, normal, rank, step.id, step.name_de, score, events))
    return pd.DataFrame(
        rows,
        columns=[
            schema.MAPPING_LABEL,
            schema.MAPPING_NORMALISED,
            schema.MAPPING_RANK,
            schema.STEP,
            schema.MAPPING_STEP_NAME,
            schema.MAPPING_SCORE,
            schema.MAPPING_EVENTS,
        ],
    )


def _similarity(a: str, b: str) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def _label_counts(labels: Iterable[str] | Mapping[str, int] | engine.FrameLike) -> dict[str, int]:
    """Label → events (1 each for a plain list), sorted by events, then label."""
    counts: dict[str, int] = {}
    if isinstance(labels, Mapping):
        counts = {str(label): int(n) for label, n in labels.items()}
        labels = []
    elif not isinstance(labels, (list, tuple, set, frozenset, pd.Series)):
        try:
            lf = engine.as_lazy(labels)
        except TypeError:
            labels = list(labels)  # any other iterable of labels
        else:
            table = engine.to_pandas(
                lf.filter(~nw.col(schema.ACTIVITY).is_null())
                .group_by(schema.ACTIVITY)
                .agg(nw.len().alias("n"))
            )
            counts = {
                str(a): int(n) for a, n in zip(table[schema.ACTIVITY], table["n"], strict=True)
            }
            labels = []
    for label in labels:
        counts[str(label)] = counts.get(str(label), 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


# --- applying a confirmed mapping ----------------------------------------------------------------


def mapping_problems(mapping: StepMapping, catalogue: Catalogue) -> list:
    """Every step id of ``mapping`` that is not in ``catalogue`` (nor :data:`NOT_IN_CATALOGUE`)."""
    known = set(catalogue.step_ids) | {NOT_IN_CATALOGUE}
    problems = []
    tables = [("steps", mapping.steps)] + [
        (f"municipalities.{m}", table) for m, table in mapping.by_municipality.items()
    ]
    for where, table in tables:
        for label, step_id in table.items():
            if step_id not in known:
                problems.append(
                    problem(
                        "step_mapping.unknown_step",
                        f"unbekannter Schritt für „{label}“; Schritte von {catalogue.name_de}: "
                        f'{", ".join(catalogue.step_ids)} (oder "{NOT_IN_CATALOGUE}" für keinen)',
                        f"unknown step for '{label}'; steps of {catalogue.name_en}: "
                        f'{", ".join(catalogue.step_ids)} (or "{NOT_IN_CATALOGUE}" for none)',
                        column=where,
                        value=step_id,
                    )
                )
    return problems


def apply_step_mapping(frame: engine.FrameLike, mapping: StepMapping) -> object:
    """``frame`` with the column STEP: the step id each event's ACTIVITY is mapped to.

    Labels mapped to :data:`NOT_IN_CATALOGUE` get ``~<label>``; unmapped labels get null
    (list them with :func:`unmapped_labels`). Municipality-specific entries win for events of
    that municipality. Returns a native frame of the input's backend (lazy where it was).
    """
    lf = engine.as_lazy(frame)
    expr = _step_expr(mapping.steps)
    columns = lf.collect_schema().names()
    if mapping.by_municipality and schema.MUNICIPALITY in columns:
        for municipality, table in sorted(mapping.by_municipality.items()):
            if not table:
                continue
            expr = (
                nw.when(
                    (nw.col(schema.MUNICIPALITY) == municipality)
                    & nw.col(schema.ACTIVITY).is_in(list(table))
                )
                .then(_step_expr(table))
                .otherwise(expr)
            )
    return lf.with_columns(expr.alias(schema.STEP)).to_native()


def _step_expr(table: Mapping[str, str]) -> nw.Expr:
    if not table:
        return nw.lit(None, dtype=nw.String)
    values = {
        label: (OWN_STEP_PREFIX + label if step == NOT_IN_CATALOGUE else step)
        for label, step in table.items()
    }
    # as text: a log's enum column (see engine.in_memory_in_order) refuses labels it lacks
    activity = nw.col(schema.ACTIVITY).cast(nw.String())
    return activity.replace_strict(values, default=None, return_dtype=nw.String)


def unmapped_labels(
    frame: engine.FrameLike, mapping: StepMapping, *, by: Sequence[str] | None = None
) -> pd.DataFrame:
    """Activity labels of ``frame`` the mapping does not cover, most frequent first.

    Columns: MUNICIPALITY (where the log has it, since a municipality's own entries count
    only for it), ``mapping:label`` and ``mapping:events``.
    """
    lf = engine.as_lazy(frame)
    columns = lf.collect_schema().names()
    keys = (
        list(by)
        if by is not None
        else ([schema.MUNICIPALITY] if schema.MUNICIPALITY in columns else [])
    )
    counts = engine.to_pandas(
        lf.filter(~nw.col(schema.ACTIVITY).is_null())
        .group_by([*keys, schema.ACTIVITY])
        .agg(nw.len().alias(schema.MAPPING_EVENTS))
    )
    keep = []
    for rec in counts.to_dict("records"):
        municipality = rec.get(schema.MUNICIPALITY) if schema.MUNICIPALITY in keys else None
        keep.append(rec[schema.ACTIVITY] not in mapping.labels_for(municipality))
    out = counts[keep].rename(columns={schema.ACTIVITY: schema.MAPPING_LABEL})
    out[schema.MAPPING_EVENTS] = out[schema.MAPPING_EVENTS].astype("int64")
    out = out.sort_values(
        [schema.MAPPING_EVENTS, *keys, schema.MAPPING_LABEL],
        ascending=[False, *([True] * len(keys)), True],
    )
    return out[[*keys, schema.MAPPING_LABEL, schema.MAPPING_EVENTS]].reset_index(drop=True)
