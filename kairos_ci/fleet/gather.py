"""Read every repository of the fleet: its memory branch and its open pull requests,
through two small ports, so the dashboard job's reads are separate from its one write.
Nothing here writes anywhere. A repository that cannot be read is a ``Reading`` that
says why, and the others are still read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kairos_ci.errors import KairosError
from kairos_ci.fleet.status import Reading
from kairos_ci.forge.records import PullRequest
from kairos_ci.memory.store import Loaded


class MemoryReader(Protocol):
    def load(self, repository: str) -> Loaded:
        """The repository's memory, fetched read-only."""
        ...


class PullLister(Protocol):
    def open_pulls(self, repository: str) -> list[PullRequest]: ...


def read_fleet(
    repositories: Iterable[str], memory: MemoryReader, pulls: PullLister
) -> list[Reading]:
    return [_read(repository, memory, pulls) for repository in repositories]


def _read(repository: str, memory: MemoryReader, pulls: PullLister) -> Reading:
    loaded: Loaded | str
    listed: list[PullRequest] | str
    try:
        loaded = memory.load(repository)
    except KairosError as err:  # git failed, memory too new or corrupt: say so, go on
        loaded = str(err) or type(err).__name__
    try:
        listed = pulls.open_pulls(repository)
    except KairosError as err:
        listed = str(err) or type(err).__name__
    return Reading(repository, loaded, listed)
