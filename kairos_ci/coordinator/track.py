"""What finished attempts on every board say about a task class: how often each model
tier succeeded, and how long its tasks took against their plan's p50 (research:
anchors-planning §8.3, the history-based estimator pytest-split uses for tests).

- A task's **class** is its plan's goal kind and the step's risk, e.g. ``refactor/low``
  (``BoardTask.task_class``): coarse enough to gather attempts across plans, fine
  enough that a risky migration is not judged by easy fixes. A board written before
  classes were kept has none, and teaches nothing.
- **Tier.** The cheapest tier whose success rate in the class is at least 80% over at
  least ``MIN_ATTEMPTS`` judged attempts (done or failed: an expired lease or a question
  judged nothing); with no such record, the tier the plan's step asked for. Each failed
  attempt of the task then goes one tier up (``agent.llm.escalated``).
- **Pace.** The median of actual minutes over the p50 of the class's tasks that ended
  done (the successful attempt's own time), once ``MIN_PACE_SAMPLES`` exist, held within
  ``PACE_BOUNDS`` so one odd night cannot make a plan look free or endless. A task's
  corrected estimate is its p50 times its class's pace; the board keeps the plan's p50,
  so the record never learns from its own corrections.
- **Hurry.** A step heading the critical path goes one tier further up when the record
  says the time that tier saves (its pace against the cheaper one's, on the step's p50)
  is worth more, at ``budget.value_of_time_usd_per_hour``, than its extra median spend.
  Without a value of time, or a record of both tiers, the cheaper tier stands.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kairos_ci.agent.llm import CAPABILITY, escalated
from kairos_ci.agent.records import Tier
from kairos_ci.coordinator.attempts import attempts_of
from kairos_ci.coordinator.moves import FINISHED
from kairos_ci.coordinator.records import ENDED, Board, BoardTask

TIER_SUCCESS_THRESHOLD = 0.8
MIN_ATTEMPTS = 5
MIN_PACE_SAMPLES = 3
PACE_BOUNDS = (0.25, 4.0)


@dataclass(frozen=True)
class TierRecord:
    ok: int = 0
    tried: int = 0
    pace: float | None = None  # median actual over p50 of its successes, once enough
    usd: float | None = None  # median spend of its judged attempts, once enough

    @property
    def rate(self) -> float:
        return self.ok / self.tried if self.tried else 0.0

    def trusted(self) -> bool:
        return self.tried >= MIN_ATTEMPTS and self.rate >= TIER_SUCCESS_THRESHOLD


@dataclass(frozen=True)
class Pace:
    factor: float  # actual minutes over p50, the median of ``samples`` tasks
    samples: int


@dataclass(frozen=True)
class Track:
    tiers: Mapping[str, Mapping[str, TierRecord]] = field(default_factory=dict)  # class, tier
    pace: Mapping[str, Pace] = field(default_factory=dict)  # by class

    def minutes(self, task: BoardTask) -> float:
        """The task's p50 corrected by its class's pace."""
        return self.paced(task.task_class, task.estimate_minutes)

    def paced(self, task_class: str, p50_minutes: float) -> float:
        pace = self.pace.get(task_class)
        return p50_minutes * (pace.factor if pace else 1.0)

    def tier(self, task: BoardTask, hurry: Hurry | None = None) -> Tier:
        """The tier the task's next attempt runs (see the module's docstring)."""
        planned = Tier(task.tier) if task.tier in set(Tier) else Tier.WORK
        record = self.tiers.get(task.task_class, {})
        good = [tier for tier in CAPABILITY if record.get(tier, TierRecord()).trusted()]
        base = good[0] if good else planned
        if hurry is not None and _faster_pays(task, record, base, hurry):
            base = escalated(base, 1)
        return escalated(base, failed_attempts(task))


@dataclass(frozen=True)
class Hurry:
    """A step on the plan's critical path, and what an hour sooner is worth."""

    usd_per_hour: float  # ``budget.value_of_time_usd_per_hour``; 0: never pay for speed


def hurry_for(board: Board, task: BoardTask, usd_per_hour: float) -> Hurry | None:
    """A hurry for ``task`` when it heads the critical path: no task left has a longer
    chain of work ahead of it (``BoardTask.priority``)."""
    left = [t.priority for t in board.tasks if t.state not in ENDED]
    if usd_per_hour <= 0 or task.priority < max(left, default=task.priority):
        return None
    return Hurry(usd_per_hour)


def _faster_pays(
    task: BoardTask, record: Mapping[str, TierRecord], base: Tier, hurry: Hurry
) -> bool:
    """Whether the next tier up saves time worth more than it costs, by the record: both
    tiers trusted, with a pace and a spend; otherwise the cheaper tier stands."""
    up = escalated(base, 1)
    low, high = record.get(base), record.get(up)
    if up is base or low is None or high is None or not high.trusted():
        return False
    if None in (low.pace, low.usd, high.pace, high.usd):
        return False
    assert low.pace is not None and high.pace is not None  # checked above, for mypy
    assert low.usd is not None and high.usd is not None
    saved_hours = task.estimate_minutes * (low.pace - high.pace) / 60
    return saved_hours * hurry.usd_per_hour > high.usd - low.usd


@dataclass
class _Tally:
    """One class and tier's judged attempts, as they are read."""

    ok: int = 0
    tried: int = 0
    ratios: list[float] = field(default_factory=list)  # successes' actual over p50
    spent: list[float] = field(default_factory=list)

    def record(self) -> TierRecord:
        pace = _median(self.ratios)
        usd = statistics.median(self.spent) if len(self.spent) >= MIN_PACE_SAMPLES else None
        return TierRecord(self.ok, self.tried, pace, usd)


def track_of(boards: Iterable[Board]) -> Track:
    """The record of every judged attempt on ``boards``."""
    tally: dict[str, dict[str, _Tally]] = {}
    ratios: dict[str, list[float]] = {}
    for board in boards:
        classes = {task.id: task for task in board.tasks if task.task_class}
        for attempt in attempts_of(board).ended:
            task = classes.get(attempt.task_id)
            if task is None or not attempt.judged:
                continue
            ratio = attempt.minutes / task.estimate_minutes if task.estimate_minutes > 0 else None
            if attempt.ok and ratio is not None:
                ratios.setdefault(task.task_class, []).append(ratio)
            if attempt.tier:
                one = tally.setdefault(task.task_class, {}).setdefault(attempt.tier, _Tally())
                one.ok, one.tried = one.ok + attempt.ok, one.tried + 1
                one.spent.append(attempt.usd)
                if attempt.ok and ratio is not None:
                    one.ratios.append(ratio)
    tiers = {
        cls: {tier: t.record() for tier, t in by_tier.items()} for cls, by_tier in tally.items()
    }
    paces = {
        cls: Pace(factor, len(found)) for cls, found in ratios.items() if (factor := _median(found))
    }
    return Track(tiers, paces)


def failed_attempts(task: BoardTask) -> int:
    """Attempts that ended failed, as far as the task's history goes back."""
    return sum(1 for event in task.history if event.what == FINISHED[1])


def _median(ratios: list[float]) -> float | None:
    """The median ratio held within ``PACE_BOUNDS``; None under ``MIN_PACE_SAMPLES``."""
    if len(ratios) < MIN_PACE_SAMPLES:
        return None
    low, high = PACE_BOUNDS
    return min(high, max(low, statistics.median(ratios)))
