"""Every test the base collected is still collected, or its loss is explained.

A test id lost between base and head is explained when each of its claims is still made
somewhere in the head (the test was renamed, moved, split, merged into a parametrize
table, or removed as a duplicate), or was paired with a head claim judged honest.
Otherwise the test was removed. Claims lost from tests that still exist are judged the
same way (see rewrites.py). This works from the two trees alone; ids collected by
``pytest --collect-only -q`` on both sides can be given too: a lost id whose file the
patch did not touch was deselected by configuration.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from kairos_ci.guard.claims import Claim
from kairos_ci.guard.records import Category, CollectedRuns, GuardRule, GuardVerdict, shown
from kairos_ci.guard.rewrites import LocatedClaim, Pairing, pair_claims
from kairos_ci.guard.suite import CollectedTest, Suite
from kairos_ci.guard.testfacts import ModuleFacts

MAX_SHOWN = 3


@dataclass(frozen=True)
class SuitePair:
    base: Suite
    head: Suite
    moves: Mapping[str, str]  # renamed files: old path -> new path
    retired: frozenset[str] = frozenset()  # functions and classes the patch removed from code
    elsewhere: Mapping[str, str] = field(default_factory=dict)  # claim key -> unchanged test


def compare_tests(pair: SuitePair) -> Iterator[GuardVerdict]:
    """Verdicts on the collected tests: lost, weakened, rewritten, skipped, refactored."""
    base = _moved_tests(pair)
    head = pair.head.tests
    pairing = _pairing(base, head, pair.elsewhere)
    yield from (j.verdict for j in pairing.judged if j.verdict is not None)
    unpaired: defaultdict[str, list[LocatedClaim]] = defaultdict(list)
    for item in pairing.unpaired:
        unpaired[item.owner].append(item)
    judged_owners = {j.lost.owner for j in pairing.judged if j.verdict and j.verdict.flagged}
    index = _Index(
        base, _holders(head, pair.elsewhere), {s for t in head.values() for s in t.trail}
    )
    for test_id, test in base.items():
        now = head.get(test_id)
        if now is not None:
            yield from _still_there(test, now, unpaired.get(test_id, []))
        elif test_id not in judged_owners or test_id in unpaired:
            yield _lost(_Lost(test, unpaired.get(test_id, [])), pair, index)


@dataclass(frozen=True)
class _Index:
    """What explains a lost test: the base's tests, who makes each claim now, what runs."""

    base: Mapping[str, CollectedTest]
    holders: Mapping[str, list[str]]  # claim key -> head (or unchanged) tests making it
    trails: set[str]  # every statement the head's tests run


def _moved_id(test_id: str, moves: Mapping[str, str]) -> str:
    path, _, rest = test_id.partition("::")
    return f"{moves.get(path, path)}::{rest}"


def _moved_tests(pair: SuitePair) -> dict[str, CollectedTest]:
    """The base's tests by id, with the paths of renamed files already renamed."""
    return {_moved_id(test_id, pair.moves): t for test_id, t in pair.base.tests.items()}


def lost_claims(pair: SuitePair) -> list[Claim]:
    """Claims the base's tests make and no head test does."""
    head_keys = {c.key for t in pair.head.tests.values() for c in t.claims}
    return [c for t in pair.base.tests.values() for c in t.claims if c.key not in head_keys]


def _pairing(
    base: Mapping[str, CollectedTest],
    head: Mapping[str, CollectedTest],
    elsewhere: Mapping[str, str],
) -> Pairing:
    base_keys = {c.key for t in base.values() for c in t.claims}
    head_keys = {c.key for t in head.values() for c in t.claims} | set(elsewhere)
    lost = [
        _located(t, c, t.id not in head) for t in base.values() for c in t.claims
        if c.key not in head_keys
    ]  # fmt: skip
    gained = [
        _located(t, c, t.id not in base) for t in head.values() for c in t.claims
        if c.key not in base_keys
    ]  # fmt: skip
    return pair_claims(lost, gained)


def _located(test: CollectedTest, claim: Claim, renewed: bool) -> LocatedClaim:
    return LocatedClaim(claim, test.id, test.name, test.path, renewed=renewed)


