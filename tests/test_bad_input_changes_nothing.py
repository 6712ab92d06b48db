"""Every kind of bad input named in the foundation issue, imported into a workspace that
already holds a log: a clear error naming the file, and the workspace exactly as it was."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import duckdb
import pytest

from analyzer.problems import InputError
from app import api

GOOD_CSV = (
    "Aktenzeichen;Tätigkeit;Zeitpunkt\n"
    "A-1;Antrag eingegangen;23.11.2026 14:05\n"
    "A-1;Bescheid versandt;30.11.2026 09:00\n"
)

XES_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
XES_BODY = (
    '<log xes.version="1.0"><trace><string key="concept:name" value="c1"/>'
    '<event><string key="concept:name" value="a"/>'
    '<date key="time:timestamp" value="2026-11-23T14:05:00+01:00"/></event></trace></log>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n'
    '<log><trace><string key="concept:name" value="&lol2;"/></trace></log>'
)
OCEL = {
    "objectTypes": [{"name": "Antrag", "attributes": []}],
    "eventTypes": [{"name": "Antrag stellen", "attributes": []}],
    "objects": [{"id": "A1", "type": "Antrag", "attributes": [], "relationships": []}],
    "events": [
        {
            "id": "e1",
            "type": "Antrag stellen",
            "time": "2026-11-23T14:05:00Z",
            "attributes": [],
            "relationships": [{"objectId": "A1", "qualifier": "gestellt"}],
        }
    ],
}


def write(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def bad_inputs(tmp: Path) -> dict[str, tuple[Path, dict]]:
    dangling = copy.deepcopy(OCEL)
    dangling["events"][0]["relationships"].append({"objectId": "A9", "qualifier": "gestellt"})
    truncated = gzip.compress((XES_HEAD + XES_BODY).encode())[:-12]
    mapping = write(tmp, "falsch.toml", '[columns]\ncase = "Vorgangsnummer"\n')
    return {
        "empty file": (write(tmp, "leer.csv", ""), {}),
        "missing activity column": (
            write(tmp, "ohne.csv", "Aktenzeichen;Zeitpunkt\nA-1;23.11.2026 14:05\n"),
            {},
        ),
        "unparseable timestamps": (
            write(tmp, "zeit.csv", GOOD_CSV.replace("30.11.2026 09:00", "31.11.2026 09:00")),
            {},
        ),
        "mixed time zones": (
            write(
                tmp,
                "zonen.csv",
                "Aktenzeichen;Tätigkeit;Zeitpunkt\nA-1;a;2026-11-23T14:05:00+01:00\n"
                "A-1;b;2026-11-23T15:05:00\n",
            ),
            {},
        ),
        "exact duplicates refused": (
            write(tmp, "doppelt.csv", GOOD_CSV + "A-1;Bescheid versandt;30.11.2026 09:00\n"),
            {"duplicates": "error"},
        ),
        "truncated xes.gz": (write(tmp, "kaputt.xes.gz", truncated), {}),
        "external entity": (
            write(
                tmp,
                "xxe.xes",
                XES_HEAD + '<!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + XES_BODY,
            ),
            {},
        ),
        "billion laughs": (write(tmp, "lol.xes", BILLION_LAUGHS), {}),
        "OCEL dangling reference": (write(tmp, "lose.jsonocel", json.dumps(dangling)), {}),
        "mapping names a missing column": (
            write(tmp, "gut.csv", GOOD_CSV),
            {"mapping": mapping},
        ),
    }


def snapshot(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        ]
        return {n: sorted(map(str, con.execute(f'select * from "{n}"').fetchall())) for n in names}
    finally:
        con.close()


@pytest.mark.parametrize(
    "kind",
    [
        "empty file",
        "missing activity column",
        "unparseable timestamps",
        "mixed time zones",
        "exact duplicates refused",
        "truncated xes.gz",
        "external entity",
        "billion laughs",
        "OCEL dangling reference",
        "mapping names a missing column",
    ],
)
def test_bad_input_is_refused_and_changes_nothing(kind: str, tmp_path: Path) -> None:
    workspace = tmp_path / "ws.duckdb"
    good = write(tmp_path, "vorher.csv", GOOD_CSV)
    api.import_log(good, workspace=workspace, municipality="Vorher", service="Wohngeld")
    before = snapshot(workspace)
    before_bytes = workspace.read_bytes()

    path, options = bad_inputs(tmp_path)[kind]
    with pytest.raises(InputError) as caught:
        api.import_log(path, workspace=workspace, municipality="Neu", service="Wohngeld", **options)
    text = caught.value.text("de") + caught.value.text("en")
    assert path.name in text or str(options.get("mapping", "")) in text
    assert "Traceback" not in text

    assert snapshot(workspace) == before
    assert workspace.read_bytes() == before_bytes  # not even opened for writing
