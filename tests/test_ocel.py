"""OCEL 2.0: reading JSON, XML and SQLite (plain and gzip), flattening, references, writing."""

from __future__ import annotations

import copy
import gzip
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analyzer import schema
from analyzer.problems import InputError, Severity
from connectors.mapping import mapping_from_dict
from connectors.ocel import (
    OcelLog,
    flatten_ocel,
    read_ocel,
    read_ocel_log,
    write_ocel,
)

# --- one tiny log, hand-written in all three serialisations -----------------------------------
# Times are given with and without offset; naive ones are Berlin wall-clock (CET = UTC+1).
# e3 concerns both applications (A1, A2): it appears in both cases of a flattening to "Antrag".
# A1's status changes to "geprüft" at e3's own time; e4 relates to A1 twice (two qualifiers).

TINY = {
    "objectTypes": [
        {
            "name": "Antrag",
            "attributes": [
                {"name": "status", "type": "string"},
                {"name": "betrag", "type": "integer"},
            ],
        },
        {"name": "Bescheid", "attributes": []},
    ],
    "eventTypes": [
        {"name": "Antrag stellen", "attributes": [{"name": "kanal", "type": "string"}]},
        {
            "name": "Antrag prüfen",
            "attributes": [
                {"name": "org:resource", "type": "string"},
                {"name": "dauer_min", "type": "integer"},
            ],
        },
        {"name": "Bescheid senden", "attributes": [{"name": "porto", "type": "float"}]},
    ],
    "objects": [
        {
            "id": "A1",
            "type": "Antrag",
            "attributes": [
                {"name": "status", "time": "1970-01-01T00:00:00Z", "value": "neu"},
                {"name": "betrag", "time": "1970-01-01T00:00:00Z", "value": 120},
                {"name": "status", "time": "2026-11-24T08:00:00Z", "value": "geprüft"},
            ],
        },
        {
            "id": "A2",
            "type": "Antrag",
            "attributes": [
                {"name": "status", "time": "1970-01-01T00:00:00Z", "value": "neu"},
                {"name": "betrag", "time": "1970-01-01T00:00:00Z", "value": 80},
            ],
        },
        {
            "id": "B1",
            "type": "Bescheid",
            "relationships": [{"objectId": "A1", "qualifier": "zu Antrag"}],
        },
    ],
    "events": [
        {
            "id": "e1",
            "type": "Antrag stellen",
            "time": "2026-11-23T09:00:00",
            "attributes": [{"name": "kanal", "value": "Online-Portal"}],
            "relationships": [{"objectId": "A1", "qualifier": "gestellt"}],
        },
        {
            "id": "e2",
            "type": "Antrag stellen",
            "time": "2026-11-23T10:30:00+01:00",
            "attributes": [{"name": "kanal", "value": "Brief"}],
            "relationships": [{"objectId": "A2", "qualifier": "gestellt"}],
        },
        {
            "id": "e3",
            "type": "Antrag prüfen",
            "time": "2026-11-24T08:00:00Z",
            "attributes": [
                {"name": "org:resource", "value": "Frau K."},
                {"name": "dauer_min", "value": 15},
            ],
            "relationships": [
                {"objectId": "A1", "qualifier": "geprüft"},
                {"objectId": "A2", "qualifier": "geprüft"},
            ],
        },
        {
            "id": "e4",
            "type": "Bescheid senden",
            "time": "2026-11-25T13:00:00+01:00",
            "attributes": [{"name": "porto", "value": 0.85}],
            "relationships": [
                {"objectId": "A1", "qualifier": "betrifft"},
                {"objectId": "A1", "qualifier": "Empfänger"},
                {"objectId": "B1", "qualifier": "erstellt"},
            ],
        },
    ],
}

