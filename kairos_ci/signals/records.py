"""Neutral evidence records. Nothing above this package ever sees JUnit, SARIF or a linter's JSON.

``Outcome`` lives here (the lowest layer that needs it); ``kairos_ci.verdicts.records``
re-exports it for the history records memory keeps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, NamedTuple


class Outcome(enum.StrEnum):
    """A test's result in one run. ``flaky``: failed, then passed on a retry in the same run."""

    PASSED = "passed"
    FAILED = "failed"
    ERRORED = "errored"
    SKIPPED = "skipped"
    FLAKY = "flaky"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class ReportFormat(enum.StrEnum):
    AUTO = "auto"
    JUNIT = "junit"
    SARIF = "sarif"
    RUFF = "ruff"
    ESLINT = "eslint"
    PYLINT = "pylint"
    CHECKSTYLE = "checkstyle"


class Attempt(NamedTuple):
    """One execution of a test: reruns and repeated testcases are further attempts."""

    outcome: Outcome  # never FLAKY: flakiness is a property of the sequence
    duration_s: float | None
    message: str | None


class Frame(NamedTuple):
    """A source location printed in a failure's stack trace, as printed (not yet resolved)."""

    path: str
    line: int


class TestResult(NamedTuple):
    """One test in one report file, with every attempt the report shows for it.

    A NamedTuple rather than a frozen dataclass: a report can hold 100,000 of these and
    a frozen dataclass costs five times as much to build (it is just as immutable).
    """

    file: str  # the report it came from
    id: str  # stable identity: classname (or suite) and name
    suite: tuple[str, ...]  # names of the enclosing testsuites, outermost first
    classname: str | None
    name: str
    path: str | None  # test source file, repository-relative where resolvable
    line: int | None
    outcome: Outcome
    attempts: tuple[Attempt, ...]
    duration_s: float | None
    message: str | None
    details: str | None = None  # failure text (stack trace), capped; not in the JSON Lines
    # Why separate testcase elements were merged into these attempts (the rerun rule that
    # applied), or None; not in the JSON Lines (the file's notices say it there).
    merged_by: str | None = None

    @property
    def kind(self) -> str:
        return "test"


@dataclass(frozen=True, slots=True)
class SuiteTotals:
    """A suite's own counters, reported only for a suite that lists no testcases."""

    kind: ClassVar[str] = "suite"

    file: str
    suite: tuple[str, ...]
    tests: int
    failed: int
    errored: int
    skipped: int

    @property
    def passed(self) -> int:
        return max(0, self.tests - self.failed - self.errored - self.skipped)


@dataclass(frozen=True, slots=True)
class Finding:
    """A lint or SAST result; ``fingerprint`` hashes tool, rule, path and message, not the line."""

    kind: ClassVar[str] = "finding"

    file: str
    tool: str
    rule: str | None
    severity: Severity
    path: str | None
    start_line: int | None
    end_line: int | None
    start_column: int | None
    message: str
    fingerprint: str
    partial_fingerprints: tuple[tuple[str, str], ...] = ()  # SARIF's, kept for dedup


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """A report file that could not be read (or read only in part), and why."""

    kind: ClassVar[str] = "error"

    file: str
    message: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about a file that was still read (e.g. SARIF 2.0.0)."""

    kind: ClassVar[str] = "warning"

    file: str
    message: str


Record = TestResult | SuiteTotals | Finding | ErrorRecord | Notice

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReportLimits:
    """Caps that keep a hostile or runaway report from exhausting memory or time."""

    max_bytes: int = 100 * MiB  # checked before reading, and again while streaming
    max_depth: int = 256  # XML element nesting (JSON: the interpreter's recursion limit)
    max_json_nodes: int = 2_000_000  # arrays + objects: "[],[],..." is small on disk, not in RAM
    max_tests: int = 1_000_000  # testcase elements per file; the rest is reported as cut
    max_findings: int = 1_000_000
    max_pending: int = 20_000  # testcases held per suite while merging repeated ones
    max_message_chars: int = 4_096
    max_details_chars: int = 16_384
