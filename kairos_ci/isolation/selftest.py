"""Does the jail really isolate? A small Python program, run inside it, tries each way out.

``find_jail`` only proves that bubblewrap runs a command. This runs one that tries to
reach what the jail must keep from it: a TCP listener this process opened on the host's
loopback, this process in ``/proc``, a variable in this process's environment that the
runner was not given, and a file beside the tree under test (the home directory).

The runner is passed in (the workspace's ``CommandRunner``, which sits above this layer),
so a test can hand it an unjailed one and watch every probe fail.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CANARY = "KAIROS_DOCTOR_CANARY"

# Run as ``python -I -c PROBE PORT PID STARTTIME CANARY TARGET``; prints one JSON object,
# each way out mapped to [isolated, what happened]. Standard library only: ``-I`` ignores
# the user's site-packages and PYTHON* variables.
PROBE = """
import json, os, socket, sys

port, pid, started, canary, target = sys.argv[1:]


def network():
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
    except OSError as err:
        return True, f"cannot connect to the host's 127.0.0.1:{port} ({err.strerror or err})"
    return False, f"connected to the host's 127.0.0.1:{port}"


def processes():
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        fields = []
    visible = sum(name.isdigit() for name in os.listdir("/proc"))
    if fields[19:20] == [started]:
        return False, f"sees kairos itself (pid {pid}) in /proc"
    return True, f"/proc shows {visible} processes, not kairos (pid {pid})"


def environment():
    if canary in os.environ:
        return False, f"{canary}, set only in kairos's environment, is visible"
    return True, f"{canary}, set only in kairos's environment, is absent"


def filesystem():
    try:
        with open(target, "x") as out:
            out.write("written from inside the jail by kairos-ci doctor\\n")
    except OSError as err:
        return True, f"cannot write {target} ({err.strerror or err})"
    return False, f"wrote {target}"


print(json.dumps({
    "network": network(),
    "processes": processes(),
    "environment": environment(),
    "filesystem": filesystem(),
}))
"""


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool  # the jail held
    detail: str


class ProbeRun(Protocol):
    @property
    def exit_code(self) -> int | None: ...
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...
    @property
    def error(self) -> str | None: ...


class Runs(Protocol):
    def run(self, argv: Sequence[str], tree: Path) -> ProbeRun: ...


@dataclass(frozen=True)
class _Host:
    """What the probe looks for, as this process sees it."""

    port: int
    pid: int
    started: str  # the start time in /proc/PID/stat: a PID alone may be reused in the jail
    target: Path  # a file outside the tree, which must not appear


_NAMES = {
    "network": "jail: no network to the host",
    "processes": "jail: host processes hidden",
    "environment": "jail: kairos's environment hidden",
}
_FILESYSTEM = "jail: host filesystem read-only"


def self_test(runner: Runs, outside: Path) -> list[Probe]:
    """Run the probe through ``runner`` on a fresh tree; ``outside`` is a host directory the
    probe tries to write into (the home directory)."""
    target = outside / f".kairos-doctor-{secrets.token_hex(6)}"
    with (
        socket.create_server(("127.0.0.1", 0)) as listener,
        tempfile.TemporaryDirectory(prefix="kairos-doctor-") as tree,
        _canary_in_environ(),
    ):
        host = _Host(listener.getsockname()[1], os.getpid(), _start_time(), target)
        done = runner.run(_argv(host), Path(tree))
    try:
        return _verdicts(done, host)
    finally:
        target.unlink(missing_ok=True)


def _argv(host: _Host) -> list[str]:
    # The host's filesystem is visible read-only in the jail, so this interpreter runs there.
    facts = (host.port, host.pid, host.started, CANARY, host.target)
    return [sys.executable, "-I", "-c", PROBE, *map(str, facts)]


def _verdicts(done: ProbeRun, host: _Host) -> list[Probe]:
    found = _report(done)
    if found is None:
        why = done.error or done.stderr.strip()[-300:] or f"exit {done.exit_code}"
        return [Probe("jail: self-test", False, f"the probe did not run: {why}")]
    probes = [Probe(name, found[key][0], found[key][1]) for key, name in _NAMES.items()]
    return [*probes, _filesystem(found["filesystem"][1], host.target)]


def _report(done: ProbeRun) -> dict[str, tuple[bool, str]] | None:
    """The probe's answers, or None when it did not finish and print them all."""
    if done.exit_code != 0:
        return None
    try:
        raw = json.loads(done.stdout)
        return {key: (bool(raw[key][0]), str(raw[key][1])) for key in (*_NAMES, "filesystem")}
    except (ValueError, TypeError, LookupError):
        return None


def _filesystem(reported: str, target: Path) -> Probe:
    """Judged on the host: a write that landed in the jail's private /tmp reached nothing."""
    if target.exists():
        return Probe(_FILESYSTEM, False, f"a jailed command wrote {target} on the host")
    return Probe(_FILESYSTEM, True, reported)


def _start_time() -> str:
    fields = Path(f"/proc/{os.getpid()}/stat").read_text().rpartition(")")[2].split()
    return fields[19]


@contextmanager
def _canary_in_environ() -> Iterator[None]:
    """A variable in this process's own environment, never in the runner's allow-list: a
    runner that let the parent's environment through would hand it to the probe."""
    before = os.environ.get(CANARY)  # noqa: TID251 - the canary must be in our own environment
    os.environ[CANARY] = secrets.token_hex(8)  # noqa: TID251
    try:
        yield
    finally:
        if before is None:
            del os.environ[CANARY]  # noqa: TID251
        else:
            os.environ[CANARY] = before  # noqa: TID251
