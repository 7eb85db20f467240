"""Code under test that games the tests: special cases, test detection, masked errors.

- A new branch that compares to a literal the tests use and returns a literal the
  tests use (``if x == "input from the test": return "expected value"``).
- New code that detects it runs under a test (``PYTEST_CURRENT_TEST``, a ``TESTING`` or
  ``CI`` variable, ``"pytest" in sys.modules``, ``sys.argv``, the call stack, ``import
  pytest``).
- A new broad handler that swallows the error (``except Exception: return []``,
  ``contextlib.suppress(Exception)``).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kairos_ci.guard.pyshapes import BROAD, dotted, last_name
from kairos_ci.guard.records import GuardRule, GuardVerdict, Literal

TRIVIAL: frozenset[object] = frozenset({0, 1, -1, "", None})  # bools are never literals here
TEST_ENVIRONMENT = re.compile(
    r"^(?:PYTEST\w*|\w*_?TEST(?:S|ING)?(?:_\w*)?|CI|GITHUB_ACTIONS|GITLAB_CI|TRAVIS|"
    r"CIRCLECI|BUILDKITE|JENKINS_URL|TOX_ENV_NAME|CONTINUOUS_INTEGRATION)$"
)
TEST_RUNNERS = frozenset({"pytest", "_pytest", "unittest", "nose", "py.test"})
STACK_READERS = frozenset({"stack", "currentframe", "_getframe", "extract_stack", "getouterframes"})
LOGGING = frozenset({"debug", "info", "warning", "warn", "error", "exception", "log", "print"})


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
    lines: dict[str, int] = field(default_factory=dict)  # first line of each detection
    masking_line: int | None = None


def compare_code(
    path: str, base: ast.Module | None, head: ast.Module, literals: frozenset[Literal]
) -> Iterator[GuardVerdict]:
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
                new = ast.unparse(node)[:100]
                yield GuardVerdict(
                    GuardRule.SPECIAL_CASING,
                    path,
                    _line(node),
                    message,
                    check="literal-branch",
                    new=new,
                )
        for what in scope.detections - old.detections:
            message = f"{name} now checks {what}: code that knows it is under test"
            line = scope.lines.get(what)
            yield GuardVerdict(
                GuardRule.SPECIAL_CASING, path, line, message, check="test-detection", new=what
            )
        if name in before and scope.masking > old.masking:  # new code is not a failing path
            message = f"a broad handler in {name} now swallows errors (error masking)"
            line = scope.masking_line
            yield GuardVerdict(GuardRule.ERROR_MASKING, path, line, message, check="broad-handler")


def _scopes(tree: ast.Module) -> dict[str, _Scope]:
    scopes: dict[str, _Scope] = {}
    for name, node in _named_nodes(tree):
        scope = _Scope()
        for child in _own_nodes(node):
            _note(scope, child)
        if _reads_stack_for_tests(node):
            scope.detections["the call stack for a test"] += 1
            scope.lines.setdefault("the call stack for a test", getattr(node, "lineno", 1))
        scopes[name] = scope
    return scopes


def _reads_stack_for_tests(node: ast.AST) -> bool:
    nodes = list(_own_nodes(node))
    reads = any(isinstance(n, ast.Call) and last_name(n) in STACK_READERS for n in nodes)
    mentions = any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and "test" in n.value.lower()
        for n in nodes
    )
    return reads and mentions


def _named_nodes(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    yield "<module>", tree
    yield from _functions_in(tree, "")


def _functions_in(node: ast.AST, prefix: str) -> Iterator[tuple[str, ast.AST]]:
    """Functions by qualified name (``Class.method``, ``outer.inner``): methods of two
    classes are two scopes, even when both are called ``__call__``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from _functions_in(child, f"{name}.")
        else:
            yield from _functions_in(child, prefix)


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes inside ``node`` but not inside a nested function (those are their own scope)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield child
        yield from _own_nodes(child)


def _note(scope: _Scope, node: ast.AST) -> None:
    masks = _masks(node)
    if masks and scope.masking_line is None:
        scope.masking_line = _line(node)
    scope.masking += masks
    if isinstance(node, ast.If):
        scope.branches.append((node.test, _compared(node.test), _returned(node.body[:1])))
    elif isinstance(node, ast.IfExp):
        scope.branches.append((node.test, _compared(node.test), _values(node.body)))
    detection = _detection(node)
    if detection:
        scope.detections[detection] += 1
        scope.lines.setdefault(detection, _line(node) or 1)


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
    if isinstance(node, ast.Import | ast.ImportFrom):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        if any((n or "").split(".")[0] in TEST_RUNNERS - {"unittest"} for n in names):
            return "whether pytest can be imported"
        return None
    runner = _runner_lookup(node)
    if runner is not None:
        return runner
    name = _environment_name(node)
    if isinstance(name, str) and TEST_ENVIRONMENT.match(name):
        return f"the {name} environment variable"
    return None


def _runner_lookup(node: ast.AST) -> str | None:
    """``"pytest" in sys.modules``, ``sys.modules.get("pytest")``, ``"pytest" in sys.argv[0]``."""
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
        places = {dotted(c) or dotted(getattr(c, "value", c)) for c in node.comparators}
        runner = str(node.left.value)
        if runner in TEST_RUNNERS and "sys.modules" in places:
            return f'"{runner}" in sys.modules'
        if "test" in runner.lower() and "sys.argv" in places:
            return "sys.argv for a test runner"
    if isinstance(node, ast.Call) and dotted(node) == "sys.modules.get" and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and first.value in TEST_RUNNERS:
            return f'"{first.value}" in sys.modules'
    if isinstance(node, ast.Subscript) and dotted(node.value) == "sys.modules":
        key = node.slice
        if isinstance(key, ast.Constant) and key.value in TEST_RUNNERS:
            return f'"{key.value}" in sys.modules'
    return None


def _environment_name(node: ast.AST) -> object:
    if isinstance(node, ast.Call) and dotted(node).endswith(("getenv", "environ.get")):
        return node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
    if isinstance(node, ast.Subscript) and dotted(node.value).endswith("environ"):
        return node.slice.value if isinstance(node.slice, ast.Constant) else None
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
        environ = any(dotted(c).endswith("environ") for c in node.comparators)
        return node.left.value if environ else None
    return None


def _masks(node: ast.AST) -> int:
    if isinstance(node, ast.withitem):
        context = node.context_expr
        if isinstance(context, ast.Call) and last_name(context) == "suppress":
            return int(any(last_name(a) in BROAD for a in context.args))
        return 0
    if not isinstance(node, ast.ExceptHandler):
        return 0
    broad = node.type is None or last_name(node.type) in BROAD
    return int(broad and all(_swallows(s) for s in node.body))


def _swallows(statement: ast.stmt) -> bool:
    """Does the handler's statement drop the error: pass, continue, a default, a log line?"""
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or isinstance(value, ast.Constant | ast.Name) or _empty(value)
    if isinstance(statement, ast.Expr):
        value = statement.value
        return isinstance(value, ast.Constant) or (
            isinstance(value, ast.Call) and last_name(value) in LOGGING
        )
    return False


def _empty(node: ast.expr) -> bool:
    containers = ast.List | ast.Tuple | ast.Set | ast.Dict
    return isinstance(node, containers) and all(
        isinstance(n, ast.Constant | containers | ast.expr_context) for n in ast.walk(node)
    )


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
