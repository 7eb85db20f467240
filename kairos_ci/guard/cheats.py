"""Code under test rigged to pass, rather than fixed.

- ``__eq__`` and kin (``__ne__``, ``__lt__``..., ``__contains__``) that never read the other
  operand, only check its type, or return a constant; ``__bool__`` or ``__hash__``
  returning a constant; ``__instancecheck__`` answering True.
- ``return <a literal the tests use>`` with code still after it (now unreachable), or in
  place of a computed return.
- A new table whose keys and values are literals of the tests, looked up by a function
  that already computed its answer (``KNOWN.get(text) or slugify(text)``).
Only what is new or changed in the head is judged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Set
from dataclasses import dataclass

from kairos_ci.guard.claims import serialize
from kairos_ci.guard.pyshapes import Function, last_name
from kairos_ci.guard.records import GuardRule, GuardVerdict, Literal, shown
from kairos_ci.guard.special import TRIVIAL

BINARY_DUNDERS = frozenset(
    {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__contains__"}
)
CONSTANT_DUNDERS = frozenset({"__bool__", "__hash__", "__instancecheck__", "__subclasscheck__"})
TYPE_ONLY = frozenset({"isinstance", "issubclass", "type", "hasattr"})
_INPUT_LIKE = re.compile(r"[^A-Za-z0-9_.\-]")  # keys with spaces or punctuation: test inputs


@dataclass(frozen=True)
class Versions:
    """One changed Python file of the code under test, parsed."""

    path: str
    base: ast.Module | None
    head: ast.Module


@dataclass(frozen=True)
class _Changed:
    """A function of the code under test that is new or changed in the head."""

    path: str
    name: str  # "function" or "Class.method"
    function: Function | ast.Lambda
    before: Function | ast.Lambda | None  # the base's version, if any


def rigged_code(versions: Versions, literals: Set[Literal]) -> Iterator[GuardVerdict]:
    old = dict(_functions(versions.base)) if versions.base is not None else {}
    for name, function in _functions(versions.head):
        before = old.get(name)
        if before is not None and serialize(before) == serialize(function):
            continue
        yield from _dunder(versions.path, name, function)
        yield from _early_constant(_Changed(versions.path, name, function, before), literals)
    yield from _lookup_tables(versions, literals, set(old))


def _functions(tree: ast.Module | None) -> Iterator[tuple[str, Function | ast.Lambda]]:
    if tree is None:
        return
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            yield from _methods(node)


def _methods(cls: ast.ClassDef) -> Iterator[tuple[str, Function | ast.Lambda]]:
    for item in cls.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"{cls.name}.{item.name}", item
        elif isinstance(item, ast.Assign) and isinstance(item.value, ast.Lambda):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    yield f"{cls.name}.{target.id}", item.value  # __eq__ = lambda s, o: True


def _dunder(path: str, name: str, function: Function | ast.Lambda) -> Iterator[GuardVerdict]:
    method = name.rsplit(".", 1)[-1]
    if "." not in name or method not in BINARY_DUNDERS | CONSTANT_DUNDERS:
        return
    problem = _constant(function)
    if problem is None and method in BINARY_DUNDERS:
        problem = _ignores_other(function)
    if problem is not None:
        line = getattr(function, "lineno", None)
        message = f"{name} {problem}: comparisons and checks on it always pass"
        new = shown(ast.unparse(function))
        yield GuardVerdict(
            GuardRule.DUNDER_OVERRIDE, path, line, message, check=f"{method}-rigged", new=new
        )


def _returns(function: Function | ast.Lambda) -> list[ast.expr | None]:
    if isinstance(function, ast.Lambda):
        return [function.body]
    return [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]


def _constant(function: Function | ast.Lambda) -> str | None:
    returns = _returns(function)
    if returns and all(isinstance(r, ast.Constant) for r in returns):
        values = sorted({repr(r.value) for r in returns if isinstance(r, ast.Constant)})
        return f"returns the constant {', '.join(values)}"
    return None


def _ignores_other(function: Function | ast.Lambda) -> str | None:
    params = [*function.args.posonlyargs, *function.args.args]
    if len(params) < 2:
        return None
    other = params[1].arg
    body = [function.body] if isinstance(function, ast.Lambda) else function.body
    uses = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == other]
    if not uses:
        return f"never reads {other}"
    typed = {
        id(c.args[0])
        for stmt in body
        for c in ast.walk(stmt)
        if isinstance(c, ast.Call) and _type_check(c)
    }
    if all(id(use) in typed for use in uses):
        return f"only checks the type of {other}"
    return None


def _type_check(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and last_name(node) in TYPE_ONLY and bool(node.args)


def _early_constant(changed: _Changed, literals: Set[Literal]) -> Iterator[GuardVerdict]:
    path, name, function, before = changed.path, changed.name, changed.function, changed.before
    if isinstance(function, ast.Lambda):
        return
    for block in _blocks(function):
        for statement in block[:-1]:
            if isinstance(statement, ast.Return) and _expected(statement.value, literals):
                message = f"{name} returns a value the tests expect, and the code after it is dead"
                yield _special(path, statement, message, "early-constant-return")
                return
    if before is not None and not _only_constants(before) and _only_constants(function):
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and _expected(node.value, literals):
                message = f"{name} returns a value the tests expect instead of computing it"
                yield _special(path, node, message, "constant-return")
                return


def _special(path: str, node: ast.Return, message: str, check: str) -> GuardVerdict:
    return GuardVerdict(
        GuardRule.SPECIAL_CASING,
        path,
        node.lineno,
        message,
        check=check,
        new=shown(ast.unparse(node)),
    )


def _blocks(function: Function) -> Iterator[list[ast.stmt]]:
    for node in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _only_constants(function: Function | ast.Lambda) -> bool:
    returns = _returns(function)
    return bool(returns) and all(r is None or _literal_values(r) is not None for r in returns)


def _expected(value: ast.expr | None, literals: Set[Literal]) -> bool:
    found = _literal_values(value) if value is not None else None
    if not found:
        return False
    meaningful = [v for v in found if v not in TRIVIAL]
    return bool(meaningful) and all(v in literals for v in meaningful)


def _literal_values(node: ast.expr) -> list[Literal] | None:
    """The scalar literals of a literal expression; None if it is not one."""
    if isinstance(node, ast.Constant):
        value = node.value
        return (
            [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else []
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal_values(node.operand)
        return [-v for v in inner if isinstance(v, int | float)] if inner is not None else None
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        parts = [_literal_values(e) for e in node.elts]
        return None if any(p is None for p in parts) else [v for p in parts for v in p or []]
    return None


def _lookup_tables(
    versions: Versions, literals: Set[Literal], known: set[str]
) -> Iterator[GuardVerdict]:
    base = versions.base
    old = {serialize(n) for n in ast.walk(base) if isinstance(n, ast.Dict)} if base else set()
    for owner, table in _tables(versions.head):
        if serialize(table) in old or owner not in known:
            continue  # an old table, or a new function: only shortcuts in old code count
        pair = _rigged_pair(table, literals)
        if pair is not None:
            message = f"a new table answers the tests' input {pair[0]!r} with {pair[1]!r}"
            yield GuardVerdict(
                GuardRule.SPECIAL_CASING, versions.path, table.lineno, f"{message} in {owner}",
                check="lookup-table", new=shown(ast.unparse(table)),
            )  # fmt: skip


def _tables(tree: ast.Module) -> Iterator[tuple[str, ast.Dict]]:
    """(function using it, dict literal): module-level tables through the functions reading them."""
    module_tables: dict[str, ast.Dict] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    module_tables[target.id] = node.value
    for name, function in _functions(tree):
        for child in ast.walk(function):
            if isinstance(child, ast.Dict):
                yield name, child
            elif isinstance(child, ast.Name) and child.id in module_tables:
                yield name, module_tables[child.id]


def _rigged_pair(table: ast.Dict, literals: Set[Literal]) -> tuple[object, object] | None:
    for key, value in zip(table.keys, table.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
            continue
        if not isinstance(key.value, str) or not _INPUT_LIKE.search(key.value):
            continue
        answer = value.value
        if key.value in literals and isinstance(answer, str | int | float) and answer in literals:
            return key.value, answer
    return None
