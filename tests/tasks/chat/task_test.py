"""Chat commands against the strict GitHub sandbox, through the real forge (PyGithub):
SECURITY.md's AUTH cases, the acknowledgement and the one reply, and what memory learns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.events.parse import parse_event
from kairos_ci.events.records import IssueCommentCreated
from kairos_ci.forge.records import DashboardSpec
from kairos_ci.memory.records import Memory
from kairos_ci.sandbox.github.server import GitHubSandbox
from kairos_ci.stages.records import RunInfo
from kairos_ci.tasks.chat.records import CommandStatus
from kairos_ci.tasks.chat.task import ChatJob, Chatted, chat
from tests.sandbox.github.world import World, add_branch, client, forge_for, make_world
from tests.tasks.chat.people import TOKENS, event_payload, sandbox_for, say

DEFAULTS = parse_config(b"version: 1\n", "test")
WITH_BOT = parse_config(b"version: 1\nchat:\n  allowed_bots: ['renovate[bot]']\n", "test")
RUN = RunInfo("chat-1", "issue_comment", datetime(2026, 11, 27, 12, 0, tzinfo=UTC))


@pytest.fixture
def github(tmp_path: Path) -> Iterator[tuple[World, GitHubSandbox, int]]:
    world = make_world(tmp_path)
    add_branch(world, "feature", {"app.py": "changed\n"}, human=True)
    with sandbox_for(world) as sandbox:
        repo = client(sandbox, TOKENS["maria"]).get_repo(world.full_name)
        number = repo.create_pull(base="main", head="feature", title="F", body="").number
        yield world, sandbox, int(number)


def run_chat(
    sandbox: GitHubSandbox,
    world: World,
    event: IssueCommentCreated,
    config: Config = DEFAULTS,
    memory: Memory | None = None,
) -> Chatted:
    job = ChatJob(event, config, memory or Memory(), forge_for(sandbox, world), RUN, "0" * 40)
    return chat(job)


def writes(sandbox: GitHubSandbox) -> list[tuple[str, str]]:
    return [(r["method"], r["route"]) for r in sandbox.state()["requests"] if r["method"] != "GET"]


def state(sandbox: GitHubSandbox) -> dict[str, Any]:
    found: dict[str, Any] = sandbox.state("octo/app")["repos"]["octo/app"]
    return found


def kairos_replies(sandbox: GitHubSandbox) -> list[str]:
    return [c["body"] for c in state(sandbox)["comments"] if c["user"]["login"] == "kairos-ci[bot]"]


def test_an_outsider_is_refused_quietly(github: tuple[World, GitHubSandbox, int]) -> None:
    world, sandbox, number = github
    # An outsider's comment on a public repository (the sandbox only lets readers write one).
    data = event_payload(world, "mallory", number, 424242, "/kairos fix", on_pull=True)
    event = parse_event("issue_comment", data)
    assert isinstance(event, IssueCommentCreated)
    before = writes(sandbox)
    done = run_chat(sandbox, world, event)
    assert done.outcome.status is CommandStatus.REFUSED
    assert "mallory has none permission" in done.outcome.why
    assert writes(sandbox) == before and done.journal is None  # no reaction, no reply, no memory


@pytest.mark.parametrize("login", ["tom", "eve"])
@pytest.mark.parametrize("association", ["COLLABORATOR", "OWNER", "MEMBER"])
def test_a_read_or_triage_collaborator_is_refused_whatever_the_association(
    github: tuple[World, GitHubSandbox, int], login: str, association: str
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, login, number, "/kairos fix", association=association)
    before = writes(sandbox)
    done = run_chat(sandbox, world, said.event)
    assert done.outcome.status is CommandStatus.REFUSED
    assert f"{login} has" in done.outcome.why and "write, maintain or admin" in done.outcome.why
    assert writes(sandbox) == before and state(sandbox)["reactions"] == []


def test_a_bot_is_refused_unless_listed_and_then_gets_at_most_suggest(
    github: tuple[World, GitHubSandbox, int],
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "renovate[bot]", number, "/kairos fix")
    reads = len(sandbox.state()["requests"])
    done = run_chat(sandbox, world, said.event)
    assert (
        done.outcome.status is CommandStatus.REFUSED
        and "not listed in chat.allowed_bots" in done.outcome.why
    )
    assert len(sandbox.state()["requests"]) == reads  # refused before asking the API
    listed = run_chat(sandbox, world, said.event, WITH_BOT)
    assert listed.outcome.status is CommandStatus.DONE
    assert listed.journal is None  # nothing is queued: the fix runs now, or is refused
    for words in ("/kairos approve", "/kairos ignore F401"):
        other = say(sandbox, world, "renovate[bot]", number, words)
        answer = run_chat(sandbox, world, other.event, WITH_BOT)
        assert answer.journal is None and "needs a person" in (answer.outcome.reply or "")


def test_an_edited_comment_is_ignored(github: tuple[World, GitHubSandbox, int]) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "maria", number, "/kairos help", action="edited")
    before = writes(sandbox)
    done = run_chat(sandbox, world, said.event)
    assert done.outcome.status is CommandStatus.IGNORED and "edited" in done.outcome.why
    assert writes(sandbox) == before


@pytest.mark.parametrize(
    "body",
    [
        "```\n/kairos fix\n```",
        "~~~\n/kairos fix\n~~~",
        "> /kairos fix",
        ">\n> quoting:\n> /kairos fix",
        "    /kairos fix",
        "please run `/kairos fix`",
        "- /kairos fix",
        "<!--\n/kairos fix\n-->",
        "/kairos\u200b fix",
        "\u202e/kairos fix",
        "<!-- hidden -->/kairos fix",
        "/kairosfix",
    ],
)
def test_a_command_that_is_not_plainly_written_is_ignored(
    github: tuple[World, GitHubSandbox, int], body: str
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "maria", number, body)
    before = writes(sandbox)
    done = run_chat(sandbox, world, said.event)
    assert done.outcome.status is CommandStatus.IGNORED, done.outcome
    assert writes(sandbox) == before


def test_kairos_never_answers_itself(github: tuple[World, GitHubSandbox, int]) -> None:
    world, sandbox, number = github
    body = "Progress: maria asked\n/kairos fix\n\n<!-- kairos:fp=chat.1 kind=comment v=1 -->"
    said = say(sandbox, world, "kairos-ci[bot]", number, body)
    done = run_chat(sandbox, world, said.event, WITH_BOT)
    assert done.outcome.status is CommandStatus.IGNORED and "kairos's own" in done.outcome.why


def test_a_maintainer_gets_one_reaction_and_one_reply(
    github: tuple[World, GitHubSandbox, int],
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "maria", number, "Thanks!\n\n/kairos help\n")
    for _ in range(2):  # a redelivered event changes nothing
        done = run_chat(sandbox, world, said.event)
        assert done.outcome.status is CommandStatus.DONE
    (reaction,) = state(sandbox)["reactions"]
    assert (reaction["content"], reaction["comment_id"]) == ("eyes", said.comment_id)
    (reply,) = kairos_replies(sandbox)
    assert "/kairos ignore FINGERPRINT|RULE" in reply and f"chat.{said.comment_id}" in reply


def test_fix_runs_now_and_ignore_is_remembered_and_plan_is_left_to_the_planner(
    github: tuple[World, GitHubSandbox, int],
) -> None:
    world, sandbox, number = github
    asked: list[int] = []

    def fixer(pull: int) -> str:
        asked.append(pull)
        return f"fixed #{pull}'s run"

    said = say(sandbox, world, "maria", number, "/kairos fix")
    job = ChatJob(said.event, DEFAULTS, Memory(), forge_for(sandbox, world), RUN, "0" * 40)
    fix = chat(replace(job, fixer=fixer))
    assert asked == [number] and fix.journal is None  # nothing queued for a later run
    assert (
        fix.outcome.status is CommandStatus.DONE and fix.outcome.reply == f"fixed #{number}'s run"
    )
    (reply,) = kairos_replies(sandbox)
    assert reply.startswith(f"fixed #{number}'s run\n")
    ignore = run_chat(
        sandbox, world, say(sandbox, world, "maria", number, "/kairos ignore ruff/F401").event
    )
    assert ignore.journal is not None
    (rejection,) = ignore.journal.rejections
    assert (rejection.key, rejection.by) == ("ruff/F401", "maria")
    replies_before = len(kairos_replies(sandbox))
    for goal in ("", " migrate the API to Fastify"):
        said = say(sandbox, world, "maria", number, f"/kairos plan{goal}")
        plan = run_chat(sandbox, world, said.event)
        assert plan.outcome.status is CommandStatus.IGNORED and plan.journal is None
        assert "kairos-ci plan" in plan.outcome.why
    assert len(kairos_replies(sandbox)) == replies_before  # the planner answers, not chat


def test_approve_ticks_the_suggestion_on_the_dashboard(
    github: tuple[World, GitHubSandbox, int],
) -> None:
    world, sandbox, _ = github
    key = "fix_lint.ruff.0123456789abcdef"
    body = (
        "## Needs your decision\n\n"
        f"- [ ] **approve** Fix 2 ruff findings <!-- kairos:key=approve:{key} -->\n"
        "- [ ] **approve** Another <!-- kairos:key=approve:fix_lint.eslint.fedcba9876543210 -->"
    )
    board = forge_for(sandbox, world).ensure_dashboard(DashboardSpec("kairos", body, "kairos"))
    assert board.number is not None
    unnamed = run_chat(
        sandbox, world, say(sandbox, world, "maria", board.number, "/kairos approve").event
    )
    assert unnamed.journal is None and f"/kairos approve {key}" in (unnamed.outcome.reply or "")
    named = say(sandbox, world, "maria", board.number, f"/kairos approve {key}")
    done = run_chat(sandbox, world, named.event)
    assert done.journal is not None and done.journal.tasks[0].task_id == f"approve:{key}"
    issue = next(i for i in state(sandbox)["issues"] if i["number"] == board.number)
    assert (
        f"- [x] **approve** Fix 2 ruff findings <!-- kairos:key=approve:{key} -->" in issue["body"]
    )
    assert "- [ ] **approve** Another" in issue["body"]
    again = run_chat(
        sandbox, world, say(sandbox, world, "maria", board.number, f"/kairos approve {key}").event
    )
    assert "already approved" in (again.outcome.reply or "")


def test_review_and_fix_need_a_pull_request(github: tuple[World, GitHubSandbox, int]) -> None:
    world, sandbox, _ = github
    issue = client(sandbox, TOKENS["maria"]).get_repo(world.full_name).create_issue("a bug")
    review = run_chat(
        sandbox, world, say(sandbox, world, "maria", issue.number, "/kairos review").event
    )
    assert "works on pull requests" in (review.outcome.reply or "") and review.journal is None
    fix = run_chat(sandbox, world, say(sandbox, world, "maria", issue.number, "/kairos fix").event)
    assert "`/kairos plan GOAL`" in (fix.outcome.reply or "") and fix.journal is None


def test_a_reply_never_promises_what_memory_did_not_keep(
    github: tuple[World, GitHubSandbox, int],
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "maria", number, "/kairos ignore ruff/F401")
    kept: list[object] = []
    job = ChatJob(
        said.event, DEFAULTS, Memory(), forge_for(sandbox, world), RUN, "0" * 40,
        recorder=lambda journal: "memory branch is protected",
    )  # fmt: skip
    done = chat(job)
    assert (
        done.outcome.status is CommandStatus.FAILED
        and "memory branch is protected" in done.outcome.why
    )
    (reply,) = kairos_replies(sandbox)
    assert "could not record this" in reply and "will not post" not in reply
    ok = ChatJob(
        said.event, DEFAULTS, Memory(), forge_for(sandbox, world), RUN, "0" * 40,
        recorder=lambda journal: kept.append(journal),  # type: ignore[func-returns-value]
    )  # fmt: skip
    assert chat(ok).outcome.status is CommandStatus.DONE and len(kept) == 1
    (reply,) = kairos_replies(sandbox)  # the same reply, edited now that it holds
    assert "will not post `ruff/F401` again" in reply
