"""Claims the base made and the head does not: paired with the head's new claims, judged.

A lost claim is paired with its best match among the gained ones: the same subject
first, then the same shape (other literals), then, within the same test, the most similar
text. A pair is then judged on the strength order: weaker, inverted, a tolerance loosened,
an expected value or an input changed, or only rewritten (a note).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kairos_ci.guard.claims import Claim, Strength, Tolerance, approx_centre, negation, serialize
from kairos_ci.guard.records import Category, GuardRule, GuardVerdict, shown

MAX_TEXT_CANDIDATES = 40  # per lost claim, compared by text (same test only)
MIN_TEXT_SIMILARITY = 0.3
MIN_REWRITE_SIMILARITY = 0.6  # a removed test's claim and a new test's claim, by their text
MAX_REWRITE_PAIRS = 20_000  # removed-test claims x new-test claims compared by text
CONVERSION_SLACK = 100.0  # a tolerance rewritten in another function's terms may differ this much
EMPTINESS = frozenset({"empty", "falsy"})
STRENGTH_NAMES = {
    Strength.EXACT: "an exact",
    Strength.LOOSE: "a loose (membership, bound, pattern)",
    Strength.TYPE: "a type or exclusion",
    Strength.TRUTHY: "a truthiness",
    Strength.NOTHING: "a no-op",
}
CHECK_NAMES = {
    "isinstance": "type-check",
    "not-isinstance": "type-check",
    "type": "type-check",
    "is not None": "type-check",
    "!=": "exclusion",
    "not in": "exclusion",
    "truthy": "truthiness",
    "falsy": "truthiness",
    "predicate": "truthiness",
    "non-empty": "truthiness",
    "any": "truthiness",
}


@dataclass(frozen=True)
class LocatedClaim:
    """A claim, where it is made: in a test (by id) or a helper (by name)."""

    claim: Claim
    owner: str  # test id or helper name
    label: str  # shown as the verdict's test
    path: str
    category: Category | None = None  # set for helpers: their weakening neutralises an oracle
    renewed: bool = False  # its test exists on one side only: it may be rewritten as another


@dataclass(frozen=True)
class Judged:
    lost: LocatedClaim
    verdict: GuardVerdict | None  # None: the same check, nothing worth saying


@dataclass(frozen=True)
class Pairing:
    judged: tuple[Judged, ...]
    unpaired: tuple[LocatedClaim, ...]


def pair_claims(lost: Sequence[LocatedClaim], gained: Sequence[LocatedClaim]) -> Pairing:
    edges = sorted(_edges(lost, gained), key=lambda e: -e[0])
    edges = [e for e in edges if e[0] > 0 or lost[e[1]].renewed]
    used_lost: set[int] = set()
    used_gained: set[int] = set()
    judged: list[Judged] = []
    for score, i, j in edges:
        if i in used_lost or (j in used_gained and score > 0):
            continue  # a rewritten test (score <= 0) may stand for several removed ones
        used_lost.add(i)
        used_gained.add(j)
        judged.append(Judged(lost[i], judge_pair(lost[i], gained[j])))
    unpaired = tuple(item for index, item in enumerate(lost) if index not in used_lost)
    return Pairing(tuple(judged), unpaired)


def _edges(
    lost: Sequence[LocatedClaim], gained: Sequence[LocatedClaim]
) -> Iterator[tuple[float, int, int]]:
    by_subject: defaultdict[str, list[int]] = defaultdict(list)
    by_shape: defaultdict[str, list[int]] = defaultdict(list)
    by_owner: defaultdict[str, list[int]] = defaultdict(list)
    for j, item in enumerate(gained):
        by_subject[item.claim.subject].append(j)
        by_shape[item.claim.shape].append(j)
        by_owner[item.owner].append(j)
    for i, old in enumerate(lost):
        candidates = {*by_subject[old.claim.subject], *by_shape[old.claim.shape]}
        candidates.update(by_owner[old.owner][:MAX_TEXT_CANDIDATES])
        for j in candidates:
            score = _affinity(old, gained[j])
            if score > 0:
                yield score, i, j
    yield from _rewritten_tests(lost, gained)


def _rewritten_tests(
    lost: Sequence[LocatedClaim], gained: Sequence[LocatedClaim]
) -> Iterator[tuple[float, int, int]]:
    """A removed test's claims against a new test's, by text: a test rewritten as another
    (more general, renamed and reworked). Weaker than any other match."""
    old = [i for i, item in enumerate(lost) if item.renewed]
    new = [j for j, item in enumerate(gained) if item.renewed]
    if len(old) * len(new) > MAX_REWRITE_PAIRS:
        return
    for i in old:
        for j in new:
            matcher = difflib.SequenceMatcher(None, lost[i].claim.shown, gained[j].claim.shown)
            if matcher.quick_ratio() >= MIN_REWRITE_SIMILARITY:
                ratio = matcher.ratio()
                if ratio >= MIN_REWRITE_SIMILARITY:
                    yield ratio - 1.0, i, j  # below every same-test or same-subject match


def _affinity(old: LocatedClaim, new: LocatedClaim) -> float:
    a, b = old.claim, new.claim
    same_owner = old.owner == new.owner
    if a.subject == b.subject:
        score = 4.0
    elif a.shape == b.shape:
        score = 3.0
    elif same_owner:
        ratio = difflib.SequenceMatcher(None, a.key, b.key).quick_ratio()
        if ratio < MIN_TEXT_SIMILARITY:
            return 0.0
        score = ratio + (0.5 if a.relation == b.relation else 0.0)  # like for like first
    else:
        return 0.0
    return score + (2.0 if same_owner else 1.0 if old.path == new.path else 0.0)


# What a judged pair is: (rule, check, message); None: judge on. SAME: the same check
# (a tolerance tightened, a restyled form): no verdict, nothing more to judge.
Judgement = tuple[GuardRule, str, str] | None
SAME: Judgement = (GuardRule.ASSERTION_CHANGED, "same", "")


def judge_pair(old: LocatedClaim, new: LocatedClaim) -> GuardVerdict | None:
    a, b = old.claim, new.claim
    if a.subject == b.subject and {a.relation, b.relation} <= EMPTINESS:
        return None  # `x == ""`, `len(x) == 0` and `not x`: the same check, styled
    judgement = _weaker(a, b) or _tolerance(a, b) or _changed(a, b)
    if judgement is None or judgement is SAME:
        return None
    return _verdict(old, new, *judgement)


def _weaker(a: Claim, b: Claim) -> Judgement:
    """Lower on the strength order, guarded by a new condition, or inverted."""
    inverted = serialize(negation(a.expr)) == serialize(b.expr)
    if b.strength < a.strength:
        if b.relation == "approx" and a.relation == "==":
            return GuardRule.TOLERANCE_LOOSENED, "exact-to-approx", "exact check became approximate"
        check = _weakening(a, b, inverted)
        return GuardRule.ASSERTION_WEAKENED, check, _weakened_message(a, b, check)
    if b.guarded and not a.guarded:
        message = "the check now runs only when a condition holds"
        return GuardRule.ASSERTION_WEAKENED, "conditional", message
    if inverted:
        return GuardRule.EXPECTED_VALUE_CHANGED, "comparison-inverted", "the check was inverted"
    return None


def _tolerance(a: Claim, b: Claim) -> Judgement:
    if a.relation == b.relation == "approx":
        if _looser(a.tolerance, b.tolerance):
            return GuardRule.TOLERANCE_LOOSENED, "tolerance", "tolerance loosened"
        if _within(a, b):
            return SAME  # a narrower band inside the old one
    return None


def _changed(a: Claim, b: Claim) -> Judgement:
    """As strong or stronger: the same check, a stricter one, or other values."""
    if a.subject == b.subject and a.expected == b.expected:
        return SAME
    if b.strength > a.strength:
        return GuardRule.ASSERTION_CHANGED, "strengthened", "assertion made stricter"
    if a.subject == b.subject and (a.shape == b.shape or _other_literal(a, b)):
        return GuardRule.EXPECTED_VALUE_CHANGED, "expected-value", "expected value changed"
    if a.shape == b.shape:
        return GuardRule.EXPECTED_VALUE_CHANGED, "test-input", "the test's input changed"
    return GuardRule.ASSERTION_CHANGED, "rewritten", "assertion rewritten"


def _verdict(
    old: LocatedClaim, new: LocatedClaim, rule: GuardRule, check: str, message: str
) -> GuardVerdict:
    return GuardVerdict(
        rule=rule,
        path=new.path,
        line=new.claim.line,
        message=message,
        test=new.label,
        check=check,
        old=shown(old.claim.shown),
        new=shown(new.claim.shown),
        category=new.category,
    )


def _other_literal(a: Claim, b: Claim) -> bool:
    """The same relation to another literal value (``== [1, 2]`` became ``== [1, 2, 3]``)."""
    return a.relation == b.relation and a.expected_literal and b.expected_literal


def _weakening(a: Claim, b: Claim, inverted: bool) -> str:
    if b.relation == "self":
        return "self-comparison"
    if b.strength is Strength.NOTHING:
        return "always-true"
    if inverted:
        return "comparison-inverted"
    if a.relation == b.relation == "raises":
        return "raises-loosened"
    if a.relation == b.relation == "called":
        return "call-check-loosened"
    return CHECK_NAMES.get(b.relation, "loosened")


def _weakened_message(a: Claim, b: Claim, check: str) -> str:
    what = {
        "self-comparison": "the value is now compared with itself",
        "always-true": "the check can no longer fail",
        "comparison-inverted": "the comparison was inverted",
    }.get(check)
    if what is not None:
        return what
    return f"{STRENGTH_NAMES[a.strength]} check became {STRENGTH_NAMES[b.strength]} check"


def _within(before: Claim, after: Claim) -> bool:
    """Does the new approximate check accept only values the old one accepted?"""
    old, new = approx_centre(before), approx_centre(after)
    if old is None or new is None or before.tolerance is None or after.tolerance is None:
        return False
    old_width, new_width = before.tolerance.width, after.tolerance.width
    if old_width is None or new_width is None:
        return False
    return old - old_width <= new - new_width and new + new_width <= old + old_width


def _looser(before: Tolerance | None, after: Tolerance | None) -> bool:
    if before is None or after is None:
        return False
    if before.width is None or after.width is None:
        return before.text != after.text  # not a literal: cannot prove it is not looser
    slack = 1.0 if before.kind == after.kind else CONVERSION_SLACK
    return after.width > before.width * slack * (1 + 1e-9)
