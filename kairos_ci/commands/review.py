"""``kairos-ci review``: one review of a pull request (``pull_request`` events).

The composition root of the review task: it reads the event and the context, fetches
the base and head commits when the checkout lacks them, reads the config from the
base commit (never the head), builds the real adapters, runs ``kairos_ci.review.task``
and applies its one write. ``--dry-run`` writes the bundle instead (``kairos-ci
publish`` applies it), and saves no memory.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kairos_ci import context
from kairos_ci.commands.arguments import existing_file, git_checkout
from kairos_ci.errors import UsageError

if TYPE_CHECKING:
    from kairos_ci.bundle.records import Bundle, WriteOutcome
    from kairos_ci.config.records import Config
    from kairos_ci.forge.port import Forge
    from kairos_ci.memory.records import Memory
    from kairos_ci.memory.store import MemoryStore
    from kairos_ci.report.runner import Runner
    from kairos_ci.report.summary import RunReport
    from kairos_ci.review.records import PullView
    from kairos_ci.review.task import ReviewJob, ReviewResult
    from kairos_ci.stages.records import RunInfo

EVENTS = ("pull_request", "pull_request_target")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "review",
        help="review a pull request: one quiet review per push",
        description=(
            "Review a pull request: one quiet review per push, inline comments only on "
            "changed lines, a coverage footer naming what was not reviewed."
        ),
        epilog="example: kairos-ci review --payload event.json --repo . --dry-run",
    )
    parser.add_argument(
        "--event", help="event name (default: GITHUB_EVENT_NAME, else pull_request)"
    )
    parser.add_argument(
        "--payload", type=existing_file, help="event payload (default: GITHUB_EVENT_PATH)"
    )
    parser.add_argument(
        "--repo", type=git_checkout, default=".", help="repository checkout (default: .)"
    )
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, post nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")
    parser.add_argument(
        "--full", action="store_true", help="review the whole PR, not only what changed since"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return review_main(context.from_environ(), args)


def review_args(repo: Path, *, dry_run: bool = False, full: bool = False) -> argparse.Namespace:
    """The arguments of `kairos-ci review`, for callers that are not its command line."""
    return argparse.Namespace(
        event=None,
        payload=None,
        repo=repo,
        repository=None,
        dry_run=dry_run,
        bundle_out=None,
        run_id=None,
        full=full,
    )


def review_main(ctx: context.Context, args: argparse.Namespace) -> int:
    """Review the pull request of the event; the job summary says what happened."""
    from kairos_ci.report.runner import Runner

    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    return action_review(ctx, runner, args.repo, args)


def action_review(
    ctx: context.Context, runner: Runner, repo: Path, args: argparse.Namespace | None = None
) -> int:
    """The action's ``review`` command (``commands/action.py``): same as the CLI's."""
    from kairos_ci.events.parse import load_event
    from kairos_ci.events.records import PullRequestChanged

    args = args or review_args(repo, dry_run=ctx.inputs.dry_run)
    name = args.event or ctx.event_name or "pull_request"
    if name not in EVENTS:
        raise UsageError(f"`kairos-ci review` handles {', '.join(EVENTS)}, not {name}")
    path = args.payload or ctx.event_path
    event = load_event(name, path)
    if not isinstance(event, PullRequestChanged):
        raise UsageError(f"the {name} payload is not a pull request event")
    request = ReviewRequest(
        repo=args.repo,
        repository=args.repository or ctx.repository or event.repository.full_name,
        pull=pull_view(event),
        event=name,
        action=event.action,
        dry_run=args.dry_run or ctx.inputs.dry_run,
        run_id=args.run_id,
        full=args.full,
    )
    done = review_pull(ctx, request)
    path_out = _bundle_path(ctx, args.bundle_out, request.dry_run)
    if path_out is not None and done.bundle is not None:
        from kairos_ci.bundle.load import dump_bundle

        dump_bundle(done.bundle, path_out)
    return finish(runner, done.report, path_out, done.exit_code)


def pull_view(event: Any) -> PullView:
    from kairos_ci.review.records import PullView

    return PullView(
        number=event.number,
        head_sha=event.head_sha,
        base_sha=event.base_sha,
        author=event.author.login,
        author_is_bot=event.author.is_bot,
        from_fork=event.from_fork,
        draft=event.draft,
        title=event.title,
        body=event.body,
        labels=event.labels,
    )


@dataclass(frozen=True)
class ReviewRequest:
    repo: Path
    repository: str  # OWNER/NAME
    pull: PullView
    event: str  # the trigger's name, e.g. "pull_request"
    action: str  # the event's action; "requested" for `/kairos review`
    dry_run: bool = False
    run_id: str | None = None
    full: bool = False
    forge: Forge | None = None  # given by a caller that built it already (chat)


@dataclass(frozen=True)
class ReviewDone:
    report: RunReport
    bundle: Bundle | None
    posted: WriteOutcome | None
    result: ReviewResult | None
    exit_code: int


def review_pull(ctx: context.Context, request: ReviewRequest) -> ReviewDone:
    """Review one pull request with the real adapters; shared by `review` and `chat`."""
    from kairos_ci.commands.wiring import _forge
    from kairos_ci.config.load import load_config_at
    from kairos_ci.forge.branches import auth_config
    from kairos_ci.review import pulldiff
    from kairos_ci.review.report import run_report
    from kairos_ci.review.task import skip_reason

    pull = request.pull
    token = ctx.github_token.reveal() if ctx.github_token else None
    auth = auth_config(ctx.server_url, token) if token else {}
    pulldiff.ensure_commits(request.repo, (pull.base_sha, pull.head_sha), pull.number, auth)
    config = load_config_at(request.repo, pull.base_sha)
    skipped = skip_reason(request.action, pull, config) if request.action != "requested" else None
    if skipped is not None:
        from kairos_ci.report.summary import Skip

        return ReviewDone(
            run_report(pull, None, None, (Skip("review", skipped),)), None, None, None, 0
        )
    forge = request.forge or _forge(ctx, request.repository, request.dry_run)
    return _reviewed(ctx, request, config, forge)


def _reviewed(
    ctx: context.Context, request: ReviewRequest, config: Config, forge: Forge | None
) -> ReviewDone:
    from kairos_ci.bundle.apply import ApplySettings, apply
    from kairos_ci.bundle.records import Bundle
    from kairos_ci.commands.wiring import _memory, _run_id
    from kairos_ci.review.report import run_report
    from kairos_ci.review.task import review, review_write
    from kairos_ci.stages.journal import created_by
    from kairos_ci.stages.records import RunInfo

    run_id = _run_id(ctx, argparse.Namespace(run_id=request.run_id))
    run = RunInfo(run_id, request.event, ctx.clock())
    store = _memory(ctx, request.repo, config)
    memory, notes = _load(store)
    result = review(_job(ctx, request, config, memory, run))
    write = review_write(result, request.pull)
    bundle = Bundle(request.repository, (write,) if write else (), created_by(run))
    applied = apply(
        bundle, forge, None, ApplySettings(config, dry_run=request.dry_run, secrets=ctx.secrets())
    )
    posted = applied.outcomes[0] if applied.outcomes else None
    failed = posted is not None and posted.status.value == "failed"
    problems = [f"the review was not posted: {posted.reason}"] if posted and failed else []
    notes += _remember(ctx, store, request, run, result, posted)
    report = run_report(request.pull, result, posted, problems=problems, notes=notes)
    return ReviewDone(report, bundle, posted, result, 1 if problems else 0)


def _job(
    ctx: context.Context, request: ReviewRequest, config: Config, memory: Memory, run: RunInfo
) -> ReviewJob:
    from kairos_ci.agent.claude import NO_KEY, from_context
    from kairos_ci.agent.redact import Redactor
    from kairos_ci.agent.spend import BudgetView
    from kairos_ci.commands.wiring import _runner
    from kairos_ci.policy.records import Trigger
    from kairos_ci.review.task import ReviewJob

    return ReviewJob(
        repo=request.repo,
        pull=request.pull,
        config=config,
        memory=memory,
        runner=_runner(ctx, config, run.run_id, request.repo),
        llm=from_context(ctx),
        no_model=NO_KEY,
        redactor=Redactor.of(ctx.secrets()),
        budget=BudgetView.from_memory(config.budget, memory.spend, run.now),
        trigger=Trigger(request.event),
        full=request.full,
    )


def _load(store: MemoryStore) -> tuple[Memory, list[str]]:
    from kairos_ci.errors import GitError, MemoryError_
    from kairos_ci.memory.records import Memory

    try:
        loaded = store.load()
    except (MemoryError_, GitError) as err:
        return Memory(), [f"memory could not be read ({err}): reviewed as if for the first time"]
    return loaded.memory, [f"memory: {note}" for note in loaded.notes]


def _remember(
    ctx: context.Context,
    store: MemoryStore,
    request: ReviewRequest,
    run: RunInfo,
    result: ReviewResult,
    posted: WriteOutcome | None,
) -> list[str]:
    """The reviewed head and what was said, unless nothing may be written (see R10)."""
    from kairos_ci.bundle.records import Status
    from kairos_ci.errors import GitError, MemoryError_
    from kairos_ci.policy.autonomy import memory_refusal
    from kairos_ci.policy.records import Situation, Trigger
    from kairos_ci.review import state

    if request.dry_run:
        return ["dry run: memory not saved"]
    refusal = memory_refusal(Situation(Trigger(request.event), None, request.pull.from_fork))
    if refusal:
        return [refusal]
    if result.skip is not None or result.scope is None:
        return []
    landed = posted is not None and posted.status in (Status.APPLIED, Status.UNCHANGED)
    failed = posted is not None and not landed
    said = [f.fingerprint for f in result.said] if landed else []
    if landed and result.coverage_key:
        said.append(result.coverage_key)
    number = request.pull.number
    url = f"{ctx.server_url}/{request.repository}/pull/{number}"
    entry = state.journal(
        run, number, request.pull.head_sha, url, said, result.charges, result.why, failed
    )
    try:
        store.save(entry)
    except (MemoryError_, GitError) as err:
        return [f"memory not saved: {err}"]
    return []


def _bundle_path(ctx: context.Context, given: Path | None, dry_run: bool) -> Path | None:
    from kairos_ci.commands.run import _default_bundle_path

    return given or _default_bundle_path(ctx, dry_run)


def finish(runner: Runner, report: RunReport, bundle: Path | None, exit_code: int) -> int:
    from kairos_ci.report.summary import render

    runner.write_summary(render(report))
    runner.set_output("summary", report.one_line())
    runner.set_output("bundle", str(bundle) if bundle else "")
    runner.set_output("pr-urls", json.dumps([]))
    for problem in report.problems:
        runner.annotate("error", problem, title="kairos-ci review")
    print(render(report))
    return exit_code
