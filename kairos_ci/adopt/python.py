"""A Python project: how its CI installs it, and the pytest command that writes JUnit.

The install follows the project's own declarations, in this order: requirement files,
tox's ``[testenv]`` deps, nox's test sessions, the package itself with its test extras
(editable, so a ``src/`` layout imports the tree under test), dependency groups, and last
the configured tools it does not declare.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from kairos_ci.adopt import actions, pins
from kairos_ci.adopt.python_sources import PythonSources, is_python, read_sources, requirement_name
from kairos_ci.adopt.records import Install, LanguageFindings, ProjectFiles, TestSetup, Toolchain

DEFAULT_PYTHON = "3.12"
JUNIT = "reports/junit.xml"
TEST_COMMAND = f"python -m pytest --junitxml={JUNIT}"
_PIP = "python -m pip install"
_VERSION = re.compile(r"^(3\.\d+)")
_LOWER_BOUND = re.compile(r">=\s*3\.(\d+)")


def detect_python(files: ProjectFiles, tool_packages: tuple[str, ...]) -> LanguageFindings | None:
    """``tool_packages``: what the configured Python linters need installed."""
    if not is_python(files):
        return None
    sources = read_sources(files)
    tests, test_notes = _tests(files, sources)
    wanted = [*tool_packages, *(["pytest"] if tests else [])]
    toolchain = Toolchain(
        language="python",
        setup=actions.setup_python(_python_version(files, sources)),
        install=Install(tuple(dict.fromkeys(_install(sources, _undeclared(sources, wanted))))),
        review_install=_review_install(sources, tool_packages),
        sources=_sources(files, sources),
    )
    notes = [*sources.notes, *test_notes, *_layout_notes(files, sources)]
    return LanguageFindings(toolchain, tests, tuple(notes))


def _install(sources: PythonSources, undeclared: list[str]) -> Iterable[str]:
    if sources.groups:
        yield f"{_PIP} --upgrade 'pip>=25.1'  # --group needs pip 25.1"
    if sources.requirement_files:
        yield f"{_PIP} " + " ".join(f"-r {shlex.quote(f)}" for f in sources.requirement_files)
    if sources.tox_deps:
        yield f"{_PIP} {shlex.join(sources.tox_deps)}"
    for call in sources.nox_installs:
        yield f"{_PIP} {shlex.join(call)}"
    if sources.installable:
        extras = f"[{','.join(sources.extras)}]" if sources.extras else ""
        yield f"{_PIP} -e {shlex.quote('.' + extras)}"
    if sources.groups:
        yield f"{_PIP} " + " ".join(f"--group {shlex.quote(g)}" for g in sources.groups)
    if sources.poetry_dev:
        yield f"{_PIP} {shlex.join(sources.poetry_dev)}"
    if undeclared:
        yield f"{_PIP} {shlex.join(pins.python_spec(p) for p in undeclared)}"


def _undeclared(sources: PythonSources, packages: list[str]) -> list[str]:
    declared = {requirement_name(r) for r in sources.requirements}
    declared |= {requirement_name(p) for p in sources.poetry_dev or ()}
    return [p for p in dict.fromkeys(packages) if requirement_name(p) not in declared]


def _review_install(sources: PythonSources, packages: tuple[str, ...]) -> Install:
    """Only the linters, at the versions the project asks for: the review job installs
    nothing from the pull request, so no code of it runs next to the job's secrets."""
    if not packages:
        return Install()
    pinned = {requirement_name(r): r.split(";", 1)[0].strip() for r in sources.requirements}
    specs = [_spec(pinned.get(requirement_name(p), ""), p) for p in dict.fromkeys(packages)]
    return Install((f"{_PIP} {shlex.join(specs)}",))


def _spec(declared: str, package: str) -> str:
    """The project's own requirement when it names a version, else init's pin."""
    return declared if declared and declared != package else pins.python_spec(package)


def _tests(files: ProjectFiles, sources: PythonSources) -> tuple[TestSetup | None, list[str]]:
    declared = any(requirement_name(r) == "pytest" for r in sources.requirements)
    declared = declared or "pytest" in (sources.poetry_dev or ())
    where = sources.pytest_config or ("declared dependency pytest" if declared else None)
    test_dir = next((d for d in ("tests/", "test/") if files.has(d)), None)
    if where is None and files.has("conftest.py"):
        where = "conftest.py"
    if where is None and test_dir is None:
        return None, [
            "Python: no pytest config, pytest dependency or tests/ folder was found, "
            "so no test command is configured; add tests.run when there are tests"
        ]
    notes = []
    if not declared:
        notes.append(
            "Python: pytest is not among the declared dependencies; the workflows "
            "install it (pytest also runs unittest tests); declare it to pin it"
        )
    return TestSetup(TEST_COMMAND, (JUNIT,), where or f"{test_dir} folder"), notes


def _python_version(files: ProjectFiles, sources: PythonSources) -> str:
    pinned = _VERSION.match((files.text(".python-version") or "").strip())
    if pinned:
        return pinned.group(1)
    lower = _LOWER_BOUND.search(sources.requires_python)
    if lower and int(lower.group(1)) > int(DEFAULT_PYTHON.split(".")[1]):
        return f"3.{lower.group(1)}"
    return DEFAULT_PYTHON


def _layout_notes(files: ProjectFiles, sources: PythonSources) -> list[str]:
    if files.has("src/") and not sources.installable:
        return [
            "Python: a src/ folder but no pyproject.toml [project], setup.py or setup.cfg "
            "[metadata]: the tests may not import the package; make it installable so "
            "`pip install -e .` works"
        ]
    if sources.poetry_dev is not None:
        return [
            "Python: Poetry project: installed with pip (PEP 660 editable) and its dev "
            "groups' packages by name only; pin them in the workflows if it matters"
        ]
    return []


def _sources(files: ProjectFiles, sources: PythonSources) -> tuple[str, ...]:
    found = [*sources.requirement_files]
    for name in ("tox.ini", "noxfile.py", "pyproject.toml", "setup.py", "setup.cfg"):
        if files.has(name):
            found.append(name)
    if files.has("src/") and sources.installable:
        found.append("src/ layout")
    return tuple(found)
