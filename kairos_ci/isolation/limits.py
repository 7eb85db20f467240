"""Resource limits for one jailed command: kernel rlimits, and a pids cgroup for root.

``RLIMIT_NPROC`` is not enforced for uid 0, so when kairos runs as root (containers,
self-hosted runners) the process count is bounded by a pids cgroup instead, when the
kernel offers one. Memory is bounded per process with ``RLIMIT_DATA``, which counts
what a process writes, not address space it only reserves (V8, the JVM and Go reserve
far more than they use, and break under ``RLIMIT_AS``).
"""

from __future__ import annotations

import os
import resource
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

_PIDS_V1 = Path("/sys/fs/cgroup/pids")
_UNIFIED = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class JailLimits:
    processes: int = 512  # processes and threads of the command, all descendants included
    memory_bytes: int = 4 << 30  # data each process may write into memory
    file_bytes: int = 1 << 30  # the largest file a command may write
    tmp_bytes: int = 1 << 30  # the private /tmp and home, together
    open_files: int = 4096


def preexec(limits: JailLimits, cgroup_procs: int | None) -> Callable[[], None]:
    """What the child does between fork and exec: join the cgroup (through a descriptor the
    parent opened), then lower its rlimits. Everything is computed before the fork, so the
    child only makes system calls."""
    extra = 0 if cgroup_procs is not None else _processes_of_this_user()
    settings = (
        (resource.RLIMIT_NPROC, limits.processes + extra),
        (resource.RLIMIT_DATA, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    )
    lowered = [(which, _ceiling(which, value)) for which, value in settings]

    def apply() -> None:
        if cgroup_procs is not None:
            os.write(cgroup_procs, b"0")  # "0" is the writing process itself
        for which, value in lowered:
            resource.setrlimit(which, (value, value))

    return apply


@contextmanager
def pids_cgroup(limits: JailLimits) -> Iterator[Path | None]:
    """A fresh pids cgroup capped at ``limits.processes``, removed afterwards; None when not
    root or when the kernel offers none (then ``RLIMIT_NPROC`` is all there is)."""
    if os.geteuid() != 0:
        yield None
        return
    group = _make_group(limits.processes)
    try:
        yield group
    finally:
        if group is not None:
            with suppress(OSError):
                group.rmdir()


def process_limit_enforced() -> bool:
    """Whether a jail's process count is really bounded on this machine."""
    if os.geteuid() != 0:
        return True
    with pids_cgroup(JailLimits()) as group:
        return group is not None


def _make_group(processes: int) -> Path | None:
    for parent in (_PIDS_V1, _own_unified_group()):
        if parent is None or not (parent / "cgroup.procs").exists():
            continue
        group = parent / f"kairos-jail-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
        except OSError:
            continue
        try:
            (group / "pids.max").write_text(str(processes))
        except OSError:
            group.rmdir()
            continue
        return group
    return None


def _own_unified_group() -> Path | None:
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("0::"):
            return _UNIFIED / line[3:].lstrip("/")
    return None


def _processes_of_this_user(proc: Path = Path("/proc")) -> int:
    """``RLIMIT_NPROC`` counts every thread of the uid, so the budget goes on top of them."""
    uid = os.getuid()
    count = 0
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += sum(1 for _ in (entry / "task").iterdir())
    return count


def _ceiling(which: int, value: int) -> int:
    """A limit can only go down: never above the hard limit already in force."""
    hard = resource.getrlimit(which)[1]
    return value if hard == resource.RLIM_INFINITY else min(value, hard)
