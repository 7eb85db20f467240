"""One assertion, normalised: what it checks, against what, and how strongly.

Every assertion form (``assert``, unittest's assert methods, ``pytest.raises``, numpy and
pandas checkers, mock call assertions) is rewritten as one canonical tree and compared as
``ast.dump`` (no positions, no message), so a moved or reformatted assertion is the same
assertion. Strength is a small order: equality on a value > membership, approximation,
bounds and patterns > type checks and exclusions (``!=``, ``is not None``) > truthiness >
nothing (always true).
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kairos_ci.guard.pyshapes import dotted, last_name


class Strength(enum.IntEnum):
    NOTHING = 0  # always true: a constant, x == x, len(x) >= 0
    TRUTHY = 1  # truthiness, any(), a predicate's result
    TYPE = 2  # isinstance, is not None, !=, not in: only rules some values out
    LOOSE = 3  # membership, approximation, bounds, patterns, prefixes
    EXACT = 4  # equality with a value, an exact exception, an exact call


@dataclass(frozen=True)
class Tolerance:
    kind: str  # the function that took it: approx, isclose, assertAlmostEqual...
    width: float | None  # the absolute difference it accepts (None: not a literal)
    text: str  # as written, for messages


@dataclass(frozen=True)
class Canon:
    """An assertion rewritten in canonical form, before its setup is attached."""

    expr: ast.expr
    tolerance: Tolerance | None = None


@dataclass(frozen=True)
class Claim:
    key: str  # the canonical check and its setup: equal keys make the same claim
    shape: str  # the key with every literal blanked: same shape, other values
    subject: str  # what is checked (setup included): a changed input shows here
    expected: str  # what it is checked against: a changed expected value shows here
    relation: str  # "==", "in", "approx", "isinstance", "truthy", "raises", ...
    strength: Strength
    tolerance: Tolerance | None
    expr: ast.expr  # the canonical check
    line: int
    callees: tuple[str, ...]  # dotted names called in the subject, for mock checks
    guarded: bool = False  # only made when an undecidable condition holds
    expected_literal: bool = False  # checked against a literal value

    @property
    def shown(self) -> str:
        """One line, for a verdict's old -> new."""
        text = f"assert {ast.unparse(self.expr)}"
        return f"{text} [{self.tolerance.text}]" if self.tolerance is not None else text


