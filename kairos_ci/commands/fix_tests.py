"""``kairos-ci fix-tests``: fix the tests a failed CI run reports (a ``workflow_run`` event).

The run's JUnit artifacts are read through the API as data. The fix is always made on
the default branch (this job's checkout, never a pull request's code): a failure on the
default branch becomes a fix PR, a failure in a pull request that also fails on the
default branch becomes a suggestion comment on the PR. See ``tasks/fix_tests/workflow_run.py``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kairos_ci import context
from kairos_ci.commands.run import add_run_options, report_outcome


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "fix-tests",
        help="fix the failing tests of a failed CI run (workflow_run event)",
        description=(
            "Fix the failing tests of a failed CI run (a workflow_run event): read its "
            "JUnit artifacts, fix on the default branch what also fails there, verified "
            "by your tests. Needs GITHUB_TOKEN."
        ),
        epilog="example: kairos-ci fix-tests --payload event.json --repo . --dry-run",
    )
    add_run_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return fix_tests_main(context.from_environ(), args)


def fix_tests_main(ctx: context.Context, args: argparse.Namespace) -> int:
    """The whole command for a context and arguments (the action routes ``fix-tests`` here)."""
    # Imported here: `kairos-ci --help` must not load git, YAML, PyGithub or anthropic.
    from kairos_ci.commands.wiring import workflow_fix_for
    from kairos_ci.pipeline.fix_tests import fix_failed_run
    from kairos_ci.report.runner import Runner

    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    outcome = fix_failed_run(workflow_fix_for(ctx, args))
    dry_run = bool(getattr(args, "dry_run", False))
    return report_outcome(ctx, runner, outcome, getattr(args, "bundle_out", None), dry_run)
