"""The tracking comment: where a planning run is, rendered, and when it may be edited.

It shows the coarse state (researching, needs input, ready), the phase, elapsed time against
the deadline, spend against the budget and the latest finding. The same lines go to the job
log and the step summary. Edits are throttled: a new phase may edit at once; within a phase,
at most one edit per 60 seconds; an unchanged body never edits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kairos_ci.dashboard.text import inline
from kairos_ci.memory.records import Spend
from kairos_ci.plan.records import Phase

MIN_EDIT_INTERVAL = timedelta(seconds=60)


class ProgressState(enum.StrEnum):
    RESEARCHING = "researching"
    NEEDS_INPUT = "needs input"  # a blocking question was posted
    READY = "ready"
    INCOMPLETE = "incomplete"  # a bound was hit; the plan says what is missing
    DISCARDED = "discarded"  # the checkout changed during planning: no plan is posted


@dataclass(frozen=True)
class ProgressUpdate:
    issue: int
    state: ProgressState
    phase: Phase
    elapsed: timedelta
    deadline: timedelta
    spend: Spend
    budget_usd: float
    finding: str = ""  # e.g. "impact set: 143 references in 37 files"


def marker(issue: int) -> str:
    """The hidden key that finds the tracking comment again (on a rerun, too)."""
    return f"<!-- kairos:plan-progress:issue={issue} -->"


def progress_lines(update: ProgressUpdate) -> tuple[str, ...]:
    """The lines of the comment body, also written to the job log and the step summary."""
    order = list(Phase)
    tokens = update.spend.input_tokens + update.spend.output_tokens
    lines = [
        f"Phase: {update.phase} ({order.index(update.phase) + 1} of {len(order)})",
        f"Elapsed: {duration(update.elapsed)} of {duration(update.deadline)}",
        f"Spend: ${update.spend.usd:,.2f} of ${update.budget_usd:,.2f} ({tokens:,} tokens)",
    ]
    if update.finding:
        lines.append(f"Latest: {inline(update.finding, 200)}")
    return tuple(lines)


def render_progress(update: ProgressUpdate) -> str:
    body = "\n".join(f"- {line}" for line in progress_lines(update))
    return f"{marker(update.issue)}\n### kairos plan: {update.state}\n\n{body}\n"


def duration(span: timedelta) -> str:
    seconds = max(int(span.total_seconds()), 0)
    minutes, seconds = divmod(seconds, 60)
    if not seconds:
        return f"{minutes}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


@dataclass(frozen=True)
class EditThrottle:
    """What the tracking comment last showed, and when: decides whether to edit again."""

    phase: Phase | None = None
    at: datetime | None = None
    body: str = ""
    edits: int = 0

    def allows(self, phase: Phase, body: str, now: datetime) -> bool:
        if body == self.body:
            return False
        if phase != self.phase or self.at is None:
            return True
        return now - self.at >= MIN_EDIT_INTERVAL

    def edited(self, phase: Phase, body: str, now: datetime) -> EditThrottle:
        return replace(self, phase=phase, at=now, body=body, edits=self.edits + 1)
