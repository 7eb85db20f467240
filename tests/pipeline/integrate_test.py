"""``kairos-ci integrate`` end to end on real git, with a local origin, the board on its
memory branch, a recorded forge and a table-driven suite: every finished slice proposed,
then the full suite exactly once on them all together, and never when nothing was."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from kairos_ci.agent.redact import Redactor
from kairos_ci.coordinator.agent_step import Suite
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.union import SameTrees, UnionVerdict
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.records import Change, Ensured, PullRequestSpec
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.integrate import IntegrateWiring, SliceStep, integrate_plan
from kairos_ci.plan.codec import seal
from kairos_ci.plan.records import Baseline, Plan
from kairos_ci.stages.step_evidence import StepEvidence
from tests.coordinator.boards import T0
from tests.coordinator.repos import (
    base_repo,
    finished,
    plan_of,
    python,
    runner,
    step_branch,
    write,
)
from tests.coordinator.suites import ALWAYS_FAILS, CALLER_WORKS, README_THERE, TableSuite
from tests.plan.sample import commit

RENAMED = 'def hello():\n    return "hi"\n'
USES_GREET = "import lib\n\nlib.greet()\n"


@dataclass
class RecordedPulls:
    """The forge's pull requests: each ensure recorded, the first one per branch created."""

    specs: list[PullRequestSpec] = field(default_factory=list)

    def ensure_pull_request(self, spec: PullRequestSpec) -> Ensured:
        heads = [s.head for s in self.specs]
        self.specs.append(spec)
        number = heads.index(spec.head) + 1 if spec.head in heads else len(set(heads)) + 1
        change = Change.UNCHANGED if spec.head in heads else Change.CREATED
        return Ensured(change, number, f"https://github.test/octo/app/pull/{number}")


@dataclass
class Shown:
    """What the plan comment was given each time integration showed the progress."""

    lines: list[str] = field(default_factory=list)

    def __call__(self, board: Board, full_suite: str) -> None:
        self.lines.append(full_suite)


def independent_plan(work: Git) -> Plan:
    """S1 renames lib.greet, S2 adds a caller of it: two slices, each fine alone. Its
    baseline, on the checkout's main, had test_known failing."""
    plan = plan_of(
        ("S1", ("lib.py",), (), python("import lib; lib.hello()")),
        ("S2", ("caller.py",), (), python("import caller")),
    )
    baseline = Baseline("python -m pytest", 2, 1, 0, ("test_known",))
    context = replace(plan.context, baseline=baseline)
    return seal(replace(plan, context=context, base_sha=work.text("rev-parse", "main")))


def suite() -> TableSuite:
    return TableSuite(
        {
            "test_caller": CALLER_WORKS,
            "test_readme": README_THERE,
            "test_known": ALWAYS_FAILS,
            "test_flaky": ALWAYS_FAILS,
        }
    )


def checkout(tmp_path: Path) -> Git:
    """The default branch checked out, with its origin (where branches and memory go)."""
    origin = tmp_path / "origin.git"
    Git(tmp_path).run("init", "-q", "--bare", "-b", "main", str(origin))
    work = base_repo(tmp_path / "work")
    work.run("remote", "add", "origin", str(origin))
    work.run("push", "-q", "origin", "main")
    return work


def pushed(work: Git, step_id: str, files: dict[str, str]) -> str:
    branch = f"kairos/plan-plan-7/{step_id}"
    head = step_branch(work, branch, files)
    work.run("push", "-q", "origin", branch)
    return head


def wiring(work: Git, board: Board, plan: Plan, tests: Suite | None) -> IntegrateWiring:
    boards = BoardStore(MemoryStore(work.repo, clock=lambda: T0), plan.plan_id)
    assert boards.create(board).value
    return IntegrateWiring(
        plan=plan,
        boards=boards,
        repo=work.repo,
        branches=Branches(work.repo),
        pulls=RecordedPulls(),
        runner=runner,
        clock=lambda: T0,
        default_branch="main",
        suite=lambda: tests,
        flaky=frozenset({"test_flaky"}),
        on_proposed=Shown(),
        dashboard=Dashboards(),
        evidence=StepEvidence(work.repo.parent / "evidence", Redactor.of(())),
    )


class Dashboards:
    """The dashboard's plans section, counted each time it is brought up to date."""

    def __init__(self) -> None:
        self.refreshed = 0

    def __call__(self) -> str:
        self.refreshed += 1
        return "dashboard: the plans section is up to date"


