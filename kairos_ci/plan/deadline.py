"""The planning run's wall-clock deadline, shared out between phases.

A phase may use its share of the time that is left, over the shares of the phases still to
run: time a phase leaves unused rolls forward to the next ones, and a phase that overran
shrinks what follows. Time is an input: every answer is computed for a ``now`` handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kairos_ci.plan.records import Phase

DEFAULT_TOTAL = timedelta(minutes=30)
DEFAULT_SHARES: Mapping[Phase, float] = {
    Phase.INTAKE: 0.03,
    Phase.SURVEY: 0.10,
    Phase.IMPACT: 0.12,
    Phase.LOCALISE: 0.10,
    Phase.DESIGN: 0.30,
    Phase.DRAFT: 0.15,
    Phase.VALIDATE: 0.15,
    Phase.PUBLISH: 0.05,
}


@dataclass(frozen=True)
class Deadline:
    started: datetime
    total: timedelta = DEFAULT_TOTAL
    shares: Mapping[Phase, float] = field(default_factory=lambda: dict(DEFAULT_SHARES))

    def __post_init__(self) -> None:
        if self.total <= timedelta(0):
            raise ValueError("the planning deadline must be positive")
        missing = [p.value for p in Phase if self.shares.get(p, 0) <= 0]
        if missing:
            raise ValueError(f"every phase needs a positive share; missing: {', '.join(missing)}")

    @property
    def ends(self) -> datetime:
        return self.started + self.total

    def elapsed(self, now: datetime) -> timedelta:
        return max(now - self.started, timedelta(0))

    def remaining(self, now: datetime) -> timedelta:
        return max(self.ends - now, timedelta(0))

    def expired(self, now: datetime) -> bool:
        return now >= self.ends

    def allowance(self, phase: Phase, now: datetime) -> timedelta:
        """How long ``phase``, starting at ``now``, may run: its share of what is left."""
        order = list(Phase)
        still = order[order.index(phase) :]
        weight = self.shares[phase] / sum(self.shares[p] for p in still)
        return self.remaining(now) * weight

    def phase_ends(self, phase: Phase, now: datetime) -> datetime:
        return now + self.allowance(phase, now)
