"""The real adapters a run is built from, from the context: the one place that builds
them (GitHub through PyGithub, git branches, the memory branch, the jailed command runner)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.context import Context
from kairos_ci.errors import UsageError
from kairos_ci.events.records import (
    Event,
)
from kairos_ci.forge.branches import Branches, auth_config
from kairos_ci.forge.github import connect
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits
from kairos_ci.memory.store import MemoryStore
from kairos_ci.workspace.commands import CommandRunner


def open_forge(ctx: Context, repository: str, dry_run: bool) -> Forge | None:
    if ctx.github_token is None:
        if dry_run:
            return None
        raise UsageError("GITHUB_TOKEN is not set: kairos needs it to publish (or use --dry-run)")

    return connect(ctx.api_url, ctx.github_token.reveal(), repository)


def branches_for(ctx: Context, repo: Path) -> Branches:
    auth = (
        {} if ctx.github_token is None else auth_config(ctx.server_url, ctx.github_token.reveal())
    )
    return Branches(repo, "origin", auth)


def memory_for(ctx: Context, repo: Path, config: Config) -> MemoryStore:
    return MemoryStore(
        repo,
        config.memory.branch,
        token=ctx.github_token,
        server_url=ctx.server_url,
        clock=ctx.clock,
        key=ctx.memory_key,
    )


def local_memory_for(ctx: Context, repo: Path, config: Config) -> MemoryStore:
    """Memory from the checkout's own branch (none: a fresh memory), with no token: a
    preview reads it and never pushes."""
    return replace(memory_for(ctx, repo, config), remote=str(repo), token=None)


def command_runner(ctx: Context, config: Config, run_id: str, checkout: Path) -> CommandRunner:
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


def run_id_for(ctx: Context, given: str | None) -> str:
    if given:
        return given
    if ctx.run_id:
        return f"{ctx.run_id}.{ctx.run_attempt or 1}"
    return "local-" + ctx.clock().strftime("%Y%m%dT%H%M%S")


def default_branch(repo: Path, event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is not None and repository.default_branch:
        return str(repository.default_branch)
    head = Git(repo).run(
        "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False
    )
    if head.returncode == 0:
        return head.stdout.decode().strip().removeprefix("origin/")
    return Git(repo).text("rev-parse", "--abbrev-ref", "HEAD")


def repository_of(event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is None:
        raise UsageError("no repository: pass --repository OWNER/NAME or set GITHUB_REPOSITORY")
    return str(repository.full_name)
