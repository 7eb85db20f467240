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
    assert sorted((v["file"], v["rule"]) for v in verdicts) == [
        ("tests/test_calc.py", "unanalysable"),
        ("tests/test_more.py", "unanalysable"),
    ]


def test_json_findings_say_class_rule_check_and_old_to_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = repo_with_test(tmp_path)
    weakened = TEST.replace("assert add(2, 2) == 4", "assert add(2, 2) is not None")
    (tmp_path / "tests" / "test_calc.py").write_text(weakened)
    assert main(["guard", "--base", base, "--repo", str(tmp_path), "--json"]) == 1
    [finding] = json.loads(capsys.readouterr().out)["verdicts"]
    assert {k: finding[k] for k in ("class", "rule", "check", "file", "line", "old", "new")} == {
        "class": "assertion-rewrite",
        "rule": "assertion-weakened",
        "check": "type-check",
        "file": "tests/test_calc.py",
        "line": 6,
        "old": "assert add(2, 2) == 4",
        "new": "assert add(2, 2) is not None",
    }
    assert finding["flagged"] and not finding["acceptable"] and len(finding["id"]) == 12
    assert main(["guard", "--base", base, "--repo", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "    [assertion-rewrite / type-check]: "
        "assert add(2, 2) == 4 -> assert add(2, 2) is not None"
    )


def test_collected_ids_from_both_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, base = repo_with_test(tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    before, after = tmp_path.parent / "before.txt", tmp_path.parent / "after.txt"
    before.write_text("tests/test_calc.py::test_add\ntests/test_io.py::test_read\n\n2 tests\n")
    after.write_text("tests/test_calc.py::test_add\n\n1 test\n")
    argv = ["guard", "--base", base, "--repo", str(tmp_path), "--json"]
    assert main([*argv, "--collected-before", str(before), "--collected-after", str(after)]) == 1
    [finding] = json.loads(capsys.readouterr().out)["verdicts"]
    assert (finding["rule"], finding["file"]) == ("tests-deselected", "tests/test_io.py")
    assert main([*argv, "--collected-before", str(before)]) == 2
    assert "go together" in capsys.readouterr().err


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
