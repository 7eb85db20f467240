"""What may be said about an attempt: kairos's own record, apart from the model's words.

Refused tool calls are kairos's record (its policy refused them): they are reported by
kind (edit, read, test run) and path, with the policy's reason. The model's ``finish``
summary is a claim: it is only ever quoted as what the agent said, after what kairos
found, and never stands in for a result (an attempt that changed nothing fixed nothing,
whatever it said). The texts here are plain; a Markdown caller escapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.agent.records import Denial, FixAttempt, Stop

MAX_SAID_CHARS = 300  # of the model's words in a one-line reason
MAX_GROUPS = 5  # refused (kind, path) groups named in a one-line reason


@dataclass(frozen=True)
class RefusedCalls:
    """Tool calls of one kind on one path that the policy refused."""

    kind: str  # "edit", "read", "test run", "call"
    path: str  # "" when the calls named no path
    count: int
    reason: str  # the policy's reason for the first of them

    def describe(self) -> str:
        what = f"{self.count} {self.kind}{'s' if self.count != 1 else ''}"
        where = f" of {self.path}" if self.path else ""
        return f"{what}{where} ({self.reason})"


def refused(denials: Sequence[Denial]) -> tuple[RefusedCalls, ...]:
    """The refused calls grouped by kind and path, in the order first refused."""
    groups: dict[tuple[str, str], list[Denial]] = {}
    for denial in denials:
        groups.setdefault((denial.kind, denial.path), []).append(denial)
    return tuple(
        RefusedCalls(kind, path, len(found), found[0].reason)
        for (kind, path), found in groups.items()
    )


def refused_line(denials: Sequence[Denial]) -> str:
    """ "kairos refused 2 edits of tests/test_calc.py (why)"; "" when nothing was refused."""
    groups = refused(denials)
    if not groups:
        return ""
    named = [group.describe() for group in groups[:MAX_GROUPS]]
    if len(groups) > MAX_GROUPS:
        named.append(f"and {len(groups) - MAX_GROUPS} more kinds or paths")
    return "kairos refused " + "; ".join(named)


def agent_said(explanation: str | None, limit: int = MAX_SAID_CHARS) -> str:
    """The model's own summary, quoted as its claim; "" when it gave none."""
    flat = " ".join((explanation or "").split())
    if not flat:
        return ""
    if len(flat) > limit:
        flat = flat[: limit - 3] + "..."
    return f'the agent said: "{flat}" (its claim, not checked by kairos)'


def no_fix(attempt: FixAttempt) -> str:
    """Why an attempt left no change to verify, in kairos's words first; "" when it left
    one (verification judges it)."""
    if attempt.stop is Stop.FINISHED and attempt.changed:
        return ""
    if attempt.stop is Stop.FINISHED:
        head = "the agent finished without changing anything"
    else:
        head = f"the agent stopped ({attempt.stop.value}): {attempt.reason}"
    parts = [head, refused_line(attempt.denials), agent_said(attempt.explanation)]
    return "; ".join(part for part in parts if part)
