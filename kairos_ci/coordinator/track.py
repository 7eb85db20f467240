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
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kairos_ci.agent.llm import CAPABILITY, escalated
from kairos_ci.agent.records import Tier
from kairos_ci.coordinator.attempts import attempts_of
from kairos_ci.coordinator.moves import FINISHED
from kairos_ci.coordinator.records import Board, BoardTask

TIER_SUCCESS_THRESHOLD = 0.8
MIN_ATTEMPTS = 5
MIN_PACE_SAMPLES = 3
PACE_BOUNDS = (0.25, 4.0)


@dataclass(frozen=True)
class TierRecord:
    ok: int = 0
    tried: int = 0

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

    def tier(self, task: BoardTask) -> Tier:
        """The tier the task's next attempt runs (see the module's docstring)."""
        planned = Tier(task.tier) if task.tier in set(Tier) else Tier.WORK
        record = self.tiers.get(task.task_class, {})
        good = [tier for tier in CAPABILITY if record.get(tier, TierRecord()).trusted()]
        return escalated(good[0] if good else planned, failed_attempts(task))

    def why(self, task: BoardTask) -> str:
        """The record behind ``tier`` and ``minutes``, in words, for the attempt's log."""
        record = self.tiers.get(task.task_class, {})
        rates = ", ".join(
            f"{tier} {r.ok}/{r.tried}" for tier in CAPABILITY if (r := record.get(tier))
        )
        pace = self.pace.get(task.task_class)
        paced = f"pace x{pace.factor:.2f} over {pace.samples}" if pace else "no pace yet"
        return f"class {task.task_class or '(none)'}: {rates or 'no attempts yet'}; {paced}"


def track_of(boards: Iterable[Board]) -> Track:
    """The record of every judged attempt on ``boards``."""
    tally: dict[str, dict[str, list[int]]] = {}
    ratios: dict[str, list[float]] = {}
    for board in boards:
        classes = {task.id: task for task in board.tasks if task.task_class}
        for attempt in attempts_of(board).ended:
            task = classes.get(attempt.task_id)
            if task is None or not attempt.judged:
                continue
            if attempt.tier:
                counts = tally.setdefault(task.task_class, {}).setdefault(attempt.tier, [0, 0])
                counts[0] += attempt.ok
                counts[1] += 1
            if attempt.ok and task.estimate_minutes > 0:
                ratios.setdefault(task.task_class, []).append(
                    attempt.minutes / task.estimate_minutes
                )
    tiers = {
        cls: {tier: TierRecord(ok, tried) for tier, (ok, tried) in by_tier.items()}
        for cls, by_tier in tally.items()
    }
    return Track(tiers, {cls: _pace(found) for cls, found in ratios.items() if _enough(found)})


def failed_attempts(task: BoardTask) -> int:
    """Attempts that ended failed, as far as the task's history goes back."""
    return sum(1 for event in task.history if event.what == FINISHED[1])


def _enough(ratios: list[float]) -> bool:
    return len(ratios) >= MIN_PACE_SAMPLES


def _pace(ratios: list[float]) -> Pace:
    low, high = PACE_BOUNDS
    return Pace(min(high, max(low, statistics.median(ratios))), len(ratios))
