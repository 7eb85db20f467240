"""The board on the memory branch: every move one compare-and-swap commit of
``board/<plan id>.json`` (``MemoryStore.update_carried``), retried on a lost race.

The commit message names the move, so the branch's history is the board's journal:
``coordinator.journal`` replays it to prove no two live leases ever held one path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.records import Board
from kairos_ci.errors import InputError
from kairos_ci.memory.names import BOARD_DIR
from kairos_ci.memory.store import CarriedChange, MemoryStore, SaveResult

T = TypeVar("T")
_PLAN_ID = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


@dataclass(frozen=True)
class Moved(Generic[T]):
    board: Board  # as committed (or as found, when the move changed nothing)
    value: T  # what the move returned, from the attempt that won
    saved: SaveResult


# A move: the board as fetched -> the board to commit (None: leave it), a value, a message.
Move = Callable[[Board], tuple[Board | None, T, str]]


def board_path(plan_id: str) -> str:
    if not _PLAN_ID.match(plan_id) or plan_id in (".", ".."):
        raise ValueError(f"plan id {plan_id!r} must match {_PLAN_ID.pattern}")
    return f"{BOARD_DIR}/{plan_id}.json"


@dataclass(frozen=True)
class BoardStore:
    memory: MemoryStore
    plan_id: str

    def load(self) -> Board | None:
        found = self.memory.carried_files(BOARD_DIR, lambda path: path == f"{self.plan_id}.json")
        raw = found.files.get(f"{self.plan_id}.json")
        return None if raw is None else codec.loads(raw, board_path(self.plan_id))

    def create(self, board: Board) -> Moved[bool]:
        """Put ``board`` on the branch unless one for this plan is there already."""

        def put(current: Board | None) -> tuple[Board | None, bool, str]:
            if current is not None:
                return None, False, ""
            return board, True, f"board {board.plan_id}: {len(board.tasks)} tasks"

        return self._apply(put)

    def apply(self, move: Move[T]) -> Moved[T]:
        """``move`` on the current board, committed by compare-and-swap."""

        def on_board(current: Board | None) -> tuple[Board | None, T, str]:
            if current is None:
                raise InputError(f"no board for plan {self.plan_id} on the memory branch")
            return move(current)

        return self._apply(on_board)

    def _apply(self, move: Callable[[Board | None], tuple[Board | None, T, str]]) -> Moved[T]:
        path = board_path(self.plan_id)
        won: list[tuple[Board | None, T]] = []

        def update(raw: bytes | None) -> CarriedChange | None:
            current = None if raw is None else codec.loads(raw, path)
            board, value, message = move(current)
            won[:] = [(board or current, value)]
            return None if board is None else CarriedChange(codec.dumps(board), message)

        saved = self.memory.update_carried(path, update)
        board, value = won[0]
        assert board is not None  # a move with no board to start from made one, or raised
        return Moved(board, value, saved)
