"""Moves on a board: claims by priority with whole write sets free, fencing, expiry,
finishing, extending locks, and what waits for what."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kairos_ci.coordinator.moves import (
    Fenced,
    LockBusy,
    Report,
    advance,
    claim,
    extend,
    finish,
    heartbeat,
    refreshed,
)
from kairos_ci.coordinator.records import BlockReason, Board, TaskStatus, WorkResult
from kairos_ci.plan.records import UserClass
from tests.coordinator.boards import T0, board, task

OK = WorkResult(ok=True, branch="kairos/plan-7/S1", usd=0.5)
TTL = timedelta(minutes=10)


def states(b: Board) -> dict[str, str]:
    return {t.id: str(t.state) for t in b.tasks}


def test_the_highest_priority_free_task_is_claimed_under_a_new_fence() -> None:
    b = board(task("A", "a.py", priority=5), task("B", "b.py", priority=9), task("C", "c.py"))
    b, got = claim(b, "w1", T0, TTL)
    assert got is not None and got.task.id == "B" and got.fence == 1 == b.fence
    lease = b.task("B").lease
    assert lease is not None and lease.owner == "w1" and lease.expires_at == "2026-11-27T03:10:00Z"
    b, got = claim(b, "w2", T0, TTL)
    assert got is not None and (got.task.id, got.fence) == ("A", 2)
    assert b.locks() == {"b.py": "B", "a.py": "A"}


def test_between_equal_chains_the_more_urgent_class_is_claimed_first() -> None:
    later = replace(task("A", "a.py", priority=5), user_class=UserClass.P3)
    sooner = replace(task("B", "b.py", priority=5), user_class=UserClass.P0)
    longer = replace(task("C", "c.py", priority=6), user_class=UserClass.P3)
    b = board(later, sooner, longer)
    order = []
    for worker in ("w1", "w2", "w3"):
        b, got = claim(b, worker, T0, TTL)
        assert got is not None
        order.append(got.task.id)
    assert order == ["C", "B", "A"]  # the critical path first, then the class


def test_a_task_whose_write_set_overlaps_a_live_lease_waits_and_says_why() -> None:
    b = board(task("A", "src/", priority=9), task("B", "src/app.py", priority=5), task("C", "x.py"))
    b, first = claim(b, "w1", T0, TTL)
    b, second = claim(b, "w2", T0, TTL)
    assert first is not None and first.task.id == "A"
    assert second is not None and second.task.id == "C"  # B would take part of src/
    assert b.task("B").block is BlockReason.LOCK
    b, third = claim(b, "w3", T0, TTL)
    assert third is None and b.fence == 2


def test_dependencies_and_decisions_keep_a_task_pending_until_met() -> None:
    b = board(
        task("A", "a.py"),
        task("B", "b.py", deps=("A",)),
        task("C", "c.py", decisions=("D1",)),
        decisions={"D1": None},
    )
    b = refreshed(b, T0)
    assert states(b) == {"A": "ready", "B": "pending", "C": "pending"}
    assert (b.task("B").block, b.task("C").block) == (BlockReason.DEPENDENCY, BlockReason.DECISION)
    b, got = claim(b, "w1", T0, TTL)
    assert got is not None
    b = finish(b, Report("A", got.fence, T0), OK)
    assert states(b) == {"A": "done", "B": "ready", "C": "pending"}


def test_a_late_report_from_an_expired_lease_is_refused_by_its_fence() -> None:
    b = board(task("A", "a.py", attempts=3))
    b, old = claim(b, "zombie", T0, TTL)
    assert old is not None
    later = T0 + TTL + timedelta(seconds=1)
    b, new = claim(b, "w2", later, TTL)  # the zombie stopped reporting: taken over
    assert new is not None and new.task.id == "A" and new.fence == 2
    assert [e.what for e in b.task("A").history][-2:] == ["lease expired", "claimed"]
    with pytest.raises(Fenced, match="task A has fence 2; a report with fence 1 is refused"):
        finish(b, Report("A", old.fence, later), OK)
    b = finish(b, Report("A", new.fence, later), OK)
    assert b.task("A").state is TaskStatus.DONE and b.task("A").attempts == 2


def test_a_heartbeat_keeps_the_lease_and_only_its_holder_may_send_one() -> None:
    b = board(task("A", "a.py"))
    b, got = claim(b, "w1", T0, TTL)
    assert got is not None
    b = heartbeat(b, Report("A", got.fence, T0 + timedelta(minutes=9)), TTL)
    b, other = claim(b, "w2", T0 + timedelta(minutes=15), TTL)
    assert other is None and b.task("A").state is TaskStatus.LEASED
    with pytest.raises(Fenced):
        heartbeat(b, Report("A", 99, T0), TTL)


def test_failed_attempts_retry_then_fail_and_dependents_are_cancelled() -> None:
    b = board(task("A", "a.py", attempts=2), task("B", "b.py", deps=("A",)))
    bad = WorkResult(ok=False, note="tests failed: test_login", usd=0.25)
    for attempt in (1, 2):
        b, got = claim(b, "w1", T0, TTL)
        assert got is not None and got.task.attempts == attempt
        b = advance(b, Report("A", got.fence, T0), TaskStatus.RUNNING)
        b = finish(b, Report("A", got.fence, T0), bad)
    assert states(b) == {"A": "failed", "B": "cancelled"}
    assert b.task("A").spent_usd == 0.5 == b.spent_usd()
    assert b.task("B").history[-1].note == "dependency A did not finish"


def test_a_spent_budget_blocks_what_is_left() -> None:
    b = board(task("A", "a.py"), task("B", "b.py"), budget=0.5)
    b, got = claim(b, "w1", T0, TTL)
    assert got is not None
    b = finish(b, Report(got.task.id, got.fence, T0), WorkResult(ok=True, usd=0.6))
    left = next(t for t in b.tasks if t.state is not TaskStatus.DONE)
    assert (left.state, left.block) == (TaskStatus.BLOCKED, BlockReason.BUDGET)
    assert claim(b, "w1", T0, TTL)[1] is None


def test_extending_a_write_set_is_all_or_nothing() -> None:
    b = board(task("A", "a.py"), task("B", "lib/"))
    b, a = claim(b, "w1", T0, TTL)
    b, lib = claim(b, "w2", T0, TTL)
    assert a is not None and lib is not None and a.task.id == "A"
    with pytest.raises(LockBusy, match=r"held: lib/ \(B\)"):
        extend(b, Report("A", a.fence, T0), ["docs/a.md", "lib/util.py"])
    assert b.task("A").write_set == ("a.py",)
    b = extend(b, Report("A", a.fence, T0), ["./docs//a.md"])
    assert b.task("A").write_set == ("a.py", "docs/a.md")


def test_a_task_that_has_waited_gains_rank_and_a_tie_goes_to_the_shorter() -> None:
    long_chain = task("L", "l.py", priority=30.5)
    waiting = task("W", "w.py", priority=30.0)
    b = refreshed(board(long_chain, waiting), T0)  # both turn ready at T0
    _, got = claim(b, "w1", T0 + timedelta(minutes=20))
    assert got is not None and got.task.id == "L"  # 20 minutes waited: +0.33, not enough
    _, got = claim(b, "w1", T0 + timedelta(minutes=40))
    assert got is not None and got.task.id == "L"  # both waited alike: rank still decides
    later = refreshed(board(long_chain), T0 + timedelta(minutes=40))  # L turns ready now
    b = board(*later.tasks, *b.tasks[1:])
    _, got = claim(b, "w1", T0 + timedelta(minutes=40))
    assert got is not None and got.task.id == "W"  # W waited 40 minutes: +0.67 rank
    short = task("S", "s.py", priority=30.0)
    b = refreshed(board(waiting, replace(short, estimate_minutes=5.0)), T0)
    _, got = claim(b, "w1", T0)
    assert got is not None and got.task.id == "S"  # the same rank: the cheaper first
