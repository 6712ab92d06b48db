"""The simulated services, by key: each service's process model is a module of its own
(:mod:`.wohngeld`, :mod:`.gewerbeanmeldung`, :mod:`.baugenehmigung`); what a service is made
of (slots, units, actors, the held documents) is :mod:`connectors.simulator.service_model`."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.simulator.service_model import (
    CITIZEN_RESOURCE,
    HELD_DOCUMENTS,
    SYSTEM_RESOURCE,
    Actor,
    Service,
    Slot,
    Unit,
)
from connectors.simulator.services.baugenehmigung import BAUGENEHMIGUNG
from connectors.simulator.services.gewerbeanmeldung import GEWERBEANMELDUNG
from connectors.simulator.services.wohngeld import WOHNGELD

SERVICES: Mapping[str, Service] = {s.key: s for s in (WOHNGELD, GEWERBEANMELDUNG, BAUGENEHMIGUNG)}

__all__ = [
    "BAUGENEHMIGUNG",
    "CITIZEN_RESOURCE",
    "GEWERBEANMELDUNG",
    "HELD_DOCUMENTS",
    "SERVICES",
    "SYSTEM_RESOURCE",
    "WOHNGELD",
    "Actor",
    "Service",
    "Slot",
    "Unit",
]
