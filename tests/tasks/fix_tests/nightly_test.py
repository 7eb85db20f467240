"""Which failing tests the nightly hands to fix_tests, and what memory keeps of it."""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.agent.claude import ClaudeLlm, ClaudeSettings
from kairos_ci.agent.llm import Llm
from kairos_ci.agent.records import LlmReply, LlmRequest
from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.clock import to_iso
from kairos_ci.config.load import load_config, parse_config
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.git import Git
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import (
    Journal,
    Memory,
    MemoryLimits,
    RunRecord,
    RunResult,
    Task,
    TaskState,
    TestRecord,
    Work,
    WorkState,
)
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages import journal
from kairos_ci.stages.evidence import Evidence, gather
from kairos_ci.stages.gate import Gated, Known
from kairos_ci.stages.history import entries, thresholds
from kairos_ci.stages.reconcile import offline
from kairos_ci.stages.records import ProposedChange, RunInfo
from kairos_ci.stages.state import Acted, Finished, Observed, Recalled, Worked
from kairos_ci.tasks.fix_tests.nightly import (
    Night,
    already_handled,
    failing_not_flaky,
    model_notes,
    nightly_fix,
    task_id,
    tasks_for,
)
from kairos_ci.tasks.fix_tests.task import FixOutcome
from kairos_ci.verdicts.history import judge
from kairos_ci.verdicts.records import HistoryEntry, TestVerdict, Verdict
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout
from tests.jail import jail_or_skip
from tests.tasks.calc_project import committed_calc

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

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
    observe = parse_config(b"version: 1\nautonomy:\n  default: observe\n", "k.yml")
    night = Night(
        UnreachableModel(), observe, tmp_path, "0" * 40, CommandRunner({}, 1), failing,
        Memory(), NOW,
    )  # fmt: skip
    done = nightly_fix(night, verdicts, known(None))
    assert done.waiting == {"t::a": "autonomy.fix_tests is observe: no model work is done for it"}
    config = parse_config(b"version: 1\ntests:\n  run: pytest\n", "k.yml")
    night = replace(night, config=config, memory=remembering("t::a"))
    done = nightly_fix(night, verdicts, known(WorkState.OPEN))
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


# --- scenarios: several nights, remembered as the nightly run remembers them ----------

KEY = Secret("sk-ant-api03-nightly-fix-key-0123456789ab")
ADD = "tests.test_calc::test_add"
MODE = "tests.test_stats::test_mode_of_generated_sample"
EMPTY = "tests.test_stats::test_mean_of_empty_is_zero"
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)
NO_GATE = Gated((), (), (), (), ())
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def calc_settings() -> Config:
    command = shlex.join(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=r/j.xml"]
    )
    text = (
        f"version: 1\ntests:\n  run: {json.dumps(command)}\n  junit: [r/j.xml]\n"
        "autonomy:\n  default: approve\nmodels:\n  triage: claude-haiku-4-5\n"
        "  work: claude-sonnet-4-5\n"
    )
    return parse_config(text.encode(), "kairos.yml")


@pytest.fixture(scope="module")
def calc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Evidence]:
    """A project whose add() subtracts, committed, and the nightly's evidence on it."""
    root = tmp_path_factory.mktemp("calc")
    sha, base = committed_calc(root, calc_settings())
    assert [t.id for t in base.failing()] == [ADD]
    return root, sha, base


def hex_of(label: str) -> str:
    return hashlib.sha1(label.encode()).hexdigest()


@dataclass
class Nights:
    """Nightly fixes one after another, each folded into memory as the nightly run folds it:
    this run's results, then verdicts, then ``nightly_fix``, then the journal."""

    repo: Path
    sha: str
    config: Config
    runner: CommandRunner
    llm: Llm
    memory: Memory = field(default_factory=Memory)

    def run(self, now: datetime, evidence: Evidence, commit: str = "c0") -> FixOutcome:
        info = RunInfo(f"night-{now:%m%d}", "schedule", now)
        results = entries(
            evidence.tests, sha=hex_of(commit), tree=hex_of(f"tree {commit}"),
            run_id=info.run_id, at=info.at,
        )  # fmt: skip
        verdicts = judge(journal.histories(self.memory, results), now, thresholds(self.config))
        known = offline(self.memory)
        night = Night(
            self.llm, self.config, self.repo, self.sha, self.runner, evidence, self.memory, now
        )
        done = nightly_fix(night, verdicts, known.known)
        record = journal.build(
            Finished(
                info, self.sha, Recalled(self.memory, known),
                Observed(evidence, results, verdicts), Worked(notes=model_notes(done, info.at)),
                NO_GATE, Acted(Bundle("o/r", (), {}), ApplyResult(()), {}),
            )
        )  # fmt: skip
        self.remember(info.at, record)
        return done

    def remember(self, at: str, record: Journal) -> None:
        self.memory = fold(self.memory, [(f"{at}-{record.run.run_id}", record)], MemoryLimits())

    def ask_fix(self, at: datetime) -> None:
        """A queued ``fix_tests`` request in memory (chat's `/kairos fix` no longer queues
        one: it fixes the pull request's failed run at once)."""
        why = "asked by maria in comment 1"
        task = Task("fix_tests:pr#7", "fix_tests", "pr#7", TaskState.QUEUED, why, to_iso(at))
        run = RunRecord("chat-1", "issue_comment", self.sha, to_iso(at), RunResult.SUCCESS)
        self.remember(to_iso(at), Journal(run=run, tasks=(task,)))


def classify(verdict: str) -> dict[str, Any]:
    call = {"test_id": ADD, "verdict": verdict, "reason": "the clock"}
    return {"content": [{"type": "tool_use", "name": "classify_failure", "input": call}]}


