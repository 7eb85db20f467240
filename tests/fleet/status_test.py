"""A repository's row is judged from what was read; what was not read stays unknown."""

from __future__ import annotations

from kairos_ci.fleet.status import Counts, Health, Reading, RepoStatus, status_of
from tests.fleet.sample import MONTH, NO_BRANCH, loaded, memory, pull

REPO = "octo/app"


def test_counts_from_memory_and_only_the_repositorys_own_open_kairos_pulls() -> None:
    pulls = [
        pull(REPO, "kairos/fix-lint/ruff"),
        pull(REPO, "kairos/fix-tests/x"),
        pull(REPO, "feature/mine"),  # a person's
        pull(REPO, "kairos/evil", fork="eve/app"),  # a fork's branch named like ours
        pull(REPO, "kairos/old", state="closed"),
    ]
    status = status_of(Reading(REPO, loaded(memory(2, 3, 1.25)), pulls), MONTH)
    assert status == RepoStatus(REPO, Health.OK, Counts(2, 3, 1.25, "2026-12-07T03:00:00Z"), 2)
    assert not status.troubled


def test_unreadable_memory_is_unknown_not_zero() -> None:
    status = status_of(Reading(REPO, "cannot fetch memory branch: denied", []), MONTH)
    assert (status.health, status.counts, status.open_prs) == (Health.UNREADABLE, None, 0)
    assert status.problems == ("memory: cannot fetch memory branch: denied",)
    assert status.troubled


def test_unlisted_pulls_are_unknown_and_memory_notes_are_problems() -> None:
    reading = Reading(REPO, loaded(notes=("journal j1: not valid JSON",)), "GitHub said 403")
    status = status_of(reading, MONTH)
    assert (status.health, status.open_prs) == (Health.PROBLEMS, None)
    assert status.problems == (
        "memory: journal j1: not valid JSON",
        "pull requests: GitHub said 403",
    )


def test_a_repository_kairos_never_ran_on() -> None:
    status = status_of(Reading(REPO, NO_BRANCH, []), MONTH)
    assert (status.health, status.counts, status.open_prs) == (Health.MISSING, None, 0)
    assert status.troubled
