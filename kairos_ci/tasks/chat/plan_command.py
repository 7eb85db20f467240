"""``/kairos plan <goal>`` in a comment: the one way a comment starts a plan.

The command is found where ``parse.first_command`` finds commands: at the start of a
top-level paragraph, written plainly (no hidden characters). Unlike the other commands,
its argument is free text: the rest of the line, and every line after it in the comment,
is the goal. A bare keyword ("plan", "ultraplan") anywhere else starts nothing. The chat
command leaves these comments to the plan command (``kairos-ci plan``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kairos_ci.agent.untrusted import Profile, normalise
from kairos_ci.tasks.chat.parse import MAX_BODY_CHARS, paragraph_starts

_ANY = re.compile(r"^ {0,3}/kairos(?:[ \t].*)?$")
_PLAN = re.compile(r"^ {0,3}/kairos[ \t]+(?i:plan)(?:[ \t]+(?P<rest>.*?))?[ \t]*$")
REVISE = "revise"


@dataclass(frozen=True)
class PlanCommand:
    goal: str  # untrusted; "" when the command names no goal
    revise: bool  # `/kairos plan revise <text>`: a new version of the plan


def plan_command(body: str) -> PlanCommand | None:
    """The comment's ``/kairos plan`` command, or None when it has none. As for every
    command, only the comment's first one counts: a comment is one request."""
    raw = body[:MAX_BODY_CHARS].replace("\r\n", "\n")
    text = normalise(raw, Profile.TEXT).text
    verbatim = set(raw.split("\n"))
    lines = text.split("\n")
    for start in paragraph_starts(text):
        line = lines[start]
        if _ANY.match(line) is None or line not in verbatim:
            continue
        found = _PLAN.match(line)
        if found is None:
            return None  # the first command is another one
        return _command("\n".join([found.group("rest") or "", *lines[start + 1 :]]).strip())
    return None


def _command(rest: str) -> PlanCommand:
    words = rest.split(maxsplit=1)
    if words and words[0].lower() == REVISE:
        return PlanCommand(words[1].strip() if len(words) > 1 else "", revise=True)
    return PlanCommand(rest, revise=False)
