"""Wohngeld: the evidence the authority gathers before deciding: documents the applicant
supplies, registration data, and the data of the pension, employment and tax authorities
(fetched, requested from the body, or asked of the applicant although the body holds them)."""

from __future__ import annotations

from analyzer.schema import Medium
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import (
    FAX,
    PHONE,
    POST_OUT,
    Actor,
    Slot,
    document_from_citizen,
    held,
    letter_to_citizen,
    wording,
)


def wohngeld_evidence_slots(p: MunicipalityProfile) -> list[Slot]:
    """The evidence slots, in case order (between the priority check and the income check)."""
    s: list[Slot] = []
    # -- documents the applicant legitimately has to supply
    s += letter_to_citizen(
        "wg.miete_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.miete_eingang",
        wording(
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
    s += letter_to_citizen(
        "wg.lohn_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.lohn_eingang",
        wording(
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
            wording(
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
            wording(
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
    s += letter_to_citizen(
        "wg.melde_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.melde_eingang",
        wording(
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
            wording(
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
            wording(
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
            wording(
                p, "Rentenauskunft erteilt", "Auskunft der DRV erteilt", "DRV: Auskunft versandt"
            ),
            "drv",
            Medium.POST,
            POST_OUT,
            work=15,
            wait=200,
            long_wait=True,
            when=lambda d: d.pension_manual,
        ),
    ]
    s += letter_to_citizen(
        "wg.rente_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.rente_eingang",
        wording(
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
            wording(
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
            wording(
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
            wording(
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
    s += letter_to_citizen(
        "wg.alg_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.alg_eingang",
        wording(
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
            wording(
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
    s += letter_to_citizen(
        "wg.steuer_anfordern",
        wording(
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
    s += document_from_citizen(
        "wg.steuer_eingang",
        wording(
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
    return s
