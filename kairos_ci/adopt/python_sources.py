"""Where a Python project declares what its tests need: pyproject extras and dependency
groups, setup.cfg extras, requirement files, tox's ``[testenv]`` and nox's test sessions.

The noxfile is read as text, never imported: only string literals of ``session.install``
calls in sessions named for tests count.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kairos_ci.adopt.records import ProjectFiles

# Extras, groups and requirement files with these words hold the test and lint tools.
TEST_WORDS = ("test", "tests", "testing", "dev", "develop", "development", "lint")
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_FACTOR_PREFIX = re.compile(r"^[\w,!.-]+:\s")  # tox's "py311: dep" lines
_NOX_SESSION = re.compile(r"^def\s+(\w+)\s*\(", re.M)
_NOX_INSTALL = re.compile(r"session\.install\(([^)]*)\)")
_STRING = re.compile(r"""(?:'([^'\\]*)'|"([^"\\]*)")""")


@dataclass(frozen=True)
class PythonSources:
    installable: bool  # a package the project's CI installs (pyproject, setup.py, setup.cfg)
    extras: tuple[str, ...]  # test and dev extras
    groups: tuple[str, ...]  # test and dev dependency groups (PEP 735)
    requirement_files: tuple[str, ...]
    tox_deps: tuple[str, ...]  # pip arguments from tox's [testenv] deps
    nox_installs: tuple[tuple[str, ...], ...]  # pip arguments of each test session install
    requirements: tuple[str, ...]  # every requirement line seen, to find runners and pins
    pytest_config: str | None  # where pytest is configured, if anywhere
    requires_python: str  # project.requires-python, "" when absent
    poetry_dev: tuple[str, ...] | None  # Poetry's dev packages by name; None: not Poetry
    notes: tuple[str, ...]


def is_python(files: ProjectFiles) -> bool:
    markers = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "noxfile.py", "pytest.ini")
    return any(files.has(m) for m in markers) or bool(requirement_files(files))


def read_sources(files: ProjectFiles) -> PythonSources:
    notes: list[str] = []
    pyproject = _toml(files, "pyproject.toml", notes)
    setup_cfg = _ini(files, "setup.cfg", notes)
    tox = _ini(files, "tox.ini", notes)
    project: Mapping[str, Any] = _table(pyproject, "project")
    extras = {**_cfg_extras(setup_cfg), **_table(project, "optional-dependencies")}
    groups = _table(pyproject, "dependency-groups")
    tox_deps, tox_extras = _tox(tox)
    nox_installs = tuple(_nox(files.text("noxfile.py") or "", notes))
    files_ = requirement_files(files)
    requirements = [
        *_strings(project.get("dependencies")),
        *(r for name in extras for r in _strings(extras[name])),
        *(r for name in groups for r in _strings(groups[name])),
        *(r for path in files_ for r in _requirement_lines(files.text(path) or "")),
        *tox_deps,
        *(arg for call in nox_installs for arg in call),
    ]
    return PythonSources(
        installable=bool(project) or files.has("setup.py") or setup_cfg.has_section("metadata"),
        extras=tuple(dict.fromkeys([*_test_named(extras), *tox_extras])),
        groups=tuple(_test_named(groups)),
        requirement_files=files_,
        tox_deps=tuple(tox_deps),
        nox_installs=nox_installs,
        requirements=tuple(requirements),
        pytest_config=_pytest_config(pyproject, setup_cfg, tox, files),
        requires_python=str(project.get("requires-python", "")),
        poetry_dev=None if project else _poetry_dev(_table(_table(pyproject, "tool"), "poetry")),
        notes=tuple(notes),
    )


def requirement_files(files: ProjectFiles) -> tuple[str, ...]:
    """``requirements.txt`` first, then those named for tests or development."""
    found = sorted(p for p in files.present if _is_requirements(p))
    return tuple(sorted(found, key=lambda p: p != "requirements.txt"))


def requirement_name(line: str) -> str:
    """The normalised distribution name of a requirement line, or "" for an option."""
    found = _REQUIREMENT_NAME.match(line)
    return re.sub(r"[-_.]+", "-", found.group(1)).lower() if found else ""


