"""``kairos-ci fix-tests``: fix the tests a failed CI run reports (a ``workflow_run`` event).

The run's JUnit artifacts are read through the API as data. The fix is always made on
the default branch (this job's checkout, never a pull request's code): a failure on the
default branch becomes a fix PR, a failure in a pull request that also fails on the
default branch becomes a suggestion comment on the PR. See ``tasks/fix_tests/workflow_run.py``.
"""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.present import bundle_path, present, runner_for
from kairos_ci.commands.requests import RunRequest, from_args
from kairos_ci.pipeline.fix_tests import fix_failed_run
from kairos_ci.report.runner import Runner


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return fix_tests_command(ctx, runner_for(ctx), from_args(RunRequest, args))


def fix_tests_command(ctx: context.Context, runner: Runner, request: RunRequest) -> int:
    fix = wiring.workflow_fix_for(ctx, request)
    done = fix_failed_run(fix)
    return present(ctx, runner, done, bundle_path(ctx, request.bundle_out, fix.run.dry_run))
