"""Reading the dashboard's boxes back: only lines kairos wrote, with a hidden key, count."""

from __future__ import annotations

import re

from kairos_ci.dashboard.records import Action, Checkbox

_BOX = re.compile(
    r"^\s*[-*] \[(?P<mark>[ xX])\] .*<!-- kairos:key=(?P<action>[a-z]+):"
    r"(?P<key>[A-Za-z0-9._:/+-]{1,128}) -->\s*$"
)
_BODY_LIMIT = 262_144


def checkboxes(body: str | None) -> tuple[Checkbox, ...]:
    """Every keyed box in ``body``, in order; a key seen twice counts once (the first)."""
    found: dict[tuple[Action, str], Checkbox] = {}
    for line in (body or "")[:_BODY_LIMIT].splitlines():
        match = _BOX.match(line)
        if match is None:
            continue
        try:
            action = Action(match.group("action"))
        except ValueError:
            continue
        box = Checkbox(action, match.group("key"), match.group("mark") in "xX")
        found.setdefault((action, box.key), box)
    return tuple(found.values())


def ticked(body: str | None) -> tuple[Checkbox, ...]:
    return tuple(box for box in checkboxes(body) if box.checked)
