from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from kairos_ci.config.load import load_config, parse_config
from kairos_ci.config.records import Config
from kairos_ci.memory.records import Work, WorkState
from kairos_ci.stages.evidence import gather
from kairos_ci.stages.records import ProposedChange, Skipped
from kairos_ci.tasks.fix_lint.task import fix_lint, fix_linters
from kairos_ci.workspace.commands import CommandResult, CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout


def head(repo: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def run(repo: Path, config: Config, runner: CommandRunner) -> ProposedChange | Skipped:
    sha = head(repo)
    with scratch_checkout(repo, sha) as scratch:
        base = gather(scratch.path, config, runner, run_commands=True)
    return fix_lint(repo, sha, config.linters[0], config, runner, base)


def with_fix(repo: Path, fix: str) -> Config:
    text = (repo / ".github" / "kairos.yml").read_text()
    text = text.replace("fix: ruff check --fix --exit-zero .", f"fix: {fix}")
    return parse_config(text.encode(), "kairos.yml")


def test_ruff_fix_is_verified_and_described(sample_repo: Path, runner: CommandRunner) -> None:
    before = (sample_repo / "calc" / "stats.py").read_text()
    change = run(sample_repo, load_config(sample_repo / ".github" / "kairos.yml"), runner)
    assert isinstance(change, ProposedChange)
    assert change.verified, change.checks
    assert change.branch == "kairos/fix-lint/ruff"
    assert change.files == ("calc/stats.py",)
    assert change.checks[0].detail == "ruff: 2 -> 0"
    assert "-import os\n" in change.patch
    assert (sample_repo / "calc" / "stats.py").read_text() == before  # the checkout is untouched


def test_same_fix_has_the_same_patch_hash(sample_repo: Path, runner: CommandRunner) -> None:
    config = load_config(sample_repo / ".github" / "kairos.yml")
    first, second = run(sample_repo, config, runner), run(sample_repo, config, runner)
    assert isinstance(first, ProposedChange) and isinstance(second, ProposedChange)
    assert first.patch_hash == second.patch_hash


def test_fix_touching_a_protected_path_fails_verification(
    sample_repo: Path, runner: CommandRunner
) -> None:
    sneaky = (
        "python -c \"import pathlib; p = pathlib.Path('.github/kairos.yml'); "
        "p.write_text(p.read_text() + '# x'); "
        "q = pathlib.Path('calc/stats.py'); q.write_text(q.read_text().replace('import os', ''))\""
    )
    change = run(sample_repo, with_fix(sample_repo, sneaky), runner)
    assert isinstance(change, ProposedChange) and not change.verified
    failed = [c for c in change.checks if not c.passed]
    assert [c.name for c in failed] == ["no protected path touched"]
    assert ".github/kairos.yml" in failed[0].detail


def test_fix_that_breaks_a_passing_test_fails_verification(
    sample_repo: Path, runner: CommandRunner
) -> None:
    breaking = (
        "python -c \"import pathlib; q = pathlib.Path('calc/stats.py'); "
        "q.write_text(q.read_text().replace('import os', '').replace('// 2', '// 3'))\""
    )
    change = run(sample_repo, with_fix(sample_repo, breaking), runner)
    assert isinstance(change, ProposedChange) and not change.verified
    (tests_check,) = [c for c in change.checks if c.name == "tests no worse"]
    assert not tests_check.passed and "test_median_odd_and_even" in tests_check.detail


def test_nothing_to_fix_is_a_skip_with_a_reason(sample_repo: Path, runner: CommandRunner) -> None:
    config = with_fix(sample_repo, "'true'")
    assert run(sample_repo, config, runner) == Skipped("fix_lint (ruff)", "`true` changed nothing")


def test_without_a_test_command_the_fix_is_not_re_tested_and_says_so(
    sample_repo: Path, runner: CommandRunner
) -> None:
    text = (sample_repo / ".github" / "kairos.yml").read_text()
    text = text.replace(
        "  run: python -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml\n", ""
    )
    change = run(sample_repo, parse_config(text.encode(), "kairos.yml"), runner)
    assert isinstance(change, ProposedChange) and change.verified
    (tests_check,) = [c for c in change.checks if c.name == "tests no worse"]
    assert tests_check.detail == "not re-tested: no tests are configured"


MODE = "tests.test_stats::test_mode_of_generated_sample"


def test_a_known_flaky_test_failing_after_the_fix_vetoes_nothing(
    sample_repo: Path, runner: CommandRunner
) -> None:
    # The sample's flaky test draws from the run id: it passes for night-1 (the base run)
    # and fails for night-2 (the verification run), whatever the fix did.
    config = load_config(sample_repo / ".github" / "kairos.yml")
    sha = head(sample_repo)
    with scratch_checkout(sample_repo, sha) as scratch:
        base = gather(scratch.path, config, runner, run_commands=True)
    assert MODE not in {t.id for t in base.failing()}
    unlucky = runner.with_env({**runner.env, "KAIROS_RUN_ID": "night-2"})

    vetoed = fix_lint(sample_repo, sha, config.linters[0], config, unlucky, base)
    assert isinstance(vetoed, ProposedChange) and not vetoed.verified  # not known flaky yet
    known = replace(base, flaky=frozenset({MODE}))
    change = fix_lint(sample_repo, sha, config.linters[0], config, unlucky, known)
    assert isinstance(change, ProposedChange)
    assert change.verified, change.checks
    (tests_check,) = [c for c in change.checks if c.name == "tests no worse"]
    assert tests_check.passed and f"flaky, not counted: {MODE}" in tests_check.detail
    assert change.evidence is not None and set(change.evidence.flaky) == {MODE}


@dataclass(frozen=True)
class CountingRunner(CommandRunner):
    """The real runner, remembering every command it was asked to run."""

    ran: list[tuple[str, ...]] = field(default_factory=list)

    def run(self, argv: Sequence[str], tree: Path, timeout_s: float | None = None) -> CommandResult:
        self.ran.append(tuple(argv))
        return super().run(argv, tree, timeout_s)

    def count(self, command: str) -> int:
        return sum(1 for argv in self.ran if " ".join(argv) == command)


TESTS_RUN = "python -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml"
RUFF_FIX = "ruff check --fix --exit-zero ."
BREAK_MEDIAN = (
    "python -c \"import pathlib; q = pathlib.Path('calc/stats.py'); "
    "q.write_text(q.read_text().replace('import os', '').replace('// 2', '// 3'))\""
)


def with_linters(repo: Path, fixes: dict[str, str]) -> Config:
    """The sample's config with one ruff linter per entry, each with its own fix."""
    text = (repo / ".github" / "kairos.yml").read_text()
    ruff = text[text.index("  - name: ruff\n") : text.index("autonomy:")]
    linters = "".join(
        ruff.replace("name: ruff", f"name: {name}").replace(RUFF_FIX, fix)
        for name, fix in fixes.items()
    )
    return parse_config(text.replace(ruff, linters).encode(), "kairos.yml")


def fix_all(repo: Path, config: Config, runner: CommandRunner) -> tuple[list[object], int]:
    """Every linter's fix through the task's entry; what came of each, and the suite runs."""
    sha = head(repo)
    with scratch_checkout(repo, sha) as scratch:
        base = gather(scratch.path, config, runner, run_commands=True)
    counting = CountingRunner(runner.env, runner.timeout_s, runner.jail, runner.checkout)
    worked = fix_linters(repo, sha, config, counting, base)
    return [*worked.changes, *worked.skipped], counting.count(TESTS_RUN)


@pytest.mark.slow  # a base and up to three fixes, each a full suite run
def test_fixes_that_leave_the_same_tree_run_the_suite_once(
    sample_repo: Path, runner: CommandRunner
) -> None:
    fixes = {"ruff": RUFF_FIX, "ruff-again": RUFF_FIX, "ruff-noop": "'true'"}
    done, suite_runs = fix_all(sample_repo, with_linters(sample_repo, fixes), runner)
    first, second, noop = done
    assert isinstance(first, ProposedChange) and isinstance(second, ProposedChange)
    assert first.verified and second.verified, (first.checks, second.checks)
    assert first.patch == second.patch
    assert noop == Skipped("fix_lint (ruff-noop)", "`true` changed nothing")
    assert suite_runs == 1


@pytest.mark.slow  # a base and up to three fixes, each a full suite run
def test_fixes_that_leave_different_trees_are_each_verified(
    sample_repo: Path, runner: CommandRunner
) -> None:
    fixes = {"ruff": RUFF_FIX, "ruff-breaks": BREAK_MEDIAN}
    done, suite_runs = fix_all(sample_repo, with_linters(sample_repo, fixes), runner)
    fixed, broken = done
    assert isinstance(fixed, ProposedChange) and fixed.verified, fixed
    assert isinstance(broken, ProposedChange) and not broken.verified
    assert suite_runs == 2


LINT_RUN = "ruff check --output-format json --exit-zero ."


def recorded(change: ProposedChange, verified: str) -> dict[str, Work]:
    at = "2026-11-26T03:00:00Z"
    return {
        change.branch: Work(change.branch, 7, WorkState.OPEN, change.identity, "", at, verified)
    }


@pytest.mark.slow  # the fix and its verification, then a run that reuses it
def test_an_open_change_verified_on_this_tree_config_and_tools_is_not_run_again(
    sample_repo: Path, runner: CommandRunner
) -> None:
    config = load_config(sample_repo / ".github" / "kairos.yml")
    sha = head(sample_repo)
    with scratch_checkout(sample_repo, sha) as scratch:
        base = gather(scratch.path, config, runner, run_commands=True)
    (change,) = fix_linters(sample_repo, sha, config, runner, base).changes
    assert change.verified and len(change.verified_on.split()) == 3

    counting = CountingRunner(runner.env, runner.timeout_s, runner.jail, runner.checkout)
    work = recorded(change, change.verified_on)
    again = fix_linters(sample_repo, sha, config, counting, base, work)
    assert again.changes == () and again.skipped == ()
    assert again.reused == (
        "kairos/fix-lint/ruff: PR #7 already has this change "
        "(verified on this base tree, config and tools: not run again)",
    )
    assert [counting.count(c) for c in (TESTS_RUN, LINT_RUN, RUFF_FIX)] == [0, 0, 0]

    tree, digest, _ = change.verified_on.split()
    other_tools = recorded(change, f"{tree} {digest} {'0' * 16}")
    fresh = fix_linters(sample_repo, sha, config, counting, base, other_tools)
    assert [c.identity for c in fresh.changes] == [change.identity] and fresh.reused == ()
    assert [counting.count(c) for c in (TESTS_RUN, LINT_RUN, RUFF_FIX)] == [1, 1, 1]
