"""Counting records per report file and in total (``kairos-ci parse --summary``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.signals.records import (
    ErrorRecord,
    Finding,
    Notice,
    Outcome,
    Record,
    Severity,
    SuiteTotals,
    TestResult,
)


@dataclass
class Tally:
    """Running counts; a plain accumulator, filled one record at a time while streaming."""

    tests: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    attempts: int = 0
    from_suite_counters: int = 0  # tests known only from a suite's counters
    findings: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Severity})
    errors: int = 0
    warnings: int = 0

    def add(self, record: Record) -> None:
        if isinstance(record, TestResult):
            self.tests[record.outcome.value] += 1
            self.attempts += len(record.attempts)
        elif isinstance(record, Finding):
            self.findings[record.severity.value] += 1
        elif isinstance(record, SuiteTotals):
            self._add_totals(record)
        elif isinstance(record, ErrorRecord):
            self.errors += 1
        elif isinstance(record, Notice):
            self.warnings += 1

    def _add_totals(self, totals: SuiteTotals) -> None:
        self.tests[Outcome.PASSED.value] += totals.passed
        self.tests[Outcome.FAILED.value] += totals.failed
        self.tests[Outcome.ERRORED.value] += totals.errored
        self.tests[Outcome.SKIPPED.value] += totals.skipped
        self.from_suite_counters += totals.tests
        self.attempts += totals.tests

    def merge(self, other: Tally) -> None:
        for key, value in other.tests.items():
            self.tests[key] += value
        for key, value in other.findings.items():
            self.findings[key] += value
        self.attempts += other.attempts
        self.from_suite_counters += other.from_suite_counters
        self.errors += other.errors
        self.warnings += other.warnings

    def to_json(self) -> dict[str, Any]:
        return {
            "tests": {"total": sum(self.tests.values()), **self.tests},
            "attempts": self.attempts,
            "from_suite_counters": self.from_suite_counters,
            "findings": {"total": sum(self.findings.values()), **self.findings},
            "errors": self.errors,
            "warnings": self.warnings,
        }


def summarize(records: Iterable[Record]) -> dict[str, Any]:
    """``{"files": [{"file": ..., counts}], "total": {counts}}``; files in first-seen order."""
    per_file: dict[str, Tally] = {}
    for record in records:
        tally = per_file.get(record.file)
        if tally is None:
            tally = per_file[record.file] = Tally()
        tally.add(record)
    total = Tally()
    for tally in per_file.values():
        total.merge(tally)
    return {
        "files": [{"file": name, **tally.to_json()} for name, tally in per_file.items()],
        "total": {"files": len(per_file), **total.to_json()},
    }
