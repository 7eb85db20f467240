"""The one GraphQL feature kairos needs: enabling (and disabling) auto-merge.

GraphQL errors come back with HTTP 200 and an ``errors`` array, as on GitHub.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from typing import Any

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply
from kairos_ci.sandbox.github.records import AutoMerge, JsonObject, RepoRole
from kairos_ci.sandbox.github.store import RepoState

_MUTATION = re.compile(r"\b(enablePullRequestAutoMerge|disablePullRequestAutoMerge)\s*\(")
_METHODS = ("MERGE", "SQUASH", "REBASE")


def graphql(call: Call) -> Reply:
    body = call.json_object()
    query = body.get("query")
    if not isinstance(query, str):
        raise HttpError(400, "Problems parsing JSON")
    found = _MUTATION.search(query)
    if found is None:
        return _errors(None, "the sandbox only implements enable/disablePullRequestAutoMerge")
    name = found.group(1)
    variables = body.get("variables") or {}
    given = variables.get("input") if isinstance(variables, dict) else None
    if not isinstance(given, dict):
        return _errors(name, "Variable $input of type is required")
    target = _pull_by_node(call, str(given.get("pullRequestId", "")))
    if target is None:
        return _errors(name, "Could not resolve to a node", kind="NOT_FOUND")
    repo, number = target
    if call.store.permission(repo, call.user) < RepoRole.WRITE:
        return _errors(
            name,
            f"{call.user.login} does not have permission to enable auto-merge",
            kind="FORBIDDEN",
        )
    issue = repo.issues[number]
    if issue.state != "open":
        return _errors(name, "Pull request is in clean status", kind="UNPROCESSABLE")
    if not repo.allow_auto_merge:
        return _errors(
            name, "Pull request Auto merge is not allowed for this repository", kind="UNPROCESSABLE"
        )
    pull = repo.pulls[number]
    if name == "enablePullRequestAutoMerge":
        method = str(given.get("mergeMethod", "MERGE"))
        if method not in _METHODS:
            return _errors(name, f"Argument 'mergeMethod' has an invalid value ({method})")
        pull = replace(pull, auto_merge=AutoMerge(call.user, method.lower()))
    else:
        pull = replace(pull, auto_merge=None)
    repo.pulls[number] = pull
    actor = {
        "avatarUrl": f"{call.shapes.base}/_avatars/{call.user.id}",
        "login": call.user.login,
        "resourcePath": f"/{call.user.login}",
        "url": call.shapes.html(call.user.login),
    }
    payload = {"actor": actor, "clientMutationId": given.get("clientMutationId")}
    return Reply(200, {"data": {name: payload}})


def _pull_by_node(call: Call, node: str) -> tuple[RepoState, int] | None:
    try:
        decoded = base64.b64decode(node, validate=True).decode()
    except ValueError:
        return None
    found = re.fullmatch(r"0\d\d:PullRequest(\d+)", decoded)
    if found is None:
        return None
    pull_id = int(found.group(1))
    for repo in call.store.all_repos():
        for number, pull in repo.pulls.items():
            if pull.id == pull_id:
                return repo, number
    return None


def _errors(name: str | None, message: str, kind: str = "UNPROCESSABLE") -> Reply:
    error: JsonObject = {"message": message, "type": kind, "locations": [{"line": 1, "column": 1}]}
    data: Any = None
    if name:
        error["path"] = [name]
        data = {name: None}
    return Reply(200, {"data": data, "errors": [error]})
