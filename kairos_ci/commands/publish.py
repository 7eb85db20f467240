"""``kairos-ci publish BUNDLE``: apply a bundle made by another job (the hardened setup).

The bundle is validated, policy is checked again against this repository's own config
(autonomy, protected paths, size and PR limits), then each write is applied
idempotently. ``--dry-run`` shows the plan in the summary and applies nothing.

A ``workflow_run`` job publishing for a fork's pull request (the fork review pattern)
applies only reviews on that pull request: the bundle was made by a workflow the fork
controls, so anything else in it is skipped.

A bundle from a ``--dry-run`` job carries that job's model spend (it saved no memory):
publish records it in memory's ledger, once per run id, unless this job's own event is a
fork's pull request.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kairos_ci import context
from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.intents import PostReview
from kairos_ci.bundle.load import load_bundle
from kairos_ci.bundle.records import ApplyResult, Bundle, RunSpend, Status, WriteOutcome
from kairos_ci.bundle.render import one_line, render_result
from kairos_ci.config.load import find_config, load_config, parse_config
from kairos_ci.config.records import BUILT_IN_DEFAULTS, Config
from kairos_ci.context import Context
from kairos_ci.errors import GitError, KairosError, MemoryError_, UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import PullRequestChanged, WorkflowRunCompleted
from kairos_ci.forge.branches import Branches, auth_config
from kairos_ci.forge.github import connect
from kairos_ci.git import Git
from kairos_ci.memory.records import Journal, RunRecord, RunResult
from kairos_ci.memory.store import MemoryStore
from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.report.runner import Runner
from kairos_ci.stages.remember import DRY_RUN, keep
from kairos_ci.stages.state import Kept

# In the hardened two-job setup the publish job downloads the bundle artifact into
# the workspace; the action applies it from there (``command: publish``).
ACTION_BUNDLE = "kairos-bundle.json"


def run(args: argparse.Namespace) -> int:

    ctx = context.from_environ()
    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    config = _config(args.repo, args.config)
    dry_run = bool(args.dry_run or ctx.inputs.dry_run)
    return publish_bundle(ctx, runner, args.repo, args.bundle, config, dry_run)


def publish_bundle(
    ctx: Any, runner: Any, repo: Path, path: Path, config: Any, dry_run: bool
) -> int:
    """Validate, re-check and apply the bundle at ``path``; summary and outputs included.

    Shared by ``kairos-ci publish`` and the action's ``command: publish``.
    """

    bundle = load_bundle(path)
    if ctx.repository and ctx.repository.lower() != bundle.repository.lower():
        raise UsageError(f"the bundle is for {bundle.repository}, this run is {ctx.repository}")
    forge, branches = _effects(ctx, bundle.repository, repo, dry_run)
    scope = fork_scope(ctx, forge)
    refused = scope.refusals(bundle) if scope else {}
    allowed = tuple(w for i, w in enumerate(bundle.writes) if i not in refused)
    applied = apply(
        replace(bundle, writes=allowed),
        forge,
        branches,
        ApplySettings(config, dry_run=dry_run, secrets=ctx.secrets()),
    )
    skipped = tuple(
        WriteOutcome(bundle.writes[i], Status.SKIPPED, why) for i, why in refused.items()
    )
    result = ApplyResult(skipped + applied.outcomes)
    for outcome in result.outcomes:
        line = f"{outcome.status.value}: {outcome.write.describe()}"
        runner.echo_untrusted(f"{line} ({outcome.reason})" if outcome.reason else line)
    kept = record_spend(ctx, bundle, SpendTarget(repo, config, dry_run, result))
    spent = f"\n{kept.problem or kept.line}\n" if kept.line else ""
    runner.write_summary(render_result(bundle, result, dry_run) + spent)
    runner.set_output("summary", one_line(result))
    runner.set_output("pr-urls", json.dumps(list(result.pr_urls())))
    runner.set_output("bundle", str(path))
    if kept.line:
        print(kept.problem or kept.line)
    print(one_line(result))
    return 1 if result.failed or kept.problem else 0


@dataclass(frozen=True)
class ForkScope:
    """What a ``workflow_run`` job may publish for a fork's run: reviews on its pull request."""

    pulls: tuple[int, ...]  # empty: the pull request is not known, so nothing is published
    unknown: str = ""  # why the pull request is not known

    def refusals(self, bundle: Bundle) -> dict[int, str]:
        """Why each write the scope does not allow is skipped, by its index in the bundle."""
        refused: dict[int, str] = {}
        for index, write in enumerate(bundle.writes):
            if not isinstance(write.intent, PostReview):
                refused[index] = "a fork's run may publish only a review on its pull request"
            elif not self.pulls:
                refused[index] = self.unknown
            elif write.intent.pull_number not in self.pulls:
                shown = ", ".join(f"#{n}" for n in self.pulls)
                refused[index] = f"the run was for {shown}, not #{write.intent.pull_number}"
        return refused


