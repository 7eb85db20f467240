"""``kairos-ci doctor``: config, programs on PATH, and the jail, on real repositories."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.git import Git
from tests.jail import jail_or_skip

PYTEST = "version: 1\ntests:\n  run: python -m pytest\n"
MISSING_LINTER = (
    PYTEST + "linters:\n"
    "  - name: lint\n"
    "    run: kairos-no-such-linter --check .\n"
    "    format: ruff\n"
    "    fix: python -m this\n"
)


def repo_with_config(root: Path, config: str | None) -> Path:
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    (root / "README.md").write_text("a project\n")
    if config is not None:
        (root / ".github").mkdir()
        (root / ".github" / "kairos.yml").write_text(config)
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    return root


@pytest.fixture
def python_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """This venv's ``python`` (with pytest) first on PATH, as a project's CI would have it."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.usefixtures("python_on_path")
def test_all_green_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jail_or_skip()
    repo = repo_with_config(tmp_path, PYTEST)
    assert main(["doctor", "--repo", str(repo)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ok    config: .github/kairos.yml@")
    assert lines[1] == f"ok    tests.run: 'python' found at {Path(sys.executable).parent}/python"
    assert lines[2] == f"ok    jail: bubblewrap at {shutil.which('bwrap')} runs commands"
    isolation = [line for line in lines if line.startswith("ok    jail: ")][1:]
    assert len(isolation) == 4
    assert not any(line.startswith("FAIL") for line in lines)
    assert lines[-1].startswith("doctor: ") and lines[-1].endswith(" 0 FAIL")


@pytest.mark.usefixtures("python_on_path")
def test_a_missing_linter_program_fails_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repo_with_config(tmp_path, MISSING_LINTER)
    head = Git(repo).text("rev-parse", "HEAD")
    assert main(["doctor", "--repo", str(repo), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    by_name = {check["name"]: check for check in report["checks"]}
    assert by_name["linters[0].run"] == {
        "status": "FAIL",
        "name": "linters[0].run",
        "detail": "'kairos-no-such-linter' (linter lint) is not on PATH",
        "fix": f"install it, or change linters[0].run in .github/kairos.yml@{head[:12]}",
    }
    assert by_name["linters[0].fix"]["status"] == "ok"
    assert by_name["tests.run"]["status"] == "ok"


def test_without_bwrap_on_path_the_jail_check_fails_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, program in (("git", shutil.which("git")), ("python", sys.executable)):
        assert program is not None
        (tools / name).symlink_to(program)
    (tmp_path / "repo").mkdir()
    monkeypatch.setenv("PATH", str(tools))
    repo = repo_with_config(tmp_path / "repo", PYTEST)
    assert main(["doctor", "--repo", str(repo)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"ok    tests.run: 'python' found at {tools}/python" in lines
    [jail] = [line for line in lines if line.startswith(("ok    jail", "FAIL  jail"))]
    assert jail == (
        "FAIL  jail: bubblewrap (bwrap) is not installed: apt-get install bubblewrap; "
        "model tasks will not run: code the model writes never runs outside the sandbox "
        "(fix: install bubblewrap (apt-get install bubblewrap) where kairos runs)"
    )
    assert lines[-1] == "doctor: 2 ok, 0 warn, 1 FAIL"


def test_an_invalid_config_fails_once_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repo_with_config(tmp_path, "version: 1\nautonomy: {default: x}\ntestz: {}\n")
    assert main(["doctor", "--repo", str(repo)]) == 1
    config = [line for line in capsys.readouterr().out.splitlines() if " config: " in line]
    assert len(config) == 2
    assert all(line.startswith("FAIL  config: .github/kairos.yml@") for line in config)
    assert "autonomy.default: 'x' is not one of" in config[0]
    assert "unknown key 'testz'" in config[1]


def test_a_missing_config_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jail_or_skip()
    repo = repo_with_config(tmp_path, None)
    assert main(["doctor", "--repo", str(repo)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "warn  config: no config, defaults apply (fix: commit one of .github/kairos.yml, "
        ".github/kairos.yaml, .kairos.yml, .kairos.yaml to configure tests and linters)"
    )


def test_a_config_file_given_is_read_instead_of_head_and_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kairos.yml"
    config.write_text(MISSING_LINTER)
    assert main(["doctor", "--repo", str(tmp_path), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"ok    config: {config} is valid (1 linters, 0 rules)" in out
    assert "FAIL  linters[0].run: 'kairos-no-such-linter'" in out
    assert main(["doctor", "--config", str(tmp_path / "absent.yml")]) == 2
    assert main(["doctor", "--repo", str(tmp_path / "absent")]) == 2
    assert "--repo" in capsys.readouterr().err


def test_not_a_repository_fails_the_config_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--repo", str(tmp_path)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("FAIL  config: cannot read the config at HEAD: ")
    assert first.endswith("(fix: run it in a git checkout with a commit, or pass --config FILE)")
