"""``kairos-ci fix-tests``: fix the tests a failed CI run reports (a ``workflow_run`` event).

The run's JUnit artifacts are read through the API as data. The fix is always made on
the default branch (this job's checkout, never a pull request's code): a failure on the
default branch becomes a fix PR, a failure in a pull request that also fails on the
default branch becomes a suggestion comment on the PR. See ``tasks/fix_tests_run.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kairos_ci import context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "fix-tests", help="fix the failing tests of a failed CI run (workflow_run event)"
    )
    parser.add_argument("--payload", type=Path, help="event payload (default: GITHUB_EVENT_PATH)")
    parser.add_argument(
        "--repo", type=Path, default=Path(), help="default-branch checkout (default: .)"
    )
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument("--config", type=Path, help="config file (default: the default branch's)")
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, apply nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return fix_tests_main(context.from_environ(), args)


def fix_tests_main(ctx: context.Context, args: argparse.Namespace) -> int:
    """The whole command for a context and arguments (the action routes ``fix-tests`` here)."""
    # Imported here: `kairos-ci --help` must not load git, YAML, PyGithub or anthropic.
    from kairos_ci.bundle.load import dump_bundle
    from kairos_ci.commands.wiring import workflow_fix_for
    from kairos_ci.report.runner import Runner
    from kairos_ci.report.summary import render
    from kairos_ci.tasks.fix_tests_run import fix_failed_run

    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    outcome = fix_failed_run(workflow_fix_for(ctx, args))
    path = getattr(args, "bundle_out", None)
    if path is None and ctx.runner_temp is not None:
        path = ctx.runner_temp / "kairos-bundle.json"
    if path is not None:
        dump_bundle(outcome.bundle, path)
    runner.write_summary(render(outcome.report))
    runner.set_output("summary", outcome.report.one_line())
    runner.set_output("bundle", str(path) if path else "")
    runner.set_output("pr-urls", json.dumps(list(outcome.applied.pr_urls())))
    for problem in outcome.report.problems:
        runner.annotate("error", problem, title="kairos-ci")
    print(render(outcome.report))
    return outcome.exit_code
