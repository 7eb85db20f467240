"""One file's test histories as a column of stored strings: a journal's ``results``.

A journal names every test its run saw, so a tip of journals at 20,000 tests held
160,000 ``History`` objects, each only appended to another as a string when folded.
``StoredHistories`` keeps the file's ``{test: text}`` and its point table instead: a
``History`` is made only for a caller that reads one, and folding takes the
``(table, text)`` parts as they are (``result_parts``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import repeat

from kairos_ci.memory.history import History, Part, PointTable
from kairos_ci.verdicts.records import HistoryEntry


class StoredHistories(Mapping[str, History]):
    """``{test: History}`` over one table; the texts are non-empty and every point they
    name is in ``table`` (the caller checked)."""

    __slots__ = ("_table", "_texts")

    def __init__(self, table: PointTable, texts: Mapping[str, str]) -> None:
        if not all(texts.values()):
            raise ValueError("a stored history in a column is never empty")
        self._table = table
        self._texts = texts

    def __getitem__(self, test_id: str) -> History:
        return History.stored(self._table, self._texts[test_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def points(self) -> int:
        """How many points the column's table has (a journal's run is one)."""
        return len(self._table.rows)

    def column(self) -> tuple[PointTable, Mapping[str, str]]:
        """The table, and each test's stored string."""
        return self._table, self._texts

    def parts(self) -> tuple[Collection[str], Iterable[Part]]:
        """The tests, and each one's part in the same order: no object per test."""
        return self._texts.keys(), zip(repeat(self._table), self._texts.values())


def result_parts(
    results: Mapping[str, Sequence[HistoryEntry]],
) -> tuple[Collection[str], Iterable[Part]]:
    """A journal's results as two parallel columns: a test for each part, in order."""
    if isinstance(results, StoredHistories):
        return results.parts()
    pairs = [
        (test_id, part)
        for test_id, entries in results.items()
        for part in History.of(entries).parts
    ]
    return [test_id for test_id, _ in pairs], [part for _, part in pairs]
