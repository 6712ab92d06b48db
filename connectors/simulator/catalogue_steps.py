"""The simulator's reference steps as steps of Amtsweg's reference catalogues.

The simulator models each service at a finer grain than a reference catalogue
(``analyzer/data/reference_steps``): it tells apart whom a document is requested from and
which body answers, because its burden labels need that. A harmonisation maps activity
labels to *catalogue* steps, so this table says which catalogue step each simulator step
is: several simulator steps may be one catalogue step (every request for a missing document
is ``unterlagen_nachfordern``), and steps outside the reference process map to the generic
steps every catalogue includes (print, scan, sign, forward, return, file).

``sample_logs/activity_steps.csv`` lists both ids for every label, and the confirmed step
mappings of the samples (``sample_logs/step_mapping_<service>.toml``) are written from this
table, so the samples can be compared step by step and harmonisation suggestions can be
scored against a known truth.

Choices: an automated take-over (``*.import``) is ``daten_uebernehmen``, not
``daten_erfassen``, because a clerk's capture and an interface cost different time; a
document's arrival at the receiver (``*_eingang`` after a request) is ``unterlagen_eingang``
whoever sends it; the electronic and the postal dispatch of a decision are the same step
(``bescheid_versenden``): the event's medium tells them apart.
"""

from __future__ import annotations

from collections.abc import Mapping

_RECEIVERS = ("finanzamt", "trade_inspectorate", "statistics", "chamber", "accident_insurance")
_WG_DOCUMENTS = ("miete", "lohn", "melde", "rente", "alg", "steuer")
_BAU_BODIES = ("monuments", "nature", "fire")

