"""How well a swarm actually scheduled a plan, measured from the board's own history
against the lower bound no schedule can beat (issue 20: "measured, not asserted").

Pure functions over a ``Board``: every time comes from its tasks' events, never a clock.

- An **attempt** is ``coordinator.attempts``': a claim to the event that ended it.
- **p** of a task is the sum of its attempts: a retried task held a worker that long.
- **LB** = max(⌈Σp/m⌉, the critical path of actual durations along ``depends_on``,
  max p), with m the legs (distinct lease owners) actually used (``simulate.lower_bound``,
  so the simulator and the measurement share one definition).
- **Idle** leg time within the makespan (first claim to last end), by cause:
  start-up (from the earliest claim of any leg to the leg's own first: a run's start is
  not on the board), waiting on locks (a gap while some task was ready and an attempt of
  another task held part of its write set: the lock table rebuilt from the attempts),
  waiting on dependencies (any other gap: nothing was ready, or a leg's few seconds
  between a task turning ready and its claim), and the tail (after the leg's last end).
  Start-up + dependencies + locks + tail + Σp = m * makespan.
- **Spend** against the cheapest-tier bound: each task's spend scaled by the cheapest
  tier's price over its own tier's, taking the smallest ratio of input, output and cache
  prices: no assignment of tiers could have spent less on the same tokens.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kairos_ci.agent.prices import cache_read_rate, cache_write_rate
from kairos_ci.config.records import Price
from kairos_ci.coordinator.attempts import Attempts, LegAttempt, attempts_of, when
from kairos_ci.coordinator.paths import conflicts
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent, TaskStatus
from kairos_ci.swarm.policy import SwarmTask
from kairos_ci.swarm.simulate import LowerBound, lower_bound

# A task is ready (waits only for a leg and its write set) from these events ...
READY_STARTS = frozenset({"ready", "attempt failed", "lease expired"})
# ... until one of these.
READY_ENDS = frozenset({"claimed", "pending", "blocked", "cancelled"})


@dataclass(frozen=True)
class IdleSplit:
    """Leg-minutes within the makespan no attempt ran, by cause."""

    startup: float = 0.0
    dependencies: float = 0.0
    locks: float = 0.0
    tail: float = 0.0

    @property
    def total(self) -> float:
        return self.startup + self.dependencies + self.locks + self.tail


@dataclass(frozen=True)
class Measured:
    legs: int  # m: distinct lease owners among the ended attempts
    attempts: Attempts
    work: float  # Σp, minutes
    bound: LowerBound
    makespan: float  # first claim to last end, minutes
    idle: IdleSplit

    @property
    def ratio(self) -> float:
        return self.makespan / self.bound.value if self.bound.value > 0 else 1.0

    @property
    def utilisation(self) -> float:
        capacity = self.legs * self.makespan
        return self.work / capacity if capacity > 0 else 1.0

    @property
    def failed(self) -> int:
        return sum(1 for attempt in self.attempts.ended if not attempt.ok)

    def line(self) -> str:
        """The schedule in one line, for a summary or the dashboard."""
        legs = f"{self.legs} leg" if self.legs == 1 else f"{self.legs} legs"
        return (
            f"makespan {self.makespan:.1f} min, LB {self.bound.value:.1f} min, "
            f"ratio {self.ratio:.3f}, on {legs}"
        )


def measure(board: Board, run: str = "") -> Measured | None:
    """The schedule the board's history shows, against its lower bound; None when no
    attempt has ended yet."""
    attempts = attempts_of(board, run)
    if not attempts.ended:
        return None
    owners = sorted({attempt.owner for attempt in attempts.ended})
    first = min(attempt.start for attempt in attempts.ended)
    last = max(attempt.end for attempt in attempts.ended)
    spans = lock_waits(board, attempts_of(board).ended)  # every run's leases held locks
    idle = [_leg_idle(_by_owner(attempts.ended, owner), (first, last), spans) for owner in owners]
    work = sum(attempt.minutes for attempt in attempts.ended)
    return Measured(
        legs=len(owners),
        attempts=attempts,
        work=work,
        bound=lower_bound(actual_tasks(board, attempts.ended), len(owners)),
        makespan=_minutes(first, last),
        idle=IdleSplit(
            startup=sum(split.startup for split in idle),
            dependencies=sum(split.dependencies for split in idle),
            locks=sum(split.locks for split in idle),
            tail=sum(split.tail for split in idle),
        ),
    )


def actual_tasks(board: Board, attempts: Sequence[LegAttempt]) -> tuple[SwarmTask, ...]:
    """The board's tasks with their actual minutes (every attempt's; 0 if never run)."""
    minutes: dict[str, float] = {}
    for attempt in attempts:
        minutes[attempt.task_id] = minutes.get(attempt.task_id, 0.0) + attempt.minutes
    known = {task.id for task in board.tasks}
    return tuple(
        SwarmTask(
            task.id, minutes.get(task.id, 0.0), tuple(d for d in task.depends_on if d in known)
        )
        for task in board.tasks
    )


def lock_waits(board: Board, attempts: Sequence[LegAttempt]) -> list[tuple[datetime, datetime]]:
    """When some task was ready, unclaimed, and an attempt of another task held part of
    its write set: the lock table, rebuilt from the attempts (a live lease holds its
    task's whole write set)."""
    by_id = {task.id: task for task in board.tasks}
    waits: list[tuple[datetime, datetime]] = []
    for task in board.tasks:
        ready = _merged(list(_ready_spans(task)))
        holders = [
            (attempt.start, attempt.end)
            for attempt in attempts
            if attempt.task_id != task.id
            and conflicts(task.write_set, by_id[attempt.task_id].write_set)
        ]
        waits.extend(_intersection(ready, _merged(holders)))
    return _merged(waits)


def _ready_spans(task: BoardTask) -> Iterator[tuple[datetime, datetime]]:
    """When the task was ready and unclaimed; a span still open lasts while the task is
    ready, and one whose end fell off a capped history is left out."""
    since: datetime | None = None
    for event in task.history:
        moment = when(event)
        if moment is None:
            continue
        if since is None and _starts_ready(event):
            since = moment
        elif since is not None and _ends_ready(event):
            yield since, moment
            since = None
    if since is not None and task.state is TaskStatus.READY:
        yield since, datetime.max.replace(tzinfo=since.tzinfo)


def _starts_ready(event: TaskEvent) -> bool:
    return event.what in READY_STARTS and not event.note.endswith("out of attempts")


def _ends_ready(event: TaskEvent) -> bool:
    return event.what in READY_ENDS or event.what.startswith("failed")


def _intersection(
    one: Sequence[tuple[datetime, datetime]], other: Sequence[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    for a_start, a_end in one:
        for b_start, b_end in other:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                yield start, end


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _by_owner(attempts: Sequence[LegAttempt], owner: str) -> list[LegAttempt]:
    return [attempt for attempt in attempts if attempt.owner == owner]


def _leg_idle(
    mine: Sequence[LegAttempt],
    window: tuple[datetime, datetime],
    locked: Sequence[tuple[datetime, datetime]],
) -> IdleSplit:
    """One leg's idle minutes: before its first claim, between its attempts, after."""
    first, last = window
    locks = dependencies = 0.0
    busy_until = mine[0].end
    for attempt in mine[1:]:
        if attempt.start > busy_until:
            waited = _overlap((busy_until, attempt.start), locked)
            locks += waited
            dependencies += _minutes(busy_until, attempt.start) - waited
        busy_until = max(busy_until, attempt.end)
    return IdleSplit(
        startup=_minutes(first, mine[0].start),
        dependencies=dependencies,
        locks=locks,
        tail=_minutes(busy_until, last),
    )


def _overlap(gap: tuple[datetime, datetime], spans: Sequence[tuple[datetime, datetime]]) -> float:
    """Minutes of ``gap`` inside the (merged, disjoint) ``spans``."""
    start, end = gap
    return sum(_minutes(max(start, a), min(end, b)) for a, b in spans if a < end and b > start)


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


@dataclass(frozen=True)
class SpendBound:
    spent_usd: float  # every attempt's, of every task
    cheapest_usd: float | None  # None: some tier's price is unknown (``why``)
    why: str = ""


def tier_factors(prices: Mapping[str, Price]) -> dict[str, float]:
    """Each tier's cheapest-tier factor: the smallest ratio, over input, output and cache
    prices, of the cheapest tier's price (least input + output) to the tier's own."""
    if not prices:
        return {}
    cheapest = prices[min(prices, key=lambda tier: prices[tier].input + prices[tier].output)]
    return {tier: _factor(cheapest, price) for tier, price in prices.items()}


def _factor(cheapest: Price, price: Price) -> float:
    pairs = (
        (cheapest.input, price.input),
        (cheapest.output, price.output),
        (cache_write_rate(cheapest), cache_write_rate(price)),
        (cache_read_rate(cheapest), cache_read_rate(price)),
    )
    return min((low / high for low, high in pairs if high > 0), default=1.0)


def spend_bound(board: Board, factors: Mapping[str, float]) -> SpendBound:
    """What the board spent, and the least the same work could have cost at the cheapest
    tier (``tier_factors``)."""
    spent = board.spent_usd()
    unknown = sorted({t.tier for t in board.tasks if t.spent_usd > 0 and t.tier not in factors})
    if unknown:
        return SpendBound(spent, None, f"no price for tier {', '.join(unknown)}")
    cheapest = sum(task.spent_usd * factors.get(task.tier, 1.0) for task in board.tasks)
    return SpendBound(spent, round(cheapest, 6))
