"""One JUnit XML report per verification: the tests before and after a fix, side by side.

The root ``<testsuites>`` (named after the run) holds two ``<testsuite>``s, ``before`` and
``after``, so JUnit reporters (dorny/test-reporter, EnricoMi's action) show both and
``kairos-ci parse junit`` reads the outcomes back. Kairos's marks are testcase properties:
``kairos.id`` (the full test id), ``kairos.target=true``, ``kairos.flaky=true``; each suite
has ``kairos.phase``, and ``kairos.truncated`` / ``kairos.omitted`` when testcases were cut.

Outcomes are written as they were: a test kairos judged flaky keeps its real outcome (the
property says not to count it). A test that failed and then passed in the same run has no
final result element (every reporter shows it passed) and keeps its failed attempts as
Surefire ``flakyFailure`` / ``flakyError`` elements, which kairos reads back as flaky.

EnricoMi's action keys tests by (classname, name), not by suite: a test present in both
suites is one test with two runs there, and its state is the worse of the two.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.records import VerificationRun

MAX_CASES = 20_000  # testcases per suite; the most telling ones are kept
MAX_SUITE_BYTES = 24 * 1024 * 1024  # both suites stay well under the reader's 100 MiB cap
MAX_MESSAGE_CHARS = 4_096  # the reader's own caps, so messages read back unchanged
MAX_DETAILS_CHARS = 16_384
MAX_ID_CHARS = 8_192  # no real test id is this long; a hostile one must not fill the file
MAX_INTERIM = 10  # failed attempts written for a test that passed on a retry

# XML 1.0 allows tab, LF, CR and nothing else below U+0020; no surrogates, U+FFFE or U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # colour codes in pytest and jest output
_PARAMS = re.compile(r"\[.*\]\Z", re.DOTALL)  # a parametrised test's "[...]" suffix

_FAILING = (Outcome.FAILED, Outcome.ERRORED)

_Element = Any  # a junitparser object: see _junitparser


@dataclass(frozen=True)
class _Marks:
    targets: frozenset[str]
    flaky: frozenset[str]


def write_evidence_junit(
    path: Path,
    run: VerificationRun,
    *,
    max_cases: int = MAX_CASES,
    max_suite_bytes: int = MAX_SUITE_BYTES,
) -> Path:
    """Write ``run`` as one JUnit XML file at ``path`` (atomically) and return ``path``."""
    marks = _Marks(frozenset(run.targets), frozenset(run.flaky))
    report = _junitparser().JUnitXml(_clean(run.name, MAX_ID_CHARS))
    for phase, tests in (("before", run.before), ("after", run.after)):
        report.add_testsuite(_suite(phase, tests, marks, max_cases, max_suite_bytes))
    report.update_statistics()
    _write_atomically(path, report)
    return path


def _suite(
    phase: str, tests: Sequence[TestResult], marks: _Marks, max_cases: int, max_bytes: int
) -> _Element:
    suite = _junitparser().TestSuite(phase)
    cases = _cases(tests, marks, max_cases, max_bytes)
    # Properties before testcases: the JUnit schema puts them first.
    suite.add_property("kairos.phase", phase)
    if len(cases) < len(tests):
        suite.add_property("kairos.truncated", "true")
        suite.add_property("kairos.omitted", str(len(tests) - len(cases)))
    suite.extend(cases)  # counters: once, for the whole report, in write_evidence_junit
    return suite


def _cases(
    tests: Sequence[TestResult], marks: _Marks, max_cases: int, max_bytes: int
) -> list[_Element]:
    """Testcases in their original order; over a cap, targets and failures are kept first."""
    kept: list[tuple[int, _Element]] = []
    size = 0
    for index in sorted(range(len(tests)), key=lambda i: _rank(tests[i], marks)):
        if len(kept) >= max_cases:
            break
        case = _case(tests[index], marks)
        size += len(case.tostring())
        if size > max_bytes:
            break
        kept.append((index, case))
    kept.sort(key=lambda pair: pair[0])
    return [case for _, case in kept]


def _rank(test: TestResult, marks: _Marks) -> int:
    if test.id in marks.targets:
        return 0
    if test.outcome in _FAILING:
        return 1
    if test.outcome == Outcome.FLAKY or test.id in marks.flaky:
        return 2
    return 3 if test.outcome == Outcome.SKIPPED else 4


def _case(test: TestResult, marks: _Marks) -> _Element:
    classname, name = _names(test)
    case = _junitparser().TestCase(
        _clean(name, MAX_ID_CHARS),
        _clean(classname, MAX_ID_CHARS) if classname else None,
        _seconds(test.duration_s),
    )
    _add_properties(case, _properties(test, marks))  # first child, as pytest writes them
    _locate(case, test)
    for result in _results(test):
        case.append(result)
    return case


def _names(test: TestResult) -> tuple[str | None, str]:
    """Classname and name; the reader's id is "classname::name", so that split comes back."""
    if test.classname and test.name and test.id == f"{test.classname}::{test.name}":
        return test.classname, test.name
    return _split_id(test.id)


