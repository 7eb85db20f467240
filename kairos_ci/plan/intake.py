"""Intake: the goal as kairos will use it. Normalised (hidden content stripped and named as
a signal), capped, classified by kind, and reduced to the names it mentions.

Who asked is settled before this: the pipeline authorises the sender through the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kairos_ci.agent.untrusted import cap, normalise
from kairos_ci.plan.goalterms import goal_terms
from kairos_ci.plan.records import GoalKind

MAX_GOAL_CHARS = 4000
_KINDS = (
    (
        GoalKind.MIGRATION,
        re.compile(r"\b(migrat\w*|port(ing)? (to|from)|replace|switch(ing)? to)\b", re.I),
    ),
    (GoalKind.FIX, re.compile(r"\b(fix\w*|bug|broken|crash\w*|regression|error)\b", re.I)),
    (
        GoalKind.REFACTOR,
        re.compile(r"\b(refactor\w*|rename|extract|split|clean ?up|restructur\w*)\b", re.I),
    ),
)


@dataclass(frozen=True)
class Intake:
    goal: str
    kind: GoalKind
    terms: tuple[str, ...]
    signals: tuple[str, ...]  # kinds of hidden content removed from the goal


def take_in(text: str) -> Intake:
    clean = normalise(text)
    goal = cap(clean.text.strip(), MAX_GOAL_CHARS)
    kind = next((k for k, pattern in _KINDS if pattern.search(goal)), GoalKind.FEATURE)
    signals = tuple(f"{what} stripped from the goal" for what in clean.stripped)
    return Intake(goal, kind, goal_terms(goal), signals)
