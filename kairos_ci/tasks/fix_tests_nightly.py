"""``fix_tests`` in the nightly run: which failing tests to hand to the task, and memory.

A test is handed over when it fails on the default branch, memory does not judge it
flaky, and no earlier fix for it is still open. Memory remembers which branch took
each test (a ``fix_tests:<test id>`` task), so an open fix is not paid for again every
night, and a fix a maintainer closed unmerged is not tried again for the same test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.spend import BudgetView
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.context import Secret
from kairos_ci.memory.records import Memory, Task, TaskState, WorkState
from kairos_ci.signals.records import TestResult
from kairos_ci.tasks.evidence import Evidence
from kairos_ci.tasks.fix_tests import KIND, FixOutcome, FixRequest, fix_tests
from kairos_ci.tasks.gate import Known
from kairos_ci.verdicts.records import TestVerdict, Verdict
from kairos_ci.workspace.commands import CommandRunner

MAX_TASK_ID = 1000


def nightly_fix(
    llm: Llm,
    config: Config,
    repo: Path,
    base_sha: str,
    runner: CommandRunner,
    evidence: Evidence,
    verdicts: Mapping[str, TestVerdict],
    memory: Memory,
    known: Known,
    now: datetime,
    secrets: Sequence[Secret] = (),
) -> FixOutcome:
    candidates = failing_not_flaky(evidence, verdicts)
    if not candidates:
        return FixOutcome()
    if config.autonomy.level_for(TaskKind.FIX_TESTS) is Level.OBSERVE:
        observe = "autonomy.fix_tests is observe: no model work is done for it"
        return FixOutcome(waiting={t.id: observe for t in candidates})
    held = {t.id: why for t in candidates if (why := already_handled(t.id, memory, known))}
    request = FixRequest(
        repo=repo,
        base_sha=base_sha,
        config=config,
        runner=runner,
        base=evidence,
        targets=tuple(t for t in candidates if t.id not in held),
        llm=llm,
        budget=BudgetView.from_memory(config.budget, memory.spend, now),
        secrets=tuple(secrets),
    )
    done = fix_tests(request)
    return replace(done, waiting={**held, **done.waiting})


def failing_not_flaky(
    evidence: Evidence, verdicts: Mapping[str, TestVerdict]
) -> tuple[TestResult, ...]:
    """Each failing test once (reports may repeat a test), unless memory judges it flaky."""
    flaky = {test_id for test_id, v in verdicts.items() if v.verdict is Verdict.FLAKY}
    found: dict[str, TestResult] = {}
    for test in evidence.failing():
        if test.id not in flaky:
            found.setdefault(test.id, test)
    return tuple(found.values())


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


def tasks_for(done: FixOutcome, at: str) -> tuple[Task, ...]:
    """Memory's note of which branch took which test."""
    if done.change is None:
        return ()
    branch = done.change.branch
    return tuple(
        Task(task_id(t), KIND, branch, TaskState.DONE, "fix proposed", at) for t in done.fixed
    )
