"""The jail's limits: what RLIMIT_NPROC's budget is added to."""

from __future__ import annotations

import threading

from kairos_ci.isolation.limits import _processes_of_this_user


def test_the_process_budget_counts_threads_as_rlimit_nproc_does() -> None:
    """RLIMIT_NPROC counts every thread of the uid: so must the count it is added to."""
    before = _processes_of_this_user()
    release = threading.Event()
    started = [threading.Thread(target=release.wait) for _ in range(5)]
    for thread in started:
        thread.start()
    try:
        assert _processes_of_this_user() >= before + 5
    finally:
        release.set()
        for thread in started:
            thread.join()
