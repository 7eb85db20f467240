"""Config rules: every matching rule applies; together they can only lower autonomy,
name people to notify, or hand the work to a human (escalate)."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from kairos_ci.config import glob
from kairos_ci.config.records import Rule, RuleWhen
from kairos_ci.policy.records import RuleOutcome, Subject


def evaluate(rules: Sequence[Rule], subject: Subject) -> RuleOutcome:
    matched = [rule for rule in rules if matches(rule.when, subject)]
    caps = [rule.then.autonomy for rule in matched if rule.then.autonomy is not None]
    notify: dict[str, str] = {}
    for handle in (handle for rule in matched for handle in rule.then.notify):
        notify.setdefault(handle.casefold(), handle)  # one mention per person, whatever the case
    return RuleOutcome(
        matched=tuple(rule.index for rule in matched),
        cap=min(caps) if caps else None,
        notify=tuple(notify.values()),
        skip=any(rule.then.skip for rule in matched),
        escalate=tuple(rule.index for rule in matched if rule.then.escalate),
    )


def matches(when: RuleWhen, subject: Subject) -> bool:
    """All given conditions must hold; a list condition holds if any entry matches."""
    checks = (
        not when.kinds or subject.kind in when.kinds,
        not when.paths or any(glob.matches(p, path) for p in when.paths for path in subject.paths),
        not when.tests
        or any(fnmatch.fnmatchcase(test, p) for p in when.tests for test in subject.tests),
        not when.labels or _any_equal(when.labels, subject.labels),
        not when.authors or _any_equal(when.authors, subject.authors),
    )
    return all(checks)


def _any_equal(wanted: Sequence[str], present: Sequence[str]) -> bool:
    # GitHub logins and label names compare without regard to case.
    folded = {value.casefold() for value in present}
    return any(value.casefold() in folded for value in wanted)