EQUAL_METHODS = frozenset(
    {
        "assertEqual",
        "assertEquals",
        "failUnlessEqual",
        "assertListEqual",
        "assertDictEqual",
        "assertTupleEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertMultiLineEqual",
        "assert_array_equal",
        "assert_equal",
        "assert_frame_equal",
        "assert_series_equal",
        "assert_index_equal",
        "assert_extension_array_equal",
    }
)
COMPARE_METHODS: Mapping[str, type[ast.cmpop]] = {
    "assertNotEqual": ast.NotEq,
    "assertNotEquals": ast.NotEq,
    "assertIs": ast.Is,
    "assertIsNot": ast.IsNot,
    "assertIn": ast.In,
    "assertNotIn": ast.NotIn,
    "assertGreater": ast.Gt,
    "assertGreaterEqual": ast.GtE,
    "assertLess": ast.Lt,
    "assertLessEqual": ast.LtE,
}
APPROX_METHODS = frozenset(
    {"assertAlmostEqual", "assert_allclose", "assert_almost_equal", "assert_array_almost_equal"}
)
# pandas checkers: these keywords, set to False, make the comparison looser than equality;
# check_like and check_less_precise loosen it when set.
STRICT_KEYWORDS = frozenset(
    {
        "check_dtype",
        "check_exact",
        "check_names",
        "check_index_type",
        "check_column_type",
        "check_categorical",
        "check_freq",
    }
)
LAX_KEYWORDS = frozenset({"check_like", "check_less_precise"})
PROJECTIONS = frozenset({"set", "frozenset", "sorted", "Counter", "collections.Counter"})
MOCK_STRENGTH: Mapping[str, Strength] = {
    "assert_called_once_with": Strength.EXACT,
    "assert_called_with": Strength.EXACT,
    "assert_not_called": Strength.EXACT,
    "assert_awaited_once_with": Strength.EXACT,
    "assert_awaited_with": Strength.EXACT,
    "assert_not_awaited": Strength.EXACT,
    "assert_any_call": Strength.LOOSE,
    "assert_has_calls": Strength.LOOSE,
    "assert_called_once": Strength.LOOSE,
    "assert_awaited_once": Strength.LOOSE,
    "assert_any_await": Strength.LOOSE,
    "assert_has_awaits": Strength.LOOSE,
    "assert_called": Strength.TYPE,
    "assert_awaited": Strength.TYPE,
}
RAISES_CONTEXTS = frozenset(
    {"raises", "warns", "deprecated_call", "assertRaises", "assertRaisesRegex", "assertWarns"}
)
RAISES_CONTEXTS_REGEX = frozenset({"assertRaisesRegex", "assertWarnsRegex"})
PATTERN_METHODS = frozenset({"startswith", "endswith", "issubset", "issuperset", "__contains__"})
PATTERN_FUNCTIONS = frozenset({"match", "fullmatch", "search", "fnmatch"})
TYPE_FUNCTIONS = frozenset({"isinstance", "issubclass", "hasattr", "callable"})
EXACT_FUNCTIONS = frozenset({"array_equal", "array_equiv", "equal"})
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
# Tolerance arguments: (keyword, position or None, default) per tolerance-taking function.
TOLERANCE_ARGS: Mapping[str, tuple[tuple[str, int | None, float | None], ...]] = {
    "approx": (("rel", 1, 1e-6), ("abs", 2, 1e-12)),
    "isclose": (
        ("rel_tol", None, 1e-9), ("abs_tol", None, 0.0), ("rtol", 2, 1e-5), ("atol", 3, 1e-8),
    ),
    "allclose": (("rtol", 2, 1e-5), ("atol", 3, 1e-8)),
    "assert_allclose": (("rtol", 2, 1e-7), ("atol", 3, 0.0)),
    "assertAlmostEqual": (("places", 2, 7.0), ("delta", None, None)),
    "assertNotAlmostEqual": (("places", 2, 7.0), ("delta", None, None)),
    "assert_almost_equal": (("decimal", 2, 7.0),),
    "assert_array_almost_equal": (("decimal", 2, 6.0),),
}  # fmt: skip


