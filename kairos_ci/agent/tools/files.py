"""The file tools: list, read, search, replace in, write. All inside the worktree."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kairos_ci.agent.paths import check_syntax, locate, locate_for_write
from kairos_ci.agent.tools.context import Data, ToolContext, ToolFailed
from kairos_ci.config import glob
from kairos_ci.errors import GitError
from kairos_ci.git import Git

MAX_LISTED = 500
MAX_READ_BYTES = 2 * 1024 * 1024
MAX_WRITE_BYTES = 1024 * 1024
MAX_MATCHES = 200
MAX_MATCH_CHARS = 300
SEARCH_TIMEOUT_S = 30.0


def list_files(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    pattern = str(args["pattern"]).lstrip("/") or "**"
    if pattern not in ("*", "**"):
        check_syntax(pattern)
    rows = sorted(_entries(ctx.root, pattern))
    extra = f"\n... and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    text = "\n".join(rows[:MAX_LISTED]) + extra if rows else "(no files match)"
    return ctx.data("file list", text)


def _entries(root: Path, pattern: str) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):  # never follows symlinked folders
        here = Path(folder)
        linked = [d for d in dirs if (here / d).is_symlink()]  # listed, not entered
        dirs[:] = [d for d in dirs if d != ".git" and d not in linked]
        for name in (*names, *linked):
            path = here / name
            relative = path.relative_to(root).as_posix()
            if relative.split("/")[0] == ".git" or not glob.matches(pattern, relative):
                continue
            yield f"{relative} -> {path.readlink()}" if path.is_symlink() else relative


def read_file(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    found = locate(ctx.root, str(args["path"]))
    if not found.real.is_file():
        raise ToolFailed(f"{found.relative}: no such file")
    if found.real.stat().st_size > MAX_READ_BYTES:
        raise ToolFailed(f"{found.relative}: larger than {MAX_READ_BYTES} bytes")
    raw = found.real.read_bytes()
    if b"\0" in raw[:8192]:
        raise ToolFailed(f"{found.relative}: a binary file")
    lines = raw.decode("utf-8", "replace").splitlines()
    start = int(args.get("start_line", 1))
    end = min(int(args.get("end_line", len(lines))), len(lines))
    if lines and start > len(lines):
        raise ToolFailed(f"{found.relative} has {len(lines)} lines; start_line is past the end")
    numbered = "\n".join(f"{n}\t{lines[n - 1]}" for n in range(start, end + 1))
    header = f"{found.relative}: lines {start}-{end} of {len(lines)}\n"
    return ctx.data(f"file {found.relative!r}", header + numbered)


def search_code(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    pattern = str(args["pattern"])
    if "\n" in pattern or "\0" in pattern:
        raise ToolFailed("the pattern must be one line")
    where = str(args.get("glob") or "**")
    if where not in ("*", "**"):
        check_syntax(where)
    spec = f":(glob){where}" if "/" in where else f":(glob)**/{where}"
    git = Git(ctx.root, timeout_s=SEARCH_TIMEOUT_S)
    argv = ("grep", "-n", "-I", "--untracked", "--no-color", "-E", "-e", pattern, "--", spec)
    try:
        result = git.run(*argv, check=False)
    except GitError as err:
        raise ToolFailed(str(err)) from None
    if result.returncode == 1:
        return ctx.data("search results", "(no matches)")
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolFailed(message[-1] if message else "the search failed")
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    shown = [line[:MAX_MATCH_CHARS] for line in lines[:MAX_MATCHES]]
    if len(lines) > MAX_MATCHES:
        shown.append(f"... and {len(lines) - MAX_MATCHES} more matches")
    return ctx.data("search results", "\n".join(shown))


def replace_in_file(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    found = locate_for_write(ctx.root, str(args["path"]), ctx.write_policy)
    old, new = str(args["old"]), str(args["new"])
    if not found.real.is_file():
        raise ToolFailed(f"{found.relative}: no such file; use write_file to create one")
    text = found.real.read_text("utf-8", "surrogateescape")
    count = text.count(old)
    if count != 1:
        hint = "not found" if count == 0 else f"found {count} times; include more context"
        raise ToolFailed(f"{found.relative}: 'old' {hint}")
    ctx.check_outgoing(new)
    found.real.write_text(text.replace(old, new, 1), "utf-8", "surrogateescape")
    return Data(f"replaced 1 occurrence in {found.relative}", wrote=found.real_relative)


def write_file(ctx: ToolContext, args: Mapping[str, Any]) -> Data:
    found = locate_for_write(ctx.root, str(args["path"]), ctx.write_policy)
    content = str(args["content"])
    if len(content.encode()) > MAX_WRITE_BYTES:
        raise ToolFailed(f"content larger than {MAX_WRITE_BYTES} bytes")
    if found.real.is_dir():
        raise ToolFailed(f"{found.relative} is a folder")
    ctx.check_outgoing(content)
    found.real.parent.mkdir(parents=True, exist_ok=True)
    found.real.write_text(content, "utf-8")
    return Data(f"wrote {len(content)} characters to {found.relative}", wrote=found.real_relative)
