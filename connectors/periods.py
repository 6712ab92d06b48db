"""The user's periods file (``--periods``): whose wait a long wait is, checked up front.

A TOML file names, by the activity labels of the log, the steps that start a statutory
period (with its length in days), the citizen's turn or another body's turn, and the
citizen's own steps (which end their turn); per service over the general part. Every key is
checked before any work starts; a typo fails with the line, the key and the closest key::

    [statutory]                         # activity = days of the legal period it starts
    "Bescheid zugestellt" = 42          # six-week objection period
    [citizen]
    starts = ["Anhörung versandt"]      # the office now waits for the applicant
    steps = ["Stellungnahme Antragsteller"]  # the applicant's own steps (besides the lexicon's)
    [third_party]
    starts = ["Akte an Verwaltungsgericht"]  # another body has the case until the next step

    [services."Wohngeld".statutory]     # a service's own periods, over the general ones
    "Bescheid zugestellt" = 30

Read into :class:`analyzer.wait_kinds.Periods`; pass it to the ``long_waits`` detector:
``run_detectors(log, options={"long_waits": {"periods": read_periods(path)}})``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.wait_kinds import Periods, ServicePeriods
from connectors.toml_files import TomlChecker, TomlFile, read_toml

CODE = "periods"
PART_KEYS = ("statutory", "citizen", "third_party")
TOP_KEYS = (*PART_KEYS, "services")
CITIZEN_KEYS = ("starts", "steps")
THIRD_PARTY_KEYS = ("starts",)


def read_periods(path: str | Path) -> Periods:
    """The periods in the TOML file ``path``, checked completely (InputError)."""
    file = read_toml(
        path,
        code=CODE,
        what_de="Fristen-Datei",
        what_en="periods file",
        example='"Bescheid zugestellt" = 42',
    )
    return periods_from_file(file)


def periods_from_file(file: TomlFile) -> Periods:
    check = TomlChecker(file, code=CODE)
    data = file.data
    for key in data:
        if key not in TOP_KEYS:
            check.unknown(key, TOP_KEYS, at=key)
    general = _part(check, data, at="")
    services: dict[str, ServicePeriods] = {}
    for service, part in check.table(data.get("services", {}), at="services").items():
        at = f"services.{service}"
        table = check.table(part, at=at)
        for key in table:
            if key not in PART_KEYS:
                check.unknown(key, PART_KEYS, at=f"{at}.{key}", section=at)
        services[service] = _part(check, table, at=at)
    check.raise_if_any()
    return Periods(all_services=general, services=services, source=file.path)


def _part(check: TomlChecker, data: dict[str, Any], *, at: str) -> ServicePeriods:
    """The statutory, citizen and third-party sections of ``data`` (the file or a service)."""
    prefix = f"{at}." if at else ""
    statutory: dict[str, float] = {}
    section = f"{prefix}statutory"
    for activity, value in check.table(data.get("statutory", {}), at=section).items():
        where = f"{section}.{activity}"
        days = check.number(value, at=where)
        if days is None:
            continue
        if days <= 0:
            check.bad(
                "days_not_positive",
                "eine Frist muss länger als 0 Tage sein",
                "a period must be longer than 0 days",
                at=where,
                value=value,
            )
            continue
        statutory[activity] = float(days)
    citizen = _lists(check, data, "citizen", CITIZEN_KEYS, prefix=prefix)
    third = _lists(check, data, "third_party", THIRD_PARTY_KEYS, prefix=prefix)
    return ServicePeriods(
        statutory=statutory,
        citizen_starts=citizen.get("starts", frozenset()),
        citizen_steps=citizen.get("steps", frozenset()),
        third_party_starts=third.get("starts", frozenset()),
    )


def _lists(
    check: TomlChecker, data: dict[str, Any], name: str, keys: tuple[str, ...], *, prefix: str
) -> dict[str, frozenset[str]]:
    """Section ``name`` of ``data``: each of ``keys`` a list of activity labels."""
    section = f"{prefix}{name}"
    found: dict[str, frozenset[str]] = {}
    for key, value in check.table(data.get(name, {}), at=section).items():
        where = f"{section}.{key}"
        if key not in keys:
            check.unknown(key, keys, at=where, section=section)
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            check.bad(
                "not_a_list",
                'muss eine Liste von Tätigkeiten sein, z. B. ["Anhörung versandt"]',
                'must be a list of activities, e.g. ["Anhörung versandt"]',
                at=where,
                value=value,
            )
            continue
        found[key] = frozenset(value)
    return found
