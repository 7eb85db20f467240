"""The REST routes the sandbox answers, named by the REST description's path templates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kairos_ci.sandbox.github import (
    actions,
    graphql,
    issues,
    pulls,
    reactions,
    repository,
    reviews,
)
from kairos_ci.sandbox.github.calls import Handler

_R = "/repos/{owner}/{repo}"
_TABLE: tuple[tuple[str, str, Handler], ...] = (
    ("GET", _R, repository.get_repo),
    ("GET", f"{_R}/pulls", pulls.list_pulls),
    ("POST", f"{_R}/pulls", pulls.create_pull),
    ("GET", f"{_R}/pulls/{{pull_number}}", pulls.get_pull),
    ("PATCH", f"{_R}/pulls/{{pull_number}}", pulls.update_pull),
    ("GET", f"{_R}/pulls/{{pull_number}}/files", pulls.list_files),
    ("POST", f"{_R}/pulls/{{pull_number}}/reviews", reviews.create_review),
    ("GET", f"{_R}/pulls/{{pull_number}}/comments", reviews.list_review_comments),
    ("POST", f"{_R}/pulls/{{pull_number}}/comments", reviews.create_review_comment),
    ("GET", f"{_R}/issues", issues.list_issues),
    ("POST", f"{_R}/issues", issues.create_issue),
    ("GET", f"{_R}/issues/{{issue_number}}", issues.get_issue),
    ("PATCH", f"{_R}/issues/{{issue_number}}", issues.update_issue),
    ("GET", f"{_R}/issues/{{issue_number}}/comments", issues.list_comments),
    ("POST", f"{_R}/issues/{{issue_number}}/comments", issues.create_comment),
    ("GET", f"{_R}/issues/comments/{{comment_id}}", issues.get_comment),
    ("PATCH", f"{_R}/issues/comments/{{comment_id}}", issues.update_comment),
    ("POST", f"{_R}/issues/comments/{{comment_id}}/reactions", reactions.create_reaction),
    ("POST", f"{_R}/issues/{{issue_number}}/labels", issues.add_labels),
    ("POST", f"{_R}/labels", issues.create_label),
    ("GET", f"{_R}/labels/{{name}}", issues.get_label),
    ("PATCH", f"{_R}/labels/{{name}}", issues.update_label),
    ("GET", f"{_R}/git/ref/{{ref}}", repository.get_ref),
    ("POST", f"{_R}/git/refs", repository.create_ref),
    ("PATCH", f"{_R}/git/refs/{{ref}}", repository.update_ref),
    ("DELETE", f"{_R}/git/refs/{{ref}}", repository.delete_ref),
    ("GET", f"{_R}/collaborators/{{username}}/permission", repository.collaborator_permission),
    ("GET", f"{_R}/actions/runs", actions.list_runs),
    ("GET", f"{_R}/actions/runs/{{run_id}}", actions.get_run),
    ("GET", f"{_R}/actions/runs/{{run_id}}/artifacts", actions.list_artifacts),
    (
        "GET",
        f"{_R}/actions/artifacts/{{artifact_id}}/{{archive_format}}",
        actions.download_artifact,
    ),
    ("GET", "/rate_limit", repository.rate_limit),
    ("POST", "/graphql", graphql.graphql),
)
_MULTI_SEGMENT = frozenset({"ref"})


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    literal_size: int


def _compile(method: str, template: str, handler: Handler) -> Route:
    regex = ""
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{"):
            name = piece[1:-1]
            regex += f"(?P<{name}>{'.+' if name in _MULTI_SEGMENT else '[^/]+'})"
        else:
            regex += re.escape(piece)
    literal = len(re.sub(r"\{[^}]+\}", "", template))
    return Route(method, template, handler, re.compile(regex), literal)


ROUTES = tuple(_compile(*row) for row in _TABLE)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The most specific route for ``path`` (the one with the most literal text)."""
    best: tuple[Route, dict[str, str]] | None = None
    for route in ROUTES:
        found = route.pattern.fullmatch(path) if route.method == method else None
        if found and (best is None or route.literal_size > best[0].literal_size):
            best = (route, found.groupdict())
    return best


def path_exists(path: str) -> bool:
    """Whether some method serves ``path`` (to answer 404 vs. 405 like GitHub's 404)."""
    return any(route.pattern.fullmatch(path) for route in ROUTES)
