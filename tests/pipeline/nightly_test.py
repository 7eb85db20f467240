"""The nightly run's wiring: the tasks a dispatch asks for, and the task boards recalled
with memory shown on the dashboard (through ``kairos-ci run`` against the GitHub sandbox)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kairos_ci.clock import utc_now
from kairos_ci.config.records import TaskKind
from kairos_ci.coordinator.moves import claim, refreshed
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.errors import UsageError
from kairos_ci.memory.store import CarriedChange, MemoryStore
from kairos_ci.pipeline.nightly import task_kinds
from tests.coordinator.boards import board, task
from tests.e2e.nightly_test import dashboards, night, repo_state, sample_world
from tests.sandbox.github.world import strict_sandbox


def test_dispatch_inputs_choose_the_tasks() -> None:
    assert task_kinds(None) == frozenset(TaskKind)
    assert task_kinds({"tasks": "fix_lint, update_deps"}) == {
        TaskKind.FIX_LINT,
        TaskKind.UPDATE_DEPS,
    }


def test_an_unknown_task_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown task 'fix_everything'"):
        task_kinds({"tasks": "fix_everything"})


def put_boards(memory: MemoryStore) -> BoardStore:
    """Plan "shop": A done an hour ago, B (after A) ready. And a board that is no JSON."""
    hour_ago = utc_now() - timedelta(hours=1)  # the run's clock is the real one
    shop = replace(board(task("A", "a.py"), task("B", "b.py", deps=("A",))), plan_id="shop")
    shop, grant = claim(shop, "local", hour_ago)
    assert grant is not None
    done = replace(shop.task("A"), state=TaskStatus.DONE, lease=None)
    store = BoardStore(memory, "shop")
    store.create(refreshed(replace(shop, tasks=(done, shop.task("B"))), hour_ago))
    memory.update_carried("board/torn.json", lambda _: CarriedChange(b"{", "test: torn"))
    return store


@pytest.mark.slow
def test_the_dashboard_shows_each_plan_with_work_and_edits_only_when_a_board_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    with strict_sandbox(world) as github:
        monkeypatch.setenv("GITHUB_API_URL", github.base_url)
        assert night(world, 1) == 0  # memory's first save; boards join it afterwards
        shop = put_boards(MemoryStore(world.work, clock=utc_now))
        assert night(world, 2) == 0
        (issue,) = dashboards(repo_state(github))
        assert "## Plans in progress" in issue["body"]
        assert "### Progress: plan shop" in issue["body"]
        assert "| ⏳ ready | B | Step B |" in issue["body"]
        assert "**Done 1 of 2**" in issue["body"]
        assert "board/torn.json: not JSON" in issue["body"]  # named in memory health

        assert night(world, 3) == 0
        assert dashboards(repo_state(github))[0]["body"] == issue["body"]  # nothing moved

        shop.apply(lambda b: (claim(b, "local", utc_now())[0], None, "test: claim B"))
        assert night(world, 3) == 0
        assert "| 🔒 leased | B | Step B | local |" in dashboards(repo_state(github))[0]["body"]
