"""``kairos-ci swarm report`` on a real memory branch: the schedule a board's history
shows, against its lower bound, in the job summary and as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.store import BoardStore
from tests.commands.swarm_checkout import Checkout, make_checkout
from tests.swarm.histories import alone, locked


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    return make_checkout(tmp_path, monkeypatch)


def put_board(checkout: Checkout, board: Board) -> None:
    assert BoardStore(checkout.memory(), "issue-7").create(board).value


def reported(checkout: Checkout, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    argv = ["swarm", "report", "--issue", "7", "--repo", str(checkout.work), "--json", *extra]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_the_board_s_history_is_measured_against_its_lower_bound(
    checkout: Checkout, capsys: pytest.CaptureFixture[str]
) -> None:
    put_board(checkout, locked())
    tip = checkout.memory_tip()
    doc = reported(checkout, capsys)
    measured = doc["measured"]
    assert (measured["legs"], measured["attempts"], measured["failed_attempts"]) == (2, 4, 1)
    assert measured["lower_bound"] == {
        "minutes": 8.0,
        "load": 8.0,
        "critical_path": 7.0,
        "longest": 7.0,
    }
    assert (measured["makespan_minutes"], measured["ratio"]) == (13.0, 1.625)
    assert measured["idle_minutes"] == {
        "dependencies": 0.0,
        "locks": 8.0,
        "startup": 0.0,
        "tail": 3.0,
    }
    # A spent $0.40 at work (half the price of the cheapest), B $0.80 at plan (a quarter).
    assert doc["spend"] == {"spent_usd": 1.2, "cheapest_tier_usd": 0.4}
    summary = checkout.summary.read_text()
    assert "| makespan / LB | 1.625 |" in summary
    assert "| utilisation | 57.7% |" in summary
    assert "| idle leg-minutes | dependencies 0.0, locks 8.0, start-up 0.0, tail 3.0 |" in summary
    assert "| spend | $1.2000, against $0.4000 at the cheapest tier |" in summary
    assert checkout.memory_tip() == tip  # read only


def test_one_run_s_legs_are_measured_alone(
    checkout: Checkout, capsys: pytest.CaptureFixture[str]
) -> None:
    put_board(checkout, alone())
    measured = reported(checkout, capsys, "--run", "111")["measured"]
    assert (measured["legs"], measured["makespan_minutes"], measured["ratio"]) == (1, 10.0, 1.25)
    assert reported(checkout, capsys, "--run", "222")["measured"] is None
    assert "no attempt has ended yet" in checkout.summary.read_text()


def test_without_a_board_there_is_nothing_to_measure(
    checkout: Checkout, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["swarm", "report", "--issue", "7", "--repo", str(checkout.work)]
    assert main(argv) == 0
    assert capsys.readouterr().out == "kairos-ci swarm report: no attempt has ended yet\n"
    assert "measure: no board yet" in checkout.summary.read_text()


def test_the_action_measures_its_own_run_s_legs(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_board(checkout, alone())
    monkeypatch.setenv("KAIROS_COMMAND", "swarm-report")
    monkeypatch.setenv("KAIROS_ISSUE", "7")
    monkeypatch.setenv("GITHUB_RUN_ID", "111")
    assert main(["action", "--repo", str(checkout.work)]) == 0
    summary = checkout.outputs_written()["summary"]
    assert summary == "kairos-ci swarm report: makespan 10.0 min, LB 8.0 min, ratio 1.250, on 1 leg"
