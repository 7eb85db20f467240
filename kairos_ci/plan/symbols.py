"""What one source file defines, refers to and imports: the raw material of the repository
map and the impact analysis. Python is read with ``ast``; JavaScript and TypeScript with a
small tokenizer. Other languages contribute nothing (they are still in the inventory)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_SIGNATURE_CHARS = 120


@dataclass(frozen=True)
class ImportRef:
    spec: str  # as written: "express", "./app", "pkg.mod", "..mod" (Python relative)
    names: tuple[str, ...]  # the local names it binds
    line: int
    from_import: bool = False  # Python ``from x import names``: names may be submodules of x


@dataclass(frozen=True)
class SymbolDefinition:
    name: str
    line: int
    signature: str  # the defining line, stripped and capped: what the repository map shows


@dataclass(frozen=True)
class FileSymbols:
    path: str
    defines: tuple[SymbolDefinition, ...]
    references: Mapping[str, int]  # identifier -> occurrences in code (strings, comments out)
    imports: tuple[ImportRef, ...]
    parsed: bool = True  # False: a syntax error; only identifiers were counted
    language: str = ""

    def count(self, name: str) -> int:
        return self.references.get(name, 0)


def first_definitions(found: list[SymbolDefinition]) -> tuple[SymbolDefinition, ...]:
    """One definition per name (the earliest), in line order."""
    first: dict[str, SymbolDefinition] = {}
    for definition in sorted(found, key=lambda d: d.line):
        first.setdefault(definition.name, definition)
    return tuple(first.values())


def signature(lines: list[str], line: int) -> str:
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return text if len(text) <= MAX_SIGNATURE_CHARS else text[: MAX_SIGNATURE_CHARS - 1] + "…"


def extract(path: str, language: str | None, text: str) -> FileSymbols | None:
    """The symbols of a file in a language this module reads, else None."""
    if language == "Python":
        from kairos_ci.plan.pysymbols import python_symbols

        return python_symbols(path, text)
    if language in ("JavaScript", "TypeScript"):
        from kairos_ci.plan.jssymbols import script_symbols

        return script_symbols(path, text)
    return None