def canonical_assert(test: ast.expr) -> list[Canon]:
    """``assert test``: one canon per conjunct (``a and b`` makes two claims)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [c for value in test.values for c in canonical_assert(value)]
    return [_canon(test)]


def canonical_call(call: ast.Call) -> list[Canon] | None:
    """An assertion call (unittest, numpy, pandas, mock, fail) as canons; None if not one."""
    name = last_name(call)
    args = call.args
    if name in ("assertTrue", "assert_", "failUnless") and args:
        return canonical_assert(args[0])
    if name in ("assertFalse", "failIf") and args:
        return [_canon(ast.UnaryOp(ast.Not(), args[0]))]
    if name in EQUAL_METHODS and len(args) >= 2:
        return [_equal_call(call)]
    if name in COMPARE_METHODS and len(args) >= 2:
        return [_canon(ast.Compare(args[0], [COMPARE_METHODS[name]()], [args[1]]))]
    return _other_call(call, name)


def _other_call(call: ast.Call, name: str) -> list[Canon] | None:
    args = call.args
    if name in ("assertIsNone", "assertIsNotNone") and args:
        op: ast.cmpop = ast.Is() if name == "assertIsNone" else ast.IsNot()
        return [_canon(ast.Compare(args[0], [op], [ast.Constant(None)]))]
    if name in ("assertIsInstance", "assertNotIsInstance") and len(args) >= 2:
        check: ast.expr = ast.Call(ast.Name("isinstance"), args[:2], [])
        return [_canon(check if name == "assertIsInstance" else ast.UnaryOp(ast.Not(), check))]
    if name in ("assertRegex", "assertNotRegex") and len(args) >= 2:
        found: ast.expr = ast.Call(ast.Name("search"), [args[1], args[0]], [])
        return [_canon(found if name == "assertRegex" else ast.UnaryOp(ast.Not(), found))]
    if name in APPROX_METHODS or name == "assertNotAlmostEqual":
        return [_approx_call(call, name)] if len(args) >= 2 else None
    if name == "assertCountEqual" and len(args) >= 2:
        return [Canon(ast.Call(ast.Name("same_items"), args[:2], []))]
    if name in ("assertRaises", "assertRaisesRegex", "assertWarns") and len(args) >= 2:
        return [_raises_callable(call, name)]
    if name in ("raises", "warns") and len(args) >= 2 and "." in dotted(call):
        return [raises_canon(args[0], ast.Call(args[1], args[2:], call.keywords), None)]
    return _mock_or_fail(call, name)


def _mock_or_fail(call: ast.Call, name: str) -> list[Canon] | None:
    if name in MOCK_STRENGTH and isinstance(call.func, ast.Attribute):
        return [Canon(call)]
    if name == "fail" or dotted(call) in ("self.fail", "pytest.fail"):
        return [Canon(ast.Call(ast.Name("fail"), [], []))]
    if name.startswith("assert"):
        return [Canon(ast.Call(ast.Name(name), call.args, call.keywords))]  # opaque checker
    return None


def raises_canon(kind: ast.expr, body: ast.expr, match: ast.expr | None) -> Canon:
    keywords = [ast.keyword("match", match)] if match is not None else []
    return Canon(ast.Call(ast.Name("raises"), [kind, body], keywords))


def _raises_callable(call: ast.Call, name: str) -> Canon:
    args = call.args
    regex = name == "assertRaisesRegex"
    rest = args[2:] if regex else args[1:]
    if not rest:
        return raises_canon(args[0], ast.Constant(None), args[1] if regex else None)
    body = ast.Call(rest[0], rest[1:], call.keywords)
    return raises_canon(args[0], body, args[1] if regex else None)


def _equal_call(call: ast.Call) -> Canon:
    loose = [k for k in call.keywords if _loosening(k)]
    if loose:
        return Canon(ast.Call(ast.Name("similar"), call.args[:2], loose))
    return _canon(ast.Compare(call.args[0], [ast.Eq()], [call.args[1]]))


def _loosening(keyword: ast.keyword) -> bool:
    value = keyword.value.value if isinstance(keyword.value, ast.Constant) else True
    if keyword.arg in STRICT_KEYWORDS:
        return not value
    return keyword.arg in LAX_KEYWORDS and bool(value)


def _approx_call(call: ast.Call, name: str) -> Canon:
    actual, expected = call.args[0], call.args[1]
    op: ast.cmpop = ast.NotEq() if name == "assertNotAlmostEqual" else ast.Eq()
    approx = ast.Call(ast.Name("approx"), [expected], [])
    return Canon(ast.Compare(actual, [op], [approx]), _tolerance(name, call, expected))


def _canon(test: ast.expr) -> Canon:
    test = _without_negation(test)
    if isinstance(test, ast.Call) and last_name(test) in ("isclose", "allclose") and test.args:
        return _closeness(test)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _comparison(test)
    return Canon(test)


def _without_negation(test: ast.expr) -> ast.expr:
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return test
    inner = test.operand
    if isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.Not):
        return _without_negation(inner.operand)
    if isinstance(inner, ast.Compare) and len(inner.ops) == 1:
        return ast.Compare(inner.left, [negated(inner.ops[0])], inner.comparators)
    return test


def negation(expr: ast.expr) -> ast.expr:
    """The canonical check asserting the opposite of ``expr``."""
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1:
        return ast.Compare(expr.left, [negated(expr.ops[0])], expr.comparators)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return expr.operand
    return ast.UnaryOp(ast.Not(), expr)


def negated(op: ast.cmpop) -> ast.cmpop:
    pairs: list[tuple[type[ast.cmpop], type[ast.cmpop]]] = [
        (ast.Eq, ast.NotEq),
        (ast.Is, ast.IsNot),
        (ast.In, ast.NotIn),
        (ast.Lt, ast.GtE),
        (ast.Gt, ast.LtE),
    ]
    for one, other in pairs:
        if isinstance(op, one):
            return other()
        if isinstance(op, other):
            return one()
    return op


def _closeness(test: ast.Call) -> Canon:
    """``math.isclose(a, b, rel_tol=...)`` and numpy's: ``a == approx(b)`` with a tolerance."""
    if len(test.args) < 2:
        return Canon(test)
    actual, expected = test.args[0], test.args[1]
    approx = ast.Call(ast.Name("approx"), [expected], [])
    tolerance = _tolerance(last_name(test), test, expected)
    return Canon(ast.Compare(actual, [ast.Eq()], [approx]), tolerance)


