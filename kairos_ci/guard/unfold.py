"""Unfold a test function into the claims it makes.

The test's statements are followed in order. A local's value is substituted where it is
used (``result = f(2); assert result == 4`` claims ``f(2) == 4``), and so are parametrize
cases, literal loops, fixtures, ``setUp`` attributes and module constants of the patch's
test files; helper functions are inlined. Calls made on a value before an assertion
(``store.put("k", 1)``) become the claim's setup. So a test that is split, moved,
parametrized, converted from unittest or refactored into a helper makes the same claims.
"""

from __future__ import annotations

import ast
import copy
import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.guard.claims import (
    RAISES_CONTEXTS,
    RAISES_CONTEXTS_REGEX,
    Canon,
    Claim,
    canonical_assert,
    canonical_call,
    make_claim,
    raises_canon,
    serialize,
)
from kairos_ci.guard.pyshapes import dotted, is_skip_decorator, last_name

Function = ast.FunctionDef | ast.AsyncFunctionDef
MAX_DEPTH = 4  # helpers calling helpers, fixtures using fixtures
MAX_EXPANSION = 64  # elements of a literal loop followed one by one
MAX_CASES = 256  # parametrize cases (all decorators multiplied)
MAX_CLAIMS = 500  # per test: beyond this the test is compared as it is
RAISING = frozenset({"raises", "assertRaises", "assertRaisesRegex"})
SETUP_METHODS = ("setUpClass", "setup_class", "setUp", "setup_method", "asyncSetUp")
_COMPARISONS: Mapping[type[ast.cmpop], Callable[[Any, Any], object]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}


@dataclass(frozen=True)
class Library:
    """What the patch's test files of one side define, by module path, then by name."""

    helpers: Mapping[str, Mapping[str, Function]]  # module-level non-test functions
    fixtures: Mapping[str, Mapping[str, Function]]
    constants: Mapping[str, Mapping[str, ast.expr]]  # module-level names assigned once
    methods: Mapping[str, Mapping[str, Function]]  # "Class.method" for non-test methods

    def find(
        self, table: Mapping[str, Mapping[str, Function]], path: str, name: str
    ) -> Function | None:
        own = table.get(path, {}).get(name)
        if own is not None:
            return own
        return next((defs[name] for defs in table.values() if name in defs), None)

    def constant(self, path: str, name: str) -> ast.expr | None:
        return self.constants.get(path, {}).get(name)


