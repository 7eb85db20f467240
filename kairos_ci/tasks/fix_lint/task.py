"""Task ``fix_lint``: the linter's own fix command, verified before anyone sees it.

The fix runs in a scratch checkout of the default branch. It counts only if the
linter's findings go down, no test that passed on the base fails, and no protected
path is touched. Within one run the suite runs once per patched tree: two linters whose
fixes leave the same tree share one verification. Across runs, an open change whose
recorded verification ran on this base tree, config and tools (``stages.fingerprint``) is
not run again: fix, suite and linters would say what its pull request already says.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from kairos_ci.config.records import Config, LinterConfig
from kairos_ci.memory.records import Work, WorkState
from kairos_ci.policy import protected
from kairos_ci.policy.records import Violation
from kairos_ci.stages.checks import tests_no_worse, tests_see_the_patch
from kairos_ci.stages.evidence import Evidence, gather
from kairos_ci.stages.fingerprint import Fingerprint
from kairos_ci.stages.records import Check, ProposedChange, Skipped, VerificationRun
from kairos_ci.stages.state import Worked
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, changed_paths, scratch_checkout, symlinks_at

_log = logging.getLogger(__name__)

# The evidence gathered on each patched tree this run, by git tree id.
Verified = dict[str, Evidence]


def fix_linters(
    repo: Path,
    base_sha: str,
    config: Config,
    runner: CommandRunner,
    base: Evidence,
    work: Mapping[str, Work] | None = None,
) -> Worked:
    """The task's one entry: each linter's own fix command, each fix verified, unless the
    open kairos work (``work``, by branch) already holds that verification."""
    verified: Verified = {}
    fingerprint = Fingerprint(repo, base_sha, config, runner)
    done: list[ProposedChange | Skipped | str] = []
    for linter in config.linters:
        reused = _reused(linter, base, (work or {}).get(_branch(linter)), fingerprint)
        if reused:
            done.append(reused)
            continue
        change = fix_lint(repo, base_sha, linter, config, runner, base, verified=verified)
        if isinstance(change, ProposedChange) and change.verified:
            change = replace(change, verified_on=fingerprint.key)
        done.append(change)
    return Worked(
        changes=tuple(d for d in done if isinstance(d, ProposedChange)),
        skipped=tuple(d for d in done if isinstance(d, Skipped)),
        reused=tuple(d for d in done if isinstance(d, str)),
    )


def _reused(linter: LinterConfig, base: Evidence, work: Work | None, now: Fingerprint) -> str:
    """The line saying an open change's verification still holds; "" to verify afresh.
    The base evidence is this run's: a linter that finds nothing now has nothing to fix."""
    if work is None or work.state is not WorkState.OPEN or work.pr is None or not work.verified:
        return ""
    if linter.fix is None or base.did_not_run(linter.name) or not base.findings_of(linter.name):
        return ""
    why = now.differs(work.verified)
    if why:
        _log.info("fix_lint (%s): verifying again: %s", linter.name, why)
        return ""
    return (
        f"{work.branch}: PR #{work.pr} already has this change "
        "(verified on this base tree, config and tools: not run again)"
    )


def _branch(linter: LinterConfig) -> str:
    return f"kairos/fix-lint/{linter.name}"


def fix_lint(
    repo: Path,
    base_sha: str,
    linter: LinterConfig,
    config: Config,
    runner: CommandRunner,
    base: Evidence,
    *,
    verified: Verified | None = None,
) -> ProposedChange | Skipped:
    """One linter's fix, verified; ``verified`` carries the run's evidence per tree."""
    task = f"fix_lint ({linter.name})"
    before = base.findings_of(linter.name)
    if linter.fix is None:
        return Skipped(task, f"linters.{linter.name} has no `fix` command")
    if base.did_not_run(linter.name):
        return Skipped(task, f"{linter.name} did not run: {base.did_not_run(linter.name)}")
    if not before:
        return Skipped(task, f"{linter.name} reports no findings")
    with scratch_checkout(repo, base_sha) as scratch:
        ran = runner.run(linter.fix.argv, scratch.path)
        if ran.exit_code is None:
            return Skipped(
                task, ran.error or f"the fix command timed out after {runner.timeout_s:.0f}s"
            )
        # The change is what the fixer did to tracked files, taken before the tests run:
        # reports and caches they write are never part of it.
        changes = changed_paths(scratch, new_files=False)
        if not changes:
            return Skipped(task, f"`{linter.fix.text}` changed nothing")
        patch = scratch.git.text("diff", "--cached", "--binary", base_sha) + "\n"
        after = _evidence_of(scratch, config, runner, {} if verified is None else verified)
        violations = protected.violations(
            changes, config.protected_paths, symlinks_at(repo, base_sha)
        )
        checks = _verify(linter, base, after, violations)
        return ProposedChange(
            kind="fix_lint",
            branch=_branch(linter),
            title=f"Fix {len(before) - len(after.findings_of(linter.name))} {linter.name} findings",
            base_sha=base_sha,
            patch=patch,
            files=tuple(sorted(c.path for c in changes)),
            checks=checks,
            summary=f"Ran `{linter.fix.text}` on {base_sha[:12]}.",
            evidence=VerificationRun(
                f"fix_lint ({linter.name})", base.tests, after.tests, flaky=base.flaky
            ),
        )


def _evidence_of(
    scratch: Scratch, config: Config, runner: CommandRunner, verified: Verified
) -> Evidence:
    """All tests and linters on the scratch's staged tree, run once per tree id: gathered
    evidence depends on the tree, not on which linter's fix produced it."""
    tree = scratch.git.text("write-tree")
    if tree not in verified:
        verified[tree] = gather(scratch.path, config, runner, run_commands=True)
    return verified[tree]


def _verify(
    linter: LinterConfig, base: Evidence, after: Evidence, violations: Sequence[Violation]
) -> tuple[Check, ...]:
    return (
        _findings_go_down(linter.name, base, after),
        tests_see_the_patch(after),
        tests_no_worse(base, after),
        Check(
            "no protected path touched",
            not violations,
            "; ".join(v.reason for v in violations) or "none touched",
        ),
    )


def _findings_go_down(linter: str, base: Evidence, after: Evidence) -> Check:
    # A linter that did not run after the fix found nothing because it looked at nothing.
    why = after.did_not_run(linter)
    if why:
        return Check("findings go down", False, f"{linter} did not run: {why}")
    before_n, after_n = len(base.findings_of(linter)), len(after.findings_of(linter))
    return Check("findings go down", after_n < before_n, f"{linter}: {before_n} -> {after_n}")
