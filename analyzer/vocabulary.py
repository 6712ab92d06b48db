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

import re
import unicodedata

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
    lowered = str(text).strip().lower().translate(_UMLAUTS)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    return [t for t in _NOT_ALNUM.split(plain) if t]


#: Words for a medium, German first. Ambiguous words ("elektronisch", "digital") are left out
#: on purpose: they could be an online application or an e-file.
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
    Medium.EMAIL: ("E-Mail", "Email", "Mail", "per E-Mail", "per Mail", "e-mail"),
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
    Level.OTHER: ("sonstige", "sonstiges", "andere", "other"),
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


def _index(terms: dict) -> dict[str, object]:
    index: dict[str, object] = {}
    for canonical, words in terms.items():
        index[normalise_term(canonical)] = canonical
        for word in words:
            index.setdefault(normalise_term(word), canonical)
    return index


_MEDIUM_INDEX = _index(MEDIUM_TERMS)
_LEVEL_INDEX = _index(LEVEL_TERMS)
_PERSONAL = frozenset(normalise_term(h) for h in PERSONAL_DATA_HEADERS)


def _lookup(value: object, index: dict[str, object]) -> object | None:
    if value is None:
        return None
    whole = normalise_term(str(value))
    if not whole:
        return None
    if whole in index:
        return index[whole]
    # "Antrag per Post", "Landratsamt Musterkreis": one known word decides, if only one kind.
    found = {index[t] for t in _tokens(str(value)) if t in index}
    if len(found) == 1:
        return found.pop()
    return None


def medium_of(value: object) -> Medium | None:
    """The medium a word or short phrase names (``"Online-Antrag"`` → online), else None."""
    return _lookup(value, _MEDIUM_INDEX)  # type: ignore[return-value]


def level_of(value: object) -> Level | None:
    """The government level a word or short phrase names (``"Landratsamt"`` → county)."""
    return _lookup(value, _LEVEL_INDEX)  # type: ignore[return-value]


def looks_personal(header: str) -> bool:
    """True when a column header suggests personal data of citizens (name, birth date, IBAN)."""
    return normalise_term(header) in _PERSONAL
