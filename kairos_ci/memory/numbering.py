"""Point numbers for a new snapshot that keep the previous snapshot's numbers.

History tokens name their point (commit, tree, run, time) by number. Numbered by first
use, every compaction renumbered every line, so consecutive snapshots shared almost no
bytes and the branch grew by a whole snapshot each time. Here a point keeps the number
it was first given, new points get numbers above all numbers in use, and points that no
history uses any more are dropped: a test's line only gains and loses tokens at its ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from kairos_ci.memory.history import History, Point, PointTable, point_numbers

MAX_NUMBER = 999_999_999  # the schema allows 9 digits; past that, one full renumbering


class PointNumbers:
    """Numbers points for one snapshot; ``base`` (the previous snapshot's table) keeps its own."""

    def __init__(self, base: PointTable | None) -> None:
        self._base = base
        self._used: set[str] = set()  # numbers of ``base`` that the new snapshot uses
        self._new: dict[str, Point] = {}  # numbers given to points ``base`` does not have
        self._by_point: dict[Point, str] | None = None  # built when a foreign point comes
        self._renumbering: dict[tuple[int, str], str] = {}  # (table id, old) -> new number
        rows = base.rows if base is not None else {}
        self._next = max(map(int, rows), default=-1) + 1

    def text(self, history: History) -> str:
        """``history`` as one stored string, in this snapshot's numbers."""
        pieces = []
        for table, text in history.parts:
            if table is self._base:
                self._used.update(point_numbers([text]))
                pieces.append(text)
            elif " " not in text:  # one token: a journal's entry, the usual case
                pieces.append(self._renumbered(table, text))
            else:
                pieces.append(" ".join(self._renumbered(table, item) for item in text.split(" ")))
        return " ".join(pieces)

    def rows(self) -> dict[str, Point]:
        """Every point the strings handed out so far use, by number."""
        base = self._base.rows if self._base is not None else {}
        rows = {number: base[number] for number in self._used}
        rows.update(self._new)
        return rows

    def _renumbered(self, table: PointTable, item: str) -> str:
        number, _, rest = item.partition(":")
        key = (id(table), number)
        new = self._renumbering.get(key)
        if new is None:
            new = self._renumbering[key] = self._number(table.rows[number])
        return f"{new}:{rest}"

    def _number(self, point: Point) -> str:
        if self._by_point is None:
            base = self._base.rows if self._base is not None else {}
            self._by_point = {row: number for number, row in base.items()}
        number = self._by_point.get(point)
        if number is None:
            number = str(self._next)
            self._next += 1
            self._by_point[point] = number
            self._new[number] = point
        elif number not in self._new:
            self._used.add(number)
        return number


def numbering(histories: Iterable[History]) -> PointNumbers:
    """Numbers that keep those of the snapshot the histories came from, when there is
    room above them for every other point; otherwise numbers from 0 (a one-off rewrite)."""
    tables = {id(table): table for history in histories for table, _ in history.parts}
    base = next((table for table in tables.values() if table.stable), None)
    if base is None:
        return PointNumbers(None)
    others = sum(len(table.rows) for table in tables.values() if table is not base)
    highest = max(map(int, base.rows), default=-1)
    return PointNumbers(base if highest + others <= MAX_NUMBER else None)