TINY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<log>
  <object-types>
    <object-type name="Antrag">
      <attributes>
        <attribute name="status" type="string"/>
        <attribute name="betrag" type="integer"/>
      </attributes>
    </object-type>
    <object-type name="Bescheid"><attributes/></object-type>
  </object-types>
  <event-types>
    <event-type name="Antrag stellen">
      <attributes><attribute name="kanal" type="string"/></attributes>
    </event-type>
    <event-type name="Antrag prüfen">
      <attributes>
        <attribute name="org:resource" type="string"/>
        <attribute name="dauer_min" type="integer"/>
      </attributes>
    </event-type>
    <event-type name="Bescheid senden">
      <attributes><attribute name="porto" type="float"/></attributes>
    </event-type>
  </event-types>
  <objects>
    <object id="A1" type="Antrag">
      <attributes>
        <attribute name="status" time="1970-01-01T00:00:00Z">neu</attribute>
        <attribute name="betrag" time="1970-01-01T00:00:00Z">120</attribute>
        <attribute name="status" time="2026-11-24T09:00:00">geprüft</attribute>
      </attributes>
    </object>
    <object id="A2" type="Antrag">
      <attributes>
        <attribute name="status" time="1970-01-01T00:00:00Z">neu</attribute>
        <attribute name="betrag" time="1970-01-01T00:00:00Z">80</attribute>
      </attributes>
    </object>
    <object id="B1" type="Bescheid">
      <attributes/>
      <objects><relationship object-id="A1" qualifier="zu Antrag"/></objects>
    </object>
  </objects>
  <events>
    <event id="e1" type="Antrag stellen" time="2026-11-23T09:00:00">
      <attributes><attribute name="kanal">Online-Portal</attribute></attributes>
      <objects><relationship object-id="A1" qualifier="gestellt"/></objects>
    </event>
    <event id="e2" type="Antrag stellen" time="2026-11-23T10:30:00+01:00">
      <attributes><attribute name="kanal">Brief</attribute></attributes>
      <objects><relationship object-id="A2" qualifier="gestellt"/></objects>
    </event>
    <event id="e3" type="Antrag prüfen" time="2026-11-24T09:00:00">
      <attributes>
        <attribute name="org:resource">Frau K.</attribute>
        <attribute name="dauer_min">15</attribute>
      </attributes>
      <objects>
        <relationship object-id="A1" qualifier="geprüft"/>
        <relationship object-id="A2" qualifier="geprüft"/>
      </objects>
    </event>
    <event id="e4" type="Bescheid senden" time="2026-11-25T12:00:00Z">
      <attributes><attribute name="porto">0.85</attribute></attributes>
      <objects>
        <relationship object-id="A1" qualifier="betrifft"/>
        <relationship object-id="A1" qualifier="Empfänger"/>
        <relationship object-id="B1" qualifier="erstellt"/>
      </objects>
    </event>
  </events>
</log>
"""

TINY_SQL = """
CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
INSERT INTO event VALUES ('e1','Antrag stellen'), ('e2','Antrag stellen'),
  ('e3','Antrag prüfen'), ('e4','Bescheid senden');
CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
INSERT INTO event_map_type VALUES ('Antrag stellen','AntragStellen'),
  ('Antrag prüfen','AntragPruefen'), ('Bescheid senden','BescheidSenden');
CREATE TABLE event_AntragStellen (ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP, kanal TEXT);
INSERT INTO event_AntragStellen VALUES ('e1','2026-11-23 09:00:00','Online-Portal'),
  ('e2','2026-11-23 10:30:00+01:00','Brief');
CREATE TABLE event_AntragPruefen (ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP,
  "org:resource" TEXT, dauer_min INTEGER);
INSERT INTO event_AntragPruefen VALUES ('e3','2026-11-24 09:00:00','Frau K.',15);
CREATE TABLE event_BescheidSenden (ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP, porto REAL);
INSERT INTO event_BescheidSenden VALUES ('e4','2026-11-25 13:00:00',0.85);
CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
INSERT INTO object VALUES ('A1','Antrag'), ('A2','Antrag'), ('B1','Bescheid');
CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
INSERT INTO object_map_type VALUES ('Antrag','Antrag'), ('Bescheid','Bescheid');
CREATE TABLE object_Antrag (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT,
  status TEXT, betrag INTEGER);
INSERT INTO object_Antrag VALUES ('A1','1970-01-01 01:00:00',NULL,'neu',120),
  ('A2','1970-01-01 01:00:00',NULL,'neu',80),
  ('A1','2026-11-24 09:00:00','status','geprüft',NULL);
