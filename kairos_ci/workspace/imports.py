"""Is the code under test the tree under test? Where the project's own packages import from.

A job that ran ``pip install .`` (not ``-e``) has a copy in site-packages; a test run then
exercises that copy, whatever the patch says. The probe runs the test command's Python,
in the same jail and working directory as the tests, with the working directory taken off
``sys.path`` (pytest adds the root dir itself only later, so start-up imports and an
editable install decide), and reports each package found outside the tree.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from kairos_ci.workspace.commands import CommandRunner

# Folders at a flat layout's root that are not the package under test.
_NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "bench"}
    | {"benchmarks", "tools", "build", "dist", "site-packages", "node_modules"}
)
_MAX_PACKAGES = 20

_PROBE = """
import importlib.util, os, sys
here = os.getcwd()
sys.path[:] = [p for p in sys.path if p not in ("", ".", here)]
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception:
        spec = None
    origin = spec.origin if spec is not None and spec.origin else ""
    if not origin and spec is not None and spec.submodule_search_locations:
        origin = list(spec.submodule_search_locations)[0]
    print(name + "\\t" + os.path.realpath(origin) if origin else name + "\\t")
"""


def own_packages(tree: Path) -> tuple[str, ...]:
    """Top-level packages the project ships: ``src/<name>`` or ``<name>`` at the root."""
    src = tree / "src"
    roots = [src] if src.is_dir() else [tree]
    names = []
    for root in roots:
        for init in sorted(root.glob("*/__init__.py")):
            name = init.parent.name
            if name.isidentifier() and name not in _NOT_PACKAGES:
                names.append(name)
    return tuple(names[:_MAX_PACKAGES])


def imported_from_outside(runner: CommandRunner, tree: Path, test_argv: Sequence[str]) -> str:
    """Why the tests would not see the tree's own packages, or "" when they would."""
    packages = own_packages(tree)
    python = _python_of(test_argv, runner)
    if not packages or python is None:
        return ""
    ran = runner.run((python, "-c", _PROBE, *packages), tree)
    if not ran.ok:
        return ""  # the test run itself will show what is wrong with this interpreter
    inside = ((runner.checkout if runner.isolated else None) or tree).resolve()
    outside = []
    for line in ran.stdout.splitlines():
        name, _, origin = line.partition("\t")
        if origin and not Path(origin).is_relative_to(inside):
            outside.append(f"{name} from {origin}")
    if not outside:
        return ""
    return (
        f"the tests would import {', '.join(outside)}, not the tree under test: install the "
        "project in editable mode (pip install -e .) or run the tests from the source tree"
    )


def _python_of(test_argv: Sequence[str], runner: CommandRunner) -> str | None:
    """The interpreter the test command runs: itself, a script's shebang, or python3."""
    path = runner.env.get("PATH", "")
    program = test_argv[0] if test_argv else "python3"
    found = shutil.which(program, path=path)
    if found and Path(found).name.startswith("python"):
        return found
    if found:
        shebang = python_shebang(Path(found), path)
        if shebang:
            return shebang
    return shutil.which("python3", path=path)


def python_shebang(script: Path, path: str) -> str | None:
    try:
        with script.open("rb") as handle:
            first = handle.readline(512)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].decode("utf-8", "replace").split()
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[1], path=path)
    return words[0] if Path(words[0]).name.startswith("python") else None
