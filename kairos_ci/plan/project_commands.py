"""Build, test, lint and install commands, read from manifests and CI workflows (no model).

Sources: package.json scripts (with the lockfile's package manager), pyproject.toml,
setup.cfg, pytest.ini, tox.ini, a Makefile's targets, and ``run:`` lines of the workflows
under ``.github/workflows``. A manifest that cannot be read is reported, never skipped
silently. Commands are context for the plan; nothing here runs them.
"""

from __future__ import annotations

import configparser
import itertools
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import yaml

from kairos_ci.plan.records import CommandKind, ProjectCommand

MAX_COMMANDS = 50
MAX_COMMAND_CHARS = 500
MAX_WORKFLOWS = 30
MAX_WORKFLOW_BYTES = 256 * 1024
MAX_WORKFLOW_STEPS = 1000

Reader = Callable[[str], str | None]  # a tracked file's text, or None when it cannot be read

_SCRIPT_KINDS = {"test": CommandKind.TEST, "build": CommandKind.BUILD, "lint": CommandKind.LINT}
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)")
_MAKE_KINDS = {
    "install": CommandKind.INSTALL,
    "build": CommandKind.BUILD,
    "test": CommandKind.TEST,
    "check": CommandKind.TEST,
    "lint": CommandKind.LINT,
}
_RUN_LINE_KINDS = (
    (
        re.compile(
            r"\b(pytest|tox|nox|npm (run )?test|yarn test|pnpm test|go test|cargo test|"
            r"make (test|check)|jest|mocha|vitest)\b"
        ),
        CommandKind.TEST,
    ),
    (
        re.compile(r"\b(ruff|flake8|pylint|mypy|eslint|prettier --check|npm run lint|make lint)\b"),
        CommandKind.LINT,
    ),
    (
        re.compile(
            r"\b(npm ci|npm install|yarn install|pnpm install|pip install|poetry install|"
            r"uv sync)\b"
        ),
        CommandKind.INSTALL,
    ),
    (
        re.compile(
            r"\b(npm run build|yarn build|pnpm build|python -m build|make build|"
            r"go build|cargo build|tsc)\b"
        ),
        CommandKind.BUILD,
    ),
)


@dataclass(frozen=True)
class CommandsFound:
    commands: tuple[ProjectCommand, ...]
    problems: tuple[str, ...]  # manifests that could not be read, one line each


def find_commands(paths: frozenset[str], read: Reader) -> CommandsFound:
    found: list[ProjectCommand] = []
    problems: list[str] = []
    readers: tuple[tuple[str, Callable[[str, frozenset[str]], Iterator[ProjectCommand]]], ...] = (
        ("package.json", _package_json),
        ("pyproject.toml", _pyproject),
        ("setup.cfg", _setup_cfg),
        ("pytest.ini", _pytest_ini),
        ("tox.ini", _tox_ini),
        ("Makefile", _makefile),
    )
    for name, parse in readers:
        if name in paths:
            _collect(name, read, partial(_with_paths, parse, paths), found, problems)
    workflows = sorted(p for p in paths if _is_workflow(p))[:MAX_WORKFLOWS]
    for path in workflows:
        _collect(path, read, partial(_workflow, path), found, problems)
    unique: dict[tuple[CommandKind, str], ProjectCommand] = {}
    for command in found:
        unique.setdefault((command.kind, command.command), command)  # the first source wins
    return CommandsFound(tuple(unique.values())[:MAX_COMMANDS], tuple(problems))


def _with_paths(
    parse: Callable[[str, frozenset[str]], Iterator[ProjectCommand]],
    paths: frozenset[str],
    text: str,
) -> Iterator[ProjectCommand]:
    return parse(text, paths)


def _collect(
    path: str,
    read: Reader,
    parse: Callable[[str], Iterator[ProjectCommand]],
    found: list[ProjectCommand],
    problems: list[str],
) -> None:
    text = read(path)
    if text is None:
        problems.append(f"{path}: cannot be read (too large, binary or not a plain file)")
        return
    try:
        found.extend(c for c in parse(text) if len(c.command) <= MAX_COMMAND_CHARS)
    except (ValueError, TypeError, KeyError, configparser.Error) as err:
        problems.append(f"{path}: {' '.join(str(err).split())[:200]}")


