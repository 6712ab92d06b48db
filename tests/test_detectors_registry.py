"""The detector registry, option checking, notes, and precision/recall scoring."""

from __future__ import annotations

import inspect
import sys
from datetime import timedelta

import pandas as pd
import pytest

from analyzer import schema as F
from analyzer.detectors import (
    DEFAULT_DETECTORS,
    DETECTORS,
    NOTES,
    check_options,
    detector_notes,
    run_detectors,
)
from analyzer.detectors.base import concat_findings, empty_findings, typed_findings
from analyzer.detectors.names import detector_label
from analyzer.problems import InputError
from analyzer.scoring import false_findings, missed_labels, score_findings
from tests.test_detectors_data import LOG as DATA_LOG
from tests.tiny_logs import make_log, on, rows_of


def test_registry_lists_one_module_per_detector_with_documented_rules():
    assert list(DETECTORS) == [
        "media_breaks",
        "system_breaks",
        "manual_reentry",
        "once_only",
        "duplicate_responsibility",
        "ping_pong",
        "rework",
        "long_waits",
        "handovers",
    ]
    modules = {d.function.__module__ for d in DETECTORS.values()}
    assert len(modules) == len(DETECTORS)
    for d in DETECTORS.values():
        doc = sys.modules[d.function.__module__].__doc__
        assert "Anchor" in doc and "Columns:" in doc and "Minutes lost" in doc, d.name
        for name, parameter in d.options().items():
            assert parameter.default is not inspect.Parameter.empty, (d.name, name)
            assert parameter.annotation is not inspect.Parameter.empty, (d.name, name)


def test_run_detectors_is_the_union_of_the_detectors(backend):
    log = on(DATA_LOG, backend)
    found = run_detectors(log)
    assert list(found.columns) == list(F.FINDING_COLUMNS)
    assert tuple(n for n in DETECTORS if n != "handovers") == DEFAULT_DETECTORS
    one_by_one = concat_findings(DETECTORS[n].function(log) for n in DEFAULT_DETECTORS)
    pd.testing.assert_frame_equal(found, one_by_one)
    assert set(found[F.FINDING_DETECTOR]) == {
        "media_breaks",
        "system_breaks",
        "manual_reentry",
        "once_only",
    }
    # hand-overs only when asked for by name
    everything = run_detectors(log, names=list(DETECTORS))
    pd.testing.assert_frame_equal(
        everything, concat_findings(d.function(log) for d in DETECTORS.values())
    )
    assert "handovers" in set(everything[F.FINDING_DETECTOR])


def test_findings_code_repeated_texts_and_keep_ids_as_text(backend):
    found = run_detectors(on(DATA_LOG, backend))
    assert len(found)
    for column in F.FINDING_COLUMNS:
        dtype = found[column].dtype
        if column in F.FINDING_LABEL_COLUMNS:
            # categories: exactly the texts present, sorted, whichever backend built them
            present = sorted(found[column].dropna().unique())
            assert isinstance(dtype, pd.CategoricalDtype), column
            assert list(dtype.categories) == present, column
        elif column in F.FINDING_NUMBER_COLUMNS:
            assert dtype == "float64", column
        elif column != F.FINDING_INFERRED:
            assert dtype == pd.StringDtype(na_value=float("nan")), column
    # a part keeps the whole's categories until it is typed again
    part = found[found[F.FINDING_DETECTOR] == "media_breaks"]
    assert len(part[F.FINDING_DETECTOR].cat.categories) > 1
    assert list(typed_findings(part)[F.FINDING_DETECTOR].cat.categories) == ["media_breaks"]


def test_names_and_options(backend):
    found = run_detectors(
        on(DATA_LOG, backend),
        names=["once_only", "long_waits"],
        options={
            "once_only": {"held_documents": {}, "held_in_case": True},
            "long_waits": {"threshold": timedelta(minutes=9)},  # r1 and r2 wait 10 minutes
        },
    )
    assert rows_of(found, F.FINDING_DETECTOR, F.CASE, F.EVENT_ID) == [
        ("long_waits", "r1", "e4"),
        ("long_waits", "r1", "e5"),
        ("long_waits", "r1", "e6"),
        ("long_waits", "r1", "e7"),
        ("long_waits", "r1", "e8"),
        ("long_waits", "r2", "e10"),
        ("once_only", "r2", "e10"),
    ]


