"""What memory holds: frozen records for the snapshot, one run's journal and leases.

Times are ISO 8601 UTC strings ("2026-11-27T03:00:00Z"), as in ``HistoryEntry``.
Every collection is bounded by ``MemoryLimits`` when journals are folded in.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from kairos_ci.memory import caps
from kairos_ci.verdicts.records import HistoryEntry, Verdict

# 2 added ``backoffs``; 3 keyed the snapshot's points by stable numbers. Older documents
# are migrated on load. ``suggestions`` and ``work.*.verified`` are optional in 3: memory
# written before loads.
SCHEMA_VERSION = 3
# A suggestion's patch is kept up to this size; a bigger one is not stored, with the reason.
MAX_STORED_PATCH = 256 << 10


class RunResult(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    PARTIAL = "partial"  # some work done, some skipped for a reason the user must fix
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class WorkState(enum.StrEnum):
    OPEN = "open"
    MERGED = "merged"
    CLOSED = "closed"


class TaskState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    event: str
    sha: str
    at: str
    outcome: RunResult


@dataclass(frozen=True)
class TestRecord:
    """One test: its recent outcomes (oldest first) and the verdict judged from them.

    Loaded memory holds a ``memory.history.History`` here: entries decode when read."""

    history: Sequence[HistoryEntry] = ()
    verdict: Verdict = Verdict.NEW
    evidence: tuple[str, ...] = ()  # run ids behind the verdict


@dataclass(frozen=True)
class VerdictRecord:
    verdict: Verdict
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathStats:
    """How often a path changed, and how often each test failed in those runs."""

    changes: int
    failures: Mapping[str, int]


@dataclass(frozen=True)
class CoFailureSample:
    """One run's evidence: the paths it changed and the tests that failed."""

    changed: tuple[str, ...]
    failing: tuple[str, ...]


@dataclass(frozen=True)
class Posted:
    """Something kairos wrote on GitHub, keyed by its fingerprint."""

    kind: str  # e.g. "review", "comment", "issue", "pr"
    target: str  # e.g. "pr#12", "issue#3"
    url: str
    at: str


@dataclass(frozen=True)
class Work:
    """A branch (and maybe PR) kairos owns, keyed by branch."""

    branch: str
    pr: int | None
    state: WorkState
    patch_hash: str
    kind: str
    updated_at: str
    # What the change's verification ran on ("<base tree> <config> <tools>", see
    # ``stages.fingerprint``); "" when not recorded. A match lets a nightly reuse it.
    verified: str = ""


@dataclass(frozen=True)
class Rejection:
    """A human said no to a fingerprint or patch hash: never propose it again."""

    key: str
    by: str
    at: str
    reason: str = ""


@dataclass(frozen=True)
class DecisionRecord:
    run_id: str
    at: str
    action: str
    target: str
    why: str


@dataclass(frozen=True)
class Spend:
    usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Spend) -> Spend:
        return Spend(
            round(self.usd + other.usd, 6),
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
        )


ByModel = Mapping[str, Spend]


@dataclass(frozen=True)
class SpendLedger:
    """Spend by model, per run id, per day ("2026-11-27") and per month ("2026-11")."""

    runs: Mapping[str, ByModel] = field(default_factory=dict)
    days: Mapping[str, ByModel] = field(default_factory=dict)
    months: Mapping[str, ByModel] = field(default_factory=dict)


@dataclass(frozen=True)
class Fact:
    """Something learned about the project, with where it came from (never an instruction)."""

    key: str
    value: str
    source: str
    run_id: str
    at: str


@dataclass(frozen=True)
class Task:
    task_id: str
    kind: str
    target: str
    state: TaskState
    why: str
    at: str  # last change: the newest change wins when journals disagree


@dataclass(frozen=True)
class Backoff:
    """A fix that failed for one failure signature, and when it may be tried again.

    The newest record of a signature wins; a different signature (the failure changed)
    has no record, so it is tried at once."""

    signature: str  # hash of the test id and its normalised failure message
    test_id: str
    attempts: int  # failed fixes for this signature so far
    last_attempt: str
    next_attempt: str  # no new try before the day after this one
    why: str  # why the last try did not fix it


@dataclass(frozen=True)
class StoredSuggestion:
    """A ``fix_tests`` suggestion's exact patch, kept so a maintainer's approval applies
    that patch on the next run, instead of whatever the model would write then.

    Keyed by its dashboard approval key; the newest record of a key wins."""

    key: str  # the dashboard's approve key (``gate.approval_key``)
    branch: str
    title: str
    base_sha: str  # the commit the patch was verified on
    patch: str  # "" when it was over ``MAX_STORED_PATCH``: ``not_stored`` says so
    targets: tuple[str, ...]  # the failing tests it fixes
    evidence: tuple[str, ...]  # the verification checks' one-line results
    at: str
    not_stored: str = ""  # why there is no patch
    stale: str = ""  # why the patch no longer applies or verifies; "" while it is live


