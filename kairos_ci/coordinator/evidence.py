"""What one attempt of a plan step leaves for the person who reviews it: the suite runs
on the step's tree, the diff it published (or tried to), and its verdict. The step
runner records it; ``stages.step_evidence`` writes it where the workflow uploads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kairos_ci.signals.records import TestResult


@dataclass(frozen=True)
class SuiteRun:
    """The project's whole configured suite on one tree, read from its JUnit reports."""

    passed: int
    failing: tuple[str, ...]  # ids of the tests that failed or errored
    problem: str = ""  # why it did not run, or left no report: then nothing is verified
    tests: tuple[TestResult, ...] = ()  # every result read: the reviewer's JUnit evidence


@dataclass(frozen=True)
class AttemptEvidence:
    step_id: str
    attempt: int  # the board's count: 1 for the first claim
    fence: int  # the lease's fencing token: which holder this attempt was
    verdict: str  # "done", "failed" or "asked"
    note: str  # why it failed, or the agent's summary
    patch: str  # the diff published, or attempted when it failed; "" when none was made
    suites: tuple[SuiteRun, ...] = ()  # the suite on the step's tree, then its rerun


KeepEvidence = Callable[[AttemptEvidence], None]