def test_misspelt_options_fail_before_any_work():
    with pytest.raises(InputError) as raised:
        check_options(["media_breaks", "nonsense"], {"long_waits": {"treshold": 1}})
    text = raised.value.text("en")
    assert "unknown detector 'nonsense'" in text
    assert "unknown option 'treshold' for long_waits; possible: threshold" in text
    assert "unbekannte Option „treshold“" in raised.value.text("de")


def test_notes_say_what_the_columns_limit():
    bare = make_log([F.CASE, F.ACTIVITY, "minutes"], [("x", "Antrag", 0)])
    codes = [(n.code, n.column) for n in detector_notes(bare)]
    assert codes == [
        ("detector.inferred", "medium"),
        ("detector.column_missing", "it_system"),
        ("detector.inferred", "data_fields"),
        ("detector.inferred", "data_fields"),
        ("detector.column_missing", "level"),
        ("detector.column_missing", "level"),
    ]
    found = run_detectors(bare)
    assert found.empty and found.dtypes.to_dict() == empty_findings().dtypes.to_dict()
    notes = found.attrs[NOTES]
    # media_breaks' own note (no medium recognisable) replaces "inferred from the names"
    assert [(n.code, n.column) for n in notes[:6]] == [
        ("detector.media_unrecognised", "medium"),
        *codes[2:3],
        *codes[1:2],
        *codes[3:],
    ]
    assert [n.de.split(":")[0] for n in notes[6:]] == [
        detector_label(name, "de") for name in DEFAULT_DETECTORS
    ]
    assert {n.code for n in notes[6:]} == {"detector.nothing_found"}


def test_score_findings_per_detector_and_kind():
    def findings(*rows):
        return pd.DataFrame(
            rows, columns=[F.FINDING_DETECTOR, F.FINDING_BURDEN, F.CASE, F.EVENT_ID]
        )

    found = findings(
        ("media_breaks", "media_break", "c", "1"),
        ("media_breaks", "media_break", "c", "2"),
        ("system_breaks", "media_break", "c", "2"),  # same anchor as above
        ("system_breaks", "media_break", "c", "3"),
        ("rework", "rework", "c", "9"),
    )
    labels = pd.DataFrame(
        {
            F.LABEL_BURDEN: ["media_break", "media_break", "rework", "once_only"],
            F.CASE: ["c", "c", "c", "c"],
            F.LABEL_EVENT_ID: ["2", "4", "9", "5"],
        }
    )
    per_detector = score_findings(found, labels)
    assert rows_of(per_detector, *per_detector.columns) == [
        ("media_breaks", 2, 2, 1, 0.5, 0.5),
        ("rework", 1, 1, 1, 1.0, 1.0),
        ("system_breaks", 2, 2, 1, 0.5, 0.5),
    ]
    per_kind = score_findings(found, labels, by=F.FINDING_BURDEN)
    assert rows_of(per_kind, *per_kind.columns)[:2] == [
        ("media_break", 3, 2, 1, pytest.approx(1 / 3), 0.5),
        ("once_only", 0, 1, 0, None, 0.0),
    ]
    only = score_findings(found, labels, detectors=["media_breaks"], by=F.FINDING_BURDEN)
    assert rows_of(only, F.FINDING_BURDEN, F.SCORE_FINDINGS)[0] == ("media_break", 2)
    assert rows_of(missed_labels(found, labels), F.LABEL_BURDEN, F.LABEL_EVENT_ID) == [
        ("media_break", "4"),
        ("once_only", "5"),
    ]
    assert rows_of(false_findings(found, labels), F.FINDING_DETECTOR, F.EVENT_ID) == [
        ("media_breaks", "1"),
        ("system_breaks", "3"),
    ]
