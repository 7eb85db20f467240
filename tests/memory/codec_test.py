from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from kairos_ci.errors import MemoryCorrupt
from kairos_ci.memory import codec
from kairos_ci.memory.documents import checker, validate
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import (
    MAX_STORED_PATCH,
    Backoff,
    CoFailureSample,
    DecisionRecord,
    Fact,
    Lease,
    Memory,
    MemoryLimits,
    Posted,
    Rejection,
    Spend,
    StoredSuggestion,
    Task,
    TaskState,
    VerdictRecord,
    Work,
    WorkState,
)
from kairos_ci.verdicts.records import HistoryEntry, Outcome, Verdict
from tests.memory.helpers import at, jname, journal, sha


def rich_journal(run_id: str = "r1", seconds: int = 1):  # type: ignore[no-untyped-def]
    return journal(
        run_id,
        seconds,
        {"tests/a.py::test_x": Outcome.FLAKY, "tests/b.py::test_y[1|2]": Outcome.ERRORED},
        verdicts={"tests/a.py::test_x": VerdictRecord(Verdict.FLAKY, ("r0", run_id))},
        cofailure=CoFailureSample(("src/a.py",), ("tests/b.py::test_y[1|2]",)),
        posted={"fp-1": Posted("review", "pr#4", "https://github.com/o/r/pull/4", at(seconds))},
        work=(Work("kairos/fix-lint", 4, WorkState.OPEN, "abc123", "fix_lint", at(seconds)),),
        rejections=(Rejection("fp-0", "maria", at(seconds), "not wanted"),),
        decisions=(DecisionRecord(run_id, at(seconds), "review", "pr#4", "new PR from a member"),),
        spend={"claude-opus": Spend(0.42, 1200, 300)},
        facts=(Fact("test_framework", "pytest", "pyproject.toml", run_id, at(seconds)),),
        tasks=(Task("task-1", "fix_lint", "ruff", TaskState.QUEUED, "3 new findings", at(1)),),
        backoffs=(
            Backoff(
                "ab" * 32, "tests/b.py::test_y[1|2]", 2, at(seconds), at(86400), "triage: flaky"
            ),
        ),
    )


def test_journal_round_trips_and_validates() -> None:
    original = rich_journal()
    doc = codec.journal_doc(original)
    validate(doc, "journal", checker())
    assert codec.decode_journal(json.loads(codec.dumps(doc)), "journal") == original


def test_snapshot_round_trips_and_validates() -> None:
    memory = fold(
        Memory(),
        [(jname(1), rich_journal("r1", 1)), (jname(2), rich_journal("r2", 2))],
        MemoryLimits(),
    )
    doc = codec.snapshot_doc(memory)
    validate(doc, "snapshot", checker())
    assert codec.decode_snapshot(json.loads(codec.dumps(doc))) == memory


def test_history_shares_one_point_per_commit_and_run() -> None:
    results = {f"t::{i}": Outcome.PASSED for i in range(100)}
    doc = codec.journal_doc(journal("r1", 1, results))
    assert len(doc["points"]) == 1
    assert doc["results"]["t::7"] == "0:p:0.25"


def test_durations_are_kept_to_the_millisecond_and_none_stays_none() -> None:
    entries = (
        HistoryEntry(sha("c"), sha("t"), "r1", Outcome.PASSED, 1.23456, at(0)),
        HistoryEntry(sha("c"), sha("t"), "r1", Outcome.FAILED, None, at(0)),
        HistoryEntry(sha("c"), sha("t"), "r1", Outcome.SKIPPED, -3.0, at(0)),
    )
    original = journal("r1", 0)
    doc = codec.journal_doc(type(original)(run=original.run, results={"t::a": entries}))
    assert doc["results"]["t::a"] == "0:p:1.235 0:f: 0:s:0"
    decoded = codec.decode_journal(doc, "j")
    assert [e.duration_s for e in decoded.results["t::a"]] == [1.235, None, 0.0]


def test_the_same_memory_always_gives_the_same_bytes() -> None:
    one = fold(
        Memory(), [("a", rich_journal("r1", 1)), ("b", rich_journal("r2", 2))], MemoryLimits()
    )
    two = fold(
        Memory(), [("b", rich_journal("r2", 2)), ("a", rich_journal("r1", 1))], MemoryLimits()
    )
    assert codec.dumps(codec.snapshot_doc(one)) == codec.dumps(codec.snapshot_doc(two))


