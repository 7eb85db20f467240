"""The full suite once on every proposed slice together, in a scratch clone of a real
repository: judged as a step's suite check is, a conflict between slices named by path
with nothing run, and a suite that did not run never taken for a pass."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.coordinator.evidence import SuiteRun
from kairos_ci.coordinator.union import (
    MAX_LINE,
    NO_SUITE,
    SliceHead,
    UnionJob,
    UnionVerdict,
    union_suite,
)
from kairos_ci.git import Git
from kairos_ci.workspace.scratch import scratch_checkout
from tests.coordinator.repos import base_repo, step_branch, write
from tests.coordinator.suites import ALWAYS_FAILS, CALLER_WORKS, README_THERE, TableSuite
from tests.plan.sample import commit

RENAMED = 'def hello():\n    return "hi"\n'
USES_GREET = "import lib\n\nlib.greet()\n"


def suite() -> TableSuite:
    return TableSuite(
        {
            "test_caller": CALLER_WORKS,
            "test_readme": README_THERE,
            "test_known": ALWAYS_FAILS,  # failing at the plan's baseline
            "test_flaky": ALWAYS_FAILS,  # judged flaky by the last nightly
        }
    )


def verdict(repo: Git, heads: tuple[SliceHead, ...], tests: TableSuite) -> UnionVerdict:
    job = UnionJob("plan-7", heads, tests, frozenset({"test_known"}), frozenset({"test_flaky"}))
    with scratch_checkout(repo.repo, "main") as scratch:
        return union_suite(scratch, job)


def test_slices_that_pass_alone_can_break_a_test_together_and_it_is_named(
    tmp_path: Path,
) -> None:
    repo = base_repo(tmp_path / "repo")
    base = repo.text("rev-parse", "main")
    renames = SliceHead(1, step_branch(repo, "s1", {"lib.py": RENAMED}))
    calls = SliceHead(2, step_branch(repo, "s2", {"caller.py": USES_GREET}))
    for alone in (renames, calls):
        assert verdict(repo, (alone,), suite()).ok, alone
    tests = suite()
    together = verdict(repo, (renames, calls), tests)
    assert len(tests.trees) == 1 and {"lib.py", "caller.py"} <= tests.files[0]
    assert (together.new_failures, together.flaky, together.at_base) == (
        ("test_caller",),
        ("test_flaky",),
        1,
    )
    assert not together.ok
    assert together.line() == (
        "Full suite on slices 1-2 together: 1 passed, 1 new failure (test_caller); "
        "1 failing as at the base; flaky here: test_flaky"
    )
    # The user's repository is never written: its HEAD stays, no branch appears.
    assert repo.text("rev-parse", "HEAD") == base
    assert repo.text("branch", "--format=%(refname:short)").split() == ["main", "s1", "s2"]


def test_a_conflict_between_slices_is_named_by_path_and_no_suite_runs(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    one = SliceHead(1, step_branch(repo, "s1", {"README.md": "# app\n\nOne.\n"}))
    two = SliceHead(3, step_branch(repo, "s3", {"lib.py": RENAMED}))
    three = SliceHead(4, step_branch(repo, "s4", {"README.md": "# app\n\nFour.\n"}))
    tests = suite()
    found = verdict(repo, (one, two, three), tests)
    assert tests.trees == [] and found.run is None and not found.ok
    assert found.conflict == "slice 4 conflicts with slices 1 and 3: merge conflict in README.md"
    assert found.line() == (
        "Full suite on slices 1, 3 and 4 together: not run: slice 4 conflicts with "
        "slices 1 and 3: merge conflict in README.md"
    )


def test_a_suite_that_did_not_run_verifies_nothing(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    head = SliceHead(2, step_branch(repo, "s2", {"caller.py": USES_GREET}))
    tests = TableSuite({}, problem="no JUnit report")
    found = verdict(repo, (head,), tests)
    assert len(tests.trees) == 1 and not found.ok
    assert found.line() == "Full suite on slice 2: did not run: no JUnit report"


def test_the_line_counts_what_it_does_not_name_and_stays_one_line() -> None:
    many = tuple(f"t{n}" for n in range(7))
    broke = UnionVerdict((1, 2, 3, 4), run=SuiteRun(212, many), new_failures=many)
    assert broke.line() == (
        "Full suite on slices 1-4 together: 212 passed, 7 new failures "
        "(t0, t1, t2, t3, t4 and 2 more)"
    )
    odd = UnionVerdict((1,), run=SuiteRun(3, ("a\n::error::x",)), new_failures=("a\n::error::x",))
    assert "\n" not in odd.line() and odd.line().endswith("(a ::error::x)")
    clean = UnionVerdict((2, 5), run=SuiteRun(9, ()))
    assert (
        clean.ok
        and clean.line() == "Full suite on slices 2 and 5 together: 9 passed, 0 new failures"
    )
    long = UnionVerdict((1,), run=SuiteRun(0, (), "x" * 5000))
    assert len(long.line()) == MAX_LINE and long.line().endswith("x…")
    none = UnionVerdict((1, 2), skipped=NO_SUITE)
    assert none.ok and none.line().endswith("not run: no test command is configured (tests.run)")


def test_a_failure_the_moved_default_branch_has_alone_is_not_blamed_on_the_slices(
    tmp_path: Path,
) -> None:
    repo = base_repo(tmp_path / "repo")
    plan_base = repo.text("rev-parse", "main")
    fine = SliceHead(1, step_branch(repo, "s1", {"lib.py": 'def greet():\n    return "hey"\n'}))
    # After the plan was made, someone lands a file that the suite's new check fails on.
    write(repo.repo, {"BROKEN": "landed on main after the plan\n"})
    commit(repo, "someone else's change")
    tests = TableSuite(
        {
            "test_readme": README_THERE,
            "test_known": ALWAYS_FAILS,
            "test_main": "import os; assert not os.path.exists('BROKEN')",
        }
    )
    job = UnionJob("plan-7", (fine,), tests, frozenset({"test_known"}), frozenset(), plan_base)
    with scratch_checkout(repo.repo, "main") as scratch:
        found = union_suite(scratch, job)
    # Run on the union, then once on the default branch's head alone: failing there too.
    assert len(tests.trees) == 2 and "lib.py" in tests.files[0]
    assert (found.new_failures, found.on_default, found.ok) == ((), ("test_main",), True)
    assert found.line() == (
        "Full suite on slice 1: 1 passed, 0 new failures; 1 failing as at the base; "
        "failing on the default branch alone too: test_main"
    )
    # On the plan's own base, the baseline is the truth: no second run.
    tests = suite()
    flaky = frozenset({"test_flaky"})
    job = UnionJob("plan-7", (fine,), tests, frozenset({"test_known"}), flaky, plan_base)
    with scratch_checkout(repo.repo, plan_base) as scratch:
        assert union_suite(scratch, job).ok and len(tests.trees) == 1
