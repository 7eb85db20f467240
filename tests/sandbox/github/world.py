"""A small GitHub world for tests: a bare ``origin`` the sandbox serves, a working clone,
users with tokens, and a strict sandbox that fails the test on any contract violation."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github import Auth, Github

from kairos_ci.forge.github import GitHubSettings, connect
from kairos_ci.forge.pacing import Pacing
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.sandbox.github.records import Seed
from kairos_ci.sandbox.github.seed import parse_seed
from kairos_ci.sandbox.github.server import GitHubSandbox, running_sandbox
from tests.conftest import shared_path

KAIROS = "kairos-ci[bot]"
KAIROS_TOKEN = "ghs_kairostoken0000000000000000000000"
MAINTAINER_TOKEN = "ghp_mariatoken000000000000000000000000"
OUTSIDER_TOKEN = "ghp_evetoken00000000000000000000000000"
NOBODY_TOKEN = "ghp_nobodytoken0000000000000000000000"

SEED: Seed = parse_seed(
    {
        "users": {
            KAIROS: {"token": KAIROS_TOKEN, "permission": "write", "type": "Bot"},
            "maria": {"token": MAINTAINER_TOKEN, "permission": "admin"},
            "eve": {"token": OUTSIDER_TOKEN, "permission": "read"},
            "nobody": {"token": NOBODY_TOKEN, "permission": "none"},
        }
    }
)
HUMAN = ("-c", "user.name=Maria", "-c", "user.email=maria@example.com")


def contract_path() -> Path | None:
    """The REST description when ../shared is present; tests still run without it."""
    path = shared_path() / "contracts" / "github-rest-subset.json"
    return path if path.is_file() else None


@dataclass(frozen=True)
class World:
    root: Path
    origin: Path
    work: Path
    owner: str = "octo"
    name: str = "app"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def git(self, *args: str, human: bool = True) -> str:
        """git in the clone, as a human (Maria) or as kairos's identity."""
        argv = ["git", *(HUMAN if human else ()), *args]
        done = subprocess.run(argv, cwd=self.work, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def commit(
        self,
        files: dict[str, str],
        message: str,
        *,
        branch: str | None = None,
        human: bool = True,
        push: bool = True,
    ) -> str:
        if branch is not None:
            exists = self.git("branch", "--list", branch)
            self.git("checkout", "-q", *(() if exists else ("-b",)), branch)
        for name, text in files.items():
            target = self.work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, human=human)
        if push:
            current = self.git("rev-parse", "--abbrev-ref", "HEAD")
            self.git("push", "-q", "--force", "origin", f"HEAD:refs/heads/{current}")
        return self.git("rev-parse", "HEAD")


def make_world(tmp: Path, owner: str = "octo", name: str = "app") -> World:
    root = tmp / "github"
    origin = root / owner / f"{name}.git"
    origin.parent.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = tmp / "work"
    Git(tmp).run("clone", "-q", str(origin), str(work))
    world = World(root, origin, work, owner, name)
    world.git("checkout", "-q", "-b", "main")
    lines = "".join(f"line {i}\n" for i in range(1, 41))
    world.commit({"app.py": lines, "README.md": "# app\n"}, "initial commit")
    return world


def add_branch(world: World, branch: str, files: dict[str, str], *, human: bool = False) -> str:
    """A branch off main with one commit, pushed; the clone goes back to main."""
    world.git("checkout", "-q", "main")
    world.git("checkout", "-q", "-B", branch)
    sha = world.commit(files, f"change on {branch}", human=human)
    world.git("checkout", "-q", "main")
    return sha


@contextmanager
def strict_sandbox(world: World, seed: Seed = SEED) -> Iterator[GitHubSandbox]:
    with running_sandbox(world.root, seed, contract_path(), strict=True) as sandbox:
        yield sandbox
        sandbox.assert_clean()


def client(sandbox: GitHubSandbox, token: str = KAIROS_TOKEN) -> Github:
    """Real PyGithub, without its own retries or throttling (tests want every answer)."""
    return Github(
        auth=Auth.Token(token),
        base_url=sandbox.base_url,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )


def forge_for(
    sandbox: GitHubSandbox,
    world: World,
    token: str = KAIROS_TOKEN,
    sleeps: list[float] | None = None,
    **pacing: Any,
) -> Forge:
    """The real adapter (PyGithub) against the sandbox, with no spacing between requests
    and waits that are recorded instead of slept."""
    waits = sleeps if sleeps is not None else []
    return connect(
        sandbox.base_url,
        token,
        world.full_name,
        settings=GitHubSettings(
            timeout_s=5, seconds_between_requests=None, seconds_between_writes=None
        ),
        pacing=Pacing(sleep=waits.append, **pacing),
    )


def requests_made(sandbox: GitHubSandbox) -> list[tuple[str, str]]:
    """(method, path) of every API request so far, in order."""
    with sandbox.store.lock:
        return [(r.method, r.path) for r in sandbox.store.requests]


def writes_made(sandbox: GitHubSandbox) -> list[tuple[str, str]]:
    return [(m, p) for m, p in requests_made(sandbox) if m != "GET"]
