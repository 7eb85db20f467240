"""The code index: every readable source file's symbols, and the import graph between files.

An import resolves to a tracked file when it can (relative JavaScript specifiers with the
usual extensions and ``index`` files; Python modules by dotted path, also below a source
folder such as ``src/``); otherwise it names an external package (``express``, ``flask``).
Bounded by a file count and a total of bytes read: past either, the index says so.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from kairos_ci.plan.inventory import Inventory, InventoryLimits, read_text
from kairos_ci.plan.symbols import FileSymbols, ImportRef, extract

SCRIPT_SUFFIXES = (".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".json")


@dataclass(frozen=True)
class IndexLimits:
    max_files: int = 20_000
    max_total_bytes: int = 256 * 1024 * 1024
    inventory: InventoryLimits = field(default_factory=InventoryLimits)


@dataclass(frozen=True)
class ImportEdge:
    source: str  # the importing file
    target: str | None  # the tracked file it resolves to, or None
    external: str | None  # the package, when it resolves to none of ours
    names: tuple[str, ...]  # local names bound by the import
    line: int


@dataclass(frozen=True)
class CodeIndex:
    files: Mapping[str, FileSymbols]
    edges: tuple[ImportEdge, ...]
    unread: int  # source files left out: too large, binary, unreadable, or past a bound
    truncated: bool  # a bound of ``IndexLimits`` was reached

    @cached_property
    def importers(self) -> Mapping[str, tuple[ImportEdge, ...]]:
        """Tracked file -> the imports that resolve to it."""
        found: dict[str, list[ImportEdge]] = defaultdict(list)
        for edge in self.edges:
            if edge.target is not None:
                found[edge.target].append(edge)
        return {path: tuple(edges) for path, edges in found.items()}

    @cached_property
    def definers(self) -> Mapping[str, tuple[str, ...]]:
        """Name -> the files defining it."""
        found: dict[str, list[str]] = defaultdict(list)
        for path, symbols in self.files.items():
            for definition in symbols.defines:
                found[definition.name].append(path)
        return {name: tuple(paths) for name, paths in found.items()}

    @cached_property
    def externals(self) -> frozenset[str]:
        return frozenset(e.external for e in self.edges if e.external)


def build_index(inventory: Inventory, limits: IndexLimits | None = None) -> CodeIndex:
    limits = limits or IndexLimits()
    files: dict[str, FileSymbols] = {}
    unread = 0
    budget = limits.max_total_bytes
    truncated = inventory.truncated
    for tracked in inventory.files:
        if tracked.language not in ("Python", "JavaScript", "TypeScript"):
            continue
        if len(files) >= limits.max_files or tracked.size > budget:
            unread += 1
            truncated = True
            continue
        text = read_text(inventory, tracked, limits.inventory)
        symbols = None if text is None else extract(tracked.path, tracked.language, text)
        if symbols is None:
            unread += 1
            continue
        budget -= tracked.size
        files[tracked.path] = symbols
    resolver = _Resolver(inventory.paths)
    edges = tuple(edge for path, sym in files.items() for edge in resolver.edges(path, sym))
    return CodeIndex(files, edges, unread, truncated)


class _Resolver:
    """Maps import specifiers to tracked files."""

    def __init__(self, paths: frozenset[str]) -> None:
        self.paths = paths
        self.modules = _python_modules(paths)

    def edges(self, path: str, symbols: FileSymbols) -> list[ImportEdge]:
        found: list[ImportEdge] = []
        for ref in symbols.imports:
            if symbols.language == "Python":
                found.extend(self._python(path, ref))
            else:
                found.append(self._script(path, ref))
        return found

    def _script(self, path: str, ref: ImportRef) -> ImportEdge:
        if not ref.spec.startswith((".", "/")):
            return ImportEdge(path, None, _package(ref.spec), ref.names, ref.line)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref.spec))
        stem = joined.removesuffix(posixpath.splitext(joined)[1])
        candidates = (
            joined,
            *(joined + s for s in SCRIPT_SUFFIXES),
            *(stem + s for s in SCRIPT_SUFFIXES),  # "./x.js" written for x.ts
            *(f"{joined}/index{s}" for s in SCRIPT_SUFFIXES),
        )
        target = next((c for c in candidates if c in self.paths), None)
        return ImportEdge(path, target, None, ref.names, ref.line)

    def _python(self, path: str, ref: ImportRef) -> list[ImportEdge]:
        base = _absolute(path, ref.spec)
        if base is None:
            return [ImportEdge(path, None, None, ref.names, ref.line)]
        edges: list[ImportEdge] = []
        rest = () if ref.from_import else ref.names
        for name in ref.names if ref.from_import else ():
            submodule = self.modules.get(f"{base}.{name}" if base else name)
            if submodule:  # ``from pkg import sub``: an edge to the submodule itself
                edges.append(ImportEdge(path, submodule, None, (name,), ref.line))
            else:
                rest = (*rest, name)
        if rest or not edges:
            target = self._longest(base) if base else None
            relative = ref.spec.startswith(".")
            external = None if target or relative else base.split(".")[0]
            edges.append(ImportEdge(path, target, external, rest, ref.line))
        return edges

    def _longest(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            found = self.modules.get(".".join(parts[:end]))
            if found:
                return found
        return None


def _absolute(path: str, spec: str) -> str | None:
    """A Python import as a dotted name; relative ones against ``path``'s package."""
    level = len(spec) - len(spec.lstrip("."))
    if not level:
        return spec
    folders = posixpath.dirname(path).split("/") if "/" in path else []
    if level - 1 > len(folders):
        return None  # climbs out of the repository
    package = folders[: len(folders) - (level - 1)]
    return ".".join([*package, *([spec[level:]] if spec[level:] else [])])


def _python_modules(paths: frozenset[str]) -> dict[str, str]:
    """Dotted module name -> file; also without a first folder that is no package (src/)."""
    modules: dict[str, str] = {}
    for path in sorted(paths):
        if not path.endswith(".py"):
            continue
        parts = path.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts:
            continue
        modules.setdefault(".".join(parts), path)
        if len(parts) > 1 and f"{parts[0]}/__init__.py" not in paths:
            modules.setdefault(".".join(parts[1:]), path)
    return modules


def _package(spec: str) -> str:
    """``@scope/name/sub`` -> ``@scope/name``; ``name/sub`` -> ``name``; ``node:fs`` stays."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]
