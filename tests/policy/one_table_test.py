"""One policy: only ``kairos_ci/policy`` decides an autonomy level; elsewhere levels are
only compared (``level < Level.SUGGEST``), never assigned."""

from __future__ import annotations

import ast
from pathlib import Path

import kairos_ci
from kairos_ci.config.records import Level

PACKAGE = Path(kairos_ci.__file__).parent
LEVELS = {level.name for level in Level}


def level_uses(tree: ast.AST) -> list[tuple[int, bool]]:
    """Each ``Level.X`` in the module: its line, and whether it is inside a comparison."""
    compared = {
        id(node)
        for compare in ast.walk(tree)
        if isinstance(compare, ast.Compare)
        for node in ast.walk(compare)
    }
    return [
        (node.lineno, id(node) in compared)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Level"
        and node.attr in LEVELS
    ]


def test_levels_are_assigned_only_in_policy() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("policy", "demo"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{relative}:{line}" for line, compared in level_uses(tree) if not compared]
    assert offenders == []


def test_the_check_sees_an_assignment() -> None:
    assert level_uses(ast.parse("cap = Cap(Level.SUGGEST, 'x')")) == [(1, False)]
    assert level_uses(ast.parse("if level < Level.SUGGEST: pass")) == [(1, True)]
