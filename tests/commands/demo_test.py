"""`kairos-ci demo` end to end: three real nights against the sandbox, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_shows_what_the_nights_did(tmp_path: Path) -> None:
    checkout, reports = tmp_path / "checkout", tmp_path / "reports"
    checkout.mkdir()
    reports.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ANTHROPIC_"))}
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "demo", "--out", str(reports)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(checkout.iterdir()) == []  # nothing left where it ran
    text = (reports / "kairos-demo-report.md").read_text()  # --out DIR: a file in it
    assert text in done.stdout  # the report is printed as well as written
    assert "night 1: 3 done (writes to GitHub and memory), 1 skipped (tasks not done" in (
        done.stdout
    )
    assert "- **skipped**: tasks kairos did not do this night, each with the reason" in text
    assert "- **failing**: failing now, on too few commits yet to call it broken" in text
    night = {n: text.split(f"## Night {n}")[1].split("## ")[0] for n in (1, 2, 3)}
    assert "pull request kairos/fix-lint/ruff -> main: applied (created)" in night[1]
    for n in (2, 3):  # opened once, then left alone
        assert "kairos/fix-lint/ruff: PR #1 already has this change" in night[n]
        assert "pull request" not in night[n]
    assert "- PR #1 [open] Fix 2 ruff findings (`kairos/fix-lint/ruff`)" in text
    assert "- 3 runs recorded" in text
    flaky = "`tests.test_stats::test_mode_of_generated_sample`"
    assert f"{flaky}: flaky (history: passed failed passed)" in text
    assert "test_mean_of_empty_is_zero): fixing a failing test needs a model" in night[3]
    assert "| `tests.test_stats::test_mode_of_generated_sample` | flaky |" in text
    # One word for the failing test everywhere: the dashboard's.
    failing = "`tests.test_stats::test_mean_of_empty_is_zero`"
    assert f"{failing}: failing (history: failed failed failed)" in text
    assert f"| {failing} | failing |" in text
    assert f"{failing}: new" not in text
    assert "- tests: 1 failed, 3 passed (the sample project's tests, by outcome)" in night[1]
    # The lint fix, as the pull request's diff.
    diff = text.split("## PR #1: the lint fix")[1].split("### PR #1 body")[0]
    assert "```diff\ndiff --git a/calc/stats.py b/calc/stats.py\n" in diff
    assert "\n-import os\n" in diff and '\n+    label = "summary"\n' in diff
    assert "- #1 `kairos/fix-lint/ruff`: fix_lint (open), by run night-1" in text
    assert "```mermaid\nxychart-beta\n" in text


def test_without_out_the_demo_writes_no_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ANTHROPIC_"))}
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# kairos-ci demo" in done.stdout and "Report written" not in done.stdout
    assert list(tmp_path.iterdir()) == []