@contextmanager
def model(*triage: dict[str, Any]) -> Iterator[tuple[Llm, Handle]]:
    with running(parse_script({"replies": {"claude-haiku-4-5": list(triage)}})) as handle:
        llm = ClaudeLlm(KEY, handle.base_url, ClaudeSettings(max_retries=0, timeout_s=20))
        yield llm, handle


def jailed(root: Path) -> CommandRunner:
    return CommandRunner(
        {"PATH": str(Path(sys.executable).parent)}, 60, jail=jail_or_skip(), checkout=root
    )


def test_a_first_seen_failure_that_passes_on_rerun_costs_nothing_and_is_flaky(
    sample_repo: Path, runner: CommandRunner
) -> None:
    # The sample's flaky test fails for night-2 and passes for night-1: the nightly saw
    # it fail (night-2); the rerun (night-1) sees it pass.
    config = load_config(sample_repo / ".github" / "kairos.yml")
    sha = Git(sample_repo).text("rev-parse", "HEAD")
    unlucky = runner.with_env({**runner.env, "KAIROS_RUN_ID": "night-2"})
    with scratch_checkout(sample_repo, sha) as scratch:
        seen = gather(scratch.path, config, unlucky, run_commands=True)
    evidence = replace(seen, tests=tuple(t for t in seen.tests if t.id != EMPTY))
    assert [t.id for t in evidence.failing()] == [MODE]
    with model() as (llm, handle):
        nights = Nights(sample_repo, sha, config, runner, llm)
        done = nights.run(T0, evidence)
        assert handle.requests() == []  # no triage call, nothing paid
    assert done.charges == () and done.change is None
    assert done.waiting[MODE] == (
        "failed for the first time, then passed on rerun 1 of 2: recorded as flaky; "
        "no model was asked"
    )
    record = nights.memory.tests[MODE]
    assert record.history[-1].outcome is Outcome.FLAKY and record.verdict is Verdict.FLAKY
    decisions = {(d.action, d.target): d.why for d in nights.memory.decisions}
    assert decisions[("rerun", MODE)] == done.waiting[MODE]
    # The next night's verdicts see it: flaky, so it is not handed to the fix task.
    results = entries(evidence.tests, sha="c" * 40, tree="d" * 40, run_id="n2", at="x")
    assert judge(journal.histories(nights.memory, results), T0 + DAY)[MODE].verdict is (
        Verdict.FLAKY
    )


def test_a_flaky_test_failing_on_three_new_commits_is_broken_and_sent_for_fixing(
    calc: tuple[Path, str, Evidence],
) -> None:
    root, sha, base = calc
    flaky_nights = [
        HistoryEntry(hex_of(f"old{i}"), hex_of(f"tree old{i}"), f"old-{i}",
                     Outcome.PASSED if i % 3 else Outcome.FAILED, 0.1, to_iso(T0 - (12 - i) * DAY))
        for i in range(12)
    ]  # fmt: skip
    with model(classify("infra")) as (llm, handle):
        nights = Nights(root, sha, calc_settings(), jailed(root), llm)
        nights.memory = Memory(tests={ADD: TestRecord(tuple(flaky_nights))})
        for night, commit in enumerate(("r1", "r2")):
            done = nights.run(T0 + night * DAY, base, commit)
            assert nights.memory.tests[ADD].verdict is Verdict.FLAKY
            assert done == FixOutcome() and handle.requests() == []  # flaky: not sent
        done = nights.run(T0 + 2 * DAY, base, "r3")
        assert nights.memory.tests[ADD].verdict is Verdict.BROKEN
        (asked,) = handle.requests()  # broken now: handed to the fix task, triage first
    assert ADD in json.dumps(asked["body"])
    assert done.waiting[ADD] == "triage says infra: the clock"


def test_a_failed_fix_waits_unless_the_failure_changes_or_a_maintainer_asks(
    calc: tuple[Path, str, Evidence],
) -> None:
    root, sha, base = calc
    changed = replace(
        base, tests=tuple(t._replace(message="TypeError: bad operand") for t in base.tests)
    )
    with model(*[classify("flaky")] * 4) as (llm, handle):
        nights = Nights(root, sha, calc_settings(), jailed(root), llm)
        first = nights.run(T0, base)  # first seen: rerun, still failing, so triage is asked
        assert len(handle.requests()) == 1 and first.waiting[ADD] == "triage says flaky: the clock"
        (backoff,) = nights.memory.backoffs.values()
        assert (backoff.attempts, backoff.next_attempt) == (1, "2026-12-02T03:00:00Z")

        second = nights.run(T0 + DAY, base)  # the next night: no model request
        assert len(handle.requests()) == 1
        assert second.waiting[ADD] == (
            "a fix for this failure failed (triage says flaky: the clock); "
            "next try after 2026-12-02"
        )
        nights.run(T0 + 2 * DAY, base)  # the wait is over: tried again, and it waits longer
        assert len(handle.requests()) == 2
        assert nights.memory.backoffs[backoff.signature].attempts == 2

        nights.run(T0 + 3 * DAY, changed)  # the failure changed: tried at once
        assert len(handle.requests()) == 3

        nights.ask_fix(T0 + 3 * DAY + timedelta(hours=5))
        asked = nights.run(T0 + 4 * DAY, base)  # still waiting, but a maintainer asked
        assert len(handle.requests()) == 4
        assert ("backoff", ADD, "wait skipped once: asked by maria in comment 1") in (
            asked.decisions
        )
        assert nights.memory.tasks["fix_tests:pr#7"].state is TaskState.DONE
        after = nights.run(T0 + 5 * DAY, base)  # once: the request was taken
        assert len(handle.requests()) == 4
        assert after.waiting[ADD].endswith("; next try after 2026-12-09")
