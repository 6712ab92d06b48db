"""Process models of the simulated services: steps, authorities, levels, media, IT systems.

Each service is a fixed, ordered list of *slots*. A slot is one possible event: a reference
step (``wg.vollstaendigkeit``) done by one unit on one medium in one IT system, writing
some data fields, included in a case when its condition over the case's decisions holds
(``online & ~efile``). Alternatives of a step (paper or e-file, by post or online) are
separate slots of which at most one is included. Because every case walks the slots in the
same order, a case is a row of a boolean matrix and the generator needs no per-event loop.

Burdens are *injected* by slots whose condition depends on a habit of the municipality
(print–sign–scan, re-typing portal data, asking citizens for documents another authority
holds, the county repeating a check, ping-pong, rework loops); see ``docs/simulator.md``
for the sources the models follow and the exact burden definitions.

Invariants the label rules rely on (checked by :func:`build_template`):

* within one municipality an activity label belongs to exactly one reference step, and a
  reference step keeps one label wherever it occurs in a case (so a repeated or duplicated
  step is visible as the same activity);
* a step occurs at most once per case unless a rework or duplicate-check slot repeats it;
* apart from injected ping-pong, a case visits every level other than its own authority's
  at most once in a row of levels that never goes A→B→A→B.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from types import SimpleNamespace

import numpy as np

from analyzer.schema import Level, Medium
from connectors.simulator.profiles import MunicipalityProfile

Decisions = SimpleNamespace  # boolean (or integer) numpy arrays, one entry per case
Condition = Callable[[Decisions], np.ndarray]


class Actor(IntEnum):
    """Who performs a step: decides the resource, the clock and whether it has a start."""

    CLERK = 0  # a member of staff: working hours, a start and a complete time
    SYSTEM = 1  # an automated step: any time, minutes after its predecessor, no start
    CITIZEN = 2  # the applicant online: 06:00-23:00 any day, no start


@dataclass(frozen=True)
class Unit:
    """An organisational unit: its name in the log, its level and its staff pool."""

    key: str
    name: str
    level: Level
    code: str  # prefix of its staff ids, e.g. "MUS-WGS"
    pool: int  # number of staff


@dataclass(frozen=True)
class Slot:
    """One possible event of a case (see the module docstring)."""

    step: str
    label: str
    unit: str
    medium: Medium
    system: str
    actor: Actor = Actor.CLERK
    work: float = 0.0  # median processing minutes; 0 = instantaneous (no start time)
    wait: float = 0.0  # median hours between the previous event and this one
    fields: tuple[str, ...] = ()
    when: Condition | None = None
    once_only: str = ""  # "<document> @ <authority that holds it>" for a once-only violation
    long_wait: bool = False  # may carry an injected long wait
    cause: str = ""  # the habit that injects this slot, for the label detail


@dataclass(frozen=True)
class Service:
    """A simulated administrative service."""

    key: str
    name: str  # SERVICE value, German
    name_en: str
    code: str  # two letters in case ids
    leika: str | None  # LeiKa key (None where it could not be verified)
    in_person_share: float  # share of non-online applications handed in in person
    decide: Callable[[np.random.Generator, int, MunicipalityProfile], Decisions]
    slots: Callable[[MunicipalityProfile], list[Slot]]
    units: Callable[[MunicipalityProfile], list[Unit]]
    sources: tuple[str, ...] = field(default=())


# --- shared vocabulary ---------------------------------------------------------------------

CITIZEN_RESOURCE = "Antragsteller/in"
SYSTEM_RESOURCE = "System"

E_FILE = "E-Akte"
PAPER_FILE = "Papierakte"
PORTAL = "Antragsportal (OZG)"
MAILBOX = "Bürgerpostfach (BundID)"
POST_OUT = "Postausgang"
POST_IN = "Posteingang"
PRINTER = "Drucker"
SCANNER = "Scanstelle"
PHONE = "Telefon"
EMAIL = "E-Mail"
FAX = "Fax"

#: Documents a municipality may ask a citizen for although another authority holds them
#: (the once-only principle), with the holder. The applicant's answer is an event whose
#: DATA_FIELDS name the document, right after the request: a detector of once-only
#: violations may recognise the request that way, or by the document named in its activity.
HELD_DOCUMENTS: dict[str, str] = {
    "Meldebescheinigung": "Meldebehörde",
    "Rentenbescheid": "Deutsche Rentenversicherung",
    "Arbeitslosengeldbescheid": "Bundesagentur für Arbeit",
    "Einkommensteuerbescheid": "Finanzamt",
    "Handelsregisterauszug": "Registergericht",
    "Handwerkskarte": "Handwerkskammer",
    "Liegenschaftskarte": "Vermessungs- und Katasteramt",
}


def held(document: str) -> str:
    return f"{document} @ {HELD_DOCUMENTS[document]}"


def _v(p: MunicipalityProfile, *labels: str) -> str:
    """The municipality's wording of a step (exports of different offices differ)."""
    return labels[p.label_variant % len(labels)]


def _always(d: Decisions) -> np.ndarray:
    return d.ones


def _office(
    step: str,
    label: str,
    unit: str,
    *,
    efile_system: str = E_FILE,
    when: Condition | None = None,
    **kw,
) -> list[Slot]:
    """A desk step done in the e-file or on the paper file, whichever the case uses."""
    cond = when or _always
    return [
        Slot(step, label, unit, Medium.EFILE, efile_system, when=lambda d: cond(d) & d.efile, **kw),
        Slot(step, label, unit, Medium.PAPER, PAPER_FILE, when=lambda d: cond(d) & ~d.efile, **kw),
    ]


def _to_citizen(step: str, label: str, unit: str, *, when: Condition, **kw) -> list[Slot]:
    """A letter to the applicant: through the portal's mailbox if they applied online."""
    return [
        Slot(step, label, unit, Medium.ONLINE, MAILBOX, when=lambda d: when(d) & d.online, **kw),
        Slot(step, label, unit, Medium.POST, POST_OUT, when=lambda d: when(d) & ~d.online, **kw),
    ]


def _from_citizen(
    step: str, label: str, unit: str, *, when: Condition, wait: float, fields: tuple[str, ...]
) -> list[Slot]:
    """A document the applicant sends: uploaded in the portal or by post."""
    return [
        Slot(
            step,
            label,
            unit,
            Medium.ONLINE,
            PORTAL,
            actor=Actor.CITIZEN,
            wait=wait,
            fields=fields,
            when=lambda d: when(d) & d.online,
        ),
        Slot(
            step,
            label,
            unit,
            Medium.POST,
            POST_IN,
            work=3,
            wait=wait,
            fields=fields,
            when=lambda d: when(d) & ~d.online,
        ),
    ]


def _base_decisions(
    rng: np.random.Generator, n: int, p: MunicipalityProfile, in_person_share: float
) -> Decisions:
    """The decisions every service draws, in a fixed order (the output depends on it)."""

    def u() -> np.ndarray:
        return rng.random(n)

    d = Decisions()
    d.ones = np.ones(n, dtype=bool)
    d.online = u() < p.online_share
    d.in_person = ~d.online & (u() < in_person_share)
    d.by_post = ~d.online & ~d.in_person
    d.efile = u() < p.efile_share
    d.interface = u() < p.interface_share
    retype_habit = u() < p.retype_portal_data
    d.capture_auto = d.online & d.interface & ~retype_habit
    d.retyped = d.online & ~d.capture_auto
    d.typed = ~d.capture_auto
    d.print_sign_scan = d.efile & (u() < p.print_sign_scan)
    # an electronic notice needs an online applicant (a mailbox) and a digital document
    d.e_notice = d.online & d.efile & (u() < p.electronic_notice_share)
    d.county_check = u() < p.county_repeats_check
    d.ping_pong = u() < p.ping_pong
    d.rework1 = u() < p.rework
    d.rework2 = d.rework1 & (u() < 0.3)
    return d


