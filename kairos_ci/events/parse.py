"""Turn ``GITHUB_EVENT_NAME`` plus the payload at ``GITHUB_EVENT_PATH`` into an Event.

Only the fields kairos uses are read; extra fields are ignored, and a missing or
mistyped field is an ``InputError`` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge, UsageError
from kairos_ci.events.records import (
    Event,
    IssueCommentCreated,
    IssueLabeled,
    ManualDispatch,
    PullRequestChanged,
    PushedCommits,
    Repository,
    ScheduledTick,
    User,
    WorkflowRunCompleted,
)

MAX_PAYLOAD_BYTES = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB


def load_event(name: str, path: Path | None) -> Event:
    if path is None:
        raise UsageError(f"no payload for the {name} event (GITHUB_EVENT_PATH is not set)")
    try:
        size = path.stat().st_size
        if size > MAX_PAYLOAD_BYTES:
            raise InputTooLarge(f"{path}: event payload is {size} bytes, over the cap")
        payload = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the event payload: {err.strerror}") from None
    except ValueError as err:
        raise InputError(f"{path}: the event payload is not JSON: {err}") from None
    return parse_event(name, payload)


def parse_event(name: str, payload: object) -> Event:
    if not isinstance(payload, dict):
        raise InputError(f"the {name} payload is not a JSON object")
    parser = _PARSERS.get(name)
    if parser is None:
        raise InputError(f"kairos does not handle the {name} event")
    try:
        return parser(_Fields(payload, name))
    except (KeyError, TypeError) as err:
        raise InputError(f"the {name} payload is malformed: {err}") from None


class _Fields:
    """Typed access to a payload; errors name the dotted path."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self._data = data
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def _raw(self, key: str) -> Any:
        if key not in self._data:
            raise KeyError(f"{self._path}.{key} is missing")
        return self._data[key]

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def obj(self, key: str) -> _Fields:
        value = self._raw(key)
        if not isinstance(value, dict):
            raise TypeError(f"{self._path}.{key} is not an object")
        return _Fields(value, f"{self._path}.{key}")

    def text(self, key: str) -> str:
        value: str = _typed(self._raw(key), str, f"{self._path}.{key}")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._data.get(key)
        return None if value is None else self.text(key)

    def whole(self, key: str) -> int:
        value = self._raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self._path}.{key} is not a whole number")
        number: int = value
        return number

    def flag(self, key: str) -> bool:
        value: bool = _typed(self._data.get(key, False), bool, f"{self._path}.{key}")
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        value: Mapping[str, Any] = _typed(self._data.get(key) or {}, dict, f"{self._path}.{key}")
        return value

    def array(self, key: str) -> list[Any]:
        value: list[Any] = _typed(self._data.get(key) or [], list, f"{self._path}.{key}")
        return value


def _typed(value: Any, kind: type, path: str) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{path} is not a {kind.__name__}")
    return value


def _user(fields: _Fields) -> User:
    return User(login=fields.text("login"), is_bot=fields.opt_text("type") == "Bot")


def _repository(fields: _Fields) -> Repository:
    return Repository(fields.text("full_name"), fields.opt_text("default_branch"))


def _optional_repository(fields: _Fields) -> Repository | None:
    return _repository(fields.obj("repository")) if fields.has("repository") else None


def _schedule(f: _Fields) -> ScheduledTick:
    return ScheduledTick(f.text("schedule"), _optional_repository(f))


def _dispatch(f: _Fields) -> ManualDispatch:
    inputs = {key: str(value) for key, value in f.mapping("inputs").items()}
    return ManualDispatch(
        f.text("ref"), _user(f.obj("sender")), MappingProxyType(inputs), _optional_repository(f)
    )


def _pull_request(f: _Fields) -> PullRequestChanged:
    pr = f.obj("pull_request")
    head, base = pr.obj("head"), pr.obj("base")
    head_repo = head.obj("repo").text("full_name") if head.has("repo") else None
    return PullRequestChanged(
        action=f.text("action"),
        number=pr.whole("number"),
        title=pr.text("title"),
        body=pr.opt_text("body") or "",
        draft=pr.flag("draft"),
        author=_user(pr.obj("user")),
        sender=_user(f.obj("sender")),
        head_sha=head.text("sha"),
        head_ref=head.text("ref"),
        head_repo=head_repo,
        base_sha=base.text("sha"),
        base_ref=base.text("ref"),
        labels=tuple(label["name"] for label in pr.array("labels")),
        repository=_repository(f.obj("repository")),
    )


def _workflow_run(f: _Fields) -> WorkflowRunCompleted:
    run = f.obj("workflow_run")
    head_repo = run.obj("head_repository").text("full_name") if run.has("head_repository") else None
    return WorkflowRunCompleted(
        action=f.text("action"),
        run_id=run.whole("id"),
        name=run.opt_text("name") or "",
        conclusion=run.opt_text("conclusion"),
        head_sha=run.text("head_sha"),
        head_branch=run.opt_text("head_branch"),
        head_repo=head_repo,
        triggering_event=run.text("event"),
        pull_numbers=tuple(int(pr["number"]) for pr in run.array("pull_requests")),
        actor=_user(run.obj("actor") if run.has("actor") else f.obj("sender")),
        repository=_repository(f.obj("repository")),
    )


def _issue_comment(f: _Fields) -> IssueCommentCreated:
    issue, comment = f.obj("issue"), f.obj("comment")
    return IssueCommentCreated(
        action=f.text("action"),
        issue_number=issue.whole("number"),
        on_pull_request=issue.has("pull_request"),
        comment_id=comment.whole("id"),
        body=comment.opt_text("body") or "",
        author=_user(comment.obj("user")),
        author_association=comment.opt_text("author_association") or "NONE",
        repository=_repository(f.obj("repository")),
        sender=_user(f.obj("sender")) if f.has("sender") else None,
        previous_body=_previous_body(f),
    )


def _previous_body(f: _Fields) -> str | None:
    """``changes.body.from`` of an edit (absent when only the title changed)."""
    body = f.mapping("changes").get("body")
    if not isinstance(body, dict):
        return None
    return _Fields(body, f"{f.path}.changes.body").opt_text("from")


def _issues(f: _Fields) -> IssueLabeled:
    issue = f.obj("issue")
    label = f.obj("label").text("name") if f.has("label") else None
    return IssueLabeled(
        action=f.text("action"),
        issue_number=issue.whole("number"),
        title=issue.text("title"),
        body=issue.opt_text("body") or "",
        label=label,
        sender=_user(f.obj("sender")),
        repository=_repository(f.obj("repository")),
    )


def _push(f: _Fields) -> PushedCommits:
    return PushedCommits(
        f.text("ref"),
        f.text("before"),
        f.text("after"),
        _user(f.obj("sender")),
        _repository(f.obj("repository")),
    )


_PARSERS: dict[str, Callable[[_Fields], Event]] = {
    "schedule": _schedule,
    "workflow_dispatch": _dispatch,
    "pull_request": _pull_request,
    "pull_request_target": _pull_request,
    "workflow_run": _workflow_run,
    "issue_comment": _issue_comment,
    "issues": _issues,
    "push": _push,
}