def _comparison(test: ast.Compare) -> Canon:
    left, op, right = test.left, test.ops[0], test.comparators[0]
    symmetric = isinstance(op, ast.Eq | ast.NotEq)
    if symmetric and _expected_first(left, right):
        left, right = right, left  # the expected value on the right, whatever the style
    for side in (right, left):
        if symmetric and isinstance(side, ast.Call) and last_name(side) == "approx" and side.args:
            actual = left if side is right else right
            approx = ast.Call(ast.Name("approx"), side.args[:1], [])
            tolerance = _tolerance("approx", side, side.args[0])
            return Canon(ast.Compare(actual, [op], [approx]), tolerance)
    return Canon(ast.Compare(left, [op], [right]))


def _expected_first(left: ast.expr, right: ast.expr) -> bool:
    """Is the expected value written first (``4 == add(2, 2)``)? Two non-literals: by text."""
    left_literal, right_literal = is_literal(left), is_literal(right)
    if left_literal != right_literal:
        return left_literal
    return serialize(left) > serialize(right)


def is_literal(node: ast.AST) -> bool:
    """Only constants (in containers, with signs and arithmetic): an expected value."""
    if isinstance(node, ast.Call):
        return last_name(node) == "approx" and all(is_literal(a) for a in node.args)
    allowed = (
        ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp,
        ast.expr_context, ast.unaryop, ast.operator, ast.keyword,
    )  # fmt: skip
    return all(isinstance(n, allowed) for n in ast.walk(node))


def _tolerance(kind: str, call: ast.Call, expected: ast.expr) -> Tolerance:
    spec = TOLERANCE_ARGS.get(kind, ())
    given: dict[str, ast.expr] = {k.arg: k.value for k in call.keywords if k.arg}
    for key, position, _ in spec:
        if position is not None and len(call.args) > position and key not in given:
            given[key] = call.args[position]
    values = {key: _number(node) for key, node in given.items()}
    text = ", ".join(f"{k}={ast.unparse(v)}" for k, v in sorted(given.items())) or "default"
    if any(values.get(key) is None for key, _, _ in spec if key in given):
        return Tolerance(kind, None, text)  # not a literal: cannot say how wide
    settings = {key: values.get(key, default) for key, _, default in spec}
    return Tolerance(kind, _width(kind, settings, _magnitude(expected)), text)


