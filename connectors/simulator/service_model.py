"""What a simulated service is made of: slots, units, actors, decisions, shared steps.

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

from collections.abc import Callable
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
    """A slot's ``once_only`` value for a document another authority holds."""
    return f"{document} @ {HELD_DOCUMENTS[document]}"


def wording(p: MunicipalityProfile, *labels: str) -> str:
    """The municipality's wording of a step (exports of different offices differ)."""
    return labels[p.label_variant % len(labels)]


def _always(d: Decisions) -> np.ndarray:
    return d.ones


def desk_step(
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


def letter_to_citizen(step: str, label: str, unit: str, *, when: Condition, **kw) -> list[Slot]:
    """A letter to the applicant: through the portal's mailbox if they applied online."""
    return [
        Slot(step, label, unit, Medium.ONLINE, MAILBOX, when=lambda d: when(d) & d.online, **kw),
        Slot(step, label, unit, Medium.POST, POST_OUT, when=lambda d: when(d) & ~d.online, **kw),
    ]


def document_from_citizen(
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


def base_decisions(
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


def fetch_methods(
    rng: np.random.Generator, n: int, p: MunicipalityProfile, needed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How data another body holds are obtained: (automatically, from the citizen, by a
    manual request to the body). Automatic where an interface exists; otherwise the habit
    of asking the citizen decides."""
    auto = needed & (rng.random(n) < p.interface_share)
    citizen = needed & ~auto & (rng.random(n) < p.ask_for_held_documents)
    manual = needed & ~auto & ~citizen
    return auto, citizen, manual


def municipal_unit(p: MunicipalityProfile, name: str) -> str:
    """The name of a unit of the town or municipality in the log."""
    return f"{name} ({'Stadt' if p.is_city else 'Gemeinde'})"


def county_unit(name: str) -> str:
    """The name of a unit of the county administration in the log."""
    return f"{name} (Kreisverwaltung)"


def staff_pool(p: MunicipalityProfile, service: str, per_1000_cases: float, minimum: int) -> int:
    """Staff of a unit: so many per 1,000 cases a year, scaled by the municipality's staffing."""
    cases = p.cases_per_year.get(service, 0)
    return max(minimum, round(cases * per_1000_cases * p.staffing / 1000))


def sign_and_send_slots(
    p: MunicipalityProfile, prefix: str, lead: str, owner: str, doc: str
) -> list[Slot]:
    """Signature and dispatch of the decision: electronic, print–sign–scan, or paper."""
    printed = wording(p, f"{doc} ausgedruckt", f"{doc} gedruckt", f"Ausdruck {doc}")
    signed = wording(p, f"{doc} unterschrieben", "Unterschrift eingeholt", f"{doc} gezeichnet")
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
            wording(
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
            wording(
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
            wording(p, f"{doc} per Post versandt", f"{doc} versandt", f"Postversand {doc}"),
            owner,
            Medium.POST,
            POST_OUT,
            work=3,
            wait=8,
            when=lambda d: ~d.e_notice,
        ),
        Slot(
            f"{prefix}.ablage",
            wording(p, f"{doc} zur Papierakte genommen", "Durchschrift abgelegt", f"Ablage {doc}"),
            owner,
            Medium.PAPER,
            PAPER_FILE,
            work=3,
            wait=4,
            when=lambda d: ~d.efile,
        ),
    ]
    return s
