"""Findings and failures on a diff, per filter mode; what is outside is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.diff.mapping import map_failures, map_findings
from kairos_ci.diff.parse import parse_diff
from kairos_ci.diff.records import FilterMode
from kairos_ci.signals import records
from kairos_ci.signals.findings import Reporter, Span, finding
from kairos_ci.signals.records import Attempt, Finding, Outcome, Severity
from tests.signals.helpers import read, results_of

DIFF = """diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -10,6 +10,7 @@ def main():
 context 10
 context 11
-old 12
+new 12
+new 13
 context 14
 context 15
 context 16
diff --git a/docs/readme.md b/docs/readme.md
deleted file mode 100644
--- a/docs/readme.md
+++ /dev/null
@@ -1 +0,0 @@
-gone
diff --git a/lib/old.py b/lib/new.py
similarity index 100%
rename from lib/old.py
rename to lib/new.py
"""


def lint(
    path: str | None, start: int | None, end: int | None = None, message: str = "m"
) -> Finding:
    source = Reporter("r.json", "t", None, 100)
    return finding(
        source, rule="R", severity=Severity.WARNING, at=Span(path, start, end), message=message
    )


FINDINGS = {
    "added": lint("src/app.py", 12),
    "span": lint("src/app.py", 8, 13),  # starts before the hunk, ends on an added line
    "context": lint("src/app.py", 15),
    "same-file": lint("src/app.py", 40),
    "whole-file": lint("src/app.py", None),
    "renamed": lint("lib/new.py", 3),
    "deleted": lint("docs/readme.md", 1),
    "untouched": lint("other.py", 1),
    "no-path": lint(None, None),
}

EXPECTED_INSIDE = {
    FilterMode.ADDED: {"added", "span"},
    FilterMode.DIFF_CONTEXT: {"added", "span", "context"},
    FilterMode.FILE: {"added", "span", "context", "same-file", "whole-file", "renamed"},
    FilterMode.NOFILTER: set(FINDINGS),
}


@pytest.mark.parametrize("mode", list(FilterMode))
def test_filter_modes(mode: FilterMode) -> None:
    names = {id(f): name for name, f in FINDINGS.items()}
    mapped = map_findings(FINDINGS.values(), parse_diff(DIFF), mode)
    inside = {names[id(p.subject)] for p in mapped.inside}
    outside = {names[id(p.subject)] for p in mapped.outside}
    assert inside == EXPECTED_INSIDE[mode]
    assert outside == set(FINDINGS) - inside  # nothing dropped


def test_placement_line_and_commentable() -> None:
    diff = parse_diff(DIFF)
    [span] = map_findings([FINDINGS["span"]], diff).inside
    assert (span.line, span.end_line, span.commentable, span.via) == (12, 13, True, "report")
    [context] = map_findings([FINDINGS["context"]], diff, FilterMode.DIFF_CONTEXT).inside
    assert (context.line, context.commentable) == (15, True)
    [far] = map_findings([FINDINGS["same-file"]], diff, FilterMode.FILE).inside
    assert (far.line, far.commentable) == (40, False)  # a file-level note, not a line comment
    [huge] = map_findings([lint("src/app.py", 1, 5_000_000)], diff).inside
    assert huge.line == 12


def failing(
    name: str,
    *,
    path: str | None = None,
    line: int | None = None,
    details: str | None = None,
    classname: str | None = None,
    outcome: Outcome = Outcome.FAILED,
) -> records.TestResult:
    return records.TestResult(
        file="junit.xml",
        id=name,
        suite=(),
        classname=classname,
        name=name,
        path=path,
        line=line,
        outcome=outcome,
        attempts=(Attempt(outcome if outcome is not Outcome.FLAKY else Outcome.FAILED, None, "x"),),
        duration_s=None,
        message="x",
        details=details,
    )


def test_failures_by_testcase_then_stack_then_classname() -> None:
    diff = parse_diff(DIFF)
    tracked = ["src/app.py", "tests/test_app.py", "lib/new.py", "tests/test_other.py"]
    tests = [
        failing("own-line", path="/ci/work/repo/src/app.py", line=13),
        failing(
            "stack",
            path="tests/test_app.py",
            line=5,
            details='File "/ci/work/repo/tests/test_app.py", line 5, in t\n'
            'File "/ci/work/repo/src/app.py", line 12, in main\nValueError',
        ),
        failing("class", classname="tests.test_other.TestX"),
        failing("nowhere"),
        failing("flaky", path="src/app.py", line=12, outcome=Outcome.FLAKY),
        failing("passed", path="src/app.py", line=12, outcome=Outcome.PASSED),
    ]
    mapped = map_failures(tests, diff, FilterMode.ADDED, tracked)
    inside = {p.subject.name: p for p in mapped.inside}  # type: ignore[union-attr]
    outside = {p.subject.name: p for p in mapped.outside}  # type: ignore[union-attr]
    assert set(inside) == {"own-line", "stack", "flaky"}
    assert (inside["own-line"].path, inside["own-line"].via) == ("src/app.py", "testcase")
    assert (inside["stack"].path, inside["stack"].line, inside["stack"].via) == (
        "src/app.py",
        12,
        "stack",
    )
    assert set(outside) == {"class", "nowhere"}  # "passed" is not a failure
    assert (outside["class"].path, outside["class"].via) == ("tests/test_other.py", "classname")
    assert (outside["nowhere"].path, outside["nowhere"].via) == (None, "none")


def test_dorny_java_stack_trace_resolves_against_git_ls_files(shared_dir: Path) -> None:
    """The pulsar report prints only ``AddMissingPatchVersionTest.java:29``; the listing of
    tracked files places it in the right module, as dorny/test-reporter does."""
    base = shared_dir / "corpus/junit/dorny-test-reporter/fixtures/external/java"
    tracked = (base / "files.txt").read_text("utf-8").splitlines()
    # TestNG lists a data-provider test once per invocation, with no sign of a rerun:
    # two distinct tests, a skipped one and the failed one this test places.
    skipped, test = results_of(read(base / "TEST-org.apache.pulsar.AddMissingPatchVersionTest.xml"))
    assert (skipped.outcome, test.outcome, test.id) == ("skipped", "failed", f"{skipped.id}#2")
    target = "pulsar-common/src/test/java/org/apache/pulsar/AddMissingPatchVersionTest.java"
    diff = parse_diff(f"--- a/{target}\n+++ b/{target}\n@@ -28,2 +28,2 @@\n context\n-old\n+new\n")
    [placed] = map_failures([test], diff, FilterMode.ADDED, tracked).inside
    assert (placed.path, placed.line, placed.via) == (target, 29, "stack")
    elsewhere = parse_diff("--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n")
    [kept] = map_failures([test], elsewhere, FilterMode.ADDED, tracked).outside
    assert (kept.path, kept.line) == (target, 29)  # still located, for the summary
