"""Chat commands and what becomes of them, as frozen values."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kairos_ci.config.records import Level
from kairos_ci.forge.records import Issue
from kairos_ci.memory.records import Memory, Rejection, Task


class Name(enum.StrEnum):
    HELP = "help"
    STATUS = "status"
    REVIEW = "review"
    FIX = "fix"
    APPROVE = "approve"
    IGNORE = "ignore"
    PLAN = "plan"


@dataclass(frozen=True)
class ChatCommand:
    """``/kairos NAME [ARGUMENT]`` on a line of its own. ``name`` is None when the line
    starts with ``/kairos`` but is not a command kairos knows (it gets the help)."""

    name: Name | None
    argument: str
    line: str  # the command line as written, visible characters only


@dataclass(frozen=True)
class Authorization:
    allowed: bool
    why: str
    ceiling: Level | None = None  # when allowed: how far policy's trust table lets it go


@dataclass(frozen=True)
class Answer:
    """What a command does: the reply, and what memory should learn."""

    text: str
    tasks: tuple[Task, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    tick: str | None = None  # an approve key to tick on the dashboard
    review: bool = False  # run a review of this pull request (the composition root does)
    fix: bool = False  # run fix_tests for this pull request's failed run (the root does)


class CommandStatus(enum.StrEnum):
    IGNORED = "ignored"  # not a command for kairos (no command, edited, kairos's own comment)
    REFUSED = "refused"  # a command from someone who may not give one: no reply at all
    DONE = "done"
    FAILED = "failed"  # accepted, but GitHub or memory said no


@dataclass(frozen=True)
class ChatOutcome:
    status: CommandStatus
    why: str
    command: ChatCommand | None = None
    reply: str | None = None  # what was posted
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thread:
    """Where the command was given, by whom, and what kairos knows."""

    number: int
    on_pull_request: bool
    login: str
    ceiling: Level  # at most suggest for an allow-listed bot
    memory: Memory
    dashboard: Issue | None
    comment_id: int
    at: str  # ISO time of this run
    runs_url: str = ""  # OWNER/NAME's Actions runs (".../actions/runs/"), for status links
