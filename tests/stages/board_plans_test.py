"""The dashboard's plan sections: a board with work left shows its progress, an ended one
does not, at most ``MAX_PLANS`` the latest moved first, a board that cannot be rendered is
a problem and skipped, and a section's state moves with the board, never with the clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kairos_ci.coordinator.moves import Report, claim, finish, heartbeat
from kairos_ci.coordinator.progress import owner_name
from kairos_ci.coordinator.records import Board, Question, TaskStatus, WorkResult
from kairos_ci.stages.board_plans import MAX_PLANS, plan_sections, state_of
from tests.coordinator.boards import T0, board, task

MIN = timedelta(minutes=1)
RUNS = "https://github.com/o/r/actions/runs"


def plan(plan_id: str, claimed_at_minute: int | None = None) -> Board:
    """Two steps, B after A; A claimed at ``claimed_at_minute`` (or never)."""
    b = replace(board(task("A", "a.py"), task("B", "b.py", deps=("A",))), plan_id=plan_id)
    if claimed_at_minute is None:
        return b
    claimed, grant = claim(b, owner_name("77", "work", 1), T0 + claimed_at_minute * MIN)
    assert grant is not None
    return claimed


def every_task_done(plan_id: str) -> Board:
    b = plan(plan_id)
    return replace(b, tasks=tuple(replace(t, state=TaskStatus.DONE) for t in b.tasks))


def test_a_board_with_work_left_shows_its_progress() -> None:
    plans = plan_sections({"board/p1.json": plan("p1", 0)}, T0 + 5 * MIN, RUNS)
    [section] = plans.sections
    assert section.markdown.startswith("### Progress: plan p1\n")
    assert f"[77/work/1]({RUNS}/77)" in section.markdown  # the owner links to its run
    assert "**Done 0 of 2**" in section.markdown
    assert (plans.more, plans.problems) == (0, ())


def test_a_board_whose_every_task_ended_is_not_shown() -> None:
    plans = plan_sections({"board/old.json": every_task_done("old")}, T0, RUNS)
    assert (plans.sections, plans.more, plans.problems) == ((), 0, ())


def test_at_most_max_plans_are_shown_the_latest_moved_first_and_the_rest_counted() -> None:
    boards = {f"board/p{i}.json": plan(f"p{i}", i) for i in range(MAX_PLANS + 2)}
    boards["board/idle.json"] = plan("idle")  # never moved: last
    plans = plan_sections(boards, T0 + 60 * MIN, RUNS)
    shown = [s.markdown.split("\n", 1)[0] for s in plans.sections]
    newest = [f"### Progress: plan p{i}" for i in range(MAX_PLANS + 1, 1, -1)]
    assert shown == newest
    assert plans.more == 3  # p1, p0 and idle


def test_a_board_that_cannot_be_rendered_is_named_and_skipped() -> None:
    tangled = replace(
        board(task("A", "a.py", deps=("B",)), task("B", "b.py", deps=("A",))), plan_id="loop"
    )
    bad_time = plan("clock", 0)
    lease = bad_time.tasks[0].lease
    assert lease is not None
    bad_time = replace(
        bad_time,
        tasks=(replace(bad_time.tasks[0], lease=replace(lease, expires_at="soon")),),
    )
    boards = {"board/loop.json": tangled, "board/clock.json": bad_time, "board/ok.json": plan("ok")}
    plans = plan_sections(boards, T0, RUNS)
    assert [s.markdown.split("\n", 1)[0] for s in plans.sections] == ["### Progress: plan ok"]
    assert len(plans.problems) == 2
    assert plans.problems[0].startswith("board/clock.json: not shown: ")
    assert plans.problems[1].startswith("board/loop.json: not shown: ")
    assert "depend on each other" in plans.problems[1]
    assert plans.more == 0


def test_an_expired_lease_is_shown_given_back() -> None:
    late = T0 + 11 * MIN  # the lease's 10 minutes are up, with no heartbeat
    [section] = plan_sections({"board/p.json": plan("p", 0)}, late, RUNS).sections
    assert "| ⏳ ready | A |" in section.markdown
    assert "0 agents active" in section.markdown


def test_the_state_moves_with_the_board_never_with_the_clock_or_a_heartbeat() -> None:
    live = plan("p", 0)
    lease = live.task("A").lease
    assert lease is not None
    first = plan_sections({"board/p.json": live}, T0 + 2 * MIN, RUNS).sections[0]
    later = plan_sections({"board/p.json": live}, T0 + 7 * MIN, RUNS).sections[0]
    assert first.markdown != later.markdown  # elapsed time and the ETA moved
    assert first.state == later.state
    beat = heartbeat(live, Report("A", lease.fence, T0 + 4 * MIN))
    assert state_of(beat) == state_of(live)
    done = finish(live, Report("A", lease.fence, T0 + 5 * MIN), WorkResult(ok=True))
    assert state_of(done) != state_of(live)


def test_a_question_is_listed_here_and_answered_on_the_plan_comment() -> None:
    asked = Question("D1", "Which store?", ("SQLite", "none"), "A", "t")
    open_question = replace(plan("p1"), decisions={"D1": None}, questions=(asked,))
    (section,) = plan_sections({"board/p1.json": open_question}, T0, "").sections
    assert "\n- a: SQLite\n- b: none\n\nAnswer it on the plan's comment." in section.markdown
    assert "- [ ]" not in section.markdown and "kairos:board=" not in section.markdown


def test_once_an_attempt_ended_the_schedule_is_measured_against_the_lower_bound() -> None:
    claimed = plan("p1", 0)
    assert (
        "Schedule so far" not in plan_sections({"b.json": claimed}, T0, RUNS).sections[0].markdown
    )
    fence = claimed.task("A").lease.fence if claimed.task("A").lease else 0
    done = finish(claimed, Report("A", fence, T0 + 6 * MIN), WorkResult(ok=True))
    (section,) = plan_sections({"b.json": done}, T0 + 7 * MIN, RUNS).sections
    assert section.markdown.endswith(
        "Schedule so far (the legs' attempts, from the board): makespan 6.0 min, "
        "LB 6.0 min, ratio 1.000, on 1 leg\n"
    )
