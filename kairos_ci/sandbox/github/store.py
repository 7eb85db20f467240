"""The sandbox's memory: repositories found on disk and the GitHub objects made on them.

One lock guards everything; handlers hold it for the whole request so each request
is atomic, as a single GitHub API call is.
"""

from __future__ import annotations

import itertools
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from kairos_ci.sandbox.github.gitview import GitView
from kairos_ci.sandbox.github.records import (
    ContractViolation,
    FaultRule,
    IssueComment,
    LoggedRequest,
    Pull,
    Reaction,
    RepoRole,
    Review,
    Seed,
    StoredArtifact,
    StoredIssue,
    StoredLabel,
    StoredReviewComment,
    StoredUser,
    StoredWorkflowRun,
)
from kairos_ci.sandbox.github.shapes import RepoFacts

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
HOUR_S = 3600


class FaultPlan:
    """Which requests fail: each rule by probability (seeded) or for its next ``count``."""

    def __init__(self, rules: tuple[FaultRule, ...], seed: int) -> None:
        self.rules = rules
        self._left = [rule.count for rule in rules]
        self._random = random.Random(seed)  # noqa: S311 - reproducible test faults, not secrets

    def pick(self, method: str, path: str) -> FaultRule | None:
        for index, rule in enumerate(self.rules):
            if rule.methods and method not in rule.methods:
                continue
            if rule.path and re.search(rule.path, path) is None:
                continue
            left = self._left[index]
            if left is not None:
                if left <= 0:
                    continue
                self._left[index] = left - 1
                return self._concrete(rule)
            if self._random.random() < rule.probability:
                return self._concrete(rule)
        return None

    def _concrete(self, rule: FaultRule) -> FaultRule:
        if rule.kind != "mixed":
            return rule
        return replace(rule, kind=self._random.choice(rule.kinds or ("5xx",)))


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class RepoState:
    """One repository: a bare git repository plus the objects GitHub keeps beside it."""

    def __init__(
        self, owner: StoredUser, name: str, git_dir: Path, repo_id: int, created: str
    ) -> None:
        self.owner = owner
        self.name = name
        self.full_name = f"{owner.login}/{name}"
        self.git = GitView(git_dir)
        self.id = repo_id
        self.created_at = created
        self.allow_auto_merge = True
        self.labels: dict[str, StoredLabel] = {}
        self.issues: dict[int, StoredIssue] = {}
        self.pulls: dict[int, Pull] = {}
        self.comments: dict[int, IssueComment] = {}
        self.reactions: dict[int, Reaction] = {}
        self.reviews: dict[int, Review] = {}
        self.review_comments: dict[int, StoredReviewComment] = {}
        self.runs: dict[int, StoredWorkflowRun] = {}
        self.artifacts: dict[int, StoredArtifact] = {}
        self._numbers = itertools.count(1)

    def next_number(self) -> int:
        return next(self._numbers)

    def facts(self, pushed_at: str) -> RepoFacts:
        open_issues = sum(1 for i in self.issues.values() if i.state == "open")
        return RepoFacts(
            owner=self.owner,
            name=self.name,
            id=self.id,
            default_branch=self.git.default_branch(),
            created_at=self.created_at,
            pushed_at=pushed_at,
            open_issues=open_issues,
            allow_auto_merge=self.allow_auto_merge,
        )

    def label(self, name: str) -> StoredLabel | None:
        return self.labels.get(name.lower())


class Store:
    def __init__(self, root: Path, seed: Seed, clock: Callable[[], float] = time.time) -> None:
        self.root = root
        self.seed = seed
        self.clock = clock
        self.started = clock()
        self.lock = threading.RLock()
        self.repos: dict[str, RepoState] = {}
        self.users: dict[str, StoredUser] = dict(seed.users)
        self.requests: list[LoggedRequest] = []
        self.violations: list[ContractViolation] = []
        self.faults = FaultPlan((), 0)
        self.storage_key = secrets.token_hex(12)
        self.on_new_repo: Callable[[RepoState], None] | None = None
        self.used: dict[str, int] = {}
        self.limit = seed.rate_limit
        self.reset_at = int(self.started) + HOUR_S
        self._ids = itertools.count(1000)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self.lock:
            yield

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> str:
        return iso(self.clock())

    def user(self, login: str) -> StoredUser:
        known = self.users.get(login)
        if known is None:
            known = StoredUser(login=login, id=self.next_id())
            self.users[login] = known
        return known

    def user_for_token(self, token: str) -> StoredUser | None:
        login = self.seed.tokens.get(token) or (self.seed.any_token_login if token else None)
        return None if login is None else self.user(login)

    def permission(self, repo: RepoState, user: StoredUser) -> RepoRole:
        if user.login.lower() == repo.owner.login.lower():
            return RepoRole.ADMIN
        return self.seed.permission(repo.full_name, user.login)

    def repo(self, owner: str, name: str) -> RepoState | None:
        """The repository at ``ROOT/OWNER/NAME.git`` (names compared without case)."""
        if not (_NAME.match(owner) and _NAME.match(name)):
            return None
        key = f"{owner}/{name}".lower()
        known = self.repos.get(key)
        if known is not None:
            return known
        git_dir = _find_ci(self.root, owner, f"{name}.git")
        if git_dir is None or not (git_dir / "HEAD").is_file():
            return None
        owner_dir = git_dir.parent.name
        state = RepoState(
            self.user(owner_dir), git_dir.name[:-4], git_dir, self.next_id(), self.now()
        )
        self.repos[key] = state
        if self.on_new_repo is not None:
            self.on_new_repo(state)
        return state

    def all_repos(self) -> list[RepoState]:
        """Every repository on disk (found ones are cached, new ones are picked up)."""
        if self.root.is_dir():
            for owner_dir in sorted(self.root.iterdir()):
                if owner_dir.is_dir():
                    for git_dir in sorted(owner_dir.glob("*.git")):
                        self.repo(owner_dir.name, git_dir.name[:-4])
        return list(self.repos.values())

    def remaining(self, login: str) -> int:
        return max(self.limit - self.used.get(login, 0), 0)

    def count_request(self, login: str) -> None:
        self.used[login] = self.used.get(login, 0) + 1


def _find_ci(root: Path, owner: str, leaf: str) -> Path | None:
    for owner_dir in (root / owner, *_ci_children(root, owner)):
        for candidate in (owner_dir / leaf, *_ci_children(owner_dir, leaf)):
            if candidate.is_dir():
                return candidate
    return None


def _ci_children(parent: Path, name: str) -> list[Path]:
    if not parent.is_dir():
        return []
    return [p for p in parent.iterdir() if p.name.lower() == name.lower()]
