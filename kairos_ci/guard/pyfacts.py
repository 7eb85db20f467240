"""Facts about one Python test module, read from its AST.

Per test function: how many assertions it makes (helpers in the same module counted
through, parametrize cases and literal loops multiplied in), which of them are weak
or tautological, skips, broad exception handlers and tolerance arguments. Per module:
module-level skip marks, collection ignores and collection hooks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from kairos_ci.guard import pyshapes

# Hooks that decide which tests run, or what their outcome is.
WATCHED_HOOKS = frozenset(
    {
        "pytest_collection_modifyitems",
        "pytest_ignore_collect",
        "pytest_deselected",
        "pytest_runtest_call",
        "pytest_runtest_makereport",
        "pytest_runtest_protocol",
        "pytest_pyfunc_call",
        "pytest_report_teststatus",
    }
)


@dataclass(frozen=True)
class TestFacts:
    name: str  # "test_x" or "TestThing.test_x"
    line: int
    body: str  # the body, unparsed: compared to recognise renames
    weight: int  # assertions, with helper, parametrize and loop multipliers
    strong: tuple[str, ...]  # unparsed strong assertions
    weak: tuple[str, ...]  # unparsed weak assertions (truthiness, is not None, isinstance)
    tautologies: tuple[str, ...]  # always true
    raises: tuple[str, ...]  # exception types expected by pytest.raises / assertRaises
    skips: int
    broad_handlers: int
    tolerances: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # kind, (key, value)
    collects: bool  # does pytest collect it under its current name?


@dataclass(frozen=True)
class ModuleFacts:
    tests: dict[str, TestFacts]
    module_skips: int
    collect_ignores: frozenset[str]
    hooks: dict[str, str]  # watched hook name -> unparsed body
    skip_calls: int  # pytest.skip/xfail calls anywhere (conftest hooks can skip tests)
    other: dict[str, TestFacts] = field(default_factory=dict)  # uncollected test-like functions


def module_facts(tree: ast.Module) -> ModuleFacts:
    every = list(ast.walk(tree))  # walked once, read by several rules
    helpers = _helper_weights(every)
    tests: dict[str, TestFacts] = {}
    other: dict[str, TestFacts] = {}
    for qualname, function, collected, class_skips in _functions(tree):
        facts = _test_facts(qualname, function, collected, helpers, class_skips)
        if collected:
            tests[qualname] = facts
        elif function.name.casefold().startswith("test") or "test" in qualname.casefold():
            other[qualname] = facts
    return ModuleFacts(
        tests=tests,
        module_skips=_module_skips(tree),
        collect_ignores=frozenset(_collect_ignores(every)),
        hooks={
            node.name: ast.unparse(node)
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name in WATCHED_HOOKS
        },
        skip_calls=sum(1 for node in every if pyshapes.is_skip_call(node)),
        other=other,
    )


Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.Module) -> Iterator[tuple[str, Function, bool, int]]:
    """(qualified name, function, collected by pytest, skips inherited from its class)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node, node.name.startswith("test"), 0
        elif isinstance(node, ast.ClassDef):
            collected_class = node.name.startswith("Test") or pyshapes.is_testcase(node)
            class_skips = sum(pyshapes.is_skip_decorator(d) for d in node.decorator_list)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    collected = collected_class and item.name.startswith("test")
                    yield f"{node.name}.{item.name}", item, collected, class_skips


def _test_facts(
    qualname: str, function: Function, collected: bool, helpers: dict[str, int], class_skips: int
) -> TestFacts:
    nodes = list(ast.walk(function))
    cases = pyshapes.parametrize_cases(function)
    checks = list(pyshapes.assertions(function, helpers))
    strong = [_shown(n) for n, kind, _ in checks if kind == "strong"]
    weak = [_shown(n) for n, kind, _ in checks if kind == "weak"]
    tautologies = [_shown(n) for n, kind, _ in checks if kind == "tautology"]
    return TestFacts(
        name=qualname,
        line=function.lineno,
        body="\n".join(ast.unparse(s) for s in function.body),
        weight=cases * sum(w for _, _, w in checks),
        strong=tuple(strong),
        weak=tuple(weak),
        tautologies=tuple(tautologies),
        raises=tuple(pyshapes.raises_types(nodes)),
        skips=pyshapes.skip_count(function, nodes) + class_skips,
        broad_handlers=pyshapes.broad_handlers(nodes),
        tolerances=tuple(pyshapes.tolerances(nodes)),
        collects=collected,
    )


def _shown(node: ast.AST) -> str:
    """An assertion as compared between versions: its check, without its message."""
    return f"assert {ast.unparse(node.test)}" if isinstance(node, ast.Assert) else ast.unparse(node)


def _helper_weights(every: list[ast.AST]) -> dict[str, int]:
    """Assertions inside non-test helper functions and methods, by name (one level deep)."""
    weights: dict[str, int] = {}
    for node in every:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "test"
        ):
            count = sum(w for _, _, w in pyshapes.assertions(node, {}))
            if count:
                weights[node.name] = count
    return weights


def _module_skips(tree: ast.Module) -> int:
    count = 0
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            count += sum(pyshapes.is_skip_decorator(n) for n in ast.walk(node.value))
        elif isinstance(node, ast.Expr) and pyshapes.is_skip_call(node.value):
            count += 1  # e.g. pytest.skip(..., allow_module_level=True)
    return count


def _collect_ignores(every: list[ast.AST]) -> Iterator[str]:
    for node in every:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            targets = [node.func.value] if node.func.attr in ("append", "extend") else []
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if names & {"collect_ignore", "collect_ignore_glob"}:
            constants = [
                item.value
                for item in ast.walk(node)
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
            yield from constants or [ast.unparse(node)[:80]]  # computed: the code itself
