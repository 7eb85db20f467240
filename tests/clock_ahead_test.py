"""Time is an input: the suites that keep dates pass with the real clock 30 days ahead.

libfaketime moves the wall clock of the child pytest (and of the git it runs), so any
code or test that still reads today's date instead of an injected clock fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The suites whose data carries dates: memory (compaction, leases), verdicts, the memory CLI.
DATED_SUITES = ("tests/memory", "tests/verdicts", "tests/commands/memory_test.py")


@pytest.mark.slow
def test_the_dated_suites_pass_with_the_clock_30_days_ahead() -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (.ci/run installs it: apt-get install faketime)")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    pytest_ = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow"]
    done = subprocess.run(
        [faketime, "-f", "+30d", *pytest_, *DATED_SUITES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
