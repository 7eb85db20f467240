"""Which ready task goes first: the one order the workers' claims and the swarm's
simulator share (research: anchors-planning §5, §8.3).

Upward rank first (the minutes of work on the longest chain from the task, its own
included: the critical path is what bounds the makespan), with a little rank gained per
hour waited so that a steady stream of long chains cannot starve a short task; then the
user's class p0-p3; then the lower cost; then the id, so every worker agrees.
"""

from __future__ import annotations

from kairos_ci.plan.records import UserClass

# Rank gained per hour waited, in rank units (minutes of remaining path), as §8.3 says.
STARVATION_RANK_PER_HOUR = 1.0


def urgency(
    rank: float, waited_minutes: float, user_class: UserClass, cost_usd: float, task_id: str
) -> tuple[float, int, float, str]:
    """The sort key that puts the most urgent task first."""
    bonus = STARVATION_RANK_PER_HOUR * max(0.0, waited_minutes) / 60
    return (-(rank + bonus), list(UserClass).index(user_class), cost_usd, task_id)
