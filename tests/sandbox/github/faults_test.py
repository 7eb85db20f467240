"""Injected faults: what a client sees, and whether the write happened."""

from __future__ import annotations

import time

import pytest
from github import GithubException

from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, client


def _faults(sandbox: GitHubSandbox, *rules: dict[str, object], seed: int = 1) -> None:
    sandbox.control_call("POST", "/_sandbox/faults", {"seed": seed, "rules": list(rules)})


def _issues(sandbox: GitHubSandbox) -> list[dict[str, object]]:
    return list(sandbox.state()["repos"]["octo/app"]["issues"])


def test_5xx_fails_before_the_write(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "5xx", "count": 1, "methods": ["POST"], "status": 503})
    repo = client(sandbox).get_repo(world.full_name)
    with pytest.raises(GithubException) as caught:
        repo.create_issue(title="one")
    assert caught.value.status == 503
    assert _issues(sandbox) == []
    repo.create_issue(title="one")  # the count is spent
    assert len(_issues(sandbox)) == 1


def test_ambiguous_fault_writes_and_then_answers_502(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "ambiguous", "count": 1, "path": "/issues$"})
    with pytest.raises(GithubException) as caught:
        client(sandbox).get_repo(world.full_name).create_issue(title="landed anyway")
    assert caught.value.status == 502
    assert [i["title"] for i in _issues(sandbox)] == ["landed anyway"]


def test_secondary_limit_says_when_to_come_back(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "secondary", "count": 1, "retry_after": 7})
    with pytest.raises(GithubException) as caught:
        list(client(sandbox).get_repo(world.full_name).get_pulls())
    assert caught.value.status == 403
    assert caught.value.headers["retry-after"] == "7"
    assert "secondary rate limit" in caught.value.data["message"]


def test_probability_faults_are_reproducible_from_the_seed(
    world: World, sandbox: GitHubSandbox
) -> None:
    def pattern(seed: int) -> list[int]:
        _faults(sandbox, {"kind": "5xx", "probability": 0.5}, seed=seed)
        repo = client(sandbox).get_repo(world.full_name)
        statuses = []
        for _ in range(12):
            try:
                repo.get_pulls().get_page(0)
                statuses.append(200)
            except GithubException as err:
                statuses.append(err.status)
        return statuses

    first = pattern(5)
    assert 200 in first and 502 in first
    assert pattern(5) == first


def test_slow_fault_delays_the_answer(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "slow", "count": 1, "delay_s": 0.3})
    started = time.monotonic()
    list(client(sandbox).get_repo(world.full_name).get_pulls())
    assert time.monotonic() - started >= 0.3


def test_unknown_fault_kind_is_refused(sandbox: GitHubSandbox) -> None:
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as caught:
        _faults(sandbox, {"kind": "meteor"})
    assert caught.value.code == 400
