"""Test settings that decide what runs, and what counts as a failure.

A patch that adds ``-k``/``--deselect``/``--ignore`` or ``-p no:plugin`` to ``addopts``,
drops ``--doctest-modules``, narrows ``testpaths``, changes collection patterns, adds
reruns, turns warnings from errors into ignores, raises a timeout, turns ``xfail_strict``
off, lowers a coverage gate, sets tox's ``ignore_outcome`` or appends ``|| true`` to a
test command hides failures without fixing them. JS test runner configs are read by text.
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
from dataclasses import dataclass, field, replace
from typing import Any

from kairos_ci.guard.records import Category, GuardRule, GuardVerdict, shown

SETTINGS_FILES = frozenset({"pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", ".coveragerc"})
SCRIPT_FILES = frozenset({"package.json", "Makefile", "makefile", "justfile", "noxfile.py"})
JS_CONFIG = re.compile(r"^(?:jest|vitest|karma|playwright|cypress)\.config\.[cm]?[jt]s(?:on)?$")
DESELECTING = (
    "-k", "-m", "--deselect", "--ignore", "--ignore-glob", "--co", "--collect-only",
    "--continue-on-collection-errors", "--lf", "--last-failed", "--sw", "--stepwise",
    "--maxfail", "--testPathIgnorePatterns", "--testNamePattern", "-t", "--passWithNoTests",
    "--grep", "--invert",
)  # fmt: skip
HARMLESS_PLUGINS = frozenset({"cacheprovider", "legacypath"})
DOCTEST_FLAGS = ("--doctest-modules", "--doctest-glob", "--doctest-continue-on-failure")
RERUN_FLAGS = ("--reruns", "--flake-finder", "--count", "--force-flaky", "--max-runs")
PATTERN_KEYS = ("python_files", "python_classes", "python_functions")
TIMEOUT_KEYS = ("timeout", "faulthandler_timeout")
IGNORED_FAILURE = re.compile(r"\|\|\s*(?:true|exit 0|:)\b|\|\|\s*:")
JS_DESELECTING = re.compile(r"\b(?:testPathIgnorePatterns|modulePathIgnorePatterns|exclude)\b")
JS_GATES = re.compile(r"\b(?:bail|retry|retries|passWithNoTests|testTimeout|coverageThreshold)\b")


class UnreadableSettings(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    addopts: tuple[str, ...] = ()
    testpaths: tuple[str, ...] = ()
    patterns: Mapping[str, str] = field(default_factory=dict)
    norecurse: tuple[str, ...] = ()
    fail_under: float | None = None
    filterwarnings: tuple[str, ...] = ()
    timeout: float | None = None
    xfail_strict: bool = False
    ignore_outcome: bool = False  # tox: failures reported as passing


def is_settings_file(path: str) -> bool:
    name = posixpath.basename(path)
    return (
        name in SETTINGS_FILES
        or name in SCRIPT_FILES
        or name.endswith((".sh", ".mk"))
        or JS_CONFIG.match(name) is not None
    )


def compare_settings(path: str, base: str, head: str) -> Iterator[GuardVerdict]:
    name = posixpath.basename(path)
    yield from _ignored_failures(path, base, head)
    if JS_CONFIG.match(name):
        yield from _js_config(path, base, head)
        return
    if name not in SETTINGS_FILES and name != "package.json":
        return
    try:
        before, after = _read(name, base), _read(name, head)
    except UnreadableSettings as err:
        message = f"cannot read the test settings: {err}"
        yield GuardVerdict(
            GuardRule.UNANALYSABLE, path, None, message, check="settings", category=Category.CONFIG
        )
        return
    yield from _collection(path, head, before, after)
    yield from _gates(path, head, before, after)


def _verdict(
    rule: GuardRule, path: str, line: int | None, message: str, check: str
) -> GuardVerdict:
    return GuardVerdict(rule, path, line, message, check=check, new=shown(message))


def _collection(path: str, head: str, before: Settings, after: Settings) -> Iterator[GuardVerdict]:
    """What changes which tests are collected and run."""
    deselect = GuardRule.TESTS_DESELECTED
    for option in sorted(_deselecting(after.addopts) - _deselecting(before.addopts)):
        line = _line_of(head, option.split()[0])
        yield _verdict(deselect, path, line, f"the test options now include {option}", "addopts")
    for plugin in sorted(_disabled(after.addopts) - _disabled(before.addopts)):
        message = f"the test options now disable the {plugin} plugin (-p no:{plugin})"
        yield _verdict(deselect, path, _line_of(head, "no:"), message, "plugin-disabled")
    if _doctests(before.addopts) and not _doctests(after.addopts):
        message = "doctests are no longer collected"
        yield _verdict(deselect, path, _line_of(head, "addopts"), message, "doctests")
    dropped = [p for p in before.testpaths if p not in after.testpaths]
    if dropped and before.testpaths:
        yield _verdict(deselect, path, None, f"testpaths lost {', '.join(dropped)}", "testpaths")
    for key in PATTERN_KEYS:
        if before.patterns.get(key) != after.patterns.get(key):
            message = f"{key} changed: fewer tests may be collected"
            yield _verdict(deselect, path, _line_of(head, key), message, "collection-pattern")
    added = [d for d in after.norecurse if d not in before.norecurse]
    if added:
        message = f"norecursedirs gained {', '.join(added)}"
        yield _verdict(deselect, path, _line_of(head, "norecursedirs"), message, "norecursedirs")


def _gates(path: str, head: str, before: Settings, after: Settings) -> Iterator[GuardVerdict]:
    """What changes whether a failure fails the run."""
    gate = GuardRule.GATE_WEAKENED
    flag = "--cov-fail-under"
    for old, new in (
        (before.fail_under, after.fail_under),
        (_option_number(before.addopts, flag), _option_number(after.addopts, flag)),
    ):
        if old is not None and (new is None or new < old):
            message = f"the coverage gate dropped from {old:g} to {_number_text(new)}"
            yield _verdict(gate, path, _line_of(head, "fail"), message, "coverage-gate")
    if _reruns(after.addopts) > _reruns(before.addopts):
        message = "failing tests are now rerun until they pass"
        yield _verdict(gate, path, _line_of(head, "--"), message, "reruns")
    if _warnings_relaxed(before, after):
        message = "warnings that failed the tests are now ignored"
        yield _verdict(gate, path, _line_of(head, "ignore"), message, "filterwarnings")
    if before.timeout is not None and (after.timeout is None or after.timeout > before.timeout):
        raised = f"{before.timeout:g} to {_number_text(after.timeout)}"
        message = f"the test timeout was raised from {raised}"
        yield _verdict(gate, path, _line_of(head, "timeout"), message, "timeout")
    if before.xfail_strict and not after.xfail_strict:
        message = "xfail_strict was turned off"
        yield _verdict(gate, path, _line_of(head, "xfail_strict"), message, "xfail-strict")
    if after.ignore_outcome and not before.ignore_outcome:
        message = "tox now ignores the test outcome"
        yield _verdict(gate, path, _line_of(head, "ignore_"), message, "ignore-outcome")


def _number_text(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


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


def _option_values(options: tuple[str, ...], flags: tuple[str, ...]) -> Iterator[str]:
    """Values of ``--flag value``, ``--flag=value`` and ``-Xvalue`` options."""
    for index, token in enumerate(options):
        for flag in flags:
            if token == flag and index + 1 < len(options):
                yield options[index + 1]
            elif token.startswith(f"{flag}="):
                yield token[len(flag) + 1 :]
            elif len(flag) == 2 and token.startswith(flag) and len(token) > 2:
                yield token[2:]


def _disabled(options: tuple[str, ...]) -> set[str]:
    values = _option_values(options, ("-p",))
    plugins = {v[3:] for v in values if v.startswith("no:")}
    return plugins - HARMLESS_PLUGINS


def _doctests(options: tuple[str, ...]) -> bool:
    return any(token.split("=")[0] in DOCTEST_FLAGS for token in options)


def _reruns(options: tuple[str, ...]) -> float:
    values = [_safe_number(v) for v in _option_values(options, RERUN_FLAGS)]
    flags = sum(1 for t in options if t in ("--force-flaky", "--flake-finder"))
    return sum(v or 0 for v in values) + flags


def _option_number(options: tuple[str, ...], flag: str) -> float | None:
    values = [_safe_number(v) for v in _option_values(options, (flag,))]
    return next((v for v in values if v is not None), None)


def _safe_number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def _warnings_relaxed(before: Settings, after: Settings) -> bool:
    """``-W ignore`` added, or warnings that were errors now ignored (in filterwarnings)."""
    if _ignores(after.addopts) > _ignores(before.addopts):
        return True
    if "warnings" in _disabled(after.addopts) - _disabled(before.addopts):
        return True
    if not any(_action(f) == "error" for f in before.filterwarnings):
        return False
    if not any(_action(f) == "error" for f in after.filterwarnings):
        return True
    new = [f for f in after.filterwarnings if f not in before.filterwarnings]
    return any(_action(f) == "ignore" and _blanket(f) for f in new)


def _ignores(options: tuple[str, ...]) -> int:
    values = _option_values(options, ("-W", "--pythonwarnings"))
    return sum(1 for value in values if value.startswith("ignore"))


def _action(entry: str) -> str:
    return entry.strip().split(":", 1)[0].strip()


def _blanket(entry: str) -> bool:
    """An ignore that names no message and no module: every warning of a category, or all."""
    fields = [f.strip() for f in entry.split(":")]
    message = fields[1] if len(fields) > 1 else ""
    module = fields[3] if len(fields) > 3 else ""
    return not message and not module


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
        raise UnreadableSettings(str(err)) from None
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
        raise UnreadableSettings(str(err).splitlines()[0]) from None
    section = {"setup.cfg": "tool:pytest"}.get(name, "pytest")
    options = dict(parser[section]) if parser.has_section(section) else {}
    report = "report" if name == ".coveragerc" else "coverage:report"
    gate = parser.get(report, "fail_under", fallback=None)
    settings = _settings(options, gate)
    if name == "tox.ini":
        return _with_tox(settings, parser)
    return settings


def _with_tox(settings: Settings, parser: configparser.ConfigParser) -> Settings:
    ignored = False
    for section in parser.sections():
        values = parser[section]
        flags = [values.get(k, "") for k in ("ignore_outcome", "ignore_errors")]
        commands = values.get("commands", "")
        dashed = any(line.strip().startswith("- ") for line in commands.splitlines())
        ignored = ignored or dashed or any(f.strip().lower() == "true" for f in flags)
    return replace(settings, ignore_outcome=ignored)


def _from_package(text: str) -> Settings:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise UnreadableSettings(str(err)) from None
    scripts = data.get("scripts", {}) if isinstance(data, dict) else {}
    test = scripts.get("test", "") if isinstance(scripts, dict) else ""
    return Settings(addopts=_tokens(str(test)))


def _settings(options: Mapping[str, Any], gate: Any) -> Settings:
    timeouts = [_float(options[k], k) for k in TIMEOUT_KEYS if k in options]
    addopts = _tokens(options.get("addopts", ""))
    return Settings(
        addopts=addopts,
        testpaths=_tokens(options.get("testpaths", "")),
        patterns={k: " ".join(_tokens(options[k])) for k in PATTERN_KEYS if k in options},
        norecurse=_tokens(options.get("norecursedirs", "")),
        fail_under=_float(gate, "fail_under"),
        filterwarnings=_lines(options.get("filterwarnings", "")),
        timeout=max((t for t in timeouts if t is not None), default=None)
        or _option_number(addopts, "--timeout"),
        xfail_strict=any(
            str(options.get(key, "false")).strip().lower() in ("true", "1")
            for key in ("xfail_strict", "strict_xfail", "strict")  # pytest 9 names and mode
        ),
    )


def _tokens(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    try:
        return tuple(shlex.split(str(value)))
    except ValueError:
        return tuple(str(value).split())


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value)
    return tuple(line.strip() for line in str(value).splitlines() if line.strip())


def _float(value: Any, what: str) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        raise UnreadableSettings(f"{what} is not a number: {value!r}") from None


def _ignored_failures(path: str, base: str, head: str) -> Iterator[GuardVerdict]:
    if len(IGNORED_FAILURE.findall(head)) > len(IGNORED_FAILURE.findall(base)):
        match = IGNORED_FAILURE.search(head)
        line = head.count("\n", 0, match.start()) + 1 if match else None
        message = "a command's failure is now ignored (|| true)"
        yield _verdict(GuardRule.GATE_WEAKENED, path, line, message, "ignored-failure")


def _js_config(path: str, base: str, head: str) -> Iterator[GuardVerdict]:
    """A JS test runner's config: new ignore patterns, bail/retry/timeout settings."""
    old = set(base.splitlines())
    for number, line in enumerate(head.splitlines(), 1):
        if line in old:
            continue
        message = f"test runner config: {line.strip()}"
        if JS_DESELECTING.search(line):
            yield _verdict(GuardRule.TESTS_DESELECTED, path, number, message, "js-config")
        elif JS_GATES.search(line):
            yield _verdict(GuardRule.GATE_WEAKENED, path, number, message, "js-config")


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None
