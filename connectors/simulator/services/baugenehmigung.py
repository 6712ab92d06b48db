"""Baugenehmigung (building permit, BauGB § 36, Landesbauordnungen): units, decisions and
the order of its steps."""

from __future__ import annotations

import numpy as np

from analyzer.schema import Level, Medium
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import (
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
    municipal_unit,
    sign_and_send_slots,
    staff_pool,
    wording,
)
from connectors.simulator.services.baugenehmigung_evidence import (
    BAU_BODIES,
    baugenehmigung_evidence_slots,
)

BAU_APPLICATION = (
    "Bauherr",
    "Anschrift",
    "Grundstück",
    "Flurstück",
    "Vorhaben",
    "Bauvorlagen",
    "Entwurfsverfasser",
)


def _bau_units(p: MunicipalityProfile) -> list[Unit]:
    own = p.own_authority
    oc = p.code if own else p.county_code
    owner_level = Level.MUNICIPALITY if own else Level.COUNTY
    staff = staff_pool(p, "baugenehmigung", 6.0, 2)

    def at_owner(name: str) -> str:
        return municipal_unit(p, name) if own else county_unit(name)

    units = [
        Unit("owner", at_owner("Bauaufsicht"), owner_level, f"{oc}-BAU", staff),
        Unit("lead", at_owner("Bauaufsicht"), owner_level, f"{oc}-BSL", 1),
        Unit("town", municipal_unit(p, "Bauamt"), Level.MUNICIPALITY, f"{p.code}-BA", 2),
        Unit(
            "planning",
            municipal_unit(p, "Stadtplanungsamt"),
            Level.MUNICIPALITY,
            f"{p.code}-SPA",
            2,
        ),
        Unit("engineer", "Prüfingenieur/in für Standsicherheit", Level.OTHER, "PI", 5),
        Unit("statistics", "Statistisches Landesamt", Level.STATE, "STLA", 1),
    ]
    units += [
        Unit(k, at_owner(name), owner_level, f"{oc}-{k[:3].upper()}", 2)
        for k, name, _, _ in BAU_BODIES
    ]
    return units


def _bau_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = base_decisions(rng, n, p, BAUGENEHMIGUNG.in_person_share)
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
    check = wording(
        p,
        "Vollständigkeit geprüft",
        "Bauantrag auf Vollständigkeit geprüft",
        "Vollständigkeitsprüfung durchgeführt",
    )
    intake = "town" if not p.own_authority else "owner"
    s += [
        Slot(
            "bau.eingang",
            wording(
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
            wording(
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
        s += desk_step(
            "bau.einvernehmen",
            wording(
                p,
                "Gemeindliches Einvernehmen erteilt",
                "Einvernehmen nach § 36 BauGB erteilt",
                "Einvernehmen der Gemeinde erteilt",
            ),
            "town",
            work=30,
            wait=120,
        )
        s += desk_step(
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
                wording(
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
                wording(
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
            wording(
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
            wording(
                p, "Digitalen Bauantrag ausgedruckt", "Bauantrag ausgedruckt", "Ausdruck Bauantrag"
            ),
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
            wording(p, "Papierakte angelegt", "Bauakte angelegt", "Aktenanlage"),
            "owner",
            Medium.PAPER,
            PAPER_FILE,
            work=10,
            wait=8,
            when=lambda d: ~d.efile,
        ),
        Slot(
            "bau.scan",
            wording(p, "Bauvorlagen eingescannt", "Papierakte eingescannt", "Bauantrag gescannt"),
            "owner",
            Medium.EFILE,
            SCANNER,
            work=20,
            wait=24,
            when=lambda d: d.arrives_paper & d.efile,
        ),
        Slot(
            "bau.erfassung",
            wording(
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
    s += desk_step(
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
                wording(
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
                wording(
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
                wording(
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
        s += desk_step(
            "bau.nachtrag",
            wording(p, "Ergänzung zur Bauakte genommen", "Nachtrag zur Akte", "Ergänzung abgelegt"),
            "owner",
            work=5,
            wait=48,
            when=lambda d: d.pp_town,
        )
    else:
        s += desk_step(
            "bau.planung",
            wording(
                p,
                "Stellungnahme Stadtplanung eingeholt",
                "Planungsrechtliche Stellungnahme eingeholt",
                "Stadtplanung beteiligt",
            ),
            "planning",
            work=30,
            wait=120,
        )
    s += baugenehmigung_evidence_slots(p)
    s += desk_step(
        "bau.planungsrecht",
        wording(
            p, "Bauplanungsrechtlich geprüft", "Planungsrechtliche Prüfung", "Zulässigkeit geprüft"
        ),
        "owner",
        efile_system="Fachverfahren Bauaufsicht",
        work=60,
        wait=48,
        long_wait=True,
    )
    s += desk_step(
        "bau.bauordnungsrecht",
        wording(
            p, "Bauordnungsrechtlich geprüft", "Bauordnungsrechtliche Prüfung", "Bautechnik geprüft"
        ),
        "owner",
        efile_system="Fachverfahren Bauaufsicht",
        work=60,
        wait=48,
    )
    draft = wording(
        p,
        "Genehmigungsentwurf erstellt",
        "Entwurf Baugenehmigung erstellt",
        "Bescheidentwurf erstellt",
    )
    review = wording(
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
    s += desk_step("bau.freigabe", review, "lead", work=20, wait=48)
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
        s += desk_step(
            "bau.freigabe", review, "lead", work=15, wait=48, when=cond, cause=f"rework_{it}"
        )
    s += [
        Slot(
            "bau.genehmigung",
            wording(
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
            wording(
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
            wording(
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
    s += sign_and_send_slots(p, "bau", "lead", "owner", "Baugenehmigung")
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
