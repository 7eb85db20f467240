"""Tolerance constants loosened anywhere: ``TOL = 1e-9`` raised to ``1e-2``.

Module-level and class-level constants, and function defaults, whose names say they are a
tolerance (TOL, EPS, EPSILON, RTOL, ATOL, REL_TOL, DELTA, PLACES...), in test helpers or
in the code under test. A wider tolerance lets more wrong values compare equal; fewer
decimal places (PLACES, DECIMAL, an integer PRECISION) do the same.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kairos_ci.guard.records import Category, GuardRule, GuardVerdict

TOLERANCE_NAME = re.compile(
    r"^(?:\w+_)?(?:TOL|TOLERANCE|EPS|EPSILON|RTOL|ATOL|REL_TOL|ABS_TOL|DELTA|MARGIN"
    r"|PLACES|DECIMALS?|PRECISION)$",
    re.IGNORECASE,
)
DIGITS = re.compile(r"(?:PLACES|DECIMALS?|PRECISION)$", re.IGNORECASE)
Named = tuple[str, tuple[float, int]]  # (qualified name, (value, line))


def loosened_constants(path: str, base: ast.Module, head: ast.Module) -> Iterator[GuardVerdict]:
    before = dict(_constants(base))
    for name, (value, line) in _constants(head):
        old = before.get(name)
        if old is not None and _looser(name, old[0], value):
            message = f"tolerance {name} loosened from {old[0]:g} to {value:g}"
            yield GuardVerdict(
                GuardRule.TOLERANCE_LOOSENED, path, line, message, None, "tolerance-constant",
                f"{name} = {old[0]:g}", f"{name} = {value:g}", Category.ORACLE_NEUTRALISED,
            )  # fmt: skip


def _looser(name: str, old: float, new: float) -> bool:
    digits = DIGITS.search(name) is not None and old >= 1 and float(old).is_integer()
    return new < old if digits else new > old


def _constants(tree: ast.Module) -> Iterator[Named]:
    """(qualified name, (value, line)) of tolerance-named numeric constants and defaults."""
    for node in tree.body:
        yield from _assigned(node, "")
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        for item in members:
            if isinstance(node, ast.ClassDef):
                yield from _assigned(item, f"{node.name}.")
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from _defaults(item)


def _assigned(node: ast.stmt, prefix: str) -> Iterator[Named]:
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    value = _number(getattr(node, "value", None))
    for target in targets:
        if isinstance(target, ast.Name) and TOLERANCE_NAME.match(target.id) and value is not None:
            yield f"{prefix}{target.id}", (value, node.lineno)


def _defaults(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[Named]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(
        zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
    )
    pairs += [
        (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    ]
    for arg, default in pairs:
        value = _number(default)
        if TOLERANCE_NAME.match(arg.arg) and value is not None:
            yield f"{function.name}({arg.arg}=)", (value, function.lineno)


def _number(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return None if isinstance(node.value, bool) else float(node.value)
    return None
