"""The Python tests of one side of a patch: every test pytest collects, and what it claims.

Built from the patch's test files alone (functions named ``test*`` in modules pytest
collects, in ``Test*`` classes or ``TestCase`` subclasses, one test per parametrize case),
so it works without running anything. Helpers that assert are kept too: weakening a helper
weakens every test calling it, and a helper can be compared on its own.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeGuard

from kairos_ci.guard.claims import Claim
from kairos_ci.guard.classify import collects
from kairos_ci.guard.pyshapes import Function, is_skip_decorator, is_testcase
from kairos_ci.guard.testfacts import FunctionFacts, ModuleFacts, function_facts, module_facts
from kairos_ci.guard.unfold import (
    SETUP_METHODS,
    Case,
    Library,
    Unfolder,
    fixture_name,
    library_of,
    unfold_cases,
)


@dataclass(frozen=True)
class CollectedTest:
    id: str  # "tests/test_x.py::TestThing::test_y[1-2]"
    path: str
    name: str  # "TestThing.test_y"
    line: int
    claims: tuple[Claim, ...]
    trail: tuple[str, ...]  # the statements it runs, for a test that asserts nothing
    facts: FunctionFacts
    skipped: bool  # this parametrize case carries a skip mark


@dataclass(frozen=True)
class Helper:
    """A non-test function of the test files that asserts, or guards assertions."""

    name: str
    path: str
    line: int
    claims: tuple[Claim, ...]
    facts: FunctionFacts


@dataclass(frozen=True)
class Uncollected:
    """A test-like function pytest does not collect (bad name, fixture, hidden in an if)."""

    name: str
    path: str
    line: int


@dataclass(frozen=True)
class SourceFile:
    tree: ast.Module
    text: str


@dataclass(frozen=True)
class Suite:
    tests: Mapping[str, CollectedTest]
    helpers: Mapping[str, Helper]  # by name: helpers move between files
    uncollected: tuple[Uncollected, ...]
    modules: Mapping[str, ModuleFacts]
    # To reuse the base's work for the head's unchanged tests: a digest of everything a
    # test can depend on besides itself, and the tests of each function by its source.
    library_print: str = ""
    by_function: Mapping[str, tuple[CollectedTest, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Found:
    qualname: str
    function: Function
    owner: str | None  # the class it is defined in
    collected: bool
    class_skips: int = 0  # skip marks on its class (and enclosing classes)


def build_suite(files: Mapping[str, SourceFile], previous: Suite | None = None) -> Suite:
    """``files``: the Python test files (tests, conftests, helpers) of one side.
    ``previous``: the other side, whose unchanged tests need not be unfolded again."""
    library = library_of({path: f.tree for path, f in files.items()})
    fingerprint = _library_print(files)
    reusable: Mapping[str, tuple[CollectedTest, ...]] = {}
    if previous is not None and previous.library_print == fingerprint:
        reusable = previous.by_function
    tests: dict[str, CollectedTest] = {}
    by_function: dict[str, tuple[CollectedTest, ...]] = {}
    helpers: dict[str, Helper] = {}
    uncollected: list[Uncollected] = []
    modules: dict[str, ModuleFacts] = {}
    for path, file in files.items():
        facts = modules[path] = module_facts(file.tree)
        lines = file.text.splitlines()
        for found in _functions(file.tree, collects(path)):
            if found.collected:
                key = _function_print(found, path, lines)
                cases = reusable.get(key) or tuple(_tests(found, path, library, facts))
                by_function[key] = cases
                tests.update((t.id, t) for t in cases)
            elif found.function.name.startswith("test"):
                uncollected.append(Uncollected(found.qualname, path, found.function.lineno))
            else:
                helper = _helper(found, path, library, facts)
                if helper is not None:
                    helpers[helper.name] = helper
    return Suite(tests, helpers, tuple(uncollected), modules, fingerprint, by_function)


def _segment(node: ast.stmt, lines: list[str]) -> str:
    """The node's source lines, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[start - 1 : node.end_lineno])


