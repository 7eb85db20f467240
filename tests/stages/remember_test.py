"""Recalling memory with the coordinator's task boards, from one fetch of a real memory
branch: every board that reads, by path; one that does not is a memory note, skipped."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kairos_ci.context import Secret
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.memory.store import CarriedChange, MemoryStore
from kairos_ci.stages.remember import recall_with_boards
from tests.coordinator.boards import board, task
from tests.memory.helpers import init_clone, init_origin, journal, make_store

AT = "2026-11-27T04:00:00Z"


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    origin = init_origin(tmp_path / "origin.git")
    return make_store(init_clone(tmp_path / "clone", origin), tmp_path / "scratch")


def put(store: MemoryStore, path: str, raw: bytes) -> None:
    store.update_carried(path, lambda _: CarriedChange(raw, f"test: {path}"))


def test_boards_come_with_memory_and_a_broken_one_is_a_note(store: MemoryStore) -> None:
    store.save(journal("r1"))
    plan = replace(board(task("A", "a.py")), plan_id="shop-7")
    BoardStore(store, "shop-7").create(plan)
    put(store, "board/torn.json", b'{"version": 1, "plan_id": "torn"')
    put(store, "board/deep.json", b"[" * 100_000)
    put(store, "board/notes/readme.json", b"{}")  # not a board: nothing deeper is read

    recalled, boards = recall_with_boards(store, None, "kairos", AT)

    assert [run.run_id for run in recalled.memory.runs] == ["r1"]
    assert boards == {"board/shop-7.json": plan}
    [deep, torn] = [note for note in recalled.notes if note.startswith("board/")]
    assert deep == "board/deep.json: nested too deeply to be a task board: skipped"
    assert torn.startswith("board/torn.json: not JSON: ")
    assert torn.endswith(": skipped")


def test_no_memory_branch_yet_recalls_nothing_and_no_boards(store: MemoryStore) -> None:
    recalled, boards = recall_with_boards(store, None, "kairos", AT)
    assert (recalled.memory.runs, recalled.notes, dict(boards)) == ((), (), {})


def test_an_untrusted_tip_is_one_note_not_two(store: MemoryStore, tmp_path: Path) -> None:
    BoardStore(store, "shop-7").create(board(task("A", "a.py")))
    other = make_store(store.repo, tmp_path / "scratch", key=Secret("k1"))  # trusts a MAC
    recalled, boards = recall_with_boards(other, None, "kairos", AT)
    assert dict(boards) == {}
    assert len(recalled.notes) == 1
    assert "memory MAC" in recalled.notes[0]
