"""What the dashboard shows about failing tests: verdicts, and why a test waits."""

from __future__ import annotations

from kairos_ci.config.load import parse_config
from kairos_ci.dashboard.render import render
from kairos_ci.memory.records import Memory, RunRecord, RunResult
from kairos_ci.stages.board import BoardInput, board
from kairos_ci.verdicts.records import TestVerdict, Verdict

WAIT = "a fix for this failure failed (triage says flaky: timing); next try after 2026-12-09"


def view(verdicts: dict[str, TestVerdict], waiting: dict[str, str]) -> str:
    data = BoardInput(
        config=parse_config(b"version: 1\n", "k.yml"),
        memory=Memory(),
        this_run=RunRecord("n1", "schedule", "0" * 40, "2026-12-05T03:00:00Z", RunResult.SUCCESS),
        work={},
        planned=(),
        verdicts=verdicts,
        waiting=waiting,
        suggestions=(),
        memory_notes=(),
        attention=(),
    )
    return render(board(data))


def test_a_failed_fix_shows_the_date_of_its_next_try() -> None:
    broken = TestVerdict("t::a", Verdict.BROKEN, ("failed on each of the last 3 commits",), ("r1",))
    body = view({"t::a": broken}, {"t::a": WAIT, "t::b": WAIT})
    assert f"| `t::a` | broken | failed on each of the last 3 commits (runs: r1); {WAIT} |" in body
    assert f"| `t::b` | failing | {WAIT} |" in body


def test_a_flagged_test_with_nothing_waiting_shows_its_verdict_alone() -> None:
    flaky = TestVerdict("t::c", Verdict.FLAKY, ("passed on a retry in run r2",), ("r2",))
    assert "| `t::c` | flaky | passed on a retry in run r2 (runs: r2) |" in view(
        {"t::c": flaky}, {}
    )
