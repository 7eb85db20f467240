"""A local preview (``run --local``, ``review --local``), built from the context with no
GitHub: no forge, no branches, memory read from the checkout and never pushed."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import ReviewRequest, RunRequest
from kairos_ci.config.load import load_config, load_config_at
from kairos_ci.context import Context
from kairos_ci.errors import UsageError
from kairos_ci.git import Git
from kairos_ci.pipeline.nightly import Nightly, task_kinds
from kairos_ci.pipeline.review import REQUESTED, PullReview
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.tasks.review.records import PullView


def local_nightly_for(ctx: Context, request: RunRequest) -> Nightly:
    """A preview of the nightly on a checkout, needing nothing from GitHub: a dry run on
    HEAD, with no forge, no branches and no notifier; memory read from the checkout's own
    branch (fresh when it has none) and never pushed; the repository named locally."""
    repo = request.repo.resolve()
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(request.config) if request.config else load_config_at(repo, base_sha)
    event_name = request.event or "schedule"
    run = RunInfo(adapters.run_id_for(ctx, request.run_id), event_name, ctx.clock(), dry_run=True)
    project = Project(
        repo=repo,
        repository=request.repository or f"local/{repo.name}",
        default_branch=Git(repo).text("rev-parse", "--abbrev-ref", "HEAD"),
        config=config,
        memory=adapters.local_memory_for(ctx, repo, config),
        forge=None,
        branches=None,
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger(event_name), None),
        secrets=ctx.secrets(),
    )
    return Nightly(
        project=project,
        base_sha=base_sha,
        run=run,
        tasks=task_kinds(None),
        model_available=ctx.anthropic_api_key is not None,
        llm=claude.from_context(ctx),  # None without a key: model tasks wait, with the reason
        pip_index_url=ctx.pip_index_url,
        server_url=ctx.server_url,
    )


def local_review_for(ctx: Context, request: ReviewRequest) -> PullReview:
    """A preview of a review of ``--local BASE..HEAD`` in the checkout, needing nothing
    from GitHub: the whole diff, as if a maintainer asked for it; the config read from
    BASE, never HEAD; a dry run, with memory read from the checkout's own branch and
    never pushed. A local diff has no pull request number: it is 0."""
    repo = request.repo.resolve()
    base_sha, head_sha = _span(repo, request.local or "")
    config = load_config_at(repo, base_sha)
    run = RunInfo(
        adapters.run_id_for(ctx, request.run_id), "pull_request", ctx.clock(), dry_run=True
    )
    title = Git(repo).text("log", "-1", "--format=%s", head_sha)
    pull = PullView(0, head_sha, base_sha, author="local", from_fork=False, title=title)
    project = Project(
        repo=repo,
        repository=request.repository or f"local/{repo.name}",
        default_branch="",  # a review publishes nothing on a branch
        config=config,
        memory=adapters.local_memory_for(ctx, repo, config),
        forge=None,
        branches=None,
        runner=adapters.command_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.PULL_REQUEST, None),
        secrets=ctx.secrets(),
    )
    return PullReview(project, pull, REQUESTED, run, claude.from_context(ctx), True, ctx.server_url)


def _span(repo: Path, span: str) -> tuple[str, str]:
    """``BASE..HEAD`` as its two commits; a clear usage error for anything else."""
    base, sep, head = span.partition("..")
    if not sep or not base or not head or head.startswith(".") or "-" in (base[0], head[0]):
        raise UsageError(f"--local {span!r}: expected BASE..HEAD, two commits (e.g. main..HEAD)")
    shas = []
    for ref in (base, head):
        found = Git(repo).run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if found.returncode != 0:
            raise UsageError(f"--local {span!r}: {ref!r} is not a commit in {repo}")
        shas.append(found.stdout.decode().strip())
    return shas[0], shas[1]
