"""Noticing a model going round in circles during a planning phase.

Three patterns, over the exchanges so far (an action is a tool call with its input, an
observation what came back):

- the same action getting the same observation several times running;
- the same action failing with the same error several times running;
- two exchanges alternating, A-B-A-B-A-B.

Actions and observations are compared as given; callers pass canonical text (sorted-key
JSON for tool input) so that equal calls compare equal.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

REPEATS = 4  # the same exchange this many times in a row
ERROR_REPEATS = 3  # the same failing exchange this many times in a row
ALTERNATION = 6  # A-B-A-B-A-B


class StuckPattern(enum.StrEnum):
    REPEATED = "repeated action and observation"
    REPEATED_ERROR = "repeated error"
    ALTERNATING = "A-B-A-B alternation"


@dataclass(frozen=True)
class Exchange:
    action: str
    observation: str
    error: bool = False


@dataclass(frozen=True)
class Stuck:
    pattern: StuckPattern
    action: str  # the last action of the pattern

    def __str__(self) -> str:
        shown = self.action if len(self.action) <= 120 else self.action[:119] + "…"
        return f"stuck: {self.pattern} ({shown})"


def stuck(history: Sequence[Exchange]) -> Stuck | None:
    """The pattern the end of ``history`` shows, or None."""
    if _same_tail(history, ERROR_REPEATS) and history[-1].error:
        return Stuck(StuckPattern.REPEATED_ERROR, history[-1].action)
    if _same_tail(history, REPEATS):
        return Stuck(StuckPattern.REPEATED, history[-1].action)
    if _alternating(history):
        return Stuck(StuckPattern.ALTERNATING, history[-1].action)
    return None


def _same_tail(history: Sequence[Exchange], count: int) -> bool:
    tail = history[-count:]
    return len(tail) == count and all(item == tail[0] for item in tail)


def _alternating(history: Sequence[Exchange]) -> bool:
    tail = history[-ALTERNATION:]
    if len(tail) < ALTERNATION or tail[0] == tail[1]:
        return False
    return all(item == tail[index % 2] for index, item in enumerate(tail))
