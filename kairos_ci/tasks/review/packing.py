"""Fitting a diff into the model's budget: additions first, then by risk; the rest listed.

Each file becomes an excerpt: its hunks that add lines, every line numbered on the
head side so the model can point at one. Hunks that only delete are dropped, and a
file with nothing added (a deletion) is listed by name only. Files are taken in order
(files that add lines, riskier first) while they fit; whatever does not fit is named in
the coverage footer, never silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kairos_ci.tasks.review.records import NotReviewed

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_GENERATED = re.compile(
    r"(?:^|/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Cargo\.lock"
    r"|go\.sum|composer\.lock|Gemfile\.lock)$|\.min\.(?:js|css)$|(?:^|/)(?:vendor|node_modules|dist)/"
)
_SENSITIVE = re.compile(
    r"(?i)auth|secur|crypt|passw|token|secret|permission|login|session|sql|shell|exec|upload"
)
_CODE = re.compile(
    r"\.(?:py|js|jsx|mjs|cjs|ts|tsx|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|scala|sh)$"
)
_TEST = re.compile(r"(?:^|/)(?:tests?|spec|__tests__)/|(?:^|/)test_[^/]*$|_test\.\w+$|\.spec\.\w+$")


@dataclass(frozen=True)
class Excerpt:
    path: str
    text: str  # numbered hunks that add lines
    lines: frozenset[int]  # head lines the model may comment on: the added ones in scope


@dataclass(frozen=True)
class Packed:
    excerpts: tuple[Excerpt, ...]
    left_out: tuple[NotReviewed, ...]

    @property
    def chars(self) -> int:
        return sum(len(e.text) for e in self.excerpts)


def pack(
    patches: Mapping[str, str],
    lines: Mapping[str, frozenset[int]],
    budget_chars: int,
    flagged: Iterable[str] = (),
    withheld: Mapping[str, frozenset[int]] | None = None,
) -> Packed:
    """``lines``: the added head lines in scope per file; ``flagged``: files the
    deterministic checks found something in (riskier); ``withheld``: lines never sent."""
    risky = set(flagged)
    left_out: list[NotReviewed] = []
    candidates: list[Excerpt] = []
    for path in sorted(patches):
        if _GENERATED.search(path):
            left_out.append(NotReviewed(path, "generated, vendored or a lock file"))
            continue
        wanted = lines.get(path, frozenset())
        excerpt = _excerpt(path, patches[path], wanted, (withheld or {}).get(path, frozenset()))
        if excerpt is None:
            left_out.append(
                NotReviewed(path, "nothing added (only deletions): not read by the model")
            )
        else:
            candidates.append(excerpt)
    candidates.sort(key=lambda e: (-risk(e.path, e.path in risky), e.path))
    taken: list[Excerpt] = []
    room = budget_chars
    for excerpt in candidates:
        if len(excerpt.text) <= room:
            taken.append(excerpt)
            room -= len(excerpt.text)
        else:
            why = f"did not fit the model's budget ({budget_chars:,} characters of diff)"
            left_out.append(NotReviewed(excerpt.path, why, for_size=True))
    return Packed(tuple(taken), tuple(left_out))


def risk(path: str, flagged: bool) -> int:
    score = 3 if flagged else 0
    if path.startswith(".github/"):
        score += 5
    if _SENSITIVE.search(path):
        score += 2
    if _CODE.search(path):
        score += 1 if _TEST.search(path) else 2
    return score


def _excerpt(
    path: str, patch: str, wanted: frozenset[int], withheld: frozenset[int]
) -> Excerpt | None:
    hunks: list[list[str]] = []
    new = 0
    keep = False
    for row in patch.split("\n"):
        header = _HUNK.match(row)
        if header:
            new = int(header.group(1))
            hunks.append([row])
            continue
        if not hunks or not row or row.startswith(("\\", "+++", "---")):
            continue
        if row.startswith("+"):
            shown = "[withheld: a likely secret]" if new in withheld else row[1:]
            hunks[-1].append(f"+{new:>6} | {shown}")
            keep = keep or new in wanted
            new += 1
        elif row.startswith("-"):
            hunks[-1].append(f"-{'':>6} | {row[1:]}")
        else:
            hunks[-1].append(f" {new:>6} | {row[1:]}")
            new += 1
    added = [h for h in hunks if any(r.startswith("+") for r in h[1:])]
    if not keep or not added:
        return None
    text = f"--- {path}\n" + "\n".join("\n".join(h) for h in added)
    return Excerpt(path, text, wanted)
