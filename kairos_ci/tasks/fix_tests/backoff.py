"""Backoff: a fix that failed waits before the same failure is tried again.

A failure's signature is a hash of its test id and its message, with what varies from
run to run taken out (absolute paths, and every word holding a digit: numbers,
addresses, ids, times). Each failed fix for a signature doubles its wait, from one day
up to thirty; a new try is made only on a day after the wait ends, so the next night
never retries. A changed failure has a new signature and is tried at once. A
``/kairos fix`` request (a queued ``fix_tests`` task) made after the last try skips the
wait once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kairos_ci.clock import from_iso, to_iso
from kairos_ci.memory.records import Backoff, Memory, Task, TaskState
from kairos_ci.signals.records import TestResult

FIRST_WAIT_DAYS = 1
MAX_WAIT_DAYS = 30
REQUEST_KIND = "fix_tests"  # the kind of task `/kairos fix` queues
MAX_WHY_CHARS = 1000

_ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])(?:[A-Za-z]:)?[\\/](?:[^\s\\/:'\"]+[\\/])+[^\s\\/:'\"]*")
_WORD = re.compile(r"\w+")
MAX_MESSAGE_CHARS = 4000  # the start of a message says which failure it is


def normalised(message: str) -> str:
    """The message without what changes between runs of the same failure."""
    text = _ABSOLUTE_PATH.sub("<path>", message[:MAX_MESSAGE_CHARS])
    text = _WORD.sub(_digits_out, text)
    return " ".join(text.split())


def _digits_out(word: re.Match[str]) -> str:
    return "#" if any(c.isdigit() for c in word.group()) else word.group()


def signature(test: TestResult) -> str:
    """The failure's identity: its test and its normalised message (or, without one, the
    last line of its details, where most runners name the error)."""
    lines = (test.details or "").strip().splitlines()
    message = test.message or (lines[-1] if lines else "")
    return hashlib.sha256(f"{test.id}\n{normalised(message)}".encode()).hexdigest()


def wait_days(attempts: int) -> int:
    """1, 2, 4, ... days after the first, second, third failed fix, capped."""
    doublings = min(max(attempts - 1, 0), MAX_WAIT_DAYS.bit_length())
    return min(FIRST_WAIT_DAYS << doublings, MAX_WAIT_DAYS)


def fix_requests(memory: Memory) -> tuple[Task, ...]:
    """The queued ``/kairos fix`` requests, oldest first."""
    queued = (
        t for t in memory.tasks.values() if t.kind == REQUEST_KIND and t.state is TaskState.QUEUED
    )
    return tuple(sorted(queued, key=lambda t: t.at))


@dataclass(frozen=True)
class Due:
    """Tests split by their backoff: tried now, or waiting (test id -> why)."""

    ready: tuple[TestResult, ...] = ()
    waiting: Mapping[str, str] = field(default_factory=dict)
    skipped_by: Mapping[str, Task] = field(default_factory=dict)  # test id -> the request


@dataclass(frozen=True)
class Schedule:
    """Memory's failed fixes and fix requests, at the run's time."""

    backoffs: Mapping[str, Backoff]  # by signature
    requests: tuple[Task, ...]
    now: datetime

    @classmethod
    def of(cls, memory: Memory, now: datetime) -> Schedule:
        return cls(memory.backoffs, fix_requests(memory), now)

    def split(self, tests: Iterable[TestResult]) -> Due:
        ready: list[TestResult] = []
        waiting: dict[str, str] = {}
        skipped_by: dict[str, Task] = {}
        for test in tests:
            record = self.backoffs.get(signature(test))
            if record is None or self.is_over(record):
                ready.append(test)
            elif request := self.request_after(record):
                ready.append(test)
                skipped_by[test.id] = request
            else:
                waiting[test.id] = waiting_reason(record)
        return Due(tuple(ready), waiting, skipped_by)

    def is_over(self, record: Backoff) -> bool:
        """Whether the wait has ended: tries are made only on a later day than its end."""
        return self.now.astimezone(UTC).date() > _moment(record.next_attempt).date()

    def request_after(self, record: Backoff) -> Task | None:
        """The newest fix request made after the last try, which skips the wait once."""
        last = _moment(record.last_attempt)
        later = [t for t in self.requests if _moment(t.at) > last]
        return later[-1] if later else None

    def failed(self, test: TestResult, why: str) -> Backoff:
        """The record after a failed fix of ``test`` now: the wait doubles."""
        key = signature(test)
        earlier = self.backoffs.get(key)
        attempts = (earlier.attempts if earlier else 0) + 1
        after = self.now + timedelta(days=wait_days(attempts))
        return Backoff(key, test.id, attempts, to_iso(self.now), to_iso(after), _short(why))


def waiting_reason(record: Backoff) -> str:
    tries = "a fix" if record.attempts == 1 else f"{record.attempts} fixes"
    day = _moment(record.next_attempt).date().isoformat()
    return f"{tries} for this failure failed ({record.why}); next try after {day}"


def taken(requests: Iterable[Task], at: str) -> tuple[Task, ...]:
    """The requests a run took: done, so the next run does not take them again."""
    why = "taken by the nightly run: failing tests were tried without waiting"
    return tuple(
        Task(t.task_id, t.kind, t.target, TaskState.DONE, f"{t.why}; {why}"[:4000], at)
        for t in requests
    )


def _moment(text: str) -> datetime:
    """A stored time; an impossible one is long past (its wait is over, its request old)."""
    try:
        return from_iso(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_WHY_CHARS else flat[: MAX_WHY_CHARS - 3] + "..."