@dataclass(frozen=True)
class Lease:
    name: str
    owner: str  # run id
    acquired_at: str
    expires_at: str


@dataclass(frozen=True)
class Journal:
    """What one run learned; written once as an immutable file, folded in later."""

    run: RunRecord
    results: Mapping[str, Sequence[HistoryEntry]] = field(default_factory=dict)
    verdicts: Mapping[str, VerdictRecord] = field(default_factory=dict)
    cofailure: CoFailureSample | None = None
    posted: Mapping[str, Posted] = field(default_factory=dict)
    work: tuple[Work, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()
    spend: ByModel = field(default_factory=dict)
    facts: tuple[Fact, ...] = ()
    tasks: tuple[Task, ...] = ()
    backoffs: tuple[Backoff, ...] = ()
    suggestions: tuple[StoredSuggestion, ...] = ()


@dataclass(frozen=True)
class Memory:
    """Everything remembered: the snapshot with journals folded in, plus live leases."""

    run_count: int = 0
    runs: tuple[RunRecord, ...] = ()  # most recent, oldest first
    tests: Mapping[str, TestRecord] = field(default_factory=dict)
    cofailures: Mapping[str, PathStats] = field(default_factory=dict)
    posted: Mapping[str, Posted] = field(default_factory=dict)
    work: Mapping[str, Work] = field(default_factory=dict)
    rejections: Mapping[str, Rejection] = field(default_factory=dict)
    decisions: tuple[DecisionRecord, ...] = ()
    spend: SpendLedger = field(default_factory=SpendLedger)
    facts: Mapping[str, Fact] = field(default_factory=dict)
    tasks: Mapping[str, Task] = field(default_factory=dict)
    backoffs: Mapping[str, Backoff] = field(default_factory=dict)  # by signature
    suggestions: Mapping[str, StoredSuggestion] = field(default_factory=dict)  # by key
    leases: Mapping[str, Lease] = field(default_factory=dict)
    applied: tuple[str, ...] = ()  # names of journals folded in: applying one twice is a no-op

    def flaky_tests(self) -> frozenset[str]:
        """The tests the last nightly judged flaky: a failure of theirs proves nothing."""
        return frozenset(t for t, record in self.tests.items() if record.verdict is Verdict.FLAKY)


@dataclass(frozen=True)
class MemoryLimits:
    """Bounds on every collection, on the bytes kairos writes, and when journals are
    compacted into the snapshot."""

    runs: int = 200
    history_per_test: int = 50
    tests: int = 20_000
    evidence: int = 10
    cofailure_paths: int = 500
    cofailure_tests_per_path: int = 10
    # A run that changed or broke more than this says nothing about which path breaks what.
    cofailure_sample_paths: int = 200
    cofailure_sample_tests: int = 100
    posted: int = 5_000
    work: int = 500
    rejections: int = 2_000
    decisions: int = 500
    spend_runs: int = 200
    spend_days: int = 62
    spend_months: int = 24
    facts: int = 500
    tasks: int = 500
    backoffs: int = 500
    suggestions: int = 20  # each may carry a patch of up to MAX_STORED_PATCH
    leases: int = 200
    applied: int = 1_000
    # A generation: journals pile up in the tip until one of these is true, then all of
    # them are folded into the snapshot at once. So the snapshot is rewritten about once
    # a week, not on every save, and the branch grows by journals, not by snapshots.
    max_journals: int = 8  # the tip would hold more journals than this
    journal_age: timedelta = timedelta(days=7)  # its oldest journal is older than this
    journal_bytes: int = (caps.TIP_BYTES - caps.SNAPSHOT_BYTES) >> 1  # its journals together
    # Compaction shrinks memory until the snapshot is at most this (``budget.fit``): a
    # quarter under the cap, and room for 20,000 tests with long ids (about 12 MiB).
    snapshot_bytes: int = caps.SNAPSHOT_BYTES * 3 // 4

    def halved(self) -> MemoryLimits:
        """The bounds on bulk records halved (at least 1); once they are all 1, the bounds
        on the few records a human made or must see (work, rejections, tasks...) too.
        ``applied`` is kept: it is what stops a journal from being folded twice."""
        names = [name for name in _BULK if getattr(self, name) > 1] or _FEW
        return replace(self, **{name: max(1, getattr(self, name) >> 1) for name in names})


_BULK = (
    "runs", "history_per_test", "tests", "evidence", "cofailure_paths",
    "cofailure_tests_per_path", "posted", "decisions", "spend_runs",
)  # fmt: skip
_FEW = (
    "work",
    "rejections",
    "spend_days",
    "spend_months",
    "facts",
    "tasks",
    "backoffs",
    "suggestions",
)
