"""Building the real adapters for a run from the context: the one place that does."""

from __future__ import annotations

import argparse
from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.config.load import load_config, load_config_at
from kairos_ci.config.records import Config
from kairos_ci.context import Context, flag
from kairos_ci.errors import UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import Event, ManualDispatch, WorkflowRunCompleted
from kairos_ci.forge.branches import Branches, auth_config
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.nightly import Nightly, task_kinds
from kairos_ci.policy.records import Actor, Situation, Trigger
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.tasks.fix_tests.workflow_run import WorkflowFix
from kairos_ci.workspace.commands import CommandRunner


def run_args(
    repo: Path,
    *,
    event: str | None,
    repository: str | None = None,
    config: Path | None = None,
    dry_run: bool = False,
    run_id: str | None = None,
) -> argparse.Namespace:
    """The arguments of `kairos-ci run`, for callers that are not its command line."""
    return argparse.Namespace(
        event=event,
        payload=None,
        repo=repo,
        repository=repository,
        config=config,
        dry_run=dry_run,
        bundle_out=None,
        run_id=run_id,
    )


def nightly_for(ctx: Context, args: argparse.Namespace, event_name: str) -> Nightly:
    repo: Path = args.repo
    event = _event(ctx, args, event_name)
    inputs = event.inputs if isinstance(event, ManualDispatch) else {}
    requested = flag(inputs.get("dry-run"), "inputs.dry-run")
    dry_run = args.dry_run or ctx.inputs.dry_run or requested
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or _repository_of(event)
    forge = _forge(ctx, repository, dry_run)
    run = RunInfo(_run_id(ctx, args), event_name, ctx.clock(), dry_run)
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=_default_branch(repo, event),
        config=config,
        memory=_memory(ctx, repo, config),
        forge=forge,
        branches=None if forge is None else _branches(ctx, repo),
        runner=_runner(ctx, config, run.run_id, repo),
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
    )


def workflow_fix_for(ctx: Context, args: argparse.Namespace) -> WorkflowFix:
    """A failed CI run's fix: the checkout is the default branch (workflow_run runs there)."""
    repo: Path = args.repo
    event = _event(ctx, args, "workflow_run")
    if not isinstance(event, WorkflowRunCompleted):
        raise UsageError("fix-tests needs a workflow_run payload (--payload or GITHUB_EVENT_PATH)")
    if ctx.github_token is None:
        raise UsageError("GITHUB_TOKEN is not set: fix-tests reads the run's artifacts through it")
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or _repository_of(event)
    run = RunInfo(
        _run_id(ctx, args), "workflow_run", ctx.clock(), args.dry_run or ctx.inputs.dry_run
    )
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=_default_branch(repo, event),
        config=config,
        memory=_memory(ctx, repo, config),
        forge=_forge(ctx, repository, dry_run=False),
        branches=_branches(ctx, repo),
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.WORKFLOW_RUN, None),  # until the failed run's PR is known
        secrets=ctx.secrets(),
    )
    return WorkflowFix(event, project, base_sha, run, claude.from_context(ctx))


def _event(ctx: Context, args: argparse.Namespace, name: str) -> Event | None:
    path = args.payload or ctx.event_path
    return load_event(name, path) if path is not None else None


def _repository_of(event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is None:
        raise UsageError("no repository: pass --repository OWNER/NAME or set GITHUB_REPOSITORY")
    return str(repository.full_name)


def _forge(ctx: Context, repository: str, dry_run: bool) -> Forge | None:
    if ctx.github_token is None:
        if dry_run:
            return None
        raise UsageError("GITHUB_TOKEN is not set: kairos needs it to publish (or use --dry-run)")
    from kairos_ci.forge.github import connect

    return connect(ctx.api_url, ctx.github_token.reveal(), repository)


def _branches(ctx: Context, repo: Path) -> Branches:
    auth = (
        {} if ctx.github_token is None else auth_config(ctx.server_url, ctx.github_token.reveal())
    )
    return Branches(repo, "origin", auth)


def _memory(ctx: Context, repo: Path, config: Config) -> MemoryStore:
    return MemoryStore(
        repo,
        config.memory.branch,
        token=ctx.github_token,
        server_url=ctx.server_url,
        clock=ctx.clock,
        key=ctx.memory_key,
    )


def _runner(ctx: Context, config: Config, run_id: str, checkout: Path) -> CommandRunner:
    """The project's commands run in the jail, each tree under test seen at ``checkout``."""
    # Tests may seed randomness from the run id, so a run can be reproduced.
    env = {**ctx.tool_env, "KAIROS_RUN_ID": run_id}
    jail = find_jail(jail_setup(ctx)).jail
    timeout = config.limits.command_timeout_minutes * 60.0
    return CommandRunner(env, timeout, jail=jail, checkout=checkout.resolve())


def jail_setup(ctx: Context) -> JailSetup:
    """Where the jail comes from, and what it hides: the runner's temporary directory holds
    the checkout's credentials and the runner's own command files."""
    home = ctx.tool_env.get("HOME")
    return JailSetup(
        path=ctx.tool_env.get("PATH", ""),
        home=Path(home) if home else None,
        hidden=(ctx.runner_temp,) if ctx.runner_temp else (),
        limits=JailLimits(),
    )


def _situation(event: Event | None, name: str, forge: Forge | None) -> Situation:
    trigger = Trigger(name)
    if isinstance(event, ManualDispatch) and forge is not None:
        login = event.sender.login
        return Situation(trigger, Actor(login, forge.get_permission(login), event.sender.is_bot))
    return Situation(trigger, None)


def _default_branch(repo: Path, event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is not None and repository.default_branch:
        return str(repository.default_branch)
    head = Git(repo).run(
        "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False
    )
    if head.returncode == 0:
        return head.stdout.decode().strip().removeprefix("origin/")
    return Git(repo).text("rev-parse", "--abbrev-ref", "HEAD")


def _run_id(ctx: Context, args: argparse.Namespace) -> str:
    if args.run_id:
        return str(args.run_id)
    if ctx.run_id:
        return f"{ctx.run_id}.{ctx.run_attempt or 1}"
    return "local-" + ctx.clock().strftime("%Y%m%dT%H%M%S")
