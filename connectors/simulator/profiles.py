"""Municipality profiles: size, digital maturity, staffing, habits.

A profile is everything that makes one municipality's log differ from another's: how many
cases a year it handles (from its inhabitants), how much of the work is digital (online
intake, e-file, interfaces between systems, electronic notices), how well it is staffed,
and its habits: print–sign–scan, re-typing portal data into the Fachverfahren, asking
citizens for documents another authority holds, the county (or state authority) repeating a
check, sending cases back and forth, rework loops and files lying idle.

All municipalities here are fictional ("Muster-", "Beispiel-"); the numbers are plausible
orders of magnitude, not statistics about any real place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

#: Cases per 1,000 inhabitants and year. Wohngeld counts first and repeat applications
#: (Weiterleistungsanträge, WoGG § 25: usually 12-month approvals); Gewerbeanmeldung counts
#: registrations only; Baugenehmigung counts applications in the normal procedure.
CASES_PER_1000_INHABITANTS: Mapping[str, float] = {
    "wohngeld": 20.0,
    "gewerbeanmeldung": 8.5,
    "baugenehmigung": 2.5,
}


@dataclass(frozen=True)
class MunicipalityProfile:
    """One (fictional) municipality; shares are probabilities per case (0..1)."""

    key: str
    name: str
    code: str  # three letters in case and staff ids
    kind_de: str
    kind_en: str
    inhabitants: int
    own_authority: bool  # Wohngeldstelle and Bauaufsicht at the town (else at the county)
    county: str
    county_code: str
    # digital maturity
    online_share: float
    efile_share: float
    interface_share: float  # portal -> Fachverfahren, retrieval from other bodies, XBau, ...
    electronic_notice_share: float  # of online applicants who get the decision electronically
    # staffing and waiting
    staffing: float  # staff relative to an adequately staffed office (1.0)
    wait_factor: float  # multiplies every natural waiting time
    # habits
    print_sign_scan: float
    retype_portal_data: float  # re-type portal data even where an interface exists
    ask_for_held_documents: float  # ask the citizen where no interface exists
    county_repeats_check: float
    ping_pong: float
    rework: float
    long_wait: float
    label_variant: int  # which wording of the activity labels this office uses
    shows_de: str = ""
    shows_en: str = ""

    @property
    def is_city(self) -> bool:
        return "Stadt" in self.kind_de or "stadt" in self.kind_de

    @property
    def cases_per_year(self) -> dict[str, int]:
        return {
            service: max(1, round(self.inhabitants * rate / 1000))
            for service, rate in CASES_PER_1000_INHABITANTS.items()
        }


def clean_profile(profile: MunicipalityProfile) -> MunicipalityProfile:
    """``profile`` with no burden: digital end to end, interfaces everywhere, no habits.

    On a log simulated with it no burden rule fires (see ``docs/simulator.md``): every event
    is digital, nothing is captured twice, no document is asked for that another body holds,
    no check is repeated, no case goes back and forth, no wait exceeds the threshold.
    """
    return replace(
        profile,
        online_share=1.0,
        efile_share=1.0,
        interface_share=1.0,
        electronic_notice_share=1.0,
        print_sign_scan=0.0,
        retype_portal_data=0.0,
        ask_for_held_documents=0.0,
        county_repeats_check=0.0,
        ping_pong=0.0,
        rework=0.0,
        long_wait=0.0,
    )


PROFILES: dict[str, MunicipalityProfile] = {
    p.key: p
    for p in (
        MunicipalityProfile(
            key="musterstadt",
            name="Musterstadt",
            code="MUS",
            kind_de="kreisfreie Großstadt",
            kind_en="large county-free city",
            inhabitants=210_000,
            own_authority=True,
            county="",
            county_code="MUS",
            online_share=0.75,
            efile_share=1.0,
            interface_share=0.9,
            electronic_notice_share=0.7,
            staffing=1.0,
            wait_factor=0.8,
            print_sign_scan=0.03,
            retype_portal_data=0.03,
            ask_for_held_documents=0.1,
            county_repeats_check=0.0,
            ping_pong=0.02,
            rework=0.06,
            long_wait=0.01,
            label_variant=0,
            shows_de="Digital von Anfang bis Ende: die wenigsten Belastungen je Fall; "
            "Spitzenreiter im Vergleich.",
            shows_en="Digital end to end: the fewest burdens per case; the benchmark leader.",
        ),
        MunicipalityProfile(
            key="beispielstadt",
            name="Beispielstadt",
            code="BSP",
            kind_de="kreisfreie Mittelstadt",
            kind_en="mid-sized county-free city",
            inhabitants=95_000,
            own_authority=True,
            county="",
            county_code="BSP",
            online_share=0.5,
            efile_share=1.0,
            interface_share=0.6,
            electronic_notice_share=0.3,
            staffing=1.0,
            wait_factor=1.0,
            print_sign_scan=0.9,
            retype_portal_data=0.1,
            ask_for_held_documents=0.2,
            county_repeats_check=0.0,
            ping_pong=0.04,
            rework=0.1,
            long_wait=0.03,
            label_variant=1,
            shows_de="E-Akte eingeführt, aber Bescheide werden ausgedruckt, unterschrieben und "
            "wieder eingescannt: viele Medienbrüche trotz E-Akte.",
            shows_en="E-file in place, but decisions are printed, signed and scanned back: "
            "many media breaks despite the e-file.",
        ),
        MunicipalityProfile(
            key="musterhausen",
            name="Musterhausen",
            code="MHS",
            kind_de="große kreisangehörige Stadt",
            kind_en="large town within a county",
            inhabitants=60_000,
            own_authority=True,
            county="Landkreis Musterkreis",
            county_code="LKM",
            online_share=0.7,
            efile_share=0.9,
            interface_share=0.05,
            electronic_notice_share=0.5,
            staffing=1.0,
            wait_factor=1.0,
            print_sign_scan=0.1,
            retype_portal_data=0.5,
            ask_for_held_documents=0.8,
            county_repeats_check=0.1,
            ping_pong=0.03,
            rework=0.1,
            long_wait=0.03,
            label_variant=2,
            shows_de="Online-Portal ohne Schnittstelle: Portaldaten werden abgetippt, und "
            "Nachweise, die andere Behörden haben, werden bei den Bürgern angefordert: "
            "die meisten Mehrfacherfassungen und Once-Only-Verstöße.",
            shows_en="Online portal without an interface: portal data are re-typed and "
            "documents other authorities hold are requested from citizens: the most manual "
            "re-entries and once-only violations.",
        ),
        MunicipalityProfile(
            key="mustertal",
            name="Mustertal",
            code="MTL",
            kind_de="große kreisangehörige Stadt",
            kind_en="large town within a county",
            inhabitants=35_000,
            own_authority=True,
            county="Landkreis Musterkreis",
            county_code="LKM",
            online_share=0.45,
            efile_share=0.8,
            interface_share=0.5,
            electronic_notice_share=0.4,
            staffing=0.55,
            wait_factor=2.2,
            print_sign_scan=0.2,
            retype_portal_data=0.1,
            ask_for_held_documents=0.3,
            county_repeats_check=0.1,
            ping_pong=0.05,
            rework=0.4,
            long_wait=0.35,
            label_variant=0,
            shows_de="Unterbesetzt: lange Liegezeiten und viele Nacharbeitsschleifen; die "
            "längsten Durchlaufzeiten.",
            shows_en="Understaffed: long waits and many rework loops; the longest throughput "
            "times.",
        ),
        MunicipalityProfile(
            key="beispielheim",
            name="Beispielheim",
            code="BHM",
            kind_de="kreisangehörige Kleinstadt",
            kind_en="small town within a county",
            inhabitants=18_000,
            own_authority=False,
            county="Landkreis Beispielkreis",
            county_code="LKB",
            online_share=0.35,
            efile_share=0.6,
            interface_share=0.3,
            electronic_notice_share=0.3,
            staffing=1.0,
            wait_factor=1.2,
            print_sign_scan=0.3,
            retype_portal_data=0.1,
            ask_for_held_documents=0.3,
            county_repeats_check=0.8,
            ping_pong=0.3,
            rework=0.12,
            long_wait=0.06,
            label_variant=1,
            shows_de="Zwei Ebenen für einen Fall: die Gemeinde nimmt an, der Kreis entscheidet; "
            "der Kreis prüft noch einmal, was die Gemeinde geprüft hat, und schickt Anträge "
            "zurück: die meisten Doppelzuständigkeiten und Ping-Pong-Fälle.",
            shows_en="Two levels for one case: the town accepts, the county decides; the county "
            "repeats the town's checks and sends applications back: the most duplicate "
            "responsibilities and ping-pong.",
        ),
        MunicipalityProfile(
            key="musterdorf",
            name="Musterdorf",
            code="MDF",
            kind_de="kreisangehörige Gemeinde",
            kind_en="small municipality within a county",
            inhabitants=8_000,
            own_authority=False,
            county="Landkreis Beispielkreis",
            county_code="LKB",
            online_share=0.1,
            efile_share=0.05,
            interface_share=0.05,
            electronic_notice_share=0.0,
            staffing=1.0,
            wait_factor=1.3,
            print_sign_scan=0.0,
            retype_portal_data=0.0,
            ask_for_held_documents=0.5,
            county_repeats_check=0.4,
            ping_pong=0.1,
            rework=0.15,
            long_wait=0.08,
            label_variant=2,
            shows_de="Papier von Anfang bis Ende: die meisten Medienbrüche je Fall.",
            shows_en="Paper from start to finish: the most media breaks per case.",
        ),
    )
}


def profile_named(key_or_name: str) -> MunicipalityProfile:
    """The profile with this key or name (case-insensitive); KeyError if none."""
    wanted = key_or_name.strip().lower()
    for p in PROFILES.values():
        if wanted in (p.key, p.name.lower(), p.code.lower()):
            return p
    raise KeyError(key_or_name)
