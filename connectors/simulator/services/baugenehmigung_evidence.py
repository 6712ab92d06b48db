"""Baugenehmigung: the evidence the building authority gathers before deciding: missing
plans, the cadastre map, the structural engineer's report, the specialist bodies' statements
and the neighbours' objections."""

from __future__ import annotations

from analyzer.schema import Medium
from connectors.simulator.profiles import MunicipalityProfile
from connectors.simulator.service_model import (
    EMAIL,
    MAILBOX,
    POST_OUT,
    Slot,
    desk_step,
    document_from_citizen,
    held,
    letter_to_citizen,
    wording,
)

#: Specialist bodies heard by the building authority (same level as the authority).
BAU_BODIES: tuple[tuple[str, str, str, float], ...] = (
    # (unit key, unit name, label stem, share of cases)
    ("monuments", "Untere Denkmalschutzbehörde", "Denkmalschutz", 0.10),
    ("nature", "Untere Naturschutzbehörde", "Naturschutz", 0.20),
    ("fire", "Brandschutzdienststelle", "Brandschutz", 0.40),
)


def baugenehmigung_evidence_slots(p: MunicipalityProfile) -> list[Slot]:
    """The evidence slots, in case order (between the intake and the legal checks)."""
    s: list[Slot] = []
    s += letter_to_citizen(
        "bau.nachforderung",
        wording(
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
    s += document_from_citizen(
        "bau.nachreichung",
        wording(
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
            wording(
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
    s += letter_to_citizen(
        "bau.kataster_anfordern",
        wording(
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
    s += document_from_citizen(
        "bau.kataster_eingang",
        wording(
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
            wording(
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
            wording(
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
        s += desk_step(
            f"bau.{key}_anfrage",
            wording(
                p, f"Stellungnahme {stem} angefordert", f"{stem} beteiligt", f"Anhörung {stem}"
            ),
            "owner",
            work=10,
            wait=12,
            when=lambda d, f=flag: getattr(d, f),
        )
        s += desk_step(
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
            wording(
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
            wording(
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
    s += desk_step(
        "bau.einwendungen",
        wording(
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
    return s
