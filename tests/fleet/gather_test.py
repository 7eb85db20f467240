"""Reading the fleet: a repository that cannot be read says why, and the rest are read."""

from __future__ import annotations

from kairos_ci.errors import ForgeError, GitError
from kairos_ci.fleet.gather import read_fleet
from kairos_ci.forge.records import PullRequest
from kairos_ci.memory.store import Loaded
from tests.fleet.sample import loaded, pull


class FakeMemory:
    def __init__(self, broken: set[str]) -> None:
        self.broken = broken
        self.asked: list[str] = []

    def load(self, repository: str) -> Loaded:
        self.asked.append(repository)
        if repository in self.broken:
            raise GitError(f"cannot fetch memory branch 'kairos/memory' of {repository}")
        return loaded()


class FakePulls:
    def open_pulls(self, repository: str) -> list[PullRequest]:
        if repository == "a/private":
            raise ForgeError("list open pull requests: 404 Not Found")
        return [pull(repository, "kairos/fix-lint/ruff")]


def test_each_repository_is_read_and_failures_become_reasons() -> None:
    memory = FakeMemory({"a/gone"})
    readings = read_fleet(["a/one", "a/gone", "a/private"], memory, FakePulls())
    assert memory.asked == ["a/one", "a/gone", "a/private"]
    one, gone, private = readings
    assert isinstance(one.memory, Loaded) and len(one.pulls) == 1
    assert gone.memory == "cannot fetch memory branch 'kairos/memory' of a/gone"
    assert private.pulls == "list open pull requests: 404 Not Found"
