"""The relay between swarm runs on a real memory branch: the gather job's ``swarm plan
--relay`` leaves one when work remains, and the relay workflow's ``swarm next`` (the
action's ``swarm-next`` on ``workflow_run``) takes it and names the plan's issue."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.coordinator.records import Board, Relay, TaskStatus
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.swarm.relay import MAX_RELAYS
from tests.commands.swarm_checkout import Checkout, make_checkout
from tests.commands.swarm_plan_test import put_plan, six_step_plan, swarm_plan
from tests.swarm.histories import T0, event

RUN, NEXT = "500", "501"


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    return make_checkout(tmp_path, monkeypatch)


def board_after_a_run(checkout: Checkout, tmp_path: Path, run: str = RUN) -> BoardStore:
    """The six-step plan's board once leg 1 of ``run`` finished S1: work remains."""
    plan = six_step_plan(checkout)
    made = board_for(plan, put_plan(checkout, plan, tmp_path, approved=True), T0, Budgets())
    leg = f"{run}.1/work/1"
    done = replace(
        made.task("S1"),
        state=TaskStatus.DONE,
        history=(event(0, "claimed", leg, 1), event(5, "done", fence=1)),
    )
    store = BoardStore(checkout.memory(), "issue-7")
    store.create(replace(made, tasks=tuple(done if t.id == "S1" else t for t in made.tasks)))
    return store


def relay_board(store: BoardStore) -> Board:
    found = store.load()
    assert found is not None
    return found


def swarm_next(checkout: Checkout, run: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("GITHUB_RUN_ID", NEXT)
    assert main(["swarm", "next", "--run", run, "--repo", str(checkout.work)]) == 0
    return checkout.outputs_written()


def test_the_gather_job_leaves_a_relay_that_the_next_run_takes(
    checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = board_after_a_run(checkout, tmp_path)
    monkeypatch.setenv("GITHUB_RUN_ID", RUN)
    assert swarm_plan(checkout, "--relay")["has-work"] == "true"
    assert (
        "| relay | level 1: the relay workflow starts the next run |"
        in checkout.summary.read_text()
    )
    relay = relay_board(store).relay
    assert relay is not None and (relay.run, relay.level, relay.taken_by) == (RUN, 1, "")
    outputs = swarm_next(checkout, RUN, monkeypatch)
    assert (outputs["issue"], outputs["has-work"]) == ("7", "true")
    assert relay_board(store).relay == replace(relay, taken_by=NEXT)
    # the relay workflow's job retried: the same answer, and no second commit
    tip = checkout.memory_tip()
    assert swarm_next(checkout, RUN, monkeypatch)["issue"] == "7"
    assert checkout.memory_tip() == tip


def test_a_run_without_a_relay_starts_nothing(
    checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board_after_a_run(checkout, tmp_path)
    outputs = swarm_next(checkout, "404", monkeypatch)
    assert (outputs["issue"], outputs["has-work"]) == ("", "false")
    assert "run 404 left no relay on a plan's board" in checkout.summary.read_text()


def test_the_chain_stops_at_its_last_level(
    checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = board_after_a_run(checkout, tmp_path)
    deep = Relay("499", MAX_RELAYS, "2026-11-27T02:00:00Z", taken_by=RUN)
    store.apply(lambda b: (replace(b, relay=deep), None, "a chain three runs deep"))
    monkeypatch.setenv("GITHUB_RUN_ID", RUN)
    assert swarm_plan(checkout, "--relay")["has-work"] == "true"  # work remains, by hand
    assert "start the next one by hand" in checkout.summary.read_text()
    assert relay_board(store).relay == deep


def test_the_action_relays_only_a_swarm_run_that_succeeded(
    checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = board_after_a_run(checkout, tmp_path)
    store.apply(lambda b: (replace(b, relay=Relay(RUN, 1, "t")), None, "relay"))
    monkeypatch.setenv("KAIROS_COMMAND", "swarm-next")
    monkeypatch.setenv("GITHUB_EVENT_NAME", "workflow_run")
    monkeypatch.setenv("GITHUB_RUN_ID", NEXT)
    for conclusion, expected in (("cancelled", "false"), ("success", "true")):
        payload = tmp_path / f"{conclusion}.json"
        payload.write_text(json.dumps(completed(int(RUN), conclusion)))
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(payload))
        assert main(["action", "--repo", str(checkout.work)]) == 0
        assert checkout.outputs_written()["has-work"] == expected
    assert f"run {RUN} ended cancelled: not relayed" in checkout.summary.read_text()


def completed(run_id: int, conclusion: str) -> dict[str, object]:
    """A ``workflow_run`` completed event of the swarm run ``run_id``."""
    user = {"login": "maria", "id": 1, "type": "User"}
    return {
        "action": "completed",
        "workflow_run": {
            "id": run_id,
            "name": "kairos swarm",
            "conclusion": conclusion,
            "head_sha": "a" * 40,
            "head_branch": "main",
            "event": "workflow_dispatch",
            "pull_requests": [],
            "actor": user,
            "head_repository": {"full_name": "octo/app"},
        },
        "repository": {"full_name": "octo/app", "default_branch": "main"},
        "sender": user,
    }
