"""The jail's self-test: every probe holds in the real jail, and each one can fail."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.isolation.selftest import CANARY, Probe, self_test
from kairos_ci.workspace.commands import CommandResult, CommandRunner
from tests.jail import jail_or_skip

NAMES = [
    "jail: no network to the host",
    "jail: host processes hidden",
    "jail: kairos's environment hidden",
    "jail: host filesystem read-only",
]


@dataclass
class FakeRunner:
    """Answers the probe without running it; remembers what it saw of our environment."""

    stdout: str
    exit_code: int = 0
    stderr: str = ""
    write_target: bool = False  # behave like a leaking jail: the probe's file lands on the host
    saw_canary: list[bool] = field(default_factory=list)
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def run(self, argv: Sequence[str], tree: Path) -> CommandResult:
        self.saw_canary.append(CANARY in os.environ)
        self.calls.append(tuple(argv))
        if self.write_target:
            Path(argv[-1]).write_text("leaked\n")
        return CommandResult(tuple(argv), self.exit_code, self.stdout, self.stderr, 0.0)


def all_held() -> str:
    keys = ("network", "processes", "environment", "filesystem")
    return json.dumps({key: [True, f"{key} held"] for key in keys})


def test_the_real_jail_holds_against_every_probe() -> None:
    runner = CommandRunner({"PATH": os.environ["PATH"]}, 30, jail=jail_or_skip())
    probes = self_test(runner, Path.home())
    assert [p.name for p in probes] == NAMES
    assert all(p.ok for p in probes), probes
    assert not list(Path.home().glob(".kairos-doctor-*"))


def test_without_the_jail_the_probes_see_the_host(tmp_path: Path) -> None:
    runner = CommandRunner({"PATH": os.environ["PATH"]}, 30)
    network, processes, environment, filesystem = self_test(runner, tmp_path)
    assert not network.ok and "connected to the host's 127.0.0.1:" in network.detail
    assert not processes.ok and f"(pid {os.getpid()})" in processes.detail
    # The runner's environment is an allow-list even without the jail.
    assert environment.ok
    assert not filesystem.ok and "on the host" in filesystem.detail
    assert list(tmp_path.iterdir()) == []  # what the probe wrote is removed


def test_the_canary_is_in_our_environment_only_while_the_probe_runs(tmp_path: Path) -> None:
    runner = FakeRunner(all_held())
    probes = self_test(runner, tmp_path)
    assert runner.saw_canary == [True]
    assert CANARY not in os.environ
    assert all(p.ok for p in probes)


def test_the_filesystem_is_judged_on_the_host(tmp_path: Path) -> None:
    probes = self_test(FakeRunner(all_held(), write_target=True), tmp_path)
    assert [p.ok for p in probes] == [True, True, True, False]
    assert probes[-1].detail.startswith("a jailed command wrote ")
    assert list(tmp_path.iterdir()) == []


def test_a_probe_that_did_not_run_is_one_failure(tmp_path: Path) -> None:
    refused = "bwrap: setting up uid map: Permission denied"
    for runner, why in (
        (FakeRunner("", exit_code=1, stderr=refused + "\n"), refused),
        (FakeRunner('{"network": [true, "held"]}'), "exit 0"),
        (FakeRunner("not json"), "exit 0"),
    ):
        assert self_test(runner, tmp_path) == [
            Probe("jail: self-test", False, f"the probe did not run: {why}")
        ]


def test_the_probe_runs_in_this_interpreter_isolated_from_python_variables(
    tmp_path: Path,
) -> None:
    runner = FakeRunner(all_held())
    self_test(runner, tmp_path)
    [argv] = runner.calls
    assert argv[:3] == (sys.executable, "-I", "-c")
    assert argv[-2] == CANARY
    assert Path(argv[-1]).parent == tmp_path
