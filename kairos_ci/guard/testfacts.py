"""Facts about test functions and test modules that are not assertions.

Per function: skips, broad handlers around the checks, rerun and timeout marks, the
examples hypothesis runs, and what it patches (``mock.patch``, ``monkeypatch.setattr``).
Per module: module-level skips, collection ignores, hooks that decide what runs or how it
is reported, rebound assertion methods, autouse fixtures' patches, hypothesis profiles,
fixture bodies, and the import table (to resolve what a patch or a call refers to).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from kairos_ci.guard import pyshapes
from kairos_ci.guard.claims import serialize
from kairos_ci.guard.pyshapes import dotted, last_name

# Hooks that decide which tests run, or what their outcome or the session's is.
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
        "pytest_sessionfinish",
        "pytest_runtestloop",
        "pytest_cmdline_main",
        "pytest_cmdline_preparse",
        "pytest_load_initial_conftests",
        "pytest_collect_file",
        "pytest_pycollect_makeitem",
    }
)
# pytest_configure is usually honest (markers); these make it decide what runs.
CONFIGURE_TOKENS = (".option", ".args", "exitstatus", "pluginmanager", "known_args", "inicfg")
RERUN_MARKS = frozenset({"flaky", "rerun", "retry", "repeat_until_pass"})
MOCK_FACTORIES = ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "create_autospec")
CHECK_PREFIXES = ("assert", "check", "verify", "expect", "fail")
PATCHERS = frozenset({"patch", "object", "setattr"})


@dataclass(frozen=True)
class Patch:
    """Something a test replaces: a target (dotted, imports resolved) and with what."""

    target: str
    stubbed: bool  # replaced by a callable stand-in (lambda, Mock, return_value...)
    line: int
    text: str


@dataclass(frozen=True)
class FunctionFacts:
    skips: int
    broad_handlers: int  # broad excepts, suppress(Exception), except AssertionError
    reruns: int
    timeout: float | None
    examples: float | None  # hypothesis max_examples
    patches: tuple[Patch, ...]


@dataclass(frozen=True)
class ModuleFacts:
    module_skips: int
    collect_ignores: frozenset[str]
    hooks: Mapping[str, str]  # hook name -> unparsed body
    skip_calls: int
    rebound: tuple[tuple[int, str], ...]  # (line, text): assertion methods replaced
    autouse_patches: tuple[Patch, ...]
    profiles: Mapping[str, float]  # hypothesis profile -> max_examples
    fixtures: Mapping[str, str]  # fixture name -> serialized definition
    imports: Mapping[str, str]  # local name -> dotted module path


def imports_of(nodes: Iterable[ast.AST]) -> dict[str, str]:
    """Local names bound by imports among ``nodes`` (a whole module), to the dotted path."""
    table: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                table[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                table[alias.asname or alias.name] = f"{module}.{alias.name}".lstrip(".")
    return table


def resolve(name: str, imports: Mapping[str, str]) -> str:
    head, _, rest = name.partition(".")
    full = imports.get(head, head)
    return f"{full}.{rest}" if rest else full


def function_facts(function: pyshapes.Function, imports: Mapping[str, str]) -> FunctionFacts:
    nodes = list(ast.walk(function))
    return FunctionFacts(
        skips=pyshapes.skip_count(function, nodes),
        broad_handlers=pyshapes.broad_handlers(nodes) + _assertion_catches(nodes),
        reruns=sum(last_name(d) in RERUN_MARKS for d in function.decorator_list),
        timeout=_mark_number(function.decorator_list, "timeout"),
        examples=_examples(function.decorator_list),
        patches=tuple(_patches(nodes, imports)),
    )


def _assertion_catches(nodes: Sequence[ast.AST]) -> int:
    """Handlers that catch the assertion itself: nothing inside can fail the test."""
    count = 0
    for node in nodes:
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            count += any(last_name(k) == "AssertionError" for k in kinds)
    return count


def _mark_number(decorators: Sequence[ast.expr], mark: str) -> float | None:
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and last_name(decorator) == mark:
            value = decorator.args[0] if decorator.args else None
            value = value or next((k.value for k in decorator.keywords if k.arg), None)
            return _float(value)
    return None


def _examples(decorators: Sequence[ast.expr]) -> float | None:
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and last_name(decorator) == "settings":
            for keyword in decorator.keywords:
                if keyword.arg == "max_examples":
                    return _float(keyword.value)
    return None


def _float(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return None if isinstance(node.value, bool) else float(node.value)
    return None


def _patches(nodes: Sequence[ast.AST], imports: Mapping[str, str]) -> Iterator[Patch]:
    """Patches among a function's nodes (decorators included): ``mock.patch``,
    ``patch.object``, ``monkeypatch.setattr``."""
    for node in nodes:
        if isinstance(node, ast.Call):
            found = _patch(node, imports)
            if found is not None:
                yield found


def _patch(call: ast.Call, imports: Mapping[str, str]) -> Patch | None:
    name = dotted(call)
    last = name.rsplit(".", 1)[-1]
    if last not in PATCHERS or not call.args:
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if "wraps" in keywords or name.endswith("patch.dict"):
        return None  # a spy, or a dict patched: the code under test still runs
    if last == "setattr" and name.startswith(("monkeypatch", "mp")):
        return _setattr(call, imports)
    if last == "object" and len(call.args) >= 2 and "patch" in name:
        target = _object_target(call.args[0], call.args[1], imports)
        replacement = call.args[2] if len(call.args) > 2 else keywords.get("new")
        return _made(target, replacement, keywords, call)
    if last == "patch" and isinstance(call.args[0], ast.Constant) and "setattr" not in name:
        replacement = call.args[1] if len(call.args) > 1 else keywords.get("new")
        return _made(str(call.args[0].value), replacement, keywords, call)
    return None


def _setattr(call: ast.Call, imports: Mapping[str, str]) -> Patch | None:
    args = call.args
    if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) and len(args) >= 2:
        return _made(args[0].value, args[1], {}, call)
    if len(args) >= 3:
        return _made(_object_target(args[0], args[1], imports), args[2], {}, call)
    return None


def _object_target(owner: ast.expr, attribute: ast.expr, imports: Mapping[str, str]) -> str:
    name = attribute.value if isinstance(attribute, ast.Constant) else "?"
    return f"{resolve(dotted(owner) or '?', imports)}.{name!s}"


def _made(
    target: str, replacement: ast.expr | None, keywords: Mapping[str, ast.expr], call: ast.Call
) -> Patch:
    stubbed = replacement is None or _callable_stand_in(replacement)
    stubbed = stubbed or bool({"return_value", "side_effect", "autospec"} & set(keywords))
    return Patch(target, stubbed, call.lineno, ast.unparse(call))


def _callable_stand_in(node: ast.expr) -> bool:
    if isinstance(node, ast.Lambda):
        return True
    return isinstance(node, ast.Call) and last_name(node).endswith(MOCK_FACTORIES)


def module_facts(tree: ast.Module) -> ModuleFacts:
    every = list(ast.walk(tree))
    imports = imports_of(every)
    return ModuleFacts(
        module_skips=_module_skips(tree),
        collect_ignores=frozenset(_collect_ignores(every)),
        hooks=dict(_hooks(tree)),
        skip_calls=sum(1 for node in every if pyshapes.is_skip_call(node)),
        rebound=tuple(_rebound(every)),
        autouse_patches=tuple(_autouse_patches(every, imports)),
        profiles=dict(_profiles(every)),
        fixtures=dict(_fixtures(every)),
        imports=imports,
    )


def _hooks(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name not in WATCHED_HOOKS and node.name != "pytest_configure":
            continue
        body = ast.unparse(node)
        configures = node.name == "pytest_configure" and any(t in body for t in CONFIGURE_TOKENS)
        if node.name in WATCHED_HOOKS or configures:
            yield node.name, body


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


def _rebound(every: list[ast.AST]) -> Iterator[tuple[int, str]]:
    """Assertion methods or checkers replaced by a function: ``TestCase.assertEqual =
    lambda *a: None``, ``setattr(helpers, "check_json", noop)``."""
    for node in every:
        if isinstance(node, ast.Assign) and _function_like(node.value):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr.startswith(CHECK_PREFIXES):
                    yield target.lineno, ast.unparse(node)
        elif isinstance(node, ast.Call) and dotted(node) == "setattr" and len(node.args) >= 3:
            name = node.args[1]
            checker = isinstance(name, ast.Constant) and str(name.value).startswith(CHECK_PREFIXES)
            if checker and _function_like(node.args[2]):
                yield node.lineno, ast.unparse(node)


def _function_like(node: ast.expr) -> bool:
    """A stand-in function: a lambda, a mock, or a plain name (a function defined nearby)."""
    return isinstance(node, ast.Lambda | ast.Name) or _callable_stand_in(node)


def _autouse_patches(every: list[ast.AST], imports: Mapping[str, str]) -> Iterator[Patch]:
    for node in every:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _autouse(node):
            yield from _patches(list(ast.walk(node)), imports)


def _autouse(function: pyshapes.Function) -> bool:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and last_name(decorator) == "fixture":
            for keyword in decorator.keywords:
                value = keyword.value
                if keyword.arg == "autouse" and isinstance(value, ast.Constant) and value.value:
                    return True
    return False


def _profiles(every: list[ast.AST]) -> Iterator[tuple[str, float]]:
    for node in every:
        if isinstance(node, ast.Call) and last_name(node) == "register_profile" and node.args:
            name = node.args[0]
            for keyword in node.keywords:
                examples = _float(keyword.value)
                if keyword.arg == "max_examples" and examples is not None:
                    yield (str(name.value) if isinstance(name, ast.Constant) else "?"), examples


def _fixtures(every: list[ast.AST]) -> Iterator[tuple[str, str]]:
    for node in every:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if any(last_name(d) == "fixture" for d in node.decorator_list):
            yield node.name, serialize(node.body)
