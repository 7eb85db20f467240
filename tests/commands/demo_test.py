"""`kairos-ci demo` end to end: three real nights against the sandbox, offline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_shows_what_the_nights_did(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ANTHROPIC_"))}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "demo", "--out", str(report)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert elapsed < 60
    text = report.read_text()
    assert text in done.stdout  # the report is printed as well as written
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