def _holders(
    head: Mapping[str, CollectedTest], elsewhere: Mapping[str, str]
) -> dict[str, list[str]]:
    """Claim key -> ids of the head tests making it (unchanged tests included)."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    for test in head.values():
        for claim in test.claims:
            found[claim.key].append(test.id)
    for key, test_id in elsewhere.items():
        found[key].append(test_id)
    return found


def _still_there(
    before: CollectedTest, after: CollectedTest, dropped: Sequence[LocatedClaim]
) -> Iterator[GuardVerdict]:
    def verdict(
        rule: GuardRule, check: str, message: str, old: str = "", new: str = ""
    ) -> GuardVerdict:
        return GuardVerdict(rule, after.path, after.line, message, after.name, check, old, new)

    if dropped:
        message = f"{len(before.claims)} assertions before, {len(after.claims)} now"
        old = shown(dropped[0].claim.shown)
        yield verdict(GuardRule.ASSERTION_REMOVED, "assertion-count", message, old, "(removed)")
    b, a = before.facts, after.facts
    if a.skips > b.skips or (after.skipped and not before.skipped):
        message = "a skip, xfail or early return was added"
        yield verdict(GuardRule.SKIP_ADDED, "skip", message, f"{b.skips} skips", f"{a.skips} skips")
    if a.broad_handlers > b.broad_handlers:
        message = "a broad exception handler was added around the checks"
        counts = (f"{b.broad_handlers} handlers", f"{a.broad_handlers} handlers")
        yield verdict(GuardRule.BROAD_EXCEPT, "broad-handler", message, *counts)
    if a.reruns > b.reruns:
        message = "the test is now rerun until it passes"
        counts = (f"{b.reruns} rerun marks", f"{a.reruns} rerun marks")
        yield _config(verdict(GuardRule.GATE_WEAKENED, "reruns", message, *counts))
    if b.timeout is not None and (a.timeout is None or a.timeout > b.timeout):
        message = "its timeout was raised"
        values = (f"timeout({b.timeout:g})", f"timeout({a.timeout or 'none'})")
        yield _config(verdict(GuardRule.GATE_WEAKENED, "timeout", message, *values))
    if b.examples is not None and (a.examples is None or a.examples < b.examples):
        message = "hypothesis runs fewer examples"
        values = (f"max_examples={b.examples:g}", f"max_examples={a.examples or 'default'}")
        yield _config(verdict(GuardRule.GATE_WEAKENED, "hypothesis-examples", message, *values))


def _config(verdict: GuardVerdict) -> GuardVerdict:
    return replace(verdict, category=Category.CONFIG)


@dataclass(frozen=True)
class _Lost:
    test: CollectedTest
    unpaired: Sequence[LocatedClaim]  # its claims no head test makes, nor anything like them


def _lost(lost: _Lost, pair: SuitePair, index: _Index) -> GuardVerdict:
    test = lost.test
    if lost.unpaired and all(_exercises(item.claim, pair.retired) for item in lost.unpaired):
        message = f"{test.id} was removed with the code it tested"
        old = shown(lost.unpaired[0].claim.shown)
        return GuardVerdict(
            GuardRule.TEST_RETIRED, test.path, None, message, test.name, "retired", old
        )
    if lost.unpaired or (not test.claims and not set(test.trail) <= index.trails):
        return _removed(lost, pair.head)
    where = sorted({i for c in test.claims for i in index.holders.get(c.key, [])})
    how = _how(test, where, index.base)
    shown_where = ", ".join(where[:MAX_SHOWN]) + (" ..." if len(where) > MAX_SHOWN else "")
    message = f"{test.id} {how} {shown_where}".strip()
    return GuardVerdict(
        GuardRule.TEST_REFACTORED, test.path, None, message, test.name, how.split()[0]
    )


def _exercises(claim: Claim, retired: frozenset[str]) -> bool:
    """Does the claim use code the patch removed? Then it cannot be made any more."""
    if not retired:
        return False
    for node in ast.walk(claim.expr):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if name in retired:
            return True
    return False


def _how(test: CollectedTest, where: Sequence[str], base: Mapping[str, CollectedTest]) -> str:
    if not where:
        return "removed; it checked nothing"
    if all(i in base for i in where):
        return "removed as a duplicate of"
    if len(where) > 1:
        return "split into"
    if "[" in where[0] and "[" not in test.id:
        return "parametrized as"
    return "moved to" if where[0].split("::")[0] != test.path else "renamed to"


def _removed(lost: _Lost, head: Suite) -> GuardVerdict:
    test = lost.test
    old = shown(lost.unpaired[0].claim.shown) if lost.unpaired else ""
    function = test.name.rsplit(".", 1)[-1]
    hidden = next((u for u in head.uncollected if u.name.rsplit(".", 1)[-1] == function), None)
    if hidden is not None:
        message = f"{test.id} is now {hidden.name} in {hidden.path}, which pytest does not collect"
        return _removal(test, message, "not-collected", old, hidden.path)
    if any(t.name == test.name and t.path == test.path for t in head.tests.values()):
        message = f"parametrize case {test.id.split('[', 1)[-1].rstrip(']')} removed"
        return _removal(test, message, "case-removed", old, test.path)
    message = "the test was deleted" if lost.unpaired else "the test and the steps it ran are gone"
    return _removal(test, message, "test-removed", old, test.path)


def _removal(test: CollectedTest, message: str, check: str, old: str, path: str) -> GuardVerdict:
    return GuardVerdict(
        GuardRule.TEST_REMOVED, path, None, message, test.name, check, old, "(not collected)"
    )


def module_changes(path: str, base: ModuleFacts, head: ModuleFacts) -> Iterator[GuardVerdict]:
    """What a test module or conftest changes about which tests run and how they report."""
    if head.module_skips > base.module_skips:
        message = "a module-level skip or xfail was added"
        yield GuardVerdict(GuardRule.SKIP_ADDED, path, None, message, check="skip")
    new_ignores = sorted(head.collect_ignores - base.collect_ignores)
    if new_ignores:
        listed = ", ".join(repr(i) for i in new_ignores[:MAX_SHOWN])
        message = f"collect_ignore gained {listed}"
        yield GuardVerdict(
            GuardRule.TESTS_DESELECTED, path, None, message, check="collect-ignore", new=listed
        )
    for hook, body in head.hooks.items():
        if base.hooks.get(hook) != body:
            yield _hook(path, hook, body, base.hooks.get(hook, ""))
    if head.skip_calls > base.skip_calls and path.endswith("conftest.py"):
        message = "a pytest.skip/xfail call was added"
        yield GuardVerdict(GuardRule.SKIP_ADDED, path, None, message, check="skip")
    for profile, examples in head.profiles.items():
        before = base.profiles.get(profile)
        if before is not None and examples < before:
            message = f"hypothesis profile {profile!r} runs {examples:g} examples, not {before:g}"
            yield GuardVerdict(
                GuardRule.GATE_WEAKENED, path, None, message, check="hypothesis-examples"
            )


def _hook(path: str, hook: str, body: str, old: str) -> GuardVerdict:
    deselects = "collect" in hook or any(
        word in body for word in ("deselect", "markexpr", "keyword", ".args", "ignore")
    )
    rule = GuardRule.TESTS_DESELECTED if deselects else GuardRule.GATE_WEAKENED
    message = f"hook {hook}, which decides what runs or how it is reported, was changed"
    return GuardVerdict(
        rule, path, None, message, check="pytest-hook", old=shown(old), new=shown(body)
    )


def collected_changes(
    runs: CollectedRuns, base: Suite, moves: Mapping[str, str]
) -> Iterator[GuardVerdict]:
    """Ids pytest collected on the base and not on the head that the patch's files do not
    explain: their file is unchanged, so configuration or a hook deselected them."""
    known = {_moved_id(test_id, moves).split("[", 1)[0] for test_id in base.tests}
    lost: defaultdict[str, list[str]] = defaultdict(list)
    for test_id in sorted(runs.before - runs.after):
        if _moved_id(test_id, moves).split("[", 1)[0] not in known:
            lost[test_id.split("::", 1)[0]].append(test_id)
    for path, ids in lost.items():
        listed = ", ".join(ids[:MAX_SHOWN]) + (" ..." if len(ids) > MAX_SHOWN else "")
        message = f"{len(ids)} tests collected on the base are not collected now: {listed}"
        yield GuardVerdict(
            GuardRule.TESTS_DESELECTED,
            path,
            None,
            message,
            check="collected-ids",
            old=shown(listed),
        )


def parse_collect_only(output: str) -> frozenset[str]:
    """Test ids from ``pytest --collect-only -q`` output (one ``path::name`` per line)."""
    ids = set()
    for line in output.splitlines():
        if line and not line[0].isspace() and "::" in line and not line.startswith(("ERROR", "=")):
            ids.add(line.strip())
    return frozenset(ids)
