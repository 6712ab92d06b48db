"""Gewerbeanmeldung (business registration, GewO § 14): units, decisions, steps."""

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
    desk_step,
    document_from_citizen,
    held,
    letter_to_citizen,
    municipal_unit,
    sign_and_send_slots,
    staff_pool,
    wording,
)

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
    staff = staff_pool(p, "gewerbeanmeldung", 1.2, 2)
    units = [
        Unit("owner", municipal_unit(p, "Gewerbeamt"), Level.MUNICIPALITY, f"{p.code}-GEW", staff),
        Unit("lead", municipal_unit(p, "Gewerbeamt"), Level.MUNICIPALITY, f"{p.code}-GSL", 1),
    ]
    units += [Unit(k, name, lvl, code, 6) for k, name, _, lvl, code in GW_RECEIVERS]
    return units


def _gewerbe_decisions(rng: np.random.Generator, n: int, p: MunicipalityProfile) -> Decisions:
    d = base_decisions(rng, n, p, GEWERBEANMELDUNG.in_person_share)
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
    check = wording(
        p, "Gewerbeanzeige geprüft", "Gewerbeanmeldung geprüft", "Prüfung Gewerbeanzeige"
    )
    s += [
        Slot(
            "gw.eingang",
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
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
            wording(
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
    s += desk_step(
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
            wording(
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
    s += letter_to_citizen(
        "gw.register_anfordern",
        wording(
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
    s += document_from_citizen(
        "gw.register_eingang",
        wording(
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
    s += letter_to_citizen(
        "gw.handwerk_anfordern",
        wording(
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
    s += document_from_citizen(
        "gw.handwerk_eingang",
        wording(
            p, "Handwerkskarte eingereicht", "Handwerkskarte nachgereicht", "Eingang Handwerkskarte"
        ),
        "owner",
        wait=96,
        fields=("Handwerkskarte",),
        when=lambda d: d.craft_citizen,
    )
    # rework: a query to the business owner, then the check again
    query = wording(
        p,
        "Rückfrage beim Gewerbetreibenden",
        "Rückfrage zur Gewerbeanzeige",
        "Nachfrage beim Anzeigenden",
    )
    for it, cond in (("1", lambda d: d.rework1), ("2", lambda d: d.rework2)):
        s += letter_to_citizen(
            "gw.rueckfrage", query, "owner", work=8, wait=8, when=cond, cause=f"rework_{it}"
        )
        s += desk_step(
            "gw.pruefung",
            check,
            "owner",
            efile_system="Fachverfahren Gewerbe",
            work=8,
            wait=72,
            when=cond,
            cause=f"rework_{it}",
        )
    s += desk_step(
        "gw.bescheinigung",
        wording(
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
    s += sign_and_send_slots(p, "gw", "lead", "owner", "Gewerbeschein")
    # forwarding to the receivers
    s += [
        Slot(
            "gw.uebermittlung",
            wording(
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
            wording(
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
                    wording(
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
