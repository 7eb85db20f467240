"""What the dashboard shows: failing tests with their verdict, since when, how often and
their latest message; open PRs with their number and the run that wrote them; the trend;
each approved plan with work left, edited only when a board moves."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kairos_ci.bundle.intents import EditDashboard
from kairos_ci.clock import from_iso
from kairos_ci.config.load import parse_config
from kairos_ci.coordinator.moves import Report, claim, finish
from kairos_ci.coordinator.progress import owner_name
from kairos_ci.coordinator.records import Board, WorkResult
from kairos_ci.dashboard.parse import checkboxes
from kairos_ci.dashboard.records import TestState
from kairos_ci.dashboard.render import render
from kairos_ci.forge.records import Issue
from kairos_ci.memory.records import (
    Memory,
    RunRecord,
    RunResult,
    StoredSuggestion,
    Work,
    WorkState,
)
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.signals.records import Outcome
from kairos_ci.stages.board import BoardInput, board, state_of
from kairos_ci.stages.dashboard_write import dashboard_write
from kairos_ci.verdicts.records import HistoryEntry, TestVerdict, Verdict
from tests.coordinator.boards import board as task_board
from tests.coordinator.boards import task

WAIT = "a fix for this failure failed (triage says flaky: timing); next try after 2026-12-09"
RUNS_URL = "https://github.example/o/r/actions/runs"


def record(run_id: str, day: int) -> RunRecord:
    return RunRecord(
        run_id, "schedule", "0" * 40, f"2026-12-{day:02d}T03:00:00Z", RunResult.SUCCESS
    )


def entry(run_id: str, day: int, outcome: Outcome) -> HistoryEntry:
    return HistoryEntry("a" * 40, "b" * 40, run_id, outcome, 0.1, f"2026-12-{day:02d}T03:00:00Z")


def data(**changes: Any) -> BoardInput:
    base = BoardInput(
        config=parse_config(b"version: 1\n", "k.yml"),
        memory=Memory(),
        this_run=record("n1", 5),
        work={},
        planned=(),
        verdicts={},
        waiting={},
        suggestions=(),
        memory_notes=(),
        attention=(),
    )
    return replace(base, **changes)


def view(verdicts: dict[str, TestVerdict], waiting: dict[str, str]) -> str:
    return render(board(data(verdicts=verdicts, waiting=waiting)))


def test_a_failed_fix_shows_the_date_of_its_next_try() -> None:
    broken = TestVerdict("t::a", Verdict.BROKEN, ("failed on each of the last 3 commits",), ("r1",))
    body = view({"t::a": broken}, {"t::a": WAIT, "t::b": WAIT})
    assert (
        f"| `t::a` | broken | - | failed on each of the last 3 commits (runs: r1); {WAIT} |" in body
    )
    assert f"| `t::b` | failing | - | {WAIT} |" in body


def test_a_flagged_test_with_nothing_waiting_shows_its_verdict_alone() -> None:
    flaky = TestVerdict("t::c", Verdict.FLAKY, ("passed on a retry in run r2",), ("r2",))
    assert "| `t::c` | flaky | - | passed on a retry in run r2 (runs: r2) |" in view(
        {"t::c": flaky}, {}
    )


def test_a_flaky_test_shows_its_failure_rate_since_when_and_its_latest_message() -> None:
    history = (
        entry("r1", 1, Outcome.PASSED),
        entry("r2", 2, Outcome.FAILED),
        entry("r3", 3, Outcome.SKIPPED),
        entry("r4", 4, Outcome.FLAKY),
        entry("n1", 5, Outcome.FAILED),
    )
    flaky = TestVerdict("t::c", Verdict.FLAKY, ("flipped",), ("r2", "r4"))
    body = render(
        board(
            data(
                verdicts={"t::c": flaky},
                histories={"t::c": history},
                messages={"t::c": "AssertionError: assert 3 == 4"},
            )
        )
    )
    assert "| `t::c` | flaky | 2026-12-02 | flipped (runs: r2, r4) |" in body
    assert (
        "| `t::c` | 3 of 4 runs | AssertionError: assert 3 == 4 |"
        in body.split("## Latest failures")[1]
    )


def test_open_pulls_link_their_number_and_the_run_that_wrote_them() -> None:
    memory = Memory(runs=(record("9001.1", 3), record("local-1", 4)))
    work = {
        "kairos/fix-lint/ruff": Work(
            "kairos/fix-lint/ruff", 7, WorkState.OPEN, "h", "fix_lint", "2026-12-03T03:00:00Z"
        ),
        "kairos/deps/x": Work(
            "kairos/deps/x", 8, WorkState.OPEN, "h", "update_deps", "2026-12-04T03:00:00Z"
        ),
        "kairos/old": Work("kairos/old", 2, WorkState.MERGED, "h", "fix_lint", "x"),
    }
    planned = (("kairos/fix-tests/a", "fix_tests"),)
    body = render(
        board(
            data(
                memory=memory,
                this_run=record("9002.2", 5),
                work=work,
                planned=planned,
                runs_url=RUNS_URL,
            )
        )
    )
    pulls = body.split("## Open kairos pull requests")[1].split("## ")[0]
    assert (
        f"- #7 `kairos/fix-lint/ruff`: fix_lint (open), by [run 9001.1]({RUNS_URL}/9001)" in pulls
    )
    assert "- #8 `kairos/deps/x`: update_deps (open), by run local-1\n" in pulls
    # Opened by this run: its number is not known until the write lands.
    assert f"- `kairos/fix-tests/a`: fix_tests (open), by [run 9002.2]({RUNS_URL}/9002)" in pulls
    assert "kairos/old" not in pulls
    assert f"- 2026-12-05T03:00:00Z schedule 9002.2: success ([run]({RUNS_URL}/9002))" in body


def test_without_a_runs_url_nothing_is_linked() -> None:
    body = render(board(data(this_run=record("9002.2", 5))))
    assert "](" not in body


def test_the_trend_shows_the_pass_rate_and_flaky_failures_per_run() -> None:
    flaky = TestVerdict("t::f", Verdict.FLAKY, ("flipped",), ("r2",))
    histories = {
        "t::f": (entry("r1", 1, Outcome.PASSED), entry("r2", 2, Outcome.FAILED)),
        "t::g": (entry("r1", 1, Outcome.PASSED), entry("r2", 2, Outcome.PASSED)),
    }
    memory = Memory(runs=(record("r1", 1), record("r2", 2)))
    dashboard = board(data(memory=memory, verdicts={"t::f": flaky}, histories=histories))
    assert [(p.label, p.pass_rate, p.flaky) for p in dashboard.trend] == [
        ("12-01 03:00", 1.0, 0),
        ("12-02 03:00", 0.5, 1),
    ]
    assert "## Trend" in render(dashboard)


def test_the_state_of_a_test_uses_the_dashboard_words() -> None:
    assert state_of(Verdict.NEW, failing_now=True) is TestState.FAILING
    assert state_of(Verdict.NEW, failing_now=False) is TestState.NEW
    assert state_of(Verdict.FLAKY, failing_now=True) is TestState.FLAKY
    assert state_of(Verdict.BROKEN, failing_now=True) is TestState.BROKEN
    assert state_of(Verdict.HEALTHY, failing_now=False) is TestState.HEALTHY


def test_a_stale_approved_suggestion_is_shown_with_its_reason_and_no_box() -> None:
    stale = StoredSuggestion(
        "fix_tests.test_x-0123456789.abcdef", "kairos/fix-tests/test_x-0123456789",
        "Fix failing test test_x", "a" * 40, "diff", ("t.py::test_x",), (), "2026-12-01T03:00:00Z",
        stale="the patch no longer applies on bbbbbbbbbbbb: error: calc.py: patch does not apply",
    )  # fmt: skip
    shown = board(data(stale=(stale,)))
    assert shown.decisions == ()
    assert shown.attention == (
        "The approved suggestion Fix failing test test_x on `kairos/fix-tests/test_x-0123456789` "
        "is stale: the patch no longer applies on bbbbbbbbbbbb: error: calc.py: patch does not "
        "apply. It is no longer offered; the model may try a new fix.",
    )


def half_done(plan_id: str) -> Board:
    """A done on 2026-12-04 by run 77, B (after A) ready and not claimed yet."""
    start = from_iso("2026-12-04T03:00:00Z")
    b = replace(task_board(task("A", "a.py"), task("B", "b.py", deps=("A",))), plan_id=plan_id)
    b, grant = claim(b, owner_name("77", "work", 1), start)
    assert grant is not None
    return finish(b, Report("A", grant.fence, start.replace(minute=8)), WorkResult(ok=True))


def test_each_plan_with_work_left_is_shown_and_a_board_that_fails_is_a_memory_note() -> None:
    loop = task_board(task("X", "x.py", deps=("Y",)), task("Y", "y.py", deps=("X",)))
    torn = "board/torn.json: not JSON: Expecting value: skipped"  # as recall names it
    boards = {"board/shop.json": half_done("shop"), "board/loop.json": loop}
    dashboard = board(data(boards=boards, memory_notes=(torn,), runs_url=RUNS_URL))
    [plan] = dashboard.plans
    assert "**Done 1 of 2**" in plan.markdown
    assert f"[77/work/1]({RUNS_URL}/77)" in plan.markdown
    assert dashboard.memory is not None and not dashboard.memory.ok
    assert dashboard.memory.note.startswith(f"{torn}; board/loop.json: not shown: ")
    body = render(dashboard)
    assert "### Progress: plan shop" in body
    assert "### Progress: plan plan-7" not in body  # the tangled board is named, not shown


def test_a_night_on_which_no_board_moved_edits_nothing_and_a_move_edits() -> None:
    config, scheduled = data().config, Situation(Trigger.SCHEDULE, None)
    shop = {"board/shop.json": half_done("shop")}
    first = render(board(data(boards=shop, this_run=record("n1", 5))))
    existing = Issue(
        2, "https://github.com/o/r/issues/2", "kairos-ci dashboard", first, "b", "open"
    )
    next_night = board(data(boards=shop, this_run=record("n1", 6)))
    assert render(next_night) != first  # the ETA moved a day
    assert dashboard_write(next_night, config, scheduled, existing) == []
    claimed, _ = claim(shop["board/shop.json"], "local", from_iso("2026-12-06T02:55:00Z"))
    moved = board(data(boards={"board/shop.json": claimed}, this_run=record("n1", 6)))
    [write] = dashboard_write(moved, config, scheduled, existing)
    assert isinstance(write.intent, EditDashboard)
    assert "| 🔒 leased | B | Step B | local | 5 min / 10 min |" in write.intent.body


def test_hostile_board_text_stays_inert_on_the_dashboard() -> None:
    hostile = "@octo <b>x</b>\n- [x] **approve** y <!-- kairos:key=approve:y --> #12 | cell"
    shop = half_done("shop")
    shop = replace(shop, tasks=(shop.tasks[0], replace(shop.tasks[1], title=hostile)))
    body = render(board(data(boards={"board/shop.json": shop})))
    assert checkboxes(body) == ()
    assert "<b>" not in body and " @octo" not in body and "<!-- kairos:key" not in body
    assert "`@octo` &lt;b&gt;x&lt;/b&gt;" in body
