"""Answers to the questions a plan's work raised, on their way from a tick to the board.

The job that reads a tick on the plan comment may read contents only, so it keeps each
answer as a file beside the plan (``plans/<plan id>/answer-d<n>.json``, through the
planning state folder). The ``remember-plans`` job, which may write, commits the folder
and then applies the answers to the board in one compare-and-swap move. The files are
untrusted data like the rest of the folder: each is checked, and one that does not read,
or names a question the board did not ask, is skipped with a note. An answer the board
has already is no change, so the files may stay on the branch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kairos_ci.clock import from_iso
from kairos_ci.coordinator.contradictions import answer
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.errors import InputError

_NAME = re.compile(r"^(?P<plan>[A-Za-z0-9._-]{1,120})/answer-d(?P<n>[0-9]{1,3})\.json$")
_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$")
_KEY = re.compile(r"^[a-e]$")


@dataclass(frozen=True)
class TickedAnswer:
    point: str  # "D4"
    key: str  # the option's key, "a" to "e"
    by: str  # the maintainer who ticked it (write permission checked by the tick job)
    at: str

    def file_name(self) -> str:
        return f"answer-{self.point.lower()}.json"

    def dumps(self) -> str:
        return json.dumps({"point": self.point, "key": self.key, "by": self.by, "at": self.at})


def answers_in(files: Mapping[str, bytes]) -> tuple[dict[str, list[TickedAnswer]], list[str]]:
    """The answer files among ``files`` (paths under ``plans/``), by plan id, and notes on
    those that do not read."""
    found: dict[str, list[TickedAnswer]] = {}
    notes: list[str] = []
    for path, raw in sorted(files.items()):
        name = _NAME.match(path)
        if name is None:
            continue
        try:
            one = _answer(json.loads(raw))
        except (ValueError, KeyError, TypeError) as err:
            notes.append(f"{path}: not an answer ({err}): skipped")
            continue
        if one.point != f"D{name['n']}":
            notes.append(f"{path}: answers {one.point}, not D{name['n']}: skipped")
            continue
        found.setdefault(name["plan"], []).append(one)
    return found, notes


def apply_answers(boards: BoardStore, answers: list[TickedAnswer], now: datetime) -> list[str]:
    """``answers`` on the plan's board in one move; what each came to, for the summary."""
    told: list[str] = []

    def move(board: Board) -> tuple[Board | None, None, str]:
        told.clear()
        after = board
        for one in answers:
            try:
                decided = answer(after, one.point, one.key, one.by, now)
            except InputError as refused:
                told.append(f"{board.plan_id}: {one.point} = {one.key} not taken: {refused}")
                continue
            if decided != after:
                told.append(f"{board.plan_id}: {one.point} = {one.key}, answered by {one.by}")
            after = decided
        what = ", ".join(f"{one.point}={one.key}" for one in answers)
        return (None if after == board else after), None, f"board {board.plan_id}: answers {what}"

    if boards.load() is None:
        return [f"{boards.plan_id}: no board yet: its answers wait for the work to start"]
    boards.apply(move)
    return told


def _answer(doc: Mapping[str, object]) -> TickedAnswer:
    point, key, by, at = (doc["point"], doc["key"], doc["by"], doc["at"])
    if not isinstance(point, str) or not re.fullmatch(r"D[0-9]{1,3}", point):
        raise ValueError(f"point {point!r}")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"key {key!r}")
    if not isinstance(by, str) or not _LOGIN.match(by):
        raise ValueError(f"by {by!r}")
    if not isinstance(at, str):
        raise ValueError(f"at {at!r}")
    from_iso(at)  # a time that does not read raises ValueError
    return TickedAnswer(point, key, by, at)
