"""Issue 21: a no-op nightly runs the test command once and each linter once.

The sample's configured commands go through tiny counting shims: each one sends a line
to a datagram socket this test holds, then becomes the real tool. The shims' folder is on
PATH, so the jail mounts it back, socket included, and every process of a configured
command is counted, wherever and however kairos runs it.
"""

from __future__ import annotations

import os
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.e2e.nightly_test import pulls, repo_state, sample_world
from tests.sandbox.github.world import World, strict_sandbox

pytestmark = pytest.mark.slow

_SHIM = """#!{python}
import os, socket, sys
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as counter:
    counter.sendto(" ".join(["{name}", *sys.argv[1:]]).encode(), {socket!r})
os.execv({real!r}, [{real!r}, *{prefix!r}, *sys.argv[1:]])
"""


class Counted:
    """The socket the shims report to; ``take`` drains what arrived since the last call."""

    def __init__(self, path: Path) -> None:
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        path.chmod(0o777)  # the jail's user may differ: it must still connect
        self.socket.setblocking(False)

    def take(self) -> Counter[str]:
        seen: Counter[str] = Counter()
        while True:
            try:
                seen[self.socket.recv(4096).decode()] += 1
            except BlockingIOError:
                return seen


def shim(folder: Path, name: str, real: str, prefix: tuple[str, ...], sock: Path) -> None:
    text = _SHIM.format(
        python=sys.executable, name=name, socket=str(sock), real=real, prefix=list(prefix)
    )
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> Iterator[tuple[World, GitHubSandbox, Counted]]:
    folder = tmp_path / "shims"
    folder.mkdir()
    counts = Counted(folder / "counts.sock")
    ruff = str(Path(sys.executable).parent / "ruff")
    shim(folder, "counted-pytest", sys.executable, ("-m", "pytest"), folder / "counts.sock")
    shim(folder, "counted-ruff", ruff, (), folder / "counts.sock")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    world = sample_world(tmp_path)
    config = (world.work / ".github" / "kairos.yml").read_text()
    config = config.replace("run: python -m pytest", "run: counted-pytest")
    config = config.replace(": ruff check", ": counted-ruff check")
    world.commit({".github/kairos.yml": config}, "count the commands")
    with strict_sandbox(world) as github:
        monkeypatch.setenv("GITHUB_API_URL", github.base_url)
        yield world, github, counts
    counts.socket.close()


# The sample's flaky test draws from the run id: these are ids on which it passes.
STEADY = ("night-1", "night-3", "night-4", "night-5")


def night(world: World, n: int) -> int:
    world.git("pull", "-q", "--ff-only", "origin", "main")
    argv = ["run", "--event", "schedule", "--repo", str(world.work), "--run-id", STEADY[n - 1]]
    return main(argv)


TESTS = "counted-pytest -q -p no:cacheprovider --junitxml=reports/junit.xml"
LINT = "counted-ruff check --output-format json --exit-zero ."
FIX = "counted-ruff check --fix --exit-zero ."


def test_a_no_op_night_runs_the_tests_once_and_the_linter_once(
    counted: tuple[World, GitHubSandbox, Counted], capsys: pytest.CaptureFixture[str]
) -> None:
    world, github, counts = counted
    assert night(world, 1) == 0
    (pr,) = pulls(repo_state(github))
    # Night 1 has work: the base once, the fix, and the fixed tree once.
    assert counts.take() == Counter({TESTS: 2, LINT: 2, FIX: 1})

    requests_before = len(github.state()["requests"])
    capsys.readouterr()
    assert night(world, 2) == 0
    assert counts.take() == Counter({TESTS: 1, LINT: 1})
    assert (
        "- kairos/fix-lint/ruff: PR #1 already has this change "
        "(verified on this base tree, config and tools: not run again)"
    ) in capsys.readouterr().out
    (same,) = pulls(repo_state(github))
    assert (same["head"]["sha"], same["updated_at"]) == (pr["head"]["sha"], pr["updated_at"])
    writes = [r for r in github.state()["requests"][requests_before:] if r["method"] != "GET"]
    assert writes == []


def test_a_moved_base_verifies_again_once_then_reuses_that(
    counted: tuple[World, GitHubSandbox, Counted],
) -> None:
    world, github, counts = counted
    assert night(world, 1) == 0
    (pr,) = pulls(repo_state(github))
    counts.take()

    world.commit({"NOTES.md": "the fix does not touch this\n"}, "an unrelated change")
    assert night(world, 2) == 0
    # A new base tree: the same fix is verified on it, and the open PR already has it.
    assert counts.take() == Counter({TESTS: 2, LINT: 2, FIX: 1})
    assert pulls(repo_state(github))[0]["head"]["sha"] == pr["head"]["sha"]

    assert night(world, 3) == 0
    assert counts.take() == Counter({TESTS: 1, LINT: 1})
