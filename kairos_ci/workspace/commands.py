"""Running the project's configured commands: argv only, bounded time and output.

Output goes to temporary files rather than pipes so a chatty test suite cannot
exhaust memory; only the tail is kept. On timeout the whole process group dies.
``CommandRunner`` is the one way project code runs: in the jail, with the tree under
test at the checkout's own path.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from kairos_ci.isolation.bubblewrap import Bubblewrap, Invocation
from kairos_ci.isolation.limits import pids_cgroup, preexec

MAX_OUTPUT_BYTES = 256 * 1024


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    exit_code: int | None  # None when it could not start or timed out
    stdout: str  # the last MAX_OUTPUT_BYTES, decoded leniently
    stderr: str
    duration_s: float
    timed_out: bool = False
    error: str | None = None  # why it could not start

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True)
class CommandRunner:
    """How the project's commands run: what they see, how long they may take, and where."""

    env: Mapping[str, str]  # an allow-list: never a token or key
    timeout_s: float
    jail: Bubblewrap | None = None  # None: a plain child process (no model touched the tree)
    checkout: Path | None = None  # the checkout's own path: where a tree under test appears

    @property
    def isolated(self) -> bool:
        return self.jail is not None

    def seen_at(self, tree: Path) -> Path:
        """Where the commands see ``tree``: absolute paths in their reports start there."""
        return self.checkout if self.jail is not None and self.checkout is not None else tree

    def with_env(self, env: Mapping[str, str]) -> CommandRunner:
        return replace(self, env=env)

    def run(self, argv: Sequence[str], tree: Path, timeout_s: float | None = None) -> CommandResult:
        """Run ``argv`` on ``tree`` (in the jail, seen at the checkout's path, when set)."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        if self.jail is None:
            return run_command(argv, tree, self.env, timeout)
        missing = _missing_program(argv, tree, self.env)
        if missing:  # inside the jail it would be bubblewrap's error, not a clear one
            return CommandResult(tuple(argv), None, "", "", 0.0, error=missing)
        call = Invocation(argv, tree, self.checkout or tree, self.env)
        with ExitStack() as stack:
            group = stack.enter_context(pids_cgroup(self.jail.limits))
            procs = None
            if group is not None:
                procs = os.open(group / "cgroup.procs", os.O_WRONLY)
                stack.callback(os.close, procs)
            result = run_command(
                self.jail.argv(call),
                tree,
                self.jail.environment(call),
                timeout,
                preexec(self.jail.limits, procs),
            )
        return replace(result, argv=tuple(argv))


def run_command(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    before_exec: Callable[[], None] | None = None,
) -> CommandResult:
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                preexec_fn=before_exec,
            )
        except OSError as failure:
            return CommandResult(tuple(argv), None, "", "", 0.0, error=_why(argv, failure))
        timed_out = _wait(process, timeout_s)
        return CommandResult(
            argv=tuple(argv),
            exit_code=None if timed_out else process.returncode,
            stdout=_tail(out),
            stderr=_tail(err),
            duration_s=time.monotonic() - started,
            timed_out=timed_out,
        )


def _missing_program(argv: Sequence[str], tree: Path, env: Mapping[str, str]) -> str:
    program = argv[0]
    if "/" in program:
        found = (tree / program).is_file()  # an absolute path ignores ``tree``
    else:
        found = shutil.which(program, path=env.get("PATH", "")) is not None
    return "" if found else f"cannot run {program!r}: not found on PATH"


def _wait(process: subprocess.Popen[bytes], timeout_s: float) -> bool:
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True
    return False


def _tail(handle: IO[bytes]) -> str:
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - MAX_OUTPUT_BYTES))
    return handle.read().decode("utf-8", "replace")


def _why(argv: Sequence[str], failure: OSError) -> str:
    return f"cannot run {argv[0]!r}: {failure.strerror or failure}"