def _library_print(files: Mapping[str, SourceFile]) -> str:
    """A digest of what tests depend on besides their own source: everything but tests."""
    digest = hashlib.sha256()
    for path in sorted(files):
        lines = files[path].text.splitlines()
        digest.update(path.encode())
        for node in files[path].tree.body:
            members = node.body if isinstance(node, ast.ClassDef) else [node]
            for member in members:
                if not (_is_function(member) and member.name.startswith("test")):
                    digest.update(_segment(member, lines).encode())
            if isinstance(node, ast.ClassDef):
                digest.update(_class_header(node).encode())
    return digest.hexdigest()


def _class_header(cls: ast.ClassDef) -> str:
    bases = ", ".join(ast.unparse(b) for b in cls.bases)
    decorators = " ".join(ast.unparse(d) for d in cls.decorator_list)
    return f"{decorators} class {cls.name}({bases})"


def _is_function(node: ast.stmt) -> TypeGuard[Function]:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)


def _function_print(found: _Found, path: str, lines: list[str]) -> str:
    source = _segment(found.function, lines)
    return f"{path}|{found.qualname}|{found.owner}|{found.class_skips}|{source}"


def _tests(
    found: _Found, path: str, library: Library, module: ModuleFacts
) -> Iterator[CollectedTest]:
    facts = function_facts(found.function, module.imports)
    facts = replace(facts, skips=facts.skips + found.class_skips)
    base_id = f"{path}::{found.qualname.replace('.', '::')}"
    for case in unfold_cases(found.function, library, path):
        unfolded = Unfolder(library, path, found.owner).test(found.function, case)
        yield CollectedTest(
            id=base_id + case.suffix,
            path=path,
            name=found.qualname,
            line=found.function.lineno,
            claims=unfolded.claims,
            trail=unfolded.trail,
            facts=facts,
            skipped=case.skipped,
        )


def _helper(found: _Found, path: str, library: Library, module: ModuleFacts) -> Helper | None:
    function = found.function
    if fixture_name(function) is not None or function.name in SETUP_METHODS:
        return None
    facts = function_facts(function, module.imports)
    claims = Unfolder(library, path, found.owner).test(function, Case("", {})).claims
    if not claims and not facts.broad_handlers:
        return None
    return Helper(found.qualname, path, function.lineno, claims, facts)


def _functions(tree: ast.Module, collected_module: bool) -> Iterator[_Found]:
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            test = node.name.startswith("test") and fixture_name(node) is None
            yield _Found(node.name, node, None, collected_module and test)
        elif isinstance(node, ast.ClassDef):
            yield from _class_functions(node, classes, collected_module, (node.name, 0))
        elif isinstance(node, ast.If | ast.Try | ast.With):
            yield from _hidden(node)


def _class_functions(
    cls: ast.ClassDef,
    classes: Mapping[str, ast.ClassDef],
    collected_module: bool,
    outer: tuple[str, int],  # (qualified name, skip marks of the enclosing classes)
) -> Iterator[_Found]:
    prefix, skips = outer
    skips += sum(is_skip_decorator(d) for d in cls.decorator_list)
    collected_class = collected_module and _collected_class(cls)
    seen: set[str] = set()
    for owner in [cls, *_bases(cls, classes)]:
        for item in owner.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name not in seen:
                seen.add(item.name)
                test = collected_class and item.name.startswith("test")
                yield _Found(f"{prefix}.{item.name}", item, owner.name, test, skips)
            elif isinstance(item, ast.ClassDef) and owner is cls:
                nested = (f"{prefix}.{item.name}", skips)
                yield from _class_functions(item, classes, collected_class, nested)


def _collected_class(cls: ast.ClassDef) -> bool:
    for item in cls.body:
        if not isinstance(item, ast.Assign) or not isinstance(item.value, ast.Constant):
            continue
        named = any(isinstance(t, ast.Name) and t.id == "__test__" for t in item.targets)
        if named and not item.value.value:
            return False
    if is_testcase(cls):
        return True
    has_init = any(isinstance(i, ast.FunctionDef) and i.name == "__init__" for i in cls.body)
    return cls.name.startswith("Test") and not has_init


def _bases(cls: ast.ClassDef, classes: Mapping[str, ast.ClassDef]) -> Iterator[ast.ClassDef]:
    """Base classes defined in the same module: their test methods are inherited."""
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes and base.id != cls.name:
            yield classes[base.id]


def _hidden(node: ast.stmt) -> Iterator[_Found]:
    """Test functions defined under a module-level if/try/with: not collected as written."""
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield _Found(child.name, child, None, False)
