"""The run, the project it works on, and what tasks produce: proposed changes with
their verification, and skips with reasons."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kairos_ci.bundle.records import patch_hash
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.port import Forge
from kairos_ci.memory.store import MemoryStore
from kairos_ci.policy.autonomy import NO_FACTS, change_ceiling
from kairos_ci.policy.records import Cap, ChangeFacts, Situation
from kairos_ci.signals.records import TestResult
from kairos_ci.workspace.commands import CommandRunner


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    event: str
    now: datetime  # timezone-aware
    dry_run: bool = False  # nothing is written: GitHub or memory

    @property
    def at(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Project:
    """The repository a run works on, and the adapters around it: built once, by the
    command line (the composition root), for every stage that touches the outside."""

    repo: Path  # the checkout
    repository: str  # OWNER/NAME
    default_branch: str
    config: Config  # read from the default branch (or a PR's base), never a PR's head
    memory: MemoryStore
    forge: Forge | None  # None: a dry run without a token
    branches: Branches | None  # None: nothing is pushed
    runner: CommandRunner  # the project's own commands, in the jail
    situation: Situation  # what started the run, and who
    secrets: tuple[Secret, ...] = ()  # redacted from all the model sees and says


@dataclass(frozen=True)
class Skipped:
    task: str
    why: str


@dataclass(frozen=True)
class Check:
    """One verification step and whether it passed, for the PR body and the summary."""

    name: str
    passed: bool
    detail: str
    blocking: bool = True  # False: a failure caps the change (see ``ceiling``), not refuses it


@dataclass(frozen=True)
class VerificationRun:
    """What one verification saw: the tests before and after the fix, and kairos's marks."""

    name: str  # e.g. "fix_tests: tests/test_calc.py::test_add"
    before: Sequence[TestResult]
    after: Sequence[TestResult]
    targets: Collection[str] = ()  # ids of the tests the fix targets
    flaky: Collection[str] = ()  # ids kairos judged flaky: shown, not counted


@dataclass(frozen=True)
class ProposedChange:
    """A verified (or refused) patch on top of ``base_sha``, to publish on ``branch``."""

    kind: str  # task kind, e.g. "fix_lint"
    branch: str
    title: str
    base_sha: str
    patch: str  # `git diff --binary` against base_sha
    files: tuple[str, ...]
    checks: tuple[Check, ...]
    summary: str  # what was done, for humans
    facts: ChangeFacts = NO_FACTS  # what the task found; policy caps the change by it
    details: str = ""  # a task's own PR-body section, already safe markdown
    identity_key: str = ""  # what a human rejects or accepts; default: the patch itself
    evidence: VerificationRun | None = None  # the tests before and after, for the artefact
    # What the verification ran on (``stages.fingerprint``): recorded with the open work so
    # that a later run on the same tree, config and tools reuses it. "" when not known.
    verified_on: str = ""

    @property
    def injection_signals(self) -> tuple[str, ...]:
        return self.facts.injection_signals

    @property
    def ceiling(self) -> Cap | None:
        """The highest level policy lets this change be published at, and why."""
        return change_ceiling(self.facts)

    @property
    def verified(self) -> bool:
        return all(check.passed for check in self.checks if check.blocking)

    @property
    def patch_hash(self) -> str:
        return patch_hash(self.patch)

    @property
    def identity(self) -> str:
        """The same change on another night: its patch, or (for dependency updates) the
        exact set of versions, which stays the same when the base moves under it."""
        return self.identity_key or self.patch_hash
