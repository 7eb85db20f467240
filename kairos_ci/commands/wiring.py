"""Each entrypoint's run, built from the context and the real adapters (``adapters.py``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import ChatRequest, ReviewRequest, RunRequest
from kairos_ci.config.load import load_config, load_config_at
from kairos_ci.context import Context, flag
from kairos_ci.errors import KairosError, UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import (
    Event,
    IssueCommentCreated,
    ManualDispatch,
    PullRequestChanged,
    WorkflowRunCompleted,
)
from kairos_ci.forge.branches import auth_config
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.notify.notifier import notifier_for
from kairos_ci.pipeline.chat import CommentToAnswer, FixOnRequest, fix_on_request, review_reply
from kairos_ci.pipeline.nightly import Nightly, task_kinds
from kairos_ci.pipeline.review import REQUESTED, PullReview, review_pull
from kairos_ci.policy.records import Actor, Situation, Trigger
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.tasks.fix_tests.workflow_run import WorkflowFix
from kairos_ci.tasks.review.pulldiff import ensure_commits
from kairos_ci.tasks.review.records import PullView


def nightly_for(ctx: Context, args: RunRequest, event_name: str) -> Nightly:
    repo: Path = args.repo
    event = _event(ctx, args, event_name)
    inputs = event.inputs if isinstance(event, ManualDispatch) else {}
    requested = flag(inputs.get("dry-run"), "inputs.dry-run")
    dry_run = args.dry_run or ctx.inputs.dry_run or requested
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or adapters.repository_of(event)
    forge = adapters.open_forge(ctx, repository, dry_run)
    run = RunInfo(adapters.run_id_for(ctx, args.run_id), event_name, ctx.clock(), dry_run)
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=adapters.default_branch(repo, event),
        config=config,
        memory=adapters.memory_for(ctx, repo, config),
        forge=forge,
        branches=None if forge is None else adapters.branches_for(ctx, repo),
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=_situation(event, event_name, forge),
        secrets=ctx.secrets(),
    )
    return Nightly(
        project=project,
        base_sha=base_sha,
        run=run,
        tasks=task_kinds(inputs),
        model_available=ctx.anthropic_api_key is not None,
        llm=claude.from_context(ctx),  # None without a key; anthropic loads on first call
        pip_index_url=ctx.pip_index_url,
        server_url=ctx.server_url,
        notifier=notifier_for(ctx, repository),
    )


def workflow_fix_for(ctx: Context, args: RunRequest) -> WorkflowFix:
    """A failed CI run's fix: the checkout is the default branch (workflow_run runs there)."""
    repo: Path = args.repo
    event = _event(ctx, args, "workflow_run")
    if not isinstance(event, WorkflowRunCompleted):
        raise UsageError("fix-tests needs a workflow_run payload (--payload or GITHUB_EVENT_PATH)")
    if ctx.github_token is None:
        raise UsageError("GITHUB_TOKEN is not set: fix-tests reads the run's artifacts through it")
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or adapters.repository_of(event)
    run = RunInfo(
        adapters.run_id_for(ctx, args.run_id),
        "workflow_run",
        ctx.clock(),
        args.dry_run or ctx.inputs.dry_run,
    )
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=adapters.default_branch(repo, event),
        config=config,
        memory=adapters.memory_for(ctx, repo, config),
        forge=adapters.open_forge(ctx, repository, dry_run=False),
        branches=adapters.branches_for(ctx, repo),
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.WORKFLOW_RUN, None),  # until the failed run's PR is known
        secrets=ctx.secrets(),
    )
    return WorkflowFix(event, project, base_sha, run, claude.from_context(ctx))


def review_for(ctx: Context, request: ReviewRequest, event: PullRequestChanged) -> PullReview:
    """One pull request's review: its base and head fetched when the checkout lacks them,
    and the config read from its base commit, never its head."""
    repository = request.repository or ctx.repository or event.repository.full_name
    pull = pull_view(event)
    run = RunInfo(
        adapters.run_id_for(ctx, request.run_id), str(request.event), ctx.clock(), request.dry_run
    )
    project = _pull_project(ctx, request.repo, repository, pull, run)
    project = replace(project, forge=adapters.open_forge(ctx, repository, request.dry_run))
    return PullReview(
        project, pull, event.action, run, claude.from_context(ctx), request.full, ctx.server_url
    )


