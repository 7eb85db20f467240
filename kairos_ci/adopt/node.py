"""A JavaScript project: its package manager (from the lockfile), and its test runner
(jest, vitest or mocha) made to write JUnit.

The runner's binary is called directly: the workflows put ``node_modules/.bin`` on PATH,
and kairos's jail brings that ``node_modules`` back beside the tree under test, while
``npx`` would try the network for a missing tool. Arguments of the project's own
``test`` script are kept when the script is a plain call of the runner.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kairos_ci.adopt import actions, pins
from kairos_ci.adopt.records import (
    Install,
    LanguageFindings,
    ProjectFiles,
    TestSetup,
    Toolchain,
)

DEFAULT_NODE = "22"
ON_PATH = 'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"'
_SHELL = re.compile(r"[|&;<>`$()]")
_VERSION = re.compile(r"^v?(\d+(?:\.\d+){0,2}|lts/\*|lts/[a-z]+)$")


@dataclass(frozen=True)
class PackageManager:
    install: str  # as the project's CI would: from the lockfile when there is one
    add_dev: str  # adds packages for this job only
    needs_corepack: bool
    lockfile: str
    no_scripts: str = "--ignore-scripts"  # how this manager installs without running scripts


@dataclass(frozen=True)
class JsTestRunner:
    name: str
    reporter: str | None  # the JUnit reporter package it needs, if not built in
    flags: tuple[str, ...]  # appended to the command: the JUnit reporter
    junit: str
    drop: tuple[str, ...]  # the script's own flags that would fight ours (take a value)
    drop_bare: tuple[str, ...] = ()  # the script's own flags without a value


RUNNERS = (
    JsTestRunner(
        "vitest",
        None,
        ("--reporter=default", "--reporter=junit", "--outputFile.junit=reports/junit.xml"),
        "reports/junit.xml",
        ("--reporter", "--outputFile"),
        ("--watch", "-w", "run", "watch", "dev"),
    ),
    JsTestRunner(
        "jest",
        "jest-junit",
        ("--ci", "--reporters=default", "--reporters=jest-junit"),
        "junit.xml",  # jest-junit's default output
        ("--reporters",),
        ("--watch", "--watchAll", "--ci"),
    ),
    JsTestRunner(
        "mocha",
        "mocha-junit-reporter",
        ("--reporter", "mocha-junit-reporter", "--reporter-options", "mochaFile=reports/junit.xml"),
        "reports/junit.xml",
        ("--reporter", "-R", "--reporter-options", "--reporter-option", "-O"),
        ("--watch", "-w"),
    ),
)


def read_package(files: ProjectFiles) -> tuple[Mapping[str, Any] | None, list[str]]:
    text = files.text("package.json")
    if text is None:
        return None, []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [f"package.json: not valid JSON ({err}); JavaScript was not set up"]
    if not isinstance(data, dict):
        return None, ["package.json: not a JSON object; JavaScript was not set up"]
    return data, []


def dev_packages(package: Mapping[str, Any]) -> frozenset[str]:
    names: set[str] = set()
    for key in ("dependencies", "devDependencies"):
        table = package.get(key)
        if isinstance(table, dict):
            names.update(table)
    return frozenset(names)


def detect_node(
    files: ProjectFiles, tool_packages: tuple[str, ...]
) -> tuple[LanguageFindings | None, tuple[str, ...]]:
    """The findings (None: no usable package.json), and why package.json was not used.
    ``tool_packages``: what the configured JavaScript linters need installed."""
    package, notes = read_package(files)
    if package is None:
        return None, tuple(notes)
    manager = _manager(files)
    declared = dev_packages(package)
    tests, test_notes = _tests(package, declared)
    runner = next((r for r in RUNNERS if tests and tests.run.startswith(r.name)), None)
    tools = [p for p in dict.fromkeys(tool_packages) if p not in declared]
    reporter = runner.reporter if runner and runner.reporter not in declared else None
    missing = [*tools, *([reporter] if reporter else [])]
    if missing:
        notes.append(
            f"JavaScript: {', '.join(missing)} not in package.json; the workflows add it "
            "for the job, pinned; add it to devDependencies to choose its version"
        )
    toolchain = Toolchain(
        language="node",
        setup=actions.setup_node(_node_version(files)),
        install=_install(manager, missing, ""),
        review_install=_install(manager, tools, manager.no_scripts) if tool_packages else Install(),
        sources=("package.json", *([manager.lockfile] if manager.lockfile else [])),
    )
    return LanguageFindings(toolchain, tests, (*notes, *test_notes)), ()


def _install(manager: PackageManager, missing: list[str], no_scripts: str) -> Install:
    """The lockfile's packages, then what the project does not declare, pinned. The
    review job passes ``no_scripts``: it installs the pull request's lockfile, so none of
    its install scripts may run next to the job's secrets."""
    lines = ["corepack enable"] if manager.needs_corepack else []
    lines.append(f"{manager.install} {no_scripts}".strip())
    ignores = ["github-env"]  # ON_PATH: a fixed entry, the checkout's node_modules/.bin
    if missing:
        specs = shlex.join(pins.node_spec(p) for p in missing)
        lines.append(" ".join(w for w in (manager.add_dev, no_scripts, specs) if w))
        ignores.append("adhoc-packages")
    return Install((*lines, ON_PATH), tuple(ignores))


