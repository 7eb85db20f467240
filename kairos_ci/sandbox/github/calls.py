"""What a route handler receives and returns, and the errors GitHub answers with."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kairos_ci.sandbox.github.pull_shapes import PullShapes
from kairos_ci.sandbox.github.records import JsonObject, Pull, RepoRole, StoredIssue, StoredUser
from kairos_ci.sandbox.github.shapes import Shapes
from kairos_ci.sandbox.github.store import RepoState, Store

NO_BODY: Any = object()


class HttpError(Exception):
    """An answer GitHub gives instead of the resource: status, message, extra fields."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def validation_failed(
    resource: str, field: str, code: str, message: str | None = None
) -> HttpError:
    error: JsonObject = {"resource": resource, "field": field, "code": code}
    if message:
        error["message"] = message
    return HttpError(422, "Validation Failed", errors=[error])


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = NO_BODY
    headers: Mapping[str, str] = field(default_factory=dict)
    page_key: str | None = None  # paginate this list inside an object (workflow runs)
    paginate: bool = False


@dataclass(frozen=True)
class Call:
    store: Store
    shapes: Shapes
    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, Sequence[str]]
    body: Any
    user: StoredUser
    repo: RepoState | None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_param(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise HttpError(404, "Not Found")
        return int(value)

    def the_repo(self) -> RepoState:
        if self.repo is None:
            raise HttpError(404, "Not Found")
        return self.repo

    def permission(self) -> RepoRole:
        return self.store.permission(self.the_repo(), self.user)

    def require(self, level: RepoRole, owner: StoredUser | None = None) -> None:
        """403 unless the caller has ``level`` (or is ``owner``, e.g. a comment's author)."""
        if owner is not None and owner.login == self.user.login:
            return
        if self.permission() < level:
            raise HttpError(403, "Resource not accessible by integration")

    def json_object(self) -> JsonObject:
        if not isinstance(self.body, dict):
            raise HttpError(400, "Problems parsing JSON")
        return self.body

    def issue(self, number: int) -> StoredIssue:
        found = self.the_repo().issues.get(number)
        if found is None:
            raise HttpError(404, "Not Found")
        return found

    def pull(self, number: int) -> tuple[Pull, StoredIssue]:
        found = self.the_repo().pulls.get(number)
        if found is None:
            raise HttpError(404, "Not Found")
        return self.refresh(found), self.issue(number)

    def refresh(self, pull: Pull) -> Pull:
        """An open PR follows its branch, as on GitHub; a closed one keeps its last head."""
        repo = self.the_repo()
        if repo.issues[pull.number].state != "open":
            return pull
        sha = repo.git.branch_sha(pull.head_ref)
        if sha is None or sha == pull.head_sha:
            return pull
        fresh = replace(pull, head_sha=sha)
        repo.pulls[pull.number] = fresh
        return fresh

    def pull_shapes(self) -> PullShapes:
        repo = self.the_repo()
        return PullShapes(self.shapes, repo, self.store.now())


Handler = Callable[[Call], Reply]
