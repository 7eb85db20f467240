"""A step attempt's evidence on disk: its suite runs as JUnit kairos reads back, its diff,
and its note; secrets redacted, sizes bounded, a full run saying what it left out."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from kairos_ci.agent.redact import MARK, Redactor
from kairos_ci.context import Secret
from kairos_ci.coordinator.evidence import AttemptEvidence, SuiteRun
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import Attempt, Outcome, ReportFormat, TestResult
from kairos_ci.stages.step_evidence import MAX_PATCH_CHARS, StepEvidence
from tests.stages.evidence_junit_test import result

TOKEN = "s3cret-value-of-the-run"
BROKEN = "tests/test_calc.py::test_mean"
DIFF = "diff --git a/calc/stats.py b/calc/stats.py\n+    return 0.0\n"


def suite(*tests: TestResult) -> SuiteRun:
    failing = tuple(t.id for t in tests if t.outcome in ("failed", "errored"))
    return SuiteRun(len(tests) - len(failing), failing, tests=tests)


def attempt(**changes: Any) -> AttemptEvidence:
    first = suite(result(BROKEN, "failed", f"token {TOKEN}"), result("t.py::test_ok", "passed"))
    note = "tests that passed at the base fail"
    kept = AttemptEvidence("S2", 1, 7, "failed", note, DIFF, (first, suite()))
    return replace(kept, **changes)


def evidence(folder: Path, max_run_bytes: int = 10**9) -> StepEvidence:
    return StepEvidence(folder, Redactor.of((Secret(TOKEN),)), max_run_bytes=max_run_bytes)


def test_an_attempt_leaves_its_suite_run_its_diff_and_its_note(tmp_path: Path) -> None:
    keep = evidence(tmp_path)
    keep(attempt())
    folder = tmp_path / "S2-attempt-1"
    assert sorted(p.name for p in folder.iterdir()) == ["attempt.json", "patch.diff", "suite-1.xml"]
    note = json.loads((folder / "attempt.json").read_text())
    assert note == {
        "step": "S2",
        "attempt": 1,
        "fence": 7,
        "verdict": "failed",
        "note": "tests that passed at the base fail",
        "junit": ["suite-1.xml"],  # the rerun read no test: no report for it
        "patch": "patch.diff",
        "suite_problems": [],
    }
    assert (folder / "patch.diff").read_text() == DIFF
    read = list(parse_report(folder / "suite-1.xml", ReportFormat.JUNIT))
    tests = {r.id: r for r in read if isinstance(r, TestResult)}
    assert tests[BROKEN].outcome == "failed" and tests["t.py::test_ok"].outcome == "passed"
    assert keep.problems == []


def test_secrets_in_test_output_the_diff_and_the_note_are_redacted(tmp_path: Path) -> None:
    leaky = result(BROKEN, "failed", f"env {TOKEN}", f"trace {TOKEN}")
    retried = result(
        "t.py::test_retried",
        "flaky",
        attempts=(
            Attempt(Outcome.FAILED, 0.1, f"first {TOKEN}"),
            Attempt(Outcome.PASSED, 0.1, None),
        ),
    )
    keep = evidence(tmp_path)
    changed = {"patch": f"+KEY = '{TOKEN}'\n", "note": f"saw {TOKEN}"}
    keep(attempt(suites=(suite(leaky, retried),), **changed))
    written = "".join(p.read_text() for p in (tmp_path / "S2-attempt-1").iterdir())
    assert TOKEN not in written
    assert written.count(MARK) >= 5  # message, details, the attempt's, the diff, the note


def test_a_long_diff_is_cut_and_says_so(tmp_path: Path) -> None:
    evidence(tmp_path)(attempt(patch="+x\n" * MAX_PATCH_CHARS))
    text = (tmp_path / "S2-attempt-1" / "patch.diff").read_text()
    assert len(text) < MAX_PATCH_CHARS + 100
    assert text.endswith(f"cut at {MAX_PATCH_CHARS:,} of {3 * MAX_PATCH_CHARS:,} characters]\n")


def test_past_the_runs_cap_files_are_left_out_but_each_note_is_kept(tmp_path: Path) -> None:
    keep = evidence(tmp_path, max_run_bytes=1)
    keep(attempt())
    keep(attempt(attempt=2, verdict="done"))
    assert sorted(p.name for p in (tmp_path / "S2-attempt-1").iterdir()) == [
        "attempt.json",
        "suite-1.xml",  # the first file is written: the cap is checked before each file
    ]
    assert [p.name for p in (tmp_path / "S2-attempt-2").iterdir()] == ["attempt.json"]
    second = json.loads((tmp_path / "S2-attempt-2" / "attempt.json").read_text())
    assert second["junit"] == [] and second["patch"] == "" and second["verdict"] == "done"
    assert len(keep.problems) == 3
    assert (
        keep.problems[0] == "S2-attempt-1/patch.diff left out: the run's evidence reached 1 bytes"
    )


def test_a_step_id_cannot_leave_the_folder_and_a_suite_that_did_not_run_is_noted(
    tmp_path: Path,
) -> None:
    keep = evidence(tmp_path / "work-1")
    keep(attempt(step_id="../../etc", suites=(SuiteRun(0, (), "no JUnit report"),), patch=""))
    [folder] = (tmp_path / "work-1").iterdir()
    assert folder.name == "..-..-etc-attempt-1"  # no separator: it stays inside
    note = json.loads((folder / "attempt.json").read_text())
    assert note["suite_problems"] == ["no JUnit report"] and note["patch"] == ""
    assert sorted(p.name for p in folder.iterdir()) == ["attempt.json"]


def test_a_folder_that_cannot_be_written_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the folder goes")
    keep = evidence(tmp_path / "taken")
    keep(attempt())
    assert len(keep.problems) == 1 and keep.problems[0].startswith("evidence of S2: ")
