from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import (
    Backoff,
    CoFailureSample,
    DecisionRecord,
    Fact,
    Memory,
    MemoryLimits,
    Posted,
    Spend,
    Task,
    TaskState,
    VerdictRecord,
    Work,
    WorkState,
)
from kairos_ci.verdicts.records import Outcome, Verdict
from tests.memory.helpers import at, journal
from tests.memory.helpers import jname as name

LIMITS = MemoryLimits()


def test_a_journal_applied_twice_changes_nothing() -> None:
    one = journal("r1", 1, {"t::a": Outcome.FAILED}, spend={"claude": Spend(0.5, 10, 20)})
    once = fold(Memory(), [(name(1), one)], LIMITS)
    assert fold(once, [(name(1), one)], LIMITS) is once
    assert fold(Memory(), [(name(1), one), (name(1), one)], LIMITS) == once
    assert once.run_count == 1
    assert len(once.tests["t::a"].history) == 1
    assert once.spend.months["2026-11"]["claude"] == Spend(0.5, 10, 20)


def test_journals_fold_in_name_order_whatever_order_they_come_in() -> None:
    items = [(name(i), journal(f"r{i}", i, {"t::a": Outcome.PASSED})) for i in range(5)]
    forward = fold(Memory(), items, LIMITS)
    backward = fold(Memory(), items[::-1], LIMITS)
    assert forward == backward
    assert [r.run_id for r in forward.runs] == ["r0", "r1", "r2", "r3", "r4"]
    assert [e.run_id for e in forward.tests["t::a"].history] == ["r0", "r1", "r2", "r3", "r4"]


def test_a_run_that_saves_twice_counts_once() -> None:
    first = journal("r1", 1, {"t::a": Outcome.FAILED})
    second = journal("r1", 2, {"t::b": Outcome.PASSED})
    memory = fold(Memory(), [(name(1, "r1"), first), (name(2, "r1"), second)], LIMITS)
    assert memory.run_count == 1
    assert len(memory.runs) == 1
    assert set(memory.tests) == {"t::a", "t::b"}


def test_every_collection_is_bounded() -> None:
    small = MemoryLimits(runs=3, history_per_test=4, tests=5, decisions=2, posted=2, applied=6)
    items = []
    for i in range(10):
        extra = {
            "decisions": (DecisionRecord(f"r{i}", at(i), "review", "pr#1", "because"),),
            "posted": {f"fp{i}": Posted("comment", "pr#1", "https://example.test/1", at(i))},
        }
        outcomes = {"t::same": Outcome.PASSED, f"t::only{i}": Outcome.FAILED}
        items.append((name(i), journal(f"r{i}", i, outcomes, **extra)))
    memory = fold(Memory(), items, small)
    assert memory.run_count == 10
    assert [r.run_id for r in memory.runs] == ["r7", "r8", "r9"]
    assert [e.run_id for e in memory.tests["t::same"].history] == ["r6", "r7", "r8", "r9"]
    assert len(memory.tests) == 5
    assert "t::only9" in memory.tests and "t::only0" not in memory.tests
    assert [d.run_id for d in memory.decisions] == ["r8", "r9"]
    assert set(memory.posted) == {"fp8", "fp9"}
    assert memory.applied == tuple(sorted(n for n, _ in items))[-6:]


def test_verdicts_replace_earlier_ones_and_keep_bounded_evidence() -> None:
    evidence = tuple(f"r{i}" for i in range(30))
    flaky = VerdictRecord(Verdict.FLAKY, evidence)
    memory = fold(Memory(), [(name(1), journal("r1", 1, verdicts={"t::a": flaky}))], LIMITS)
    assert memory.tests["t::a"].verdict is Verdict.FLAKY
    assert memory.tests["t::a"].evidence == evidence[-LIMITS.evidence :]
    healed = VerdictRecord(Verdict.HEALTHY, ("r2",))
    memory = fold(memory, [(name(2), journal("r2", 2, verdicts={"t::a": healed}))], LIMITS)
    assert memory.tests["t::a"].verdict is Verdict.HEALTHY
    assert memory.tests["t::a"].evidence == ("r2",)


