"""Repair tasks and the task they stand in for.

A merge that conflicts or breaks the tests gets a repair task, ``<task>-r<n>``, numbered
per original task (a repair of ``S2-r1`` is ``S2-r2``, never ``S2-r1-r1``), so the
attempt budget counts every repair of one step. The newest repair of a step replaces
the step and its earlier repairs in integration: their branches are what failed.
"""

from __future__ import annotations

import re

from kairos_ci.coordinator.records import Board

_REPAIR = re.compile(r"^(?P<origin>.+)-r(?P<number>[1-9][0-9]*)$")


def origin_of(task_id: str) -> str:
    """``S2-r3`` -> ``S2``; an original task is its own origin."""
    found = _REPAIR.match(task_id)
    return found["origin"] if found else task_id


def repair_number(task_id: str) -> int:
    """``S2-r3`` -> 3; 0 for an original task."""
    found = _REPAIR.match(task_id)
    return int(found["number"]) if found else 0


def repair_id(origin: str, number: int) -> str:
    return f"{origin}-r{number}"


def repairs_of(board: Board, origin: str) -> tuple[str, ...]:
    """The repair tasks of ``origin`` on the board, oldest first."""
    found = [t.id for t in board.tasks if t.id != origin and origin_of(t.id) == origin]
    return tuple(sorted(found, key=repair_number))


def superseded(board: Board) -> frozenset[str]:
    """Tasks a newer repair stands in for: they are left out of integration."""
    newest: dict[str, str] = {}
    for task in board.tasks:
        origin = origin_of(task.id)
        held = newest.get(origin)
        if held is None or repair_number(task.id) > repair_number(held):
            newest[origin] = task.id
    return frozenset(t.id for t in board.tasks if newest[origin_of(t.id)] != t.id)