def library_of(trees: Mapping[str, ast.Module]) -> Library:
    helpers: dict[str, dict[str, Function]] = {}
    fixtures: dict[str, dict[str, Function]] = {}
    constants: dict[str, dict[str, ast.expr]] = {}
    methods: dict[str, dict[str, Function]] = {}
    for path, tree in trees.items():
        helpers[path], fixtures[path], methods[path] = {}, {}, {}
        constants[path] = module_constants(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                fixture = fixture_name(node)
                if fixture is not None:
                    fixtures[path][fixture] = node
                elif not node.name.startswith("test"):
                    helpers[path][node.name] = node
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        methods[path][f"{node.name}.{item.name}"] = item
    return Library(helpers, fixtures, constants, methods)


def fixture_name(function: Function) -> str | None:
    for decorator in function.decorator_list:
        if last_name(decorator) == "fixture":
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                        return str(keyword.value.value)
            return function.name
    return None


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names assigned exactly once (``CASES = [...]``, ``DATA = Path(...)``)."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    values[target.id] = node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            counts[node.target.id] = 2  # annotated or augmented: not a plain constant
    return {name: value for name, value in values.items() if counts[name] == 1}


@dataclass
class Binding:
    value: ast.expr  # substituted
    effects: list[str] = field(default_factory=list)  # statements made on it since
    deps: tuple[str, ...] = ()  # names its value was computed from


@dataclass
class UnfoldFrame:
    names: dict[str, Binding]
    trail: list[str]  # every statement run, serialized: compared for tests asserting nothing
    line: int | None = None  # the caller's line while a helper is inlined
    guards: int = 0  # undecidable ifs around the statement being followed
    params: frozenset[str] = frozenset()  # the function's parameters (fixtures) as they are
    returned: ast.expr | None = None
    returned_setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unfolded:
    claims: tuple[Claim, ...]
    trail: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One parametrize case of a test: its id suffix, its argument values, its skip mark."""

    suffix: str
    values: Mapping[str, ast.expr]
    skipped: bool = False


class Unfolder:
    """Follows one test (or helper) through its statements; collects its claims."""

    def __init__(self, library: Library, path: str, owner: str | None) -> None:
        self.library = library
        self.path = path
        self.owner = owner  # the enclosing class, for self.helpers and setUp
        self.depth = 0
        self.claims: list[Claim] = []

    def test(self, function: Function, case: Case) -> Unfolded:
        params = frozenset(a.arg for a in [*function.args.args, *function.args.kwonlyargs])
        frame = UnfoldFrame(self._class_state(), [], params=params)
        frame.names.update({n: Binding(v) for n, v in case.values.items()})
        frame.names.update(self._fixtures(function, frame.names))
        self._block(frame, function.body)
        return Unfolded(tuple(self.claims), tuple(frame.trail))

    # --- setup: class state and fixtures --------------------------------------------

    def _class_state(self) -> dict[str, Binding]:
        frame = UnfoldFrame({}, [])
        if self.owner is None:
            return frame.names
        for name in SETUP_METHODS:
            method = self.library.methods.get(self.path, {}).get(f"{self.owner}.{name}")
            if method is not None:
                self._block(frame, method.body)
        self.claims.clear()  # assertions in setUp are not the test's own claims
        return {k: v for k, v in frame.names.items() if k.startswith("self.")}

    def _fixtures(self, function: Function, bound: Mapping[str, Binding]) -> dict[str, Binding]:
        found: dict[str, Binding] = {}
        if self.depth >= MAX_DEPTH:
            return found
        for arg in [*function.args.args, *function.args.kwonlyargs]:
            if arg.arg in bound or arg.arg in ("self", "cls"):
                continue
            fixture = self.library.find(self.library.fixtures, self.path, arg.arg)
            if fixture is not None and fixture is not function:
                value = self._fixture_value(fixture)
                if value is not None:
                    found[arg.arg] = value
        return found

    def _fixture_value(self, fixture: Function) -> Binding | None:
        frame = UnfoldFrame({}, [])
        self.depth += 1
        frame.names.update(self._fixtures(fixture, {}))
        self._block(frame, fixture.body)
        self.depth -= 1
        if frame.returned is None:
            return None
        return Binding(frame.returned, list(frame.returned_setup))

    # --- statements -----------------------------------------------------------------

    def _block(self, frame: UnfoldFrame, statements: Sequence[ast.stmt]) -> bool:
        """Follow statements in order; False once one returns (or the test is too big)."""
        for statement in statements:
            if len(self.claims) >= MAX_CLAIMS or not self._statement(frame, statement):
                return False
        return True

    def _statement(self, frame: UnfoldFrame, node: ast.stmt) -> bool:
        if isinstance(node, ast.Assert):
            self._emit(frame, canonical_assert(self.subst(frame, node.test)), node.test, node)
        elif isinstance(node, ast.Expr):
            return self._expression(frame, node)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assign(frame, node)
        elif isinstance(node, ast.Return):
            self._return(frame, node.value)
            return False
        elif isinstance(node, ast.Raise):
            return False
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._define(frame, node)
        else:
            self._compound(frame, node)
        return True

    def _define(self, frame: UnfoldFrame, node: Function | ast.ClassDef) -> None:
        """A function or class defined in the test (a CLI command, a fake): part of the setup
        of every claim that uses it, with the values it closes over substituted in."""
        text = serialize(self._substitute(frame, node, self.depth))
        frame.trail.append(text)
        frame.names[node.name] = Binding(ast.Name(node.name, ast.Load()), [text])

    def _compound(self, frame: UnfoldFrame, node: ast.stmt) -> None:
        if isinstance(node, ast.With | ast.AsyncWith):
            self._with(frame, node)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self._for(frame, node)
        elif isinstance(node, ast.If):
            self._if(frame, node)
        elif isinstance(node, ast.Try | ast.TryStar):
            self._block(frame, node.body)
            for handler in node.handlers:
                self._block(frame, handler.body)
            self._block(frame, node.orelse)
            self._block(frame, node.finalbody)
        elif isinstance(node, ast.While):
            self._block(frame, node.body)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                self._block(frame, case.body)

    def _expression(self, frame: UnfoldFrame, node: ast.Expr) -> bool:
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if isinstance(value, ast.Yield | ast.YieldFrom):
            self._return(frame, value.value)  # a fixture's value; teardown follows
            return False
        if isinstance(value, ast.Call):
            self._call(frame, value, node)
        return True

    def _call(self, frame: UnfoldFrame, call: ast.Call, node: ast.stmt) -> None:
        helper = self._helper(call)
        if helper is not None:
            before = len(self.claims)
            self._inline(frame, helper, call, node)
            if len(self.claims) > before:
                return
            # a helper that checks nothing is a setup step on its arguments
        substituted = self.subst(frame, call)
        canons = canonical_call(substituted) if isinstance(substituted, ast.Call) else None
        if canons is not None and helper is None:
            self._emit(frame, canons, call, node)
        else:
            self._effect(frame, node)

    def _assign(self, frame: UnfoldFrame, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if isinstance(node, ast.AugAssign) or node.value is None:
            self._effect(frame, node)
            return
        value = node.value
        helper = self._helper(value) if isinstance(value, ast.Call) else None
        if helper is not None and isinstance(value, ast.Call):
            returned = self._inline(frame, helper, value, node)
            substituted = returned if returned is not None else self.subst(frame, value)
        else:
            substituted = self.subst(frame, value)
        frame.trail.append(serialize(substituted))
        for target in targets:
            self._bind(frame, target, substituted, tuple(names_in(value)))

    def _bind(
        self, frame: UnfoldFrame, target: ast.expr, value: ast.expr, deps: tuple[str, ...]
    ) -> None:
        token = _token(target)
        if token is not None:
            frame.names[token] = Binding(value, [], deps)
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
            if len(target.elts) == len(value.elts):
                for one, part in zip(target.elts, value.elts, strict=True):
                    self._bind(frame, one, part, deps)
                return
            self._forget(frame, target)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            self._effect(frame, ast.Assign([target], value))
        else:
            self._forget(frame, target)

    def _forget(self, frame: UnfoldFrame, target: ast.AST) -> None:
        for token in names_in(target):
            frame.names.pop(token, None)

    def _return(self, frame: UnfoldFrame, value: ast.expr | None) -> None:
        if value is not None:
            frame.returned = self.subst(frame, value)
            frame.returned_setup = self._setup(frame, value)

    def _with(self, frame: UnfoldFrame, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            context = item.context_expr
            if isinstance(context, ast.Call) and last_name(context) in RAISES_CONTEXTS:
                self._raises(frame, context, node)
                return
        for item in node.items:
            if item.optional_vars is not None:
                self._forget(frame, item.optional_vars)
        self._block(frame, node.body)

    def _raises(
        self, frame: UnfoldFrame, context: ast.Call, node: ast.With | ast.AsyncWith
    ) -> None:
        name = last_name(context)
        kind: ast.expr = context.args[0] if context.args else ast.Name("DeprecationWarning")
        match = next((k.value for k in context.keywords if k.arg == "match"), None)
        if name in RAISES_CONTEXTS_REGEX and len(context.args) > 1:
            match = context.args[1]
        body = _raising_expression(node.body)
        canon = raises_canon(kind, body, match)
        substituted = Canon(self.subst(frame, canon.expr))
        self._emit(frame, [substituted], ast.Module(list(node.body), []), node)
        if name not in RAISING:
            self._block(frame, node.body)  # a warning does not stop the block: its checks run

    def _for(self, frame: UnfoldFrame, node: ast.For | ast.AsyncFor) -> None:
        items = literal_items(self.subst(frame, node.iter))
        if items is None or len(items) > MAX_EXPANSION:
            self._forget(frame, node.target)
            self._block(frame, node.body)
            return
        for item in items:
            self._bind(frame, node.target, item, ())
            if not self._block(frame, node.body):
                return
        self._block(frame, node.orelse)

    def _if(self, frame: UnfoldFrame, node: ast.If) -> None:
        truth = static_truth(self.subst(frame, node.test))
        if truth is None:
            frame.guards += 1
            self._block(frame, node.body)
            self._block(frame, node.orelse)
            frame.guards -= 1
        else:
            self._block(frame, node.body if truth else node.orelse)

    # --- helpers --------------------------------------------------------------------

    def _helper(self, call: ast.Call) -> Function | None:
        """A function or method of the patch's test files that makes claims when called."""
        if self.depth >= MAX_DEPTH:
            return None
        function = call.func
        if isinstance(function, ast.Name):
            helper = self.library.find(self.library.helpers, self.path, function.id)
        elif _is_self(function) and self.owner is not None and isinstance(function, ast.Attribute):
            helper = self.library.methods.get(self.path, {}).get(f"{self.owner}.{function.attr}")
        else:
            return None
        return helper if helper is not None and not _single_return(helper) else None

    def _inline(
        self, frame: UnfoldFrame, helper: Function, call: ast.Call, node: ast.stmt
    ) -> ast.expr | None:
        arguments = self._arguments(frame, helper, call)
        inner = UnfoldFrame(arguments, frame.trail, frame.line or node.lineno, frame.guards)
        self.depth += 1
        self._block(inner, helper.body)
        self.depth -= 1
        return inner.returned

    def _arguments(
        self, frame: UnfoldFrame, helper: Function, call: ast.Call
    ) -> dict[str, Binding]:
        params = [*helper.args.posonlyargs, *helper.args.args]
        if params and params[0].arg in ("self", "cls") and _is_self(call.func):
            params = params[1:]
        given: dict[str, ast.expr] = {}
        if not any(isinstance(a, ast.Starred) for a in call.args):
            given.update({p.arg: a for p, a in zip(params, call.args, strict=False)})
        given.update({k.arg: k.value for k in call.keywords if k.arg is not None})
        defaults = dict(
            zip([p.arg for p in params][::-1], helper.args.defaults[::-1], strict=False)
        )
        bindings: dict[str, Binding] = {}
        for param in [*params, *helper.args.kwonlyargs]:
            value = given.get(param.arg, defaults.get(param.arg))
            if value is not None:
                setup = list(self._setup(frame, value)) if param.arg in given else []
                bindings[param.arg] = Binding(self.subst(frame, value), setup)
        return bindings

    # --- claims and setup -----------------------------------------------------------

    def _emit(
        self, frame: UnfoldFrame, canons: Sequence[Canon], original: ast.AST, node: ast.stmt
    ) -> None:
        setup = self._setup(frame, original)
        line = frame.line or node.lineno
        guarded = frame.guards > 0
        self.claims.extend(make_claim(canon, setup, line, guarded) for canon in canons)

    def _effect(self, frame: UnfoldFrame, node: ast.stmt) -> None:
        if isinstance(node, ast.Expr) and dotted(node.value) in ("print", "breakpoint"):
            return
        text = serialize(self._substitute(frame, node, self.depth))
        frame.trail.append(text)
        for token in names_in(node):
            binding = frame.names.get(token)
            if binding is None and (token in frame.params or token.startswith("self.")):
                # a fixture or attribute we cannot resolve: still the state the step changes
                binding = frame.names[token] = Binding(self.subst(frame, _expression_of(token)))
            if binding is not None:
                binding.effects.append(text)

    def _setup(self, frame: UnfoldFrame, original: ast.AST) -> tuple[str, ...]:
        """The statements made on the names ``original`` uses, and on what they came from."""
        seen: set[str] = set()
        found: list[str] = []
        pending = list(names_in(original))
        while pending:
            token = pending.pop(0)
            binding = frame.names.get(token)
            if token in seen or binding is None:
                continue
            seen.add(token)
            found.extend(e for e in binding.effects if e not in found)
            pending.extend(binding.deps)
        return tuple(found)

    def subst(self, frame: UnfoldFrame, node: ast.expr) -> ast.expr:
        """``node`` with the values of the names it reads substituted in."""
        result = self._substitute(frame, node, self.depth)
        return result if isinstance(result, ast.expr) else node

    def _substitute(self, frame: UnfoldFrame, node: ast.AST, depth: int) -> ast.AST:
        if isinstance(node, ast.Name) and not isinstance(getattr(node, "ctx", None), ast.Store):
            binding = frame.names.get(node.id)
            if binding is not None:
                return binding.value
            constant = self.library.constant(self.path, node.id)
            return constant if constant is not None else node
        if isinstance(node, ast.Attribute) and _is_self(node):
            binding = frame.names.get(f"self.{node.attr}")
            return binding.value if binding is not None else ast.Name(node.attr, ast.Load())
        if isinstance(node, ast.Call) and depth < MAX_DEPTH:
            inlined = self._value_helper(frame, node, depth)
            if inlined is not None:
                return inlined
        return folded(rebuilt(node, lambda child: self._substitute(frame, child, depth)))

    def _value_helper(self, frame: UnfoldFrame, call: ast.Call, depth: int) -> ast.AST | None:
        """``make_order()`` where ``make_order`` only returns an expression: that expression."""
        if not isinstance(call.func, ast.Name):
            return None
        helper = self.library.find(self.library.helpers, self.path, call.func.id)
        if helper is None or not _single_return(helper):
            return None
        returned = _single_return(helper)
        assert returned is not None
        inner = UnfoldFrame(self._arguments(frame, helper, call), [])
        return self._substitute(inner, returned, depth + 1)


def unfold_cases(function: Function, library: Library, path: str) -> list[Case]:
    """The parametrize cases of a test: one unnamed case when it is not parametrized."""
    cases = [Case("", {})]
    for decorator in reversed(function.decorator_list):
        found = _decorator_cases(decorator, library, path)
        if found is None:
            continue
        if len(cases) * len(found) > MAX_CASES:
            return [Case("[?]", {})]
        cases = [_joined(a, b) for b, a in itertools.product(found, cases)]
    return cases


def _joined(first: Case, second: Case) -> Case:
    suffix = "-".join(s.strip("[]") for s in (first.suffix, second.suffix) if s)
    return Case(
        f"[{suffix}]" if suffix else "",
        {**first.values, **second.values},
        first.skipped or second.skipped,
    )


def _raising_expression(body: Sequence[ast.stmt]) -> ast.expr:
    """The expression expected to raise: the block's last statement's."""
    for statement in reversed(body):
        if isinstance(statement, ast.Assert):
            return statement.test
        if isinstance(statement, ast.Expr | ast.Assign | ast.Return) and statement.value:
            return statement.value
    return ast.Constant(None)


def _decorator_cases(decorator: ast.expr, library: Library, path: str) -> list[Case] | None:
    if not (isinstance(decorator, ast.Call) and dotted(decorator).endswith("parametrize")):
        return None
    arguments = {k.arg: k.value for k in decorator.keywords if k.arg}
    names_node = decorator.args[0] if decorator.args else arguments.get("argnames")
    values = decorator.args[1] if len(decorator.args) > 1 else arguments.get("argvalues")
    elements = literal_items(_with_constants(values, library, path)) if values else None
    names = _argnames(names_node)
    if names is None or elements is None:
        return [Case("[?]", {})]
    ids = arguments.get("ids")
    id_nodes = ids.elts if isinstance(ids, ast.List | ast.Tuple) else []
    given_ids = [e.value if isinstance(e, ast.Constant) else None for e in id_nodes]
    return [_case(names, element, index, given_ids) for index, element in enumerate(elements)]


def _with_constants(node: ast.expr, library: Library, path: str) -> ast.expr:
    """``node`` with the module's constants substituted (``list(ROUTES.items())``)."""

    def substitute(child: ast.AST) -> ast.AST:
        if isinstance(child, ast.Name):
            return library.constant(path, child.id) or child
        return rebuilt(child, substitute)

    changed = substitute(node)
    return changed if isinstance(changed, ast.expr) else node


def _argnames(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, ast.List | ast.Tuple):
        names = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        return [str(n) for n in names] if len(names) == len(node.elts) else None
    return None


def _case(names: list[str], element: ast.expr, index: int, given_ids: Sequence[object]) -> Case:
    case_id: object = given_ids[index] if index < len(given_ids) else None
    skipped = False
    if isinstance(element, ast.Call) and last_name(element) == "param":
        keywords = {k.arg: k.value for k in element.keywords if k.arg}
        marks = keywords.get("marks")
        found = marks.elts if isinstance(marks, ast.List | ast.Tuple) else [marks] if marks else []
        skipped = any(is_skip_decorator(m) for m in found)
        named = keywords.get("id")
        case_id = named.value if isinstance(named, ast.Constant) else case_id
        if not element.args:
            return Case(f"[{case_id}]", {}, skipped)
        element = ast.Tuple(list(element.args)) if len(names) > 1 else element.args[0]
    values: dict[str, ast.expr] = {}
    if len(names) == 1:
        values = {names[0]: element}
    elif isinstance(element, ast.Tuple | ast.List) and len(element.elts) == len(names):
        values = dict(zip(names, element.elts, strict=True))
    if case_id is None:
        case_id = "-".join(_id_part(values.get(n), n, index) for n in names)
    return Case(f"[{case_id}]", values, skipped)


def _id_part(value: ast.expr | None, name: str, index: int) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str | int | float | None):
        return f"{value.value}"
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return f"-{value.operand.value!s}"
    return f"{name}{index}"


