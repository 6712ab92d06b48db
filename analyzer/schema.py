"""The canonical Amtsweg event log: the one module that names columns.

Every connector renames its source columns to the names below at the boundary; every
analysis, report and figure refers to these constants and never to a literal column name.

Names follow the XES standard extensions where one exists (concept, time, organizational,
lifecycle, identity). The attributes this product exists for (org unit, government level,
medium, IT system, data fields, municipality, service) have no XES extension, so they use
the same ``prefix:name`` style: ``org:*`` for the organisation, ``event:*`` for what a step
is done with, ``case:*`` for attributes of the whole case (pm4py's convention for case
attributes in a flat table).

Columns not named here (e.g. ``case:channel`` or ``amount`` from a real export) are kept
unchanged as extra attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# --- XES standard attributes -------------------------------------------------------------
CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"
GROUP = "org:group"
ROLE = "org:role"
LIFECYCLE = "lifecycle:transition"
EVENT_ID = "identity:id"

# --- interval logs -------------------------------------------------------------------------
# pm4py's own name for the start of an activity instance whose complete time is TIMESTAMP.
START_TIMESTAMP = "start_timestamp"

# --- burden attributes (no XES extension exists) ---------------------------------------------
ORG_UNIT = "org:unit"
LEVEL = "org:level"
MEDIUM = "event:medium"
IT_SYSTEM = "event:system"
DATA_FIELDS = "event:data"
MUNICIPALITY = "case:municipality"
SERVICE = "case:service"
LEIKA = "case:leika"

# --- provenance ------------------------------------------------------------------------------
# 1-based row of the source (CSV/Excel line incl. header, XES event ordinal, SQL row ordinal),
# so an error or a finding can point a user back into the file they exported.
SOURCE_ROW = "source:row"

# --- object-centric event logs (OCEL 2.0) -----------------------------------------------------
# Columns of the OCEL tables (connectors.ocel.OcelLog), named as pm4py names them so the frames
# hand over to pm4py unchanged. A flattened OCEL log keeps OCEL_EVENT_ID (the event's own id;
# EVENT_ID is "<event id>:<object id>") and OCEL_QUALIFIER (what the case object is to the event).
OCEL_EVENT_ID = "ocel:eid"
OCEL_ACTIVITY = "ocel:activity"
OCEL_TIMESTAMP = "ocel:timestamp"
OCEL_OBJECT_ID = "ocel:oid"
OCEL_OBJECT_TYPE = "ocel:type"
OCEL_QUALIFIER = "ocel:qualifier"
OCEL_TARGET_OBJECT_ID = "ocel:oid_2"  # target of an object-to-object relation
OCEL_CHANGED_FIELD = "ocel:field"  # attribute an object attribute change sets

#: Prefix of case attributes in a flat table (pm4py's convention): ``case:<attribute>``.
CASE_ATTRIBUTE_PREFIX = "case:"

#: Separator of the items in DATA_FIELDS ("Name;Geburtsdatum;IBAN").
DATA_FIELDS_SEPARATOR = ";"

#: Time zone in which timestamps without an offset are read (German exports carry none).
DEFAULT_TIMEZONE = "Europe/Berlin"

#: Stored time zone of TIMESTAMP and START_TIMESTAMP.
STORAGE_TIMEZONE = "UTC"


class Level(StrEnum):
    """Government level of the unit that performs a step."""

    FEDERAL = "federal"
    STATE = "state"
    COUNTY = "county"
    MUNICIPALITY = "municipality"
    SOCIAL_INSURANCE = "social_insurance"
    OTHER = "other"


class Medium(StrEnum):
    """Medium a step is carried out with (or the document it produces travels on)."""

    PAPER = "paper"
    POST = "post"
    FAX = "fax"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"
    ONLINE = "online"
    EFILE = "efile"


class MediumClass(StrEnum):
    DIGITAL = "digital"
    ANALOGUE = "analogue"


#: Default taxonomy; detectors take it as a keyword option so users can override it.
#: E-mail counts as digital: the data arrive in machine-readable form even if unstructured.
DEFAULT_MEDIUM_CLASSES: dict[str, MediumClass] = {
    Medium.ONLINE: MediumClass.DIGITAL,
    Medium.EFILE: MediumClass.DIGITAL,
    Medium.EMAIL: MediumClass.DIGITAL,
    Medium.PAPER: MediumClass.ANALOGUE,
    Medium.POST: MediumClass.ANALOGUE,
    Medium.FAX: MediumClass.ANALOGUE,
    Medium.PHONE: MediumClass.ANALOGUE,
    Medium.IN_PERSON: MediumClass.ANALOGUE,
}


class Kind(StrEnum):
    """Logical type of a canonical column (backend-neutral)."""

    STRING = "string"
    DATETIME = "datetime"
    INTEGER = "integer"


@dataclass(frozen=True)
class Field:
    """One canonical column.

    ``key`` is the short name users write in mapping files and options (``case``,
    ``activity``, ``medium``); ``column`` is the name in the canonical frame.
    ``headers`` are source header names (lower-case, German first) that a mapping proposal
    recognises. ``limits_de``/``limits_en`` say what analysis a missing optional column limits.
    """

    key: str
    column: str
    kind: Kind
    required: bool
    label_de: str
    label_en: str
    headers: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    limits_de: str = ""
    limits_en: str = ""
    case_level: bool = False
    extra: dict[str, str] = field(default_factory=dict)


FIELDS: tuple[Field, ...] = (
    Field(
        "case",
        CASE,
        Kind.STRING,
        True,
        "Vorgang (Fall-ID)",
        "case id",
        headers=(
            "aktenzeichen",
            "az",
            "vorgangsnummer",
            "vorgangs-id",
            "vorgang",
            "vorgangsnr",
            "fallnummer",
            "fall",
            "fall-id",
            "antragsnummer",
            "antrags-id",
            "antrag",
            "geschäftszeichen",
            "case",
            "case id",
            "case_id",
            "caseid",
            "case:concept:name",
        ),
        case_level=True,
    ),
    Field(
        "activity",
        ACTIVITY,
        Kind.STRING,
        True,
        "Tätigkeit",
        "activity",
        headers=(
            "tätigkeit",
            "taetigkeit",
            "aktivität",
            "aktivitaet",
            "arbeitsschritt",
            "schritt",
            "bearbeitungsschritt",
            "aktion",
            "vorgangsschritt",
            "ereignis",
            "activity",
            "task",
            "event",
            "concept:name",
        ),
    ),
    Field(
        "timestamp",
        TIMESTAMP,
        Kind.DATETIME,
        True,
        "Zeitpunkt",
        "timestamp",
        headers=(
            "zeitpunkt",
            "zeitstempel",
            "datum",
            "datum/uhrzeit",
            "erledigt am",
            "ende",
            "endzeit",
            "abgeschlossen am",
            "timestamp",
            "time",
            "end",
            "complete timestamp",
            "time:timestamp",
        ),
    ),
    Field(
        "start_timestamp",
        START_TIMESTAMP,
        Kind.DATETIME,
        False,
        "Beginn",
        "start time",
        headers=(
            "beginn",
            "start",
            "startzeit",
            "begonnen am",
            "start timestamp",
            "start_timestamp",
        ),
        limits_de="keine Startzeiten: Bearbeitungszeiten werden aus der Zeitwerttabelle statt "
        "aus dem Protokoll geschätzt",
        limits_en="no start times: processing times are estimated from the standard time "
        "table instead of the log",
    ),
    Field(
        "resource",
        RESOURCE,
        Kind.STRING,
        False,
        "Sachbearbeiter/in",
        "resource",
        headers=(
            "sachbearbeiter",
            "sachbearbeiterin",
            "bearbeiter",
            "bearbeiterin",
            "benutzer",
            "mitarbeiter",
            "kennung",
            "resource",
            "user",
            "org:resource",
        ),
        limits_de="keine Bearbeiter: Übergaben werden nur zwischen Ämtern erkannt",
        limits_en="no resources: hand-overs are detected between units only",
    ),
    Field(
        "group",
        GROUP,
        Kind.STRING,
        False,
        "Gruppe",
        "group",
        headers=("gruppe", "team", "sachgebiet", "group", "org:group"),
    ),
    Field(
        "role",
        ROLE,
        Kind.STRING,
        False,
        "Rolle",
        "role",
        headers=("rolle", "funktion", "role", "org:role"),
    ),
    Field(
        "lifecycle",
        LIFECYCLE,
        Kind.STRING,
        False,
        "Status (Lebenszyklus)",
        "lifecycle",
        headers=("lifecycle", "status", "lifecycle:transition"),
    ),
    Field(
        "event_id",
        EVENT_ID,
        Kind.STRING,
        False,
        "Ereignis-ID",
        "event id",
        headers=("ereignis-id", "ereignisnummer", "event id", "event_id", "identity:id"),
    ),
    Field(
        "org_unit",
        ORG_UNIT,
        Kind.STRING,
        False,
        "Amt / Organisationseinheit",
        "authority / org unit",
        headers=(
            "amt",
            "behörde",
            "behoerde",
            "dienststelle",
            "organisationseinheit",
            "oe",
            "stelle",
            "fachbereich",
            "abteilung",
            "zuständigkeit",
            "authority",
            "org unit",
            "department",
            "org:unit",
        ),
        limits_de="keine Organisationseinheit: Übergaben und Liegezeiten je Amt entfallen",
        limits_en="no org unit: hand-overs and waiting times per unit are not available",
    ),
    Field(
        "level",
        LEVEL,
        Kind.STRING,
        False,
        "Verwaltungsebene",
        "government level",
        headers=(
            "ebene",
            "verwaltungsebene",
            "gebietskörperschaft",
            "level",
            "government level",
            "org:level",
        ),
        allowed=tuple(Level),
        limits_de="keine Verwaltungsebene: Doppelzuständigkeiten zwischen Ebenen werden "
        "nicht erkannt",
        limits_en="no government level: duplicate responsibilities across levels are not detected",
    ),
    Field(
        "medium",
        MEDIUM,
        Kind.STRING,
        False,
        "Medium / Kanal",
        "medium",
        headers=(
            "kanal",
            "medium",
            "eingangskanal",
            "übermittlungsweg",
            "uebermittlungsweg",
            "zugangsweg",
            "form",
            "channel",
            "event:medium",
        ),
        allowed=tuple(Medium),
        limits_de="keine Medium-Spalte: Medienbrüche werden aus den Tätigkeitsnamen abgeleitet",
        limits_en="no medium column: media breaks will be inferred from activity names",
    ),
    Field(
        "it_system",
        IT_SYSTEM,
        Kind.STRING,
        False,
        "IT-System / Fachverfahren",
        "IT system",
        headers=(
            "fachverfahren",
            "it-system",
            "system",
            "verfahren",
            "anwendung",
            "it system",
            "application",
            "event:system",
        ),
        limits_de="kein IT-System: Übergaben zwischen Systemen ohne Schnittstelle werden "
        "nicht erkannt",
        limits_en="no IT system: hand-overs between systems without an interface are not detected",
    ),
    Field(
        "data_fields",
        DATA_FIELDS,
        Kind.STRING,
        False,
        "erfasste Datenfelder",
        "data fields written",
        headers=(
            "datenfelder",
            "felder",
            "erfasste daten",
            "daten",
            "dokument",
            "data fields",
            "fields",
            "event:data",
        ),
        limits_de="keine Datenfelder: Mehrfacherfassung wird nur aus Tätigkeitsnamen erkannt",
        limits_en="no data fields: manual re-entry is detected from activity names only",
    ),
    Field(
        "municipality",
        MUNICIPALITY,
        Kind.STRING,
        False,
        "Kommune",
        "municipality",
        headers=(
            "kommune",
            "gemeinde",
            "stadt",
            "landkreis",
            "gebietskörperschaft",
            "ags",
            "municipality",
            "case:municipality",
        ),
        case_level=True,
    ),
    Field(
        "service",
        SERVICE,
        Kind.STRING,
        False,
        "Verwaltungsleistung",
        "service",
        headers=(
            "leistung",
            "verwaltungsleistung",
            "verfahrensart",
            "dienstleistung",
            "service",
            "case:service",
        ),
        case_level=True,
    ),
    Field(
        "leika",
        LEIKA,
        Kind.STRING,
        False,
        "LeiKa-Schlüssel",
        "LeiKa key",
        headers=(
            "leika",
            "leika-schlüssel",
            "leika-schluessel",
            "leistungsschlüssel",
            "case:leika",
        ),
        case_level=True,
    ),
    Field(
        "source_row",
        SOURCE_ROW,
        Kind.INTEGER,
        False,
        "Zeile der Quelle",
        "source row",
    ),
)

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
FIELDS_BY_COLUMN: dict[str, Field] = {f.column: f for f in FIELDS}
REQUIRED_COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS if f.required)
CANONICAL_COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS)
DATETIME_COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS if f.kind is Kind.DATETIME)
#: Optional attributes whose absence limits an analysis (warned about on import).
ANALYSIS_ATTRIBUTES: tuple[str, ...] = tuple(f.column for f in FIELDS if f.limits_en)


def field_for(key_or_column: str) -> Field:
    """The field named by its short key (``medium``) or canonical column (``event:medium``)."""
    found = FIELDS_BY_KEY.get(key_or_column) or FIELDS_BY_COLUMN.get(key_or_column)
    if found is None:
        raise KeyError(key_or_column)
    return found


# --- ground truth and findings -----------------------------------------------------------------


class Burden(StrEnum):
    """Kinds of burden the simulator injects and the detectors find."""

    MEDIA_BREAK = "media_break"
    MANUAL_REENTRY = "manual_reentry"
    ONCE_ONLY = "once_only"
    DUPLICATE_RESPONSIBILITY = "duplicate_responsibility"
    PING_PONG = "ping_pong"
    REWORK = "rework"
    LONG_WAIT = "long_wait"
    HANDOVER = "handover"


class WaitKind(StrEnum):
    """Whose wait a long wait is (FINDING_WAIT_KIND, analyzer.wait_kinds)."""

    OFFICE = "office"  # the case lay with the administration
    CITIZEN = "citizen"  # the office waited for the applicant's next step
    STATUTORY = "statutory"  # a legal period ran (objection, payment, publication)
    THIRD_PARTY = "third_party"  # another body had the case (statement, appeal, court)


# Ground-truth labels written by the simulator, one row per injected burden instance.
# ANCHOR convention shared by labels and findings, so precision/recall compare like with like:
#   media_break              the first event on the new medium (the scan after the print)
#   manual_reentry           the capture step that re-enters data already captured
#   once_only                the request to the citizen for a document another body holds
#   duplicate_responsibility the repeated check at the second level
#   ping_pong                the event where the case returns to the level it left (A->B->A)
#   rework                   the repeated occurrence of a step
#   long_wait                the event that ends the wait
#   handover                 the first event at the receiving unit
LABEL_BURDEN_ID = "burden:id"
LABEL_BURDEN = "burden:kind"
LABEL_EVENT_ID = EVENT_ID  # anchor event
LABEL_RELATED_EVENT_ID = "burden:related_id"  # the earlier event it refers to, if any
LABEL_DETAIL = "burden:detail"
LABEL_COLUMNS: tuple[str, ...] = (
    LABEL_BURDEN_ID,
    LABEL_BURDEN,
    MUNICIPALITY,
    SERVICE,
    CASE,
    LABEL_EVENT_ID,
    LABEL_RELATED_EVENT_ID,
    LABEL_DETAIL,
)

# Findings table: one row per finding of one detector.
FINDING_DETECTOR = "finding:detector"
FINDING_BURDEN = "finding:kind"  # a Burden value
FINDING_RULE = "finding:rule"
FINDING_SEVERITY = "finding:severity"  # "low" | "medium" | "high"
FINDING_EVENT_ID = EVENT_ID  # anchor event (see convention above)
FINDING_EVENT_IDS = "finding:event_ids"  # all events of the evidence, DATA_FIELDS_SEPARATOR-joined
FINDING_MINUTES_LOST = "finding:minutes_lost"
FINDING_EVIDENCE = "finding:evidence"  # one sentence, German
FINDING_EVIDENCE_EN = "finding:evidence_en"
FINDING_INFERRED = "finding:inferred"  # True when an attribute was inferred (e.g. medium)
# Long waits only (null for other findings): whose wait it is (a WaitKind value) and the
# whole wait in days; FINDING_MINUTES_LOST of a wait is the office's part of it.
FINDING_WAIT_KIND = "finding:wait_kind"
FINDING_WAIT_DAYS = "finding:wait_days"
FINDING_COLUMNS: tuple[str, ...] = (
    FINDING_DETECTOR,
    FINDING_BURDEN,
    FINDING_RULE,
    FINDING_SEVERITY,
    MUNICIPALITY,
    SERVICE,
    CASE,
    FINDING_EVENT_ID,
    FINDING_EVENT_IDS,
    ACTIVITY,
    ORG_UNIT,
    LEVEL,
    FINDING_MINUTES_LOST,
    FINDING_EVIDENCE,
    FINDING_EVIDENCE_EN,
    FINDING_INFERRED,
    FINDING_WAIT_KIND,
    FINDING_WAIT_DAYS,
)
#: Findings columns holding numbers (float64; null where a detector has none).
FINDING_NUMBER_COLUMNS: tuple[str, ...] = (FINDING_MINUTES_LOST, FINDING_WAIT_DAYS)
#: Findings columns whose values repeat (a million findings of one detector repeat a few
#: hundred sentences): pandas categoricals with sorted categories; the other text columns
#: (case and event ids) are plain text.
FINDING_LABEL_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in FINDING_COLUMNS
    if c
    not in (CASE, FINDING_EVENT_ID, FINDING_EVENT_IDS, FINDING_INFERRED, *FINDING_NUMBER_COLUMNS)
)

# --- harmonised steps, costs and comparisons ---------------------------------------------------
# (analyzer.harmonisation, analyzer.cost_model, analyzer.comparison)

#: The reference step an activity label is mapped to (a step id of a reference catalogue,
#: analyzer/data/reference_steps), added by harmonisation.apply_step_mapping.
STEP = "concept:step"

# Step-mapping suggestions and unmapped labels (harmonisation).
MAPPING_LABEL = "mapping:label"  # the municipality's own activity label
MAPPING_NORMALISED = "mapping:normalised"  # the label as compared (umlauts, abbreviations)
MAPPING_RANK = "mapping:rank"  # 1 = best suggestion for the label
MAPPING_STEP_NAME = "mapping:step_name"  # German name of the suggested step
MAPPING_SCORE = "mapping:score"  # 0..100 similarity
MAPPING_EVENTS = "mapping:events"  # events carrying the label

# Standard Cost Model results (cost_model). Every cost frame carries COST_EDITION: the edition
# of the Destatis tables (and any user overrides) the figures were computed with.
COST_EDITION = "cost:edition"
COST_TIME_SOURCE = "cost:time_source"  # "fixed" | "log" | "table" | "missing"
COST_STANDARD_ACTIVITY = "cost:standard_activity"  # Zeitwerttabelle activity id
COST_COMPLEXITY = "cost:complexity"  # "einfach" | "mittel" | "hoch"
COST_CAREER = "cost:career"  # Laufbahngruppe of the hourly rate
COST_EVENTS = "cost:events"  # occurrences priced (lifecycle "start" events excluded)
COST_MEASURED = "cost:measured"  # occurrences with a duration measured in the log
COST_MINUTES = "cost:minutes"  # minutes per occurrence
COST_UNPRICED_EVENTS = "cost:unpriced_events"  # occurrences without any time
COST_ACTIVITIES = "cost:activities"  # distinct activities (labels or steps) of the group
COST_ACTIVITIES_PRICED = "cost:activities_priced"  # of those, activities with a time
COST_UNPRICED_ACTIVITIES = "cost:unpriced_activities"  # "; "-joined, most occurrences first
COST_BASIS = "cost:basis"  # time sources of the priced occurrences, "+"-joined: "log+table"
COST_NOTE = "cost:note"  # the basis, or why the cost is missing and how to price it (German)
COST_NOTE_EN = "cost:note_en"
COST_PRICED_BY = "cost:priced_by"  # "step" (harmonised step) | "label" (own activity label)
COST_CASES = "cost:cases"
COST_HOURS = "cost:hours"
COST_EUROS = "cost:euros"
COST_HOURS_PER_CASE = "cost:hours_per_case"
COST_EUROS_PER_CASE = "cost:euros_per_case"
COST_CASES_PER_YEAR = "cost:cases_per_year"
COST_CASES_PER_YEAR_SOURCE = "cost:cases_per_year_source"  # "given" | "log"
COST_HOURS_PER_YEAR = "cost:hours_per_year"
COST_EUROS_PER_YEAR = "cost:euros_per_year"
COST_PERSON_YEARS = "cost:person_years"  # hours per year / hours of one person-year
COST_FINDINGS = "cost:findings"  # findings of a burden kind in the log
COST_FINDINGS_PER_1000 = "cost:findings_per_1000_cases"
COST_MINUTES_PER_FINDING = "cost:minutes_per_finding"
COST_OCCURRENCES_PER_YEAR = "cost:occurrences_per_year"
COST_CITIZEN_HOURS_PER_YEAR = "cost:citizen_hours_per_year"
COST_CITIZEN_EUROS_PER_YEAR = "cost:citizen_euros_per_year"
COST_WAITING_HOURS_PER_YEAR = "cost:waiting_hours_per_year"  # citizens' waiting, not work
COST_IDLE_DAYS_PER_YEAR = "cost:idle_days_per_year"  # days cases lay idle: never work or euros
COST_FINDINGS_PRICED_ELSEWHERE = "cost:findings_priced_elsewhere"  # instance owned elsewhere
COST_DETECTORS = "cost:detectors"  # detectors whose findings a cost row prices
COST_SAVINGS_HOURS_PER_YEAR = "cost:savings_hours_per_year"
COST_SAVINGS_EUROS_PER_YEAR = "cost:savings_euros_per_year"

# The citizen's side (cost_model.citizen_burden).
CITIZEN_TRIPS_PER_CASE = "citizen:trips_per_case"
CITIZEN_TRAVEL_HOURS_PER_CASE = "citizen:travel_hours_per_case"
CITIZEN_TRAVEL_EUROS_PER_CASE = "citizen:travel_euros_per_case"
CITIZEN_RESUBMISSIONS_PER_CASE = "citizen:resubmissions_per_case"
CITIZEN_RESUBMISSION_HOURS_PER_CASE = "citizen:resubmission_hours_per_case"
CITIZEN_WAITING_DAYS_MEDIAN = "citizen:waiting_days_median"
CITIZEN_HOURS_PER_CASE = "citizen:hours_per_case"
CITIZEN_EUROS_PER_CASE = "citizen:euros_per_case"
CITIZEN_HOURS_PER_YEAR = "citizen:hours_per_year"
CITIZEN_EUROS_PER_YEAR = "citizen:euros_per_year"

# Benchmark KPIs, one row per municipality and service (comparison.kpi_table).
KPI_CASES = "kpi:cases"
KPI_OPEN_CASES = "kpi:open_cases"  # cases without an end event: not in throughput times
KPI_THROUGHPUT_MEDIAN_DAYS = "kpi:throughput_median_days"
KPI_THROUGHPUT_P90_DAYS = "kpi:throughput_p90_days"
KPI_EUROS_PER_CASE = "kpi:euros_per_case"
KPI_MEDIA_BREAKS_PER_1000 = "kpi:media_breaks_per_1000_cases"  # changes of medium class
KPI_REENTRIES_PER_1000 = "kpi:reentries_per_1000_cases"
KPI_ONCE_ONLY_PER_1000 = "kpi:once_only_per_1000_cases"  # once-only violations
KPI_DUPLICATES_PER_1000 = "kpi:duplicates_per_1000_cases"  # duplicate responsibilities
KPI_PING_PONG_PER_1000 = "kpi:ping_pong_per_1000_cases"
KPI_LEVELS_PER_CASE = "kpi:levels_per_case"
KPI_UNITS_PER_CASE = "kpi:units_per_case"
KPI_REWORK_RATE = "kpi:rework_rate"  # share of cases with a step done more than once
KPI_VARIANTS = "kpi:variants"
KPI_VARIANTS_PER_1000 = "kpi:variants_per_1000_cases"
KPI_ONLINE_INTAKE_SHARE = "kpi:online_intake_share"  # share of cases whose first event is online
KPI_FITNESS = "kpi:fitness"  # fitness against the reference process (0..1)
KPI_PEER_GROUP = "kpi:peer_group"
KPI_SIZE = "kpi:size"  # the size the peer group is formed by (e.g. inhabitants)

# Rankings (comparison.rank_within_peers): one row per municipality, service and KPI.
RANK_KPI = "rank:kpi"  # the KPI column ranked
RANK_KPI_NAME = "rank:kpi_name"  # its German name, for people reading the table
RANK_VALUE = "rank:value"
RANK = "rank:rank"  # 1 = best within the peer group
RANK_PEERS = "rank:peers"  # municipalities ranked in the peer group
RANK_BEST_VALUE = "rank:best_value"
RANK_BEST_MUNICIPALITY = "rank:best_municipality"
RANK_SCORE = "rank:score"  # mean rank over the KPIs (overall ranking)

# Directly-follows edges and variants compared between municipalities (comparison).
EDGE_SOURCE = "edge:source"  # START_STEP for the first step of a case
EDGE_TARGET = "edge:target"  # END_STEP after the last step of a case
EDGE_COUNT = "edge:count"  # times the edge occurs
EDGE_PER_1000 = "edge:per_1000_cases"
VARIANT_TRACE = "variant:trace"  # steps of the variant joined by VARIANT_SEPARATOR
VARIANT_CASES = "variant:cases"
VARIANT_SHARE = "variant:share"
DIFF_SIDE = "diff:side"  # "only_a" | "only_b" | "both"
DIFF_A = "diff:a"  # value (per 1,000 cases or share) in the first municipality
DIFF_B = "diff:b"
DIFF_DELTA = "diff:delta"  # DIFF_A - DIFF_B
DIFF_TEXT = "diff:text"  # a sentence on what differs from the best peer (German)
DIFF_TEXT_EN = "diff:text_en"

#: Artificial start and end steps of directly-follows edges; separator of variant traces.
START_STEP = "▶"
END_STEP = "■"
VARIANT_SEPARATOR = " → "

# --- process maps and KPI tables (results of analyzer.process_map and analyzer.kpis) ----------
# A map edge goes from MAP_SOURCE to MAP_TARGET: two activities in the directly-follows graph,
# two org units in the hand-over table. Waits are minutes between the two events' TIMESTAMPs.
MAP_SOURCE = "map:source"
MAP_TARGET = "map:target"
MAP_FREQUENCY = "map:frequency"  # occurrences (edges, events, waits)
MAP_CASES = "map:cases"  # distinct cases
MAP_WAIT_MEDIAN = "map:wait_median_min"
MAP_WAIT_MEAN = "map:wait_mean_min"
MAP_WAIT_P90 = "map:wait_p90_min"
MAP_WAIT_TOTAL = "map:wait_total_min"

# Variants: one row per distinct activity sequence, most frequent first (with VARIANT_CASES,
# VARIANT_SHARE above).
VARIANT_RANK = "variant:rank"  # 1 = most frequent
VARIANT_ACTIVITIES = "variant:activities"  # tuple of activity names
VARIANT_LENGTH = "variant:length"
VARIANT_COVERAGE = "variant:coverage"  # cumulative share up to and including this variant
VARIANT_EXAMPLE_CASE = "variant:example_case"
VARIANT_DURATION_MEDIAN = "variant:duration_median_min"  # case throughput time

# Per-case KPIs.
KPI_EVENTS = "kpi:events"
KPI_LEVELS = "kpi:levels"  # distinct government levels a case passes through
KPI_UNITS = "kpi:units"  # distinct org units (authorities)
KPI_LEVEL_CHANGES = "kpi:level_changes"  # hand-overs between levels (known levels only)

# Precision and recall of findings against ground-truth labels (analyzer.scoring).
SCORE_FINDINGS = "score:findings"  # anchors found (distinct burden kind, case, event)
SCORE_LABELS = "score:labels"  # anchors labelled
SCORE_TRUE_POSITIVES = "score:true_positives"
SCORE_PRECISION = "score:precision"  # true positives / findings (NaN without findings)
SCORE_RECALL = "score:recall"  # true positives / labels (NaN without labels)