CREATE TABLE object_Bescheid (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT);
CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT);
INSERT INTO event_object VALUES ('e1','A1','gestellt'), ('e2','A2','gestellt'),
  ('e3','A1','geprüft'), ('e3','A2','geprüft'), ('e4','A1','betrifft'),
  ('e4','A1','Empfänger'), ('e4','B1','erstellt');
CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT);
INSERT INTO object_object VALUES ('B1','A1','zu Antrag');
"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def write_tiny(tmp_path: Path, kind: str, *, doc: dict | None = None, sql: str = "") -> Path:
    if kind == "json":
        path = tmp_path / "tiny.jsonocel"
        path.write_text(json.dumps(doc or TINY, ensure_ascii=False), encoding="utf-8")
    elif kind == "xml":
        path = tmp_path / "tiny.xmlocel"
        path.write_text(TINY_XML, encoding="utf-8")
    else:
        path = tmp_path / "tiny.sqlite"
        con = sqlite3.connect(path)
        con.executescript(TINY_SQL + sql)
        con.commit()
        con.close()
    return path


def gzipped(path: Path) -> Path:
    target = path.with_name(path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes()))
    return target


EXPECTED_EVENTS = pl.DataFrame(
    {
        schema.OCEL_EVENT_ID: ["e1", "e2", "e3", "e4"],
        schema.OCEL_ACTIVITY: [
            "Antrag stellen",
            "Antrag stellen",
            "Antrag prüfen",
            "Bescheid senden",
        ],
        schema.OCEL_TIMESTAMP: [
            utc(2026, 11, 23, 8),
            utc(2026, 11, 23, 9, 30),
            utc(2026, 11, 24, 8),
            utc(2026, 11, 25, 12),
        ],
        schema.SOURCE_ROW: [1, 2, 3, 4],
        "kanal": ["Online-Portal", "Brief", None, None],
        "org:resource": [None, None, "Frau K.", None],
        "dauer_min": [None, None, 15, None],
        "porto": [None, None, None, 0.85],
    },
    schema_overrides={
        schema.OCEL_TIMESTAMP: pl.Datetime("us", "UTC"),
        schema.SOURCE_ROW: pl.Int64,
        "dauer_min": pl.Int64,
    },
)

EXPECTED_FLAT = pl.DataFrame(
    {
        schema.CASE: ["A1", "A1", "A1", "A2", "A2"],
        schema.ACTIVITY: [
            "Antrag stellen",
            "Antrag prüfen",
            "Bescheid senden",
            "Antrag stellen",
            "Antrag prüfen",
        ],
        schema.TIMESTAMP: [
            utc(2026, 11, 23, 8),
            utc(2026, 11, 24, 8),
            utc(2026, 11, 25, 12),
            utc(2026, 11, 23, 9, 30),
            utc(2026, 11, 24, 8),
        ],
        schema.RESOURCE: [None, "Frau K.", None, None, "Frau K."],
        schema.EVENT_ID: ["e1:A1", "e3:A1", "e4:A1", "e2:A2", "e3:A2"],
        schema.SOURCE_ROW: [1, 3, 4, 2, 3],
        schema.OCEL_EVENT_ID: ["e1", "e3", "e4", "e2", "e3"],
        schema.OCEL_QUALIFIER: ["gestellt", "geprüft", "betrifft;Empfänger", "gestellt", "geprüft"],
        "kanal": ["Online-Portal", None, None, "Brief", None],
        "dauer_min": [None, 15, None, None, 15],
        "porto": [None, None, 0.85, None, None],
        "case:status": ["neu", "geprüft", "geprüft", "neu", "neu"],
        "case:betrag": [120, 120, 120, 80, 80],
    },
    schema_overrides={
        schema.TIMESTAMP: pl.Datetime("us", "UTC"),
        schema.RESOURCE: pl.String,
        schema.SOURCE_ROW: pl.Int64,
        "dauer_min": pl.Int64,
        "case:betrag": pl.Int64,
    },
)