def comment_for(ctx: Context, request: ChatRequest, event: IssueCommentCreated) -> CommentToAnswer:
    """One comment's answer: the config from the checked-out default branch (the checkout
    ``issue_comment`` runs on), and a review or a failed run's fix of any pull request on
    request."""
    repo = request.repo
    repository = request.repository or ctx.repository or event.repository.full_name
    sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config_at(repo, sha)
    run = RunInfo(adapters.run_id_for(ctx, request.run_id), "issue_comment", ctx.clock())
    forge = adapters.open_forge(ctx, repository, dry_run=False)
    assert forge is not None  # without a token _forge raises
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=adapters.default_branch(repo, event),
        config=config,
        memory=adapters.memory_for(ctx, repo, config),
        forge=forge,
        branches=None,
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.ISSUE_COMMENT, None),
        secrets=ctx.secrets(),
    )

    def reviewer(number: int) -> str:
        return _review_now(ctx, project, number, run)

    def fixer(number: int) -> str:
        # A pull request's fix is a suggestion comment on it: nothing is pushed.
        return fix_on_request(FixOnRequest(project, number, sha, run, claude.from_context(ctx)))

    runs_url = f"{ctx.server_url}/{repository}/actions/runs/"
    return CommentToAnswer(project, event, sha, run, reviewer, fixer, runs_url)


def _review_now(ctx: Context, chat: Project, number: int, run: RunInfo) -> str:
    """`/kairos review`: review pull request ``number`` now (the whole of it, nothing said
    twice); the reply's text."""
    assert chat.forge is not None
    try:
        pr = chat.forge.get_pull_request(number)
        pull = PullView(
            number=number,
            head_sha=pr.head_sha,
            base_sha=pr.base_sha,
            author=pr.author,
            from_fork=pr.head_repo != chat.repository,
            draft=pr.draft,
            title=pr.title,
            body=pr.body,
            labels=pr.labels,
        )
        review_run = replace(run, run_id=f"{run.run_id}.review")
        project = _pull_project(ctx, chat.repo, chat.repository, pull, review_run)
        project = replace(project, forge=chat.forge, situation=chat.situation)
        request = PullReview(
            project, pull, REQUESTED, review_run, claude.from_context(ctx), True, ctx.server_url
        )
        return review_reply(review_pull(request), pr.head_sha)
    except KairosError as err:  # the command was accepted: say why it did not work
        return f"The review could not run: {err}"


def pull_view(event: PullRequestChanged) -> PullView:
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


def _pull_project(
    ctx: Context, repo: Path, repository: str, pull: PullView, run: RunInfo
) -> Project:
    """A pull request's project: both commits present, the config from its base."""
    token = ctx.github_token.reveal() if ctx.github_token else None
    auth = auth_config(ctx.server_url, token) if token else {}
    ensure_commits(repo, (pull.base_sha, pull.head_sha), pull.number, auth)
    config = load_config_at(repo, pull.base_sha)
    return Project(
        repo=repo,
        repository=repository,
        default_branch="",  # a review publishes nothing on a branch
        config=config,
        memory=adapters.memory_for(ctx, repo, config),
        forge=None,
        branches=None,
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger(run.event), None, pull.from_fork),
        secrets=ctx.secrets(),
    )


def _event(ctx: Context, args: RunRequest, name: str) -> Event | None:
    path = args.payload or ctx.event_path
    return load_event(name, path) if path is not None else None


def _situation(event: Event | None, name: str, forge: Forge | None) -> Situation:
    trigger = Trigger(name)
    if isinstance(event, ManualDispatch) and forge is not None:
        login = event.sender.login
        return Situation(trigger, Actor(login, forge.get_permission(login), event.sender.is_bot))
    return Situation(trigger, None)
