"""Backoff rules: the failure signature, the doubling wait, and what skips it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kairos_ci.clock import to_iso
from kairos_ci.memory.records import Backoff, Memory, Task, TaskState
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.tasks.fix_tests.backoff import (
    Schedule,
    fix_requests,
    normalised,
    signature,
    taken,
    wait_days,
    waiting_reason,
)

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def failing(message: str | None, test_id: str = "t::a", details: str | None = None) -> TestResult:
    return TestResult(
        "r.xml", test_id, (), None, test_id, None, None, Outcome.FAILED, (), None, message, details
    )


def request(at: datetime, state: TaskState = TaskState.QUEUED) -> Task:
    return Task("fix_tests:pr#7", "fix_tests", "pr#7", state, "asked by maria", to_iso(at))


def test_what_varies_between_runs_is_not_part_of_the_signature() -> None:
    one = "assert 2 == 1 where 1 = min(<generator object at 0x7fed30959a40>) in /tmp/pytest-3/x.txt"
    two = "assert 3 == 1 where 1 = min(<generator object at 0x7fc80bfcda40>) in /tmp/pytest-9/x.txt"
    assert (
        normalised(one)
        == normalised(two)
        == ("assert # == # where # = min(<generator object at #>) in <path>")
    )
    assert signature(failing(one)) == signature(failing(two))
    assert normalised("C:\\Users\\ci\\AppData\\x.py failed") == "<path> failed"
    assert normalised("id 123e4567-e89b-12d3-a456-426614174000") == "id #-#-#-#-#"
    assert normalised("tests/test_x.py:12: KeyError") == "tests/test_x.py:#: KeyError"


def test_a_changed_failure_or_another_test_is_another_signature() -> None:
    assert signature(failing("KeyError: 'a'")) != signature(failing("TypeError: 'a'"))
    assert signature(failing("boom")) != signature(failing("boom", test_id="t::b"))
    assert len(signature(failing("boom"))) == 64
    # Without a message, the last line of the details (where the error is named) counts.
    trace = "def test():\n>   f()\nE   ValueError\n\ntests/t.py:3: ValueError\n"
    assert signature(failing(None, details=trace)) == signature(
        failing(None, details=trace.replace(":3:", ":30:"))
    )
    assert signature(failing(None, details=trace)) != signature(failing(None))


def test_the_wait_doubles_from_one_day_up_to_thirty() -> None:
    assert [wait_days(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert wait_days(10_000) == 30


def test_a_failed_fix_waits_and_a_later_day_tries_again() -> None:
    test = failing("boom")
    first = Schedule({}, (), NOW).failed(test, "triage says flaky: timing")
    assert (first.attempts, first.last_attempt, first.next_attempt) == (
        1,
        "2026-12-01T03:00:00Z",
        "2026-12-02T03:00:00Z",
    )
    memory = {first.signature: first}
    assert Schedule({}, (), NOW).split([test]).ready == (test,)  # no earlier record
    next_night = Schedule(memory, (), NOW + timedelta(days=1, minutes=5)).split([test])
    assert next_night.ready == ()
    assert next_night.waiting == {
        "t::a": (
            "a fix for this failure failed (triage says flaky: timing); next try after 2026-12-02"
        )
    }
    assert Schedule(memory, (), NOW + timedelta(days=2)).split([test]).ready == (test,)
    second = Schedule(memory, (), NOW + timedelta(days=2)).failed(test, "no fix")
    assert (second.attempts, second.next_attempt) == (2, "2026-12-05T03:00:00Z")
    assert waiting_reason(second) == (
        "2 fixes for this failure failed (no fix); next try after 2026-12-05"
    )


def test_a_changed_failure_is_tried_at_once() -> None:
    record = Schedule({}, (), NOW).failed(failing("KeyError: 'a'"), "no fix")
    changed = failing("TypeError: 'a'")
    due = Schedule({record.signature: record}, (), NOW + timedelta(days=1)).split([changed])
    assert due.ready == (changed,) and due.waiting == {}


def test_a_fix_request_after_the_last_try_skips_the_wait_once() -> None:
    test = failing("boom")
    record = Schedule({}, (), NOW).failed(test, "no fix")
    backoffs = {record.signature: record}
    later = NOW + timedelta(hours=5)
    asked = Schedule(backoffs, (request(later),), NOW + timedelta(days=1)).split([test])
    assert asked.ready == (test,) and asked.skipped_by == {"t::a": request(later)}
    earlier = Schedule(backoffs, (request(NOW - timedelta(hours=1)),), NOW + timedelta(days=1))
    assert earlier.split([test]).ready == ()  # made before the last try: already honoured


def test_queued_fix_requests_are_read_from_memory_and_marked_taken() -> None:
    queued, done = request(NOW), request(NOW - timedelta(days=1), TaskState.DONE)
    other = Task("plan:#3", "plan", "#3", TaskState.QUEUED, "asked", to_iso(NOW))
    nightly = Task("fix_tests:t::a", "fix_tests", "kairos/fix-tests/x", TaskState.DONE, "", "")
    memory = Memory(tasks={"a": queued, "b": done, "c": other, "d": nightly})
    assert fix_requests(memory) == (queued,)
    (closed,) = taken([queued], "2026-12-02T03:00:00Z")
    assert closed.task_id == queued.task_id and closed.state is TaskState.DONE
    assert closed.at == "2026-12-02T03:00:00Z" and closed.why.startswith("asked by maria; taken")


def test_an_impossible_stored_time_is_long_past() -> None:
    test = failing("boom")
    broken = Backoff(signature(test), "t::a", 3, "2026-13-45T00:00:00Z", "2026-13-45T00:00:00Z", "")
    assert Schedule({broken.signature: broken}, (), NOW).split([test]).ready == (test,)
