"""Running the project's configured commands: argv only, bounded time and output.

Output goes to temporary files rather than pipes so a chatty test suite cannot
exhaust memory; only the tail is kept. On timeout the whole process group dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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


def run_command(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout_s: float
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
