"""The GitHub adapter on PyGithub: the only module that imports ``github``.

One method per REST call, no retries (PyGithub's own are off: a retried POST after a
502 can duplicate a comment; ``ensure.py`` looks before it writes again). Every
PyGithub or ``requests`` error leaves this module as a kairos ``ForgeError``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException
from github.Artifact import Artifact as GhArtifact
from github.PaginatedList import PaginatedList

from kairos_ci import __version__
from kairos_ci.errors import ForgeError, NotFound
from kairos_ci.forge.download import fetch_without_token, json_object
from kairos_ci.forge.ensure import MarkerForge
from kairos_ci.forge.failures import Unavailable, classify
from kairos_ci.forge.pacing import Pacing
from kairos_ci.forge.port import Forge
from kairos_ci.forge.records import (
    Artifact,
    Comment,
    Issue,
    Label,
    PullFile,
    PullRequest,
    PullRequestSpec,
    ReviewComment,
    WorkflowRun,
)
from kairos_ci.policy.records import Permission


@dataclass(frozen=True)
class GitHubSettings:
    """Transport settings. The spacing defaults follow GitHub's advice for integrations
    (serial requests, about a second between content-creating ones)."""

    timeout_s: int = 30
    seconds_between_requests: float | None = 0.25
    seconds_between_writes: float | None = 1.0
    per_page: int = 100
    clock: Callable[[], float] = field(default=time.time)


def connect(
    api_url: str,
    token: str,
    repository: str,
    *,
    settings: GitHubSettings | None = None,
    pacing: Pacing | None = None,
    own_login: str | None = None,
) -> Forge:
    """The forge for ``repository`` ("owner/name") at ``api_url`` (the run's GITHUB_API_URL)."""
    api = PyGithubApi(api_url, token, repository, settings or GitHubSettings())
    return MarkerForge(api, pacing or Pacing(), own_login=own_login)


class PyGithubApi:
    def __init__(self, api_url: str, token: str, repository: str, settings: GitHubSettings) -> None:
        if repository.count("/") != 1:
            raise ForgeError(f"repository must be OWNER/NAME, not {repository!r}")
        self._settings = settings
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            timeout=settings.timeout_s,
            user_agent=f"kairos-ci/{__version__} (PyGithub)",
            per_page=settings.per_page,
            retry=None,
            seconds_between_requests=settings.seconds_between_requests,
            seconds_between_writes=settings.seconds_between_writes,
            lazy=True,
        )
        self._owner = repository.split("/")[0]
        self._repo = self._gh.get_repo(repository)  # lazy: no request

    def rate_remaining(self) -> int | None:
        remaining = self._gh.requester.rate_limiting[0]
        return None if remaining < 0 else remaining

    def list_pulls(self, head: str) -> list[PullRequest]:
        with self._translated("list pull requests"):
            found = self._repo.get_pulls(state="all", head=f"{self._owner}:{head}")
            return [_pull(p) for p in found]

    def list_open_pulls(self) -> list[PullRequest]:
        with self._translated("list open pull requests"):
            return [_pull(p) for p in self._repo.get_pulls(state="open")]

    def get_pull(self, number: int) -> PullRequest:
        with self._translated(f"read pull request #{number}"):
            return _pull(self._repo.get_pull(number))

    def create_pull(self, spec: PullRequestSpec, body: str) -> PullRequest:
        with self._translated(f"open a pull request from {spec.head}"):
            created = self._repo.create_pull(
                base=spec.base, head=spec.head, title=spec.title, body=body, draft=spec.draft
            )
            return _pull(created)

    def edit_pull(self, number: int, title: str, body: str) -> None:
        with self._translated(f"edit pull request #{number}"):
            self._repo.get_pull(number).edit(title=title, body=body)

    def list_files(self, number: int) -> list[PullFile]:
        with self._translated(f"list the files of pull request #{number}"):
            return [
                PullFile(
                    f.filename, f.status, f.additions, f.deletions, f.patch, f.previous_filename
                )
                for f in self._repo.get_pull(number).get_files()
            ]

    def list_review_comments(self, number: int) -> list[ReviewComment]:
        with self._translated(f"list review comments of #{number}"):
            return [
                ReviewComment(c.id, c.path, c.line, c.body, c.user.login)
                for c in self._repo.get_pull(number).get_review_comments()
            ]

    def create_review(self, number: int, payload: dict[str, Any]) -> int:
        with self._translated(f"post a review on #{number}"):
            url = f"{self._repo.url}/pulls/{number}/reviews"
            _, data = self._gh.requester.requestJsonAndCheck("POST", url, input=payload)
            return int(data["id"])

    def list_comments(self, number: int) -> list[Comment]:
        with self._translated(f"list the comments of #{number}"):
            return [
                Comment(c.id, c.html_url, c.body, c.user.login)
                for c in self._repo.get_issue(number).get_comments()
            ]

    def create_comment(self, number: int, body: str) -> Comment:
        with self._translated(f"comment on #{number}"):
            c = self._repo.get_issue(number).create_comment(body)
            return Comment(c.id, c.html_url, c.body, c.user.login)

    def edit_comment(self, comment_id: int, body: str) -> None:
        with self._translated(f"edit comment {comment_id}"):
            url = f"{self._repo.url}/issues/comments/{comment_id}"
            self._gh.requester.requestJsonAndCheck("PATCH", url, input={"body": body})

    def add_reaction(self, comment_id: int, content: str) -> bool:
        with self._translated(f"react to comment {comment_id}"):
            url = f"{self._repo.url}/issues/comments/{comment_id}/reactions"
            status, headers, output = self._gh.requester.requestJson(
                "POST", url, input={"content": content}
            )
            if status >= 400:
                raise self._gh.requester.createException(status, headers, json_object(output))
            return status == 201

    def list_issues(self, label: str) -> list[Issue]:
        with self._translated(f"list issues labelled {label!r}"):
            found = self._repo.get_issues(state="all", labels=[label])
            # A PR's html_url says /pull/: reading ``pull_request`` would cost a GET per issue.
            return [_issue(i) for i in found if "/pull/" not in i.html_url]

    def get_issue(self, number: int) -> Issue:
        with self._translated(f"read issue #{number}"):
            return _issue(self._repo.get_issue(number))

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        with self._translated("open an issue"):
            return _issue(self._repo.create_issue(title=title, body=body, labels=list(labels)))

    def edit_issue(self, number: int, changes: dict[str, Any]) -> None:
        with self._translated(f"edit issue #{number}"):
            self._repo.get_issue(number).edit(**changes)

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        with self._translated(f"label #{number}"):
            url = f"{self._repo.url}/issues/{number}/labels"
            self._gh.requester.requestJsonAndCheck("POST", url, input={"labels": list(labels)})

    def get_label(self, name: str) -> Label | None:
        try:
            with self._translated(f"read label {name!r}"):
                found = self._repo.get_label(name)
                return Label(found.name, found.color, found.description)
        except NotFound:
            return None

    def create_label(self, label: Label) -> None:
        with self._translated(f"create label {label.name!r}"):
            if label.description is None:
                self._repo.create_label(label.name, label.color)
            else:
                self._repo.create_label(label.name, label.color, label.description)

    def edit_label(self, label: Label) -> None:
        with self._translated(f"edit label {label.name!r}"):
            url = f"{self._repo.url}/labels/{quote(label.name, safe='')}"
            data = {"color": label.color, "description": label.description or ""}
            self._gh.requester.requestJsonAndCheck("PATCH", url, input=data)

    def enable_auto_merge(self, node_id: str, method: str) -> None:
        with self._translated("enable auto-merge"):
            self._gh.requester.graphql_named_mutation(
                "enablePullRequestAutoMerge",
                {"pullRequestId": node_id, "mergeMethod": method.upper()},
                "clientMutationId",
            )

    def permission(self, login: str) -> Permission:
        with self._translated(f"read the permission of {login}"):
            url = f"{self._repo.url}/collaborators/{quote(login, safe='')}/permission"
            _, data = self._gh.requester.requestJsonAndCheck("GET", url)
        for value in (data.get("role_name"), data.get("permission")):
            if value in {p.value for p in Permission}:
                return Permission(value)
        return Permission.READ  # a custom role: assume the least that lets one see the repo

    def list_runs(
        self, branch: str | None, event: str | None, limit: int, head_sha: str | None = None
    ) -> list[WorkflowRun]:
        given = (("branch", branch), ("event", event), ("head_sha", head_sha))
        options = {k: v for k, v in given if v}
        with self._translated("list workflow runs"):
            runs = []
            for run in self._repo.get_workflow_runs(**options):  # type: ignore[arg-type]
                runs.append(
                    WorkflowRun(
                        run.id,
                        run.name,
                        run.head_branch,
                        run.head_sha,
                        run.event,
                        run.status,
                        run.conclusion,
                        run.html_url,
                    )
                )
                if len(runs) >= limit:
                    break
            return runs

    def list_artifacts(self, run_id: int) -> list[Artifact]:
        with self._translated(f"list the artifacts of run {run_id}"):
            url = f"{self._repo.url}/actions/runs/{run_id}/artifacts"
            found = PaginatedList(GhArtifact, self._gh.requester, url, None, list_item="artifacts")
            return [Artifact(a.id, a.name, a.size_in_bytes, a.expired, run_id) for a in found]

    def download_artifact(self, artifact_id: int, max_bytes: int) -> bytes:
        what = f"download artifact {artifact_id}"
        url = f"{self._repo.url}/actions/artifacts/{artifact_id}/zip"
        with self._translated(what):
            status, headers, output = self._gh.requester.requestJson("GET", url)
            if status != 302 or "location" not in headers:
                data = json_object(output)
                raise self._gh.requester.createException(status, headers, data)
        return fetch_without_token(headers["location"], max_bytes, what)

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        try:
            yield
        except GithubException as err:
            data = err.data if isinstance(err.data, dict) else {}
            message = str(data.get("message") or err.message or "no message")
            headers = {k.lower(): str(v) for k, v in (err.headers or {}).items()}
            now = self._settings.clock()
            raise classify(what, err.status, message, data, headers, now) from None
        except (requests.RequestException, OSError) as err:
            raise Unavailable(f"{what}: GitHub did not answer ({type(err).__name__})") from None


def _pull(p: Any) -> PullRequest:
    auto = p.auto_merge
    return PullRequest(
        number=p.number,
        url=p.html_url,
        node_id=p.node_id,
        title=p.title,
        body=p.body or "",
        author=p.user.login,
        head=p.head.ref,
        head_sha=p.head.sha,
        base=p.base.ref,
        state=p.state,
        merged=p.merged_at is not None,
        labels=tuple(lbl.name for lbl in p.labels),
        draft=bool(p.draft),
        auto_merge=auto.get("merge_method") if isinstance(auto, dict) else None,
        base_sha=p.base.sha,
        head_repo=p.head.repo.full_name if p.head.repo is not None else None,
    )


def _issue(i: Any) -> Issue:
    return Issue(
        number=i.number,
        url=i.html_url,
        title=i.title,
        body=i.body or "",
        author=i.user.login,
        state=i.state,
        labels=tuple(lbl.name for lbl in i.labels),
    )
