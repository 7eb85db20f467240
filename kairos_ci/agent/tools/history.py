"""``git_history``: read-only history of one path: its log, one commit's change to it,
or who last changed each line (blame).

Only the commit being fixed and its ancestry are read (never the worktree the model
edits), through kairos's hardened git: no hooks, no external diff or textconv drivers,
pathspecs taken literally (no ``:(glob)`` or ``:!`` magic), options ended before any
model-chosen value. The path passes the same confinement as every tool's; a commit is
a hexadecimal id and nothing else. Output is bounded by count and by the tool cap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kairos_ci.agent.paths import check_syntax
from kairos_ci.agent.tools.context import Data, ToolContext, ToolFailed
from kairos_ci.errors import GitError
from kairos_ci.git import Git

COMMIT = re.compile(r"^[0-9a-fA-F]{7,40}$")
DEFAULT_LOG = 20
MAX_LOG = 100
MAX_BLAME_LINES = 400
MAX_SHOW_LINES = 3000  # a bigger change to the path is shown as counts
TIMEOUT_S = 30.0
_LOG_FORMAT = "--format=%h %ad %an%n    %s"
_SAFE = ("--literal-pathspecs", "-c", "core.quotePath=false")


def git_history(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    path = check_syntax(str(args["path"]))
    action = str(args["action"])
    if action == "log":
        count = min(int(args.get("max_count", DEFAULT_LOG)), MAX_LOG)
        argv = ("log", "--no-color", "--date=short", _LOG_FORMAT, f"--max-count={count}")
        text = _git(ctx, (*argv, "--follow", "--end-of-options", "HEAD", "--", path))
    elif action == "show":
        text = _show(ctx, _commit(args), path)
    else:
        # Every value is fixed or after "--" (git 2.39's blame lacks --end-of-options).
        text = _git(
            ctx, ("blame", "--no-textconv", "--date=short", *_lines(args), "HEAD", "--", path)
        )
    return ctx.data(f"git {action} of {path!r}", text or "(no history for this path)")


def _show(ctx: ToolContext, commit: str, path: str) -> str:
    """The commit's message and its change to ``path``; only the counts when it is huge."""
    argv = ("show", "--no-color", "--no-ext-diff", "--no-textconv", "--date=short", _LOG_FORMAT)
    counts = _git(
        ctx, (*argv[:4], "--numstat", "--format=", "--end-of-options", commit, "--", path)
    )
    changed = sum(int(n) for row in counts.splitlines() for n in row.split("\t")[:2] if n.isdigit())
    shape = ("--stat",) if changed > MAX_SHOW_LINES else ()
    text = _git(ctx, (*argv, *shape, "--end-of-options", commit, "--", path))
    if shape:
        text += f"\n({changed:,} changed lines: too many to show; blame or log narrow it down)"
    return text


def _commit(args: Mapping[str, Any]) -> str:
    commit = str(args.get("commit", ""))
    if not COMMIT.match(commit):
        raise ToolFailed("show needs 'commit': a commit id (7 to 40 hexadecimal digits)")
    return commit


def _lines(args: Mapping[str, Any]) -> tuple[str, ...]:
    start = int(args.get("start_line", 1))
    end = int(args.get("end_line", start + MAX_BLAME_LINES - 1))
    if end < start:
        raise ToolFailed("end_line is before start_line")
    return ("-L", f"{start},{min(end, start + MAX_BLAME_LINES - 1)}")


def _git(ctx: ToolContext, argv: tuple[str, ...]) -> str:
    try:
        result = Git(ctx.root, timeout_s=TIMEOUT_S).run(*_SAFE, *argv, check=False)
    except GitError as err:
        raise ToolFailed(str(err)) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolFailed(message[-1][:300] if message else f"git {argv[0]} failed")
    return result.stdout.decode("utf-8", "replace")
