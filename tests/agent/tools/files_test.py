"""The file tools on a real git worktree."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import AgentLimits
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.tools.context import ToolContext, ToolFailed
from kairos_ci.agent.tools.files import (
    list_files,
    read_file,
    replace_in_file,
    search_code,
    write_file,
)
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS
from kairos_ci.git import Git
from kairos_ci.workspace.commands import CommandRunner


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    (tmp_path / "src" / "blob.bin").write_bytes(b"\0\1\2")
    Git(tmp_path).run("init", "-q", "-b", "main")
    Git(tmp_path).run("add", "--all")
    (tmp_path / "new.py").write_text("needle = 1\n")  # untracked: still searchable
    return ToolContext(
        root=tmp_path,
        write_policy=WritePolicy(BUILTIN_PROTECTED_PATHS, {}),
        test_command=None,
        commands=CommandRunner({}, 60),  # no test command: nothing runs
        envelope=Envelope("nonce"),
        redactor=Redactor.of(),
        limits=AgentLimits(tool_output_chars=2000),
        deadline=time.monotonic() + 60,
        clock=time.monotonic,
    )


def test_read_a_line_range(ctx: ToolContext) -> None:
    text = read_file(ctx, {"path": "src/app.py", "start_line": 3, "end_line": 4}).text
    assert "src/app.py: lines 3-4 of 10\n3\tline 3\n4\tline 4\n" in text
    with pytest.raises(ToolFailed, match="past the end"):
        read_file(ctx, {"path": "src/app.py", "start_line": 11})
    with pytest.raises(ToolFailed, match="binary"):
        read_file(ctx, {"path": "src/blob.bin"})
    with pytest.raises(ToolFailed, match="no such file"):
        read_file(ctx, {"path": "src"})


def test_search_uses_git_grep_with_globs(ctx: ToolContext) -> None:
    assert "new.py:1:needle = 1" in search_code(ctx, {"pattern": "needle"}).text
    assert "(no matches)" in search_code(ctx, {"pattern": "needle", "glob": "src/*.py"}).text
    found = search_code(ctx, {"pattern": "line (3|4)$", "glob": "*.py"}).text
    assert "src/app.py:3:line 3" in found and "src/app.py:4:line 4" in found
    with pytest.raises(ToolFailed):
        search_code(ctx, {"pattern": "a(b"})  # not a valid extended regex


def test_list_files_matches_globs_and_skips_git(ctx: ToolContext) -> None:
    listing = list_files(ctx, {"pattern": "**"}).text
    assert "src/app.py" in listing and "new.py" in listing and ".git/" not in listing
    assert "(no files match)" in list_files(ctx, {"pattern": "*.rs"}).text


def test_replace_needs_exactly_one_match_and_write_creates_folders(ctx: ToolContext) -> None:
    with pytest.raises(ToolFailed, match="found 10 times"):
        replace_in_file(ctx, {"path": "src/app.py", "old": "line", "new": "row"})
    with pytest.raises(ToolFailed, match="not found"):
        replace_in_file(ctx, {"path": "src/app.py", "old": "nothing", "new": "x"})
    done = replace_in_file(ctx, {"path": "src/app.py", "old": "line 10\n", "new": "end\n"})
    assert done.wrote == "src/app.py"
    assert (ctx.root / "src" / "app.py").read_text().endswith("line 9\nend\n")
    made = write_file(ctx, {"path": "pkg/sub/mod.py", "content": "x = 1\n"})
    assert made.wrote == "pkg/sub/mod.py" and (ctx.root / "pkg/sub/mod.py").read_text() == "x = 1\n"


def test_output_is_capped_and_fenced(ctx: ToolContext) -> None:
    (ctx.root / "big.txt").write_text("x" * 10_000)
    text = read_file(ctx, {"path": "big.txt"}).text
    assert text.startswith("<untrusted-nonce source=\"file 'big.txt'\">")
    assert "characters cut" in text and len(text) < 2200
