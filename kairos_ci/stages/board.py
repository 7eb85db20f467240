"""What the dashboard should show after this run (a value; rendering is the dashboard's)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.bundle.records import ApplyResult, Status, patch_hash
from kairos_ci.config.records import Config
from kairos_ci.dashboard.records import (
    Action,
    BoxDecision,
    BudgetLine,
    Dashboard,
    MemoryHealth,
    PullLine,
    RunLine,
    TestLine,
)
from kairos_ci.memory.records import Memory, RunRecord, Spend, Work, WorkState
from kairos_ci.stages.gate import Suggestion
from kairos_ci.verdicts.records import TestVerdict, Verdict

RECENT_RUNS = 5
ATTENTION_VERDICTS = (Verdict.BROKEN, Verdict.FLAKY)


@dataclass(frozen=True)
class BoardInput:
    config: Config
    memory: Memory
    this_run: RunRecord
    work: Mapping[str, Work]  # known before this run's writes
    planned: tuple[tuple[str, str], ...]  # (branch, task kind) of this run's PR writes
    verdicts: Mapping[str, TestVerdict]
    waiting: Mapping[str, str]  # failing test id -> why it waits (for the agent)
    suggestions: tuple[Suggestion, ...]
    memory_notes: tuple[str, ...]
    attention: tuple[str, ...]
    spend: Mapping[str, Spend] = field(default_factory=dict)  # this run's, by model


def board(data: BoardInput) -> Dashboard:
    return Dashboard(
        decisions=tuple(_decision(s) for s in data.suggestions),
        pulls=_pulls(data.work.values(), data.planned),
        tests=_tests(data.verdicts, data.waiting),
        runs=_runs((*data.memory.runs, data.this_run)),
        budget=_budget(data.config, data.memory, data.this_run.at, _total(data.spend)),
        memory=MemoryHealth(not data.memory_notes, "; ".join(data.memory_notes) or "readable"),
        attention=data.attention,
    )


LANDED = (Status.APPLIED, Status.UNCHANGED)  # a PR write after which the PR is open


def opened_work(
    result: ApplyResult, at: str, known: Mapping[str, Work], identities: Mapping[str, str]
) -> dict[str, Work]:
    """Work state after applying: every PR write that landed is open kairos work, keyed
    by the change's identity (``identities``: branch -> identity) so that a human's
    "no" can be matched against the same change on a later night."""
    work = dict(known)
    for outcome in result.outcomes:
        write, intent = outcome.write, outcome.write.intent
        if not isinstance(intent, OpenPullRequest) or outcome.status not in LANDED:
            continue
        branch = intent.branch
        digest = identities.get(branch) or patch_hash(intent.change.patch)
        kind = write.task.value if write.task else ""
        work[branch] = Work(branch, outcome.number, WorkState.OPEN, digest, kind, at)
    return work


def _decision(suggestion: Suggestion) -> BoxDecision:
    change = suggestion.change
    text = f"{change.title} on `{change.branch}`"
    return BoxDecision(Action.APPROVE, suggestion.key, text, suggestion.why)


def _pulls(work: Iterable[Work], planned: Iterable[tuple[str, str]]) -> tuple[PullLine, ...]:
    """Open kairos PRs by branch. Derived the same way whether the PR was opened this
    run or an earlier one, so an unchanged night renders an unchanged dashboard."""
    kinds = {w.branch: w.kind for w in work if w.state is WorkState.OPEN}
    kinds.update(dict(planned))
    return tuple(PullLine(branch, kind, "open") for branch, kind in sorted(kinds.items()))


def _tests(verdicts: Mapping[str, TestVerdict], waiting: Mapping[str, str]) -> tuple[TestLine, ...]:
    lines = [
        _flagged(v, waiting.get(test_id))
        for test_id, v in sorted(verdicts.items())
        if v.verdict in ATTENTION_VERDICTS
    ]
    flagged = {line.test_id for line in lines}
    lines += [
        TestLine(test_id, "failing", why)
        for test_id, why in sorted(waiting.items())
        if test_id not in flagged
    ]
    return tuple(lines)


def _flagged(verdict: TestVerdict, waiting: str | None) -> TestLine:
    """A flaky or broken test; one that waits says why (a failed fix's backoff, say)."""
    evidence = _evidence(verdict)
    return TestLine(
        verdict.test_id, verdict.verdict.value, f"{evidence}; {waiting}" if waiting else evidence
    )


def _evidence(verdict: TestVerdict) -> str:
    # The first runs are the ones that established the verdict; listing only those
    # keeps the line (and so the dashboard) unchanged while nothing new is learned.
    shown = list(verdict.evidence[:3]) + (["..."] if len(verdict.evidence) > 3 else [])
    runs = ", ".join(shown)
    return f"{'; '.join(verdict.reasons)} (runs: {runs})" if runs else "; ".join(verdict.reasons)


def _runs(runs: Iterable[RunRecord]) -> tuple[RunLine, ...]:
    recent = list(runs)[-RECENT_RUNS:]
    return tuple(RunLine(r.at, f"{r.event} {r.run_id}", r.outcome.value) for r in reversed(recent))


def _budget(
    config: Config, memory: Memory, at: str, this_run: float = 0.0
) -> tuple[BudgetLine, ...]:
    day, month = at[:10], at[:7]
    spent_day = _total(memory.spend.days.get(day, {})) + this_run
    spent_month = _total(memory.spend.months.get(month, {})) + this_run
    if not spent_day and not spent_month:
        return ()
    return (
        BudgetLine("today", spent_day, config.budget.per_day_usd),
        BudgetLine("this month", spent_month, config.budget.per_month_usd),
    )


def _total(by_model: Mapping[str, Spend]) -> float:
    return sum(spend.usd for spend in by_model.values())
