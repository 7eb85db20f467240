"""JUnit readers against the real reports in ../shared/corpus and their expected results.

Oracles: EnricoMi's ``*.results.json`` (tests and runs per outcome), go-junit-report's and
gotestsum's golden XML (their suite counters), and named files whose content we checked.
Where we knowingly count differently, the test says so and why.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kairos_ci.signals.junit_build import SUITE_TEST
from kairos_ci.signals.records import Outcome, SuiteTotals
from tests.conftest import shared_path
from tests.signals.helpers import by_id, errors_of, notices, read, results_of

ENRICOMI = "junit/enricomi-publish-unit-test-result-action"


def _expected_results() -> list[str]:
    base = shared_path() / "corpus" / ENRICOMI
    found = []
    for expected in sorted(base.rglob("*.results.json")) if base.is_dir() else []:
        stem = expected.name.removesuffix(".results.json")
        for report in sorted(expected.parent.glob(f"{stem}.*")):
            # NUnit, TRX, xUnit.net, Dart and Mocha JSON are not formats kairos reads; the
            # action's own conversion of each to JUnit (*.junit-xml) is, with the same counts.
            name = report.relative_to(base).as_posix()
            if report.suffix == ".junit-xml" or (
                report.suffix == ".xml" and name.startswith("junit-xml/")
            ):
                found.append(name)
    return found


# EnricoMi counts a run (a testcase element) by its results in a way we do not:
RUNS_DIFFER = {
    # Three result children in one element: they count skip+fail+error runs and end at
    # runs_succ == -2; one element is one run, and the most severe result decides it.
    "junit-xml/junit.multiresult.xml",
    "junit-xml/junit.multiresult.junit-xml",
    # An Inconclusive NUnit test converted with a <skipped> child: they count the run as a
    # success (but the test as skipped); a <skipped> child makes the run skipped for us.
    "nunit/nunit3/jenkins/NUnit-issue33493.junit-xml",
}


@pytest.mark.parametrize("name", _expected_results())
def test_enricomi_expected_counts(shared_dir: Path, name: str) -> None:
    report = shared_dir / "corpus" / ENRICOMI / name
    stem = report.name.removesuffix(report.suffix)
    stats = json.loads((report.parent / f"{stem}.results.json").read_text("utf-8"))["stats"]
    records = read(report)
    assert errors_of(records) == []
    tests = results_of(records)
    by_outcome = Counter(t.outcome for t in tests)
    # A test that failed and then passed counts as failed for them (most severe wins) and
    # as flaky for us; no file with expectations has such a test, so the sums must agree.
    assert by_outcome[Outcome.FLAKY] == 0
    # They merge same-named testcases into one test always; we do only where the report
    # shows reruns. Where we kept them apart (the notice says so), each is one of their runs.
    level = (
        "runs" if any("kept as distinct tests" in n.message for n in notices(records)) else "tests"
    )
    assert (len(tests), by_outcome[Outcome.PASSED], by_outcome[Outcome.SKIPPED]) == (
        stats[level],
        stats[f"{level}_succ"],
        stats[f"{level}_skip"],
    )
    assert (by_outcome[Outcome.FAILED], by_outcome[Outcome.ERRORED]) == (
        stats[f"{level}_fail"],
        stats[f"{level}_error"],
    )
    assert sum(len(t.attempts) for t in tests) == stats["runs"]
    runs = Counter(a.outcome for t in tests for a in t.attempts)
    ours = [
        runs[Outcome.PASSED],
        runs[Outcome.SKIPPED],
        runs[Outcome.FAILED],
        runs[Outcome.ERRORED],
    ]
    theirs = [stats[f"runs_{k}"] for k in ("succ", "skip", "fail", "error")]
    assert (ours == theirs) is (name not in RUNS_DIFFER)


def test_foreign_test_formats_are_named(shared_dir: Path) -> None:
    base = shared_dir / "corpus" / ENRICOMI
    cases = {
        "nunit/nunit3/jenkins/NUnit-correct.xml": "NUnit 2 XML",
        "nunit/nunit3/jenkins/NUnit-issue44527.xml": "NUnit 3 XML",
        "xunit/mstest/pickles.xml": "xUnit.net XML",
        "trx/nunit/SilentNotes.trx": "Visual Studio TRX",
        "mocha/tests.json": "not SARIF, ruff, ESLint or pylint",
    }
    for name, words in cases.items():
        [error] = read(base / name)
        assert error.kind == "error" and words in error.message, name


def test_enricomi_expected_parse_errors(shared_dir: Path) -> None:
    base = shared_dir / "corpus" / ENRICOMI
    for expected in sorted(base.rglob("*.exception")):
        stem = expected.name.removesuffix(".exception")
        reports = [p for p in expected.parent.glob(f"{stem}.*") if p.suffix in (".xml", ".json")]
        for report in reports:  # json/not-existing.exception has no input file, as intended
            records = read(report)
            assert errors_of(records), report
            assert results_of(records) == [], report
    assert "empty file" in errors_of(read(base / "xml/empty.xml"))[0].message
    xxe = errors_of(read(base / "nunit/nunit3/jenkins/NUnit-sec1752-https.xml"))[0]
    assert "DOCTYPE" in xxe.message  # refused before any entity could be resolved


def _golden() -> list[str]:
    base = shared_path() / "corpus" / "junit"
    files = [*base.glob("jstemmer-go-junit-report/*-report.xml")]
    files += base.glob("gotestyourself-gotestsum/*.golden")
    return sorted(p.relative_to(base).as_posix() for p in files) if base.is_dir() else []


def _suite_counters(path: Path) -> Counter[str]:
    # The expected counts are the golden file's own <testsuite> counters, read with lxml
    # (a test-only dependency) so the oracle does not share code with the reader.
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    counts: Counter[str] = Counter()
    for suite in root.iter("testsuite"):
        for key in ("tests", "failures", "errors", "skipped"):
            counts[key] += int(suite.get(key) or 0)
    return counts


@pytest.mark.parametrize("name", _golden())
def test_go_golden_reports_match_their_suite_counters(shared_dir: Path, name: str) -> None:
    path = shared_dir / "corpus" / "junit" / name
    records = read(path)
    assert errors_of(records) == []
    tests = results_of(records)
    totals = [r for r in records if isinstance(r, SuiteTotals)]
    by_outcome = Counter(t.outcome for t in tests)
    ours = {
        "tests": len(tests) + sum(t.tests for t in totals),
        "failures": by_outcome[Outcome.FAILED] + sum(t.failed for t in totals),
        "errors": by_outcome[Outcome.ERRORED] + sum(t.errored for t in totals),
        "skipped": by_outcome[Outcome.SKIPPED] + sum(t.skipped for t in totals),
    }
    expected = dict(_suite_counters(path))
    expected = {k: expected.get(k, 0) for k in ours}
    if name.startswith("gotestyourself-gotestsum/"):
        # gotestsum writes a synthetic failing TestMain testcase for a package that failed
        # outside any test, but leaves it out of that suite's counters (tests="0"). We
        # count the testcase: it is a real failure of the run.
        expected = {
            **expected,
            "tests": expected["tests"] + 1,
            "failures": expected["failures"] + 1,
        }
        assert by_id(records)["gotest.tools/gotestsum/testjson/internal/badmain::TestMain"]
    assert ours == expected


def corpus(shared: Path, rel: str) -> Path:
    return shared / "corpus" / "junit" / rel


def test_surefire_flaky_report(shared_dir: Path) -> None:
    path = corpus(
        shared_dir,
        "apache-maven-surefire/surefire-report-parser/src/test/resources/fixture/"
        "testsuitexmlparser/TEST-org.acme.FlakyTest.xml",
    )
    got = by_id(read(path))
    flaky = got["org.acme.FlakyTest::testFlaky"]
    assert flaky.outcome is Outcome.FLAKY
    assert [a.outcome for a in flaky.attempts][-1] is Outcome.PASSED
    assert len(flaky.attempts) > 1
    assert "FlakyTest.java:18" in (flaky.details or "")


def test_rerun_failures_that_never_pass(shared_dir: Path) -> None:
    path = corpus(shared_dir, "jenkinsci-junit-plugin/gh-237/TEST-io.olamy.AlwaysFailTest.xml")
    [test] = results_of(read(path))
    assert test.outcome is Outcome.FAILED
    assert len(test.attempts) >= 2
    assert all(a.outcome is Outcome.FAILED for a in test.attempts)


def test_junit_plugin_huge_report(shared_dir: Path) -> None:
    records = read(corpus(shared_dir, "jenkinsci-junit-plugin/junit-report-huge.xml"))
    tests = results_of(records)
    assert errors_of(records) == []
    assert sum(len(t.attempts) for t in tests) >= 7_580  # reruns add attempts
    by_outcome = Counter(t.outcome for t in tests)
    assert by_outcome[Outcome.FLAKY] > 0 and by_outcome[Outcome.FAILED] > 0
    assert all(t.duration_s is None or t.duration_s >= 0 for t in tests)  # negative times


def test_googletest_disabled_status(shared_dir: Path) -> None:
    records = read(corpus(shared_dir, "mikepenz-action-junit-report/issues/testDisabled.xml"))
    by_outcome = Counter(t.outcome for t in results_of(records))
    # The suite says tests=22 disabled=10 failures=4 errors=2.
    assert by_outcome == {
        Outcome.SKIPPED: 10,
        Outcome.FAILED: 4,
        Outcome.ERRORED: 2,
        Outcome.PASSED: 6,
    }


def test_mikepenz_retries(shared_dir: Path) -> None:
    base = "mikepenz-action-junit-report/flaky_retries/"
    got = by_id(
        read(
            corpus(shared_dir, base + "flaky_with_classname_file.xml"), root="/home/runner/work/foo"
        )
    )
    # Three same-named testcases and no sign of reruns (no rerun elements or properties, no
    # repeated suite): three distinct tests, as a jest or mocha report could mean, and so
    # nothing here is called flaky.
    foo = [got[f"test_foo.TestFoo::test_foo{n}"] for n in ("", "#2", "#3")]
    assert [t.outcome for t in foo] == [Outcome.FAILED, Outcome.ERRORED, Outcome.PASSED]
    assert all((t.path, t.line, t.merged_by) == ("bar/test_foo.py", 42, None) for t in foo)
    assert got["test_bar.TestBar::test_foo"].outcome is Outcome.PASSED  # other class
    first = results_of(read(corpus(shared_dir, base + "flaky_success_first.xml")))
    assert [t.outcome for t in first] == [Outcome.PASSED, Outcome.FAILED, Outcome.ERRORED]


def test_nested_testsuites_from_three_producers(shared_dir: Path) -> None:
    nested = read(corpus(shared_dir, "jenkinsci-junit-plugin/junit-report-nested-testsuites.xml"))
    assert all(len(t.suite) >= 2 for t in results_of(nested))
    mike = results_of(read(corpus(shared_dir, "mikepenz-action-junit-report/nested/junit.xml")))
    assert len(mike) == 5


def test_bad_durations(shared_dir: Path) -> None:
    first, second = results_of(
        read(corpus(shared_dir, "jenkinsci-junit-plugin/junit-report-bad-duration.xml"))
    )
    # The same testcase twice (time -345345, then 100) with no sign of reruns: two tests,
    # and the negative time is dropped instead of being read as a duration.
    assert (first.id, second.id) == ("DummyTest::testDummyMethod", "DummyTest::testDummyMethod#2")
    assert (first.duration_s, second.duration_s) == (None, 100.0)


def test_xxe_probe_is_refused(shared_dir: Path) -> None:
    [error] = read(corpus(shared_dir, "jenkinsci-junit-plugin/testXxe-xxe.xml"))
    assert error.kind == "error" and "DOCTYPE" in error.message


def test_failsafe_summary_is_not_a_test_report(shared_dir: Path) -> None:
    path = corpus(
        shared_dir,
        "apache-maven-surefire/surefire-report-parser/src/test/resources/fixture/"
        "testsuitexmlparser/failsafe-summary-old.xml",
    )
    [error] = read(path)
    assert "Failsafe summary" in error.message


DORNY_OUTPUTS = {
    "jest-react-component-test-results.md": "external/jest/jest-react-component-test-results.xml",
    "junit-complete.md": "external/java/junit4-complete.xml",
    "phpunit-junit-basic-results.md": "external/phpunit/junit-basic.xml",
    "phpunit-test-results.md": "phpunit/phpunit.xml",
    "python-xunit-pytest.md": "python-xunit-pytest.xml",
    "swift-xunit.md": "swift-xunit.xml",
    "tester-bootstrap-test-results.md": "nette-tester/BootstrapFormRenderer-report.xml",
}


@pytest.mark.parametrize("output", sorted(DORNY_OUTPUTS))
def test_dorny_rendered_counts(shared_dir: Path, output: str) -> None:
    base = shared_dir / "corpus/junit/dorny-test-reporter"
    text = (base / "__outputs__" / output).read_text("utf-8")
    found = re.search(
        r"\*\*(\d+)\*\* tests were completed in .*? with \*\*(\d+)\*\* passed, "
        r"\*\*(\d+)\*\* failed and \*\*(\d+)\*\* skipped",
        text,
    )
    assert found is not None
    total, passed, failed, skipped = (int(n) for n in found.groups())
    tests = results_of(read(base / "fixtures" / DORNY_OUTPUTS[output]))
    by_outcome = Counter(t.outcome for t in tests)
    # dorny reports failures and errors together as "failed".
    assert (len(tests), by_outcome[Outcome.PASSED], by_outcome[Outcome.SKIPPED]) == (
        total,
        passed,
        skipped,
    )
    assert by_outcome[Outcome.FAILED] + by_outcome[Outcome.ERRORED] == failed


def test_junitparser_agrees_on_plain_reports(shared_dir: Path) -> None:
    """junitparser (on a hardened lxml parser) as an independent oracle: per testcase
    element, the most severe result. Its base model ignores flaky/rerun elements and
    ``status`` attributes and rejects a bare <testcase> root, so those files are left to
    the tests above."""
    from junitparser import Error, Failure, JUnitXml, Skipped
    from lxml import etree

    def hardened(source: str) -> etree._ElementTree:
        return etree.parse(source, etree.XMLParser(resolve_entities=False, no_network=True))

    compared = 0
    for path in sorted((shared_dir / "corpus/junit").rglob("*")):
        if not path.is_file() or path.suffix not in (".xml", ".junit-xml", ".golden", ".txt"):
            continue
        records = read(path)
        raw = path.read_bytes()
        special = (b"flakyFailure", b"flakyError", b"rerunFailure", b"rerunError", b"status=")
        if errors_of(records) or not results_of(records) or any(s in raw for s in special):
            continue
        tree = hardened(str(path))
        if tree.getroot().tag == "testcase":
            continue
        theirs: Counter[str] = Counter()
        for suite in JUnitXml.fromroot(tree.getroot()):
            for case in suite:
                kinds = {type(result) for result in case.result}
                theirs[
                    "errored" if Error in kinds
                    else "failed" if Failure in kinds
                    else "skipped" if Skipped in kinds
                    else "passed"
                ] += 1  # fmt: skip
        # A suite's own <error> (no testcase) is a test for us; junitparser does not see it.
        tests = [t for t in results_of(records) if t.name != SUITE_TEST]
        ours = Counter(a.outcome.value for t in tests for a in t.attempts)
        assert ours == theirs, path
        compared += 1
    assert compared >= 160
