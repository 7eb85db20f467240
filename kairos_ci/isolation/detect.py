"""Whether the jail works here: bubblewrap on PATH, and a trial command that really runs.

A runner may have bubblewrap and still refuse it (no user namespaces, an AppArmor rule),
so only a command that ran inside counts.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.isolation.bubblewrap import Bubblewrap, Invocation
from kairos_ci.isolation.limits import JailLimits, process_limit_enforced

_TRIAL_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class JailCheck:
    jail: Bubblewrap | None  # None: no jail here, and ``problems`` says why
    problems: tuple[str, ...]  # what does not work, or is not enforced

    @property
    def ok(self) -> bool:
        return self.jail is not None


@dataclass(frozen=True)
class JailSetup:
    """What the jail needs from the run's context."""

    path: str  # PATH, to find bubblewrap
    home: Path | None  # the real home, whose credential files are hidden
    hidden: tuple[Path, ...]  # host directories to hide (RUNNER_TEMP)
    limits: JailLimits


def find_jail(setup: JailSetup) -> JailCheck:
    executable = shutil.which("bwrap", path=setup.path)
    if executable is None:
        return JailCheck(None, ("bubblewrap (bwrap) is not installed: apt-get install bubblewrap",))
    jail = Bubblewrap(executable, setup.limits, setup.home, setup.hidden)
    failure = _trial(jail, {"PATH": setup.path})
    if failure:
        return JailCheck(None, (f"bubblewrap does not run here: {failure}",))
    notes = () if process_limit_enforced() else (_NO_PROCESS_LIMIT,)
    return JailCheck(jail, notes)


_NO_PROCESS_LIMIT = (
    "running as root without a pids cgroup: the jail's process count is not bounded "
    "(the time limit and the PID namespace still end every process)"
)


def _trial(jail: Bubblewrap, env: Mapping[str, str]) -> str:
    with tempfile.TemporaryDirectory(prefix="kairos-jail-trial-") as tmp:
        tree = Path(tmp)
        call = Invocation(("true",), tree, tree, env)
        try:
            done = subprocess.run(
                jail.argv(call),
                env=jail.environment(call),
                capture_output=True,
                timeout=_TRIAL_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            return str(err)
    if done.returncode != 0:
        return done.stderr.decode("utf-8", "replace").strip()[:300] or f"exit {done.returncode}"
    return ""