def test_slices_each_verified_can_break_a_test_together_which_is_named_not_hidden(
    tmp_path: Path,
) -> None:
    work = checkout(tmp_path)
    plan = independent_plan(work)
    heads = {
        "S1": pushed(work, "S1", {"lib.py": RENAMED}),
        "S2": pushed(work, "S2", {"caller.py": USES_GREET}),
    }
    tests = suite()
    wired = wiring(work, finished(plan, heads), plan, tests)
    reply = integrate_plan(wired)
    assert [(s.number, s.step) for s in reply.slices] == [
        (1, SliceStep.PROPOSED),
        (2, SliceStep.PROPOSED),
    ]
    # The suite ran once, on both slices merged together.
    assert len(tests.trees) == 1 and {"lib.py", "caller.py"} <= tests.files[0]
    union = reply.union
    assert isinstance(union, UnionVerdict) and not union.ok
    assert union.new_failures == ("test_caller",) and union.flaky == ("test_flaky",)
    line = (
        "Full suite on slices 1-2 together: 1 passed, 1 new failure (test_caller); "
        "1 failing as at the base; flaky here: test_flaky"
    )
    assert union.line() == line
    # Both pull requests stand: each slice is verified on its own.
    assert isinstance(wired.pulls, RecordedPulls) and isinstance(wired.on_proposed, Shown)
    assert [s.head for s in wired.pulls.specs] == [
        "kairos/plan-plan-7/slice-1",
        "kairos/plan-plan-7/slice-2",
    ]
    assert wired.on_proposed.lines == [line]
    # A second run on the same trees reuses the verdict the board keeps: no suite runs.
    again = integrate_plan(wired)
    recalled = f"{line} (as run at 2026-11-27T03:00:00Z: the same trees since)"
    assert len(tests.trees) == 1 and again.union is not None and again.union.line() == recalled
    assert not again.union.ok  # still a problem: the slices still break together
    assert wired.on_proposed.lines == [line, recalled]
    # Its verdict is kept for the workflow to upload, once: the second run ran nothing.
    assert isinstance(wired.evidence, StepEvidence)
    note = json.loads((wired.evidence.folder / "full-suite-attempt-1" / "attempt.json").read_text())
    assert (note["verdict"], note["note"]) == ("failed", line)
    # The dashboard's plans section followed the board each time.
    assert isinstance(wired.dashboard, Dashboards) and wired.dashboard.refreshed == 2
    assert again.dashboard == "dashboard: the plans section is up to date"
    # A commit that changes no file changes no tree: still the same verdict.
    work.run("commit", "-q", "--allow-empty", "-m", "a merge-queue bump")
    assert isinstance(integrate_plan(wired).union, SameTrees) and len(tests.trees) == 1
    # Once the default branch's files move, the trees are new: the suite runs, once.
    write(work.repo, {"NEWS.md": "someone else's change\n"})
    commit(work, "someone else's change")
    moved = integrate_plan(wired)
    assert isinstance(moved.union, UnionVerdict) and moved.union.new_failures == ("test_caller",)
    # The base moved, so the new failure was checked on the default branch alone (it
    # passes there: it is the slices'): the union, then main's head.
    assert len(tests.trees) == 3 and "caller.py" not in tests.files[2]


def test_with_nothing_finished_no_suite_runs(tmp_path: Path) -> None:
    work = checkout(tmp_path)
    plan = independent_plan(work)
    tests = suite()
    wired = wiring(work, finished(plan, {}), plan, tests)
    reply = integrate_plan(wired)
    assert {s.step for s in reply.slices} == {SliceStep.WAITING}
    assert reply.union is None and tests.trees == []
    assert isinstance(wired.on_proposed, Shown) and wired.on_proposed.lines == []
    assert isinstance(wired.dashboard, Dashboards) and wired.dashboard.refreshed == 0
    assert reply.dashboard == ""


def test_only_the_proposed_slices_go_into_the_union(tmp_path: Path) -> None:
    work = checkout(tmp_path)
    plan = independent_plan(work)
    # S1 is done but does not do what its check asks: it goes to repair, S2 is proposed.
    heads = {
        "S1": pushed(work, "S1", {"README.md": "# app\n"}),
        "S2": pushed(work, "S2", {"caller.py": USES_GREET}),
    }
    tests = suite()
    reply = integrate_plan(wiring(work, finished(plan, heads), plan, tests))
    assert [s.step for s in reply.slices] == [SliceStep.REPAIRING, SliceStep.PROPOSED]
    assert reply.union is not None and reply.union.ok
    assert reply.union.line() == (
        "Full suite on slice 2: 2 passed, 0 new failures; 1 failing as at the base; "
        "flaky here: test_flaky"
    )
    assert len(tests.trees) == 1 and "caller.py" in tests.files[0]


def test_without_a_test_command_the_union_says_so_and_fails_nothing(tmp_path: Path) -> None:
    work = checkout(tmp_path)
    plan = independent_plan(work)
    heads = {"S2": pushed(work, "S2", {"caller.py": USES_GREET})}
    reply = integrate_plan(wiring(work, finished(plan, heads), plan, None))
    assert reply.union is not None and reply.union.ok
    assert reply.union.line() == (
        "Full suite on slice 2: not run: no test command is configured (tests.run)"
    )
