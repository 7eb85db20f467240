"""The planning run's baseline test run: the configured tests, run in the jail on a copy
of the checkout, counted from the JUnit reports they write.

The checkout itself must stay untouched while planning (``git status --porcelain`` is
checked before the plan is posted), and tests write reports and caches; so they run in a
scratch copy, dependencies installed in the checkout included. Only the configured
``tests.run`` runs, never the command the survey found in a manifest: kairos counts tests
from the reports it knows where to find. A run that could not start, timed out or left
no report raises, and the plan says the baseline is missing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.errors import KairosError
from kairos_ci.plan.records import Baseline, ProjectCommand
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.evidence import run_tests
from kairos_ci.workspace.commands import CommandRunner

MAX_FAILING_IDS = 1000  # the plan schema's cap
MAX_ID_CHARS = 500
FAILING = (Outcome.FAILED, Outcome.ERRORED)


@dataclass(frozen=True)
class ConfiguredBaseline:
    """A ``BaselineRunner`` over the project's configured tests."""

    checkout: Path
    config: Config
    runner: CommandRunner

    def __call__(self, found: ProjectCommand) -> Baseline:
        run = self.config.tests.run
        if run is None:
            raise KairosError(
                f"tests.run is not configured (the survey found `{found.command}`); kairos "
                "counts tests only from the JUnit reports of the configured command"
            )
        with tempfile.TemporaryDirectory(prefix="kairos-baseline-") as scratch:
            copy = Path(scratch) / "tree"
            shutil.copytree(self.checkout, copy, symlinks=True)
            tests, command, errors = run_tests(copy, self.config, self.runner, run_commands=True)
        if command is None or command.exit_code is None:
            why = command.error if command is not None else ""
            raise KairosError(why or f"timed out after {self.runner.timeout_s:.0f}s")
        if not tests:
            unread = "; ".join(e.message for e in errors[:3])
            left = f"its reports could not be read: {unread}" if unread else "no JUnit report"
            raise KairosError(f"exited {command.exit_code} and left {left}")
        return baseline_of(run.text, tests)


def baseline_of(command: str, tests: tuple[TestResult, ...]) -> Baseline:
    """Counts by outcome (a flaky test passed in the end), and the failing ids as data."""
    failing = [t for t in tests if t.outcome in FAILING]
    ids = sorted({_plain_id(t.id) for t in failing if t.id.strip()})
    return Baseline(
        command=command[:MAX_ID_CHARS],
        passed=sum(1 for t in tests if t.outcome in (Outcome.PASSED, Outcome.FLAKY)),
        failed=len(failing),
        skipped=sum(1 for t in tests if t.outcome is Outcome.SKIPPED),
        failing_ids=tuple(ids[:MAX_FAILING_IDS]),
    )


def _plain_id(test_id: str) -> str:
    """One line, no control characters (the plan schema refuses them), capped."""
    return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in test_id)[:MAX_ID_CHARS]
