"""``kairos-ci publish BUNDLE``: apply a bundle made by another job (the hardened setup).

The bundle is validated, policy is checked again against this repository's own config
(autonomy, protected paths, size and PR limits), then each write is applied
idempotently. ``--dry-run`` shows the plan in the summary and applies nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kairos_ci import context
from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.load import load_bundle
from kairos_ci.bundle.render import one_line, render_result
from kairos_ci.config.load import find_config, load_config, parse_config
from kairos_ci.config.records import BUILT_IN_DEFAULTS
from kairos_ci.errors import UsageError
from kairos_ci.forge.branches import Branches, auth_config
from kairos_ci.forge.github import connect
from kairos_ci.report.runner import Runner

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
    result = apply(
        bundle, forge, branches, ApplySettings(config, dry_run=dry_run, secrets=ctx.secrets())
    )
    for outcome in result.outcomes:
        line = f"{outcome.status.value}: {outcome.write.describe()}"
        runner.echo_untrusted(f"{line} ({outcome.reason})" if outcome.reason else line)
    runner.write_summary(render_result(bundle, result, dry_run))
    runner.set_output("summary", one_line(result))
    runner.set_output("pr-urls", json.dumps(list(result.pr_urls())))
    runner.set_output("bundle", str(path))
    print(one_line(result))
    return 1 if result.failed else 0


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
