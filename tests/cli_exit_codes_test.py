"""One exit-code table for every command (see ``kairos_ci/cli.py``):
0 ok, 1 refused or failing checks, 2 usage, 3 internal.

Each row is a command line and the code it must end with. The table covers every
subcommand ``build_parser`` knows; a new command without rows fails the last test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import BROKEN_PIPE_EXIT, USAGE_EXIT, build_parser, main
from tests.conftest import RUN_VARIABLES

# A placeholder for a directory that exists and is not a git repository.
NOT_GIT = "{not_git}"
MISSING = "{missing}"  # a path that does not exist

BAD_FLAG = {
    name: [*path, "--no-such-flag"]
    for name, path in {
        "validate": ["validate"],
        "run": ["run"],
        "demo": ["demo"],
        "action": ["action"],
        "memory": ["memory", "show"],
        "sandbox": ["sandbox", "github"],
        "parse": ["parse", "junit", "x.xml"],
        "publish": ["publish", "b.json"],
        "guard": ["guard", "--base", "HEAD"],
        "fix-tests": ["fix-tests"],
        "review": ["review"],
        "chat": ["chat"],
        "plan": ["plan"],
        "remember-plans": ["remember-plans"],
        "work": ["work"],
        "integrate": ["integrate"],
        "doctor": ["doctor"],
        "init": ["init"],
        "swarm": ["swarm", "simulate", "--random", "5", "--workers", "2"],
        "fleet": ["fleet", "discover"],
    }.items()
}

MISSING_FILE = {
    "validate": ["validate", MISSING],
    "run": ["run", "--dry-run", "--config", MISSING],
    "publish": ["publish", MISSING],
    "fix-tests": ["fix-tests", "--payload", MISSING],
    "review": ["review", "--payload", MISSING],
    "chat": ["chat", "--payload", MISSING],
    "plan": ["plan", "--payload", MISSING],
    "remember-plans": ["remember-plans", "--state", MISSING],
    "doctor": ["doctor", "--config", MISSING],
    "init": ["init", "--repo", MISSING],
    "swarm": ["swarm", "simulate", "--workers", "2", "--plan", MISSING],
    "fleet": ["fleet", "discover", "--repo", "{repo}", "--fleet", MISSING],
}

NOT_A_REPOSITORY = {
    "run": ["run", "--dry-run", "--repo", NOT_GIT],
    "memory": ["memory", "show", "--repo", NOT_GIT],
    "guard": ["guard", "--base", "HEAD", "--repo", NOT_GIT],
    "fix-tests": ["fix-tests", "--repo", NOT_GIT],
    "review": ["review", "--repo", NOT_GIT],
    "chat": ["chat", "--repo", NOT_GIT],
    "plan": ["plan", "--repo", NOT_GIT],
    "remember-plans": ["remember-plans", "--repo", NOT_GIT, "--state", "{state}"],
    "work": ["work", "--issue", "7", "--repo", NOT_GIT],
    "integrate": ["integrate", "--issue", "7", "--repo", NOT_GIT],
    "publish": ["publish", "{bundle}", "--repo", NOT_GIT],
    "action": ["action", "--repo", NOT_GIT],
    "fleet": ["fleet", "dashboard", "--repo", NOT_GIT],
}

# Commands that talk to GitHub, run without any GITHUB_* variable in a real repository.
NO_GITHUB = {
    "run": ["run", "--repo", "{repo}"],
    "fix-tests": ["fix-tests", "--repo", "{repo}"],
    "review": ["review", "--repo", "{repo}"],
    "chat": ["chat", "--repo", "{repo}"],
    "plan": ["plan", "--event", "issues", "--repo", "{repo}"],
    "publish": ["publish", "{bundle}", "--repo", "{repo}"],
    "action": ["action", "--repo", "{repo}"],
    "fleet": ["fleet", "dashboard", "--repo", "{repo}"],
}

TABLE = [
    *[(f"{name}: bad flag", argv, USAGE_EXIT) for name, argv in BAD_FLAG.items()],
    *[(f"{name}: missing file", argv, USAGE_EXIT) for name, argv in MISSING_FILE.items()],
    *[(f"{name}: not a git repo", argv, USAGE_EXIT) for name, argv in NOT_A_REPOSITORY.items()],
    *[(f"{name}: no GITHUB_*", argv, USAGE_EXIT) for name, argv in NO_GITHUB.items()],
]


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith(RUN_VARIABLES):
            monkeypatch.delenv(name)
    not_git = tmp_path / "plain"
    not_git.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    (tmp_path / "plans").mkdir()
    bundle = tmp_path / "bundle.json"
    bundle.write_text('{"version": 1, "repository": "octo/app", "writes": []}')
    monkeypatch.chdir(not_git)  # the default --repo "." is not a repository either
    return {
        "not_git": str(not_git),
        "missing": str(tmp_path / "missing.yml"),
        "repo": str(repo),
        "bundle": str(bundle),
        "state": str(tmp_path / "plans"),
    }


@pytest.mark.parametrize(("case", "argv", "code"), TABLE, ids=[row[0] for row in TABLE])
def test_exit_code_table(
    case: str,
    argv: list[str],
    code: int,
    places: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([arg.format(**places) for arg in argv]) == code, case
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def test_every_subcommand_has_rows_in_the_table() -> None:
    covered = {case.split(":")[0] for case, _, _ in TABLE}
    assert set(_subcommands(build_parser())) <= covered


def test_every_subcommand_describes_itself_in_help() -> None:
    for name, sub in _subcommands(build_parser()).items():
        assert sub.description, f"`kairos-ci {name} --help` has no description"
        for nested_name, nested in _subcommands(sub).items():
            assert nested.description, f"`kairos-ci {name} {nested_name} --help`: no description"


def test_a_closed_pipe_ends_quietly_with_141(tmp_path: Path) -> None:
    # The reader is gone before kairos writes, as with `kairos-ci validate F | head -0`.
    config = tmp_path / "kairos.yml"
    config.write_text("version: 1\n")
    child = subprocess.Popen(
        [sys.executable, "-m", "kairos_ci", "validate", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == BROKEN_PIPE_EXIT
    assert err == ""
