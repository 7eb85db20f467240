"""One rule for every entry point: a run a fork's pull request caused writes no memory."""

from __future__ import annotations

import pytest

from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.policy.records import Actor, Permission, Situation, Trigger

MAINTAINER = Actor("maria", Permission.ADMIN)


@pytest.mark.parametrize(
    ("entry_point", "situation", "writes"),
    [
        ("nightly (schedule)", Situation(Trigger.SCHEDULE, None), True),
        ("nightly (dispatch)", Situation(Trigger.WORKFLOW_DISPATCH, MAINTAINER), True),
        ("fix-tests, a default-branch run", Situation(Trigger.WORKFLOW_RUN, None), True),
        (
            "fix-tests, a fork's CI run",
            Situation(Trigger.WORKFLOW_RUN, None, from_fork=True),
            False,
        ),
        ("review, a branch of the repository", Situation(Trigger.PULL_REQUEST, None), True),
        ("review, a fork", Situation(Trigger.PULL_REQUEST, None, from_fork=True), False),
        (
            "review, pull_request_target on a fork",
            Situation(Trigger.PULL_REQUEST_TARGET, None, from_fork=True),
            False,
        ),
        ("chat, a maintainer's command", Situation(Trigger.ISSUE_COMMENT, MAINTAINER), True),
    ],
)
def test_who_may_write_memory(entry_point: str, situation: Situation, writes: bool) -> None:
    refusal = memory_refusal(situation)
    assert (refusal == "") is writes, entry_point
    if not writes:
        assert "memory not written" in refusal