def _width(kind: str, settings: Mapping[str, float | None], magnitude: float) -> float:
    def get(key: str) -> float:
        return settings.get(key) or 0.0

    if kind == "approx":
        return max(get("rel") * magnitude, get("abs"))
    if kind in ("assertAlmostEqual", "assertNotAlmostEqual"):
        return get("delta") if settings.get("delta") else 0.5 * 10 ** -get("places")
    if kind in ("assert_almost_equal", "assert_array_almost_equal"):
        return 1.5 * 10 ** -get("decimal")
    if kind == "isclose" and (settings.get("rel_tol") or settings.get("abs_tol")):
        return max(get("rel_tol") * magnitude, get("abs_tol"))
    return get("atol") + get("rtol") * magnitude


def _magnitude(expected: ast.expr) -> float:
    numbers = [abs(v) for v in (_number(n) for n in ast.walk(expected)) if v is not None]
    return max(numbers, default=1.0) or 1.0


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return None if isinstance(node.value, bool) else float(node.value)
    return None


# --- strength -------------------------------------------------------------------------


def judge(expr: ast.expr) -> tuple[str, Strength]:
    """The relation a canonical check asserts, and its strength."""
    if isinstance(expr, ast.Constant):
        return ("always", Strength.NOTHING) if expr.value else ("fail", Strength.EXACT)
    if isinstance(expr, ast.BoolOp):
        return _judge_alternatives(expr)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        if isinstance(expr.operand, ast.Constant):
            return (
                ("always", Strength.NOTHING) if not expr.operand.value else ("fail", Strength.EXACT)
            )
        if isinstance(expr.operand, ast.Call) and last_name(expr.operand) in TYPE_FUNCTIONS:
            return "not-isinstance", Strength.TYPE
        return "falsy", Strength.TRUTHY
    if isinstance(expr, ast.Compare):
        return _judge_compare(expr)
    if isinstance(expr, ast.Call):
        return _judge_call(expr)
    return "truthy", Strength.TRUTHY


def _judge_alternatives(expr: ast.BoolOp) -> tuple[str, Strength]:
    parts = [judge(v)[1] for v in expr.values]
    if isinstance(expr.op, ast.And):
        return "and", max(parts)
    if Strength.NOTHING in parts:
        return "always", Strength.NOTHING
    return "or", min(min(parts), Strength.LOOSE)  # either of two answers accepted


def _judge_compare(expr: ast.Compare) -> tuple[str, Strength]:
    if len(expr.ops) > 1:
        return "range", Strength.LOOSE
    left, op, right = expr.left, expr.ops[0], expr.comparators[0]
    reflexive = isinstance(op, ast.Eq | ast.Is | ast.GtE | ast.LtE)
    if reflexive and serialize(left) == serialize(right):
        return "self", Strength.NOTHING
    if _sized(left) and isinstance(right, ast.Constant):
        return _judge_size(op, right.value)
    if isinstance(op, ast.Eq) and _empty(right):
        return "empty", Strength.EXACT  # an empty value: equivalent to `not x` for its type
    if isinstance(op, ast.Eq | ast.Is):
        return ("derived", Strength.LOOSE) if _derived(left, right) else _judge_equal(left, right)
    if isinstance(op, ast.NotEq | ast.IsNot):
        none = isinstance(right, ast.Constant) and right.value is None
        return ("is not None" if none else "!="), Strength.TYPE
    if isinstance(op, ast.In):
        return "in", Strength.LOOSE
    if isinstance(op, ast.NotIn):
        return "not in", Strength.TYPE
    return "bound", Strength.LOOSE