def _is_requirements(path: str) -> bool:
    if not path.endswith(".txt") or path.count("/") > 1:
        return False
    if path.count("/") == 1 and not path.startswith("requirements/"):
        return False
    stem = path.rsplit("/", 1)[-1].removesuffix(".txt")
    if path == "requirements.txt":
        return True
    if "requirements" not in path:
        return False
    return any(word in re.split(r"[-_./]", stem) for word in TEST_WORDS)


def _test_named(table: Mapping[str, Any]) -> list[str]:
    return [name for name in table if name.lower() in TEST_WORDS]


def _toml(files: ProjectFiles, path: str, notes: list[str]) -> Mapping[str, Any]:
    text = files.text(path)
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        notes.append(f"{path}: not valid TOML ({err}); it was not used")
        return {}


def _ini(files: ProjectFiles, path: str, notes: list[str]) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    text = files.text(path)
    if text is not None:
        try:
            parser.read_string(text, path)
        except configparser.Error as err:
            notes.append(f"{path}: cannot be parsed ({' '.join(str(err).split())[:160]})")
            return configparser.ConfigParser(interpolation=None)
    return parser


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    """Requirement strings of a list; include-group tables and other shapes are skipped."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _poetry_dev(poetry: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Names in Poetry's dev and test groups: their version syntax is not pip's, so only
    the names are kept."""
    if not poetry:
        return None
    groups = _table(poetry, "group")
    tables = [_table(poetry, "dev-dependencies")]
    tables += [_table(_table(groups, g), "dependencies") for g in _test_named(groups)]
    return tuple(dict.fromkeys(name for table in tables for name in table if name != "python"))


def _cfg_extras(parser: configparser.ConfigParser) -> dict[str, list[str]]:
    if not parser.has_section("options.extras_require"):
        return {}
    return {name: _lines(value) for name, value in parser.items("options.extras_require", raw=True)}


def _lines(value: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in value.splitlines())
    return [line for line in lines if line]


def _tox(parser: configparser.ConfigParser) -> tuple[list[str], list[str]]:
    """pip arguments of ``[testenv] deps`` and its ``extras``; lines that depend on a
    factor or a substitution other than ``{toxinidir}`` are left out."""
    if not parser.has_section("testenv"):
        return [], []
    deps: list[str] = []
    for line in _lines(parser.get("testenv", "deps", raw=True, fallback="")):
        line = line.replace("{toxinidir}/", "").replace("{toxinidir}", ".")
        if "{" in line or _FACTOR_PREFIX.match(line):
            continue
        option = line[:2] if line.startswith(("-r", "-c")) else ""
        deps += [option, line[2:].strip()] if option else [line]
    extras = re.split(r"[\s,]+", parser.get("testenv", "extras", raw=True, fallback=""))
    return deps, [e for e in extras if e and "{" not in e]


def _requirement_lines(text: str) -> Iterator[str]:
    for line in _lines(text):
        if not line.startswith("-"):
            yield line


def _nox(text: str, notes: list[str]) -> Iterator[tuple[str, ...]]:
    starts = [(m.start(), m.group(1)) for m in _NOX_SESSION.finditer(text)]
    ends = [start for start, _ in starts[1:]] + [len(text)]
    for (start, name), end in zip(starts, ends, strict=False):  # no sessions: no ends used
        if "test" not in name.lower():
            continue
        for call in _NOX_INSTALL.finditer(text, start, end):
            literals = tuple(a or b for a, b in _STRING.findall(call.group(1)))
            others = _STRING.sub("", call.group(1)).replace(",", "").strip()
            if others:
                notes.append(
                    f"noxfile.py: session {name} installs {others!r}, which is not a plain "
                    "string; it was left out of the workflows' install step"
                )
            if literals:
                yield literals


def _pytest_config(
    pyproject: Mapping[str, Any],
    setup_cfg: configparser.ConfigParser,
    tox: configparser.ConfigParser,
    files: ProjectFiles,
) -> str | None:
    tool = _table(pyproject, "tool")
    if "pytest" in tool:
        return "pyproject.toml [tool.pytest]"
    if files.has("pytest.ini"):
        return "pytest.ini"
    if setup_cfg.has_section("tool:pytest"):
        return "setup.cfg [tool:pytest]"
    if tox.has_section("pytest"):
        return "tox.ini [pytest]"
    return None
