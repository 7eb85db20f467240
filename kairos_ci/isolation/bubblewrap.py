"""The jail: bubblewrap's argv for one command of the project.

What the command sees:
- the host filesystem read-only, with the runner's temporary directory and the usual
  credential files of the home directory hidden;
- the tree under test, writable, at the checkout's own path, so editable installs,
  ``pythonpath`` settings, ``conftest.py`` and start-up imports resolve to the patch;
  that tree's ``.git`` read-only, so nothing it runs can plant hooks or config for
  kairos's own git;
- a private, size-capped ``/tmp``, with its home directory inside;
- its own PID, network (loopback only), IPC, UTS, cgroup and user namespaces, no
  capabilities, and no way to make further user namespaces.

When bubblewrap ends, the kernel kills every process left in the PID namespace, however
it detached; ``--die-with-parent`` ends bubblewrap if kairos itself dies.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.isolation.limits import JailLimits

PRIVATE_TMP = Path("/tmp")  # noqa: S108 - a fresh tmpfs inside the jail, not the host's /tmp
PRIVATE_HOME = PRIVATE_TMP / "home"

# Credentials a runner or a developer's machine keeps in the home directory.
CREDENTIALS = (
    ".ssh",
    ".gnupg",
    ".aws",
    ".azure",
    ".kube",
    ".docker",
    ".config/gh",
    ".config/git",
    ".config/gcloud",
    ".gitconfig",
    ".git-credentials",
    ".netrc",
    ".npmrc",
    ".pypirc",
)

# procfs entries that write to the host kernel: bubblewrap 0.8 leaves them writable for root.
_PROC_HOST_KNOBS = ("sys", "sysrq-trigger", "irq", "bus")


@dataclass(frozen=True)
class Invocation:
    """One command to jail."""

    argv: Sequence[str]
    tree: Path  # the tree under test on the host: the only writable place
    appears_at: Path  # where the command sees it: the checkout's own path
    env: Mapping[str, str]  # the whole environment the command gets (an allow-list)
    cwd: Path | None = None  # inside the jail; default ``appears_at``


@dataclass(frozen=True)
class Bubblewrap:
    executable: str
    limits: JailLimits = field(default_factory=JailLimits)
    home: Path | None = None  # the real home directory, whose credential files are hidden
    hidden: tuple[Path, ...] = ()  # host directories replaced by an empty one (RUNNER_TEMP)

    def argv(self, call: Invocation) -> list[str]:
        return [
            self.executable,
            *_namespaces(),
            *_base_filesystem(self.limits),
            *self._hide(),
            *_tree(call.tree, call.appears_at),
            *_reachable(call.env, call.appears_at, self.hidden),
            "--chdir",
            str(call.cwd or call.appears_at),
            "--",
            *call.argv,
        ]

    def environment(self, call: Invocation) -> dict[str, str]:
        """What the command sees: the caller's allow-list, with a private home and /tmp."""
        return {**call.env, "HOME": str(PRIVATE_HOME), "TMPDIR": str(PRIVATE_TMP)}

    def _hide(self) -> list[str]:
        args: list[str] = []
        for directory in self.hidden:
            if directory.is_dir():
                args += ["--tmpfs", str(directory)]
        if self.home is not None:
            for name in CREDENTIALS:
                path = self.home / name
                if path.is_dir():
                    args += ["--tmpfs", str(path)]
                elif path.exists():
                    args += ["--ro-bind", "/dev/null", str(path)]
        return args


def _namespaces() -> list[str]:
    return [
        "--unshare-all",  # pid, net (loopback only), ipc, uts, cgroup
        "--unshare-user",
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",  # no TIOCSTI into kairos's terminal
        "--hostname",
        "kairos-jail",
    ]


def _base_filesystem(limits: JailLimits) -> list[str]:
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for knob in _PROC_HOST_KNOBS:
        args += ["--ro-bind-try", f"/proc/{knob}", f"/proc/{knob}"]
    args += ["--size", str(limits.tmp_bytes), "--tmpfs", str(PRIVATE_TMP)]
    return [*args, "--dir", str(PRIVATE_HOME)]


def _tree(tree: Path, appears_at: Path) -> list[str]:
    args = ["--bind", str(tree), str(appears_at)]
    if (tree / ".git").exists():
        args += ["--ro-bind", str(tree / ".git"), str(appears_at / ".git")]
    return args


def _reachable(env: Mapping[str, str], appears_at: Path, hidden: Iterable[Path]) -> list[str]:
    """Programs the environment names (PATH entries, the virtualenv) that the jail's own
    mounts would hide: a ``.venv`` inside the checkout, a venv under a temporary directory.
    They come back read-only, from the host, at their own paths."""
    covering = (appears_at, PRIVATE_TMP, *hidden)
    named = [*env.get("PATH", "").split(os.pathsep), env.get("VIRTUAL_ENV", "")]
    args: list[str] = []
    for entry in dict.fromkeys(_root_of(Path(p)) for p in named if p):
        if entry.is_absolute() and any(entry.is_relative_to(c) for c in covering):
            args += ["--ro-bind-try", str(entry), str(entry)]
    return args


def _root_of(entry: Path) -> Path:
    """A virtualenv's or node_modules' ``bin`` needs its whole environment beside it."""
    parent = entry.parent
    if (parent / "pyvenv.cfg").exists() or parent.name == "node_modules":
        return parent
    return entry
