"""Oracles neutralised outside the assertion itself.

- A test that stubs the very function its assertions call (``mock.patch``,
  ``patch.object``, ``monkeypatch.setattr``): it then checks the stub, not the code.
- An autouse fixture (conftest or module) that stubs project code or a checker.
- An assertion method or checker rebound (``TestCase.assertEqual = lambda *a: None``).
- A helper that asserts, made weaker: every test calling it is weakened unseen.
- A fixture whose literal data changed: the tests' inputs or expected values moved there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kairos_ci.guard.claims import Claim, blank
from kairos_ci.guard.records import Category, GuardRule, GuardVerdict, shown
from kairos_ci.guard.rewrites import LocatedClaim, pair_claims
from kairos_ci.guard.suite import CollectedTest, Helper, Suite
from kairos_ci.guard.testfacts import CHECK_PREFIXES, ModuleFacts, Patch, resolve

ORACLE = Category.ORACLE_NEUTRALISED


@dataclass(frozen=True)
class OracleScope:
    """What the code under test is: the project's top-level modules."""

    modules: frozenset[str]


def stubbed_units(base: Suite, head: Suite, moves: Mapping[str, str]) -> Iterator[GuardVerdict]:
    """Head tests newly stubbing what their own assertions call, or a checker."""
    before = {_moved(t.id, moves): t for t in base.tests.values()}
    seen: set[tuple[str, str]] = set()
    for test in head.tests.values():
        imports = head.modules[test.path].imports if test.path in head.modules else {}
        old = before.get(test.id)
        known = {p.target for p in old.facts.patches} if old is not None else set()
        for patch in test.facts.patches:
            fresh = patch.stubbed and patch.target not in known
            if fresh and (test.name, patch.target) not in seen:
                verdict = _stub(test, patch, imports, old is not None)
                if verdict is not None:
                    seen.add((test.name, patch.target))
                    yield verdict


def _moved(test_id: str, moves: Mapping[str, str]) -> str:
    path, _, rest = test_id.partition("::")
    return f"{moves.get(path, path)}::{rest}"


def _calls(test: CollectedTest, patch: Patch, imports: Mapping[str, str]) -> bool:
    """Do the test's assertions call what the patch stubs?"""
    callees = {resolve(name, imports) for claim in test.claims for name in claim.callees}
    return any(same_target(patch.target, callee) for callee in callees)


def _beside(test: CollectedTest, patch: Patch, imports: Mapping[str, str]) -> bool:
    """Is the stubbed function in the module of a function the test's assertions call?"""
    module = patch.target.rsplit(".", 1)[0]
    callees = {resolve(name, imports) for claim in test.claims for name in claim.callees}
    return "." in patch.target and any(c.rsplit(".", 1)[0] == module for c in callees if "." in c)


def same_target(target: str, callee: str) -> bool:
    """Does a patch target name the called function (modulo how it was imported)?"""
    if target == callee:
        return True
    a, b = target.split("."), callee.split(".")
    depth = min(len(a), len(b))
    return depth >= 2 and a[-depth:] == b[-depth:]


def _stub(
    test: CollectedTest, patch: Patch, imports: Mapping[str, str], existed: bool
) -> GuardVerdict | None:
    """A verdict when the patch stubs what the test's assertions call, a checker, or (in a
    test that did without it before) a function next to the one it checks."""
    if _calls(test, patch, imports):
        message = f"the test stubs {patch.target}, which its own assertions call"
        check = "mock-of-unit-under-test"
    elif existed and _beside(test, patch, imports):
        message = f"the test now stubs {patch.target}, beside the function it checks"
        check = "mock-of-unit-module"
    elif patch.target.rsplit(".", 1)[-1].startswith(CHECK_PREFIXES):
        message = f"the test stubs the checker {patch.target}"
        check = "checker-replaced"
    else:
        return None
    return GuardVerdict(
        GuardRule.ORACLE_NEUTRALISED, test.path, patch.line, message, test.name, check, "",
        shown(patch.text),
    )  # fmt: skip


def module_oracles(
    path: str, base: ModuleFacts, head: ModuleFacts, scope: OracleScope
) -> Iterator[GuardVerdict]:
    old_rebound = {text for _, text in base.rebound}
    for line, text in head.rebound:
        if text not in old_rebound:
            message = "an assertion method or checker is replaced"
            yield GuardVerdict(
                GuardRule.ORACLE_NEUTRALISED, path, line, message, check="checker-replaced",
                new=shown(text),
            )  # fmt: skip
    old_patches = {p.text for p in base.autouse_patches}
    for patch in head.autouse_patches:
        if patch.stubbed and patch.text not in old_patches and _project_or_checker(patch, scope):
            message = f"an autouse fixture stubs {patch.target} for every test"
            yield GuardVerdict(
                GuardRule.ORACLE_NEUTRALISED, path, patch.line, message, check="autouse-patch",
                new=shown(patch.text),
            )  # fmt: skip


def _project_or_checker(patch: Patch, scope: OracleScope) -> bool:
    parts = patch.target.split(".")
    return parts[0] in scope.modules or parts[-1].startswith(CHECK_PREFIXES)


def compare_helpers(base: Suite, head: Suite) -> Iterator[GuardVerdict]:
    """Helpers that assert, base to head: weaker checks or new handlers swallowing them."""
    for name, before in base.helpers.items():
        after = head.helpers.get(name)
        if after is not None:
            yield from _helper(before, after)


def _helper(before: Helper, after: Helper) -> Iterator[GuardVerdict]:
    head_keys = {c.key for c in after.claims}
    base_keys = {c.key for c in before.claims}
    lost = [_located(before, c) for c in before.claims if c.key not in head_keys]
    gained = [_located(after, c) for c in after.claims if c.key not in base_keys]
    pairing = pair_claims(lost, gained)
    yield from (j.verdict for j in pairing.judged if j.verdict is not None)
    if pairing.unpaired:
        message = f"the helper makes {len(after.claims)} checks, it made {len(before.claims)}"
        old = shown(pairing.unpaired[0].claim.shown)
        yield _helper_verdict(after, GuardRule.ASSERTION_REMOVED, message, "helper-assertion", old)
    if after.facts.broad_handlers > before.facts.broad_handlers:
        message = "the helper now catches the failure of its own checks"
        yield _helper_verdict(after, GuardRule.BROAD_EXCEPT, message, "helper-handler", "")


def _helper_verdict(
    helper: Helper, rule: GuardRule, message: str, check: str, old: str
) -> GuardVerdict:
    return GuardVerdict(
        rule, helper.path, helper.line, message, helper.name, check, old, category=ORACLE
    )


def _located(helper: Helper, claim: Claim) -> LocatedClaim:
    return LocatedClaim(claim, f"helper:{helper.name}", helper.name, helper.path, ORACLE)


def fixture_values(base: Suite, head: Suite) -> Iterator[GuardVerdict]:
    """Fixtures of the same name whose literals changed: data the tests check against."""
    before = _fixtures(base)
    for name, (path, text) in _fixtures(head).items():
        old = before.get(name)
        if old is not None and old[1] != text and blank(old[1]) == blank(text):
            message = f"fixture {name} returns other literal values"
            yield GuardVerdict(
                GuardRule.EXPECTED_VALUE_CHANGED,
                path,
                None,
                message,
                name,
                "fixture-value",
                category=ORACLE,
            )


def _fixtures(suite: Suite) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for path, module in suite.modules.items():
        for name, text in module.fixtures.items():
            found.setdefault(name, (path, text))
    return found
