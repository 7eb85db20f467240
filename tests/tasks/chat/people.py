"""SECURITY.md's cast on the GitHub sandbox: a maintainer, a triager and a reader with
trusted-looking associations, an outsider, a bot, and kairos itself; plus comments they
write and the ``issue_comment`` events GitHub would send for them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kairos_ci.events.parse import parse_event
from kairos_ci.events.records import IssueCommentCreated
from kairos_ci.sandbox.github.seed import parse_seed
from kairos_ci.sandbox.github.server import GitHubSandbox, running_sandbox
from tests.sandbox.github.world import KAIROS_TOKEN, World, client, contract_path

TOKENS = {
    "maria": "ghp_maria00000000000000000000000000000",
    "tom": "ghp_tom0000000000000000000000000000000",
    "eve": "ghp_eve0000000000000000000000000000000",
    "mallory": "ghp_mallory00000000000000000000000000",
    "renovate[bot]": "ghs_renovate000000000000000000000000",
    "kairos-ci[bot]": KAIROS_TOKEN,
}
SEED = parse_seed(
    {
        "users": {
            "kairos-ci[bot]": {"token": KAIROS_TOKEN, "permission": "write", "type": "Bot"},
            "maria": {"token": TOKENS["maria"], "permission": "admin"},
            "tom": {"token": TOKENS["tom"], "permission": "triage"},
            "eve": {"token": TOKENS["eve"], "permission": "read"},
            "mallory": {"token": TOKENS["mallory"], "permission": "none"},
            "renovate[bot]": {
                "token": TOKENS["renovate[bot]"],
                "permission": "write",
                "type": "Bot",
            },
        }
    }
)
ASSOCIATION = {"maria": "OWNER", "tom": "COLLABORATOR", "eve": "COLLABORATOR", "mallory": "NONE"}


@contextmanager
def sandbox_for(world: World) -> Iterator[GitHubSandbox]:
    with running_sandbox(world.root, SEED, contract_path(), strict=True) as sandbox:
        yield sandbox
        sandbox.assert_clean()


@dataclass(frozen=True)
class Said:
    """A comment someone wrote, and the event GitHub sends for it."""

    comment_id: int
    number: int
    event: IssueCommentCreated


def say(
    sandbox: GitHubSandbox,
    world: World,
    login: str,
    number: int,
    body: str,
    *,
    action: str = "created",
    association: str | None = None,
) -> Said:
    repo = client(sandbox, TOKENS[login]).get_repo(world.full_name)
    issue = repo.get_issue(number)
    made = issue.create_comment(body)
    data = event_payload(
        world, login, number, made.id, body, action, association, issue.pull_request is not None
    )
    event = parse_event("issue_comment", data)
    assert isinstance(event, IssueCommentCreated)
    return Said(made.id, number, event)


def event_payload(
    world: World,
    login: str,
    number: int,
    comment_id: int,
    body: str,
    action: str = "created",
    association: str | None = None,
    on_pull: bool = False,
) -> dict[str, Any]:
    user = {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}
    issue: dict[str, Any] = {"number": number}
    if on_pull:
        issue["pull_request"] = {"url": f"https://api.example/pulls/{number}"}
    return {
        "action": action,
        "issue": issue,
        "comment": {
            "id": comment_id,
            "body": body,
            "user": user,
            "author_association": association or ASSOCIATION.get(login, "NONE"),
        },
        "repository": {"full_name": world.full_name, "default_branch": "main"},
        "sender": user,
    }
