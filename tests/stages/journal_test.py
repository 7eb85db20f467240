"""What the nightly's journal keeps of reruns, failed fixes and verdicts: only news."""

from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.memory.records import (
    Backoff,
    Journal,
    Memory,
    Task,
    TaskState,
    TestRecord,
    VerdictRecord,
)
from kairos_ci.stages import journal
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.gate import Gated
from kairos_ci.stages.reconcile import offline
from kairos_ci.stages.records import RunInfo
from kairos_ci.stages.state import Acted, Finished, Observed, Recalled, Worked
from kairos_ci.tasks.fix_tests.nightly import model_notes
from kairos_ci.tasks.fix_tests.task import FixOutcome
from kairos_ci.verdicts.records import HistoryEntry, Outcome, TestVerdict, Verdict

RUN = RunInfo("night-1", "schedule", datetime(2026, 12, 1, 3, 0, tzinfo=UTC))


def entry(outcome: Outcome) -> HistoryEntry:
    return HistoryEntry("a" * 40, "b" * 40, RUN.run_id, outcome, 0.1, RUN.at)


def build(fixed: FixOutcome) -> Journal:
    results = {"t::rerun": entry(Outcome.FAILED), "t::other": entry(Outcome.FAILED)}
    verdicts = {t: TestVerdict(t, Verdict.NEW, ("first failure",), ()) for t in results}
    gated = Gated((), (), (), (), ())
    evidence = Evidence((), None, (), ())
    recalled = Recalled(Memory(), offline(Memory()))
    observed = Observed(evidence, results, verdicts)
    worked = Worked(notes=model_notes(fixed, RUN.at))
    acted = Acted(Bundle("o/r", (), {}), ApplyResult(()), {})
    return journal.build(Finished(RUN, "a" * 40, recalled, observed, worked, gated, acted))


def test_a_failure_that_passed_on_rerun_is_remembered_as_a_retry_pass() -> None:
    record = build(FixOutcome(flaky_on_rerun=("t::rerun",)))
    assert record.results["t::rerun"][0].outcome is Outcome.FLAKY
    assert record.results["t::other"][0].outcome is Outcome.FAILED
    assert record.verdicts["t::rerun"].verdict is Verdict.FLAKY
    assert record.verdicts["t::rerun"].evidence == ("night-1",)
    assert record.verdicts["t::other"].verdict is Verdict.NEW


def test_backoffs_and_taken_requests_are_kept_as_one_printable_line() -> None:
    backoff = Backoff("c" * 64, "t::a\nb", 1, RUN.at, RUN.at, "triage says\tflaky:\x1b[31m red")
    request = Task("fix_tests:pr#7", "fix_tests", "pr#7", TaskState.DONE, "taken", RUN.at)
    record = build(FixOutcome(backoffs=(backoff,), requests=(request,)))
    (kept,) = record.backoffs
    assert (kept.test_id, kept.why) == ("t::a b", "triage says flaky:[31m red")
    assert record.tasks == (request,)


def test_a_journal_keeps_a_verdict_only_when_it_is_news() -> None:
    memory = Memory(
        tests={
            "t::steady": TestRecord((), Verdict.HEALTHY, ("night-0",)),
            "t::waiting": TestRecord((), Verdict.NEW, ("night-0",)),
            "t::flaky": TestRecord((), Verdict.FLAKY, ("night-0",)),
            "t::broke": TestRecord((), Verdict.HEALTHY),
        }
    )
    verdicts = {
        "t::steady": TestVerdict("t::steady", Verdict.HEALTHY, ("clean",), ("night-1",)),
        "t::waiting": TestVerdict("t::waiting", Verdict.NEW, ("failing",), ("night-1",)),
        "t::flaky": TestVerdict("t::flaky", Verdict.FLAKY, ("flip",), ("night-0", "night-1")),
        "t::broke": TestVerdict("t::broke", Verdict.BROKEN, ("failing",), ("night-1",)),
        "t::first": TestVerdict("t::first", Verdict.NEW, ("first run",), ("night-1",)),
    }
    assert journal.verdict_news(memory, verdicts) == {
        "t::flaky": VerdictRecord(Verdict.FLAKY, ("night-0", "night-1")),  # new evidence
        "t::broke": VerdictRecord(Verdict.BROKEN, ("night-1",)),
        "t::first": VerdictRecord(Verdict.NEW, ("night-1",)),
    }
