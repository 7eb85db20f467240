"""Compare a Python test module's base and head facts: what got weaker?"""

from __future__ import annotations

import ast
import difflib
from collections import Counter
from collections.abc import Iterator

from kairos_ci.guard.pyfacts import ModuleFacts, TestFacts
from kairos_ci.guard.records import Rule, Verdict

RENAME_SIMILARITY = 0.8
MAX_SHOWN = 2
LOOSER_WHEN_SMALLER = frozenset({"places", "decimal"})
DEFAULTS = {
    ("approx", "rel"): 1e-6,
    ("approx", "abs"): 1e-12,
    ("isclose", "rel_tol"): 1e-9,
    ("isclose", "abs_tol"): 0.0,
    ("isclose", "rtol"): 1e-5,
    ("isclose", "atol"): 1e-8,
    ("allclose", "rtol"): 1e-5,
    ("allclose", "atol"): 1e-8,
    ("assert_allclose", "rtol"): 1e-7,
    ("assert_allclose", "atol"): 0.0,
    ("assertAlmostEqual", "places"): 7,
    ("assertAlmostEqual", "delta"): 0.0,
    ("assertNotAlmostEqual", "places"): 7,
    ("assert_almost_equal", "decimal"): 7,
    ("assert_array_almost_equal", "decimal"): 6,
}


def compare_modules(path: str, base: ModuleFacts, head: ModuleFacts) -> Iterator[Verdict]:
    yield from _module_level(path, base, head)
    added = {name: t for name, t in head.tests.items() if name not in base.tests}
    for name, before in base.tests.items():
        after = head.tests.get(name)
        if after is None:
            yield _removed(path, before, added, head)
        else:
            yield from compare_tests(path, before, after)


def _module_level(path: str, base: ModuleFacts, head: ModuleFacts) -> Iterator[Verdict]:
    if head.module_skips > base.module_skips:
        yield Verdict(Rule.SKIP_ADDED, path, None, "a module-level skip or xfail was added")
    new_ignores = sorted(head.collect_ignores - base.collect_ignores)
    if new_ignores:
        shown = ", ".join(repr(i) for i in new_ignores[:MAX_SHOWN])
        yield Verdict(Rule.TESTS_DESELECTED, path, None, f"collect_ignore gained {shown}")
    for hook, body in head.hooks.items():
        if base.hooks.get(hook) != body:
            rule = Rule.TESTS_DESELECTED if "collect" in hook else Rule.GATE_WEAKENED
            message = f"hook {hook}, which decides what runs or how it is reported, was changed"
            yield Verdict(rule, path, None, message)
    if head.skip_calls > base.skip_calls and not head.tests and not base.tests:
        yield Verdict(Rule.SKIP_ADDED, path, None, "a pytest.skip/xfail call was added")


def _removed(
    path: str, before: TestFacts, added: dict[str, TestFacts], head: ModuleFacts
) -> Verdict:
    for candidate in added.values():
        if _similar(before.body, candidate.body) and candidate.weight >= before.weight:
            return Verdict(
                Rule.TEST_RENAMED,
                path,
                candidate.line,
                f"{before.name} renamed to {candidate.name}",
                before.name,
            )
    for candidate in head.other.values():
        if _similar(before.body, candidate.body):
            message = f"renamed to {candidate.name}, which pytest does not collect"
            return Verdict(Rule.TEST_REMOVED, path, candidate.line, message, before.name)
    return Verdict(Rule.TEST_REMOVED, path, None, "the test was deleted", before.name)


def _similar(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= RENAME_SIMILARITY


def compare_tests(path: str, base: TestFacts, head: TestFacts) -> Iterator[Verdict]:
    line, name = head.line, head.name

    def verdict(rule: Rule, message: str) -> Verdict:
        return Verdict(rule, path, line, message, name)

    if head.skips > base.skips:
        yield verdict(Rule.SKIP_ADDED, "a skip, xfail or early return was added")
    if head.weight < base.weight:
        yield verdict(Rule.ASSERTION_REMOVED, f"{base.weight} assertions before, {head.weight} now")
    yield from (verdict(Rule.ASSERTION_WEAKENED, m) for m in _weakened(base, head))
    if head.broad_handlers > base.broad_handlers:
        yield verdict(Rule.BROAD_EXCEPT, "a broad exception handler was added around the test")
    yield from (verdict(Rule.TOLERANCE_LOOSENED, m) for m in _loosened(base, head))
    changed = _changed_strong(base, head)
    if changed and head.weight >= base.weight:
        yield verdict(Rule.ASSERTION_CHANGED, changed)


def _weakened(base: TestFacts, head: TestFacts) -> Iterator[str]:
    new_tautologies = Counter(head.tautologies) - Counter(base.tautologies)
    if new_tautologies:
        yield f"always-true assertion added: {_show(new_tautologies)}"
    new_weak = Counter(head.weak) - Counter(base.weak)
    lost_strong = Counter(base.strong) - Counter(head.strong)
    if new_weak and len(head.strong) < len(base.strong):
        yield f"{_show(lost_strong)} became {_show(new_weak)}"
    if _broad_raises(head) > _broad_raises(base):
        yield "an expected exception type was broadened to Exception"


def _broad_raises(facts: TestFacts) -> int:
    return sum(r.split(".")[-1] in ("Exception", "BaseException") for r in facts.raises)


def _changed_strong(base: TestFacts, head: TestFacts) -> str | None:
    """Assertions that kept their shape but changed a value: an expectation was edited."""
    gone = Counter(base.strong) - Counter(head.strong)
    new = Counter(head.strong) - Counter(base.strong)
    shapes = {_shape(text): text for text in new}
    pairs = [(old, shapes[_shape(old)]) for old in gone if _shape(old) in shapes]
    if not pairs:
        return None
    before, after = Counter(p[0] for p in pairs), Counter(p[1] for p in pairs)
    return f"{_show(before)} became {_show(after)}"


def _shape(text: str) -> str:
    """The assertion with every literal (negative numbers included) blanked out."""
    return ast.dump(_Blank().visit(ast.parse(text)))


class _Blank(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant(None)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.operand, ast.Constant):
            return ast.Constant(None)
        return self.generic_visit(node)


def _loosened(base: TestFacts, head: TestFacts) -> Iterator[str]:
    base_kinds = Counter(kind for kind, _ in base.tolerances)
    head_kinds = Counter(kind for kind, _ in head.tolerances)
    for kind in ("approx", "isclose", "allclose", "assert_allclose", "assertAlmostEqual"):
        if head_kinds[kind] > base_kinds[kind]:
            yield f"an exact comparison was replaced by {kind}"
    for (kind, before), (kind_after, after) in zip(base.tolerances, head.tolerances, strict=False):
        if kind != kind_after:
            continue
        old, new = dict(before), dict(after)
        for key, value in new.items():
            if _looser(kind, key, old.get(key), value):
                yield f"{kind} {key} loosened from {old.get(key, 'the default')} to {value}"


def _looser(kind: str, key: str, old: str | None, new: str) -> bool:
    before = _number(old) if old is not None else DEFAULTS.get((kind, key))
    after = _number(new)
    if before is None or after is None:
        return old != new  # not a literal: cannot prove it is not looser, so fail closed
    return after < before if key in LOOSER_WHEN_SMALLER else after > before


def _number(text: str) -> float | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _show(items: Counter[str]) -> str:
    shown = [f"`{_short(text)}`" for text in list(items)[:MAX_SHOWN]]
    more = len(items) - MAX_SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."
