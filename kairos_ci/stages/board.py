"""What the dashboard should show after this run (a value; rendering is the dashboard's)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.bundle.records import ApplyResult, Status, patch_hash
from kairos_ci.clock import from_iso
from kairos_ci.config.records import Config
from kairos_ci.coordinator.records import Board
from kairos_ci.dashboard.records import (
    Action,
    BoxDecision,
    BudgetLine,
    Dashboard,
    MemoryHealth,
    PullLine,
    RunLine,
    TestLine,
    TestState,
)
from kairos_ci.memory.records import Memory, RunRecord, Spend, StoredSuggestion, Work, WorkState
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.board_plans import plan_sections
from kairos_ci.stages.board_trend import FAILED_ONCE, failure_rate, first_failure, trend
from kairos_ci.stages.gate import Suggestion
from kairos_ci.verdicts.records import HistoryEntry, TestVerdict, Verdict

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
    # Each test's remembered outcomes with this run's appended (``journal.histories``).
    histories: Mapping[str, Sequence[HistoryEntry]] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)  # test id -> this run's failure
    runs_url: str = ""  # "{server}/{OWNER/NAME}/actions/runs"; "" links no run
    stale: tuple[StoredSuggestion, ...] = ()  # approved patches this run found stale
    boards: Mapping[str, Board] = field(default_factory=dict)  # task boards, by path


def board(data: BoardInput) -> Dashboard:
    runs = (*data.memory.runs, data.this_run)
    plans = plan_sections(data.boards, from_iso(data.this_run.at), data.runs_url)
    notes = (*data.memory_notes, *plans.problems)
    return Dashboard(
        decisions=tuple(_decision(s) for s in data.suggestions),
        pulls=_pulls(data, runs),
        tests=_tests(data),
        runs=_runs(runs, data.runs_url),
        budget=_budget(data.config, data.memory, data.this_run.at, _total(data.spend)),
        memory=MemoryHealth(not notes, "; ".join(notes) or "readable"),
        attention=(*data.attention, *(stale_line(s) for s in data.stale)),
        trend=trend(runs, data.histories, _flaky(data.verdicts)),
        plans=plans.sections,
        more_plans=plans.more,
    )


def state_of(verdict: Verdict, failing_now: bool) -> TestState:
    """A test's state in the dashboard's words: a failure not yet judged is "failing"."""
    if verdict in ATTENTION_VERDICTS or not failing_now:
        return TestState(verdict.value)
    return TestState.FAILING


def failure_messages(tests: Iterable[TestResult]) -> dict[str, str]:
    """Each failing test's message in this run, as its report gives it (untrusted text)."""
    return {t.id: t.message for t in tests if t.message and t.outcome in FAILED_ONCE}


def run_url(runs_url: str, run_id: str) -> str | None:
    """A run's page, for a GitHub run id ("1234" or "1234.2", its attempt); None for a
    run that has no page (a local run, the demo's)."""
    number = run_id.split(".", 1)[0]
    return f"{runs_url}/{number}" if runs_url and number.isdigit() else None


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


def stale_line(suggestion: StoredSuggestion) -> str:
    """An approved suggestion that can no longer be applied: no box, the reason."""
    return (
        f"The approved suggestion {suggestion.title} on `{suggestion.branch}` is stale: "
        f"{suggestion.stale}. It is no longer offered; the model may try a new fix."
    )


def _decision(suggestion: Suggestion) -> BoxDecision:
    change = suggestion.change
    text = f"{change.title} on `{change.branch}`"
    return BoxDecision(Action.APPROVE, suggestion.key, text, suggestion.why)


def _pulls(data: BoardInput, runs: Sequence[RunRecord]) -> tuple[PullLine, ...]:
    """Open kairos PRs by branch, each with its number and the run that last wrote it.
    Derived the same way whether the PR was written this run or an earlier one, so an
    unchanged night renders an unchanged dashboard."""
    open_work = {w.branch: w for w in data.work.values() if w.state is WorkState.OPEN}
    by_time = {r.at: r.run_id for r in runs}  # Work.updated_at is its run's time
    lines = {
        branch: (w.kind, w.pr, by_time.get(w.updated_at, "")) for branch, w in open_work.items()
    }
    for branch, kind in data.planned:  # written this run; a new PR's number comes next night
        known = open_work.get(branch)
        lines[branch] = (kind, known.pr if known else None, data.this_run.run_id)
    return tuple(
        PullLine(branch, kind, "open", number, run, run_url(data.runs_url, run))
        for branch, (kind, number, run) in sorted(lines.items())
    )


def _tests(data: BoardInput) -> tuple[TestLine, ...]:
    flagged = {
        test_id: _flagged(v, data.waiting.get(test_id))
        for test_id, v in sorted(data.verdicts.items())
        if v.verdict in ATTENTION_VERDICTS
    }
    waiting = {
        test_id: TestLine(test_id, TestState.FAILING, why)
        for test_id, why in sorted(data.waiting.items())
        if test_id not in flagged
    }
    return tuple(_detailed(line, data) for line in (*flagged.values(), *waiting.values()))


def _detailed(line: TestLine, data: BoardInput) -> TestLine:
    """The line with its history's failure rate, first failure and this run's message."""
    history = data.histories.get(line.test_id, ())
    failed, ran = failure_rate(history)
    first = first_failure(history)
    return replace(
        line,
        since=first.at[:10] if first is not None else "",
        failed=f"{failed} of {ran} runs" if ran else "",
        message=data.messages.get(line.test_id, ""),
    )


def _flagged(verdict: TestVerdict, waiting: str | None) -> TestLine:
    """A flaky or broken test; one that waits says why (a failed fix's backoff, say)."""
    evidence = _evidence(verdict)
    return TestLine(
        verdict.test_id, verdict.verdict.value, f"{evidence}; {waiting}" if waiting else evidence
    )


def _flaky(verdicts: Mapping[str, TestVerdict]) -> frozenset[str]:
    return frozenset(t for t, v in verdicts.items() if v.verdict is Verdict.FLAKY)


def _evidence(verdict: TestVerdict) -> str:
    # The first runs are the ones that established the verdict; listing only those
    # keeps the line (and so the dashboard) unchanged while nothing new is learned.
    shown = list(verdict.evidence[:3]) + (["..."] if len(verdict.evidence) > 3 else [])
    runs = ", ".join(shown)
    return f"{'; '.join(verdict.reasons)} (runs: {runs})" if runs else "; ".join(verdict.reasons)


def _runs(runs: Sequence[RunRecord], runs_url: str) -> tuple[RunLine, ...]:
    return tuple(
        RunLine(r.at, f"{r.event} {r.run_id}", r.outcome.value, run_url(runs_url, r.run_id))
        for r in reversed(runs[-RECENT_RUNS:])
    )


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
