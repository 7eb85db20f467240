"""Verify an agent's fix the way a reviewer would, with the project's own tests.

The patch is applied to a fresh scratch checkout of the base, so what is verified is
exactly what would be published (nothing the agent's own test runs left behind). Then
the full configured test run and the linters are compared with the base:

- every target test goes from failing to passing;
- no test that passed on the base fails now, or disappears (JUnit, test by test);
- no linter reports more findings than on the base.

The test-integrity guard's verdicts and the protected-path check come from the attempt;
when the patch changes tests, the cross-runs add what the tests do against the other
side's code. None of them refuses the change: they cap it at suggest, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent.records import FixAttempt
from kairos_ci.config.records import Config
from kairos_ci.guard.records import GuardReport, GuardVerdict
from kairos_ci.policy.records import Violation
from kairos_ci.stages.checks import tests_no_worse, tests_see_the_patch
from kairos_ci.stages.cross_runs import Sides, changed_tests, cross
from kairos_ci.stages.evidence import Evidence, gather
from kairos_ci.stages.records import Check
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout

MAX_LISTED = 5


@dataclass(frozen=True)
class Verified:
    checks: tuple[Check, ...]
    after: Evidence | None  # None when the patch did not even apply
    crossed: tuple[GuardVerdict, ...] = ()  # what the cross-runs found about changed tests


def verify(
    repo: Path,
    base_sha: str,
    config: Config,
    runner: CommandRunner,
    base: Evidence,
    attempt: FixAttempt,
    targets: Sequence[str],
) -> Verified:
    integrity = (guard_check(attempt.guard), protected_check(attempt.protected))
    with scratch_checkout(repo, base_sha) as scratch:
        applied = scratch.git.run(
            "apply", "--index", "--binary", "-", input=attempt.patch.encode(), check=False
        )
        if applied.returncode != 0:
            why = applied.stderr.decode("utf-8", "replace").strip()[:300]
            return Verified((Check("patch applies", False, why), *integrity), None)
        after = gather(scratch.path, config, runner, run_commands=True)
        sides = Sides(repo, base_sha, config, runner, base, after)
        crossed = cross(sides, scratch, changed_tests(attempt))
    checks = (
        targets_pass(targets, base, after),
        tests_see_the_patch(after),
        tests_no_worse(base, after),
        lint_no_worse(base, after),
        *integrity,
        *((crossed.check,) if crossed.check is not None else ()),
    )
    return Verified(checks, after, crossed.verdicts)


def targets_pass(targets: Sequence[str], base: Evidence, after: Evidence) -> Check:
    before = {t.id: t.outcome for t in base.tests}
    now = {t.id: t.outcome for t in after.tests}
    moves = [
        f"{t}: {before.get(t, 'not reported')} -> {now.get(t, 'not reported')}" for t in targets
    ]
    failing = [t for t in targets if now.get(t) != "passed"]
    detail = "; ".join(moves[:MAX_LISTED])
    if len(moves) > MAX_LISTED:
        detail += f"; and {len(moves) - MAX_LISTED} more"
    if failing:
        detail = f"{len(failing)} of {len(targets)} still not passing: " + detail
    return Check("target tests now pass", not failing, detail)


def lint_no_worse(base: Evidence, after: Evidence) -> Check:
    if not base.lint:
        return Check("lint no worse", True, "no linters are configured")
    counts = [
        (lint.linter, len(lint.findings), len(after.findings_of(lint.linter))) for lint in base.lint
    ]
    # A linter that ran before the fix and not after is worse: its silence proves nothing.
    worse = [
        name
        for name, before, now in counts
        if now > before or (after.did_not_run(name) and not base.did_not_run(name))
    ]
    detail = ", ".join(
        f"{name}: did not run" if after.did_not_run(name) else f"{name}: {before} -> {now}"
        for name, before, now in counts
    )
    return Check("lint no worse", not worse, detail)


def guard_check(report: GuardReport) -> Check:
    flagged = report.flagged
    if not flagged:
        return Check(
            "test-integrity guard", True, f"no test weakened ({report.files} files checked)", False
        )
    shown = "; ".join(str(v) for v in flagged[:MAX_LISTED])
    return Check("test-integrity guard", False, f"{len(flagged)} flagged: {shown}", False)


def protected_check(found: Sequence[Violation]) -> Check:
    if not found:
        return Check("no protected path touched", True, "none touched", False)
    shown = "; ".join(v.reason for v in found[:MAX_LISTED])
    return Check("no protected path touched", False, shown, False)