def _manager(files: ProjectFiles) -> PackageManager:
    if files.has("pnpm-lock.yaml"):
        return PackageManager(
            "pnpm install --frozen-lockfile", "pnpm add --save-dev", True, "pnpm-lock.yaml"
        )
    if files.has("yarn.lock"):
        if files.has(".yarnrc.yml"):  # Yarn 2+
            return PackageManager(
                "yarn install --immutable",
                "yarn add --dev",
                True,
                "yarn.lock",
                "--mode=skip-build",
            )
        return PackageManager("yarn install --frozen-lockfile", "yarn add --dev", True, "yarn.lock")
    for lock in ("package-lock.json", "npm-shrinkwrap.json"):
        if files.has(lock):
            return PackageManager("npm ci", "npm install --no-save", False, lock)
    return PackageManager("npm install", "npm install --no-save", False, "")


def _tests(
    package: Mapping[str, Any], declared: frozenset[str]
) -> tuple[TestSetup | None, list[str]]:
    scripts = package.get("scripts")
    script = scripts.get("test") if isinstance(scripts, dict) else None
    script = script if isinstance(script, str) else ""
    words = _words(script)
    runner = next((r for r in RUNNERS if r.name in words), None)
    runner = runner or next((r for r in RUNNERS if r.name in declared), None)
    if runner is None:
        if script:
            return None, [
                f"JavaScript: the test script {script!r} uses no runner init knows "
                "(jest, vitest, mocha); set tests.run to a command that writes JUnit"
            ]
        return None, [
            "JavaScript: no test script and no jest, vitest or mocha; no test command is configured"
        ]
    command = [runner.name, *(["run"] if runner.name == "vitest" else [])]
    command += [*_own_arguments(words, runner), *runner.flags]
    source = "package.json scripts.test" if runner.name in words else "package.json dependencies"
    return TestSetup(shlex.join(command), (runner.junit,), source), []


def _words(script: str) -> list[str]:
    try:
        return shlex.split(script)
    except ValueError:
        return []


def _own_arguments(words: list[str], runner: JsTestRunner) -> list[str]:
    """The script's arguments after the runner, when the script is only that call."""
    if runner.name not in words or any(_SHELL.search(w) for w in words):
        return []
    before = words[: words.index(runner.name)]
    if any(w not in ("npx", "--") for w in before):
        return []  # an environment assignment or a wrapper: not a plain call
    kept: list[str] = []
    rest = iter(words[words.index(runner.name) + 1 :])
    for word in rest:
        flag = word.split("=", 1)[0]
        if flag in runner.drop:
            if "=" not in word:
                next(rest, None)  # its value
        elif word not in runner.drop_bare:
            kept.append(word)
    return kept


def _node_version(files: ProjectFiles) -> str:
    for name in (".nvmrc", ".node-version"):
        found = _VERSION.match((files.text(name) or "").strip())
        if found:
            return found.group(1)
    return DEFAULT_NODE
