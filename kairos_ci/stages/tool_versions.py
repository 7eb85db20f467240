"""The versions of the tools the project's configured commands run, as one digest.

Each command's program is found on the runner's PATH, as the command will find it:
- a Python interpreter, or a script whose ``#!`` names one (a console script such as
  ``pytest``), stands for its whole environment: the interpreter's version and every
  installed distribution with its version, read by one short probe in the runner;
- any other program (a native ``ruff``, ``node``) is identified by the sha256 of its bytes,
  which a reinstall of the same version leaves alone;
- a program inside the tree is already part of the tree's id.

A version that cannot be told (the probe failed) makes the digest ``None``: nothing is
reused on a guess.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kairos_ci.config.records import Command
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.imports import python_shebang

_PROBE = (
    "import importlib.metadata as m, sys\n"
    "print(sys.version)\n"
    "found = {f\"{d.metadata['Name']}=={d.version}\" for d in m.distributions()}\n"
    "print(*sorted(found), sep='\\n')\n"
)
_PROBE_TIMEOUT_S = 60.0


def tools_digest(commands: Iterable[Command], runner: CommandRunner) -> str | None:
    """16 hex digits naming every configured program's version; ``None`` when one cannot
    be told."""
    lines: list[str] = []
    environments: dict[str, str | None] = {}  # interpreter -> its probe's digest
    for program in sorted({command.argv[0] for command in commands if command.argv}):
        line = _version(program, runner, environments)
        if line is None:
            return None
        lines.append(line)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _version(
    program: str, runner: CommandRunner, environments: dict[str, str | None]
) -> str | None:
    path = runner.env.get("PATH", "")
    if "/" in program and not Path(program).is_absolute():
        return f"{program} in the tree"  # the tree's id covers it
    found = shutil.which(program, path=path)
    if found is None:
        return f"{program} not found"  # the command will say so; this stays comparable
    python = found if Path(found).name.startswith("python") else python_shebang(Path(found), path)
    if python is not None and Path(python).name.startswith("python"):
        if python not in environments:
            environments[python] = _environment(python, runner)
        digest = environments[python]
        return None if digest is None else f"{program} python {digest}"
    return f"{program} {_file_digest(Path(found))}"


def _environment(python: str, runner: CommandRunner) -> str | None:
    """The interpreter's version and installed distributions, probed where the commands run
    (in an empty directory: the tree's own files are not tools)."""
    with tempfile.TemporaryDirectory(prefix="kairos-probe-") as empty:
        ran = runner.run((python, "-B", "-c", _PROBE), Path(empty), _PROBE_TIMEOUT_S)
    if not ran.ok or not ran.stdout.strip():
        return None
    return hashlib.sha256(ran.stdout.encode()).hexdigest()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
