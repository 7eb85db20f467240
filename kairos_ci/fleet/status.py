"""One repository's state on the fleet dashboard, judged from what was read: its memory
(or why it could not be read) and its open pull requests (or why they could not be
listed). Pure. What could not be read stays unknown (None), never a zero: a repository
whose memory is unreadable is a problem to show, not a quiet one."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.forge.records import PullRequest
from kairos_ci.memory.records import Memory, Spend
from kairos_ci.memory.store import Loaded
from kairos_ci.verdicts.records import Verdict

KAIROS_BRANCHES = "kairos/"  # every branch kairos proposes from starts so


class Health(enum.StrEnum):
    OK = "ok"
    PROBLEMS = "read with problems"  # some files unreadable or untrusted: left out
    MISSING = "no memory yet"  # the branch does not exist: kairos never finished a run
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Counts:
    broken: int
    flaky: int
    spend_usd: float  # this month's model spend
    last_run: str  # the newest run's time, "" when none


@dataclass(frozen=True)
class RepoStatus:
    repository: str
    health: Health
    counts: Counts | None  # None: memory could not be read, so nothing is known
    open_prs: int | None  # None: the pull requests could not be listed
    problems: tuple[str, ...] = ()  # why something is unknown, and memory's notes

    @property
    def troubled(self) -> bool:
        return self.health is not Health.OK or self.open_prs is None or bool(self.problems)


@dataclass(frozen=True)
class Reading:
    """What the dashboard job read for one repository; a string says why it could not."""

    repository: str
    memory: Loaded | str
    pulls: Sequence[PullRequest] | str


def status_of(reading: Reading, month: str) -> RepoStatus:
    """``month`` is "YYYY-MM": whose spend counts as this month's."""
    problems: list[str] = []
    open_prs = None
    if isinstance(reading.pulls, str):
        problems.append(f"pull requests: {reading.pulls}")
    else:
        open_prs = sum(1 for p in reading.pulls if _kairos_pull(p, reading.repository))
    if isinstance(reading.memory, str):
        problems.insert(0, f"memory: {reading.memory}")
        return RepoStatus(reading.repository, Health.UNREADABLE, None, open_prs, tuple(problems))
    loaded = reading.memory
    if loaded.commit is None:  # no run has saved memory there: nothing is known, not zero
        return RepoStatus(reading.repository, Health.MISSING, None, open_prs, tuple(problems))
    health = Health.OK
    if loaded.notes:
        health = Health.PROBLEMS
        problems[:0] = [f"memory: {note}" for note in loaded.notes]
    counts = counts_of(loaded.memory, month)
    return RepoStatus(reading.repository, health, counts, open_prs, tuple(problems))


def counts_of(memory: Memory, month: str) -> Counts:
    verdicts = [record.verdict for record in memory.tests.values()]
    spend = sum(memory.spend.months.get(month, {}).values(), Spend())
    last = memory.runs[-1].at if memory.runs else ""
    return Counts(verdicts.count(Verdict.BROKEN), verdicts.count(Verdict.FLAKY), spend.usd, last)


def _kairos_pull(pull: PullRequest, repository: str) -> bool:
    """Open, from a kairos branch of the repository itself (a fork's branch is not ours)."""
    same = (pull.head_repo or "").lower() == repository.lower()
    return pull.state == "open" and same and pull.head.startswith(KAIROS_BRANCHES)
