"""The jail's limits: what RLIMIT_NPROC's budget is added to."""

from __future__ import annotations

import threading
from pathlib import Path

from kairos_ci.isolation.limits import _processes_of_this_user


def test_the_process_budget_counts_threads_as_rlimit_nproc_does() -> None:
    """RLIMIT_NPROC counts every thread of the uid: so must the count it is added to."""
    release = threading.Event()
    started = [threading.Thread(target=release.wait) for _ in range(5)]
    for thread in started:
        thread.start()
    try:
        # Other processes of the uid come and go (a parallel test run): only this
        # process's own threads are sure to be there, all of them counted.
        ours = sum(1 for _ in Path("/proc/self/task").iterdir())
        assert ours >= 6 and _processes_of_this_user() >= ours
    finally:
        release.set()
        for thread in started:
            thread.join()


def test_every_thread_of_every_process_of_the_uid_counts(tmp_path: Path) -> None:
    for pid, threads in (("17", 3), ("42", 1)):
        for tid in range(threads):
            (tmp_path / pid / "task" / str(tid)).mkdir(parents=True)
    (tmp_path / "self").mkdir()  # not a process directory
    (tmp_path / "sys").mkdir()
    assert _processes_of_this_user(tmp_path) == 4
