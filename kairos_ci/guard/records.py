"""The guard's inputs (two versions of each changed file) and its verdicts."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Rule(enum.StrEnum):
    ASSERTION_REMOVED = "assertion-removed"
    ASSERTION_WEAKENED = "assertion-weakened"
    SKIP_ADDED = "skip-added"
    TOLERANCE_LOOSENED = "tolerance-loosened"
    BROAD_EXCEPT = "broad-except"
    TEST_REMOVED = "test-removed"
    TESTS_DESELECTED = "tests-deselected"
    SPECIAL_CASING = "special-casing"
    GATE_WEAKENED = "quality-gate-weakened"
    EXPECTATION_EDITED = "expectation-edited"  # a test's expected value changed, no code did
    UNANALYSABLE = "unanalysable"  # fail closed: what cannot be read is flagged
    ASSERTION_CHANGED = "assertion-changed"  # a note: shown, never flagged
    TEST_RENAMED = "test-renamed"  # a note
    TEST_DATA_CHANGED = "test-data-changed"  # a note


NOTES = frozenset({Rule.ASSERTION_CHANGED, Rule.TEST_RENAMED, Rule.TEST_DATA_CHANGED})


@dataclass(frozen=True)
class Verdict:
    rule: Rule
    path: str
    line: int | None
    message: str
    test: str | None = None  # the test function or case, when one is concerned

    @property
    def flagged(self) -> bool:
        return self.rule not in NOTES

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "flag" if self.flagged else "note"
        test = f" [{self.test}]" if self.test else ""
        return f"{where}: {kind} {self.rule}{test}: {self.message}"


@dataclass(frozen=True)
class FileVersions:
    """One changed file. ``None`` text: absent on that side. ``unreadable``: binary or too big."""

    path: str  # the head path (the base path when deleted)
    base: str | None
    head: str | None
    old_path: str | None = None  # set for renames
    unreadable: bool = False


@dataclass(frozen=True)
class GuardReport:
    verdicts: tuple[Verdict, ...]
    files: int  # changed files looked at

    @property
    def flagged(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.flagged)

    @property
    def ok(self) -> bool:
        return not self.flagged
