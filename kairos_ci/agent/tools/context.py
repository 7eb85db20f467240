"""What every tool shares: the worktree, the write policy, and the way out to the model.

Tool output goes back through ``ToolContext.data``: normalised, redacted, capped and
fenced as untrusted data. A tool refuses by raising ``PolicyViolation`` (a denial,
recorded as an injection signal) or ``ToolFailed`` (an honest mistake: bad input,
text not found), both turned into an error result the model can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import AgentLimits
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.untrusted import Envelope, Profile, cap, hidden_kinds, normalise
from kairos_ci.errors import PolicyViolation
from kairos_ci.workspace.commands import CommandRunner


class ToolFailed(Exception):
    """The call was understood and allowed, but could not be done as asked."""


@dataclass(frozen=True)
class Data:
    text: str
    signals: tuple[str, ...] = ()
    wrote: str | None = None  # the worktree path a write tool changed


@dataclass(frozen=True)
class ToolContext:
    root: Path
    write_policy: WritePolicy
    test_command: tuple[str, ...] | None
    commands: CommandRunner  # runs the test command in the jail, on ``root``
    envelope: Envelope
    redactor: Redactor
    limits: AgentLimits
    deadline: float  # on ``clock``
    clock: Callable[[], float]

    def data(self, source: str, text: str, profile: Profile = Profile.CODE) -> Data:
        """Untrusted text as the model may see it, and what was stripped from it."""
        clean = normalise(text, profile)
        body = cap(self.redactor.text(clean.text), self.limits.tool_output_chars)
        signals = tuple(f"{kind} stripped from {source}" for kind in clean.stripped)
        return Data(self.envelope.wrap(source, body), signals)

    def check_outgoing(self, text: str) -> None:
        """Text kairos would write into the repository: no hidden characters, no secrets."""
        kinds = hidden_kinds(text)
        if kinds:
            raise PolicyViolation(f"the new text contains {', '.join(kinds)}")
        if self.redactor.finds(text):
            raise PolicyViolation("the new text contains a secret or a token-shaped string")
