"""The act stage's bundle: a dry run hands its model spend to the publish job; open work
records what its change was verified on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kairos_ci.bundle.records import RunSpend
from kairos_ci.memory.records import Spend, Work, WorkState
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.act import carried_spend, with_verifications
from kairos_ci.stages.records import Check, ProposedChange, RunInfo
from kairos_ci.stages.state import ModelNotes, Worked

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SPENT = Worked(notes=ModelNotes(spend={"claude-sonnet-4-5": Spend(0.5, 1000, 100)}))
OWN = Situation(Trigger.WORKFLOW_RUN, None)


def test_a_dry_run_carries_its_spend_to_publish() -> None:
    run = RunInfo("77", "workflow_run", NOW, dry_run=True)
    assert carried_spend(OWN, run, SPENT) == RunSpend(
        "2026-11-27T03:00:00Z", {"claude-sonnet-4-5": Spend(0.5, 1000, 100)}
    )


def test_spend_stays_home_when_memory_has_it_or_must_not() -> None:
    dry = RunInfo("77", "workflow_run", NOW, dry_run=True)
    saved_by_the_run = RunInfo("77", "workflow_run", NOW)
    fork = Situation(Trigger.WORKFLOW_RUN, None, from_fork=True)
    assert carried_spend(OWN, saved_by_the_run, SPENT) is None
    assert carried_spend(fork, dry, SPENT) is None
    assert carried_spend(OWN, dry, Worked()) is None  # no model asked: nothing to record


def proposed(patch: str, *, verified: bool = True, on: str = "t c v") -> ProposedChange:
    check = Check("findings go down", verified, "ruff: 2 -> 0")
    return ProposedChange(
        "fix_lint", "kairos/fix-lint/ruff", "Fix", "abc", patch, ("a.py",), (check,), "",
        verified_on=on,
    )  # fmt: skip


def open_work(change: ProposedChange, state: WorkState = WorkState.OPEN) -> Work:
    return Work(change.branch, 1, state, change.identity, "fix_lint", "2026-11-26T03:00:00Z")


def test_open_work_records_what_its_change_was_verified_on() -> None:
    change = proposed("patch one")
    work = {change.branch: open_work(change)}
    recorded = with_verifications(work, [change])
    assert recorded[change.branch] == replace(work[change.branch], verified="t c v")
    assert recorded[change.branch].updated_at == "2026-11-26T03:00:00Z"  # names the PR's run


def test_only_the_same_verified_change_on_open_work_is_recorded() -> None:
    change = proposed("patch one")
    other = {change.branch: open_work(proposed("patch two"))}  # the PR holds another patch
    closed = {change.branch: open_work(change, WorkState.CLOSED)}
    work = {change.branch: open_work(change)}
    assert with_verifications(other, [change]) == other
    assert with_verifications(closed, [change]) == closed
    assert with_verifications(work, [proposed("patch one", verified=False)]) == work
    assert with_verifications(work, [proposed("patch one", on="")]) == work  # tools unknown
