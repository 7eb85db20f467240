"""What integrating one slice came to: merged, or stopped at its first failing merge.

The reasons are quoted into a repair task's history on the memory branch, so each
quote is bounded: the first paths of a conflict, the last lines of a test's output.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUOTE = 600  # characters of a reason kept on the board
_MAX_PATHS = 20


@dataclass(frozen=True)
class Conflict:
    """The task's head does not merge textually onto what was merged before it."""

    paths: tuple[str, ...]  # every conflicted path, as git names it

    def quote(self) -> str:
        shown = ", ".join(self.paths[:_MAX_PATHS])
        more = len(self.paths) - _MAX_PATHS
        return _bounded(f"merge conflict in {shown}" + (f" and {more} more" if more > 0 else ""))


@dataclass(frozen=True)
class TestsFailed:
    """The merge was clean, but a verification command of the task failed on it."""

    command: str
    tail: str  # the end of its output, or why it could not run

    def quote(self) -> str:
        head = f"`{self.command}` failed on the merged tree:\n"
        room = max(0, MAX_QUOTE - len(head))
        return _bounded(head + (self.tail[-room:] if room else ""))


Reason = Conflict | TestsFailed


@dataclass(frozen=True)
class Merged:
    branch: str  # kairos/plan-<id>/slice-<n>
    head: str  # its commit: every task merged and verified
    merged: tuple[str, ...]  # task ids, in merge order


@dataclass(frozen=True)
class Stopped:
    task_id: str  # the culprit: the first task whose merge failed
    reason: Reason
    branch: str  # points at ``onto``: the verified prefix
    onto: str  # the commit the culprit was merged onto
    merged: tuple[str, ...]  # the tasks merged before it, in order


Outcome = Merged | Stopped


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