def _package_json(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    manager, install = _node_manager(paths)
    yield ProjectCommand(CommandKind.INSTALL, install, "package.json (lockfile)")
    scripts = data.get("scripts") or {}
    if not isinstance(scripts, dict):
        raise ValueError("scripts is not an object")
    for name, kind in _SCRIPT_KINDS.items():
        if isinstance(scripts.get(name), str):
            run = f"{manager} test" if name == "test" else f"{manager} run {name}"
            yield ProjectCommand(kind, run, f"package.json#scripts.{name}")


def _node_manager(paths: frozenset[str]) -> tuple[str, str]:
    if "pnpm-lock.yaml" in paths:
        return "pnpm", "pnpm install --frozen-lockfile"
    if "yarn.lock" in paths:
        return "yarn", "yarn install --frozen-lockfile"
    if "package-lock.json" in paths or "npm-shrinkwrap.json" in paths:
        return "npm", "npm ci"
    return "npm", "npm install"


def _pyproject(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    data = tomllib.loads(text)
    tool: Mapping[str, Any] = data.get("tool", {})
    project: Mapping[str, Any] = data.get("project", {})
    extras = project.get("optional-dependencies", {})
    if "poetry" in tool:
        yield ProjectCommand(CommandKind.INSTALL, "poetry install", "pyproject.toml#tool.poetry")
    elif "project" in data:
        extra = next((e for e in ("test", "tests", "dev") if e in extras), None)
        target = f"'.[{extra}]'" if extra else "."
        source = (
            f"pyproject.toml#project.optional-dependencies.{extra}"
            if extra
            else "pyproject.toml#project"
        )
        yield ProjectCommand(CommandKind.INSTALL, f"pip install -e {target}", source)
    if "pytest" in tool or _mentions_pytest(extras):
        yield ProjectCommand(CommandKind.TEST, "python -m pytest", "pyproject.toml#tool.pytest")
    for linter, command in (("ruff", "ruff check ."), ("mypy", "mypy .")):
        if linter in tool:
            yield ProjectCommand(CommandKind.LINT, command, f"pyproject.toml#tool.{linter}")
    if "build-system" in data:
        yield ProjectCommand(CommandKind.BUILD, "python -m build", "pyproject.toml#build-system")


def _mentions_pytest(extras: Any) -> bool:
    if not isinstance(extras, dict):
        return False
    return any(str(dep).startswith("pytest") for deps in extras.values() for dep in deps or ())


def _setup_cfg(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if parser.has_section("tool:pytest"):
        yield ProjectCommand(CommandKind.TEST, "python -m pytest", "setup.cfg#tool:pytest")
    if parser.has_section("flake8"):
        yield ProjectCommand(CommandKind.LINT, "flake8", "setup.cfg#flake8")


def _pytest_ini(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    yield ProjectCommand(CommandKind.TEST, "python -m pytest", "pytest.ini")


def _tox_ini(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if parser.has_section("tox") or any(s.startswith("testenv") for s in parser.sections()):
        yield ProjectCommand(CommandKind.TEST, "tox", "tox.ini")
    if parser.has_section("pytest"):
        yield ProjectCommand(CommandKind.TEST, "python -m pytest", "tox.ini#pytest")


def _makefile(text: str, paths: frozenset[str]) -> Iterator[ProjectCommand]:
    targets = {m.group(1) for line in text.splitlines() if (m := _MAKE_TARGET.match(line))}
    for target, kind in _MAKE_KINDS.items():
        if target in targets:
            yield ProjectCommand(kind, f"make {target}", f"Makefile#{target}")


def _is_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml"))


def _workflow(path: str, text: str) -> Iterator[ProjectCommand]:
    """``run:`` scripts of every job's steps, read from the YAML node graph: walking nodes
    never expands aliases, and ``on:`` (a boolean key in YAML 1.1) is no problem."""
    if len(text.encode()) > MAX_WORKFLOW_BYTES:
        raise ValueError(f"larger than {MAX_WORKFLOW_BYTES // 1024} KiB")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        raise ValueError(f"not YAML: {err}") from None
    steps = (
        (job_id, index, step)
        for job_id, job in _items(_value(root, "jobs"))
        for index, step in enumerate(_sequence(_value(job, "steps")))
    )
    for job_id, index, step in itertools.islice(steps, MAX_WORKFLOW_STEPS):  # aliases repeat
        run = _value(step, "run")
        if isinstance(run, yaml.ScalarNode):
            yield from _run_lines(str(run.value), f"{path}#jobs.{job_id}.steps[{index}]")


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    return next((v for k, v in _items(node) if k == key), None)


def _items(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _run_lines(script: str, source: str) -> Iterator[ProjectCommand]:
    for raw in script.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "${{" in line:
            continue  # an expression has no value outside a workflow run
        kind = next((k for pattern, k in _RUN_LINE_KINDS if pattern.search(line)), None)
        if kind is not None:
            yield ProjectCommand(kind, line, source)