def _fetch_method(
    rng: np.random.Generator, n: int, p: MunicipalityProfile, needed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How data another body holds are obtained: (automatically, from the citizen, by a
    manual request to the body). Automatic where an interface exists; otherwise the habit
    of asking the citizen decides."""
    auto = needed & (rng.random(n) < p.interface_share)
    citizen = needed & ~auto & (rng.random(n) < p.ask_for_held_documents)
    manual = needed & ~auto & ~citizen
    return auto, citizen, manual


def _municipal(p: MunicipalityProfile, name: str) -> str:
    return f"{name} ({'Stadt' if p.is_city else 'Gemeinde'})"


def _county(name: str) -> str:
    return f"{name} (Kreisverwaltung)"


def _staff(p: MunicipalityProfile, service: str, per_1000_cases: float, minimum: int) -> int:
    cases = p.cases_per_year.get(service, 0)
    return max(minimum, round(cases * per_1000_cases * p.staffing / 1000))


# =============================================================================================
# Wohngeld (housing benefit, WoGG)
# =============================================================================================

WG_APPLICATION = (
    "Name",
    "Vorname",
    "Geburtsdatum",
    "Anschrift",
    "Haushaltsmitglieder",
    "Einkommen",
    "Miete",
    "Wohnfläche",
    "Bankverbindung",
)


def _wohngeld_units(p: MunicipalityProfile) -> list[Unit]:
    own = p.own_authority
    oc = p.code if own else p.county_code
    owner_level = Level.MUNICIPALITY if own else Level.COUNTY
    staff = _staff(p, "wohngeld", 2.0, 2)

    def at_owner(name: str) -> str:
        return _municipal(p, name) if own else _county(name)

    return [
        Unit("owner", at_owner("Wohngeldstelle"), owner_level, f"{oc}-WGS", staff),
        Unit("lead", at_owner("Wohngeldstelle"), owner_level, f"{oc}-SGL", max(1, staff // 6)),
        Unit("scan", at_owner("Scanstelle"), owner_level, f"{oc}-SCN", 2),
        Unit("citizen_office", _municipal(p, "Bürgerbüro"), Level.MUNICIPALITY, f"{p.code}-BB", 3),
        Unit("drv", "Deutsche Rentenversicherung", Level.SOCIAL_INSURANCE, "DRV", 12),
        Unit("ba", "Agentur für Arbeit", Level.FEDERAL, "BA", 8),
        Unit("jobcenter", "Jobcenter", Level.OTHER, f"{oc}-JC", 4),
        Unit("statistics", "Statistisches Landesamt", Level.STATE, "STLA", 1),
    ]


def _wohngeld_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = _base_decisions(rng, n, p, WOHNGELD.in_person_share)
    d.via_town_hall = (~d.online) & (rng.random(n) < (0.0 if p.own_authority else 0.6))
    d.missing_rent = rng.random(n) < 0.30
    d.missing_income = rng.random(n) < 0.35
    d.registration_online = rng.random(n) < p.interface_share
    d.registration_citizen = ~d.registration_online & (rng.random(n) < p.ask_for_held_documents)
    d.registration_phone = ~d.registration_online & ~d.registration_citizen
    d.pension_auto, d.pension_citizen, d.pension_manual = _fetch_method(
        rng, n, p, rng.random(n) < 0.35
    )
    d.alg_auto, d.alg_citizen, d.alg_manual = _fetch_method(rng, n, p, rng.random(n) < 0.12)
    needs_tax = rng.random(n) < 0.08
    d.tax_auto = needs_tax & (rng.random(n) < p.interface_share)
    d.tax_citizen = needs_tax & ~d.tax_auto
    d.pp_town_hall = d.ping_pong & d.via_town_hall
    d.pp_jobcenter = d.ping_pong & ~d.via_town_hall
    d.town_hall_check = d.via_town_hall & d.county_check
    return d


def _wohngeld_slots(p: MunicipalityProfile) -> list[Slot]:
    app = WG_APPLICATION
    s: list[Slot] = []
    check_complete = _v(
        p,
        "Vollständigkeit geprüft",
        "Antrag auf Vollständigkeit geprüft",
        "Vollständigkeitsprüfung durchgeführt",
    )
    # -- intake
    s += [
        Slot(
            "wg.eingang",
            _v(
                p,
                "Antrag online eingegangen",
                "Online-Antrag eingegangen",
                "Antrag über Portal eingegangen",
            ),
            "owner",
            Medium.ONLINE,
            PORTAL,
            actor=Actor.CITIZEN,
            fields=app,
            when=lambda d: d.online,
        ),
        Slot(
            "wg.eingang",
            _v(
                p,
                "Antrag in Papierform eingegangen",
                "Papierantrag eingegangen",
                "Antrag schriftlich eingegangen",
            ),
            "owner",
            Medium.POST,
            POST_IN,
            work=4,
            fields=app,
            when=lambda d: d.by_post & ~d.via_town_hall,
        ),
        Slot(
            "wg.eingang",
            _v(
                p,
                "Antrag persönlich abgegeben",
                "Antrag bei Vorsprache abgegeben",
                "Antrag am Schalter abgegeben",
            ),
            "owner",
            Medium.IN_PERSON,
            PAPER_FILE,
            work=10,
            fields=app,
            when=lambda d: d.in_person & ~d.via_town_hall,
        ),
        Slot(
            "wg.eingang",
            _v(
                p,
                "Antrag im Bürgerbüro abgegeben",
                "Antrag im Rathaus abgegeben",
                "Antragsannahme Bürgerbüro",
            ),
            "citizen_office",
            Medium.IN_PERSON,
            PAPER_FILE,
            work=10,
            fields=app,
            when=lambda d: d.via_town_hall,
        ),
        Slot(
            "wg.import",
            _v(
                p,
                "Antragsdaten automatisch übernommen",
                "Antragsdaten per Schnittstelle übernommen",
                "Datenübernahme aus dem Portal",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Wohngeld",
            actor=Actor.SYSTEM,
            when=lambda d: d.capture_auto,
        ),
        # the town hall checks what the county will check again (duplicate responsibility)
        Slot(
            "wg.vollstaendigkeit",
            check_complete,
            "citizen_office",
            Medium.PAPER,
            PAPER_FILE,
            work=10,
            wait=2,
            when=lambda d: d.town_hall_check,
            cause="county_repeats_check",
        ),
        Slot(
            "wg.weiterleitung",
            _v(
                p,
                "Antrag an Wohngeldstelle des Kreises weitergeleitet",
                "Antrag an Kreis übersandt",
                "Weiterleitung an Kreis",
            ),
            "citizen_office",
            Medium.POST,
            POST_OUT,
            work=5,
            wait=20,
            when=lambda d: d.via_town_hall,
        ),
        Slot(
            "wg.ausdruck_antrag",
            _v(p, "Online-Antrag ausgedruckt", "Antrag ausgedruckt", "Ausdruck des Online-Antrags"),
            "owner",
            Medium.PAPER,
            PRINTER,
            work=3,
            wait=16,
            when=lambda d: d.online & ~d.efile,
            cause="paper_file",
        ),
        Slot(
            "wg.akte",
            _v(p, "Papierakte angelegt", "Akte angelegt", "Aktenanlage"),
            "owner",
            Medium.PAPER,
            PAPER_FILE,
            work=5,
            wait=4,
            when=lambda d: ~d.efile,
        ),
        Slot(
            "wg.scan",
            _v(p, "Papierakte eingescannt", "Antrag eingescannt", "Posteingang gescannt"),
            "scan",
            Medium.EFILE,
            SCANNER,
            work=4,
            wait=20,
            when=lambda d: ~d.online & d.efile,
        ),
        Slot(
            "wg.erfassung",
            _v(
                p,
                "Antragsdaten ins Fachverfahren übertragen",
                "Antragsdaten erfasst",
                "Daten ins Fachverfahren eingegeben",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Wohngeld",
            work=20,
            wait=30,
            fields=app,
            when=lambda d: d.typed,
            cause="retype",
        ),
    ]
    s += _office("wg.vollstaendigkeit", check_complete, "owner", work=15, wait=96, long_wait=True)
    # -- ping-pong with the town hall: the county returns an incomplete application
    s += [
        Slot(
            "wg.rueckgabe_gemeinde",
            _v(
                p,
                "Antrag zur Ergänzung an Gemeinde zurückgegeben",
                "Rückgabe an Gemeinde",
                "Antrag an Gemeinde zurück",
            ),
            "owner",
            Medium.POST,
            POST_OUT,
            work=10,
            wait=24,
            when=lambda d: d.pp_town_hall,
            cause="ping_pong",
        ),
        Slot(
            "wg.ergaenzung_gemeinde",
            _v(
                p,
                "Antrag durch Bürgerbüro ergänzt",
                "Fehlende Angaben im Bürgerbüro ergänzt",
                "Ergänzung durch Gemeinde",
            ),
            "citizen_office",
            Medium.PAPER,
            PAPER_FILE,
            work=20,
            wait=72,
            when=lambda d: d.pp_town_hall,
            cause="ping_pong",
        ),
        Slot(
            "wg.rueckversand_gemeinde",
            _v(
                p,
                "Ergänzter Antrag an Kreis zurückgesandt",
                "Antrag erneut an Kreis übersandt",
                "Rücksendung an Kreis",
            ),
            "citizen_office",
            Medium.POST,
            POST_OUT,
            work=5,
            wait=8,
            when=lambda d: d.pp_town_hall,
            cause="ping_pong",
        ),
    ]
    s += _office(
        "wg.scan_nachtrag",
        _v(p, "Ergänzung zur Akte genommen", "Nachtrag zur Akte", "Ergänzung abgelegt"),
        "owner",
        work=5,
        wait=48,
        when=lambda d: d.pp_town_hall,
    )
    # -- priority of Bürgergeld (§ 7 WoGG); ping-pong with the Jobcenter
    vorrang = _v(
        p,
        "Vorrang gegenüber Bürgergeld geprüft",
        "Vorrangprüfung SGB II",
        "Vorrangprüfung durchgeführt",
    )
    s += _office("wg.vorrang", vorrang, "owner", work=10, wait=8)
    s += [
        Slot(
            "wg.abgabe_jobcenter",
            _v(
                p,
                "Antrag an Jobcenter abgegeben",
                "Abgabe an Jobcenter (Vorrang SGB II)",
                "Weiterleitung an Jobcenter",
            ),
            "owner",
            Medium.POST,
            POST_OUT,
            work=10,
            wait=4,
            when=lambda d: d.pp_jobcenter,
            cause="ping_pong",
        ),
        # the Jobcenter repeats the priority check the Wohngeldstelle has made
        Slot(
            "wg.vorrang",
            vorrang,
            "jobcenter",
            Medium.EFILE,
            "Fachverfahren SGB II",
            work=20,
            wait=120,
            when=lambda d: d.pp_jobcenter,
            cause="ping_pong",
        ),
        Slot(
            "wg.rueckgabe_jobcenter",
            _v(
                p,
                "Antrag an Wohngeldstelle zurückgegeben",
                "Rückgabe durch Jobcenter",
                "Jobcenter: Antrag zurück",
            ),
            "jobcenter",
            Medium.POST,
            POST_OUT,
            work=5,
            wait=24,
            when=lambda d: d.pp_jobcenter,
            cause="ping_pong",
        ),
        Slot(
            "wg.rueckfrage_jobcenter",
            _v(
                p,
                "Rückfrage an Jobcenter gestellt",
                "Rückfrage beim Jobcenter",
                "Jobcenter angefragt",
            ),
            "owner",
            Medium.EMAIL,
            EMAIL,
            work=10,
            wait=72,
            when=lambda d: d.pp_jobcenter,
            cause="ping_pong",
        ),
        Slot(
            "wg.stellungnahme_jobcenter",
            _v(
                p,
                "Stellungnahme des Jobcenters abgegeben",
                "Jobcenter: Stellungnahme",
                "Antwort Jobcenter",
            ),
            "jobcenter",
            Medium.EMAIL,
            EMAIL,
            work=15,
            wait=120,
            when=lambda d: d.pp_jobcenter,
            cause="ping_pong",
        ),
    ]
    s += _office(
        "wg.stellungnahme_ausgewertet",
        _v(
            p,
            "Stellungnahme des Jobcenters ausgewertet",
            "Antwort Jobcenter ausgewertet",
            "Jobcenter-Antwort geprüft",
        ),
        "owner",
        work=10,
        wait=24,
        when=lambda d: d.pp_jobcenter,
    )
    # -- documents the applicant legitimately has to supply
    s += _to_citizen(
        "wg.miete_anfordern",
        _v(
            p,
            "Mietbescheinigung beim Antragsteller angefordert",
            "Mietbescheinigung nachgefordert",
            "Nachforderung Mietbescheinigung",
        ),
        "owner",
        work=8,
        wait=24,
        when=lambda d: d.missing_rent,
    )
    s += _from_citizen(
        "wg.miete_eingang",
        _v(
            p,
            "Mietbescheinigung eingegangen",
            "Mietbescheinigung nachgereicht",
            "Eingang Mietbescheinigung",
        ),
        "owner",
        wait=168,
        fields=("Mietbescheinigung",),
        when=lambda d: d.missing_rent,
    )
    s += _to_citizen(
        "wg.lohn_anfordern",
        _v(
            p,
            "Einkommensnachweise beim Antragsteller angefordert",
            "Verdienstbescheinigungen nachgefordert",
            "Nachforderung Einkommensnachweise",
        ),
        "owner",
        work=8,
        wait=12,
        when=lambda d: d.missing_income,
    )
    s += _from_citizen(
        "wg.lohn_eingang",
        _v(
            p,
            "Einkommensnachweise eingegangen",
            "Verdienstbescheinigungen nachgereicht",
            "Eingang Einkommensnachweise",
        ),
        "owner",
        wait=168,
        fields=("Verdienstbescheinigung",),
        when=lambda d: d.missing_income,
    )
    # -- registration data (Meldedaten, § 33 WoGG / BMG)
    s += [
        Slot(
            "wg.melde",
            _v(
                p,
                "Meldedaten abgefragt",
                "Melderegisterauskunft eingeholt",
                "Abfrage Melderegister",
            ),
            "owner",
            Medium.ONLINE,
            "Melderegister (Online-Abruf)",
            work=3,
            wait=12,
            when=lambda d: d.registration_online,
        ),
        Slot(
            "wg.melde",
            _v(
                p,
                "Meldedaten abgefragt",
                "Melderegisterauskunft eingeholt",
                "Abfrage Melderegister",
            ),
            "owner",
            Medium.PHONE,
            PHONE,
            work=10,
            wait=12,
            when=lambda d: d.registration_phone,
        ),
    ]
    s += _to_citizen(
        "wg.melde_anfordern",
        _v(
            p,
            "Meldebescheinigung beim Antragsteller angefordert",
            "Meldebescheinigung nachgefordert",
            "Nachforderung Meldebescheinigung",
        ),
        "owner",
        work=8,
        wait=12,
        when=lambda d: d.registration_citizen,
        once_only=held("Meldebescheinigung"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "wg.melde_eingang",
        _v(
            p,
            "Meldebescheinigung eingegangen",
            "Meldebescheinigung nachgereicht",
            "Eingang Meldebescheinigung",
        ),
        "owner",
        wait=120,
        fields=("Meldebescheinigung",),
        when=lambda d: d.registration_citizen,
    )
    # -- pension (Deutsche Rentenversicherung)
    s += [
        Slot(
            "wg.rente_abruf",
            _v(
                p,
                "Rentendaten elektronisch abgerufen",
                "Rentendaten von der DRV abgerufen",
                "Abruf Rentendaten",
            ),
            "owner",
            Medium.EFILE,
            "Datenabgleich DRV",
            actor=Actor.SYSTEM,
            when=lambda d: d.pension_auto,
        ),
        Slot(
            "wg.rente_anfrage",
            _v(
                p,
                "Rentenauskunft bei der DRV angefragt",
                "Anfrage an Rentenversicherung",
                "DRV angeschrieben",
            ),
            "owner",
            Medium.POST,
            POST_OUT,
            work=10,
            wait=12,
            when=lambda d: d.pension_manual,
        ),
        Slot(
            "wg.rente_auskunft",
            _v(p, "Rentenauskunft erteilt", "Auskunft der DRV erteilt", "DRV: Auskunft versandt"),
            "drv",
            Medium.POST,
            POST_OUT,
            work=15,
            wait=200,
            long_wait=True,
            when=lambda d: d.pension_manual,
        ),
    ]
    s += _to_citizen(
        "wg.rente_anfordern",
        _v(
            p,
            "Rentenbescheid beim Antragsteller angefordert",
            "Rentenbescheid nachgefordert",
            "Nachforderung Rentenbescheid",
        ),
        "owner",
        work=8,
        wait=12,
        when=lambda d: d.pension_citizen,
        once_only=held("Rentenbescheid"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "wg.rente_eingang",
        _v(
            p, "Rentenbescheid eingegangen", "Rentenbescheid nachgereicht", "Eingang Rentenbescheid"
        ),
        "owner",
        wait=168,
        fields=("Rentenbescheid",),
        when=lambda d: d.pension_citizen,
    )
    # -- unemployment benefit (Bundesagentur für Arbeit)
    s += [
        Slot(
            "wg.alg_abruf",
            _v(
                p,
                "Leistungsdaten der Agentur für Arbeit abgerufen",
                "ALG-Daten elektronisch abgerufen",
                "Abruf Leistungsdaten BA",
            ),
            "owner",
            Medium.EFILE,
            "Datenabgleich BA",
            actor=Actor.SYSTEM,
            when=lambda d: d.alg_auto,
        ),
        Slot(
            "wg.alg_anfrage",
            _v(
                p,
                "Auskunft bei der Agentur für Arbeit angefragt",
                "Anfrage an Agentur für Arbeit",
                "Agentur für Arbeit angeschrieben",
            ),
            "owner",
            Medium.FAX,
            FAX,
            work=8,
            wait=12,
            when=lambda d: d.alg_manual,
        ),
        Slot(
            "wg.alg_auskunft",
            _v(
                p,
                "Auskunft der Agentur für Arbeit erteilt",
                "Leistungsauskunft BA erteilt",
                "BA: Auskunft versandt",
            ),
            "ba",
            Medium.FAX,
            FAX,
            work=10,
            wait=120,
            long_wait=True,
            when=lambda d: d.alg_manual,
        ),
    ]
    s += _to_citizen(
        "wg.alg_anfordern",
        _v(
            p,
            "Bescheid über Arbeitslosengeld beim Antragsteller angefordert",
            "Arbeitslosengeldbescheid nachgefordert",
            "Nachforderung Arbeitslosengeldbescheid",
        ),
        "owner",
        work=8,
        wait=12,
        when=lambda d: d.alg_citizen,
        once_only=held("Arbeitslosengeldbescheid"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "wg.alg_eingang",
        _v(
            p,
            "Bescheid über Arbeitslosengeld eingegangen",
            "Arbeitslosengeldbescheid nachgereicht",
            "Eingang Arbeitslosengeldbescheid",
        ),
        "owner",
        wait=168,
        fields=("Arbeitslosengeldbescheid",),
        when=lambda d: d.alg_citizen,
    )
    # -- self-employed income (Finanzamt)
    s += [
        Slot(
            "wg.steuer_abruf",
            _v(
                p,
                "Steuerdaten elektronisch abgerufen",
                "Einkommensteuerdaten abgerufen",
                "Abruf Steuerdaten",
            ),
            "owner",
            Medium.EFILE,
            "Datenabruf Finanzverwaltung",
            actor=Actor.SYSTEM,
            when=lambda d: d.tax_auto,
        ),
    ]
    s += _to_citizen(
        "wg.steuer_anfordern",
        _v(
            p,
            "Einkommensteuerbescheid beim Antragsteller angefordert",
            "Einkommensteuerbescheid nachgefordert",
            "Nachforderung Einkommensteuerbescheid",
        ),
        "owner",
        work=8,
        wait=12,
        when=lambda d: d.tax_citizen,
        once_only=held("Einkommensteuerbescheid"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "wg.steuer_eingang",
        _v(
            p,
            "Einkommensteuerbescheid eingegangen",
            "Einkommensteuerbescheid nachgereicht",
            "Eingang Einkommensteuerbescheid",
        ),
        "owner",
        wait=168,
        fields=("Einkommensteuerbescheid",),
        when=lambda d: d.tax_citizen,
    )
    # -- decision; the four-eyes check may send the calculation back (rework loop)
    s += _office(
        "wg.einkommen",
        _v(p, "Einkommen geprüft", "Einkommensprüfung durchgeführt", "Einkommen ermittelt"),
        "owner",
        work=25,
        wait=48,
        long_wait=True,
    )
    calc = _v(p, "Wohngeld berechnet", "Wohngeldberechnung durchgeführt", "Berechnung Wohngeld")
    review = _v(
        p,
        "Bescheidentwurf geprüft (Vier-Augen-Prinzip)",
        "Entwurf durch SGL geprüft",
        "Vier-Augen-Prüfung",
    )
    s.append(
        Slot(
            "wg.berechnung",
            calc,
            "owner",
            Medium.EFILE,
            "Fachverfahren Wohngeld",
            work=15,
            wait=24,
            long_wait=True,
        )
    )
    s += _office("wg.freigabe", review, "lead", work=10, wait=24)
    for it, cond in (("1", lambda d: d.rework1), ("2", lambda d: d.rework2)):
        s.append(
            Slot(
                "wg.berechnung",
                calc,
                "owner",
                Medium.EFILE,
                "Fachverfahren Wohngeld",
                work=15,
                wait=24,
                when=cond,
                cause=f"rework_{it}",
            )
        )
        s += _office(
            "wg.freigabe", review, "lead", work=10, wait=24, when=cond, cause=f"rework_{it}"
        )
    s += [
        Slot(
            "wg.bescheid",
            _v(p, "Bescheid erstellt", "Wohngeldbescheid erstellt", "Bescheid erzeugt"),
            "owner",
            Medium.EFILE,
            "Fachverfahren Wohngeld",
            work=10,
            wait=8,
        ),
        Slot(
            "wg.statistik",
            _v(
                p,
                "Statistikdatensatz eingegangen",
                "Wohngeldstatistik gemeldet",
                "Statistikmeldung verarbeitet",
            ),
            "statistics",
            Medium.EFILE,
            "Statistikportal (IDEV)",
            actor=Actor.SYSTEM,
        ),
    ]
    s += _sign_and_send(p, "wg", "lead", "owner", "Bescheid")
    return s


def _sign_and_send(
    p: MunicipalityProfile, prefix: str, lead: str, owner: str, doc: str
) -> list[Slot]:
    """Signature and dispatch of the decision: electronic, print–sign–scan, or paper."""
    printed = _v(p, f"{doc} ausgedruckt", f"{doc} gedruckt", f"Ausdruck {doc}")
    signed = _v(p, f"{doc} unterschrieben", "Unterschrift eingeholt", f"{doc} gezeichnet")
    s = [
        Slot(
            f"{prefix}.ausdruck",
            printed,
            owner,
            Medium.PAPER,
            PRINTER,
            work=3,
            wait=2,
            when=lambda d: d.print_sign_scan | ~d.efile,
            cause="print_sign_scan",
        ),
        Slot(
            f"{prefix}.unterschrift",
            signed,
            lead,
            Medium.PAPER,
            PAPER_FILE,
            work=4,
            wait=20,
            when=lambda d: d.print_sign_scan | ~d.efile,
            cause="print_sign_scan",
        ),
        Slot(
            f"{prefix}.scan_unterschrift",
            _v(
                p,
                f"Unterschriebener {doc} eingescannt",
                f"{doc} nach Unterschrift eingescannt",
                f"{doc} gescannt",
            ),
            "scan" if prefix == "wg" else owner,
            Medium.EFILE,
            SCANNER,
            work=3,
            wait=8,
            when=lambda d: d.print_sign_scan,
            cause="print_sign_scan",
        ),
        Slot(
            f"{prefix}.zustellung",
            _v(
                p,
                f"{doc} elektronisch zugestellt",
                f"{doc} ins Bürgerpostfach gestellt",
                f"Elektronische Zustellung {doc}",
            ),
            owner,
            Medium.ONLINE,
            MAILBOX,
            work=2,
            wait=2,
            when=lambda d: d.e_notice,
        ),
        Slot(
            f"{prefix}.versand",
            _v(p, f"{doc} per Post versandt", f"{doc} versandt", f"Postversand {doc}"),
            owner,
            Medium.POST,
            POST_OUT,
            work=3,
            wait=8,
            when=lambda d: ~d.e_notice,
        ),
        Slot(
            f"{prefix}.ablage",
            _v(p, f"{doc} zur Papierakte genommen", "Durchschrift abgelegt", f"Ablage {doc}"),
            owner,
            Medium.PAPER,
            PAPER_FILE,
            work=3,
            wait=4,
            when=lambda d: ~d.efile,
        ),
    ]
    return s


WOHNGELD = Service(
    key="wohngeld",
    name="Wohngeld",
    name_en="housing benefit",
    code="WG",
    leika="99107023037000",
    in_person_share=0.3,
    decide=_wohngeld_decisions,
    slots=_wohngeld_slots,
    units=_wohngeld_units,
    sources=(
        "WoGG §§ 7, 22-24, 33-36",
        "LeiKa 99107023037000 (Wohngeld Feststellung, Mietzuschuss)",
    ),
)


# =============================================================================================
# Gewerbeanmeldung (business registration, GewO § 14)
# =============================================================================================

GW_NOTICE = (
    "Name",
    "Vorname",
    "Geburtsdatum",
    "Anschrift",
    "Betriebsanschrift",
    "Tätigkeit",
    "Rechtsform",
    "Betriebsbeginn",
)
GW_RECEIVED = ("Name", "Betriebsanschrift", "Tätigkeit")

#: Receivers of the Gewerbeanzeige (GewO § 14 Abs. 8 and 13, AO § 138), in the order the
#: log shows them: grouped by level so that a case never goes back and forth between levels.
GW_RECEIVERS: tuple[tuple[str, str, str, Level, str], ...] = (
    # (unit key, German name, label stem, level, code)
    ("finanzamt", "Finanzamt", "beim Finanzamt", Level.STATE, "FA"),
    ("trade_inspectorate", "Gewerbeaufsichtsamt", "bei der Gewerbeaufsicht", Level.STATE, "GAA"),
    ("statistics", "Statistisches Landesamt", "beim Statistischen Landesamt", Level.STATE, "STLA"),
    ("chamber", "IHK / Handwerkskammer", "bei der Kammer", Level.OTHER, "KAM"),
    (
        "accident_insurance",
        "Berufsgenossenschaft",
        "bei der Berufsgenossenschaft",
        Level.SOCIAL_INSURANCE,
        "BG",
    ),
)


def _gewerbe_units(p: MunicipalityProfile) -> list[Unit]:
    staff = _staff(p, "gewerbeanmeldung", 1.2, 2)
    units = [
        Unit("owner", _municipal(p, "Gewerbeamt"), Level.MUNICIPALITY, f"{p.code}-GEW", staff),
        Unit("lead", _municipal(p, "Gewerbeamt"), Level.MUNICIPALITY, f"{p.code}-GSL", 1),
    ]
    units += [Unit(k, name, lvl, code, 6) for k, name, _, lvl, code in GW_RECEIVERS]
    return units


def _gewerbe_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = _base_decisions(rng, n, p, GEWERBEANMELDUNG.in_person_share)
    d.forward_electronic = rng.random(n) < p.interface_share
    d.forward_paper = ~d.forward_electronic
    registered = rng.random(n) < 0.25
    d.register_citizen = registered & (rng.random(n) < p.ask_for_held_documents)
    d.register_online = registered & ~d.register_citizen
    craft = rng.random(n) < 0.15
    d.craft_citizen = craft & (rng.random(n) < p.ask_for_held_documents)
    d.trade_check = rng.random(n) < p.county_repeats_check
    return d


def _gewerbe_slots(p: MunicipalityProfile) -> list[Slot]:
    s: list[Slot] = []
    check = _v(p, "Gewerbeanzeige geprüft", "Gewerbeanmeldung geprüft", "Prüfung Gewerbeanzeige")
    s += [
        Slot(
            "gw.eingang",
            _v(
                p,
                "Gewerbeanmeldung online eingegangen",
                "Online-Gewerbeanzeige eingegangen",
                "Gewerbeanmeldung über Portal",
            ),
            "owner",
            Medium.ONLINE,
            PORTAL,
            actor=Actor.CITIZEN,
            fields=GW_NOTICE,
            when=lambda d: d.online,
        ),
        Slot(
            "gw.eingang",
            _v(
                p,
                "Gewerbeanmeldung per Post eingegangen",
                "Gewerbeanzeige schriftlich eingegangen",
                "Papier-Gewerbeanmeldung",
            ),
            "owner",
            Medium.POST,
            POST_IN,
            work=4,
            fields=GW_NOTICE,
            when=lambda d: d.by_post,
        ),
        Slot(
            "gw.eingang",
            _v(
                p,
                "Gewerbeanmeldung persönlich abgegeben",
                "Gewerbeanzeige am Schalter abgegeben",
                "Vorsprache Gewerbeanmeldung",
            ),
            "owner",
            Medium.IN_PERSON,
            PAPER_FILE,
            work=12,
            fields=GW_NOTICE,
            when=lambda d: d.in_person,
        ),
        Slot(
            "gw.import",
            _v(
                p,
                "Daten automatisch ins Fachverfahren übernommen",
                "Gewerbedaten per Schnittstelle übernommen",
                "Datenübernahme Portal",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Gewerbe",
            actor=Actor.SYSTEM,
            when=lambda d: d.capture_auto,
        ),
        Slot(
            "gw.ausdruck_antrag",
            _v(
                p,
                "Online-Anmeldung ausgedruckt",
                "Gewerbeanzeige ausgedruckt",
                "Ausdruck Online-Anmeldung",
            ),
            "owner",
            Medium.PAPER,
            PRINTER,
            work=3,
            wait=8,
            when=lambda d: d.online & ~d.efile,
            cause="paper_file",
        ),
        Slot(
            "gw.scan",
            _v(
                p,
                "Gewerbeanmeldung eingescannt",
                "Papierakte eingescannt",
                "Gewerbeanzeige gescannt",
            ),
            "owner",
            Medium.EFILE,
            SCANNER,
            work=3,
            wait=4,
            when=lambda d: ~d.online & d.efile,
        ),
        Slot(
            "gw.erfassung",
            _v(
                p,
                "Gewerbedaten ins Fachverfahren erfasst",
                "Gewerbeanzeige im Fachverfahren erfasst",
                "Daten ins Fachverfahren eingegeben",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Gewerbe",
            work=12,
            wait=6,
            fields=GW_NOTICE,
            when=lambda d: d.typed,
            cause="retype",
        ),
    ]
    s += _office(
        "gw.pruefung",
        check,
        "owner",
        efile_system="Fachverfahren Gewerbe",
        work=10,
        wait=20,
        long_wait=True,
    )
    # documents another authority holds
    s += [
        Slot(
            "gw.register_abruf",
            _v(
                p,
                "Handelsregister online eingesehen",
                "Registerauskunft online abgerufen",
                "Abruf Handelsregister",
            ),
            "owner",
            Medium.ONLINE,
            "Registerportal",
            work=3,
            wait=2,
            when=lambda d: d.register_online,
        ),
    ]
    s += _to_citizen(
        "gw.register_anfordern",
        _v(
            p,
            "Handelsregisterauszug beim Gewerbetreibenden angefordert",
            "Handelsregisterauszug nachgefordert",
            "Nachforderung Handelsregisterauszug",
        ),
        "owner",
        work=6,
        wait=4,
        when=lambda d: d.register_citizen,
        once_only=held("Handelsregisterauszug"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "gw.register_eingang",
        _v(
            p,
            "Handelsregisterauszug eingereicht",
            "Handelsregisterauszug nachgereicht",
            "Eingang Handelsregisterauszug",
        ),
        "owner",
        wait=96,
        fields=("Handelsregisterauszug",),
        when=lambda d: d.register_citizen,
    )
    s += _to_citizen(
        "gw.handwerk_anfordern",
        _v(
            p,
            "Handwerkskarte beim Gewerbetreibenden angefordert",
            "Handwerkskarte nachgefordert",
            "Nachforderung Handwerkskarte",
        ),
        "owner",
        work=6,
        wait=4,
        when=lambda d: d.craft_citizen,
        once_only=held("Handwerkskarte"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "gw.handwerk_eingang",
        _v(
            p, "Handwerkskarte eingereicht", "Handwerkskarte nachgereicht", "Eingang Handwerkskarte"
        ),
        "owner",
        wait=96,
        fields=("Handwerkskarte",),
        when=lambda d: d.craft_citizen,
    )
    # rework: a query to the business owner, then the check again
    query = _v(
        p,
        "Rückfrage beim Gewerbetreibenden",
        "Rückfrage zur Gewerbeanzeige",
        "Nachfrage beim Anzeigenden",
    )
    for it, cond in (("1", lambda d: d.rework1), ("2", lambda d: d.rework2)):
        s += _to_citizen(
            "gw.rueckfrage", query, "owner", work=8, wait=8, when=cond, cause=f"rework_{it}"
        )
        s += _office(
            "gw.pruefung",
            check,
            "owner",
            efile_system="Fachverfahren Gewerbe",
            work=8,
            wait=72,
            when=cond,
            cause=f"rework_{it}",
        )
    s += _office(
        "gw.bescheinigung",
        _v(
            p,
            "Empfangsbescheinigung ausgestellt",
            "Gewerbeschein erstellt",
            "Empfangsbestätigung erzeugt",
        ),
        "owner",
        efile_system="Fachverfahren Gewerbe",
        work=5,
        wait=12,
        long_wait=True,
    )
    s += _sign_and_send(p, "gw", "lead", "owner", "Gewerbeschein")
    # forwarding to the receivers
    s += [
        Slot(
            "gw.uebermittlung",
            _v(
                p,
                "Gewerbeanzeige elektronisch an Empfänger übermittelt",
                "XGewerbeanzeige versandt",
                "Datenübermittlung an Empfänger",
            ),
            "owner",
            Medium.ONLINE,
            "XGewerbeanzeige",
            actor=Actor.SYSTEM,
            when=lambda d: d.forward_electronic,
        ),
        Slot(
            "gw.durchschriften",
            _v(
                p,
                "Durchschriften der Gewerbeanzeige per Post versandt",
                "Durchschriften versandt",
                "Versand Durchschriften",
            ),
            "owner",
            Medium.POST,
            POST_OUT,
            work=10,
            wait=24,
            when=lambda d: d.forward_paper,
        ),
    ]
    for position, (key, _name, at, _lvl, _code) in enumerate(GW_RECEIVERS):
        # the copies travel together: only the first receipt waits for the post
        post_wait = 40 if position == 0 else 2
        s += [
            Slot(
                f"gw.{key}.eingang_elektronisch",
                f"Gewerbeanzeige {at} elektronisch eingegangen",
                key,
                Medium.ONLINE,
                "XGewerbeanzeige",
                actor=Actor.SYSTEM,
                when=lambda d: d.forward_electronic,
            ),
            Slot(
                f"gw.{key}.eingang_post",
                f"Durchschrift {at} eingegangen",
                key,
                Medium.POST,
                POST_IN,
                work=3,
                wait=post_wait,
                when=lambda d: d.forward_paper,
            ),
            Slot(
                f"gw.{key}.erfassung",
                f"Gewerbedaten {at} erfasst",
                key,
                Medium.EFILE,
                f"Fachverfahren {_name}",
                work=8,
                wait=8,
                fields=GW_RECEIVED,
                when=lambda d: d.forward_paper,
                cause="paper_forwarding",
                long_wait=True,
            ),
        ]
        if key == "finanzamt":
            s += [
                Slot(
                    "gw.fa_rueckfrage",
                    "Rückfrage des Finanzamts zur Gewerbeanzeige",
                    key,
                    Medium.EMAIL,
                    EMAIL,
                    work=10,
                    wait=48,
                    when=lambda d: d.ping_pong,
                    cause="ping_pong",
                ),
                Slot(
                    "gw.fa_antwort",
                    _v(
                        p,
                        "Rückfrage des Finanzamts beantwortet",
                        "Antwort an Finanzamt",
                        "Rückfrage FA beantwortet",
                    ),
                    "owner",
                    Medium.EMAIL,
                    EMAIL,
                    work=15,
                    wait=72,
                    when=lambda d: d.ping_pong,
                    cause="ping_pong",
                ),
                Slot(
                    "gw.fa_antwort_eingang",
                    "Antwort des Gewerbeamts beim Finanzamt eingegangen",
                    key,
                    Medium.EMAIL,
                    EMAIL,
                    work=5,
                    wait=24,
                    when=lambda d: d.ping_pong,
                    cause="ping_pong",
                ),
            ]
        if key == "trade_inspectorate":
            # the state authority checks the notification again
            s.append(
                Slot(
                    "gw.pruefung",
                    check,
                    key,
                    Medium.EFILE,
                    "Fachverfahren Gewerbeaufsicht",
                    work=10,
                    wait=48,
                    when=lambda d: d.trade_check,
                    cause="county_repeats_check",
                )
            )
    return s


GEWERBEANMELDUNG = Service(
    key="gewerbeanmeldung",
    name="Gewerbeanmeldung",
    name_en="business registration",
    code="GW",
    leika="99050012104000",
    in_person_share=0.5,
    decide=_gewerbe_decisions,
    slots=_gewerbe_slots,
    units=_gewerbe_units,
    sources=("GewO §§ 14, 15", "GewAnzV", "AO § 138", "LeiKa 99050012104000 (Gewerbe anmelden)"),
)


# =============================================================================================
# Baugenehmigung (building permit, BauGB § 36, Landesbauordnungen)
# =============================================================================================

BAU_APPLICATION = (
    "Bauherr",
    "Anschrift",
    "Grundstück",
    "Flurstück",
    "Vorhaben",
    "Bauvorlagen",
    "Entwurfsverfasser",
)

#: Specialist bodies heard by the building authority (same level as the authority).
BAU_BODIES: tuple[tuple[str, str, str, float], ...] = (
    # (unit key, unit name, label stem, share of cases)
    ("monuments", "Untere Denkmalschutzbehörde", "Denkmalschutz", 0.10),
    ("nature", "Untere Naturschutzbehörde", "Naturschutz", 0.20),
    ("fire", "Brandschutzdienststelle", "Brandschutz", 0.40),
)


def _bau_units(p: MunicipalityProfile) -> list[Unit]:
    own = p.own_authority
    oc = p.code if own else p.county_code
    owner_level = Level.MUNICIPALITY if own else Level.COUNTY
    staff = _staff(p, "baugenehmigung", 6.0, 2)

    def at_owner(name: str) -> str:
        return _municipal(p, name) if own else _county(name)

    units = [
        Unit("owner", at_owner("Bauaufsicht"), owner_level, f"{oc}-BAU", staff),
        Unit("lead", at_owner("Bauaufsicht"), owner_level, f"{oc}-BSL", 1),
        Unit("town", _municipal(p, "Bauamt"), Level.MUNICIPALITY, f"{p.code}-BA", 2),
        Unit("planning", _municipal(p, "Stadtplanungsamt"), Level.MUNICIPALITY, f"{p.code}-SPA", 2),
        Unit("engineer", "Prüfingenieur/in für Standsicherheit", Level.OTHER, "PI", 5),
        Unit("statistics", "Statistisches Landesamt", Level.STATE, "STLA", 1),
    ]
    units += [
        Unit(k, at_owner(name), owner_level, f"{oc}-{k[:3].upper()}", 2)
        for k, name, _, _ in BAU_BODIES
    ]
    return units


def _bau_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = _base_decisions(rng, n, p, BAUGENEHMIGUNG.in_person_share)
    d.own = np.full(n, p.own_authority)
    d.via_town = ~d.own
    # a county gets the application from the town: digitally only where XBau is in place
    d.arrives_paper = ~d.online | (d.via_town & ~d.interface)
    d.town_check = d.via_town & d.county_check
    d.missing = rng.random(n) < 0.40
    cadastre = rng.random(n) < 0.30
    d.cadastre_citizen = cadastre & (rng.random(n) < p.ask_for_held_documents)
    d.cadastre_online = cadastre & ~d.cadastre_citizen
    d.structural = (rng.random(n) < 0.30) | (d.ping_pong & d.own)
    d.pp_town = d.ping_pong & d.via_town
    d.pp_engineer = d.ping_pong & d.own
    for key, _, _, share in BAU_BODIES:
        setattr(d, f"body_{key}", rng.random(n) < share)
    d.neighbours = rng.random(n) < 0.30
    d.neighbours_online = d.neighbours & (rng.random(n) < p.electronic_notice_share)
    d.neighbours_post = d.neighbours & ~d.neighbours_online
    d.statistics_online = rng.random(n) < p.interface_share
    return d


def _bau_slots(p: MunicipalityProfile) -> list[Slot]:
    s: list[Slot] = []
    check = _v(
        p,
        "Vollständigkeit geprüft",
        "Bauantrag auf Vollständigkeit geprüft",
        "Vollständigkeitsprüfung durchgeführt",
    )
    intake = "town" if not p.own_authority else "owner"
    s += [
        Slot(
            "bau.eingang",
            _v(
                p,
                "Bauantrag online eingereicht",
                "Digitaler Bauantrag eingegangen",
                "Bauantrag über Portal eingegangen",
            ),
            intake,
            Medium.ONLINE,
            PORTAL,
            actor=Actor.CITIZEN,
            fields=BAU_APPLICATION,
            when=lambda d: d.online,
        ),
        Slot(
            "bau.eingang",
            _v(
                p,
                "Bauantrag in Papierform eingereicht",
                "Bauantrag schriftlich eingegangen",
                "Papier-Bauantrag eingegangen",
            ),
            intake,
            Medium.POST,
            POST_IN,
            work=5,
            fields=BAU_APPLICATION,
            when=lambda d: ~d.online,
        ),
    ]
    if not p.own_authority:
        # Bauantrag handed in at the town, which gives its consent (§ 36 BauGB) and forwards it
        # (e.g. Art. 64 BayBO); the town may check completeness the county checks again.
        s += _office(
            "bau.einvernehmen",
            _v(
                p,
                "Gemeindliches Einvernehmen erteilt",
                "Einvernehmen nach § 36 BauGB erteilt",
                "Einvernehmen der Gemeinde erteilt",
            ),
            "town",
            work=30,
            wait=120,
        )
        s += _office(
            "bau.vollstaendigkeit",
            check,
            "town",
            work=15,
            wait=24,
            when=lambda d: d.town_check,
            cause="county_repeats_check",
        )
        s += [
            Slot(
                "bau.weiterleitung",
                _v(
                    p,
                    "Bauantrag an Bauaufsicht weitergeleitet",
                    "Bauantrag mit Stellungnahme übersandt",
                    "Weiterleitung an Bauaufsicht",
                ),
                "town",
                Medium.ONLINE,
                "XBau",
                work=5,
                wait=24,
                when=lambda d: d.online & d.interface,
            ),
            Slot(
                "bau.weiterleitung",
                _v(
                    p,
                    "Bauantrag an Bauaufsicht weitergeleitet",
                    "Bauantrag mit Stellungnahme übersandt",
                    "Weiterleitung an Bauaufsicht",
                ),
                "town",
                Medium.POST,
                POST_OUT,
                work=8,
                wait=24,
                when=lambda d: ~(d.online & d.interface),
            ),
        ]
    s += [
        Slot(
            "bau.import",
            _v(
                p,
                "Antragsdaten automatisch übernommen (XBau)",
                "Bauantragsdaten per Schnittstelle übernommen",
                "Datenübernahme XBau",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Bauaufsicht",
            actor=Actor.SYSTEM,
            when=lambda d: d.capture_auto,
        ),
        Slot(
            "bau.ausdruck_antrag",
            _v(p, "Digitalen Bauantrag ausgedruckt", "Bauantrag ausgedruckt", "Ausdruck Bauantrag"),
            "owner",
            Medium.PAPER,
            PRINTER,
            work=10,
            wait=8,
            when=lambda d: ~d.arrives_paper & ~d.efile,
            cause="paper_file",
        ),
        Slot(
            "bau.akte",
            _v(p, "Papierakte angelegt", "Bauakte angelegt", "Aktenanlage"),
            "owner",
            Medium.PAPER,
            PAPER_FILE,
            work=10,
            wait=8,
            when=lambda d: ~d.efile,
        ),
        Slot(
            "bau.scan",
            _v(p, "Bauvorlagen eingescannt", "Papierakte eingescannt", "Bauantrag gescannt"),
            "owner",
            Medium.EFILE,
            SCANNER,
            work=20,
            wait=24,
            when=lambda d: d.arrives_paper & d.efile,
        ),
        Slot(
            "bau.erfassung",
            _v(
                p,
                "Antragsdaten ins Fachverfahren übertragen",
                "Bauantrag im Fachverfahren erfasst",
                "Daten eingegeben",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Bauaufsicht",
            work=25,
            wait=24,
            fields=BAU_APPLICATION,
            when=lambda d: d.typed,
            cause="retype",
        ),
    ]
    s += _office(
        "bau.vollstaendigkeit",
        check,
        "owner",
        efile_system="Fachverfahren Bauaufsicht",
        work=30,
        wait=120,
        long_wait=True,
    )
    if not p.own_authority:
        s += [
            Slot(
                "bau.rueckgabe_gemeinde",
                _v(
                    p,
                    "Bauantrag zur Ergänzung an Gemeinde zurückgegeben",
                    "Rückgabe an Gemeinde",
                    "Bauantrag an Gemeinde zurück",
                ),
                "owner",
                Medium.POST,
                POST_OUT,
                work=10,
                wait=24,
                when=lambda d: d.pp_town,
                cause="ping_pong",
            ),
            Slot(
                "bau.ergaenzung_gemeinde",
                _v(
                    p,
                    "Stellungnahme der Gemeinde ergänzt",
                    "Gemeinde: Stellungnahme ergänzt",
                    "Ergänzung Gemeinde",
                ),
                "town",
                Medium.PAPER,
                PAPER_FILE,
                work=30,
                wait=120,
                when=lambda d: d.pp_town,
                cause="ping_pong",
            ),
            Slot(
                "bau.rueckversand_gemeinde",
                _v(
                    p,
                    "Ergänzte Unterlagen an Bauaufsicht übersandt",
                    "Unterlagen erneut übersandt",
                    "Rücksendung an Bauaufsicht",
                ),
                "town",
                Medium.POST,
                POST_OUT,
                work=5,
                wait=8,
                when=lambda d: d.pp_town,
                cause="ping_pong",
            ),
        ]
        s += _office(
            "bau.nachtrag",
            _v(p, "Ergänzung zur Bauakte genommen", "Nachtrag zur Akte", "Ergänzung abgelegt"),
            "owner",
            work=5,
            wait=48,
            when=lambda d: d.pp_town,
        )
    else:
        s += _office(
            "bau.planung",
            _v(
                p,
                "Stellungnahme Stadtplanung eingeholt",
                "Planungsrechtliche Stellungnahme eingeholt",
                "Stadtplanung beteiligt",
            ),
            "planning",
            work=30,
            wait=120,
        )
    s += _to_citizen(
        "bau.nachforderung",
        _v(
            p,
            "Bauvorlagen nachgefordert",
            "Fehlende Bauvorlagen angefordert",
            "Nachforderung Bauvorlagen",
        ),
        "owner",
        work=15,
        wait=24,
        when=lambda d: d.missing,
    )
    s += _from_citizen(
        "bau.nachreichung",
        _v(
            p, "Bauvorlagen nachgereicht", "Fehlende Bauvorlagen eingegangen", "Eingang Bauvorlagen"
        ),
        "owner",
        wait=240,
        fields=("Nachgereichte Bauvorlagen",),
        when=lambda d: d.missing,
    )
    s.append(
        Slot(
            "bau.kataster_abruf",
            _v(
                p,
                "Liegenschaftskarte im Geoportal abgerufen",
                "ALKIS-Auszug abgerufen",
                "Abruf Liegenschaftskarte",
            ),
            "owner",
            Medium.ONLINE,
            "Geoportal (ALKIS)",
            work=5,
            wait=8,
            when=lambda d: d.cadastre_online,
        )
    )
    s += _to_citizen(
        "bau.kataster_anfordern",
        _v(
            p,
            "Auszug aus der Liegenschaftskarte beim Bauherrn angefordert",
            "Liegenschaftskarte nachgefordert",
            "Nachforderung Liegenschaftskarte",
        ),
        "owner",
        work=8,
        wait=8,
        when=lambda d: d.cadastre_citizen,
        once_only=held("Liegenschaftskarte"),
        cause="asks_for_held_documents",
    )
    s += _from_citizen(
        "bau.kataster_eingang",
        _v(
            p,
            "Auszug aus der Liegenschaftskarte eingereicht",
            "Liegenschaftskarte nachgereicht",
            "Eingang Liegenschaftskarte",
        ),
        "owner",
        wait=168,
        fields=("Liegenschaftskarte",),
        when=lambda d: d.cadastre_citizen,
    )
    # structural engineer (Prüfingenieur); ping-pong with them where the city is the authority
    s += [
        Slot(
            "bau.statik_versand",
            _v(
                p,
                "Standsicherheitsnachweis an Prüfingenieur übersandt",
                "Statik zur Prüfung versandt",
                "Prüfauftrag Statik erteilt",
            ),
            "owner",
            Medium.EMAIL,
            EMAIL,
            work=10,
            wait=24,
            when=lambda d: d.structural,
        ),
        Slot(
            "bau.statik_maengel",
            "Prüfbericht mit Mängeln zurückgegeben",
            "engineer",
            Medium.EMAIL,
            EMAIL,
            work=120,
            wait=240,
            when=lambda d: d.pp_engineer,
            cause="ping_pong",
        ),
        Slot(
            "bau.statik_nachbesserung",
            _v(
                p,
                "Nachgebesserten Nachweis an Prüfingenieur übersandt",
                "Nachbesserung an Prüfingenieur",
                "Statik erneut zur Prüfung",
            ),
            "owner",
            Medium.EMAIL,
            EMAIL,
            work=15,
            wait=168,
            when=lambda d: d.pp_engineer,
            cause="ping_pong",
        ),
        Slot(
            "bau.statik_bericht",
            "Prüfbericht Standsicherheit erstellt",
            "engineer",
            Medium.EMAIL,
            EMAIL,
            work=180,
            wait=240,
            long_wait=True,
            when=lambda d: d.structural,
        ),
    ]
    for key, _name, stem, _share in BAU_BODIES:
        flag = f"body_{key}"
        s += _office(
            f"bau.{key}_anfrage",
            _v(p, f"Stellungnahme {stem} angefordert", f"{stem} beteiligt", f"Anhörung {stem}"),
            "owner",
            work=10,
            wait=12,
            when=lambda d, f=flag: getattr(d, f),
        )
        s += _office(
            f"bau.{key}_stellungnahme",
            f"Stellungnahme {stem} abgegeben",
            key,
            work=60,
            wait=300,
            long_wait=True,
            when=lambda d, f=flag: getattr(d, f),
        )
    s += [
        Slot(
            "bau.nachbarn",
            _v(
                p,
                "Nachbarn beteiligt",
                "Angrenzer benachrichtigt",
                "Nachbarbeteiligung eingeleitet",
            ),
            "owner",
            Medium.POST,
            POST_OUT,
            work=20,
            wait=24,
            when=lambda d: d.neighbours_post,
        ),
        Slot(
            "bau.nachbarn",
            _v(
                p,
                "Nachbarn beteiligt",
                "Angrenzer benachrichtigt",
                "Nachbarbeteiligung eingeleitet",
            ),
            "owner",
            Medium.ONLINE,
            MAILBOX,
            work=15,
            wait=24,
            when=lambda d: d.neighbours_online,
        ),
    ]
    s += _office(
        "bau.einwendungen",
        _v(
            p,
            "Einwendungen der Nachbarn ausgewertet",
            "Nachbarstellungnahmen ausgewertet",
            "Einwendungen geprüft",
        ),
        "owner",
        work=30,
        wait=400,
        when=lambda d: d.neighbours,
    )
    s += _office(
        "bau.planungsrecht",
        _v(p, "Bauplanungsrechtlich geprüft", "Planungsrechtliche Prüfung", "Zulässigkeit geprüft"),
        "owner",
        efile_system="Fachverfahren Bauaufsicht",
        work=60,
        wait=48,
        long_wait=True,
    )
    s += _office(
        "bau.bauordnungsrecht",
        _v(
            p, "Bauordnungsrechtlich geprüft", "Bauordnungsrechtliche Prüfung", "Bautechnik geprüft"
        ),
        "owner",
        efile_system="Fachverfahren Bauaufsicht",
        work=60,
        wait=48,
    )
    draft = _v(
        p,
        "Genehmigungsentwurf erstellt",
        "Entwurf Baugenehmigung erstellt",
        "Bescheidentwurf erstellt",
    )
    review = _v(
        p,
        "Genehmigungsentwurf geprüft (Sachgebietsleitung)",
        "Entwurf durch SGL geprüft",
        "Entwurf freigegeben",
    )
    s.append(
        Slot(
            "bau.entwurf",
            draft,
            "owner",
            Medium.EFILE,
            "Fachverfahren Bauaufsicht",
            work=45,
            wait=24,
        )
    )
    s += _office("bau.freigabe", review, "lead", work=20, wait=48)
    for it, cond in (("1", lambda d: d.rework1), ("2", lambda d: d.rework2)):
        s.append(
            Slot(
                "bau.entwurf",
                draft,
                "owner",
                Medium.EFILE,
                "Fachverfahren Bauaufsicht",
                work=30,
                wait=48,
                when=cond,
                cause=f"rework_{it}",
            )
        )
        s += _office(
            "bau.freigabe", review, "lead", work=15, wait=48, when=cond, cause=f"rework_{it}"
        )
    s += [
        Slot(
            "bau.genehmigung",
            _v(
                p,
                "Baugenehmigung erteilt",
                "Bescheid Baugenehmigung erstellt",
                "Baugenehmigung erzeugt",
            ),
            "owner",
            Medium.EFILE,
            "Fachverfahren Bauaufsicht",
            work=15,
            wait=8,
        ),
        Slot(
            "bau.statistik",
            _v(
                p,
                "Baustatistik-Meldung eingegangen",
                "Statistikmeldung Baugenehmigung",
                "Bautätigkeitsstatistik gemeldet",
            ),
            "statistics",
            Medium.EFILE,
            "Statistikportal (IDEV)",
            actor=Actor.SYSTEM,
            when=lambda d: d.statistics_online,
        ),
        Slot(
            "bau.statistik",
            _v(
                p,
                "Baustatistik-Meldung eingegangen",
                "Statistikmeldung Baugenehmigung",
                "Bautätigkeitsstatistik gemeldet",
            ),
            "statistics",
            Medium.POST,
            POST_IN,
            work=5,
            wait=72,
            when=lambda d: ~d.statistics_online,
        ),
    ]
    s += _sign_and_send(p, "bau", "lead", "owner", "Baugenehmigung")
    return s


BAUGENEHMIGUNG = Service(
    key="baugenehmigung",
    name="Baugenehmigung",
    name_en="building permit",
    code="BG",
    leika=None,  # no LeiKa key could be verified; left empty rather than invented
    in_person_share=0.05,
    decide=_bau_decisions,
    slots=_bau_slots,
    units=_bau_units,
    sources=("BauGB § 36", "Musterbauordnung §§ 68-72", "BayBO Art. 64-68"),
)


SERVICES: Mapping[str, Service] = {s.key: s for s in (WOHNGELD, GEWERBEANMELDUNG, BAUGENEHMIGUNG)}