def test_history_pointing_past_the_table_is_corrupt() -> None:
    doc = codec.journal_doc(journal("r1", 1, {"t::a": Outcome.PASSED}))
    doc["results"]["t::a"] = "5:p:1"
    with pytest.raises(MemoryCorrupt, match="points at entry 5 of 1"):
        codec.decode_journal(doc, "journal/x.json")


def test_snapshot_history_pointing_outside_its_table_names_the_test() -> None:
    memory = fold(
        Memory(), [(jname(1), rich_journal("r1", 1)), (jname(2), rich_journal("r2", 2))],
        MemoryLimits(),
    )  # fmt: skip
    doc = codec.snapshot_doc(memory)
    test_id = sorted(doc["tests"])[-1]
    doc["tests"][test_id]["history"] = "1:p:1 12:f:"  # 1 and 12 are a prefix of each other
    with pytest.raises(MemoryCorrupt, match=f"{re.escape(test_id)}.*points at entry 12 of 2"):
        codec.decode_snapshot(doc)


def test_leases_round_trip_and_impossible_times_are_corrupt() -> None:
    leases = {"nightly": Lease("nightly", "r1", at(0), at(60))}
    doc = codec.leases_doc(leases)
    validate(doc, "leases", checker())
    assert codec.decode_leases(doc) == leases
    doc["leases"]["nightly"]["expires_at"] = "2026-13-45T00:00:00Z"
    validate(doc, "leases", checker())  # the pattern allows it; the calendar does not
    with pytest.raises(MemoryCorrupt, match="impossible time"):
        codec.decode_leases(doc)


def suggestion(seconds: int, stale: str = "") -> StoredSuggestion:
    return StoredSuggestion(
        "fix_tests.test_x-0123456789.abcdef", "kairos/fix-tests/test_x-0123456789",
        "Fix failing test test_x", sha("base"), "diff --git a/x.py b/x.py\n", ("t.py::test_x",),
        ("target tests now pass: passed (t.py::test_x: failed -> passed)",), at(seconds),
        stale=stale,
    )  # fmt: skip


def test_stored_suggestions_round_trip_validate_and_the_newest_wins() -> None:
    first = replace(rich_journal("r1", 1), suggestions=(suggestion(1),))
    later = replace(rich_journal("r2", 2), suggestions=(suggestion(2, "no longer applies"),))
    doc = codec.journal_doc(first)
    validate(doc, "journal", checker())
    assert codec.decode_journal(json.loads(codec.dumps(doc)), "journal") == first
    memory = fold(Memory(), [(jname(1), first), (jname(2), later)], MemoryLimits())
    assert list(memory.suggestions.values()) == [suggestion(2, "no longer applies")]
    snapshot = codec.snapshot_doc(memory)
    validate(snapshot, "snapshot", checker())
    assert codec.decode_snapshot(json.loads(codec.dumps(snapshot))) == memory


def test_memory_written_before_suggestions_still_loads() -> None:
    journal_doc = codec.journal_doc(rich_journal())
    del journal_doc["suggestions"]
    validate(journal_doc, "journal", checker())
    assert codec.decode_journal(journal_doc, "journal").suggestions == ()
    snapshot = codec.snapshot_doc(fold(Memory(), [(jname(1), rich_journal())], MemoryLimits()))
    del snapshot["suggestions"]
    validate(snapshot, "snapshot", checker())
    assert codec.decode_snapshot(snapshot).suggestions == {}


def test_a_stored_patch_over_the_cap_does_not_validate() -> None:
    huge = replace(suggestion(1), patch="x" * (MAX_STORED_PATCH + 1))
    doc = codec.journal_doc(replace(rich_journal(), suggestions=(huge,)))
    with pytest.raises(MemoryCorrupt):
        validate(doc, "journal", checker())


def test_a_one_point_journal_whose_tokens_all_name_it_is_read() -> None:
    doc = codec.journal_doc(journal("r1", 1, {"t::a": Outcome.PASSED, "t::b": Outcome.FAILED}))
    doc["results"]["t::b"] = "0:f:10 0:p:0.5"
    decoded = codec.decode_journal(doc, "journal/x.json")
    assert [e.outcome for e in decoded.results["t::b"]] == [Outcome.FAILED, Outcome.PASSED]


def test_a_later_token_pointing_past_a_one_point_table_is_corrupt() -> None:
    doc = codec.journal_doc(journal("r1", 1, {"t::a": Outcome.PASSED, "t::b": Outcome.FAILED}))
    doc["results"]["t::b"] = "0:f:10 10:p:0.5"
    with pytest.raises(MemoryCorrupt, match=r"t::b.*points at entry 10 of 1"):
        codec.decode_journal(doc, "journal/x.json")
