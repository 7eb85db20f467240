"""GitHub's JSON shapes for users, repositories, labels, issues and comments.

Written from the REST description's schemas (every required field, plus the
optional ones PyGithub reads), with every URL pointing back at the sandbox so that
clients which follow ``url`` fields (PyGithub does) keep talking to it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from kairos_ci.sandbox.github.records import (
    IssueComment,
    JsonObject,
    Reaction,
    StoredLabel,
    StoredUser,
)

EPOCH = "2020-01-01T00:00:00Z"

_REPO_URLS = (
    ("archive_url", "/{archive_format}{/ref}"),
    ("assignees_url", "/assignees{/user}"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("branches_url", "/branches{/branch}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("comments_url", "/comments{/number}"),
    ("commits_url", "/commits{/sha}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("contents_url", "/contents/{+path}"),
    ("contributors_url", "/contributors"),
    ("deployments_url", "/deployments"),
    ("downloads_url", "/downloads"),
    ("events_url", "/events"),
    ("forks_url", "/forks"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("hooks_url", "/hooks"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("issue_events_url", "/issues/events{/number}"),
    ("issues_url", "/issues{/number}"),
    ("keys_url", "/keys{/key_id}"),
    ("labels_url", "/labels{/name}"),
    ("languages_url", "/languages"),
    ("merges_url", "/merges"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("pulls_url", "/pulls{/number}"),
    ("releases_url", "/releases{/id}"),
    ("stargazers_url", "/stargazers"),
    ("statuses_url", "/statuses/{sha}"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("tags_url", "/tags"),
    ("teams_url", "/teams"),
    ("trees_url", "/git/trees{/sha}"),
)


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0{len(kind):02d}:{kind}{number}".encode()).decode()


@dataclass(frozen=True)
class RepoFacts:
    """What a repository shape needs to know besides URLs."""

    owner: StoredUser
    name: str
    id: int
    default_branch: str
    created_at: str
    pushed_at: str
    open_issues: int
    allow_auto_merge: bool


class Shapes:
    """Builds shapes for one sandbox, whose base URL every ``url`` field starts with."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def html(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def user(self, user: StoredUser) -> JsonObject:
        api = f"{self.base}/users/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": node_id("User", user.id),
            "avatar_url": f"{self.base}/_avatars/{user.id}",
            "gravatar_id": "",
            "url": api,
            "html_url": self.html(user.login),
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": user.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def repository(self, repo: RepoFacts) -> JsonObject:
        full = f"{repo.owner.login}/{repo.name}"
        api = f"{self.base}/repos/{full}"
        shape: JsonObject = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": full,
            "owner": self.user(repo.owner),
            "private": False,
            "html_url": self.html(full),
            "description": None,
            "fork": False,
            "url": api,
        }
        shape.update({key: api + suffix for key, suffix in _REPO_URLS})
        shape.update(
            {
                "git_url": f"{self.base}/{full}.git",
                "ssh_url": f"{self.base}/{full}.git",
                "clone_url": f"{self.base}/{full}.git",
                "svn_url": self.html(full),
                "mirror_url": None,
                "homepage": None,
                "language": None,
                "forks_count": 0,
                "forks": 0,
                "stargazers_count": 0,
                "watchers_count": 0,
                "watchers": 0,
                "size": 0,
                "default_branch": repo.default_branch,
                "open_issues_count": repo.open_issues,
                "open_issues": repo.open_issues,
                "is_template": False,
                "topics": [],
                "has_issues": True,
                "has_projects": False,
                "has_wiki": False,
                "has_pages": False,
                "has_downloads": True,
                "has_discussions": False,
                "archived": False,
                "disabled": False,
                "visibility": "public",
                "pushed_at": repo.pushed_at,
                "created_at": repo.created_at,
                "updated_at": repo.pushed_at,
                "allow_auto_merge": repo.allow_auto_merge,
                "allow_squash_merge": True,
                "allow_merge_commit": True,
                "allow_rebase_merge": True,
                "delete_branch_on_merge": False,
                "license": None,
                "subscribers_count": 0,
                "network_count": 0,
            }
        )
        return shape

    def label(self, repo_api: str, label: StoredLabel) -> JsonObject:
        return {
            "id": label.id,
            "node_id": node_id("Label", label.id),
            "url": f"{repo_api}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "description": label.description,
            "color": label.color,
            "default": label.default,
        }

    def issue_comment(self, repo_api: str, full: str, comment: IssueComment) -> JsonObject:
        issue_url = f"{repo_api}/issues/{comment.issue_number}"
        return {
            "id": comment.id,
            "node_id": node_id("IssueComment", comment.id),
            "url": f"{repo_api}/issues/comments/{comment.id}",
            "html_url": self.html(
                f"{full}/issues/{comment.issue_number}#issuecomment-{comment.id}"
            ),
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "issue_url": issue_url,
            "author_association": "NONE",
            "reactions": self.reactions(f"{repo_api}/issues/comments/{comment.id}/reactions"),
        }

    def reaction(self, reaction: Reaction) -> JsonObject:
        return {
            "id": reaction.id,
            "node_id": node_id("Reaction", reaction.id),
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": reaction.created_at,
        }

    @staticmethod
    def reactions(url: str) -> JsonObject:
        counts: dict[str, Any] = dict.fromkeys(
            ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"), 0
        )
        return {"url": url, "total_count": 0, **counts}

    @staticmethod
    def error(message: str, status: int, **extra: Any) -> JsonObject:
        return {
            "message": message,
            "documentation_url": "https://docs.github.com/rest",
            "status": str(status),
            **extra,
        }
