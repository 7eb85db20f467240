"""Cross-runs: the changed test files run against the other side's code, in the jail.

- the base's versions of the changed tests on the patched code: an honest fix passes
  them, unless changing the test is the point;
- the patched tests on the base code: a test that failed there and now passes on that
  same unfixed code no longer detects the bug.

Each is one extra run of just the changed test files. The guard's ``cross_run_verdicts``
judges the outcomes; this module only runs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent.records import FixAttempt
from kairos_ci.config.records import Config
from kairos_ci.guard.classify import is_protected_test_path
from kairos_ci.guard.crossrun import CrossOutcome, CrossRuns, cross_run_verdicts
from kairos_ci.guard.records import GuardVerdict
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.evidence import Evidence, run_tests
from kairos_ci.stages.records import Check
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, scratch_checkout

_OUTCOMES = {
    "passed": CrossOutcome.PASSED,
    "flaky": CrossOutcome.PASSED,
    "failed": CrossOutcome.FAILED,
    "errored": CrossOutcome.FAILED,
    "skipped": CrossOutcome.SKIPPED,
}


@dataclass(frozen=True)
class Sides:
    """What the cross-runs need: both trees' code and the two full test runs."""

    repo: Path
    base_sha: str
    config: Config
    runner: CommandRunner
    base: Evidence  # the full run on the base
    after: Evidence  # the full run on the patched tree


@dataclass(frozen=True)
class Crossed:
    verdicts: tuple[GuardVerdict, ...]
    check: Check | None  # None when no test file changed: nothing to cross


def changed_tests(attempt: FixAttempt) -> tuple[str, ...]:
    """Changed test files that still exist after the patch (the ones that can run)."""
    return tuple(
        sorted(
            c.path
            for c in attempt.changed
            if is_protected_test_path(c.path) and c.path.endswith(".py")
        )
    )


def cross(sides: Sides, patched: Scratch, tests: tuple[str, ...]) -> Crossed:
    """Run both crossings; ``patched`` holds the fix and is changed by the first run."""
    if not tests or sides.config.tests.run is None:
        return Crossed((), None)
    head_versions = {path: (patched.path / path).read_bytes() for path in tests}
    base_on_head = _base_tests_on(patched, tests, sides)
    with scratch_checkout(sides.repo, sides.base_sha) as unfixed:
        head_on_base = _head_tests_on(unfixed, head_versions, sides)
    runs = CrossRuns(
        base_on_base=outcomes(sides.base.tests),
        base_on_head=base_on_head,
        head_on_base=head_on_base,
        head_on_head=outcomes(sides.after.tests),
    )
    verdicts = tuple(cross_run_verdicts(runs))
    return Crossed(verdicts, _check(verdicts, base_on_head, head_on_base))


def outcomes(tests: Iterable[TestResult]) -> dict[str, CrossOutcome]:
    return {t.id: _OUTCOMES.get(t.outcome, CrossOutcome.FAILED) for t in tests}


def _base_tests_on(
    patched: Scratch, tests: tuple[str, ...], sides: Sides
) -> dict[str, CrossOutcome]:
    git = patched.git
    existing = [p for p in tests if _in_base(patched, p)]
    if not existing:
        return {}
    git.run("checkout", "--quiet", patched.base_sha, "--", *existing)
    ran, _, _ = run_tests(
        patched.path, sides.config, sides.runner, run_commands=True, selected=tuple(existing)
    )
    return outcomes(ran)


def _head_tests_on(
    unfixed: Scratch, versions: Mapping[str, bytes], sides: Sides
) -> dict[str, CrossOutcome]:
    for path, content in versions.items():
        target = unfixed.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    selected = tuple(versions)
    ran, _, _ = run_tests(
        unfixed.path, sides.config, sides.runner, run_commands=True, selected=selected
    )
    return outcomes(ran)


def _in_base(scratch: Scratch, path: str) -> bool:
    found = scratch.git.run("cat-file", "-e", f"{scratch.base_sha}:{path}", check=False)
    return found.returncode == 0


def _check(
    verdicts: tuple[GuardVerdict, ...],
    base_on_head: Mapping[str, CrossOutcome],
    head_on_base: Mapping[str, CrossOutcome],
) -> Check:
    detail = (
        f"base tests on the fix: {_tally(base_on_head)}; "
        f"changed tests on the unfixed base: {_tally(head_on_base)}"
    )
    flagged = [v for v in verdicts if v.flagged]
    if flagged:
        detail += "; " + "; ".join(f"{v.rule} [{v.test}]: {v.message}" for v in flagged[:3])
    # Like the guard, a finding caps the change at suggest; it never refuses it.
    return Check("cross-runs", not flagged, detail, blocking=False)


def _tally(found: Mapping[str, CrossOutcome]) -> str:
    if not found:
        return "nothing ran"
    counts = {o: sum(1 for v in found.values() if v is o) for o in CrossOutcome}
    return ", ".join(f"{n} {o}" for o, n in counts.items() if n)