# --- the tiny log ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "xml", "sqlite"])
@pytest.mark.parametrize("compress", [False, True])
def test_tiny_log_reads_the_same_from_every_serialisation(tmp_path, kind, compress):
    path = write_tiny(tmp_path, kind)
    if compress:
        path = gzipped(path)
    ocel = read_ocel(path)

    assert_frame_equal(ocel.events, EXPECTED_EVENTS)
    assert_frame_equal(
        ocel.objects,
        pl.DataFrame(
            {
                schema.OCEL_OBJECT_ID: ["A1", "A2", "B1"],
                schema.OCEL_OBJECT_TYPE: ["Antrag", "Antrag", "Bescheid"],
                "status": ["neu", "neu", None],
                "betrag": [120, 80, None],
            }
        ),
    )
    assert_frame_equal(
        ocel.object_changes,
        pl.DataFrame(
            {
                schema.OCEL_OBJECT_ID: ["A1"],
                schema.OCEL_CHANGED_FIELD: ["status"],
                schema.OCEL_TIMESTAMP: [utc(2026, 11, 24, 8)],
                "status": ["geprüft"],
            },
            schema_overrides={schema.OCEL_TIMESTAMP: pl.Datetime("us", "UTC")},
        ),
    )
    assert ocel.relations.rows() == [
        ("e1", "A1", "gestellt"),
        ("e2", "A2", "gestellt"),
        ("e3", "A1", "geprüft"),
        ("e3", "A2", "geprüft"),
        ("e4", "A1", "betrifft"),
        ("e4", "A1", "Empfänger"),
        ("e4", "B1", "erstellt"),
    ]
    assert ocel.o2o.rows() == [("B1", "A1", "zu Antrag")]
    assert ocel.object_counts() == {"Antrag": 2, "Bescheid": 1}
    assert ocel.event_types["Antrag prüfen"] == {"org:resource": "string", "dauer_min": "integer"}
    assert ocel.problems == ()
    assert ocel.details["compressed"] is compress


@pytest.mark.parametrize("kind", ["json", "xml", "sqlite"])
def test_tiny_log_flattened_to_applications(tmp_path, kind):
    log = read_ocel_log(write_tiny(tmp_path, kind), object_type="Antrag")

    assert_frame_equal(log.frame, EXPECTED_FLAT)
    assert log.rows_read == 5
    assert log.details["object_type"] == "Antrag"
    assert log.details["events_without_case"] == 0


def test_flattening_with_latest_object_attributes_or_none(tmp_path):
    ocel = read_ocel(write_tiny(tmp_path, "json"))

    latest = flatten_ocel(ocel, object_type="Antrag", object_attributes="latest").frame
    none = flatten_ocel(ocel, object_type="Antrag", object_attributes="none").frame

    assert latest["case:status"].to_list() == ["geprüft", "geprüft", "geprüft", "neu", "neu"]
    assert_frame_equal(none, EXPECTED_FLAT.drop("case:status", "case:betrag"))


def test_flattening_to_another_type_leaves_out_unrelated_events(tmp_path):
    log = read_ocel_log(write_tiny(tmp_path, "json"), object_type="Bescheid")

    assert log.frame.select(schema.CASE, schema.EVENT_ID, schema.OCEL_QUALIFIER).rows() == [
        ("B1", "e4:B1", "erstellt")
    ]
    # only porto is filled for the one event; the other attributes are left out
    assert "kanal" not in log.frame.columns and "porto" in log.frame.columns
    left_out = [p for p in log.problems if p.code == "ocel.events_without_case"]
    assert len(left_out) == 1 and left_out[0].severity is Severity.WARNING
    assert "3 von 4" in left_out[0].de and "Bescheid" in left_out[0].en


def test_mapping_is_applied_to_the_flattened_columns(tmp_path):
    mapping = mapping_from_dict(
        {
            "columns": {"medium": "kanal"},
            "values": {"medium": {"Online-Portal": "online", "Brief": "post"}},
        }
    )

    log = read_ocel_log(write_tiny(tmp_path, "json"), object_type="Antrag", mapping=mapping)

    assert log.frame[schema.MEDIUM].to_list() == ["online", None, None, "post", None]
    assert "kanal" not in log.frame.columns


def test_mapping_source_hints_choose_the_object_type(tmp_path):
    mapping_file = tmp_path / "tiny.mapping.toml"
    mapping_file.write_text('[source]\nobject_type = "Antrag"\n', encoding="utf-8")

    log = read_ocel_log(write_tiny(tmp_path, "json"), mapping=mapping_file)

    assert_frame_equal(log.frame, EXPECTED_FLAT)