def fork_scope(ctx: Context, forge: Any) -> ForkScope | None:
    """The limit on a ``workflow_run`` job's bundle, or None when there is none. Asked of
    this job's own event (the default branch's workflow), never of the bundle. ``forge``
    is None in a dry run."""
    if ctx.event_name != "workflow_run":
        return None
    try:
        event = load_event(ctx.event_name, ctx.event_path)
    except KairosError as err:
        return ForkScope((), f"the workflow_run event could not be read ({err})")
    if not isinstance(event, WorkflowRunCompleted) or not event.from_fork:
        return None
    if event.pull_numbers:
        return ForkScope(event.pull_numbers)
    if forge is None:  # GitHub leaves a fork's pull requests out of the event
        return ForkScope((), f"run {event.run_id}'s pull request is looked up only with a token")
    found = forge.find_pull_request_for_commit(event.head_sha)
    if found is None:
        return ForkScope((), f"no open pull request has head {event.head_sha[:12]}")
    return ForkScope((found.number,))


@dataclass(frozen=True)
class SpendTarget:
    """Where a bundle's spend goes: the checkout whose memory branch holds the ledger."""

    repo: Path
    config: Config
    dry_run: bool
    result: ApplyResult  # what publishing did: the run's outcome in memory


def record_spend(ctx: Context, bundle: Bundle, target: SpendTarget) -> Kept:
    """Save the bundle's spend as its run's journal, once per run id: a run id the ledger
    already holds is not counted again (a re-published bundle, or a run that saved its
    own memory). The journal's commit is this checkout's: the one the workflow run is for."""
    spend = bundle.spend
    if spend is None:
        return Kept("")
    prefix = f"spend of run {bundle.run_id}"
    why_not = DRY_RUN if target.dry_run else fork_refusal(ctx)
    if why_not:
        return Kept(f"{prefix}: {why_not}")
    store = MemoryStore(
        target.repo,
        target.config.memory.branch,
        token=ctx.github_token,
        server_url=ctx.server_url,
        clock=ctx.clock,
        key=ctx.memory_key,
    )
    try:
        if bundle.run_id in store.load().memory.spend.runs:
            return Kept(f"{prefix}: already in memory")
        journal = _journal(bundle, spend, target)
    except (MemoryError_, GitError) as err:
        return Kept(f"{prefix}: not saved", problem=f"{prefix}: not saved: {err}")
    kept = keep(store, journal)
    return Kept(f"{prefix}: {kept.line}", kept.saved, kept.problem and f"{prefix}: {kept.problem}")


def fork_refusal(ctx: Context) -> str:
    """Why this job must not write memory, or "". Asked of this job's own event, never of
    the bundle: the bundle was made next to untrusted input."""
    if ctx.event_name is None:
        return ""  # not a workflow: whoever runs publish by hand decides
    try:
        event = load_event(ctx.event_name, ctx.event_path)
    except KairosError as err:
        return f"not recorded: the {ctx.event_name} event could not be read ({err})"
    if isinstance(event, PullRequestChanged | WorkflowRunCompleted) and event.from_fork:
        return memory_refusal(Situation(Trigger(ctx.event_name), None, from_fork=True))
    return ""


def _journal(bundle: Bundle, spend: RunSpend, target: SpendTarget) -> Journal:
    sha = Git(target.repo).text("rev-parse", "--verify", "HEAD^{commit}")
    outcome = RunResult.FAILURE if target.result.failed else RunResult.SUCCESS
    event = bundle.created_by.get("event", "publish")
    run = RunRecord(bundle.run_id, event, sha, spend.at, outcome)
    return Journal(run=run, spend=dict(spend.by_model))


def _config(repo: Path, path: Path | None) -> Any:

    found = path or find_config(repo)
    if found is None:
        return parse_config(b"version: 1\n", BUILT_IN_DEFAULTS)
    return load_config(found)


def _effects(ctx: Any, repository: str, repo: Path, dry_run: bool) -> tuple[Any, Any]:

    branches = Branches(repo.resolve())
    if dry_run:
        return None, branches
    if ctx.github_token is None:
        raise UsageError("publish needs GITHUB_TOKEN (or run it with --dry-run)")

    token = ctx.github_token.reveal()
    forge = connect(ctx.api_url, token, repository)
    auth = auth_config(ctx.server_url, token) if ctx.server_url.startswith("https") else {}
    return forge, Branches(repo.resolve(), auth=auth)
