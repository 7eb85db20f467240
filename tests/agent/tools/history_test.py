"""``git_history``: log, show and blame of one path, read-only, bounded and confined."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import AgentLimits, ToolCall
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.tools.context import ToolContext, ToolFailed
from kairos_ci.agent.tools.dispatch import Toolbox
from kairos_ci.agent.tools.history import git_history
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.workspace.commands import CommandRunner
from tests.agent.repos import commit


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    commit(tmp_path, {"calc.py": "def add(a, b):\n    return a + b\n"}, "add add()")
    commit(tmp_path, {"calc.py": "def add(a, b):\n    return a - b\n"}, "refactor add()")
    commit(tmp_path, {"other.py": "x = 1\n", ":(glob)*": "magic\n"}, "other things")
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return 0  # the agent's edit\n")
    return ToolContext(
        root=tmp_path,
        write_policy=WritePolicy((), {}),
        test_command=None,
        commands=CommandRunner({}, 60),
        envelope=Envelope("nonce"),
        redactor=Redactor.of(),
        limits=AgentLimits(tool_output_chars=4000),
        deadline=time.monotonic() + 60,
        clock=time.monotonic,
    )


def commits(ctx: ToolContext) -> list[str]:
    text = git_history(ctx, {"action": "log", "path": "calc.py"}).text
    return [line.split()[0] for line in text.splitlines()[1:-1] if line[:1].isalnum()]


def test_log_lists_the_commits_that_changed_the_path(ctx: ToolContext) -> None:
    text = git_history(ctx, {"action": "log", "path": "calc.py"}).text
    assert text.startswith("<untrusted-nonce source=\"git log of 'calc.py'\">")
    assert "    refactor add()" in text and "    add add()" in text
    assert "other things" not in text
    assert len(commits(ctx)) == 2
    one = git_history(ctx, {"action": "log", "path": "calc.py", "max_count": 1}).text
    assert "refactor add()" in one and "add add()" not in one


def test_show_gives_one_commits_change_to_the_path(ctx: ToolContext) -> None:
    newest = commits(ctx)[0]
    text = git_history(ctx, {"action": "show", "path": "calc.py", "commit": newest}).text
    assert "refactor add()" in text and "-    return a + b\n+    return a - b" in text
    with pytest.raises(ToolFailed, match="needs 'commit'"):
        git_history(ctx, {"action": "show", "path": "calc.py", "commit": "HEAD~1"})
    with pytest.raises(ToolFailed, match="needs 'commit'"):
        git_history(ctx, {"action": "show", "path": "calc.py", "commit": "--output=/tmp/x"})


def test_blame_reads_the_commit_not_the_agents_edits(ctx: ToolContext) -> None:
    text = git_history(ctx, {"action": "blame", "path": "calc.py", "start_line": 2}).text
    assert "return a - b" in text and "the agent's edit" not in text
    assert "def add" not in text  # only from start_line
    with pytest.raises(ToolFailed, match="end_line is before start_line"):
        git_history(ctx, {"action": "blame", "path": "calc.py", "start_line": 2, "end_line": 1})


def test_paths_are_confined_and_taken_literally(ctx: ToolContext) -> None:
    toolbox = Toolbox(ctx)
    for path in ("../outside.py", "/etc/passwd", ".git/config"):
        call = ToolCall("c1", "git_history", {"action": "log", "path": path})
        outcome = toolbox.run(call)
        assert outcome.result.is_error and outcome.denial is not None, path
        assert (outcome.denial.kind, outcome.denial.path) == ("read", path)
    # A pathspec's magic is not magic here: this names the file called ":(glob)*".
    magic = git_history(ctx, {"action": "log", "path": ":(glob)*"}).text
    assert "other things" in magic and "refactor add()" not in magic


def test_output_is_capped(ctx: ToolContext, tmp_path: Path) -> None:
    commit(tmp_path, {"calc.py": "".join(f"line {n}\n" for n in range(5000))}, "grow")
    text = git_history(ctx, {"action": "blame", "path": "calc.py"}).text
    assert len(text) < 4000 + 200 and "line 399" in text and "line 400\n" not in text
