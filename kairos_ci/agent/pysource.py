"""What the fix prompt's context needs to know about Python source: definitions, the
definition around a line, imports and the names a piece of code uses.

Source that does not parse yields nothing (the context then falls back to line windows).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    name: str
    qualified: str  # "Stats.mean" for a method
    kind: str  # "def", "async def" or "class"
    signature: str  # "def mean(values)"
    line: int  # first line, decorators included
    end: int


@dataclass(frozen=True)
class Imported:
    module: str  # as written, without the leading dots
    level: int  # leading dots of a relative import
    names: tuple[str, ...]  # imported names; () for ``import module``


def parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in the project's code are its own
            return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def definitions(tree: ast.Module) -> list[Definition]:
    """Top-level functions and classes, and the methods of top-level classes."""
    found: list[Definition] = []
    for node in tree.body:
        found += _definition(node, "")
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                found += _definition(item, f"{node.name}.")
    return found


def _definition(node: ast.stmt, owner: str) -> list[Definition]:
    if isinstance(node, ast.ClassDef):
        kind, args = "class", ""
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        args = f"({ast.unparse(node.args)})"
    else:
        return []
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.end_lineno or node.lineno
    signature = f"{kind} {owner}{node.name}{args}"
    return [Definition(node.name, owner + node.name, kind, signature, first, end)]


def enclosing(tree: ast.Module, line: int) -> Definition | None:
    """The innermost definition (function, method or class) that holds ``line``."""
    best: Definition | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for found in _definition(node, ""):
                inside = found.line <= line <= found.end
                if inside and (best is None or found.end - found.line < best.end - best.line):
                    best = found
    return best


def imports(tree: ast.Module) -> list[Imported]:
    found: list[Imported] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [Imported(alias.name, 0, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names if alias.name != "*")
            found.append(Imported(node.module or "", node.level, names))
    return found


def import_lines(tree: ast.Module) -> tuple[int, int] | None:
    """The first and last line of the module's top-level imports."""
    spans = [
        (node.lineno, node.end_lineno or node.lineno)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    return (spans[0][0], spans[-1][1]) if spans else None


def find(tree: ast.Module, name: str, owner: str | None = None) -> ast.AST | None:
    """The top-level function, class or assignment ``name``, or the method ``name`` of
    class ``owner``."""
    for node in tree.body:
        if owner is not None and isinstance(node, ast.ClassDef) and node.name == owner:
            return next((item for item in node.body if _named(item, name)), None)
        if owner is None and (_named(node, name) or _assigns(node, name)):
            return node
    return None


def _named(node: ast.AST, name: str) -> bool:
    kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    return isinstance(node, kinds) and node.name == name


def _assigns(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def span(node: ast.AST) -> tuple[int, int]:
    """A definition's lines, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    first = min([getattr(node, "lineno", 1), *(d.lineno for d in decorators)])
    return first, getattr(node, "end_lineno", None) or first


def used_names(node: ast.AST) -> set[str]:
    """Every name and attribute a piece of code mentions (``a.b.c`` gives a, b and c)."""
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
    return names
