"""Python definitions, references and imports, from ``ast`` (never executing the code)."""

from __future__ import annotations

import ast
import keyword
import re
from collections import Counter

from kairos_ci.plan.symbols import (
    FileSymbols,
    ImportRef,
    SymbolDefinition,
    first_definitions,
    signature,
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def python_symbols(path: str, text: str) -> FileSymbols:
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError):
        words = Counter(w for w in _IDENTIFIER.findall(text) if not keyword.iskeyword(w))
        return FileSymbols(path, (), dict(words), (), parsed=False, language="Python")
    lines = text.splitlines()
    defines: list[SymbolDefinition] = []
    references: Counter[str] = Counter()
    imports: list[ImportRef] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defines.append(SymbolDefinition(node.name, node.lineno, signature(lines, node.lineno)))
        elif isinstance(node, ast.Name):
            references[node.id] += 1
        elif isinstance(node, ast.Attribute):
            references[node.attr] += 1
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.extend(_imports(node))
    for statement in tree.body:
        defines.extend(
            SymbolDefinition(name, statement.lineno, signature(lines, statement.lineno))
            for name in _assigned(statement)
        )
    for found in imports:
        references.update(found.names)
    return FileSymbols(
        path, first_definitions(defines), dict(references), tuple(imports), language="Python"
    )


def _imports(node: ast.Import | ast.ImportFrom) -> list[ImportRef]:
    if isinstance(node, ast.Import):
        return [
            ImportRef(alias.name, (alias.asname or alias.name.split(".")[0],), node.lineno)
            for alias in node.names
        ]
    spec = "." * node.level + (node.module or "")
    names = tuple(alias.asname or alias.name for alias in node.names if alias.name != "*")
    return [ImportRef(spec, names, node.lineno, from_import=True)]


def _assigned(statement: ast.stmt) -> list[str]:
    """Module-level names bound by assignment (constants, aliases)."""
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []
