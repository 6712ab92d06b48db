"""German and English words for media, government levels and column headers.

Pure data plus lookups. A mapping proposal uses it to recognise a column of "Papier",
"Online-Antrag", "E-Mail" as the medium and to propose ``"Papier" = "paper"``; writers use
the short German headers; burden detectors may use the medium words to infer a medium from
an activity name ("Antrag ausdrucken" is paper).

Terms are compared in normalised form (:func:`normalise_term`): lower case, umlauts written
out (ä → ae, ß → ss), everything but letters and digits removed, so "Online-Antrag",
"online antrag" and "ONLINEANTRAG" are one term.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from analyzer.schema import Level, Medium

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_term(text: str) -> str:
    """``text`` lower-cased, umlauts written out, accents and all but letters/digits removed.

    ``"Tätigkeit"`` → ``"taetigkeit"``, ``"Datum/Uhrzeit"`` → ``"datumuhrzeit"``,
    ``"E-Mail"`` → ``"email"``.
    """
    lowered = str(text).strip().lower().translate(_UMLAUTS)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", plain)


def _tokens(text: str) -> list[str]:
    """The words of ``text``, normalised; a single letter joins the next word ("E-Akte")."""
    lowered = str(text).strip().lower().translate(_UMLAUTS)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    words: list[str] = []
    for token in _NOT_ALNUM.split(plain):
        if not token:
            continue
        if words and len(words[-1]) == 1 and words[-1].isalpha():
            words[-1] += token
        else:
            words.append(token)
    return words


#: Words for a medium, German first.
MEDIUM_TERMS: dict[Medium, tuple[str, ...]] = {
    Medium.PAPER: (
        "Papier",
        "Papierform",
        "Papierantrag",
        "Papierformular",
        "Formular",
        "Vordruck",
        "schriftlich",
        "Ausdruck",
        "Papierakte",
        "paper",
        "paper form",
        "printout",
    ),
    Medium.POST: (
        "Post",
        "per Post",
        "Brief",
        "Briefpost",
        "postalisch",
        "Postweg",
        "Postausgang",
        "Posteingang",
        "letter",
        "postal",
    ),
    Medium.FAX: ("Fax", "Telefax", "per Fax", "fax"),
    Medium.EMAIL: (
        "E-Mail",
        "Email",
        "Mail",
        "per E-Mail",
        "per Mail",
        "De-Mail",
        "elektronische Post",
        "e-mail",
    ),
    Medium.PHONE: ("Telefon", "telefonisch", "Anruf", "Tel", "phone", "telephone", "call"),
    Medium.IN_PERSON: (
        "persönlich",
        "vor Ort",
        "Schalter",
        "Vorsprache",
        "persönliche Vorsprache",
        "Bürgerbüro",
        "Bürgeramt",
        "in person",
        "in_person",
        "walk-in",
        "counter",
    ),
    Medium.ONLINE: (
        "online",
        "Online-Antrag",
        "Onlineantrag",
        "Online-Formular",
        "Portal",
        "Onlineportal",
        "Online-Portal",
        "Internet",
        "Web",
        "Webformular",
        "Serviceportal",
        "Servicekonto",
        "BundID",
        "ELSTER",
        "OZG",
        "online form",
    ),
    Medium.EFILE: (
        "E-Akte",
        "eAkte",
        "elektronische Akte",
        "DMS",
        "Dokumentenmanagement",
        # done in the specialised software: digital whether it is an online application or
        # an e-file, and the class (digital) is what media breaks read
        "Fachverfahren",
        "elektronisch",
        "digital",
        "efile",
        "e-file",
        "electronic file",
    ),
}

#: Words for a government level, German first.
LEVEL_TERMS: dict[Level, tuple[str, ...]] = {
    Level.FEDERAL: (
        "Bund",
        "Bundesebene",
        "Bundesbehörde",
        "Bundesamt",
        "Bundesverwaltung",
        "Bundesministerium",
        "Bundesagentur für Arbeit",
        "Agentur für Arbeit",
        "Arbeitsagentur",
        "Familienkasse",
        "Hauptzollamt",
        "federal",
    ),
    Level.STATE: (
        "Land",
        "Landesebene",
        "Landesbehörde",
        "Landesamt",
        "Landesverwaltung",
        "Bundesland",
        "Landesministerium",
        "Regierungspräsidium",
        "Bezirksregierung",
        "Finanzamt",
        "state",
    ),
    Level.COUNTY: (
        "Kreis",
        "Landkreis",
        "Kreisebene",
        "Kreisverwaltung",
        "Landratsamt",
        "Kreisverwaltungsbehörde",
        "county",
        "district",
    ),
    Level.MUNICIPALITY: (
        "Gemeinde",
        "Kommune",
        "Stadt",
        "kommunal",
        "Gemeindeebene",
        "Stadtverwaltung",
        "Gemeindeverwaltung",
        "Verbandsgemeinde",
        "Samtgemeinde",
        "Rathaus",
        "Bürgeramt",
        "Bürgerbüro",
        "Standesamt",
        "municipality",
        "municipal",
        "city",
        "town",
        "local",
    ),
    Level.SOCIAL_INSURANCE: (
        "Sozialversicherung",
        "Krankenkasse",
        "Pflegekasse",
        "Rentenversicherung",
        "Deutsche Rentenversicherung",
        "DRV",
        "Unfallversicherung",
        "Berufsgenossenschaft",
        "social insurance",
        "social_insurance",
    ),
    # A Jobcenter is run jointly by the Federal Employment Agency and the municipality (or by
    # the municipality alone): neither level, but a level of its own next to both.
    Level.OTHER: ("sonstige", "sonstiges", "andere", "Jobcenter", "other"),
}

#: Parts of compound words, in the notation of a dictionary: ``"…portal"`` is the end of a
#: word ("Bürgerportal", "Serviceportal"), ``"post…"`` its start ("Postweg", "Posteingang"),
#: ``"…fax…"`` either. A word that is no known term is read by its parts: a known start
#: first (the modifier of a German compound says what kind: "Onlineformular" is online,
#: "Papierakte" paper), else a known end (the head: "Bürgerportal"), longest part first.
MEDIUM_PARTS: dict[Medium, tuple[str, ...]] = {
    Medium.PAPER: (
        "…papier…",
        "…formular…",
        "…vordruck…",
        "…formblatt…",
        "…ausdruck…",
        "…akte",
        "…schriftlich",
        "…paper",
    ),
    Medium.POST: ("…post…", "…brief", "…einschreiben…", "…letter"),
    Medium.FAX: ("…fax…",),
    Medium.EMAIL: ("…email…", "…demail…", "…mail"),
    Medium.PHONE: ("…telefon…", "…anruf…", "…hotline…", "…callcenter…", "…phone"),
    Medium.IN_PERSON: (
        "…schalter…",
        "…vorsprache…",
        "persoenlich…",
        "buergerbuero…",
        "buergeramt…",
        "…theke",
        "vorort…",
    ),
    Medium.ONLINE: (
        "…online…",
        "…portal…",
        "internet…",
        "web…",
        "…servicekonto",
        "…nutzerkonto",
        "buergerkonto…",
        "bundid…",
        "elster…",
        "ozg…",
    ),
    Medium.EFILE: (
        "…eakte…",
        "…dms…",
        "dokumentenmanagement…",
        "…fachverfahren…",
        "fachanwendung…",
        "fachsoftware…",
        "elektronisch…",
        "digital…",
        "…scan…",
    ),
}

#: Parts of compound names of authorities (notation as in :data:`MEDIUM_PARTS`):
#: "Landratsamt Musterkreis", "Kreissozialamt", "Bundeszentralamt", "Ortsgemeinde".
LEVEL_PARTS: dict[Level, tuple[str, ...]] = {
    Level.FEDERAL: ("bundes…", "bundesagentur…", "zoll…"),
    Level.STATE: (
        "landes…",
        "regierungspraesidium…",
        "bezirksregierung…",
        "finanzamt…",
        "…ministerium",
        "staatlich…",
    ),
    Level.COUNTY: ("kreis…", "landkreis…", "landrats…", "landraetin…", "…kreis"),
    Level.MUNICIPALITY: (
        "gemeinde…",
        "…gemeinde",
        "stadt…",
        "…stadt",
        "kommun…",
        "rathaus…",
        "magistrat…",
        "buergeramt…",
        "buergerbuero…",
        "buergerservice…",
        "standesamt…",
        "einwohnermeldeamt…",
        "meldebehoerde…",
    ),
    Level.SOCIAL_INSURANCE: (
        "…kasse",
        "…versicherung…",
        "aok…",
        "bkk…",
        "…bkk",
        "ikk…",
        "drv…",
        "…berufsgenossenschaft…",
    ),
    Level.OTHER: ("jobcenter…",),
}

#: Short German header per canonical key, used when writing a German-style CSV.
GERMAN_HEADERS: dict[str, str] = {
    "case": "Aktenzeichen",
    "activity": "Tätigkeit",
    "timestamp": "Zeitpunkt",
    "start_timestamp": "Beginn",
    "resource": "Sachbearbeiter",
    "group": "Gruppe",
    "role": "Rolle",
    "lifecycle": "Status",
    "event_id": "Ereignis-ID",
    "org_unit": "Amt",
    "level": "Ebene",
    "medium": "Kanal",
    "it_system": "Fachverfahren",
    "data_fields": "Datenfelder",
    "municipality": "Kommune",
    "service": "Leistung",
    "leika": "LeiKa-Schlüssel",
    "source_row": "Zeile der Quelle",
}

#: Header words that suggest personal data of citizens (proposed for ``[drop]``).
PERSONAL_DATA_HEADERS: tuple[str, ...] = (
    "Name",
    "Vorname",
    "Nachname",
    "Familienname",
    "Geburtsname",
    "Antragsteller",
    "Antragstellerin",
    "Geburtsdatum",
    "Geburtsort",
    "Geburtstag",
    "Anschrift",
    "Adresse",
    "Straße",
    "Hausnummer",
    "Wohnort",
    "PLZ",
    "Postleitzahl",
    "Telefon",
    "Telefonnummer",
    "Mobil",
    "Handy",
    "E-Mail-Adresse",
    "Mailadresse",
    "IBAN",
    "BIC",
    "Kontonummer",
    "Steuer-ID",
    "Steuernummer",
    "Steueridentifikationsnummer",
    "Sozialversicherungsnummer",
    "Personalausweisnummer",
    "Ausweisnummer",
    "Passnummer",
    "Staatsangehörigkeit",
    "Geschlecht",
    "Familienstand",
    "first name",
    "last name",
    "surname",
    "full name",
    "date of birth",
    "birth date",
    "address",
    "street",
    "phone",
    "email address",
    "iban",
)


#: How a word was recognised (:attr:`Guess.how`), surest first.
KNOWN_WORD = "known_word"
WORD_PART = "word_part"
SIMILAR = "similar"
_SIMILAR_CUTOFF = 0.8


@dataclass(frozen=True)
class Guess:
    """What a word names and how that was recognised.

    ``how``: :data:`KNOWN_WORD` (the word or one word of the phrase is a known term),
    :data:`WORD_PART` (a known start or end of a compound), :data:`SIMILAR` (close to a known
    term, e.g. a typo). ``term``: the known term or part that decided.
    """

    value: str
    how: str
    term: str


@dataclass(frozen=True)
class _Lexicon:
    terms: dict[str, str]  # normalised term -> canonical value
    phrases: tuple[tuple[str, str], ...]  # normalised multi-word terms, longest first
    starts: tuple[tuple[str, str], ...]  # (part, value), longest first
    ends: tuple[tuple[str, str], ...]


def _lexicon(terms: dict, parts: dict) -> _Lexicon:
    index: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for canonical, words in terms.items():
        index[normalise_term(canonical)] = str(canonical)
        for word in words:
            index.setdefault(normalise_term(word), str(canonical))
            if len(_tokens(word)) > 1:
                phrases.setdefault(normalise_term(word), str(canonical))
    starts: list[tuple[str, str]] = []
    ends: list[tuple[str, str]] = []
    for canonical, written in parts.items():
        for part in written:
            core = normalise_term(part)
            if not part.startswith("…"):
                starts.append((core, str(canonical)))
            elif not part.endswith("…"):
                ends.append((core, str(canonical)))
            else:
                starts.append((core, str(canonical)))
                ends.append((core, str(canonical)))

    def longest_first(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))

    return _Lexicon(
        index,
        longest_first(list(phrases.items())),
        longest_first(starts),
        longest_first(ends),
    )


_MEDIUM = _lexicon(MEDIUM_TERMS, MEDIUM_PARTS)
_LEVEL = _lexicon(LEVEL_TERMS, LEVEL_PARTS)
_PERSONAL = frozenset(normalise_term(h) for h in PERSONAL_DATA_HEADERS)


def _by_parts(token: str, lexicon: _Lexicon) -> tuple[str, str] | None:
    for part, value in lexicon.starts:
        if token.startswith(part):
            return value, part
    for part, value in lexicon.ends:
        if token.endswith(part):
            return value, part
    return None


def _guess(value: object, lexicon: _Lexicon, *, similar: bool) -> Guess | None:
    """The rule: the whole text a known term; else a known multi-word term in it; else the
    first word that is a known term; else the first word read by its parts; else (with
    ``similar``) the known term closest to the whole text or to one of its words."""
    if value is None:
        return None
    whole = normalise_term(str(value))
    if not whole:
        return None
    if whole in lexicon.terms:
        return Guess(lexicon.terms[whole], KNOWN_WORD, whole)
    for phrase, found in lexicon.phrases:
        if phrase in whole:
            return Guess(found, KNOWN_WORD, phrase)
    # "Antrag per Post", "Bürgeramt der Stadt Musterhausen": the authority or channel comes
    # first in such names, the place or the carrier ("Deutsche Rentenversicherung Bund") after
    tokens = _tokens(str(value))
    for token in tokens:
        if token in lexicon.terms:
            return Guess(lexicon.terms[token], KNOWN_WORD, token)
    for token in tokens:
        by_part = _by_parts(token, lexicon)
        if by_part is not None:
            return Guess(by_part[0], WORD_PART, by_part[1])
    if similar:
        for candidate in [whole, *tokens]:
            if len(candidate) < 5:
                continue
            close = difflib.get_close_matches(
                candidate, list(lexicon.terms), n=1, cutoff=_SIMILAR_CUTOFF
            )
            if close:
                return Guess(lexicon.terms[close[0]], SIMILAR, close[0])
    return None


def guess_medium(value: object, *, similar: bool = True) -> Guess | None:
    """What medium a word or phrase names and how that was recognised (rule in ``_guess``).

    ``"Bürgerportal"`` → online by the part ``…portal``; ``"Onlne-Antrag"`` → online, similar
    to "Onlineantrag"; ``"Antrag prüfen"`` → None.
    """
    return _guess(value, _MEDIUM, similar=similar)


def guess_level(value: object, *, similar: bool = True) -> Guess | None:
    """What government level a word or authority's name names, and how that was recognised.

    ``"Landratsamt Musterkreis"`` → county (known word), ``"Kreissozialamt"`` → county by
    the part ``kreis…``, ``"Ortsgemeinde Neudorf"`` → municipality by ``…gemeinde``.
    """
    return _guess(value, _LEVEL, similar=similar)


def medium_of(value: object) -> Medium | None:
    """The medium a word or short phrase names (``"Online-Antrag"`` → online), else None.

    Known words and word parts only, never similar words (a column is recognised by them).
    """
    found = guess_medium(value, similar=False)
    return None if found is None else Medium(found.value)


def level_of(value: object) -> Level | None:
    """The government level a word or short phrase names (``"Landratsamt"`` → county)."""
    found = guess_level(value, similar=False)
    return None if found is None else Level(found.value)


def medium_parts(medium: Medium) -> tuple[str, ...]:
    """The known words and word parts of ``medium`` (normalised, without the ``…`` marks)."""
    words = [normalise_term(w) for w in MEDIUM_TERMS.get(medium, ())]
    words += [normalise_term(p) for p in MEDIUM_PARTS.get(medium, ())]
    return tuple(dict.fromkeys(w for w in words if w))


def looks_personal(header: str) -> bool:
    """True when a column header suggests personal data of citizens (name, birth date, IBAN)."""
    return normalise_term(header) in _PERSONAL
