from __future__ import annotations

from dataclasses import replace

from kairos_ci.coordinator.records import Board, Relay, TaskStatus
from kairos_ci.swarm.relay import MAX_RELAYS, left_by, relay_after, taken
from tests.coordinator.boards import task
from tests.swarm.histories import T0, event, ran

RUN = "111"


def board_where(run: str, ended: str) -> Board:
    """One step that leg 1 of ``run`` claimed and ended ``ended``, one still pending."""
    leg = f"{run}.1/work/1"
    one = ran(
        task("A", "a.py"), TaskStatus.DONE, event(0, "claimed", leg, 1), event(5, ended, fence=1)
    )
    return Board("issue-7", "f" * 64, (one, task("B", "b.py", deps=("A",))))


def test_a_run_that_finished_a_step_relays_to_the_first_level() -> None:
    assert relay_after(board_where(RUN, "done"), RUN, T0) == Relay(RUN, 1, "2026-11-27T03:00:00Z")


def test_a_run_that_finished_no_step_relays_nothing() -> None:
    why = relay_after(board_where(RUN, "attempt failed"), RUN, T0)
    assert why == "this run finished no step: a next run would likely do no better"
    # another run's finished step is not this run's progress
    assert isinstance(relay_after(board_where("222", "done"), RUN, T0), str)


def test_a_run_the_relay_started_goes_one_level_deeper_until_the_cap() -> None:
    started = replace(board_where(RUN, "done"), relay=Relay("100", 1, "t", taken_by=RUN))
    assert relay_after(started, RUN, T0) == Relay(RUN, 2, "2026-11-27T03:00:00Z")
    last = replace(started, relay=Relay("100", MAX_RELAYS, "t", taken_by=RUN))
    assert (
        relay_after(last, RUN, T0)
        == "3 runs in a row started themselves: start the next one by hand"
    )
    # a run started by hand after a chain starts a new chain
    by_hand = replace(started, relay=Relay("100", MAX_RELAYS, "t", taken_by="99"))
    relay = relay_after(by_hand, RUN, T0)
    assert isinstance(relay, Relay) and relay.level == 1


def test_a_relay_is_taken_once_for_the_run_that_left_it() -> None:
    left = replace(board_where(RUN, "done"), relay=Relay(RUN, 1, "t"))
    took = taken(left, RUN, "200")
    assert isinstance(took, Board) and took.relay == Relay(RUN, 1, "t", taken_by="200")
    assert taken(took, RUN, "200") == took  # the same job again changes nothing
    assert taken(took, RUN, "201") == f"run 200 took the relay of run {RUN} already"
    assert taken(left, "999", "200") == "run 999 left no relay on plan issue-7"


def test_the_board_a_run_left_its_relay_on_is_found_among_every_plans() -> None:
    mine = replace(board_where(RUN, "done"), relay=Relay(RUN, 1, "t"))
    other = replace(mine, plan_id="issue-8", relay=Relay("222", 1, "t"))
    assert left_by([other, mine], RUN) is mine
    assert left_by([other], RUN) is None
