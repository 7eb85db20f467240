"""Budgets per run, across every report one run reads (issue 17): per-file caps are not enough.

A run may read many reports: a failed job's artifacts, every linter's output. Each file
stays inside ``ReportLimits``, yet together they can exhaust memory and time. One
``RunTally`` is shared by every ``parse_report`` call of a run. It counts report bytes
(as read: unpacked), test cases and findings against a ``RunBudget``. Once a total would
be passed, reading stops: the file in hand ends with an error record that says the
result is partial, and every later file is one such record, unread. ``RunTally.partial``
keeps the reason, so the caller can label what it reports as partial.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals.records import Finding, MiB, Record, TestResult


@dataclass(frozen=True, slots=True)
class RunBudget:
    """What one run may read in all, across its report files."""

    max_bytes: int = 128 * MiB  # report bytes, unpacked: a file that would pass it is not read
    max_tests: int = 400_000  # test records: about 190 MiB, were a caller to hold them all
    max_findings: int = 200_000  # lint and SAST findings


class OverBudget(InputTooLarge):
    """The run's budget is spent: what was read is a partial result."""


@dataclass(slots=True)
class RunTally:
    """What a run has read so far; ``partial`` is why it stopped early, or None."""

    budget: RunBudget = field(default_factory=RunBudget)
    bytes: int = 0
    tests: int = 0
    findings: int = 0
    partial: str | None = None

    def admit(self, size: int) -> None:
        """Count a report of ``size`` bytes before it is read; raises ``OverBudget`` if the
        run cannot afford it (or has stopped already)."""
        if self.partial is None and self.bytes + size > self.budget.max_bytes:
            self.partial = (
                f"the run's budget of {self.budget.max_bytes:,} report bytes is spent "
                f"({self.bytes:,} read, and this file has {size:,})"
            )
        if self.partial is not None:
            raise OverBudget(f"not read, and the run's result is partial: {self.partial}")
        self.bytes += size

    def take(self, batch: Sequence[Record]) -> int:
        """How many of ``batch``'s records fit in the budget; counts them. Fewer than all
        means the budget ran out: ``partial`` says which."""
        tests = sum(type(record) is TestResult for record in batch)
        findings = sum(type(record) is Finding for record in batch)
        if self.tests + tests <= self.budget.max_tests and (
            self.findings + findings <= self.budget.max_findings
        ):
            self.tests += tests
            self.findings += findings
            return len(batch)
        return self._take_some(batch)

    def _take_some(self, batch: Sequence[Record]) -> int:
        for index, record in enumerate(batch):
            if type(record) is TestResult:
                if self.tests == self.budget.max_tests:
                    return self._spent(index, f"{self.budget.max_tests:,} test cases")
                self.tests += 1
            elif type(record) is Finding:
                if self.findings == self.budget.max_findings:
                    return self._spent(index, f"{self.budget.max_findings:,} findings")
                self.findings += 1
        return len(batch)

    def _spent(self, index: int, what: str) -> int:
        self.partial = f"the run's budget of {what} is spent"
        return index

    def stop(self) -> OverBudget:
        """The error that ends the file in hand once ``take`` fell short."""
        return OverBudget(
            f"stopped, and the run's result is partial: {self.partial}; the rest of this "
            "file and any later report were not read"
        )
