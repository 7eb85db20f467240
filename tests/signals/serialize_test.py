from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kairos_ci.config.schema import load_schema
from kairos_ci.signals import records
from kairos_ci.signals.records import Attempt, ErrorRecord, Notice, Outcome, SuiteTotals
from kairos_ci.signals.serialize import to_json
from kairos_ci.signals.summary import summarize
from tests.signals.helpers import read, write

SCHEMA = load_schema("signals")


def valid(document: object) -> None:
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_test_record_shape_is_exactly_the_documented_one() -> None:
    record = records.TestResult(  # imported via the module: pytest would try to collect it
        file="r.xml",
        id="c::n",
        suite=("a", "b"),
        classname="c",
        name="n",
        path="t.py",
        line=3,
        outcome=Outcome.FLAKY,
        attempts=(Attempt(Outcome.FAILED, 0.5, "boom"), Attempt(Outcome.PASSED, 0.25, None)),
        duration_s=0.75,
        message="boom",
        details="trace",
    )
    document = to_json(record)
    assert list(document) == [
        "kind", "file", "id", "suite", "classname", "name", "path", "line",
        "outcome", "attempts", "duration_s", "message",
    ]  # fmt: skip
    assert document["attempts"][0] == {"outcome": "failed", "duration_s": 0.5, "message": "boom"}
    valid(document)


def test_all_kinds_validate_and_bad_ones_do_not(tmp_path: Path) -> None:
    lint = write(
        tmp_path,
        "l.json",
        json.dumps(
            [
                {
                    "filePath": "a.js",
                    "messages": [{"ruleId": "r", "severity": 2, "message": "m", "line": 2}],
                }
            ]
        ),
    )
    for record in [
        *read(lint),
        SuiteTotals("f", ("s",), 3, 1, 0, 1),
        ErrorRecord("f", "broken"),
        Notice("f", "old"),
    ]:
        valid(to_json(record))
    with pytest.raises(jsonschema.ValidationError):
        valid({"kind": "test", "file": "f"})
    with pytest.raises(jsonschema.ValidationError):
        valid({"kind": "error", "file": "f", "message": "m", "extra": 1})


def test_summary_counts_per_file_and_total(tmp_path: Path) -> None:
    junit = write(
        tmp_path,
        "j.xml",
        '<testsuites><testsuite name="s"><properties>'
        '<property name="surefire.rerunFailingTestsCount" value="1"/></properties>'
        '<testcase classname="c" name="a"><failure/></testcase>'
        '<testcase classname="c" name="a"/><testcase classname="c" name="b"><skipped/></testcase>'
        '</testsuite><testsuite name="only-counters" tests="4" failures="1"/></testsuites>',
    )
    bad = write(tmp_path, "bad.xml", "")
    summary = summarize([*read(junit), *read(bad)])
    valid(summary)
    first, second = summary["files"]
    assert first["file"] == str(junit)
    assert first["tests"] == {
        "total": 6,
        "passed": 3,
        "failed": 1,
        "errored": 0,
        "skipped": 1,
        "flaky": 1,
    }
    assert (first["attempts"], first["from_suite_counters"], first["errors"]) == (7, 4, 0)
    assert first["warnings"] == 1  # the notice that says which rerun rule merged "c::a"
    assert second == {**second, "errors": 1, "attempts": 0}
    assert summary["total"]["files"] == 2 and summary["total"]["errors"] == 1
    assert summary["total"]["tests"]["total"] == 6
