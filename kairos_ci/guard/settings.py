"""Test settings that decide what runs: pytest options, coverage gates, npm test scripts.

A patch that adds ``-k``/``--deselect``/``--ignore`` to ``addopts``, narrows
``testpaths``, changes collection patterns, lowers ``fail_under`` or appends
``|| true`` to a test command hides failures without fixing them.
"""

from __future__ import annotations

import configparser
import json
import posixpath
import re
import shlex
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.guard.records import Rule, Verdict

SETTINGS_FILES = frozenset({"pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", ".coveragerc"})
SCRIPT_FILES = frozenset({"package.json", "Makefile", "makefile", "justfile", "noxfile.py"})
DESELECTING = (
    "-k", "-m", "--deselect", "--ignore", "--ignore-glob", "--co", "--collect-only",
    "--continue-on-collection-errors", "--lf", "--last-failed", "--sw", "--stepwise",
    "--maxfail", "--testPathIgnorePatterns", "--testNamePattern", "-t", "--passWithNoTests",
    "--grep", "--invert",
)  # fmt: skip
PATTERN_KEYS = ("python_files", "python_classes", "python_functions")
IGNORED_FAILURE = re.compile(r"\|\|\s*(?:true|exit 0|:)\b|\|\|\s*:")


class Unreadable(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    addopts: tuple[str, ...] = ()
    testpaths: tuple[str, ...] = ()
    patterns: Mapping[str, str] = field(default_factory=dict)
    norecurse: tuple[str, ...] = ()
    fail_under: float | None = None


def is_settings_file(path: str) -> bool:
    name = posixpath.basename(path)
    return name in SETTINGS_FILES or name in SCRIPT_FILES or name.endswith((".sh", ".mk"))


def compare_settings(path: str, base: str, head: str) -> Iterator[Verdict]:
    name = posixpath.basename(path)
    yield from _ignored_failures(path, base, head)
    if name not in SETTINGS_FILES and name != "package.json":
        return
    try:
        before, after = _read(name, base), _read(name, head)
    except Unreadable as err:
        yield Verdict(Rule.UNANALYSABLE, path, None, f"cannot read the test settings: {err}")
        return
    yield from _compare(path, head, before, after)


def _compare(path: str, head: str, before: Settings, after: Settings) -> Iterator[Verdict]:
    for option in sorted(_deselecting(after.addopts) - _deselecting(before.addopts)):
        message = f"the test options now include {option}"
        yield Verdict(Rule.TESTS_DESELECTED, path, _line_of(head, option.split()[0]), message)
    dropped = [p for p in before.testpaths if p not in after.testpaths]
    if dropped and before.testpaths:
        yield Verdict(Rule.TESTS_DESELECTED, path, None, f"testpaths lost {', '.join(dropped)}")
    for key in PATTERN_KEYS:
        if before.patterns.get(key) != after.patterns.get(key):
            message = f"{key} changed: fewer tests may be collected"
            yield Verdict(Rule.TESTS_DESELECTED, path, _line_of(head, key), message)
    added = [d for d in after.norecurse if d not in before.norecurse]
    if added:
        message = f"norecursedirs gained {', '.join(added)}"
        yield Verdict(Rule.TESTS_DESELECTED, path, _line_of(head, "norecursedirs"), message)
    old_gate, new_gate = before.fail_under, after.fail_under
    if old_gate is not None and (new_gate is None or new_gate < old_gate):
        message = f"the coverage gate dropped from {old_gate} to {new_gate or 'none'}"
        yield Verdict(Rule.GATE_WEAKENED, path, _line_of(head, "fail"), message)


def _deselecting(options: tuple[str, ...]) -> Counter[str]:
    found: Counter[str] = Counter()
    for index, token in enumerate(options):
        flag, _, value = token.partition("=")
        if flag in DESELECTING:
            following = options[index + 1] if index + 1 < len(options) else ""
            value = value or ("" if following.startswith("-") else following)
            found[f"{flag} {value}".strip()] += 1
        elif token[:2] in ("-k", "-m") and len(token) > 2:
            found[f"{token[:2]} {token[2:]}"] += 1
    return found


def _read(name: str, text: str) -> Settings:
    if name == "pyproject.toml":
        return _from_toml(text)
    if name == "package.json":
        return _from_package(text)
    return _from_ini(name, text)


def _from_toml(text: str) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise Unreadable(str(err)) from None
    tool = data.get("tool", {})
    pytest = tool.get("pytest", {})
    options = pytest.get("ini_options", pytest)
    gate = tool.get("coverage", {}).get("report", {}).get("fail_under")
    return _settings(options, gate)


def _from_ini(name: str, text: str) -> Settings:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as err:
        raise Unreadable(str(err).splitlines()[0]) from None
    section = {"setup.cfg": "tool:pytest"}.get(name, "pytest")
    options = dict(parser[section]) if parser.has_section(section) else {}
    report = "report" if name == ".coveragerc" else "coverage:report"
    gate = parser.get(report, "fail_under", fallback=None)
    return _settings(options, gate)


def _from_package(text: str) -> Settings:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise Unreadable(str(err)) from None
    scripts = data.get("scripts", {}) if isinstance(data, dict) else {}
    test = scripts.get("test", "") if isinstance(scripts, dict) else ""
    return Settings(addopts=_tokens(str(test)))


def _settings(options: Mapping[str, Any], gate: Any) -> Settings:
    return Settings(
        addopts=_tokens(options.get("addopts", "")),
        testpaths=_tokens(options.get("testpaths", "")),
        patterns={k: " ".join(_tokens(options[k])) for k in PATTERN_KEYS if k in options},
        norecurse=_tokens(options.get("norecursedirs", "")),
        fail_under=_float(gate),
    )


def _tokens(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    try:
        return tuple(shlex.split(str(value)))
    except ValueError:
        return tuple(str(value).split())


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        raise Unreadable(f"fail_under is not a number: {value!r}") from None


def _ignored_failures(path: str, base: str, head: str) -> Iterator[Verdict]:
    if len(IGNORED_FAILURE.findall(head)) > len(IGNORED_FAILURE.findall(base)):
        match = IGNORED_FAILURE.search(head)
        line = head.count("\n", 0, match.start()) + 1 if match else None
        yield Verdict(
            Rule.GATE_WEAKENED, path, line, "a command's failure is now ignored (|| true)"
        )


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None
