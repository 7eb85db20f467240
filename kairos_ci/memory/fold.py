"""The pure fold: snapshot + journals -> snapshot, bounded, idempotent by journal name.

A journal whose name is already in ``Memory.applied`` changes nothing, so a
compare-and-swap retry (or a re-saved journal) can simply be applied again.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from kairos_ci.memory.columns import result_parts
from kairos_ci.memory.history import History, newest_at
from kairos_ci.memory.onetable import OneTable
from kairos_ci.memory.records import (
    Backoff,
    ByModel,
    CoFailureSample,
    Journal,
    Memory,
    MemoryLimits,
    PathStats,
    Spend,
    SpendLedger,
    StoredSuggestion,
    Task,
    TaskState,
    TestRecord,
    VerdictRecord,
    Work,
    WorkState,
)

T = TypeVar("T")
_TASK_RANK = {TaskState.QUEUED: 0, TaskState.RUNNING: 1, TaskState.DONE: 2, TaskState.DROPPED: 2}


def fold(memory: Memory, journals: Iterable[tuple[str, Journal]], limits: MemoryLimits) -> Memory:
    """Apply journals in name order (their names start with the run's time)."""
    applied = set(memory.applied)
    fresh = sorted((item for item in journals if item[0] not in applied), key=_name)
    if not fresh:
        return memory
    draft = _Draft(memory, OneTable.for_fold(memory.tests, [journal for _, journal in fresh]))
    for name, journal in fresh:
        if name not in draft.applied:
            draft.apply(name, journal, limits)
    return draft.finish(limits)


def bound(memory: Memory, limits: MemoryLimits) -> Memory:
    """``memory`` with every collection cut to ``limits``, as a fold would keep it."""
    draft = _Draft(memory)
    draft.added.update((test_id, []) for test_id in memory.tests)  # every history is trimmed
    draft.cofailures = {p: (s.changes, dict(s.failures)) for p, s in memory.cofailures.items()}
    return draft.finish(limits)


def only_news(journal: Journal, memory: Memory, limits: MemoryLimits) -> Journal:
    """``journal`` without the verdicts ``memory`` already holds: folding one of those
    changes nothing, and a nightly judges every remembered test."""
    news = {
        test_id: verdict
        for test_id, verdict in journal.verdicts.items()
        if not _holds(memory.tests.get(test_id), verdict, limits)
    }
    return journal if len(news) == len(journal.verdicts) else replace(journal, verdicts=news)


def _holds(record: TestRecord | None, verdict: VerdictRecord, limits: MemoryLimits) -> bool:
    if record is None:
        return False
    return (
        record.verdict is verdict.verdict
        and record.evidence == verdict.evidence[-limits.evidence :]
    )


def _name(item: tuple[str, Journal]) -> str:
    return item[0]


class _Draft:
    """Mutable working copy for one fold; copies a collection only when it is touched."""

    def __init__(self, memory: Memory, onto: OneTable | None = None) -> None:
        self.memory = memory
        self.onto = onto  # the one table every history ends up on, when the shape allows
        self.applied = dict.fromkeys(memory.applied)
        self.run_count = memory.run_count
        self.runs = {run.run_id: run for run in memory.runs}
        # Parts each test's history gains, kept as stored strings: joined once, in ``finish``.
        # With ``onto``, each is a string on its table (``onetable``).
        self.added: defaultdict[str, list[Any]] = defaultdict(list)
        self.verdicts: dict[str, VerdictRecord] = {}
        self.cofailures: dict[str, tuple[int, dict[str, int]]] = {}
        self.posted = dict(memory.posted)
        self.work = dict(memory.work)
        self.rejections = dict(memory.rejections)
        self.decisions = list(memory.decisions)
        self.spend: dict[str, dict[str, dict[str, Spend]]] = {
            name: {key: dict(by) for key, by in getattr(memory.spend, name).items()}
            for name in ("runs", "days", "months")
        }
        self.facts = dict(memory.facts)
        self.tasks = dict(memory.tasks)
        self.backoffs = dict(memory.backoffs)
        self.suggestions = dict(memory.suggestions)

    def apply(self, name: str, journal: Journal, limits: MemoryLimits) -> None:
        self.applied[name] = None
        run = journal.run
        if self.runs.pop(run.run_id, None) is None:
            self.run_count += 1  # a run that saves twice is still one run
        self.runs[run.run_id] = run
        # Each test's list gains its part (or its string on ``onto``) in C loops (``added``
        # makes missing lists): a journal has a result for each of up to 50,000 tests.
        test_ids, parts = (
            result_parts(journal.results)
            if self.onto is None
            else self.onto.column(journal.results)
        )
        deque(map(list.append, map(self.added.__getitem__, test_ids), parts), maxlen=0)
        for test_id, verdict in journal.verdicts.items():
            self.verdicts[test_id] = verdict
        if journal.cofailure is not None:
            self._count_cofailures(journal.cofailure, limits)
        self.posted.update(journal.posted)
        for work in journal.work:
            self._newer(self.work, work.branch, work, lambda w: w.updated_at)
        self.rejections.update((r.key, r) for r in journal.rejections)
        self.decisions.extend(journal.decisions)
        self._add_spend(run.run_id, run.at, journal.spend)
        for fact in journal.facts:
            self._newer(self.facts, fact.key, fact, lambda f: f.at)
        for task in journal.tasks:
            self._newer(self.tasks, task.task_id, task, _task_order)
        for backoff in journal.backoffs:
            self._newer(self.backoffs, backoff.signature, backoff, _last_attempt)
        for suggestion in journal.suggestions:
            self._newer(self.suggestions, suggestion.key, suggestion, _suggested_at)

    def finish(self, limits: MemoryLimits) -> Memory:
        return Memory(
            run_count=self.run_count,
            runs=tuple(self.runs.values())[-limits.runs :],
            tests=self._tests(limits),
            cofailures=self._cofailure_stats(limits),
            posted=_newest(self.posted, limits.posted, lambda p: p.at),
            work=_newest(self.work, limits.work, _work_order),
            rejections=_newest(self.rejections, limits.rejections, lambda r: r.at),
            decisions=tuple(self.decisions[-limits.decisions :]),
            spend=SpendLedger(
                runs=_last(self.spend["runs"], limits.spend_runs),
                days=_newest_keys(self.spend["days"], limits.spend_days),
                months=_newest_keys(self.spend["months"], limits.spend_months),
            ),
            facts=_newest(self.facts, limits.facts, lambda f: f.at),
            tasks=_newest(self.tasks, limits.tasks, _task_keep),
            backoffs=_newest(self.backoffs, limits.backoffs, _last_attempt),
            suggestions=_newest(self.suggestions, limits.suggestions, _suggested_at),
            leases=self.memory.leases,
            applied=tuple(sorted(self.applied))[-limits.applied :],
        )

    def _count_cofailures(self, sample: CoFailureSample, limits: MemoryLimits) -> None:
        if len(sample.changed) > limits.cofailure_sample_paths:
            return
        if len(sample.failing) > limits.cofailure_sample_tests:
            return
        for path in set(sample.changed):
            if path not in self.cofailures:
                old = self.memory.cofailures.get(path)
                self.cofailures[path] = (old.changes, dict(old.failures)) if old else (0, {})
            changes, failures = self.cofailures[path]
            for test_id in set(sample.failing):
                failures[test_id] = failures.get(test_id, 0) + 1
            self.cofailures[path] = (changes + 1, failures)

    def _add_spend(self, run_id: str, at: str, spend: ByModel) -> None:
        if not spend:
            return
        for name, key in (("runs", run_id), ("days", at[:10]), ("months", at[:7])):
            by_model = self.spend[name].setdefault(key, {})
            for model, amount in spend.items():
                by_model[model] = by_model.get(model, Spend()) + amount

    @staticmethod
    def _newer(table: dict[str, T], key: str, value: T, order: Callable[[T], Any]) -> None:
        old = table.get(key)
        if old is None or order(value) >= order(old):
            table[key] = value

    def _tests(self, limits: MemoryLimits) -> dict[str, TestRecord]:
        tests = dict(self.memory.tests)
        empty = TestRecord()
        changed = self.added.keys() | self.verdicts.keys() if self.verdicts else self.added
        onto = self.onto
        for test_id in changed:
            record = tests.get(test_id, empty)
            history, verdict, evidence = record.history, record.verdict, record.evidence
            added = self.added.get(test_id)
            if added is not None and onto is not None:
                history = onto.history(history, added, limits.history_per_test)
            elif added is not None:
                joined = History([*History.of(history).parts, *added])
                history = joined.last(limits.history_per_test)
            judged = self.verdicts.get(test_id)
            if judged is not None:
                verdict, evidence = judged.verdict, judged.evidence[-limits.evidence :]
            tests[test_id] = TestRecord(history, verdict, evidence)
        return _newest(tests, limits.tests, _last_seen)

    def _cofailure_stats(self, limits: MemoryLimits) -> dict[str, PathStats]:
        stats = dict(self.memory.cofailures)
        for path, (changes, failures) in self.cofailures.items():
            top = _newest(failures, limits.cofailure_tests_per_path, lambda count: count)
            stats[path] = PathStats(changes, top)
        # Frequently changed paths carry the signal; rarely changed ones go first.
        return _newest(stats, limits.cofailure_paths, lambda s: s.changes)


def _task_order(task: Task) -> tuple[str, int]:
    return (task.at, _TASK_RANK[task.state])


def _task_keep(task: Task) -> tuple[bool, str]:
    """Queued and running tasks are kept before finished ones."""
    return (_TASK_RANK[task.state] < 2, task.at)


def _last_attempt(backoff: Backoff) -> str:
    return backoff.last_attempt


def _suggested_at(suggestion: StoredSuggestion) -> str:
    return suggestion.at


def _work_order(work: Work) -> tuple[bool, str]:
    return (work.state is WorkState.OPEN, work.updated_at)


def _last_seen(record: TestRecord) -> str:
    return newest_at(record.history)


def _newest(table: Mapping[str, T], limit: int, order: Callable[[T], Any]) -> dict[str, T]:
    """At most ``limit`` entries: the highest by ``order`` (ties broken by key)."""
    if len(table) <= limit:
        return dict(table)
    ranked = sorted(table.items(), key=lambda item: (order(item[1]), item[0]), reverse=True)
    return dict(ranked[:limit])


def _last(table: Mapping[str, T], limit: int) -> dict[str, T]:
    """The ``limit`` most recently inserted entries."""
    return dict(list(table.items())[-limit:])


def _newest_keys(table: Mapping[str, T], limit: int) -> dict[str, T]:
    return {key: table[key] for key in sorted(table)[-limit:]}
