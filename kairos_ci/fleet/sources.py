"""The real readers behind ``gather``'s ports: each repository's memory branch fetched
from its remote into a private scratch repository (``MemoryStore.load``: no push, no
ref written in any checkout), and its open pull requests through the GitHub API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.clock import Clock
from kairos_ci.context import Secret
from kairos_ci.forge.github import GitHubSettings, PyGithubApi
from kairos_ci.forge.records import PullRequest
from kairos_ci.memory.store import Loaded, MemoryStore


@dataclass(frozen=True)
class GitHubAccess:
    """Where GitHub is and what the job may read there with."""

    api_url: str
    server_url: str  # repositories' git remotes are <server_url>/<OWNER/NAME>.git
    token: Secret | None
    settings: GitHubSettings = field(default_factory=GitHubSettings)


@dataclass(frozen=True)
class BranchMemory:
    access: GitHubAccess
    branch: str
    clock: Clock
    key: Secret | None = None  # one memory key for the fleet; another's tips read untrusted
    workdir: Path = Path()

    def load(self, repository: str) -> Loaded:
        store = MemoryStore(
            self.workdir,
            self.branch,
            remote=f"{self.access.server_url}/{repository}.git",
            token=self.access.token,
            server_url=self.access.server_url,
            clock=self.clock,
            key=self.key,
        )
        return store.load()


@dataclass(frozen=True)
class ApiPulls:
    access: GitHubAccess

    def open_pulls(self, repository: str) -> list[PullRequest]:
        token = self.access.token.reveal() if self.access.token else ""
        api = PyGithubApi(self.access.api_url, token, repository, self.access.settings)
        return api.list_open_pulls()
