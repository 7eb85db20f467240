"""``fix_tests`` in the nightly run: which failing tests to hand to the task, and memory.

A test is handed over when it fails on the default branch, memory does not judge it
flaky, no earlier fix for it is still open, it fails again when rerun (a failure memory
has never seen is rerun first, and one that passes is recorded as flaky: ``rerun``),
and no failed fix for the same failure is still waiting out its backoff (``backoff``).

Memory remembers which branch took each test (a ``fix_tests:<test id>`` task), so an
open fix is not paid for again every night, and a fix a maintainer closed unmerged is
not tried again for the same test. It also remembers each failed fix's backoff, and
marks the ``/kairos fix`` requests a run took as done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.since_pass import last_passes
from kairos_ci.agent.spend import BudgetView
from kairos_ci.clock import to_iso
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.context import Secret
from kairos_ci.memory.records import Memory, Task, TaskState, WorkState
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.gate import Known
from kairos_ci.stages.rerun import Rerun, first_seen, passed_on_rerun
from kairos_ci.stages.state import ModelNotes
from kairos_ci.tasks.fix_tests.backoff import Due, Schedule, taken
from kairos_ci.tasks.fix_tests.replay import Base, Replayed, approved, replay
from kairos_ci.tasks.fix_tests.task import KIND, FixOutcome, FixRequest, fix_tests
from kairos_ci.verdicts.history import judged_flaky
from kairos_ci.verdicts.records import TestVerdict
from kairos_ci.workspace.commands import CommandRunner

MAX_TASK_ID = 1000
TRIAGED = "triage"  # the decision fix_tests records for each test the triage model judged
OBSERVE = "autonomy.fix_tests is observe: no model work is done for it"


@dataclass(frozen=True)
class Night:
    """One night's fix: the commit and its evidence, the model, and what memory knows."""

    llm: Llm
    config: Config
    repo: Path
    base_sha: str
    runner: CommandRunner
    evidence: Evidence
    memory: Memory
    now: datetime
    secrets: tuple[Secret, ...] = ()


@dataclass(frozen=True)
class Screened:
    """What was settled before the fix task: tests held, passed on a rerun, or waiting."""

    held: Mapping[str, str] = field(default_factory=dict)  # test id -> why
    reran: Mapping[str, int] = field(default_factory=dict)  # test id -> rerun it passed on
    due: Due = field(default_factory=Due)


def nightly_fix(night: Night, verdicts: Mapping[str, TestVerdict], known: Known) -> FixOutcome:
    """The task's one entry for the nightly: hand over what fails for real, and remember."""
    candidates = failing_not_flaky(night.evidence, verdicts)
    if not candidates:
        return FixOutcome()
    if night.config.autonomy.level_for(TaskKind.FIX_TESTS) is Level.OBSERVE:
        return FixOutcome(waiting={t.id: OBSERVE for t in candidates})
    replayed = approved_fixes(night, verdicts, known)
    candidates = tuple(t for t in candidates if t.id not in replayed.fixed)
    if not candidates:
        return FixOutcome(replayed=replayed.changes, stale=replayed.stale)
    screened = screen(night, candidates, known)
    flaky = judged_flaky(verdicts) | screened.reran.keys()
    done = fix_tests(fix_request(night, screened.due.ready, flaky))
    done = replace(done, replayed=replayed.changes, stale=replayed.stale)
    return remembered(night, done, screened)


def approved_fixes(night: Night, verdicts: Mapping[str, TestVerdict], known: Known) -> Replayed:
    """The stored patches a maintainer approved, verified again on this base. Their code
    runs only in the sandbox and only with a test command, as the agent's fix would."""
    ticked = approved(night.memory, known.approvals)
    if not ticked or night.config.tests.run is None or not night.runner.isolated:
        return Replayed()
    evidence = replace(night.evidence, flaky=judged_flaky(verdicts))
    base = Base(night.repo, night.base_sha, night.config, night.runner, evidence, night.secrets)
    return replay(base, ticked)


def failing_not_flaky(
    evidence: Evidence, verdicts: Mapping[str, TestVerdict]
) -> tuple[TestResult, ...]:
    """Each failing test once (reports may repeat a test), unless memory judges it flaky."""
    flaky = judged_flaky(verdicts)
    found: dict[str, TestResult] = {}
    for test in evidence.failing():
        if test.id not in flaky:
            found.setdefault(test.id, test)
    return tuple(found.values())