def _empty(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ("", b"")
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    constructors = ("set", "dict", "list", "tuple")
    return isinstance(node, ast.Call) and dotted(node) in constructors and not node.args


def _derived(left: ast.expr, right: ast.expr) -> bool:
    """Is one side computed from the other (``x == sorted(x)``)? Then only a property of
    the value is checked, not the value."""
    if is_literal(left) or is_literal(right):
        return False
    a, b = serialize(left), serialize(right)
    return a in b or b in a


def _sized(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and dotted(node) == "len"


def _judge_size(op: ast.cmpop, value: object) -> tuple[str, Strength]:
    if (isinstance(op, ast.GtE) and value in (0, -1)) or (isinstance(op, ast.Gt) and value == -1):
        return "always", Strength.NOTHING
    if (isinstance(op, ast.Gt) and value == 0) or (isinstance(op, ast.GtE) and value == 1):
        return "non-empty", Strength.TRUTHY
    if isinstance(op, ast.NotEq) and value == 0:
        return "non-empty", Strength.TRUTHY
    if isinstance(op, ast.Eq | ast.Is) and value == 0:
        return "empty", Strength.TRUTHY  # as strong as `not x`, which linters prefer
    if isinstance(op, ast.Eq | ast.Is):
        return "length", Strength.LOOSE  # the size of the value, not the value
    return ("!=", Strength.TYPE) if isinstance(op, ast.NotEq) else ("bound", Strength.LOOSE)


def _judge_equal(left: ast.expr, right: ast.expr) -> tuple[str, Strength]:
    if isinstance(right, ast.Call) and last_name(right) == "approx":
        return "approx", Strength.LOOSE
    if any(dotted(side).endswith("ANY") for side in (left, right)):
        return "always", Strength.NOTHING  # mock.ANY equals anything
    if any(isinstance(s, ast.Call) and dotted(s) == "type" for s in (left, right)):
        return "type", Strength.TYPE
    if isinstance(left, ast.Call) and dotted(left) in PROJECTIONS and len(left.args) == 1:
        return "projection", Strength.LOOSE  # its members or order, not the value itself
    return "==", Strength.EXACT


def _judge_call(expr: ast.Call) -> tuple[str, Strength]:
    name = last_name(expr)
    if name == "raises":
        return "raises", _raises_strength(expr)
    if name in MOCK_STRENGTH and isinstance(expr.func, ast.Attribute):
        return "called", MOCK_STRENGTH[name]
    if name in TYPE_FUNCTIONS:
        anything = len(expr.args) > 1 and dotted(expr.args[1]) == "object"
        return ("always", Strength.NOTHING) if anything else ("isinstance", Strength.TYPE)
    if name in ("all", "any") and expr.args:
        return _judge_quantifier(name, expr.args[0])
    if name in PATTERN_METHODS | PATTERN_FUNCTIONS or name in ("same_items", "similar"):
        return "pattern", Strength.LOOSE
    if name in EXACT_FUNCTIONS:
        return "==", Strength.EXACT
    if name in ("fail",) or (isinstance(expr.func, ast.Name) and name.startswith("assert")):
        return ("fail" if name == "fail" else "call"), Strength.EXACT
    return "predicate", Strength.TRUTHY


def _judge_quantifier(name: str, argument: ast.expr) -> tuple[str, Strength]:
    inner = Strength.TRUTHY
    if isinstance(argument, ast.GeneratorExp | ast.ListComp):
        inner = judge(argument.elt)[1]
    if name == "any":
        return "any", min(inner, Strength.TRUTHY)
    return "all", min(inner, Strength.LOOSE)


def _raises_strength(expr: ast.Call) -> Strength:
    kind = expr.args[0] if expr.args else ast.Constant(None)
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    if any(last_name(k) in BROAD_EXCEPTIONS for k in kinds):
        return Strength.TRUTHY  # anything raised passes
    if any(k.arg == "match" for k in expr.keywords):
        return Strength.EXACT
    return Strength.LOOSE


# --- the claim ------------------------------------------------------------------------


def make_claim(canon: Canon, context: tuple[str, ...], line: int, guarded: bool = False) -> Claim:
    """The claim of a canonical check made after the setup statements in ``context``;
    ``guarded``: made only when an ``if`` the guard cannot decide goes its way."""
    expr, tolerance = canon.expr, canon.tolerance
    relation, strength = judge(expr)
    memo: dict[int, str] = {}
    subject, expected = _sides(expr)
    setup = "|".join(context) + ("|if" if guarded else "")
    key = f"{serialize(expr, memo)}|{setup}{_tolerance_key(tolerance)}"
    return Claim(
        key=key,
        shape=blank(key if tolerance is None else key.rsplit("~", 1)[0]),
        subject=f"{serialize(subject, memo)}|{setup}" if subject is not None else setup,
        expected=serialize(expected, memo) if expected is not None else "",
        expected_literal=expected is not None and is_literal(expected),
        relation=relation,
        strength=strength,
        tolerance=tolerance,
        expr=expr,
        line=line,
        callees=tuple(sorted(set(called_names(subject)))) if subject is not None else (),
        guarded=guarded,
    )


def approx_centre(claim: Claim) -> float | None:
    """The expected number of an approximate check (``x == approx(2.5)``), if a literal."""
    expr = claim.expr
    if not (isinstance(expr, ast.Compare) and len(expr.comparators) == 1):
        return None
    approx = expr.comparators[0]
    if isinstance(approx, ast.Call) and approx.args:
        return _number(approx.args[0])
    return None


def serialize(node: object, memo: dict[int, str] | None = None) -> str:
    """A canonical text for a tree: node types and fields, no positions, contexts or kinds."""
    if isinstance(node, ast.AST):
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        fields = ",".join(
            serialize(getattr(node, name, None), memo)
            for name in node._fields
            if name not in _SKIPPED_FIELDS
        )
        text = f"{type(node).__name__}({fields})"
        if memo is not None:
            memo[id(node)] = text
        return text
    if isinstance(node, list):
        return "[" + ",".join(serialize(item, memo) for item in node) + "]"
    return repr(node)


def blank(text: str) -> str:
    """A serialized tree with every constant (signed numbers included) blanked: its shape."""
    return _SIGNED.sub("Constant(?)", _CONSTANT.sub("Constant(?)", text))


def _tolerance_key(tolerance: Tolerance | None) -> str:
    if tolerance is None:
        return ""
    return f"~{tolerance.width:.3g}" if tolerance.width is not None else f"~{tolerance.text}"


def _sides(expr: ast.expr) -> tuple[ast.AST | None, ast.AST | None]:
    """(what is checked, what it is checked against)."""
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1:
        left, right = expr.left, expr.comparators[0]
        if is_literal(left) and not is_literal(right):
            return right, left
        return left, right
    if isinstance(expr, ast.Call):
        return _call_sides(expr)
    if isinstance(expr, ast.UnaryOp):
        return _sides(expr.operand)
    return expr, None


def _call_sides(expr: ast.Call) -> tuple[ast.AST | None, ast.AST | None]:
    name = last_name(expr)
    args = expr.args
    if name == "raises" and len(args) == 2:
        return args[1], ast.Tuple([args[0], *[k.value for k in expr.keywords]])
    if name in MOCK_STRENGTH and isinstance(expr.func, ast.Attribute):
        return expr.func.value, ast.Tuple([*args, *[k.value for k in expr.keywords]])
    if name in PATTERN_METHODS and isinstance(expr.func, ast.Attribute):
        return expr.func.value, ast.Tuple(list(args))
    if not args:
        return expr, None
    literal = [a for a in args if is_literal(a)]
    actual = [a for a in args if not is_literal(a)]
    if not actual:
        return expr, None
    return ast.Tuple(actual), ast.Tuple([*literal, *[k.value for k in expr.keywords]])


def called_names(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            name = dotted(child)
            if name:
                yield name


_SKIPPED_FIELDS = frozenset({"ctx", "kind", "type_comment"})
_SIGNED = re.compile(r"UnaryOp\((?:USub|UAdd)\(\),Constant\(\?\)\)")
_CONSTANT = re.compile(r"""Constant\((?:b?'(?:[^'\\]|\\.)*'|b?"(?:[^"\\]|\\.)*"|[^()'"]*)\)""")
