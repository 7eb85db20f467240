"""Detection by content, per-file isolation, encodings and the size cap."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kairos_ci.signals.read import parse_report, parse_reports
from kairos_ci.signals.records import ErrorRecord, Outcome, ReportLimits
from tests.signals.helpers import errors_of, findings_of, read, results_of, write

JUNIT = '<testsuite name="s"><testcase classname="c" name="t"/></testsuite>'
SARIF = json.dumps(
    {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"ruleId": "r", "message": {"text": "m"}}],
            }
        ],
    }
)
ESLINT = json.dumps(
    [{"filePath": "a.js", "messages": [{"ruleId": "r", "severity": 2, "message": "m", "line": 1}]}]
)
RUFF = json.dumps(
    [{"code": "E1", "message": "m", "filename": "a.py", "location": {"row": 1, "column": 1}}]
)
PYLINT = json.dumps(
    [
        {
            "type": "error",
            "module": "a",
            "symbol": "s",
            "message-id": "E1",
            "message": "m",
            "path": "a.py",
            "line": 1,
        }
    ]
)
CHECKSTYLE = (
    '<checkstyle><file name="a.java">'
    '<error line="1" severity="error" message="m" source="r"/></file></checkstyle>'
)


@pytest.mark.parametrize(
    ("content", "tool"),
    [
        (SARIF, "x"),
        (ESLINT, "eslint"),
        (RUFF, "ruff"),
        (PYLINT, "pylint"),
        (CHECKSTYLE, "checkstyle"),
    ],
)
def test_auto_detects_lint_formats(tmp_path: Path, content: str, tool: str) -> None:
    [found] = findings_of(read(write(tmp_path, "report", content)))
    assert found.tool == tool


def test_auto_detects_junit_and_explicit_formats_agree(tmp_path: Path) -> None:
    path = write(tmp_path, "r.xml", JUNIT)
    assert read(path) == read(path, "junit")
    [error] = read(path, "checkstyle")
    assert "not checkstyle XML" in error.message
    [error] = read(path, "sarif")
    assert error.message == "expected sarif JSON, but the file is xml"
    [error] = read(write(tmp_path, "s.json", SARIF), "junit")
    assert error.message == "expected junit XML, but the file is not XML"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"   \n", "neither XML nor JSON"),
        (b"hello", "neither XML nor JSON"),
        (b"<testsuite><testcase", "not well-formed XML"),
        (b"<html><body/></html>", "HTML (root <html>)"),
        (b'{"a": 1,}', "not valid JSON"),
        (b'{"runs": [', "not valid JSON"),
        (b'{"unrelated": true}', "keys unrelated"),
        (b"\xff\xfe[\x00\x00\xd8]\x00", "not valid UTF-16-LE at byte 2"),  # lone surrogate
        (b"[\xc3\x28]", "not valid UTF-8 at byte 1"),
        (b"\x00\x01\x02", "neither XML nor JSON"),
    ],
)
def test_bad_files_become_one_clear_error_record(
    tmp_path: Path, content: bytes, words: str
) -> None:
    records = read(write(tmp_path, "bad", content))
    assert len(records) == 1 and isinstance(records[0], ErrorRecord)
    assert words in records[0].message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert read(tmp_path / "nope.xml") == [
        ErrorRecord(str(tmp_path / "nope.xml"), "file does not exist")
    ]
    [error] = read(tmp_path)
    assert "is a directory" in error.message


def test_nothing_is_read_until_records_are_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "later.xml"
    records = parse_report(path, "junit")  # the file does not exist yet
    path.write_text(JUNIT, encoding="utf-8")
    assert [(r.kind, r.id) for r in records] == [("test", "c::t")]


def test_records_come_one_at_a_time_with_the_error_last(tmp_path: Path) -> None:
    cases = "".join(f'<testcase classname="c" name="t{n}"/>' for n in range(3))
    broken = write(tmp_path, "broken.xml", f'<testsuites><testsuite name="s">{cases}</testsuite><x')
    records = parse_report(broken, "junit")
    assert next(records).id == "c::t0"
    assert [r.kind for r in records] == ["test", "test", "error"]


def test_other_files_still_count(tmp_path: Path) -> None:
    good = write(tmp_path, "good.xml", JUNIT)
    bad = write(tmp_path, "bad.xml", "<testsuite>")
    lint = write(tmp_path, "lint.json", ESLINT)
    records = list(parse_reports([good, bad, lint]))
    assert [r.kind for r in records] == ["test", "error", "finding"]
    assert records[1].file == str(bad)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-16-le", "utf-32"])
def test_json_encodings_by_bom(tmp_path: Path, encoding: str) -> None:
    data = ESLINT.encode(encoding)
    if encoding in ("utf-16-be", "utf-16-le"):  # no BOM: recognised by the zero bytes
        assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    [found] = findings_of(read(write(tmp_path, "e.json", data)))
    assert found.rule == "r"


def test_xml_encodings(tmp_path: Path) -> None:
    declared = '<?xml version="1.0" encoding="ISO-8859-1"?>' + JUNIT.replace(
        'name="t"', 'name="caf\xe9"'
    )
    [test] = results_of(read(write(tmp_path, "latin.xml", declared.encode("latin-1"))))
    assert test.name == "café"
    [test] = results_of(read(write(tmp_path, "bom.xml", b"\xef\xbb\xbf" + JUNIT.encode())))
    assert test.outcome is Outcome.PASSED


def test_size_cap_refuses_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.xml", JUNIT)
    os.chmod(path, 0)  # unreadable: the cap must decide from the size alone
    try:
        [error] = read(path, limits=ReportLimits(max_bytes=10))
    finally:
        os.chmod(path, 0o644)
    assert "over the 10-byte cap" in error.message and "without reading" in error.message


def test_display_name_and_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "src.py", "")
    path = write(tmp_path, "r.json", RUFF.replace('"a.py"', json.dumps(str(tmp_path / "src.py"))))
    monkeypatch.chdir(tmp_path)
    [found] = list(parse_report(path, display="reports/r.json", root="."))
    assert (found.file, found.path) == ("reports/r.json", "src.py")


def test_a_linter_that_found_nothing(tmp_path: Path) -> None:
    assert read(write(tmp_path, "empty.json", "[]")) == []
    assert errors_of(read(write(tmp_path, "obj.json", "{}"))) != []
