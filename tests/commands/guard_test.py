"""``kairos-ci guard``: working tree or two revisions, text or JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.git import Git

TEST = (
    "from calc import add\n\n\n"
    "def test_add():\n    assert add(1, 1) == 2\n    assert add(2, 2) == 4\n"
)


def repo_with_test(root: Path) -> tuple[Git, str]:
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    (root / "tests").mkdir()
    (root / "tests" / "test_calc.py").write_text(TEST)
    (root / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    return git, git.text("rev-parse", "HEAD")


def test_the_working_tree_is_checked_untracked_files_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git, base = repo_with_test(tmp_path)
    (tmp_path / "tests" / "conftest.py").write_text('collect_ignore = ["test_calc.py"]\n')
    index_before = (tmp_path / ".git" / "index").read_bytes()
    assert main(["guard", "--base", base, "--repo", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0] == "tests/conftest.py: flag tests-deselected: collect_ignore gained 'test_calc.py'"
    )
    assert out[-1] == "guard: 1 flagged, 0 notes, 1 files changed"
    assert (tmp_path / ".git" / "index").read_bytes() == index_before  # the user's index
    assert git.text("status", "--porcelain") == "?? tests/conftest.py"


def test_uncommitted_edits_and_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = repo_with_test(tmp_path)
    weakened = TEST.replace("    assert add(2, 2) == 4\n", "")
    (tmp_path / "tests" / "test_calc.py").write_text(weakened)
    assert main(["guard", "--base", base, "--repo", str(tmp_path / "tests")]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        "tests/test_calc.py:4: flag assertion-removed [test_add]: 2 assertions before, 1 now"
    )


def test_clean_revisions_exit_zero_with_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git, base = repo_with_test(tmp_path)
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return b + a\n")
    git.run("commit", "-q", "-am", "refactor")
    code = main(["guard", "--base", base, "--head", "HEAD", "--repo", str(tmp_path), "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "files": 1, "verdicts": []}


def test_binary_and_unparseable_test_files_fail_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git, base = repo_with_test(tmp_path)
    (tmp_path / "tests" / "test_calc.py").write_bytes(b"\x00\x01binary")
    (tmp_path / "tests" / "test_more.py").write_text("def test_x(:\n")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "break")
    assert main(["guard", "--base", base, "--head", "HEAD", "--repo", str(tmp_path), "--json"]) == 1
    verdicts = json.loads(capsys.readouterr().out)["verdicts"]
    assert [(v["path"], v["rule"]) for v in verdicts] == [
        ("tests/test_calc.py", "unanalysable"),
        ("tests/test_more.py", "unanalysable"),
    ]


def test_broken_settings_fail_closed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git, base = repo_with_test(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = \n")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "settings")
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options\n")
    assert main(["guard", "--base", "HEAD", "--repo", str(tmp_path)]) == 1
    assert "unanalysable: cannot read the test settings" in capsys.readouterr().out
    assert base


def test_usage_errors_are_one_line_and_exit_two(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    repo_with_test(tmp_path / "repo")
    where = str(tmp_path / "repo")
    argv = [sys.executable, "-m", "kairos_ci", "guard", "--base", "nope", "--repo", where]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == f"kairos-ci: error: 'nope' is not a commit in {where}\n"
    elsewhere = tmp_path / "plain"
    elsewhere.mkdir()
    argv[-1] = str(elsewhere)
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "is not inside a git work tree" in result.stderr