def test_naive_times_follow_the_timezone_option(tmp_path):
    ocel = read_ocel(write_tiny(tmp_path, "json"), timezone="UTC")

    # e1 is naive ("09:00"), e2 carries its offset and does not move
    assert ocel.events[schema.OCEL_TIMESTAMP].to_list()[:2] == [
        utc(2026, 11, 23, 9),
        utc(2026, 11, 23, 9, 30),
    ]


# --- object type choice ------------------------------------------------------------------------


def test_missing_object_type_lists_types_with_counts(tmp_path):
    with pytest.raises(InputError) as caught:
        read_ocel_log(write_tiny(tmp_path, "json"))

    (p,) = caught.value.problems
    assert p.code == "ocel.object_type.ambiguous"
    assert "„Antrag“ (2), „Bescheid“ (1)" in p.de
    assert "'Antrag' (2), 'Bescheid' (1)" in p.en
    assert p.file.endswith("tiny.jsonocel")


def test_unknown_object_type_lists_types_with_counts(tmp_path):
    with pytest.raises(InputError) as caught:
        read_ocel_log(write_tiny(tmp_path, "json"), object_type="Akte")

    (p,) = caught.value.problems
    assert p.code == "ocel.object_type.unknown"
    assert p.value == "Akte"
    assert "'Antrag' (2), 'Bescheid' (1)" in p.en