def _split_id(test_id: str) -> tuple[str | None, str]:
    """``a/b.py::C::t[x.y]`` -> (``a/b.py::C``, ``t[x.y]``); ``a.b.C.t`` -> (``a.b.C``, ``t``).

    Parameters are left whole: they may hold ``::`` or dots of their own.
    """
    params = _PARAMS.search(test_id)
    head = test_id[: params.start()] if params else test_id
    tail = test_id[len(head) :]
    if "::" in head:
        owner, name = head.rsplit("::", 1)
    elif "." in head and "/" not in head and "\\" not in head:
        owner, name = head.rsplit(".", 1)
    else:
        return None, test_id
    if not owner or not name:
        return None, test_id
    return owner, name + tail


def _properties(test: TestResult, marks: _Marks) -> list[tuple[str, str]]:
    found = [("kairos.id", _clean(test.id, MAX_ID_CHARS))]
    if test.id in marks.targets:
        found.append(("kairos.target", "true"))
    if test.id in marks.flaky or test.outcome == Outcome.FLAKY:
        found.append(("kairos.flaky", "true"))
    if test.outcome == Outcome.FLAKY:
        found.append(("kairos.outcome", "flaky"))  # for reporters that ignore flakyFailure
    return found


def _add_properties(case: _Element, pairs: list[tuple[str, str]]) -> None:
    # By hand: junitparser only gained TestCase.add_property (xunit2) in 5.0.
    junitparser = _junitparser()
    properties = junitparser.Properties()
    for name, value in pairs:
        properties.add_property(junitparser.Property(name, value))
    case.append(properties)


def _locate(case: _Element, test: TestResult) -> None:
    # Reporters annotate on file/line; junitparser has no attribute for them, hence _elem.
    if test.path:
        case._elem.set("file", _clean(test.path, MAX_ID_CHARS))
    if test.line:
        case._elem.set("line", str(test.line))


def _results(test: TestResult) -> list[_Element]:
    junitparser = _junitparser()
    outcome = test.outcome
    if outcome == Outcome.FLAKY:
        return _interim(test)
    if outcome == Outcome.SKIPPED:
        return [junitparser.Skipped(_message(test.message))]
    if outcome not in _FAILING:
        return []
    kind = junitparser.Failure if outcome == Outcome.FAILED else junitparser.Error
    result = kind(_message(test.message))
    result.text = _details(test.details)
    return [result]


def _interim(test: TestResult) -> list[_Element]:
    """A pass after failures: the failed attempts as Surefire's flaky elements, no final one."""
    xunit2 = _junitparser().xunit2
    flaky = {Outcome.FAILED: xunit2.FlakyFailure, Outcome.ERRORED: xunit2.FlakyError}

    failed = [a for a in test.attempts if a.outcome in _FAILING][-MAX_INTERIM:]
    results = [flaky[a.outcome](_message(a.message)) for a in failed] or [
        xunit2.FlakyFailure(_message(test.message))  # a record without attempts: one stands in
    ]
    results[-1].text = _details(test.details)
    return results


def _message(text: str | None) -> str | None:
    return _clean(text, MAX_MESSAGE_CHARS) if text else None


def _details(text: str | None) -> str | None:
    return _clean(text, MAX_DETAILS_CHARS) if text else None


def _clean(text: str, limit: int) -> str:
    """At most ``limit`` characters (saying so when cut), and nothing XML 1.0 forbids."""
    if len(text) > limit:
        note = f"… [cut at {limit:,} of {len(text):,} characters]"
        text = text[: max(0, limit - len(note))] + note
    return _NOT_XML.sub("\ufffd", _ANSI.sub("", text))


def _seconds(duration: float | None) -> float | None:
    if duration is None or not math.isfinite(duration) or duration < 0:
        return None
    return duration


def _write_atomically(path: Path, report: _Element) -> None:
    """Readers see the old file or the whole new one, never a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            report.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).chmod(0o644)  # mkstemp makes it 0600; a report is meant to be shared
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _junitparser() -> Any:
    """junitparser, imported on first use (it loads lxml when installed). Untyped here: its
    annotations are partial (untyped calls under --strict) and vary across 3.2-5.x."""
    import junitparser.xunit2

    return junitparser
