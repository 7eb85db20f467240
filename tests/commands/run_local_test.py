"""`kairos-ci run --local`: the nightly previewed on one's own checkout, with no GitHub,
no token and no network; the checkout left as it was."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import main
from tests.conftest import RUN_VARIABLES

CONFIG = """\
version: 1
tests:
  run: python -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml
  junit: ["reports/junit.xml"]
linters:
  - name: ruff
    run: ruff check --output-format json --exit-zero .
    format: ruff
    fix: ruff check --fix --exit-zero .
autonomy:
  default: suggest
  fix_lint: approve
"""
APP = "import os\n\n\ndef add(a, b):\n    return a + b\n"
TESTS = (
    "from app import add\n\n\n"
    "def test_add():\n    assert add(1, 2) == 3\n\n\n"
    "def test_add_is_wrong_here():\n    assert add(1, 1) == 3\n"
)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A small Python project in git: one ruff finding, a passing and a failing test."""
    repo = tmp_path / "project"
    (repo / "tests").mkdir(parents=True)
    (repo / ".github").mkdir()
    (repo / ".github" / "kairos.yml").write_text(CONFIG)
    (repo / "app.py").write_text(APP)
    (repo / "tests" / "test_app.py").write_text(TESTS)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "project")
    return repo


def _offline_env(home: Path) -> dict[str, str]:
    """No GitHub context and no token; any HTTP goes to a closed port and git may use
    only local paths, so a network call would fail the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(RUN_VARIABLES)}
    for name in ("NO_PROXY", "no_proxy", "FORCE_COLOR"):
        env.pop(name, None)
    dead = "http://127.0.0.1:9"
    env |= {"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead}
    env |= {"GIT_ALLOW_PROTOCOL": "file", "HOME": str(home), "COLUMNS": "200"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@pytest.mark.slow
def test_a_local_run_prints_the_lint_pull_request_and_the_dashboard(
    checkout: Path, tmp_path: Path
) -> None:
    (tmp_path / "home").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "run", "--local", "--repo", str(checkout)],
        cwd=checkout,
        env=_offline_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Pull request: Fix 1 ruff finding" in out
    assert "kairos/fix-lint/ruff -> main (planned" in out
    diff = out.split("diff --git a/app.py b/app.py\n", 1)[1]
    assert diff.splitlines()[3:5] == ["@@ -1,4 +1,3 @@", "-import os"]
    assert "\x1b[" not in out  # not a terminal: plain text
    assert "Dashboard: kairos-ci dashboard" in out
    assert "tests.test_app::test_add_is_wrong_here" in out.split("Dashboard:")[1]
    bundle = Path(out.strip().splitlines()[-1].removeprefix("Bundle: "))
    assert bundle.is_file() and bundle.name == "kairos-bundle.json"
    assert not bundle.resolve().is_relative_to(checkout.resolve())
    assert '"pull_request"' in bundle.read_text()
    assert "previewing the nightly on" in done.stderr  # progress, away from the output
    assert _git(checkout, "status", "--porcelain", "--ignored") == ""
    assert _git(checkout, "branch", "--list") == "* main\n"  # no memory branch pushed


def test_the_bundle_may_not_go_inside_the_checkout(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--local", "--repo", str(checkout), "--bundle-out", str(checkout / "b.json")]
    assert main(argv) == 2
    assert "is inside the checkout; a preview leaves it clean" in capsys.readouterr().err
    assert not (checkout / "b.json").exists()


def test_a_local_run_takes_no_payload(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = checkout / ".github" / "kairos.yml"  # any existing file: it is refused first
    assert main(["run", "--local", "--repo", str(checkout), "--payload", str(payload)]) == 2
    assert "--local reads no event payload" in capsys.readouterr().err


def test_a_local_run_handles_only_the_nightly_events(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--local", "--repo", str(checkout), "--event", "push"]) == 2
    assert "handles schedule, workflow_dispatch, not push" in capsys.readouterr().err


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This process as `_offline_env` leaves a run, with every socket refused."""
    for name in list(os.environ):
        if name.startswith(RUN_VARIABLES) or name == "FORCE_COLOR":
            monkeypatch.delenv(name)
    for name, value in _offline_env(tmp_path).items():
        monkeypatch.setenv(name, value)

    def refuse(*_: object) -> None:
        raise AssertionError("a local preview made a network call")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_a_local_review_prints_the_comments_on_the_changed_lines(
    checkout: Path, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(checkout, "checkout", "-q", "-b", "feature")
    (checkout / "more.py").write_text("def twice(x):\n    y = 1\n    return 2 * x\n")
    _git(checkout, "add", "-A")
    _git(checkout, "commit", "-qm", "twice")
    assert main(["review", "--local", "main..HEAD", "--repo", str(checkout)]) == 0
    out = capsys.readouterr().out
    assert "Review of " + _git(checkout, "rev-parse", "HEAD")[:12] + " (planned" in out
    assert "more.py:2\nruff F841: Local variable `y` is assigned to but never used" in out
    assert "app.py" not in out.split("Summary")[0]  # only what the diff changed
    assert out.strip().splitlines()[-1].startswith("Bundle: none (a local review has no pull")
    assert _git(checkout, "status", "--porcelain", "--ignored") == ""


@pytest.mark.parametrize(
    ("span", "why"),
    [
        ("main", "expected BASE..HEAD, two commits"),
        ("main...HEAD", "expected BASE..HEAD, two commits"),
        ("main..nowhere", "'nowhere' is not a commit in"),
    ],
)
def test_a_local_review_needs_two_commits(
    checkout: Path, span: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--local", span, "--repo", str(checkout)]) == 2
    assert why in capsys.readouterr().err
