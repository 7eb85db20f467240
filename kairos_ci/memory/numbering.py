"""Point numbers for a new snapshot that keep the previous snapshot's numbers.

History tokens name their point (commit, tree, run, time) by number. Numbered by first
use, every compaction renumbered every line, so consecutive snapshots shared almost no
bytes and the branch grew by a whole snapshot each time. Here a point keeps the number
it was first given, new points get numbers above all numbers in use, and points that no
history uses any more are dropped: a test's line only gains and loses tokens at its ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from operator import attrgetter, itemgetter, methodcaller

from kairos_ci.memory.history import History, Point, PointTable, used_numbers

MAX_NUMBER = 999_999_999  # the schema allows 9 digits; past that, one full renumbering


class PointNumbers:
    """Numbers points for one snapshot; ``base`` (the previous snapshot's table) keeps its own."""

    def __init__(self, base: PointTable | None) -> None:
        self._base = base
        self._used: set[str] = set()  # numbers of ``base`` that the new snapshot uses
        self._unread: list[str] = []  # texts in ``base``'s numbers, not yet added to ``_used``
        self._new: dict[str, Point] = {}  # numbers given to points ``base`` does not have
        self._by_point: dict[Point, str] | None = None  # built when a foreign point comes
        self._rules: dict[PointTable, Callable[[str], str]] = {}  # by the table texts use
        rows = base.rows if base is not None else {}
        self._next = max(map(int, rows), default=-1) + 1

    def text(self, history: History) -> str:
        """``history`` as one stored string, in this snapshot's numbers."""
        parts = history.parts
        if len(parts) == 1 and parts[0][0] is self._base:  # a folded memory's every test
            return self._unchanged(parts[0][1])
        rules = self._rules
        return " ".join([(rules.get(t) or self._rule(t))(text) for t, text in parts])

    def rows(self) -> dict[str, Point]:
        """Every point the strings handed out so far use, by number."""
        base = self._base.rows if self._base is not None else {}
        self._used.update(used_numbers(self._unread, base.keys() - self._used))
        self._unread.clear()
        rows = {number: base[number] for number in self._used}
        rows.update(self._new)
        return rows

    def _rule(self, table: PointTable) -> Callable[[str], str]:
        """How texts of ``table`` change numbers. Numbers are given as tokens first use
        points, so a table of many points is renumbered token by token."""
        if table is self._base or _within(table, self._base):
            rule: Callable[[str], str] = self._unchanged
        elif len(table.rows) != 1:
            rule = partial(self._tokens, table, {})
        else:
            # One point (a journal's run): every token's number is this one, and "n:"
            # occurs only as a whole number field (the fields after it are a letter and
            # a duration). A C call per text: folded memory has one per test and journal.
            (old,) = table.rows
            rule = methodcaller("replace", f"{old}:", f"{self._number(table.rows[old])}:")
        self._rules[table] = rule
        return rule

    def _unchanged(self, text: str) -> str:
        self._unread.append(text)  # its numbers are read all at once, in ``rows``
        return text

    def _tokens(self, table: PointTable, numbers: dict[str, str], text: str) -> str:
        items = []
        for item in text.split(" "):
            number, _, rest = item.partition(":")
            new = numbers.get(number)
            if new is None:
                new = numbers[number] = self._number(table.rows[number])
            items.append(f"{new}:{rest}")
        return " ".join(items)

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
    parts = chain.from_iterable(map(attrgetter("parts"), histories))
    tables = dict.fromkeys(map(itemgetter(0), parts))  # C loops: 180,000 parts at 20,000 tests
    # The largest: a fold's table extends the snapshot's (``onetable``).
    base = max((table for table in tables if table.stable), key=_size, default=None)
    if base is None:
        return PointNumbers(None)
    others = sum(len(table.rows) for table in tables if table is not base)
    highest = max(map(int, base.rows), default=-1)
    return PointNumbers(base if highest + others <= MAX_NUMBER else None)


def _size(table: PointTable) -> int:
    return len(table.rows)


def _within(table: PointTable, base: PointTable | None) -> bool:
    """Whether ``base`` holds every point of ``table`` under the same number."""
    rows = base.rows if base is not None else {}
    return len(table.rows) <= len(rows) and all(
        rows.get(number) == point for number, point in table.rows.items()
    )
