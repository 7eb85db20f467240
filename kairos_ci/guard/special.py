"""Code under test that games the tests: special cases, test detection, masked errors.

- A new branch that compares to a literal the tests use and returns a literal the
  tests use (``if x == "input from the test": return "expected value"``).
- New code that detects it runs under a test (``PYTEST_CURRENT_TEST``,
  ``"pytest" in sys.modules``, the ``CI`` variable).
- A new broad handler that swallows the error (``except Exception: return None``).
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kairos_ci.guard.pyshapes import BROAD, dotted, last_name
from kairos_ci.guard.records import Rule, Verdict

TRIVIAL: frozenset[object] = frozenset({0, 1, -1, "", None})  # bools are never literals here
TEST_ENVIRONMENT = frozenset({"PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER", "CI", "GITHUB_ACTIONS"})
Literal = str | int | float


def test_literals(tree: ast.Module) -> set[Literal]:
    """Every non-trivial literal in a test module: candidate test inputs and expectations."""
    found: set[Literal] = set()
    for node in ast.walk(tree):
        value = _literal(node)
        if value is not None:
            found.add(value)
    return found


@dataclass
class _Scope:
    """What one function (or the module body) contains; built up while walking it."""

    branches: list[tuple[ast.AST, set[Literal], set[Literal]]] = field(default_factory=list)
    detections: Counter[str] = field(default_factory=Counter)
    masking: int = 0


def compare_code(
    path: str, base: ast.Module | None, head: ast.Module, literals: frozenset[Literal]
) -> Iterator[Verdict]:
    before = _scopes(base) if base is not None else {}
    for name, scope in _scopes(head).items():
        old = before.get(name, _Scope())
        old_conditions = Counter(ast.dump(node) for node, _, _ in old.branches)
        for node, compared, returned in scope.branches:
            key = ast.dump(node)
            if old_conditions[key]:
                old_conditions[key] -= 1
                continue
            hits = compared & literals
            if hits and returned & literals:
                shown = ", ".join(repr(v) for v in sorted(hits, key=repr)[:2])
                message = f"new branch special-cases test input {shown} in {name}"
                yield Verdict(Rule.SPECIAL_CASING, path, _line(node), message)
        for what in scope.detections - old.detections:
            message = f"{name} now checks {what}: code that knows it is under test"
            yield Verdict(Rule.SPECIAL_CASING, path, None, message)
        if scope.masking > old.masking:
            message = f"a broad handler in {name} now swallows errors (error masking)"
            yield Verdict(Rule.BROAD_EXCEPT, path, None, message)


def _scopes(tree: ast.Module) -> dict[str, _Scope]:
    scopes: dict[str, _Scope] = {}
    for name, node in _named_nodes(tree):
        scope = _Scope()
        for child in _own_nodes(node):
            _note(scope, child)
        scopes[name] = scope
    return scopes


def _named_nodes(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    yield "<module>", tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes inside ``node`` but not inside a nested function (those are their own scope)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield child
        yield from _own_nodes(child)


def _note(scope: _Scope, node: ast.AST) -> None:
    scope.masking += _masks(node)
    if isinstance(node, ast.If):
        scope.branches.append((node.test, _compared(node.test), _returned(node.body[:1])))
    elif isinstance(node, ast.IfExp):
        scope.branches.append((node.test, _compared(node.test), _values(node.body)))
    detection = _detection(node)
    if detection:
        scope.detections[detection] += 1


def _compared(test: ast.expr) -> set[Literal]:
    found: set[Literal] = set()
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                found |= _values(side)
    return found


def _returned(statements: list[ast.stmt]) -> set[Literal]:
    if statements and isinstance(statements[0], ast.Return) and statements[0].value is not None:
        return _values(statements[0].value)
    return set()


def _values(node: ast.AST) -> set[Literal]:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return {v for e in node.elts for v in _values(e)}
    value = _literal(node)
    return {value} if value is not None else set()


def _literal(node: ast.AST) -> Literal | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(node.operand)
        return -inner if isinstance(inner, int | float) else None
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return None
    value = node.value
    if isinstance(value, str | int | float) and value not in TRIVIAL:
        return value
    return None


def _detection(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and node.value == "PYTEST_CURRENT_TEST":
        return "the PYTEST_CURRENT_TEST environment variable"
    name: object = None
    if isinstance(node, ast.Call) and dotted(node).endswith(("getenv", "environ.get")):
        name = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
    elif isinstance(node, ast.Subscript) and dotted(node.value).endswith("environ"):
        name = node.slice.value if isinstance(node.slice, ast.Constant) else None
    elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
        places = {dotted(c) for c in node.comparators}
        if node.left.value == "pytest" and "sys.modules" in places:
            return '"pytest" in sys.modules'
        if any(p.endswith("environ") for p in places):
            name = node.left.value
    if name in TEST_ENVIRONMENT:
        return f"the {name} environment variable"
    return None


def _masks(node: ast.AST) -> int:
    if not isinstance(node, ast.ExceptHandler):
        return 0
    broad = node.type is None or last_name(node.type) in BROAD
    return int(broad and all(_swallows(s) for s in node.body))


def _swallows(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    if isinstance(statement, ast.Return):
        return statement.value is None or isinstance(statement.value, ast.Constant)
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _line(node: ast.AST) -> int | None:
    return getattr(node, "lineno", None)


def test_literals_of(sources: Iterable[str]) -> set[Literal]:
    """Literals of many test modules; one that does not parse is skipped (the patch's own
    test files are checked, and flagged if unparseable, separately)."""
    found: set[Literal] = set()
    for source in sources:
        try:
            found |= test_literals(ast.parse(source))
        except (SyntaxError, ValueError, RecursionError):
            continue
    return found
