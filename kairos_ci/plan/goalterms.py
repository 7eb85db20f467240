"""The identifiers a goal mentions: what the repository map ranks for and impact looks for.

Code spans and quoted words are taken as written; other words count when they look like a
name (three characters or more, not a common English word). Matching against the code is
case-insensitive, so "Express" in prose finds ``require('express')``.
"""

from __future__ import annotations

import re

MAX_TERMS = 40
_CODE = re.compile(r"`([^`\n]{1,80})`|'([^'\n]{1,80})'|\"([^\"\n]{1,80})\"")
_WORD = re.compile(r"[A-Za-z_$@][\w$./@-]*[\w$]|[A-Za-z_]\w{2,}")
_PARTS = re.compile(r"[A-Za-z_$][\w$]*")
_COMMON = """
    about after again all also and any are back backend before being both but can change
    code does each every file files for from frontend have into its keep keeping make migrate
    migration more must new not old only other our out over plan please remove rename replace
    same should some than that the their them then there these this those through use used
    using was were what when where which while who will with without would your passing
    tests test api compatible support update upgrade move add fix bug feature refactor
"""
STOPWORDS = frozenset(_COMMON.split())


def goal_terms(goal: str) -> tuple[str, ...]:
    """Lower-cased names from ``goal``, in order of first mention, without duplicates."""
    found: list[str] = []
    for match in _CODE.finditer(goal):
        quoted = next(g for g in match.groups() if g is not None)
        found.extend(_names(quoted, keep_short=True))
    for word in _WORD.findall(_CODE.sub(" ", goal)):
        found.extend(_names(word, keep_short=False))
    return tuple(dict.fromkeys(found))[:MAX_TERMS]


def _names(text: str, *, keep_short: bool) -> list[str]:
    names = [text.lower()] if _PARTS.fullmatch(text) or "/" in text or "." in text else []
    names.extend(part.lower() for part in _PARTS.findall(text))
    return [n for n in names if (keep_short or len(n) >= 3) and n not in STOPWORDS and n.strip(".")]
