"""The guard's inputs (two versions of each changed file) and its verdicts."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping, Set
from dataclasses import dataclass, field, replace

Literal = str | int | float  # a test's input or expected value, as written in its source


class GuardRule(enum.StrEnum):
    ASSERTION_REMOVED = "assertion-removed"
    ASSERTION_WEAKENED = "assertion-weakened"
    SKIP_ADDED = "skip-added"
    TOLERANCE_LOOSENED = "tolerance-loosened"
    BROAD_EXCEPT = "broad-except"
    TEST_REMOVED = "test-removed"
    TESTS_DESELECTED = "tests-deselected"
    SPECIAL_CASING = "special-casing"
    DUNDER_OVERRIDE = "dunder-override"  # __eq__ and kin that ignore what they compare
    ERROR_MASKING = "error-masking"  # code under test swallows the error on the failing path
    ORACLE_NEUTRALISED = "oracle-neutralised"  # the unit under test or a checker stubbed out
    GATE_WEAKENED = "quality-gate-weakened"
    EXPECTATION_EDITED = "expectation-edited"  # a test's expected value changed, no code did
    EXPECTED_VALUE_CHANGED = "expected-value-changed"  # the same, with code: a human may accept
    TEST_RETIRED = "test-retired"  # removed with the code it tested: a human may accept
    UNANALYSABLE = "unanalysable"  # fail closed: what cannot be read is flagged
    ASSERTION_CHANGED = "assertion-changed"  # a note: shown, never flagged
    TEST_RENAMED = "test-renamed"  # a note
    TEST_REFACTORED = "test-refactored"  # a note: split, moved, parametrized, duplicate removed
    TEST_DATA_CHANGED = "test-data-changed"  # a note


class Category(enum.StrEnum):
    """The class of a verdict: what kind of weakening (or refactor) it looks like."""

    ASSERTION_REWRITE = "assertion-rewrite"
    ORACLE_NEUTRALISED = "oracle-neutralised"
    PRODUCTION_CHEAT = "production-cheat"
    HONEST_REFACTOR_LOOKING = "honest-refactor-looking"  # notes only
    TEST_REMOVED = "test-removed"
    CONFIG = "config"


NOTES = frozenset(
    {
        GuardRule.ASSERTION_CHANGED,
        GuardRule.TEST_RENAMED,
        GuardRule.TEST_REFACTORED,
        GuardRule.TEST_DATA_CHANGED,
    }
)
# Flagged, but honest often enough that a human is asked to accept it rather than refuse it.
ACCEPTABLE = frozenset({GuardRule.EXPECTED_VALUE_CHANGED, GuardRule.TEST_RETIRED})
RULE_CATEGORY: Mapping[GuardRule, Category] = {
    GuardRule.ASSERTION_REMOVED: Category.ASSERTION_REWRITE,
    GuardRule.ASSERTION_WEAKENED: Category.ASSERTION_REWRITE,
    GuardRule.TOLERANCE_LOOSENED: Category.ASSERTION_REWRITE,
    GuardRule.EXPECTATION_EDITED: Category.ASSERTION_REWRITE,
    GuardRule.EXPECTED_VALUE_CHANGED: Category.ASSERTION_REWRITE,
    GuardRule.BROAD_EXCEPT: Category.ORACLE_NEUTRALISED,
    GuardRule.ORACLE_NEUTRALISED: Category.ORACLE_NEUTRALISED,
    GuardRule.SPECIAL_CASING: Category.PRODUCTION_CHEAT,
    GuardRule.DUNDER_OVERRIDE: Category.PRODUCTION_CHEAT,
    GuardRule.ERROR_MASKING: Category.PRODUCTION_CHEAT,
    GuardRule.SKIP_ADDED: Category.TEST_REMOVED,
    GuardRule.TEST_REMOVED: Category.TEST_REMOVED,
    GuardRule.TEST_RETIRED: Category.TEST_REMOVED,
    GuardRule.UNANALYSABLE: Category.TEST_REMOVED,  # a test file that cannot be read does not run
    GuardRule.TESTS_DESELECTED: Category.CONFIG,
    GuardRule.GATE_WEAKENED: Category.CONFIG,
}
SHOWN_CHARS = 100


@dataclass(frozen=True)
class GuardVerdict:
    rule: GuardRule
    path: str
    line: int | None
    message: str
    test: str | None = None  # the test function or case, when one is concerned
    check: str = ""  # which check fired, e.g. "strength-order" or "mock-of-unit-under-test"
    old: str = ""  # what the base had there, one short line ("" when nothing)
    new: str = ""  # what the head has there
    category: Category | None = None  # when not the rule's usual class

    @property
    def flagged(self) -> bool:
        return self.rule not in NOTES

    @property
    def kind(self) -> Category:
        if self.category is not None:
            return self.category
        return RULE_CATEGORY.get(self.rule, Category.HONEST_REFACTOR_LOOKING)

    @property
    def acceptable(self) -> bool:
        """Flagged, yet often honest: shown as a test change for a human to accept."""
        return self.rule in ACCEPTABLE

    @property
    def identity(self) -> str:
        """A short stable id, to accept (``/kairos approve``) or justify this exact finding."""
        parts = (self.rule, self.path, self.test or "", self.check, self.old, self.new)
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "flag" if self.flagged else "note"
        test = f" [{self.test}]" if self.test else ""
        return f"{where}: {kind} {self.rule}{test}: {self.message}"


def shown(text: str) -> str:
    """Source text as one short line, for a verdict's old and new."""
    line = " ".join(text.split())
    return line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 3] + "..."


@dataclass(frozen=True)
class FileVersions:
    """One changed file. ``None`` text: absent on that side. ``unreadable``: binary or too big."""

    path: str  # the head path (the base path when deleted)
    base: str | None
    head: str | None
    old_path: str | None = None  # set for renames
    unreadable: bool = False


@dataclass(frozen=True)
class CollectedRuns:
    """Test ids pytest collected (``--collect-only -q``) on the base and on the head."""

    before: frozenset[str]
    after: frozenset[str]


@dataclass(frozen=True)
class RepoContext:
    """What the guard knows about the repository beyond the changed files."""

    literals: frozenset[Literal] = frozenset()  # literals of the repository's test files
    modules: frozenset[str] = frozenset()  # top-level importable names of the project
    collected: CollectedRuns | None = None
    # The repository's Python test files at the head (path -> text): fixtures and helpers
    # the patch did not touch, and tests a removed test may have duplicated.
    test_files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GuardReport:
    verdicts: tuple[GuardVerdict, ...]
    files: int  # changed files looked at
    accepted: frozenset[str] = field(default_factory=frozenset)  # identities a human accepted

    @property
    def flagged(self) -> tuple[GuardVerdict, ...]:
        return tuple(v for v in self.verdicts if v.flagged and v.identity not in self.accepted)

    @property
    def ok(self) -> bool:
        return not self.flagged

    @property
    def test_changes(self) -> tuple[GuardVerdict, ...]:
        """Flagged changes a human may accept (an expected value changed with the code)."""
        return tuple(v for v in self.flagged if v.acceptable)

    def accept(self, identities: Set[str]) -> GuardReport:
        """The report once a human accepted these findings (by ``GuardVerdict.identity``)."""
        return replace(self, accepted=self.accepted | frozenset(identities))