def test_single_object_type_needs_no_choice(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["objectTypes"] = doc["objectTypes"][:1]
    doc["objects"] = doc["objects"][:2]
    doc["events"][3]["relationships"] = doc["events"][3]["relationships"][:2]

    log = read_ocel_log(write_tiny(tmp_path, "json", doc=doc))

    assert log.frame[schema.CASE].to_list() == ["A1", "A1", "A1", "A2", "A2"]


# --- broken files ------------------------------------------------------------------------------


def test_dangling_references_in_json_are_all_reported(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["events"][0]["relationships"].append({"objectId": "A9", "qualifier": "gestellt"})
    doc["events"].append(
        {"id": "e5", "type": "Akte anlegen", "time": "2026-11-26T10:00:00", "relationships": []}
    )
    doc["objects"][2]["relationships"].append({"objectId": "A7", "qualifier": "zu Antrag"})
    path = write_tiny(tmp_path, "json", doc=doc)

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    problems = {p.code: p for p in caught.value.problems}
    assert set(problems) == {
        "ocel.e2o.missing_object",
        "ocel.event.unknown_type",
        "ocel.o2o.missing_object",
    }
    e2o = problems["ocel.e2o.missing_object"]
    assert (e2o.file, e2o.value) == (str(path), "A9")
    assert "„e1“" in e2o.de and "'A9'" in e2o.en
    unknown = problems["ocel.event.unknown_type"]
    assert unknown.value == "Akte anlegen" and unknown.row == 5 and "'e5'" in unknown.en
    o2o = problems["ocel.o2o.missing_object"]
    assert o2o.value == "A7" and "'B1'" in o2o.en


def test_dangling_reference_in_xml(tmp_path):
    path = tmp_path / "broken.xmlocel"
    path.write_text(
        TINY_XML.replace('object-id="A2" qualifier="gestellt"', 'object-id="A3" qualifier="x"'),
        encoding="utf-8",
    )

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    (p,) = caught.value.problems
    assert (p.code, p.value, p.file) == ("ocel.e2o.missing_object", "A3", str(path))
    assert "'e2'" in p.en


def test_dangling_references_in_sqlite(tmp_path):
    path = write_tiny(
        tmp_path,
        "sqlite",
        sql="""
        INSERT INTO event_object VALUES ('e2','A8','gestellt');
        INSERT INTO event VALUES ('e9','Akte anlegen');
        INSERT INTO object_object VALUES ('A2','B7','Bescheid');
        """,
    )

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    got = {(p.code, p.value) for p in caught.value.problems}
    assert got == {
        ("ocel.e2o.missing_object", "A8"),
        ("ocel.event.unknown_type", "Akte anlegen"),
        ("ocel.event.no_time", "e9"),
        ("ocel.o2o.missing_object", "B7"),
    }


def test_duplicate_ids_are_errors(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["events"][1]["id"] = "e1"

    with pytest.raises(InputError) as caught:
        read_ocel(write_tiny(tmp_path, "json", doc=doc))

    assert [(p.code, p.value) for p in caught.value.problems] == [("ocel.event.duplicate_id", "e1")]


def test_malformed_json(tmp_path):
    path = tmp_path / "cut.jsonocel"
    path.write_text(json.dumps(TINY)[:500], encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    (p,) = caught.value.problems
    assert p.code == "ocel.json.malformed" and p.row == 1


def test_malformed_xml(tmp_path):
    path = tmp_path / "cut.xmlocel"
    path.write_text(TINY_XML[:700], encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    assert caught.value.problems[0].code == "ocel.xml.malformed"


@pytest.mark.parametrize("kind", ["json", "xml", "sqlite"])
def test_truncated_gzip(tmp_path, kind):
    whole = gzipped(write_tiny(tmp_path, kind))
    whole.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])

    with pytest.raises(InputError) as caught:
        read_ocel(whole)

    assert caught.value.problems[0].code == "file.gzip_damaged"


def test_xml_with_doctype_is_refused_without_expanding_entities(tmp_path):
    path = tmp_path / "laughs.xmlocel"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        '<log><events><event id="&c;" type="x" time="2026-01-01T00:00:00Z"/></events>'
        "<objects/></log>",
        encoding="utf-8",
    )

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    assert caught.value.problems[0].code == "ocel.xml.doctype"


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<!DOCTYPE log [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<log><events><event id="&x;" type="t" time="2026-01-01T00:00:00Z"/></events>'
        "<objects/></log>",
        encoding="utf-8",
    )

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    assert caught.value.problems[0].code == "ocel.xml.doctype"
    assert "geheim" not in caught.value.text("en")


def test_ocel_1_json_is_named(tmp_path):
    path = tmp_path / "old.jsonocel"
    path.write_text('{"ocel:global-log": {}, "ocel:events": {}, "ocel:objects": {}}')

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    assert caught.value.problems[0].code == "ocel.version"


def test_sqlite_without_ocel_tables(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table vorgang (id text)")
    con.commit()
    con.close()

    with pytest.raises(InputError) as caught:
        read_ocel(path)

    (p,) = caught.value.problems
    assert p.code == "ocel.sqlite.not_ocel" and "event_object" in p.en


def test_value_not_fitting_its_declared_type_keeps_the_column_as_text(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["events"][2]["attributes"][1]["value"] = "eine Viertelstunde"

    ocel = read_ocel(write_tiny(tmp_path, "json", doc=doc))

    assert ocel.events["dauer_min"].to_list() == [None, None, "eine Viertelstunde", None]
    (p,) = ocel.problems
    assert p.code == "ocel.event.attribute_type" and p.severity is Severity.WARNING
    assert p.value == "eine Viertelstunde" and "'e3'" in p.en


# --- the public example in its three serialisations --------------------------------------------


@pytest.fixture(scope="module")
def pm4py():
    return pytest.importorskip("pm4py")


EXAMPLE = ("ocel20_example.jsonocel.gz", "ocel20_example.xmlocel.gz", "ocel20_example.sqlite.gz")


@pytest.mark.real_logs
def test_public_example_counts_match_pm4py(shared_log, pm4py, tmp_path):
    readers = (pm4py.read_ocel2_json, pm4py.read_ocel2_xml, pm4py.read_ocel2_sqlite)
    for name, reader in zip(EXAMPLE, readers, strict=True):
        ocel = read_ocel(shared_log(name))
        plain = tmp_path / name.removesuffix(".gz")
        plain.write_bytes(gzip.decompress(shared_log(name).read_bytes()))
        theirs = reader(str(plain))
        # pm4py lists the initial values (time 1970-01-01) among the changes for JSON/XML
        their_changes = theirs.object_changes[
            theirs.object_changes["ocel:timestamp"].dt.year > 1970
        ]

        assert (ocel.events.height, ocel.objects.height) == (13, 9)
        assert (ocel.relations.height, ocel.o2o.height, ocel.object_changes.height) == (20, 7, 3)
        assert ocel.events[schema.OCEL_ACTIVITY].n_unique() == 8
        assert len(ocel.object_counts()) == 4
        assert ocel.events.height == len(theirs.events)
        assert ocel.objects.height == len(theirs.objects)
        assert ocel.relations.height == len(theirs.relations)
        assert ocel.o2o.height == len(theirs.o2o)
        assert ocel.object_changes.height == len(their_changes)
        assert (
            ocel.events[schema.OCEL_ACTIVITY].n_unique() == theirs.events["ocel:activity"].nunique()
        )
        assert set(ocel.object_counts()) == set(theirs.objects["ocel:type"])
        assert ocel.problems == ()


@pytest.mark.real_logs
def test_public_example_gives_the_same_instants_in_every_serialisation(shared_log, pm4py):
    logs = [read_ocel(shared_log(name)) for name in EXAMPLE]
    for other in logs[1:]:
        for part in ("events", "objects", "relations", "o2o", "object_changes"):
            assert_frame_equal(getattr(other, part), getattr(logs[0], part))

    # The JSON's explicit offsets are the instants; the naive XML/SQLite times read in
    # Europe/Berlin agree with them (pm4py 2.7.23 reads those as UTC: one hour late).
    times = logs[0].events[schema.OCEL_TIMESTAMP]
    assert times[0] == utc(2022, 1, 9, 14)
    assert times[-1] == utc(2022, 2, 28, 22)
    theirs = pm4py.read_ocel2_json(str(shared_log(EXAMPLE[0])))
    assert [t.to_pydatetime() for t in theirs.events["ocel:timestamp"]] == [
        t.replace(tzinfo=None) for t in times.to_list()
    ]
    changes = logs[0].object_changes
    assert changes.select(schema.OCEL_OBJECT_ID, schema.OCEL_TIMESTAMP).rows() == [
        ("R3", utc(2022, 2, 3, 6, 30)),
        ("R3", utc(2022, 2, 3, 22, 30)),
        ("PO1", utc(2022, 1, 13, 11)),
    ]


@pytest.mark.real_logs
def test_public_example_flattened_to_purchase_orders(shared_log):
    log = read_ocel_log(shared_log(EXAMPLE[2]), object_type="Purchase Order")

    assert log.frame.select(
        schema.CASE, schema.EVENT_ID, schema.TIMESTAMP, "case:po_quantity"
    ).rows() == [
        ("PO1", "e3:PO1", utc(2022, 1, 10, 8, 15), "500"),
        ("PO1", "e4:PO1", utc(2022, 1, 13, 11), "600"),
        ("PO1", "e5:PO1", utc(2022, 1, 14, 11), "600"),
        ("PO1", "e6:PO1", utc(2022, 1, 16, 10), "600"),
        ("PO2", "e10:PO2", utc(2022, 2, 2, 16), "1"),
    ]


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.jsonocel", "out.xmlocel", "out.json.gz", "out.xml.gz"])
def test_round_trip_write_read(tmp_path, name):
    ocel = read_ocel(write_tiny(tmp_path, "json"))

    back = read_ocel(write_ocel(ocel, tmp_path / name))

    for part in ("events", "objects", "relations", "o2o", "object_changes"):
        assert_frame_equal(getattr(back, part), getattr(ocel, part))
    assert back.problems == ()


@pytest.mark.parametrize("name", ["out.jsonocel", "out.xmlocel"])
def test_pm4py_reads_what_we_write(tmp_path, pm4py, name):
    ocel = read_ocel(write_tiny(tmp_path, "json"))
    path = write_ocel(ocel, tmp_path / name)

    reader = pm4py.read_ocel2_json if name.endswith("jsonocel") else pm4py.read_ocel2_xml
    theirs = reader(str(path))

    assert len(theirs.events) == 4 and len(theirs.objects) == 3
    assert len(theirs.relations) == 7 and len(theirs.o2o) == 1
    assert list(theirs.events["ocel:eid"]) == ["e1", "e2", "e3", "e4"]
    # written with explicit offsets, so pm4py reads the same instants
    assert [t.to_pydatetime() for t in theirs.events["ocel:timestamp"]] == [
        t.replace(tzinfo=None) for t in EXPECTED_EVENTS[schema.OCEL_TIMESTAMP].to_list()
    ]


def test_log_built_in_code_is_written_with_types_from_dtypes(tmp_path):
    events = pl.DataFrame(
        {
            schema.OCEL_EVENT_ID: ["x1", "x2"],
            schema.OCEL_ACTIVITY: ["Antrag stellen", "Antrag stellen"],
            schema.OCEL_TIMESTAMP: [utc(2026, 1, 5, 8), utc(2026, 1, 6, 8)],
            "seiten": [3, None],
            "eilig": [True, False],
        },
        schema_overrides={schema.OCEL_TIMESTAMP: pl.Datetime("us", "UTC")},
    )
    objects = pl.DataFrame({schema.OCEL_OBJECT_ID: ["A1"], schema.OCEL_OBJECT_TYPE: ["Antrag"]})
    relations = pl.DataFrame(
        {
            schema.OCEL_EVENT_ID: ["x1", "x2"],
            schema.OCEL_OBJECT_ID: ["A1", "A1"],
            schema.OCEL_QUALIFIER: ["gestellt", None],
        }
    )
    path = write_ocel(
        OcelLog(events=events, objects=objects, relations=relations), tmp_path / "s.jsonocel"
    )

    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["eventTypes"] == [
        {
            "name": "Antrag stellen",
            "attributes": [
                {"name": "seiten", "type": "integer"},
                {"name": "eilig", "type": "boolean"},
            ],
        }
    ]
    assert doc["events"][0]["time"] == "2026-01-05T08:00:00+00:00"
    back = read_ocel(path)
    assert back.events["seiten"].to_list() == [3, None]
    assert back.events["eilig"].to_list() == [True, False]
    assert back.relations[schema.OCEL_QUALIFIER].to_list() == ["gestellt", None]


def test_writing_a_log_with_dangling_references_is_refused(tmp_path):
    ocel = read_ocel(write_tiny(tmp_path, "json"))
    broken = OcelLog(
        events=ocel.events,
        objects=ocel.objects.filter(pl.col(schema.OCEL_OBJECT_ID) != "A2"),
        relations=ocel.relations,
    )

    with pytest.raises(InputError) as caught:
        write_ocel(broken, tmp_path / "broken.jsonocel")

    assert {(p.code, p.value) for p in caught.value.problems} == {("ocel.e2o.missing_object", "A2")}
    assert not (tmp_path / "broken.jsonocel").exists()


def test_attributes_named_like_log_columns_are_renamed(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["eventTypes"][0]["attributes"] += [
        {"name": "ocel:eid", "type": "string"},
        {"name": "time:timestamp", "type": "string"},
    ]
    doc["events"][0]["attributes"] += [
        {"name": "ocel:eid", "value": "alt-1"},
        {"name": "time:timestamp", "value": "gestern"},
    ]

    ocel = read_ocel(write_tiny(tmp_path, "json", doc=doc))
    log = flatten_ocel(ocel, object_type="Antrag")

    assert ocel.events["attribute:ocel:eid"].to_list() == ["alt-1", None, None, None]
    assert ocel.events[schema.OCEL_EVENT_ID].to_list() == ["e1", "e2", "e3", "e4"]
    assert log.frame["attribute:time:timestamp"].to_list() == ["gestern", None, None, None, None]
    assert_frame_equal(log.frame.select(EXPECTED_FLAT.columns), EXPECTED_FLAT)
    renamed = {p.column for p in log.problems if p.code == "ocel.attribute.renamed"}
    assert renamed == {"ocel:eid", "time:timestamp"}


def test_object_value_without_time_is_an_initial_value(tmp_path):
    doc = copy.deepcopy(TINY)
    del doc["objects"][1]["attributes"][1]["time"]  # A2's betrag
    doc["objects"][0]["attributes"][2]["time"] = ""  # A1's status change: now from the start

    ocel = read_ocel(write_tiny(tmp_path, "json", doc=doc))

    assert ocel.objects["betrag"].to_list() == [120, 80, None]
    # two values of A1's status from the start: the first in the file is the initial one
    assert ocel.objects["status"].to_list() == ["neu", "neu", None]
    assert ocel.object_changes.select(schema.OCEL_OBJECT_ID, "status").rows() == [("A1", "geprüft")]
