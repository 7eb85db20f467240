"""What a review remembers and what it must never say again."""

from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.memory.records import Fact, Memory, Posted, Rejection
from kairos_ci.stages.records import RunInfo
from kairos_ci.tasks.review.records import ReviewFinding, Source
from kairos_ci.tasks.review.state import fresh, journal, last_head, posted_key

AT = "2026-11-27T00:00:00Z"
RUN = RunInfo("r1", "pull_request", datetime(2026, 11, 27, tzinfo=UTC))


def finding(fp: str, rule: str = "ruff/F401") -> ReviewFinding:
    return ReviewFinding(Source.LINT, rule, "a.py", 1, "t", "d", fp)


def test_posted_on_this_pull_request_or_ignored_is_not_said_again() -> None:
    memory = Memory(
        posted={
            posted_key(7, "lint-1"): Posted("review", "pr#7", "https://x/pull/7", AT),
            posted_key(8, "lint-2"): Posted("review", "pr#8", "https://x/pull/8", AT),
        },
        rejections={key: Rejection(key, "maria", AT) for key in ("E501", "lint-4")},
    )
    found = [
        finding("lint-1"),  # said on #7
        finding("lint-2"),  # said on another pull request: not here
        finding("lint-3", "ruff/e501"),  # its rule is ignored (names compare without case)
        finding("lint-4"),  # this finding is ignored
        finding("lint-2"),  # the same finding twice in one run
    ]
    kept, dropped = fresh(found, memory, 7)
    assert [f.fingerprint for f in kept] == ["lint-2"] and dropped == 3


def test_the_journal_keeps_the_head_unless_posting_failed() -> None:
    entry = journal(RUN, 7, "a" * 40, "https://x/pull/7", ["lint-1"], (), "suggest")
    assert entry.facts == (Fact("review.head.pr#7", "a" * 40, "review", "r1", RUN.at),)
    assert list(entry.posted) == ["pr#7:lint-1"]
    failed = journal(RUN, 7, "a" * 40, "https://x/pull/7", ["lint-1"], (), "suggest", failed=True)
    assert failed.facts == () and failed.posted == {}
    assert last_head(Memory(facts={f.key: f for f in entry.facts}), 7) == "a" * 40
    assert last_head(Memory(), 7) is None


def test_no_ignore_in_memory_silences_a_security_finding() -> None:
    """A guard finding on a human PR that skipped an auth test is said, though memory holds
    an ignore for its fingerprint and rule; so are secrets and risky workflow changes."""
    keys = ("guard-1", "guard/skip-added", "secret-1", "kairos/likely-secret", "wf-1")
    memory = Memory(rejections={key: Rejection(key, "mallory", AT) for key in keys})
    found = [
        ReviewFinding(
            Source.GUARD, "guard/skip-added", "tests/test_auth.py", 3, "t", "d", "guard-1"
        ),
        ReviewFinding(Source.SECRET, "kairos/likely-secret", "a.py", 1, "t", "d", "secret-1"),
        ReviewFinding(
            Source.WORKFLOW, "kairos/risky-workflow", ".github/w.yml", 1, "t", "d", "wf-1"
        ),
        finding("lint-9", "guard/skip-added"),  # a lint rule that happens to share the name
    ]
    kept, dropped = fresh(found, memory, 7)
    assert [f.fingerprint for f in kept] == ["guard-1", "secret-1", "wf-1"] and dropped == 1
