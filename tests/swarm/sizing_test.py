from __future__ import annotations

from dataclasses import replace

from kairos_ci.coordinator.records import Board, BoardTask, TaskStatus
from kairos_ci.coordinator.track import Pace, Track
from kairos_ci.swarm.sizing import Allowance, size
from tests.coordinator.boards import T0, board, task

# Three roots, two tasks after S1 and S2, one after those: at most 3 at once.
SIX = board(
    task("S1", "s1.py"),
    task("S2", "s2.py"),
    task("S3", "s3.py"),
    task("S4", "s4.py", deps=("S1",)),
    task("S5", "s5.py", deps=("S2",)),
    task("S6", "s6.py", deps=("S4", "S5")),
)
ROOMY = Allowance(concurrency=8, usd_headroom=100.0, usd_per_leg_hour=2.0)
NO_RECORD = Track()


def with_states(made: Board, states: dict[str, TaskStatus]) -> Board:
    def moved(one: BoardTask) -> BoardTask:
        return replace(one, state=states.get(one.id, one.state))

    return replace(made, tasks=tuple(moved(one) for one in made.tasks))


def test_k_is_the_ready_width_when_nothing_else_binds() -> None:
    sizing = size(SIX, ROOMY, T0, NO_RECORD)
    assert (sizing.k, sizing.has_work) == (3, True)
    assert (sizing.limits.ready_width, sizing.limits.max_parallel) == (3, 3)
    assert (sizing.ready, sizing.running, sizing.left) == (3, 0, 6)


def test_the_horizon_limits_the_width_to_what_can_start_within_it() -> None:
    # Within 5 minutes only A can start; B, C and D start together at minute 10.
    wide = board(task("A"), task("B", deps=("A",)), task("C", deps=("A",)), task("D", deps=("A",)))
    assert size(wide, replace(ROOMY, horizon_minutes=5.0), T0, NO_RECORD).limits.ready_width == 1
    assert size(wide, ROOMY, T0, NO_RECORD).limits.ready_width == 3
    assert size(wide, replace(ROOMY, horizon_minutes=5.0), T0, NO_RECORD).limits.max_parallel == 3


def test_the_track_records_pace_moves_what_starts_within_the_horizon() -> None:
    # A's class ran at half its p50 before: B, C and D can start at minute 5, not 10.
    wide = board(
        replace(task("A"), task_class="fix/low"),
        *(task(name, deps=("A",)) for name in "BCD"),
    )
    quick = Track(pace={"fix/low": Pace(0.5, 3)})
    soon = replace(ROOMY, horizon_minutes=6.0)
    assert size(wide, soon, T0, NO_RECORD).limits.ready_width == 1
    assert size(wide, soon, T0, quick).limits.ready_width == 3


def test_tasks_shorter_than_a_legs_start_up_share_legs() -> None:
    short = board(*(replace(task(f"S{n}", f"s{n}.py"), estimate_minutes=1.0) for n in range(6)))
    assert size(short, replace(ROOMY, overhead_minutes=0.0), T0, NO_RECORD).k == 6
    assert size(short, replace(ROOMY, overhead_minutes=2.0), T0, NO_RECORD).k == 3  # ⌊6 / 2⌋


def test_each_allowance_bounds_k() -> None:
    assert size(SIX, replace(ROOMY, concurrency=2), T0, NO_RECORD).k == 2
    assert size(SIX, replace(ROOMY, usd_headroom=5.0), T0, NO_RECORD).k == 2  # $5 / $2 a leg-hour
    assert size(SIX, replace(ROOMY, api_requests=60, requests_per_task=25), T0, NO_RECORD).k == 2


def test_no_budget_is_no_work_and_says_which_limit() -> None:
    sizing = size(SIX, replace(ROOMY, usd_headroom=1.0), T0, NO_RECORD)
    assert (sizing.k, sizing.has_work) == (0, False)
    assert sizing.why == "the USD budget left allows no leg"


def test_tasks_behind_an_open_decision_are_not_counted() -> None:
    waiting = replace(
        board(
            task("S1", "s1.py", decisions=("D1",)),
            task("S2", "s2.py", deps=("S1",)),
            task("S3", "s3.py"),
        ),
        decisions={"D1": None},
    )
    sizing = size(waiting, ROOMY, T0, NO_RECORD)
    assert (sizing.k, sizing.limits.max_parallel) == (1, 1)


def test_everything_ended_is_no_work() -> None:
    done = with_states(SIX, {t.id: TaskStatus.DONE for t in SIX.tasks})
    sizing = size(done, ROOMY, T0, NO_RECORD)
    assert (sizing.k, sizing.has_work, sizing.why) == (0, False, "every task has ended")


def test_only_a_decision_left_is_no_work_and_says_what_it_waits_on() -> None:
    asked = replace(board(task("S1", "s1.py", decisions=("D1",))), decisions={"D1": None})
    sizing = size(asked, ROOMY, T0, NO_RECORD)
    assert (sizing.k, sizing.why) == (0, "no task is ready or running: the rest waits on decision")


def test_a_running_task_with_nothing_ready_is_still_work() -> None:
    running = with_states(
        board(task("S1", "s1.py"), task("S2", "s2.py", deps=("S1",))),
        {"S1": TaskStatus.RUNNING},
    )
    sizing = size(running, ROOMY, T0, NO_RECORD)
    assert (sizing.k, sizing.ready, sizing.running) == (1, 0, 1)
