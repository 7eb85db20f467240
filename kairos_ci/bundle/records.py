"""A bundle: the writes a run intends, each with its fingerprint, autonomy and why;
and what became of each when the bundle was applied."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from kairos_ci.bundle.intents import Intent, Kind, OpenPullRequest
from kairos_ci.config.records import Level, TaskKind
from kairos_ci.memory.records import Spend
from kairos_ci.policy.autonomy import PUBLISH_LEVELS

BUNDLE_VERSION = 1


# The least autonomy each kind of write needs: policy's table, keyed by this enum.
REQUIRED_LEVEL: Mapping[Kind, Level] = {Kind(name): level for name, level in PUBLISH_LEVELS.items()}

# Writes are applied in this order: labels exist before PRs use them, a PR exists
# before its auto-merge, the dashboard comes last.
ORDER = (
    Kind.LABEL,
    Kind.PULL_REQUEST,
    Kind.LABELS,
    Kind.REVIEW,
    Kind.COMMENT,
    Kind.AUTO_MERGE,
    Kind.DASHBOARD,
)


def patch_hash(patch: str) -> str:
    """Identity of a change itself: the same fix on another night hashes the same.
    An approval names it, so approving one patch never approves another."""
    return hashlib.sha256(patch.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class Write:
    fingerprint: str
    autonomy: Level
    why: str
    intent: Intent  # what is written where
    task: TaskKind | None = None

    @property
    def kind(self) -> Kind:
        return self.intent.KIND

    @property
    def approval(self) -> str | None:
        """The dashboard key a maintainer ticked to approve this PR, if that is what allows it."""
        return self.intent.approval if isinstance(self.intent, OpenPullRequest) else None

    def describe(self) -> str:
        """One line naming what this write touches, for summaries and logs."""
        return self.intent.describe()


@dataclass(frozen=True)
class RunSpend:
    """The model spend of a run that saved no memory itself (a ``--dry-run`` job), for
    the publish job to record in memory's ledger under the bundle's run id."""

    at: str  # when the run was: the day and month the ledger counts the spend in
    by_model: Mapping[str, Spend]


@dataclass(frozen=True)
class Bundle:
    repository: str
    writes: tuple[Write, ...]
    created_by: Mapping[str, str] = field(default_factory=dict)
    version: int = BUNDLE_VERSION
    spend: RunSpend | None = None

    @property
    def run_id(self) -> str:
        return self.created_by.get("run_id", "")


class Status(enum.StrEnum):
    APPLIED = "applied"  # something was created or changed on GitHub
    UNCHANGED = "unchanged"  # it was already so
    FAILED = "failed"  # GitHub or git said no; the reason says why
    SKIPPED = "skipped"  # policy refused it here; nothing was attempted
    PLANNED = "planned"  # dry run: allowed, not applied


@dataclass(frozen=True)
class WriteOutcome:
    write: Write
    status: Status
    reason: str = ""
    url: str | None = None
    human_owned: bool = False  # a human committed to the branch: kairos stopped there
    number: int | None = None  # the issue or pull request written to, when GitHub said


@dataclass(frozen=True)
class ApplyResult:
    outcomes: tuple[WriteOutcome, ...]

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def failed(self) -> tuple[WriteOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)

    def pr_urls(self) -> tuple[str, ...]:
        return tuple(
            o.url
            for o in self.outcomes
            if o.write.kind is Kind.PULL_REQUEST and o.url and o.status is not Status.SKIPPED
        )
