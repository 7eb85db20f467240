"""``kairos-ci chat``: answer one ``/kairos`` command (``issue_comment`` events).

The composition root of ``kairos_ci.tasks.chat``: it reads the event and the context, reads
the config from the checked-out default branch, builds the forge and memory, and hands
``/kairos review`` to the review command's own pipeline. Refusals and non-commands end
quietly, with one line in the job summary.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kairos_ci import context
from kairos_ci.commands.arguments import existing_file, git_checkout
from kairos_ci.errors import UsageError

if TYPE_CHECKING:
    from kairos_ci.commands.review import ReviewDone
    from kairos_ci.forge.port import Forge
    from kairos_ci.memory.records import Journal
    from kairos_ci.memory.store import MemoryStore
    from kairos_ci.report.runner import Runner
    from kairos_ci.report.summary import RunReport
    from kairos_ci.tasks.chat.task import Chatted


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "chat",
        help="answer a /kairos command in an issue or pull-request comment",
        description=(
            "Answer a /kairos command in an issue or pull-request comment (issue_comment "
            "event), from people with write access only."
        ),
        epilog="example: kairos-ci chat --payload event.json --repo .",
    )
    parser.add_argument(
        "--payload", type=existing_file, help="event payload (default: GITHUB_EVENT_PATH)"
    )
    parser.add_argument(
        "--repo", type=git_checkout, default=".", help="repository checkout (default: .)"
    )
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return chat_main(context.from_environ(), args)


def chat_args(repo: Path) -> argparse.Namespace:
    """The arguments of `kairos-ci chat`, for callers that are not its command line."""
    return argparse.Namespace(payload=None, repo=repo, repository=None, run_id=None)


def chat_main(ctx: context.Context, args: argparse.Namespace) -> int:
    from kairos_ci.report.runner import Runner

    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    return action_chat(ctx, runner, args.repo, args)


def action_chat(
    ctx: context.Context, runner: Runner, repo: Path, args: argparse.Namespace | None = None
) -> int:
    """The action's ``chat`` command (``commands/action.py``): same as the CLI's."""
    from kairos_ci.commands.review import _load, finish
    from kairos_ci.commands.wiring import _forge, _memory, _run_id
    from kairos_ci.config.load import load_config_at
    from kairos_ci.events.parse import load_event
    from kairos_ci.events.records import IssueCommentCreated
    from kairos_ci.git import Git
    from kairos_ci.stages.records import RunInfo
    from kairos_ci.tasks.chat.records import CommandStatus
    from kairos_ci.tasks.chat.task import ChatJob, chat

    args = args or chat_args(repo)
    event = load_event("issue_comment", args.payload or ctx.event_path)
    if not isinstance(event, IssueCommentCreated):
        raise UsageError("the issue_comment payload is not a comment event")
    repository = args.repository or ctx.repository or event.repository.full_name
    sha = Git(args.repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config_at(args.repo, sha)  # the default branch, as checked out for comments
    forge = _forge(ctx, repository, dry_run=False)
    assert forge is not None  # without a token _forge raises
    run = RunInfo(_run_id(ctx, args), "issue_comment", ctx.clock())
    store = _memory(ctx, args.repo, config)
    memory, notes = _load(store)

    def reviewer(number: int) -> str:
        return _review_now(ctx, args.repo, repository, forge, number, run.run_id)

    def recorder(journal: Journal) -> str | None:
        return _save(store, journal)

    job = ChatJob(event, config, memory, forge, run, sha, reviewer=reviewer, recorder=recorder)
    chatted = chat(job)
    if chatted.journal is not None and chatted.outcome.status is not CommandStatus.FAILED:
        notes.append("memory: recorded")
    code = 1 if chatted.outcome.status is CommandStatus.FAILED else 0
    return finish(runner, _report(event, chatted, tuple(notes)), None, code)


def _review_now(
    ctx: context.Context, repo: Path, repository: str, forge: Forge, number: int, run_id: str
) -> str:
    """Review pull request ``number`` now (the whole of it, nothing said twice); the reply."""
    from kairos_ci.errors import KairosError

    try:
        return _review(ctx, repo, repository, forge, number, run_id)
    except KairosError as err:  # the command was accepted: say why it did not work
        return f"The review could not run: {err}"


def _review(
    ctx: context.Context, repo: Path, repository: str, forge: Forge, number: int, run_id: str
) -> str:
    from kairos_ci.commands.review import ReviewRequest, review_pull
    from kairos_ci.review.records import PullView

    pr = forge.get_pull_request(number)
    pull = PullView(
        number=number,
        head_sha=pr.head_sha,
        base_sha=pr.base_sha,
        author=pr.author,
        from_fork=pr.head_repo != repository,
        draft=pr.draft,
        title=pr.title,
        body=pr.body,
        labels=pr.labels,
    )
    request = ReviewRequest(
        repo, repository, pull, "issue_comment", "requested", run_id=f"{run_id}.review",
        full=True, forge=forge,
    )  # fmt: skip
    return review_reply(review_pull(ctx, request), pr.head_sha)


def review_reply(done: ReviewDone, head_sha: str) -> str:
    """What the reply to `/kairos review` says about the review it ran."""
    result, posted = done.result, done.posted
    if result is None or result.skip is not None:
        why = result.skip if result else "nothing to review"
        return f"No review: {why}."
    head = f"`{head_sha[:12]}`"
    if posted is not None and posted.status.value == "failed":
        return f"Reviewed {head}, but the review could not be posted: {posted.reason}"
    if result.composed is None:
        return f"Reviewed {head}: nothing new to say (what was said before is not repeated)."
    return f"Reviewed {head}: {len(result.said)} new finding(s), in the review above."


def _save(store: MemoryStore, journal: Journal) -> str | None:
    from kairos_ci.errors import GitError, MemoryError_

    try:
        store.save(journal)
    except (MemoryError_, GitError) as err:
        return f"memory not saved: {err}"
    return None


def _report(event: Any, chatted: Chatted, notes: tuple[str, ...]) -> RunReport:
    from kairos_ci.report.summary import RunReport, Skip
    from kairos_ci.tasks.chat.records import CommandStatus

    outcome = chatted.outcome
    command = outcome.command.line if outcome.command else "(none)"
    facts = (
        ("comment", f"#{event.issue_number}, comment {event.comment_id}"),
        ("author", event.author.login),
        ("command", command),
        ("outcome", f"{outcome.status}: {outcome.why}"),
    )
    if outcome.status is CommandStatus.DONE:
        return RunReport("kairos-ci chat", facts, (f"answered {command}", *notes))
    return RunReport("kairos-ci chat", facts, notes, (Skip(command, outcome.why),))
