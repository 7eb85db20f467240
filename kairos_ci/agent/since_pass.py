"""What changed since the failing tests last passed.

Memory keeps each test's outcomes with the commit they ran on (``last_passed`` picks the
latest pass); the caller passes it in ``FailingTest.passed_at``. The diff from there to
the commit being fixed is where a regression most likely came from: files the rest of
the context points at come first, then the smaller changes. Only the files that fit are
asked of git, so a commit far back costs no more than a recent one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.tokens import BYTES_PER_TOKEN
from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.memory.records import TestRecord
from kairos_ci.verdicts.records import HistoryEntry, Outcome

COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
MAX_COMMITS = 3  # distinct last-pass commits shown
MAX_LISTED = 200  # changed files named
_DIFF = ("-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv")


def last_passed(history: Sequence[HistoryEntry]) -> str | None:
    """The commit of the latest run where the test passed (None: none that memory knows)."""
    return next((e.sha for e in reversed(history) if e.outcome is Outcome.PASSED), None)


def last_passes(tests: Mapping[str, TestRecord], ids: Sequence[str]) -> dict[str, str]:
    """Test id -> the commit it last passed on, for the ids memory has a pass for."""
    found = {test_id: last_passed(tests[test_id].history) for test_id in ids if test_id in tests}
    return {test_id: sha for test_id, sha in found.items() if sha}


@dataclass(frozen=True)
class Changes:
    text: str  # the section ("" when memory knows no pass); the caller cuts it to budget
    paths: tuple[str, ...] = ()  # files changed since the last pass


def since_pass(
    root: Path,
    base_sha: str,
    failing: Sequence[FailingTest],
    first: Collection[str],
    tokens: int,
) -> Changes:
    """The changes since each distinct last-pass commit (the most shared first)."""
    by_commit: dict[str, list[str]] = {}
    for test in failing:
        if test.passed_at:
            by_commit.setdefault(test.passed_at.strip().lower(), []).append(test.id)
    ordered = sorted(by_commit.items(), key=lambda item: -len(item[1]))[:MAX_COMMITS]
    share = tokens // max(1, len(ordered))
    found = [_one(Git(root), base_sha, sha, ids, first, share) for sha, ids in ordered]
    paths = tuple(dict.fromkeys(p for one in found for p in one.paths))
    return Changes("\n\n".join(one.text for one in found), paths)


def _one(
    git: Git, base_sha: str, sha: str, ids: list[str], first: Collection[str], tokens: int
) -> Changes:
    named = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    head = f"{named} last passed at {sha[:12]}"
    if not COMMIT.match(sha):
        return Changes(f"{head}: not a commit id, so no diff is shown.")
    if git.run("cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode != 0:
        return Changes(f"{head}: that commit is not in this checkout (a shallow clone?).")
    if git.text("rev-parse", f"{sha}^{{commit}}") == git.text("rev-parse", base_sha):
        return Changes(f"{head}: the same commit fails now, so no code change explains it.")
    try:
        sizes = _numstat(git, sha, base_sha)
    except GitError as err:
        return Changes(f"{head}: git could not diff it ({err}).")
    listing = [f"{head}. Files changed since, up to {base_sha[:12]}:"]
    listing += [f"  {path} (+{added} -{deleted})" for path, (added, deleted) in sizes[:MAX_LISTED]]
    if len(sizes) > MAX_LISTED:
        listing.append(f"  and {len(sizes) - MAX_LISTED} more files")
    chosen = _chosen(sizes, first, tokens * BYTES_PER_TOKEN)
    patch = ""
    if chosen:
        argv = (*_DIFF, "-M", "--end-of-options", sha, base_sha, "--", *chosen)
        patch = git.run("--literal-pathspecs", *argv).stdout.decode("utf-8", "replace")
    text = "\n".join(listing) + ("\n\n" + patch.rstrip("\n") if patch else "")
    return Changes(text, tuple(path for path, _ in sizes))


def _numstat(git: Git, sha: str, base_sha: str) -> list[tuple[str, tuple[int, int]]]:
    raw = git.run(*_DIFF, "--numstat", "-z", "--no-renames", "--end-of-options", sha, base_sha)
    sizes = []
    for entry in raw.stdout.decode("utf-8", "surrogateescape").split("\0"):
        added, _, rest = entry.partition("\t")
        deleted, _, path = rest.partition("\t")
        if path:
            # Binary files show "-": they take no room in a text prompt.
            sizes.append((path, (_int(added), _int(deleted))))
    return sizes


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _chosen(
    sizes: list[tuple[str, tuple[int, int]]], first: Collection[str], room: int
) -> list[str]:
    """Files whose diffs likely fit ``room`` bytes: the context's files first, then small."""
    ranked = sorted(sizes, key=lambda item: (item[0] not in first, sum(item[1]), item[0]))
    chosen = []
    for path, (added, deleted) in ranked:
        guess = (added + deleted) * 40 + 200  # about 40 bytes a line, plus the headers
        if guess > room:
            continue
        chosen.append(path)
        room -= guess
    return chosen