def screen(night: Night, candidates: Sequence[TestResult], known: Known) -> Screened:
    """Hold tests with an open or rejected fix, rerun first-seen failures, and keep back
    those whose last fix failed and whose wait is not over."""
    memory = night.memory
    held = {t.id: why for t in candidates if (why := already_handled(t.id, memory, known))}
    open_ = [t for t in candidates if t.id not in held]
    rerun = Rerun(night.repo, night.base_sha, night.config, night.runner)
    reran = passed_on_rerun(rerun, first_seen(open_, memory))
    due = Schedule.of(memory, night.now).split(t for t in open_ if t.id not in reran)
    return Screened(held, reran, due)


def fix_request(night: Night, targets: Sequence[TestResult], flaky: Iterable[str]) -> FixRequest:
    return FixRequest(
        repo=night.repo,
        base_sha=night.base_sha,
        config=night.config,
        runner=night.runner,
        base=replace(night.evidence, flaky=frozenset(flaky)),
        targets=tuple(targets),
        llm=night.llm,
        budget=BudgetView.from_memory(night.config.budget, night.memory.spend, night.now),
        secrets=night.secrets,
        passed=last_passes(night.memory.tests, [t.id for t in targets]),
    )


def remembered(night: Night, done: FixOutcome, screened: Screened) -> FixOutcome:
    """The fix task's outcome, with the reasons and records the screening adds."""
    schedule = Schedule.of(night.memory, night.now)
    failed = tried_and_not_fixed(done)
    reran = {t: passed_again(n, night.config.tests.reruns) for t, n in screened.reran.items()}
    return replace(
        done,
        waiting={**screened.held, **reran, **screened.due.waiting, **done.waiting},
        decisions=(*screening_decisions(reran, screened.due), *done.decisions),
        flaky_on_rerun=tuple(reran),
        backoffs=tuple(
            schedule.failed(t, done.waiting.get(t.id, "not fixed"))
            for t in screened.due.ready
            if t.id in failed
        ),
        requests=taken(schedule.requests, to_iso(night.now)) if done.charges else (),
    )


def screening_decisions(reran: Mapping[str, str], due: Due) -> tuple[tuple[str, str, str], ...]:
    """Memory's note of tests recorded flaky by a rerun, and of waits a request skipped."""
    skipped = (("backoff", t, f"wait skipped once: {r.why}") for t, r in due.skipped_by.items())
    return (*(("rerun", t, why) for t, why in reran.items()), *skipped)


def tried_and_not_fixed(done: FixOutcome) -> frozenset[str]:
    """The tests a model was paid to judge (triage) that the run did not fix."""
    judged = {target for action, target, _ in done.decisions if action == TRIAGED}
    return frozenset(judged - set(done.fixed))


def passed_again(rerun: int, reruns: int) -> str:
    return (
        f"failed for the first time, then passed on rerun {rerun} of {reruns}: "
        "recorded as flaky; no model was asked"
    )


def already_handled(test_id: str, memory: Memory, known: Known) -> str | None:
    task = memory.tasks.get(task_id(test_id))
    work = known.work.get(task.target) if task is not None else None
    if work is None:
        return None
    if work.state is WorkState.OPEN:
        number = f"PR #{work.pr}" if work.pr else "a pull request"
        return f"a fix is open: {number} on {work.branch}"
    if work.state is WorkState.CLOSED:
        number = f"PR #{work.pr}" if work.pr else "its pull request"
        return f"a maintainer closed the fix ({number}) without merging; kairos will not retry it"
    return None  # merged, and failing again: a new fix is worth a try


def task_id(test_id: str) -> str:
    key = f"{KIND}:{test_id}"
    if len(key) <= MAX_TASK_ID and key.isprintable():
        return key
    return f"{KIND}:sha256:{hashlib.sha256(test_id.encode()).hexdigest()}"


def model_notes(done: FixOutcome, at: str) -> ModelNotes:
    """What memory keeps of a fix_tests outcome, beside its change."""
    return ModelNotes(
        decisions=done.decisions,
        spend=done.spend,
        tasks=tasks_for(done, at),
        flaky_on_rerun=done.flaky_on_rerun,
        backoffs=done.backoffs,
        stale=done.stale,
    )


def tasks_for(done: FixOutcome, at: str) -> tuple[Task, ...]:
    """Memory's note of which branch took which test, and of the requests taken."""
    approved = tuple(
        Task(task_id(t), KIND, change.branch, TaskState.DONE, "approved fix proposed", at)
        for change in done.replayed
        for t in (change.evidence.targets if change.evidence is not None else ())
    )
    if done.change is None:
        return (*approved, *done.requests)
    branch = done.change.branch
    fixes = tuple(
        Task(task_id(t), KIND, branch, TaskState.DONE, "fix proposed", at) for t in done.fixed
    )
    return (*approved, *fixes, *done.requests)
