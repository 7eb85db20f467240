"""Which failing tests the nightly hands to fix_tests, and what memory keeps of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kairos_ci.agent.records import LlmReply, LlmRequest
from kairos_ci.config.load import parse_config
from kairos_ci.memory.records import Memory, Task, TaskState, Work, WorkState
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.tasks.evidence import Evidence
from kairos_ci.tasks.fix_tests import FixOutcome
from kairos_ci.tasks.fix_tests_nightly import (
    already_handled,
    failing_not_flaky,
    nightly_fix,
    task_id,
    tasks_for,
)
from kairos_ci.tasks.gate import Known
from kairos_ci.tasks.records import ProposedChange
from kairos_ci.verdicts.records import TestVerdict, Verdict
from kairos_ci.workspace.commands import CommandRunner

BRANCH = "kairos/fix-tests/test_a-0123456789"


class UnreachableModel:
    """An ``Llm`` that fails the test if anything asks it."""

    def complete(self, request: LlmRequest) -> LlmReply:
        raise AssertionError(f"the model was asked: {request.model}")


def result(test_id: str, outcome: str) -> TestResult:
    return TestResult(
        "r.xml", test_id, (), None, test_id, None, None, Outcome(outcome), (), None, None
    )


def evidence(*tests: TestResult) -> Evidence:
    return Evidence(tests, None, (), ())


def known(state: WorkState | None) -> Known:
    work = {} if state is None else {BRANCH: Work(BRANCH, 7, state, "h", "fix_tests", "t")}
    return Known(work, {}, frozenset(), 0)


def remembering(test_id: str) -> Memory:
    task = Task(task_id(test_id), "fix_tests", BRANCH, TaskState.DONE, "fix proposed", "t")
    return Memory(tasks={task.task_id: task})


def test_flaky_tests_are_left_out_and_repeats_counted_once() -> None:
    tests = evidence(
        result("t::a", "failed"),
        result("t::a", "failed"),
        result("t::b", "errored"),
        result("t::c", "failed"),
        result("t::d", "passed"),
    )
    verdicts = {"t::c": TestVerdict("t::c", Verdict.FLAKY, ("flips",), ("r1",))}
    assert [t.id for t in failing_not_flaky(tests, verdicts)] == ["t::a", "t::b"]


def test_an_open_or_rejected_fix_holds_the_test_and_a_merged_one_does_not() -> None:
    memory = remembering("t::a")
    assert already_handled("t::a", memory, known(WorkState.OPEN)) == (
        f"a fix is open: PR #7 on {BRANCH}"
    )
    closed = already_handled("t::a", memory, known(WorkState.CLOSED))
    assert closed == "a maintainer closed the fix (PR #7) without merging; kairos will not retry it"
    assert already_handled("t::a", memory, known(WorkState.MERGED)) is None
    assert already_handled("t::a", Memory(), known(WorkState.OPEN)) is None
    assert already_handled("t::b", memory, known(WorkState.OPEN)) is None


def test_held_tests_and_observe_ask_no_model(tmp_path: Path) -> None:
    failing = evidence(result("t::a", "failed"))
    verdicts: dict[str, TestVerdict] = {}
    args = (tmp_path, "0" * 40, CommandRunner({}, 1), failing, verdicts)
    observe = parse_config(b"version: 1\nautonomy:\n  default: observe\n", "k.yml")
    done = nightly_fix(UnreachableModel(), observe, *args, Memory(), known(None), datetime.now(UTC))
    assert done.waiting == {"t::a": "autonomy.fix_tests is observe: no model work is done for it"}
    config = parse_config(b"version: 1\ntests:\n  run: pytest\n", "k.yml")
    done = nightly_fix(
        UnreachableModel(),
        config,
        *args,
        remembering("t::a"),
        known(WorkState.OPEN),
        datetime.now(UTC),
    )
    assert done.waiting == {"t::a": f"a fix is open: PR #7 on {BRANCH}"} and done.charges == ()


def test_memory_notes_which_branch_took_which_test() -> None:
    change = ProposedChange("fix_tests", BRANCH, "t", "0" * 40, "p", ("a.py",), (), "s")
    done = FixOutcome(change=change, fixed=("t::a", "t::b"))
    assert tasks_for(done, "2026-01-01T00:00:00Z") == (
        Task(
            "fix_tests:t::a",
            "fix_tests",
            BRANCH,
            TaskState.DONE,
            "fix proposed",
            "2026-01-01T00:00:00Z",
        ),
        Task(
            "fix_tests:t::b",
            "fix_tests",
            BRANCH,
            TaskState.DONE,
            "fix proposed",
            "2026-01-01T00:00:00Z",
        ),
    )
    assert tasks_for(FixOutcome(), "t") == ()
    assert task_id("x" * 2000).startswith("fix_tests:sha256:")
    assert task_id("a\nb").startswith("fix_tests:sha256:")
