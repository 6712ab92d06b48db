"""What kind of step an activity name describes: data capture, an automated transfer, a
request to the citizen, a step the citizen takes; whether a resource is the citizen; and
which documents another authority already holds.

Bilingual (German/English) word lists, used where the log lacks the attribute that would
say it directly (no DATA_FIELDS: a capture step is recognised by "erfassen", "eingeben",
"übertragen", "enter", ...), by the once-only rule (a request for a "Meldebescheinigung"
asks the citizen for a document the registration office holds) and by the rework rule (a
second "Ratenzahlung" is the citizen paying again, not the office working again).

Names are compared in normalised form (:func:`normalise`): lower case, umlauts written out,
every run of other characters one space, so "ALG-Bescheid" and "alg bescheid" match.
Patterns are regular expressions searched in that form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

#: A person entering data: typing, transferring by hand, capturing.
CAPTURE_PATTERNS: tuple[str, ...] = (
    r"erfass",
    r"eingeben",
    r"eingegeben",
    r"\beingabe",
    r"eintrag",
    r"eingetragen",
    r"einpfleg",
    r"eingepflegt",
    r"uebertrag",
    r"abtipp",
    r"abgetippt",
    r"abschreib",
    r"abgeschrieben",
    r"manuell",
    r"\bcaptur",
    r"\benter(ed|s|ing)?\b",
    r"\bre ?enter",
    r"\bkey(ed)? in\b",
    # "type" alone is mostly the noun ("advice for type 4"); the verb shows as typed/typing
    # or with its particle ("type in").
    r"\btyp(ed|ing)\b",
    r"\btype (in|into|over)\b",
    r"\btranscrib",
    r"\bmanual",
)

#: A machine moving data: an interface, an import, an electronic retrieval.
AUTOMATIC_PATTERNS: tuple[str, ...] = (
    r"automatisch",
    r"\bimport",
    r"schnittstelle",
    r"uebernommen",
    r"\bdatenuebernahme",
    r"\buebernahme",
    r"\babruf",
    r"abgerufen",
    r"datenabgleich",
    r"\bx(oev|bau|ta|meld)\b",
    r"\bfit connect\b",
    r"\bapi\b",
    r"\binterface",
    r"\bautomatic",
    r"\bsync",
)

#: A request for documents or information (to whom is decided by REQUEST_TO_AUTHORITY).
REQUEST_PATTERNS: tuple[str, ...] = (
    r"anforder",
    r"angefordert",
    r"nachforder",
    r"nachgefordert",
    r"nachreichen lassen",
    r"beibringen",
    r"vorlegen lassen",
    r"\bverlangt\b",
    r"\bverlangen\b",
    r"\brequest",
    r"\bask(ed|s)? (the )?(applicant|citizen|customer)",
    r"\bdemand",
)

#: Words saying a request goes to a citizen or business (decides a request is to them).
REQUEST_TO_CITIZEN: tuple[str, ...] = (
    r"antragsteller",
    r"buerger",
    r"gewerbetreibend",
    r"bauherr",
    r"beteiligt",
    r"kunde",
    r"\bapplicant",
    r"\bcitizen",
    r"\bcustomer",
)

#: A step the citizen or business takes: paying, handing in, uploading, objecting. Read by
#: the words' parts: "-zahlung" (Raten-, Abschlags-, Ein-), "eingezahlt", "bezahlt",
#: "eingereicht", "hochgeladen", "paid", "instalment", "submitted", "uploaded".
CITIZEN_STEP_PATTERNS: tuple[str, ...] = (
    r"zahlung",
    r"\b(be|ein)?zahl(t|en)\b",
    r"\bgezahlt\b",
    r"eingezahlt",
    r"\bbeglich",
    r"\bbegleich",
    r"einreich",
    r"eingereicht",
    r"nachreich",
    r"nachgereicht",
    r"hochgeladen",
    r"hochlad",
    r"\b(widerspruch|einspruch|klage|beschwerde) (eingelegt|erhoben|eingereicht)",
    r"\bpa(y|ys|id|ying|yment|yments)\b",
    r"\binstal?ments?\b",
    r"\bsubmi(t|ts|tted|tting|ssion|ssions)\b",
    r"\bupload",
    r"\bhand(ed|s)? in\b",
    r"\b(appeal|objection|complaint)s? (filed|lodged)",
    r"\b(filed|lodged|lodges|lodge) (an? )?(appeal|objection|complaint)",
)

#: The office's part in such a step: reminding of, asking for, paying out, refunding or
#: checking it. A name with one of these is the office's step, not the citizen's.
OFFICE_PART_PATTERNS: tuple[str, ...] = (
    r"erinner",
    r"\bmahn",
    r"gemahnt",
    r"aufforder",
    r"aufgefordert",
    r"auszahl",
    r"ausgezahlt",
    r"\banweis",
    r"angewiesen",
    r"erstatt",
    r"pruef",
    r"kontroll",
    r"bearbeit",
    r"bewert",
    r"festgesetzt",
    r"festsetz",
    r"berechn",
    r"\bremind",
    r"\bpay ?outs?\b",
    r"\bpaid out\b",
    r"\brefund",
    r"\bcheck",
    r"\breview",
    r"\bverif",
    r"\bprocess",
    r"\bassess",
    r"\bcalculat",
    r"\bdetermin",
)

#: A resource or role that is the citizen or business, not a member of staff. Whole words,
#: so that an office named after them ("Bürgerbüro", "Kundenservice") is not one.
CITIZEN_ACTOR_PATTERNS: tuple[str, ...] = (
    r"\bantragsteller(in|innen)?\b",
    r"\bbuerger(in|innen)?\b",
    r"\bgewerbetreibende?r?\b",
    r"\bbauherr(in|en)?\b",
    r"\bkund(e|in)\b",
    r"\bapplicants?\b",
    r"\bcitizens?\b(?! (service|services|office|advice|desk|center|centre)\b)",
    r"\bcustomers?\b(?! (service|services|care|support|desk|center|centre)\b)",
)

#: Words saying a request goes to another public body: then it is no once-only violation,
#: it is exactly what the principle asks for.
REQUEST_TO_AUTHORITY: tuple[str, ...] = (
    r"\bbei (der|dem|einer|einem) (behoerde|amt|stelle|kasse|rentenversicherung|agentur|"
    r"finanzamt|registergericht|kammer|jobcenter|gericht)",
    r"\b(beim|bei der|vom|von der|an das|an die|an den) (finanzamt|jobcenter|"
    r"rentenversicherung|drv|agentur|arbeitsagentur|registergericht|grundbuchamt|"
    r"handwerkskammer|ihk|meldebehoerde|standesamt|kataster|behoerde|amt|gericht)",
    r"\bamtshilfe",
    # statements and advice are asked of bodies and experts, not of the applicant
    r"stellungnahme",
    r"\bgutacht",
    r"\b(advice|opinion|statement)\b",
    r"\b(from|to) (the )?(authority|agency|tax office|registry|court)",
)

#: Documents another public body issued or holds, with that body (German). Variants and
#: English names map to the same holder. A once-only violation asks the citizen for one.
DEFAULT_HELD_DOCUMENTS: Mapping[str, str] = {
    # civil status and registration
    "Geburtsurkunde": "Standesamt",
    "Eheurkunde": "Standesamt",
    "Sterbeurkunde": "Standesamt",
    "Lebenspartnerschaftsurkunde": "Standesamt",
    "Abstammungsurkunde": "Standesamt",
    "Meldebescheinigung": "Meldebehörde",
    "Meldebestätigung": "Meldebehörde",
    "Aufenthaltsbescheinigung": "Meldebehörde",
    "Melderegisterauskunft": "Meldebehörde",
    "Wohnungsgeberbestätigung": "Meldebehörde",
    "Einbürgerungsurkunde": "Staatsangehörigkeitsbehörde",
    "Aufenthaltstitel": "Ausländerbehörde",
    "Aufenthaltserlaubnis": "Ausländerbehörde",
    # police and courts
    "Führungszeugnis": "Bundesamt für Justiz",
    "Gewerbezentralregisterauszug": "Bundesamt für Justiz",
    "Auskunft aus dem Gewerbezentralregister": "Bundesamt für Justiz",
    "Handelsregisterauszug": "Registergericht",
    "Handelsregister-Auszug": "Registergericht",
    "Vereinsregisterauszug": "Registergericht",
    "Grundbuchauszug": "Grundbuchamt",
    # tax and social security
    "Einkommensteuerbescheid": "Finanzamt",
    "Steuerbescheid": "Finanzamt",
    "Unbedenklichkeitsbescheinigung des Finanzamts": "Finanzamt",
    "Steuerliche Unbedenklichkeitsbescheinigung": "Finanzamt",
    "Rentenbescheid": "Deutsche Rentenversicherung",
    "Rentenanpassungsmitteilung": "Deutsche Rentenversicherung",
    "Versicherungsverlauf": "Deutsche Rentenversicherung",
    "Bescheid über Arbeitslosengeld": "Bundesagentur für Arbeit",
    "Arbeitslosengeldbescheid": "Bundesagentur für Arbeit",
    "ALG-Bescheid": "Bundesagentur für Arbeit",
    "ALG-I-Bescheid": "Bundesagentur für Arbeit",
    "Bürgergeldbescheid": "Jobcenter",
    "ALG-II-Bescheid": "Jobcenter",
    "Kindergeldbescheid": "Familienkasse",
    "Elterngeldbescheid": "Elterngeldstelle",
    "Wohngeldbescheid": "Wohngeldbehörde",
    "BAföG-Bescheid": "Amt für Ausbildungsförderung",
    "Schwerbehindertenausweis": "Versorgungsamt",
    "Feststellungsbescheid über die Schwerbehinderung": "Versorgungsamt",
    # business, vehicles, land and building
    "Gewerbeanmeldung": "Gewerbeamt",
    "Gewerbeschein": "Gewerbeamt",
    "Handwerkskarte": "Handwerkskammer",
    "Eintragung in die Handwerksrolle": "Handwerkskammer",
    "Zulassungsbescheinigung": "Zulassungsbehörde",
    "Fahrzeugschein": "Zulassungsbehörde",
    "Fahrzeugbrief": "Zulassungsbehörde",
    "Führerschein": "Fahrerlaubnisbehörde",
    "Auszug aus der Liegenschaftskarte": "Vermessungs- und Katasteramt",
    "Liegenschaftskarte": "Vermessungs- und Katasteramt",
    "Flurkarte": "Vermessungs- und Katasteramt",
    "Liegenschaftsbuch": "Vermessungs- und Katasteramt",
    "Baugenehmigung": "Bauaufsichtsbehörde",
    "Baulastenverzeichnis": "Bauaufsichtsbehörde",
    # English names
    "birth certificate": "civil registry office",
    "marriage certificate": "civil registry office",
    "registration certificate": "registration office",
    "proof of residence": "registration office",
    "certificate of good conduct": "Federal Office of Justice",
    "criminal record certificate": "Federal Office of Justice",
    "tax assessment": "tax office",
    "pension notice": "pension insurance",
    "residence permit": "immigration office",
    "commercial register extract": "register court",
    "land register extract": "land registry",
    "cadastral map": "cadastral office",
}


def normalise(text: str | None) -> str:
    """``text`` in lower case, umlauts written out, other characters as single spaces."""
    if text is None:
        return ""
    lowered = str(text).lower().translate(_UMLAUTS)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    return " " + _NOT_ALNUM.sub(" ", plain).strip() + " "


def _matcher(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_CAPTURE = _matcher(CAPTURE_PATTERNS)
_AUTOMATIC = _matcher(AUTOMATIC_PATTERNS)
_REQUEST = _matcher(REQUEST_PATTERNS)
_TO_CITIZEN = _matcher(REQUEST_TO_CITIZEN)
_TO_AUTHORITY = _matcher(REQUEST_TO_AUTHORITY)
_CITIZEN_STEP = _matcher(CITIZEN_STEP_PATTERNS)
_OFFICE_PART = _matcher((*OFFICE_PART_PATTERNS, *REQUEST_PATTERNS))
_CITIZEN_ACTOR = _matcher(CITIZEN_ACTOR_PATTERNS)


def is_capture(name: str | None) -> bool:
    """Whether a step name describes a person entering data (and not a machine)."""
    text = normalise(name)
    return bool(_CAPTURE.search(text)) and not _AUTOMATIC.search(text)


def is_automatic(name: str | None) -> bool:
    """Whether a step name describes an automated transfer (interface, import, retrieval)."""
    return bool(_AUTOMATIC.search(normalise(name)))


def is_request_to_citizen(name: str | None) -> bool:
    """Whether a step name is a request for documents addressed to the citizen or business.

    A request verb ("angefordert", "nachgefordert", "request") makes it a request; it is to
    the citizen unless the name addresses a public body ("bei der Rentenversicherung
    angefordert"), or when it names the citizen ("beim Antragsteller").
    """
    text = normalise(name)
    if not _REQUEST.search(text):
        return False
    return bool(_TO_CITIZEN.search(text)) or not _TO_AUTHORITY.search(text)


def is_citizen_step(name: str | None) -> bool:
    """Whether a step name describes something the citizen or business does: pays
    ("Ratenzahlung", "paid"), hands in or uploads ("eingereicht", "submitted"), objects
    ("Widerspruch eingelegt"); and not the office's part in it ("Zahlungserinnerung",
    "Auszahlung", "Eingereichte Unterlagen geprüft", a request).
    """
    text = normalise(name)
    return bool(_CITIZEN_STEP.search(text)) and not _OFFICE_PART.search(text)


def is_citizen_actor(name: str | None) -> bool:
    """Whether a resource or role names the citizen or business ("Antragsteller/in",
    "Bürgerin", "applicant"), not staff or an office ("Bürgerbüro", "customer service")."""
    return bool(_CITIZEN_ACTOR.search(normalise(name)))


def held_documents_in(
    text: str | None, held: Mapping[str, str] = DEFAULT_HELD_DOCUMENTS
) -> list[tuple[str, str]]:
    """``(document, holder)`` for each held document ``text`` names, longest names first.

    A shorter name inside a longer one already found is not listed again
    ("Auszug aus der Liegenschaftskarte" is one document, not two).
    """
    haystack = normalise(text)
    found: list[tuple[str, str]] = []
    taken: list[str] = []
    for document, needle in _needles(tuple(held)):
        if not needle or needle not in haystack:
            continue
        if any(needle in longer for longer in taken):
            continue
        taken.append(needle)
        found.append((document, held[document]))
    return found


@lru_cache(maxsize=64)
def _needles(documents: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The documents with their normalised names, longest first (computed once per table)."""
    pairs = [(d, normalise(d).strip()) for d in documents]
    return tuple(sorted(pairs, key=lambda p: (-len(p[1]), p[0])))
