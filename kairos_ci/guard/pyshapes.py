"""Recognising test idioms in Python ASTs: assertions, skips, handlers, tolerances."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence

SKIP_MARKS = frozenset({"skip", "skipif", "xfail", "skipIf", "skipUnless", "expectedFailure"})
SKIP_CALLS = frozenset({"skip", "xfail", "importorskip", "skipTest"})
RAISES = frozenset({"raises", "warns", "deprecated_call"})
WEAK_CALLS = frozenset({"assertIsNotNone", "assertIsInstance", "assertTrue", "assert_"})
TRUTHY_BUILTINS = frozenset({"isinstance", "hasattr", "callable", "bool", "issubclass"})
BROAD = frozenset({"Exception", "BaseException"})
# Tolerance-taking calls: keyword names and the positions they may take.
TOLERANCE_ARGS: Mapping[str, Mapping[str, int | None]] = {
    "approx": {"rel": 1, "abs": 2},
    "isclose": {"rel_tol": None, "abs_tol": None, "rtol": 2, "atol": 3},
    "allclose": {"rtol": 2, "atol": 3},
    "assert_allclose": {"rtol": 2, "atol": 3},
    "assertAlmostEqual": {"places": 2, "delta": None},
    "assertNotAlmostEqual": {"places": 2, "delta": None},
    "assert_almost_equal": {"decimal": 2},
    "assert_array_almost_equal": {"decimal": 2},
}


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def last_name(node: ast.AST) -> str:
    return dotted(node).rsplit(".", 1)[-1]


def is_testcase(cls: ast.ClassDef) -> bool:
    return any(dotted(base).endswith("TestCase") for base in cls.bases)


def is_skip_decorator(node: ast.AST) -> bool:
    name = dotted(node)
    return (
        name.rsplit(".", 1)[-1] in SKIP_MARKS
        and ("mark." in name or name.startswith("unittest.") or "." not in name)
        and isinstance(node, ast.Call | ast.Attribute | ast.Name)
    )


def is_skip_call(node: ast.AST) -> bool:
    if isinstance(node, ast.Raise) and node.exc is not None:
        return last_name(node.exc) == "SkipTest"
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node)
    return name.rsplit(".", 1)[-1] in SKIP_CALLS and not name.startswith("mark.")


def skip_count(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: Sequence[ast.AST]) -> int:
    """Skip decorators, skip calls and early returns; ``nodes`` is ``ast.walk(function)``."""
    decorators = sum(is_skip_decorator(d) for d in function.decorator_list)
    calls = sum(is_skip_call(n) for n in nodes)
    return decorators + calls + _early_returns(function)


def _early_returns(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Top-level returns (bare or under an ``if``) with assertions after them."""
    body = function.body
    for index, statement in enumerate(body):
        returns = isinstance(statement, ast.Return) or (
            isinstance(statement, ast.If) and any(isinstance(s, ast.Return) for s in statement.body)
        )
        if returns and any(_asserts(s) for s in body[index + 1 :]):
            return 1
    return 0


def _asserts(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Assert) or (isinstance(n, ast.Call) and _assert_call(n))
        for n in ast.walk(node)
    )


def _assert_call(call: ast.Call) -> bool:
    name = dotted(call)
    last = name.rsplit(".", 1)[-1]
    return last.startswith("assert") or (last in RAISES and "." in name) or name == "self.fail"


def parametrize_cases(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    cases = 1
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and dotted(decorator).endswith("parametrize"):
            values = decorator.args[1] if len(decorator.args) > 1 else None
            if isinstance(values, ast.List | ast.Tuple):
                cases *= max(1, len(values.elts))
    return cases


def assertions(node: ast.AST, helpers: Mapping[str, int]) -> Iterator[tuple[ast.AST, str, int]]:
    """(assertion node, "strong" | "weak" | "tautology", weight) inside ``node``."""
    yield from _walk_assertions(node, helpers, 1)


def _walk_assertions(
    node: ast.AST, helpers: Mapping[str, int], factor: int
) -> Iterator[tuple[ast.AST, str, int]]:
    for child in ast.iter_child_nodes(node):
        inner = factor
        if isinstance(child, ast.For | ast.AsyncFor) and isinstance(
            child.iter, ast.List | ast.Tuple | ast.Set
        ):
            inner = factor * max(1, len(child.iter.elts))
        if isinstance(child, ast.Assert):
            yield child, _assert_kind(child.test), factor
        elif isinstance(child, ast.Call) and _assert_call(child):
            yield child, _call_kind(child), factor
        elif isinstance(child, ast.Call) and last_name(child) in helpers:
            yield child, "strong", factor * helpers[last_name(child)]
        yield from _walk_assertions(child, helpers, inner)


def _assert_kind(test: ast.expr) -> str:
    if is_tautology(test):
        return "tautology"
    if isinstance(test, ast.Compare):
        none_check = isinstance(test.ops[0], ast.IsNot) and _is_none(test.comparators[0])
        return "weak" if none_check and len(test.ops) == 1 else "strong"
    if isinstance(test, ast.BoolOp):
        kinds = {_assert_kind(v) for v in test.values}
        return "strong" if "strong" in kinds else "weak"
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return "strong" if isinstance(test.operand, ast.Compare) else "weak"
    return "weak"  # bare truthiness, isinstance, hasattr, ...


def is_tautology(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(is_tautology(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Constant) and not test.operand.value
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        reflexive = isinstance(op, ast.Eq | ast.Is | ast.GtE | ast.LtE)
        if reflexive and ast.dump(left) == ast.dump(right):
            return True
        sized = isinstance(left, ast.Call) and dotted(left) == "len"
        zero = isinstance(right, ast.Constant) and right.value in (0, -1)
        return sized and zero and isinstance(op, ast.GtE | ast.Gt)
    return False


def _call_kind(call: ast.Call) -> str:
    name = last_name(call)
    first = call.args[0] if call.args else None
    if name in ("assertTrue", "assert_") and first is not None:
        if is_tautology(first):
            return "tautology"
        return _assert_kind(first)
    return "weak" if name in WEAK_CALLS else "strong"


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def raises_types(nodes: Sequence[ast.AST]) -> Iterator[str]:
    for child in nodes:
        if isinstance(child, ast.Call) and child.args:
            name = last_name(child)
            if name == "raises" or name.startswith("assertRaises"):
                yield ast.unparse(child.args[0])


def broad_handlers(nodes: Sequence[ast.AST]) -> int:
    count = 0
    for child in nodes:
        if isinstance(child, ast.ExceptHandler) and _is_broad(child.type):
            count += 1
        elif isinstance(child, ast.Call) and last_name(child) == "suppress":
            count += any(_is_broad(arg) for arg in child.args)
    return count


def _is_broad(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_is_broad(e) for e in kind.elts)
    return last_name(kind) in BROAD


def tolerances(nodes: Sequence[ast.AST]) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    for child in nodes:
        if not isinstance(child, ast.Call):
            continue
        kind = last_name(child)
        spec = TOLERANCE_ARGS.get(kind)
        if spec is None:
            continue
        values = {k.arg: ast.unparse(k.value) for k in child.keywords if k.arg and k.arg in spec}
        for key, position in spec.items():
            if position is not None and len(child.args) > position and key not in values:
                values[key] = ast.unparse(child.args[position])
        yield kind, tuple(sorted(values.items()))
