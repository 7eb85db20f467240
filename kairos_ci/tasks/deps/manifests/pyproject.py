"""``pyproject.toml``: ``==`` pins in PEP 621 dependencies, optional dependencies and
PEP 735 dependency groups, located in the text so only version strings change.

``tomllib`` says what the lists hold; the scanner says where each string is.
When the two disagree (unusual TOML the scanner does not follow), the file is
reported and left alone rather than edited by guesswork.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from typing import Any

from kairos_ci.tasks.deps.manifests.toml_strings import (
    KeyPath,
    LocatedString,
    TomlScanError,
    array_strings,
)
from kairos_ci.tasks.deps.records import Manifest, ManifestProblem, Pin
from kairos_ci.tasks.deps.registry.simple import normalise

_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*"
    r"==\s*(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$",
    re.S,
)


def read_pyproject(path: str, text: str) -> Manifest:
    def refused(why: str) -> Manifest:
        return Manifest(path, "pypi", "pyproject", text, (), (ManifestProblem(path, "file", why),))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return refused(f"not valid TOML: {err}")
    wanted = _dependency_lists(data)
    if not wanted:
        return Manifest(path, "pypi", "pyproject", text, ())
    try:
        located = array_strings(text)
    except TomlScanError as err:
        return refused(f"cannot locate the dependency strings ({err}); not updated")
    found: dict[KeyPath, list[LocatedString]] = defaultdict(list)
    for item in located:
        if item.path[:-1] in wanted:
            found[item.path[:-1]].append(item)
    for section, values in wanted.items():
        if not _agrees(values, found.get(section, [])):
            return refused(f"cannot locate {_section(section)} in the text; not updated")
    pins: list[Pin] = []
    problems: list[ManifestProblem] = []
    for section, values in wanted.items():
        strings = [value for value in values if isinstance(value, str)]
        for item, value in zip(found[section], strings, strict=True):
            _read_one(path, _section(section), item, value, pins, problems)
    return Manifest(path, "pypi", "pyproject", text, tuple(pins), tuple(problems))


def _dependency_lists(data: dict[str, Any]) -> dict[KeyPath, list[object]]:
    lists: dict[KeyPath, list[object]] = {}
    project = data.get("project")
    if isinstance(project, dict):
        if isinstance(project.get("dependencies"), list):
            lists[("project", "dependencies")] = project["dependencies"]
        optional = project.get("optional-dependencies")
        for extra, items in optional.items() if isinstance(optional, dict) else []:
            if isinstance(items, list):
                lists[("project", "optional-dependencies", extra)] = items
    groups = data.get("dependency-groups")
    for group, items in groups.items() if isinstance(groups, dict) else []:
        if isinstance(items, list):
            lists[("dependency-groups", group)] = items
    return lists


def _agrees(values: list[object], located: list[LocatedString]) -> bool:
    strings = [v for v in values if isinstance(v, str)]
    if len(strings) != len(located):
        return False
    return all(
        item.escaped or item.value == value for item, value in zip(located, strings, strict=True)
    )


def _read_one(
    path: str,
    section: str,
    item: LocatedString,
    value: str,
    pins: list[Pin],
    problems: list[ManifestProblem],
) -> None:
    if _REQUIREMENT.match(value) is None:
        if "==" in value:
            why = "not a single exact `==` pin; left as it is"
            problems.append(ManifestProblem(path, value[:80], why))
        return
    match = _REQUIREMENT.match(item.value)
    if item.escaped or match is None:
        problems.append(ManifestProblem(path, value[:80], "escaped TOML string; left as it is"))
        return
    pins.append(
        Pin(
            ecosystem="pypi",
            name=match["name"],
            key=normalise(match["name"]),
            version=match["version"],
            manifest=path,
            section=section,
            start=item.start + match.start("version"),
            end=item.start + match.end("version"),
        )
    )


def _section(path: KeyPath) -> str:
    """``dependencies``, ``optional-dependencies.<extra>`` or ``dependency-groups.<group>``."""
    parts = path[1:] if path[0] == "project" else path
    return ".".join(str(part) for part in parts)
