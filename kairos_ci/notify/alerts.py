"""The urgent alerts a run raises, as one line each for a human."""

from __future__ import annotations

from collections.abc import Sequence

from kairos_ci.notify.records import Alert, Event
from kairos_ci.policy.records import Escalation


def escalated(escalation: Escalation) -> Alert:
    return Alert(Event.ESCALATED, escalation.alert(), escalation.notify)


def budget_exhausted(why: str) -> Alert:
    return Alert(Event.BUDGET_EXHAUSTED, f"model budget exhausted ({why}): model tasks wait")


def memory_unreadable(notes: Sequence[str]) -> Alert:
    return Alert(Event.MEMORY_UNREADABLE, "memory needs a maintainer: " + "; ".join(notes))