#: Per simulated service: simulator step id → catalogue step id.
CATALOGUE_STEPS: Mapping[str, Mapping[str, str]] = {
    "wohngeld": {
        "wg.eingang": "antragseingang",
        "wg.import": "daten_uebernehmen",
        "wg.ausdruck_antrag": "ausdrucken",
        "wg.akte": "akte_anlegen",
        "wg.scan": "scannen",
        "wg.erfassung": "daten_erfassen",
        "wg.weiterleitung": "weiterleiten",
        "wg.rueckgabe_gemeinde": "zurueckgeben",
        "wg.ergaenzung_gemeinde": "angaben_ergaenzen",
        "wg.rueckversand_gemeinde": "weiterleiten",
        "wg.scan_nachtrag": "ablegen",
        "wg.vollstaendigkeit": "vollstaendigkeit_pruefen",
        "wg.vorrang": "vorrang_pruefen",
        "wg.abgabe_jobcenter": "weiterleiten",
        "wg.rueckgabe_jobcenter": "zurueckgeben",
        "wg.rueckfrage_jobcenter": "rueckfrage",
        "wg.stellungnahme_jobcenter": "auskunft_erteilen",
        "wg.stellungnahme_ausgewertet": "auskunft_auswerten",
        **{f"wg.{d}_anfordern": "unterlagen_nachfordern" for d in _WG_DOCUMENTS},
        **{f"wg.{d}_eingang": "unterlagen_eingang" for d in _WG_DOCUMENTS},
        "wg.melde": "daten_abrufen",
        "wg.rente_abruf": "daten_abrufen",
        "wg.alg_abruf": "daten_abrufen",
        "wg.steuer_abruf": "daten_abrufen",
        "wg.rente_anfrage": "auskunft_anfragen",
        "wg.alg_anfrage": "auskunft_anfragen",
        "wg.rente_auskunft": "auskunft_erteilen",
        "wg.alg_auskunft": "auskunft_erteilen",
        "wg.einkommen": "anspruch_pruefen",
        "wg.berechnung": "wohngeld_berechnen",
        "wg.freigabe": "freigeben",
        "wg.bescheid": "bescheid_erstellen",
        "wg.statistik": "statistik_melden",
        "wg.ausdruck": "ausdrucken",
        "wg.unterschrift": "unterschreiben",
        "wg.scan_unterschrift": "scannen",
        "wg.zustellung": "bescheid_versenden",
        "wg.versand": "bescheid_versenden",
        "wg.ablage": "ablegen",
    },
    "gewerbeanmeldung": {
        "gw.eingang": "anzeige_eingang",
        "gw.import": "daten_uebernehmen",
        "gw.ausdruck_antrag": "ausdrucken",
        "gw.scan": "scannen",
        "gw.erfassung": "daten_erfassen",
        "gw.pruefung": "anzeige_pruefen",
        "gw.register_abruf": "daten_abrufen",
        "gw.register_anfordern": "angaben_nachfordern",
        "gw.register_eingang": "unterlagen_eingang",
        "gw.handwerk_anfordern": "angaben_nachfordern",
        "gw.handwerk_eingang": "unterlagen_eingang",
        "gw.rueckfrage": "angaben_nachfordern",
        "gw.bescheinigung": "empfangsbescheinigung",
        "gw.ausdruck": "ausdrucken",
        "gw.unterschrift": "unterschreiben",
        "gw.scan_unterschrift": "scannen",
        "gw.zustellung": "bescheinigung_versenden",
        "gw.versand": "bescheinigung_versenden",
        "gw.ablage": "ablegen",
        "gw.uebermittlung": "daten_weiterleiten",
        "gw.durchschriften": "daten_weiterleiten",
        **{f"gw.{r}.eingang_elektronisch": "anzeige_empfangen" for r in _RECEIVERS},
        **{f"gw.{r}.eingang_post": "anzeige_empfangen" for r in _RECEIVERS},
        **{f"gw.{r}.erfassung": "erneut_erfassen" for r in _RECEIVERS},
        "gw.fa_rueckfrage": "rueckfrage",
        "gw.fa_antwort": "auskunft_erteilen",
        "gw.fa_antwort_eingang": "auskunft_eingang",
    },
    "baugenehmigung": {
        "bau.eingang": "bauantrag_eingang",
        "bau.import": "daten_uebernehmen",
        "bau.ausdruck_antrag": "ausdrucken",
        "bau.akte": "akte_anlegen",
        "bau.scan": "scannen",
        "bau.erfassung": "daten_erfassen",
        "bau.einvernehmen": "einvernehmen_gemeinde",
        "bau.weiterleitung": "weiterleiten",
        "bau.rueckgabe_gemeinde": "zurueckgeben",
        "bau.ergaenzung_gemeinde": "angaben_ergaenzen",
        "bau.rueckversand_gemeinde": "weiterleiten",
        "bau.vollstaendigkeit": "vollstaendigkeit_pruefen",
        "bau.planung": "fachstellen_beteiligen",
        "bau.nachforderung": "unterlagen_nachfordern",
        "bau.nachreichung": "unterlagen_eingang",
        "bau.nachtrag": "ablegen",
        "bau.kataster_abruf": "daten_abrufen",
        "bau.kataster_anfordern": "unterlagen_nachfordern",
        "bau.kataster_eingang": "unterlagen_eingang",
        "bau.statik_versand": "statik_pruefauftrag",
        "bau.statik_maengel": "zurueckgeben",
        "bau.statik_nachbesserung": "statik_pruefauftrag",
        "bau.statik_bericht": "statik_pruefbericht",
        **{f"bau.{b}_anfrage": "fachstellen_beteiligen" for b in _BAU_BODIES},
        **{f"bau.{b}_stellungnahme": "auskunft_erteilen" for b in _BAU_BODIES},
        "bau.nachbarn": "nachbarn_beteiligen",
        "bau.einwendungen": "einwendungen_pruefen",
        "bau.planungsrecht": "planungsrecht_pruefen",
        "bau.bauordnungsrecht": "bauordnungsrecht_pruefen",
        "bau.entwurf": "entwurf_erstellen",
        "bau.freigabe": "freigeben",
        "bau.genehmigung": "bescheid_erstellen",
        "bau.statistik": "statistik_melden",
        "bau.ausdruck": "ausdrucken",
        "bau.unterschrift": "unterschreiben",
        "bau.scan_unterschrift": "scannen",
        "bau.zustellung": "bescheid_versenden",
        "bau.versand": "bescheid_versenden",
        "bau.ablage": "ablegen",
    },
}


def catalogue_step(service: str, step: str) -> str:
    """The catalogue step id of the simulator's ``step`` of ``service`` (KeyError if none)."""
    return CATALOGUE_STEPS[service][step]
