"""Folding a nightly's journals onto the snapshot's own point table: one string per test.

A fold appends each journal's result to every test's history as a part of its own
(``history``): at 20,000 tests and 8 journals, 180,000 parts that folding trims and
printing renumbers one by one. In the common shape, every test's history lies on the
one stable table of the snapshot it was read from, and each journal is one run: one
point. Then each journal's point joins a copy of that table (under its number there, or
the next free one), its whole column of results is renumbered in one C call, and each
test's history becomes a single string over that one table. The tests no journal names
stay on the snapshot's table, which the new one extends: numbering such memory keeps
every number as it is (``numbering``). Any other shape folds part by part.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from operator import itemgetter

from kairos_ci.memory.columns import StoredHistories
from kairos_ci.memory.history import History, Point, PointTable
from kairos_ci.memory.numbering import MAX_NUMBER
from kairos_ci.memory.records import Journal, TestRecord
from kairos_ci.verdicts.records import HistoryEntry

_text = itemgetter(1)  # of a (table, text) part
_SEPARATOR = "\t"  # in no stored history: they hold digits, letters, ':', '.', ' ', '\n'


class OneTable:
    """The table a fold's histories all end up on, filled as journals are applied."""

    def __init__(self, base: PointTable) -> None:
        self._rows: dict[str, Point] = dict(base.rows)
        self._numbers = {point: number for number, point in self._rows.items()}
        self._next = max(map(int, self._rows), default=-1) + 1
        self.table = PointTable(self._rows, stable=True)

    @classmethod
    def for_fold(
        cls, tests: Mapping[str, TestRecord], journals: Sequence[Journal]
    ) -> OneTable | None:
        """The table for folding ``journals`` into ``tests``, if both have the shape."""
        tables = {part[0] for record in tests.values() for part in History.of(record.history).parts}
        if len(tables) != 1:
            return None
        (base,) = tables
        room = max(map(int, base.rows), default=-1) + len(journals) <= MAX_NUMBER
        if not (base.stable and room and all(map(_one_run, journals))):
            return None
        return cls(base)

    def column(
        self, results: Mapping[str, Sequence[HistoryEntry]]
    ) -> tuple[Collection[str], list[str]]:
        """A journal's tests, and each one's result renumbered onto the table, in order."""
        if not results:
            return (), []
        assert isinstance(results, StoredHistories), "for_fold takes only stored columns"
        table, texts = results.column()
        ((number, point),) = table.rows.items()
        new = self._number(point)
        if new == number:
            return texts.keys(), list(texts.values())
        # Every token names the one point (``codec`` checked), and "n:" occurs only as a
        # token's number: one replace renumbers the whole column.
        joined = _SEPARATOR.join(texts.values()).replace(f"{number}:", f"{new}:")
        return texts.keys(), joined.split(_SEPARATOR)

    def history(self, old: Sequence[HistoryEntry], added: Iterable[str], limit: int) -> History:
        """``old`` (on the base table) then the renumbered ``added``, its ``limit`` newest."""
        text = " ".join([*map(_text, History.of(old).parts), *added])
        size = text.count(" ") + 1 if text else 0
        drop = size - max(limit, 0)
        if drop > 0:
            text = text.split(" ", drop)[drop] if drop < size else ""
        return History.stored(self.table, text)

    def _number(self, point: Point) -> str:
        number = self._numbers.get(point)
        if number is None:
            number = self._numbers[point] = str(self._next)
            self._rows[number] = point
            self._next += 1
        return number


def _one_run(journal: Journal) -> bool:
    results = journal.results
    return not results or (isinstance(results, StoredHistories) and results.points() == 1)
