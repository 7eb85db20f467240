"""Impact analysis: every file that refers to what the goal changes, up to k import hops.

Targets are the goal's names that the code knows: an external package some file imports
(``express``) or a name some file defines (``load_config``). Hop 0 holds the files that
import a target package, declare it as a dependency, define a target name or refer to one;
hop n+1 the files importing a hop-n file. Each file gets a reason and a reference count
(uses of the names the import binds, at least one per import). A file found only through a
name that several files define is marked ambiguous: the localise phase looks at those.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kairos_ci.plan.codeindex import CodeIndex, ImportEdge
from kairos_ci.plan.records import ImpactEntry

DEFAULT_HOPS = 2
MAX_ENTRIES = 2000  # the plan schema's bound on the impact set

Reader = Callable[[str], str | None]


@dataclass(frozen=True)
class ImpactTargets:
    packages: tuple[str, ...]  # external packages, as imported
    names: tuple[str, ...]  # names defined in the repository


@dataclass(frozen=True)
class ImpactSet:
    targets: ImpactTargets
    entries: tuple[ImpactEntry, ...]  # by hops, then most references first
    ambiguous: tuple[str, ...]  # paths found only through a name defined in several files
    truncated: bool  # more files were impacted than ``MAX_ENTRIES``

    @property
    def references(self) -> int:
        return sum(e.references for e in self.entries)

    def finding(self) -> str:
        """One line for the progress comment."""
        return f"impact set: {self.references} references in {len(self.entries)} files"


def find_targets(index: CodeIndex, terms: Iterable[str]) -> ImpactTargets:
    by_lower_package = {p.lower(): p for p in index.externals}
    by_lower_name: dict[str, list[str]] = {}
    for name in index.definers:
        by_lower_name.setdefault(name.lower(), []).append(name)
    packages: list[str] = []
    names: list[str] = []
    for term in terms:
        if term in by_lower_package:
            packages.append(by_lower_package[term])
        names.extend(sorted(by_lower_name.get(term, ())))
    return ImpactTargets(tuple(dict.fromkeys(packages)), tuple(dict.fromkeys(names)))


def analyse_impact(
    index: CodeIndex, targets: ImpactTargets, read: Reader, hops: int = DEFAULT_HOPS
) -> ImpactSet:
    found: dict[str, ImpactEntry] = {}
    for entry in _direct(index, targets, read):
        _keep(found, entry)
    frontier = [e.path for e in found.values()]
    for hop in range(1, hops + 1):
        reached: dict[str, ImpactEntry] = {}
        for path in frontier:
            for edge in index.importers.get(path, ()):
                if edge.source not in found:
                    _keep(reached, _importing(index, edge, hop))
        found.update(reached)
        frontier = list(reached)
    ordered = sorted(found.values(), key=lambda e: (e.hops, -e.references, e.path))
    ambiguous = tuple(p for p in _ambiguous(index, targets) if p in found)
    return ImpactSet(targets, tuple(ordered[:MAX_ENTRIES]), ambiguous, len(ordered) > MAX_ENTRIES)


def _keep(found: dict[str, ImpactEntry], entry: ImpactEntry) -> None:
    """Merge a second reason for one file: counts add up, the first reason leads."""
    earlier = found.get(entry.path)
    if earlier is None:
        found[entry.path] = entry
        return
    reason = (
        earlier.reason if entry.reason in earlier.reason else f"{earlier.reason}; {entry.reason}"
    )
    found[entry.path] = ImpactEntry(
        entry.path,
        reason[:500],
        earlier.references + entry.references,
        min(earlier.hops, entry.hops),
    )


def _direct(index: CodeIndex, targets: ImpactTargets, read: Reader) -> Iterable[ImpactEntry]:
    packages = frozenset(targets.packages)
    for edge in index.edges:
        if edge.external in packages:
            count = _uses(index, edge)
            yield ImpactEntry(edge.source, f"imports {edge.external}", count)
    yield from _declared(packages, read)
    for name in targets.names:
        definers = index.definers.get(name, ())
        for path in definers:
            yield ImpactEntry(path, f"defines {name}", max(1, index.files[path].count(name)))
        for path, symbols in index.files.items():
            count = symbols.count(name)
            if count and path not in definers:
                yield ImpactEntry(path, f"refers to {name}", count)


def _importing(index: CodeIndex, edge: ImportEdge, hop: int) -> ImpactEntry:
    return ImpactEntry(edge.source, f"imports {edge.target}", _uses(index, edge), hop)


def _uses(index: CodeIndex, edge: ImportEdge) -> int:
    symbols = index.files[edge.source]
    return max(1, sum(symbols.count(name) for name in edge.names))


def _ambiguous(index: CodeIndex, targets: ImpactTargets) -> list[str]:
    shared = [n for n in targets.names if len(index.definers.get(n, ())) > 1]
    return sorted({p for n in shared for p, s in index.files.items() if s.count(n)})


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt", "requirements/base.txt")


def _declared(packages: frozenset[str], read: Reader) -> Iterable[ImpactEntry]:
    """Manifests that declare a target package as a dependency (package.json, pyproject.toml,
    requirements files)."""
    if not packages:
        return
    manifests = {"package.json": _node_dependencies, "pyproject.toml": _python_dependencies}
    for path, parse in manifests.items():
        text = read(path)
        if text is None:
            continue
        declared = _safely(parse, text)
        for package in sorted(p for p in packages if p.lower() in declared):
            yield ImpactEntry(path, f"declares the dependency {package}", 1)
    for path in REQUIREMENT_FILES:
        text = read(path)
        if text is None:
            continue
        names = {m.group(1).lower() for m in map(_REQUIREMENT.match, text.splitlines()) if m}
        for package in sorted(p for p in packages if p.lower() in names):
            yield ImpactEntry(path, f"declares the dependency {package}", 1)


def _safely(parse: Callable[[str], frozenset[str]], text: str) -> frozenset[str]:
    try:
        return parse(text)
    except (ValueError, TypeError, AttributeError):
        return frozenset()  # the survey reports unreadable manifests; impact has nothing to add


def _node_dependencies(text: str) -> frozenset[str]:
    data = json.loads(text)
    sections = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
    found: set[str] = set()
    for section in sections:
        block = data.get(section) if isinstance(data, dict) else None
        if isinstance(block, Mapping):
            found.update(str(name).lower() for name in block)
    return frozenset(found)


def _python_dependencies(text: str) -> frozenset[str]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    listed = [*project.get("dependencies", [])]
    for extra in project.get("optional-dependencies", {}).values():
        listed.extend(extra)
    names = {m.group(1).lower() for m in map(_REQUIREMENT.match, map(str, listed)) if m}
    return frozenset(names)
