"""A test's history kept as the branch stores it, decoded only when someone reads it.

Loading 20,000 tests x 50 outcomes as one object per outcome cost seconds and hundreds
of MiB, though a load mostly passes histories on untouched. A ``History`` is instead a
few ``(table, text)`` parts: ``text`` is the stored ``point:outcome:duration`` tokens,
``table`` the file's points. Folding appends parts and trims tokens as strings; entries
are built only when a caller iterates or indexes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import repeat
from operator import itemgetter
from typing import Any, overload

from kairos_ci.verdicts.records import HistoryEntry, Outcome

Point = tuple[str, str, str, str]  # sha, tree, run id, time

LETTER = {
    Outcome.PASSED: "p",
    Outcome.FAILED: "f",
    Outcome.ERRORED: "e",
    Outcome.SKIPPED: "s",
    Outcome.FLAKY: "k",
}
_OUTCOME = {letter: outcome for outcome, letter in LETTER.items()}
_MAX_DURATION_S = 9_999_999.0
NAMED_AT_MOST = 1_000  # points one expression names; past that, tokens are split
_FIRST_CHARS = 1 << 16  # how far ``used_numbers`` looks for each number on its own


class PointTable:
    """The points of one file, by the number its tokens use (a string, as stored).

    ``stable`` marks a snapshot's table: its numbers are kept by the next snapshot,
    so unchanged history stays byte-identical and git can delta it."""

    __slots__ = ("rows", "stable")

    def __init__(self, rows: Mapping[str, Point], *, stable: bool) -> None:
        self.rows = rows
        self.stable = stable


Part = tuple[PointTable, str]  # non-empty text: tokens that number into the table
_text = itemgetter(1)


class History(Sequence[HistoryEntry]):
    """A test's outcomes, oldest first: an immutable sequence of ``HistoryEntry``."""

    __slots__ = ("_parts", "_size")

    def __init__(self, parts: Iterable[Part] = ()) -> None:
        self._parts = tuple(filter(_text, parts))  # C loops: folding makes 20,000 per load
        self._size = sum(map(str.count, map(_text, self._parts), repeat(" "))) + len(self._parts)

    @classmethod
    def stored(cls, table: PointTable, text: str) -> History:
        """One stored string (checked by the caller) as a history."""
        return cls._made(((table, text),), _count(text)) if text else _EMPTY

    @classmethod
    def _made(cls, parts: tuple[Part, ...], size: int) -> History:
        """Without re-counting: folding makes hundreds of thousands of these per load."""
        made = object.__new__(cls)
        made._parts, made._size = parts, size
        return made

    @classmethod
    def of(cls, entries: Iterable[HistoryEntry]) -> History:
        """``entries`` as a history (a history is returned as it is)."""
        if isinstance(entries, History):
            return entries
        numbers: dict[Point, str] = {}
        tokens = []
        for entry in entries:
            point = (entry.sha, entry.tree, entry.run_id, entry.at)
            number = numbers.setdefault(point, str(len(numbers)))
            tokens.append(token(number, entry.outcome, entry.duration_s))
        rows = {number: point for point, number in numbers.items()}
        return cls([(PointTable(rows, stable=False), " ".join(tokens))])

    @property
    def parts(self) -> tuple[Part, ...]:
        return self._parts

    def plus(self, more: Iterable[HistoryEntry]) -> History:
        """This history followed by ``more``."""
        after = History.of(more)
        return History._made(self._parts + after._parts, self._size + after._size)

    def last(self, limit: int) -> History:
        """At most the ``limit`` newest entries."""
        drop = self._size - max(limit, 0)
        if drop <= 0:
            return self
        parts = list(self._parts)
        while drop:
            table, text = parts[0]
            size = _count(text)
            if drop < size:
                parts[0] = (table, text.split(" ", drop)[drop])
                break
            del parts[0]
            drop -= size
        return History._made(tuple(parts), max(limit, 0))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[HistoryEntry]:
        if not _PLAIN:
            for table, text in self._parts:
                yield from (_entry(table.rows, item) for item in text.split(" "))
            return
        new, outcomes = _new, _OUTCOME
        for table, text in self._parts:
            rows = table.rows
            for item in text.split(" "):
                number, letter, duration = item.split(":")
                sha, tree, run_id, at = rows[number]
                entry = new(HistoryEntry)
                # Filled directly: the frozen dataclass's own init sets each field through
                # object.__setattr__, twice as slow, and a nightly reads a million entries.
                entry.__dict__.update(
                    sha=sha,
                    tree=tree,
                    run_id=run_id,
                    outcome=outcomes[letter],
                    duration_s=float(duration) if duration else None,
                    at=at,
                )
                yield entry

    @overload
    def __getitem__(self, index: int) -> HistoryEntry: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[HistoryEntry, ...]: ...

    def __getitem__(self, index: int | slice) -> HistoryEntry | tuple[HistoryEntry, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index == -1 and self._parts:  # the newest entry: asked for on every fold
            table, text = self._parts[-1]
            return _entry(table.rows, text.rpartition(" ")[2])
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            return self._parts == other._parts or tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"History({tuple(self)!r})"


_EMPTY = History()


def token(number: str, outcome: Outcome, seconds: float | None) -> str:
    return f"{number}:{LETTER[outcome]}:{_duration(seconds)}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    clamped = min(max(seconds, 0.0), _MAX_DURATION_S)
    return f"{clamped:.3f}".rstrip("0").rstrip(".")


def _count(text: str) -> int:
    return text.count(" ") + 1 if text else 0


def newest_at(history: Sequence[HistoryEntry]) -> str:
    """When the newest entry ran ("" for none), without building the entry."""
    if isinstance(history, History):
        if not history.parts:
            return ""
        table, text = history.parts[-1]
        number = text[text.rfind(" ") + 1 : text.find(":", text.rfind(" ") + 1)]
        return table.rows[number][3]
    return history[-1].at if history else ""


def used_numbers(texts: Sequence[str], numbers: Collection[str]) -> set[str]:
    """Which of ``numbers`` the stored strings ``texts`` (already well formed) name.
    Found as " n:", where a token numbered n starts, in one joined copy: most numbers in
    use turn up in its first few lines, and one expression for all the others reads
    the copy once, never splitting its million tokens into strings."""
    joined = " " + " ".join(texts)
    used = {n for n in numbers if joined.find(f" {n}:", 0, _FIRST_CHARS) >= 0}
    rest = [number for number in numbers if number not in used]
    if len(rest) > NAMED_AT_MOST:
        return point_numbers(texts) & set(numbers)
    if rest:
        used.update(re.findall(f" ({numbers_expression(rest)}):", joined))
    return used


def numbers_expression(numbers: Collection[str]) -> str:
    """A regular expression matching exactly the strings ``numbers``, as a trie (a
    flat list of alternatives would be tried one by one for every token)."""
    trie: dict[str, Any] = {}
    for number in numbers:
        node = trie
        for digit in number:
            node = node.setdefault(digit, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _branches(rest) for char, rest in sorted(node.items()) if char]
    if not branches:
        return ""
    either = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{either})?" if "" in node else either


def point_numbers(texts: Iterable[str]) -> set[str]:
    """Every point number the stored strings use."""
    numbers: set[str] = set()
    for text in texts:
        if text:
            # "n:o:d n:o:d" -> "n o d n o d": every third field is a number. Text by text:
            # split at once, a snapshot's million tokens took 150 MiB for a moment.
            numbers.update(text.replace(":", " ").split(" ")[::3])
    return numbers


def _entry(rows: Mapping[str, Point], item: str) -> HistoryEntry:
    number, letter, duration = item.split(":")
    sha, tree, run_id, at = rows[number]
    seconds = float(duration) if duration else None
    return HistoryEntry(sha, tree, run_id, _OUTCOME[letter], seconds, at)


_new = object.__new__
# Filling ``__dict__`` is only right while HistoryEntry stays a plain dataclass of these.
_FIELDS = ("sha", "tree", "run_id", "outcome", "duration_s", "at")
_PLAIN = tuple(f.name for f in fields(HistoryEntry)) == _FIELDS and not (
    hasattr(HistoryEntry, "__slots__") or hasattr(HistoryEntry, "__post_init__")
)