# --- small tree utilities ---------------------------------------------------------


def names_in(node: ast.AST) -> Iterator[str]:
    """Names and ``self.x`` attributes ``node`` reads, once each, in order."""
    seen: set[str] = set()
    for child in ast.walk(node):
        token = _token(child)
        if token is not None and token not in seen and token not in ("self", "cls"):
            seen.add(token)
            yield token


def _token(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and _is_self(node):
        return f"self.{node.attr}"
    return None


def _is_self(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    )


def _expression_of(token: str) -> ast.expr:
    if token.startswith("self."):
        return ast.Attribute(ast.Name("self", ast.Load()), token[5:], ast.Load())
    return ast.Name(token, ast.Load())


def _single_return(function: Function) -> ast.expr | None:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return body[0].value
    return None


def rebuilt(node: ast.AST, change: Callable[[ast.AST], ast.AST]) -> ast.AST:
    """``node`` with ``change`` applied to its children; the node itself if none changed."""
    updates: dict[str, object] = {}
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            new = change(value)
            if new is not value:
                updates[name] = new
        elif isinstance(value, list) and any(isinstance(v, ast.AST) for v in value):
            items = [change(v) if isinstance(v, ast.AST) else v for v in value]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                updates[name] = items
    if not updates:
        return node
    clone = copy.copy(node)
    for name, value in updates.items():
        setattr(clone, name, value)
    return clone


def folded(node: ast.AST) -> ast.AST:
    """A field read from a record built in place: ``Case(expected=3).expected`` is ``3``,
    ``{"expected": 3}["expected"]`` is ``3`` (parametrize cases written as records)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
        found = [k.value for k in node.value.keywords if k.arg == node.attr]
        return found[0] if found else node
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key, owner = node.slice.value, node.value
        if isinstance(owner, ast.Dict):
            pairs = zip(owner.keys, owner.values, strict=True)
            found = [v for k, v in pairs if isinstance(k, ast.Constant) and k.value == key]
            return found[0] if found else node
        if isinstance(owner, ast.Tuple | ast.List) and isinstance(key, int):
            in_range = -len(owner.elts) <= key < len(owner.elts)
            starred = any(isinstance(e, ast.Starred) for e in owner.elts)
            return owner.elts[key] if in_range and not starred else node
    return node


def literal_items(node: ast.AST) -> list[ast.expr] | None:
    """The elements of a literal iterable (a list, tuple, set, ``dict.items()``, small range,
    any of them through ``list()``, ``tuple()`` or ``sorted()``)."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return list(node.elts)
    if isinstance(node, ast.Call) and dotted(node) in ("list", "tuple", "sorted") and node.args:
        return literal_items(node.args[0]) if len(node.args) == 1 else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if node.func.attr == "items" and isinstance(owner, ast.Dict) and None not in owner.keys:
            pairs = zip(owner.keys, owner.values, strict=True)
            return [ast.Tuple([k, v], ast.Load()) for k, v in pairs if k is not None]
    if isinstance(node, ast.Call) and dotted(node) == "range" and len(node.args) == 1:
        stop = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
        if isinstance(stop, int) and not isinstance(stop, bool) and stop <= MAX_EXPANSION:
            return [ast.Constant(i) for i in range(stop)]
    return None


def static_truth(node: ast.expr) -> bool | None:
    """The truth of a condition made of literals only (after substitution); None if unknown."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = static_truth(node.operand)
        return None if inner is None else not inner
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        compare = _COMPARISONS.get(type(node.ops[0]))
        left, right = _value(node.left), _value(node.comparators[0])
        if compare is None or left is _UNKNOWN or right is _UNKNOWN:
            return None
        try:
            return bool(compare(left, right))
        except TypeError:
            return None
    value = _value(node)
    return None if value is _UNKNOWN else bool(value)


_UNKNOWN = object()


def _value(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN
