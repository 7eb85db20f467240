"""Readings for the fleet tests: memory as a nightly leaves it, and pull requests."""

from __future__ import annotations

from kairos_ci.forge.records import PullRequest
from kairos_ci.memory.records import Memory, RunRecord, RunResult, Spend, SpendLedger, TestRecord
from kairos_ci.memory.store import Loaded
from kairos_ci.verdicts.records import Verdict

MONTH = "2026-12"


def memory(broken: int = 0, flaky: int = 0, usd: float = 0.0) -> Memory:
    verdicts = [Verdict.BROKEN] * broken + [Verdict.FLAKY] * flaky + [Verdict.HEALTHY]
    spend = SpendLedger(
        months={MONTH: {"sonnet": Spend(usd, 10, 5)}, "2026-11": {"sonnet": Spend(99.0)}}
    )
    run = RunRecord("night-1", "schedule", "a" * 40, "2026-12-07T03:00:00Z", RunResult.SUCCESS)
    tests = {f"tests/t.py::t{i}": TestRecord(verdict=v) for i, v in enumerate(verdicts)}
    return Memory(run_count=1, runs=(run,), tests=tests, spend=spend)


def loaded(mem: Memory | None = None, notes: tuple[str, ...] = ()) -> Loaded:
    return Loaded(mem or memory(), "c" * 40, (), notes)


NO_BRANCH = Loaded(Memory(), None, (), ())


def pull(
    repository: str, head: str, *, state: str = "open", fork: str | None = None
) -> PullRequest:
    return PullRequest(
        number=1,
        url=f"https://github.com/{repository}/pull/1",
        node_id="PR_1",
        title="t",
        body="",
        author="kairos-ci[bot]",
        head=head,
        head_sha="b" * 40,
        base="main",
        state=state,
        merged=False,
        head_repo=fork or repository,
    )