def test_cofailures_count_changes_and_failures_per_path() -> None:
    sample = CoFailureSample(("src/a.py", "src/b.py"), ("t::x",))
    quiet = CoFailureSample(("src/a.py",), ())
    memory = fold(
        Memory(),
        [
            (name(1), journal("r1", 1, cofailure=sample)),
            (name(2), journal("r2", 2, cofailure=quiet)),
        ],
        LIMITS,
    )
    assert memory.cofailures["src/a.py"].changes == 2
    assert memory.cofailures["src/a.py"].failures == {"t::x": 1}
    assert memory.cofailures["src/b.py"].changes == 1


def test_a_huge_change_carries_no_cofailure_signal() -> None:
    paths = tuple(f"src/{i}.py" for i in range(LIMITS.cofailure_sample_paths + 1))
    sample = CoFailureSample(paths, ("t::x",))
    memory = fold(Memory(), [(name(1), journal("r1", 1, cofailure=sample))], LIMITS)
    assert memory.cofailures == {}


def test_spend_adds_up_per_run_day_and_month() -> None:
    first = journal("r1", 1, spend={"opus": Spend(1.25, 100, 10)})
    second = journal("r2", 2, spend={"opus": Spend(0.75, 50, 5), "haiku": Spend(0.01, 1, 1)})
    memory = fold(Memory(), [(name(1), first), (name(2), second)], LIMITS)
    assert memory.spend.runs["r1"] == {"opus": Spend(1.25, 100, 10)}
    assert memory.spend.days["2026-11-27"]["opus"] == Spend(2.0, 150, 15)
    assert memory.spend.months["2026-11"]["haiku"] == Spend(0.01, 1, 1)


def test_newest_change_wins_for_work_facts_and_tasks() -> None:
    def work(state: WorkState, seconds: int) -> Work:
        return Work("kairos/fix-1", 7, state, "h1", "fix_lint", at(seconds))

    def task(state: TaskState, seconds: int) -> Task:
        return Task("t1", "fix_lint", "ruff", state, "lint broke", at(seconds))

    def fact(value: str, seconds: int) -> Fact:
        return Fact("test_framework", value, "pyproject.toml", "r1", at(seconds))

    late = journal("r2", 2, work=(work(WorkState.MERGED, 9),), tasks=(task(TaskState.DONE, 9),))
    late = replace(late, facts=(fact("pytest", 9),))
    early = journal("r3", 3, work=(work(WorkState.OPEN, 1),), tasks=(task(TaskState.QUEUED, 1),))
    early = replace(early, facts=(fact("unittest", 1),))
    memory = fold(Memory(), [(name(2), late), (name(3), early)], LIMITS)
    assert memory.work["kairos/fix-1"].state is WorkState.MERGED
    assert memory.tasks["t1"].state is TaskState.DONE
    assert memory.facts["test_framework"].value == "pytest"


def test_the_newest_backoff_of_a_signature_wins_and_they_are_bounded() -> None:
    def backoff(signature: str, attempts: int, seconds: int) -> Backoff:
        return Backoff(signature, "t::a", attempts, at(seconds), at(seconds + 86400), "flaky")

    late = journal("r2", 2, backoffs=(backoff("a" * 64, 2, 9), backoff("b" * 64, 1, 1)))
    early = journal("r3", 3, backoffs=(backoff("a" * 64, 1, 1),))
    memory = fold(Memory(), [(name(2), late), (name(3), early)], LIMITS)
    assert memory.backoffs["a" * 64].attempts == 2
    small = fold(Memory(), [(name(2), late), (name(3), early)], replace(LIMITS, backoffs=1))
    assert list(small.backoffs) == ["a" * 64]  # the most recently tried is kept


@settings(max_examples=40, deadline=None)
@given(
    picks=st.lists(st.integers(min_value=0, max_value=11), max_size=20),
    split=st.integers(min_value=0, max_value=20),
)
def test_folding_in_steps_or_again_gives_the_same_memory(picks: list[int], split: int) -> None:
    pool = [(name(i), journal(f"r{i}", i, {f"t::{i % 3}": Outcome.FAILED})) for i in range(12)]
    chosen = sorted(set(picks))
    items = [pool[i] for i in chosen]
    at_once = fold(Memory(), items, LIMITS)
    stepwise = fold(fold(Memory(), items[:split], LIMITS), items[split:], LIMITS)
    assert stepwise == at_once
    # Re-applying any subset (a CAS retry) changes nothing.
    assert fold(at_once, [pool[i] for i in picks], LIMITS) == at_once
