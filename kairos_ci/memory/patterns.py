"""The memory schema's history patterns, in the form Python's ``re`` runs fastest.

The schema's pattern for stored history (``point:outcome:duration`` tokens) is the
contract, and jsonschema runs it as written. Run by ``re`` over a snapshot's million
tokens it was most of a load's validation: each optional group and bounded repeat leaves
a point to backtrack to. No match ever needs one: every piece of a token is followed by
a character the piece cannot hold (digits by ':', '.', ' ' or the end), so giving
characters back never lets the rest match. The same patterns with possessive quantifiers
(``?+``, ``{m,n}+``) therefore accept exactly the same strings, in about half the time.
``documents.Checker`` compiles its fast check with these twins; jsonschema keeps the
schema's own. tests/memory/patterns_test.py checks each twin against its original.
"""

from __future__ import annotations

from typing import Any

_HISTORY_ITEM = r"(?:0|[1-9][0-9]{0,8}):[pfesk]:(?:[0-9]{1,7}(?:\.[0-9]{1,3})?)?"
_FAST_ITEM = r"(?:0|[1-9][0-9]{0,8}+):[pfesk]:(?:[0-9]{1,7}+(?:\.[0-9]{1,3}+)?+)?+"

# Schema pattern -> its possessive twin: a snapshot's history (up to 200 tokens, or
# none) and a journal's results for one test (1 to 20 tokens).
TWINS = {
    f"^(?:{_HISTORY_ITEM}(?: {_HISTORY_ITEM}){{0,199}})?$": (
        f"^(?:{_FAST_ITEM}(?: {_FAST_ITEM}){{0,199}}+)?+$"
    ),
    f"^{_HISTORY_ITEM}(?: {_HISTORY_ITEM}){{0,19}}$": f"^{_FAST_ITEM}(?: {_FAST_ITEM}){{0,19}}+$",
}


def with_twins(schema: Any) -> Any:
    """A copy of ``schema`` with each pattern that has a twin replaced by it."""
    if isinstance(schema, dict):
        copied = {key: with_twins(value) for key, value in schema.items()}
        pattern = copied.get("pattern")
        if isinstance(pattern, str) and pattern in TWINS:
            copied["pattern"] = TWINS[pattern]
        return copied
    if isinstance(schema, list):
        return [with_twins(item) for item in schema]
    return schema
