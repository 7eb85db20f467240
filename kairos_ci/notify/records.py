"""What a notification says, and what became of sending it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Event(enum.StrEnum):
    """The alerts a run sends; receivers may route on the name."""

    ESCALATED = "escalated"  # a config rule handed work to a human
    BUDGET_EXHAUSTED = "budget_exhausted"
    MEMORY_UNREADABLE = "memory_unreadable"  # memory failed to load or verify


@dataclass(frozen=True)
class Alert:
    event: Event
    text: str  # one human line; redacted again before it is sent
    mentions: tuple[str, ...] = ()  # logins and ``org/team`` handles, without the ``@``


@dataclass(frozen=True)
class Delivery:
    """One alert's fate: delivered or not, after how many attempts, and the last reason."""

    event: Event
    delivered: bool
    attempts: int
    detail: str  # "HTTP 200", "HTTP 503", "timed out": never the URL, which is a secret
