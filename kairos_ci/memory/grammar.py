"""Stored history strings, checked for their grammar and for the points they name at once.

A history (``point:outcome:duration`` tokens, see ``history``) is valid when it matches
the schema's pattern and every token's point is in its file's table. Checked apart, a
snapshot's 12 MB of history was read twice (the pattern, then the points), and a
journal's 20,000 one-token results cost a call each. Here the point field of one
expression can only be one of the table's numbers, so one pass checks both:

- a snapshot's histories (up to 200 tokens, long) are matched one by one;
- a journal's results (1 to 20 tokens, short) are joined by a tab, which no history
  holds (counted to be sure), and matched in one call.

The compiled schema (``documents``) leaves the history patterns to this module and
jsonschema runs them as written. One difference, on purpose: the schema's ``$`` also
matches before a final newline, which no history kairos writes ends in and ``History``
cannot read ("0:p:\\n" has no duration), so here a history runs to the string's end.
Quantifiers are possessive: every piece of a token is followed by a character it cannot
hold, so giving characters back never lets the rest match. tests/memory/grammar_test.py
checks both shapes against the schema's patterns.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from kairos_ci.errors import MemoryCorrupt
from kairos_ci.memory.history import NAMED_AT_MOST, numbers_expression, point_numbers

_ITEM = r"(?:0|[1-9][0-9]{0,8}):[pfesk]:(?:[0-9]{1,7}(?:\.[0-9]{1,3})?)?"
# The schema's patterns: a snapshot's history, and a journal's result for one test.
SNAPSHOT_PATTERN = f"^(?:{_ITEM}(?: {_ITEM}){{0,199}})?$"
JOURNAL_PATTERN = f"^{_ITEM}(?: {_ITEM}){{0,19}}$"

_ANY_NUMBER = r"(?:0|[1-9][0-9]{0,8}+)"
_NUMBER = re.compile(_ANY_NUMBER)
_DURATION = r"(?:[0-9]{1,7}+(?:\.[0-9]{1,3}+)?+)?+"
_SEPARATOR = "\t"


@dataclass(frozen=True)
class Shape:
    """What one string of a column may hold, and how the column is matched."""

    most: int  # tokens
    empty: bool  # whether a string may hold none
    joined: bool  # short strings: one call for the column, not one per string


SNAPSHOT = Shape(200, empty=True, joined=False)
JOURNAL = Shape(20, empty=False, joined=True)


def check(texts: Mapping[str, str], numbers: Collection[str], shape: Shape, where: str) -> None:
    """Raises ``MemoryCorrupt``, naming the first bad test, unless every string is valid."""
    grammar = Grammar(numbers, shape)
    if grammar.accepts(list(texts.values())):
        return
    test_id, text = next((k, t) for k, t in texts.items() if not grammar.accepts([t]))
    if not Grammar(None, shape).accepts([text]):
        raise MemoryCorrupt(f"{where}: test {test_id!r}: history {text[:80]!r} is malformed")
    missing = min(point_numbers([text]) - set(numbers))
    raise MemoryCorrupt(
        f"{where}: test {test_id!r}: history points at entry {missing} of {len(numbers)}"
    )


class Grammar:
    """Histories of one shape over one table's ``numbers`` (None: any number)."""

    def __init__(self, numbers: Collection[str] | None, shape: Shape) -> None:
        named = numbers is not None and len(numbers) <= NAMED_AT_MOST
        # Past NAMED_AT_MOST the expression takes any number, and the points are compared.
        self._numbers = None if numbers is None or named else set(numbers)
        self._shape = shape
        self._match = _expression(numbers if named else None, shape).fullmatch

    def accepts(self, texts: list[str]) -> bool:
        if self._shape.joined:
            joined = _SEPARATOR.join(texts) + _SEPARATOR if texts else ""
            matched = joined.count(_SEPARATOR) == len(texts) and bool(self._match(joined))
        else:
            matched = all(map(self._match, texts))
        if matched and self._numbers is not None:
            return point_numbers(texts) <= self._numbers
        return matched


def without_history_patterns(schema: Any) -> Any:
    """A copy of ``schema`` with the history patterns left out: ``check`` holds them."""
    if isinstance(schema, dict):
        copied = {key: without_history_patterns(value) for key, value in schema.items()}
        if copied.get("pattern") in (SNAPSHOT_PATTERN, JOURNAL_PATTERN):
            del copied["pattern"]
        return copied
    if isinstance(schema, list):
        return [without_history_patterns(item) for item in schema]
    return schema


def _expression(numbers: Collection[str] | None, shape: Shape) -> re.Pattern[str]:
    if numbers is None:
        number = _ANY_NUMBER
    else:  # keys that are no valid number (the key pattern lets "5\n" through) name nothing
        number = numbers_expression([n for n in numbers if _NUMBER.fullmatch(n)]) or "(?!)"
    item = f"{number}:[pfesk]:{_DURATION}"
    line = f"{item}(?: {item}){{0,{shape.most - 1}}}+"
    if shape.empty:
        line = f"(?:{line})?+"
    return re.compile(f"(?:{line}{_SEPARATOR})*+" if shape.joined else line)
