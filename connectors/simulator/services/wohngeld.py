"""Wohngeld (housing benefit, WoGG): units, decisions and the order of its steps."""

from __future__ import annotations

import numpy as np

from analyzer.schema import Level, Medium
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import (
    EMAIL,
    PAPER_FILE,
    PORTAL,
    POST_IN,
    POST_OUT,
    PRINTER,
    SCANNER,
    Actor,
    Decisions,
    Service,
    Slot,
    Unit,
    base_decisions,
    county_unit,
    desk_step,
    fetch_methods,
    municipal_unit,
    sign_and_send_slots,
    staff_pool,
    wording,
)
from connectors.simulator.services.wohngeld_evidence import wohngeld_evidence_slots

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
    staff = staff_pool(p, "wohngeld", 2.0, 2)

    def at_owner(name: str) -> str:
        return municipal_unit(p, name) if own else county_unit(name)

    return [
        Unit("owner", at_owner("Wohngeldstelle"), owner_level, f"{oc}-WGS", staff),
        Unit("lead", at_owner("Wohngeldstelle"), owner_level, f"{oc}-SGL", max(1, staff // 6)),
        Unit("scan", at_owner("Scanstelle"), owner_level, f"{oc}-SCN", 2),
        Unit(
            "citizen_office", municipal_unit(p, "Bürgerbüro"), Level.MUNICIPALITY, f"{p.code}-BB", 3
        ),
        Unit("drv", "Deutsche Rentenversicherung", Level.SOCIAL_INSURANCE, "DRV", 12),
        Unit("ba", "Agentur für Arbeit", Level.FEDERAL, "BA", 8),
        Unit("jobcenter", "Jobcenter", Level.OTHER, f"{oc}-JC", 4),
        Unit("statistics", "Statistisches Landesamt", Level.STATE, "STLA", 1),
    ]


def _wohngeld_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = base_decisions(rng, n, p, WOHNGELD.in_person_share)
    d.via_town_hall = (~d.online) & (rng.random(n) < (0.0 if p.own_authority else 0.6))
    d.missing_rent = rng.random(n) < 0.30
    d.missing_income = rng.random(n) < 0.35
    d.registration_online = rng.random(n) < p.interface_share
    d.registration_citizen = ~d.registration_online & (rng.random(n) < p.ask_for_held_documents)
    d.registration_phone = ~d.registration_online & ~d.registration_citizen
    d.pension_auto, d.pension_citizen, d.pension_manual = fetch_methods(
        rng, n, p, rng.random(n) < 0.35
    )
    d.alg_auto, d.alg_citizen, d.alg_manual = fetch_methods(rng, n, p, rng.random(n) < 0.12)
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
    check_complete = wording(
        p,
        "Vollständigkeit geprüft",
        "Antrag auf Vollständigkeit geprüft",
        "Vollständigkeitsprüfung durchgeführt",
    )
    # -- intake
    s += [
        Slot(
            "wg.eingang",
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
                p, "Online-Antrag ausgedruckt", "Antrag ausgedruckt", "Ausdruck des Online-Antrags"
            ),
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
            wording(p, "Papierakte angelegt", "Akte angelegt", "Aktenanlage"),
            "owner",
            Medium.PAPER,
            PAPER_FILE,
            work=5,
            wait=4,
            when=lambda d: ~d.efile,
        ),
        Slot(
            "wg.scan",
            wording(p, "Papierakte eingescannt", "Antrag eingescannt", "Posteingang gescannt"),
            "scan",
            Medium.EFILE,
            SCANNER,
            work=4,
            wait=20,
            when=lambda d: ~d.online & d.efile,
        ),
        Slot(
            "wg.erfassung",
            wording(
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
    s += desk_step("wg.vollstaendigkeit", check_complete, "owner", work=15, wait=96, long_wait=True)
    # -- ping-pong with the town hall: the county returns an incomplete application
    s += [
        Slot(
            "wg.rueckgabe_gemeinde",
            wording(
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
            wording(
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
            wording(
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
    s += desk_step(
        "wg.scan_nachtrag",
        wording(p, "Ergänzung zur Akte genommen", "Nachtrag zur Akte", "Ergänzung abgelegt"),
        "owner",
        work=5,
        wait=48,
        when=lambda d: d.pp_town_hall,
    )
    # -- priority of Bürgergeld (§ 7 WoGG); ping-pong with the Jobcenter
    vorrang = wording(
        p,
        "Vorrang gegenüber Bürgergeld geprüft",
        "Vorrangprüfung SGB II",
        "Vorrangprüfung durchgeführt",
    )
    s += desk_step("wg.vorrang", vorrang, "owner", work=10, wait=8)
    s += [
        Slot(
            "wg.abgabe_jobcenter",
            wording(
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
            wording(
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
            wording(
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
            wording(
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
    s += desk_step(
        "wg.stellungnahme_ausgewertet",
        wording(
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
    s += wohngeld_evidence_slots(p)
    # -- decision; the four-eyes check may send the calculation back (rework loop)
    s += desk_step(
        "wg.einkommen",
        wording(p, "Einkommen geprüft", "Einkommensprüfung durchgeführt", "Einkommen ermittelt"),
        "owner",
        work=25,
        wait=48,
        long_wait=True,
    )
    calc = wording(
        p, "Wohngeld berechnet", "Wohngeldberechnung durchgeführt", "Berechnung Wohngeld"
    )
    review = wording(
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
    s += desk_step("wg.freigabe", review, "lead", work=10, wait=24)
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
        s += desk_step(
            "wg.freigabe", review, "lead", work=10, wait=24, when=cond, cause=f"rework_{it}"
        )
    s += [
        Slot(
            "wg.bescheid",
            wording(p, "Bescheid erstellt", "Wohngeldbescheid erstellt", "Bescheid erzeugt"),
            "owner",
            Medium.EFILE,
            "Fachverfahren Wohngeld",
            work=10,
            wait=8,
        ),
        Slot(
            "wg.statistik",
            wording(
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
    s += sign_and_send_slots(p, "wg", "lead", "owner", "Bescheid")
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
