"""The verification's JUnit report: junitparser, kairos's reader and the CLI all read it back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from junitparser import xunit2

from kairos_ci.cli import main
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import Attempt, ErrorRecord, Outcome, ReportFormat, TestResult
from kairos_ci.stages.evidence_junit import (
    MAX_DETAILS_CHARS,
    MAX_MESSAGE_CHARS,
    VerificationRun,
    write_evidence_junit,
)

TARGET = "tests/test_calc.py::TestCalc::test_add"
FLAKY = "tests/test_calc.py::test_sleepy"
RETRIED = "tests/test_calc.py::test_retried"


def result(
    test_id: str,
    outcome: str,
    message: str | None = None,
    details: str | None = None,
    attempts: tuple[Attempt, ...] = (),
    duration: float | None = 0.5,
) -> TestResult:
    """A record as the JUnit reader builds it: the id is "classname::name"."""
    classname, name = test_id.rsplit("::", 1)
    return TestResult(
        "reports/junit.xml",
        test_id,
        ("pytest",),
        classname,
        name,
        "tests/test_calc.py",
        7,
        Outcome(outcome),
        attempts,
        duration,
        message,
        details,
    )


def verification() -> VerificationRun:
    before = [
        result(TARGET, "failed", "assert 1 + 1 == 3", "def test_add():\n>   assert add(1, 1) == 3"),
        result(FLAKY, "failed", "timed out", "sleep(5)"),
        result("tests/test_calc.py::test_io", "errored", "fixture 'db' not found", "E  db"),
        result("tests/test_calc.py::test_win", "skipped", "windows only"),
        result("tests/test_calc.py::test_sub", "passed"),
    ]
    retried = (Attempt(Outcome.FAILED, 0.25, "flaked"), Attempt(Outcome.PASSED, 0.25, None))
    after = [
        result(TARGET, "passed"),
        result(FLAKY, "passed"),
        result("tests/test_calc.py::test_io", "errored", "fixture 'db' not found", "E  db"),
        result("tests/test_calc.py::test_win", "skipped", "windows only"),
        result("tests/test_calc.py::test_sub", "passed"),
        result(RETRIED, "flaky", "flaked", "Traceback: flaked", retried),
    ]
    return VerificationRun(f"fix_tests: {TARGET}", before, after, targets=[TARGET], flaky={FLAKY})


def properties(element: xunit2.TestCase | xunit2.TestSuite) -> dict[str, str]:
    return {p.name: p.value for p in element.properties()}


def test_junitparser_reads_two_suites_with_counts_and_marks(tmp_path: Path) -> None:
    path = write_evidence_junit(tmp_path / "evidence.xml", verification())

    report = xunit2.JUnitXml.fromfile(str(path))
    assert report.name == f"fix_tests: {TARGET}"
    before, after = list(report)
    assert [before.name, after.name] == ["before", "after"]
    counts = [(s.tests, s.failures, s.errors, s.skipped) for s in (before, after)]
    assert counts == [(5, 2, 1, 1), (6, 0, 1, 1)]
    assert properties(before) == {"kairos.phase": "before"}
    assert properties(after) == {"kairos.phase": "after"}

    cases = {properties(case)["kairos.id"]: case for case in after}
    assert set(cases) == {t.id for t in verification().after}
    marked = {
        test_id: {k: v for k, v in properties(case).items() if k != "kairos.id"}
        for test_id, case in cases.items()
    }
    assert marked[TARGET] == {"kairos.target": "true"}
    assert marked[FLAKY] == {"kairos.flaky": "true"}
    assert marked[RETRIED] == {"kairos.flaky": "true", "kairos.outcome": "flaky"}
    assert marked["tests/test_calc.py::test_sub"] == {}
    retried = cases[RETRIED]
    assert retried.is_passed and retried.is_flaky  # passed for reporters, attempts kept
    target = cases[TARGET]
    assert (target.classname, target.name, target.time) == (
        "tests/test_calc.py::TestCalc",
        "test_add",
        0.5,
    )


def test_kairos_reader_reads_the_outcomes_back(tmp_path: Path) -> None:
    run = verification()
    path = write_evidence_junit(tmp_path / "evidence.xml", run)

    records = list(parse_report(path, ReportFormat.JUNIT, root=tmp_path))
    assert not [r for r in records if isinstance(r, ErrorRecord)]
    read = {(r.suite, r.id): r for r in records if isinstance(r, TestResult)}
    for phase, tests in (("before", run.before), ("after", run.after)):
        for test in tests:
            back = read[((phase,), test.id)]
            wrote = (
                test.outcome,
                test.message,
                test.details,
                test.duration_s,
                test.path,
                test.line,
            )
            assert (
                back.outcome,
                back.message,
                back.details,
                back.duration_s,
                back.path,
                back.line,
            ) == wrote
    assert read[(("before",), TARGET)].outcome == "failed"
    assert read[(("after",), TARGET)].outcome == "passed"
    retried = read[(("after",), RETRIED)]
    assert [a.outcome for a in retried.attempts] == ["failed", "passed"]
    assert len(read) == len(run.before) + len(run.after)


def test_cli_parse_junit_reads_it(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = write_evidence_junit(tmp_path / "evidence.xml", verification())

    assert main(["parse", "junit", str(path)]) == 0
    out, err = capsysbinary.readouterr()
    lines = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert err == b""
    outcomes = {(line["suite"][0], line["id"]): line["outcome"] for line in lines}
    assert outcomes[("before", TARGET)] == "failed"
    assert outcomes[("after", TARGET)] == "passed"
    assert outcomes[("after", RETRIED)] == "flaky"
    assert Counter(line["suite"][0] for line in lines) == {"before": 5, "after": 6}


def test_hostile_text_stays_valid_xml_and_capped(tmp_path: Path) -> None:
    hostile = '\x00\x07\x1b[31mred\x1b[0m ]]> <b>&amp;</b> "q" \ud800 \ufffe\x7f' + "x" * 1_000_000
    test_id = "tests/t.py::test_\x01bell[a::b.c]"
    bad = TestResult(
        "r.xml", test_id, (), None, "", None, None, Outcome.FAILED, (), 0.1, hostile, hostile
    )
    run = VerificationRun("fix_tests: \x00" + hostile, [bad], [bad], targets=[test_id])
    path = write_evidence_junit(tmp_path / "evidence.xml", run)

    assert path.stat().st_size < 100_000  # two capped messages and details, not 2 MB
    case = next(iter(next(iter(xunit2.JUnitXml.fromfile(str(path))))))
    [failure] = case.result
    assert len(failure.message) <= MAX_MESSAGE_CHARS
    assert len(failure.text) <= MAX_DETAILS_CHARS
    assert failure.message.startswith('\ufffd\ufffdred ]]> <b>&amp;</b> "q" \ufffd \ufffd')
    assert "cut at" in failure.message and "1,000,0" in failure.message
    assert properties(case)["kairos.target"] == "true"
    assert (case.classname, case.name) == ("tests/t.py", "test_\ufffdbell[a::b.c]")
    records = list(parse_report(path, ReportFormat.JUNIT))
    assert not [r for r in records if isinstance(r, ErrorRecord)]
    assert [r.outcome for r in records if isinstance(r, TestResult)] == ["failed", "failed"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_over_the_cap_keeps_targets_and_failures_and_says_so(tmp_path: Path) -> None:
    tests = [
        result(f"tests/test_many.py::test_{i}", "failed" if i % 10 == 0 else "passed", "no")
        for i in range(50)
    ]
    target = tests[7].id  # passing after: kept even so
    run = VerificationRun("fix_tests", tests, tests[:3], targets=[target])
    path = write_evidence_junit(tmp_path / "evidence.xml", run, max_cases=20)

    before, after = list(xunit2.JUnitXml.fromfile(str(path)))
    assert properties(before) == {
        "kairos.phase": "before",
        "kairos.truncated": "true",
        "kairos.omitted": "30",
    }
    assert properties(after) == {"kairos.phase": "after"}
    kept = [properties(case)["kairos.id"] for case in before]
    assert len(kept) == before.tests == 20
    wanted = {tests[i].id for i in (0, 10, 20, 30, 40, 7)}
    assert wanted <= set(kept)
    assert kept == sorted(kept, key=lambda test_id: int(test_id.rsplit("_", 1)[1]))  # in order
    assert before.failures == 5


def test_the_size_budget_truncates_too(tmp_path: Path) -> None:
    tests = [result(f"t.py::test_{i}", "failed", "m" * 4_000, "d" * 16_000) for i in range(40)]
    run = VerificationRun("fix_tests", tests, ())
    path = write_evidence_junit(tmp_path / "evidence.xml", run, max_suite_bytes=200_000)

    before, after = list(xunit2.JUnitXml.fromfile(str(path)))
    assert path.stat().st_size < 200_000 + 2_000
    assert 0 < before.tests < 40
    assert properties(before)["kairos.omitted"] == str(40 - before.tests)
    assert (after.tests, properties(after)) == (0, {"kairos.phase": "after"})


@pytest.mark.parametrize(
    ("test_id", "classname", "name"),
    [
        ("tests.test_calc.TestX.test_add", "tests.test_calc.TestX", "test_add"),
        ("tests/test_calc.py::test_p[1.5::x]", "tests/test_calc.py", "test_p[1.5::x]"),
        ("tests.test_calc.test_p[1.5]", "tests.test_calc", "test_p[1.5]"),
        ("test_lonely", None, "test_lonely"),
    ],
)
def test_ids_split_into_classname_and_name(
    tmp_path: Path, test_id: str, classname: str | None, name: str
) -> None:
    # Not as the reader would build them: the id alone must be split sensibly.
    test = TestResult("r.xml", test_id, (), None, "", None, None, Outcome.PASSED, (), None, None)
    path = write_evidence_junit(tmp_path / "e.xml", VerificationRun("x", [test], ()))

    case = next(iter(next(iter(xunit2.JUnitXml.fromfile(str(path))))))
    assert (case.classname, case.name, case.time) == (classname, name, None)
    assert properties(case)["kairos.id"] == test_id


def test_written_atomically_over_an_old_report(tmp_path: Path) -> None:
    path = tmp_path / "out" / "evidence.xml"
    path.parent.mkdir()
    path.write_text("old")
    write_evidence_junit(path, verification())
    assert path.read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in path.parent.iterdir()) == ["evidence.xml"]

    blocked = tmp_path / "blocked.xml"
    blocked.mkdir()  # a directory where the report should go: the rename fails
    with pytest.raises(OSError):
        write_evidence_junit(blocked, verification())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked.xml", "out"]
