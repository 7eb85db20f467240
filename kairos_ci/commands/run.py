"""``kairos-ci run``: one maintenance run for a scheduled or dispatched event.

This is the composition root of the nightly pipeline: it reads the context, builds
the real adapters (git memory, the GitHub forge, branches), and hands them to
``kairos_ci.pipeline.nightly.nightly``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kairos_ci import context
from kairos_ci.commands.arguments import existing_file, git_checkout
from kairos_ci.errors import UsageError

if TYPE_CHECKING:
    from kairos_ci.pipeline.nightly import Nightly
    from kairos_ci.report.runner import Runner
    from kairos_ci.stages.outcome import RunOutcome

NIGHTLY_EVENTS = ("schedule", "workflow_dispatch")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="one maintenance run (schedule or workflow_dispatch)",
        description=(
            "One nightly maintenance run: gather test and lint evidence, judge flaky "
            "tests, fix what it may, update the dashboard and memory. Exit 0 when done, 1"
            " when a write failed or a configured tool did not run, 2 on usage errors."
        ),
        epilog="example: kairos-ci run --event schedule --repo . --dry-run",
    )
    parser.add_argument("--event", help="event name (default: GITHUB_EVENT_NAME, else schedule)")
    add_run_options(parser)
    parser.set_defaults(handler=run)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options every pipeline command shares."""
    parser.add_argument(
        "--payload", type=existing_file, help="event payload (default: GITHUB_EVENT_PATH)"
    )
    parser.add_argument(
        "--repo", type=git_checkout, default=".", help="repository checkout (default: .)"
    )
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument(
        "--config", type=existing_file, help="config file (default: the default branch's)"
    )
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, apply nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    nightly = build(ctx, args)
    return finish(ctx, nightly, args.bundle_out)


def build(ctx: context.Context, args: argparse.Namespace) -> Nightly:
    # Imported here: `kairos-ci --help` must not load git, YAML or PyGithub.
    from kairos_ci.commands.wiring import nightly_for

    event = args.event or ctx.event_name or "schedule"
    if event not in NIGHTLY_EVENTS:
        raise UsageError(f"`kairos-ci run` handles {', '.join(NIGHTLY_EVENTS)}, not {event}")
    return nightly_for(ctx, args, event)


def finish(ctx: context.Context, nightly: Nightly, bundle_out: Path | None) -> int:
    from kairos_ci.pipeline.nightly import nightly as run_nightly
    from kairos_ci.report.runner import Runner

    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    return report_outcome(ctx, runner, run_nightly(nightly), bundle_out, nightly.run.dry_run)


def report_outcome(
    ctx: context.Context,
    runner: Runner,
    outcome: RunOutcome,
    bundle_out: Path | None,
    dry_run: bool,
) -> int:
    """Leave the bundle, the job summary, the outputs and annotations; return the exit code."""
    from kairos_ci.bundle.load import dump_bundle
    from kairos_ci.report.summary import render

    path = bundle_out or _default_bundle_path(ctx, dry_run)
    if path is not None:
        dump_bundle(outcome.bundle, path)
    runner.write_summary(render(outcome.report))
    runner.set_output("summary", outcome.report.one_line())
    runner.set_output("bundle", str(path) if path else "")
    runner.set_output("pr-urls", json.dumps(list(outcome.applied.pr_urls())))
    runner.set_output("evidence", str(_write_evidence(ctx, outcome) or ""))
    for problem in outcome.report.problems:
        runner.annotate("error", problem, title="kairos-ci")
    print(render(outcome.report))
    return outcome.exit_code


def _write_evidence(ctx: context.Context, outcome: RunOutcome) -> Path | None:
    """Each verification's JUnit report, in a folder the workflow uploads as an artifact
    (only under Actions: a local run has no artifact to fill)."""
    if ctx.runner_temp is None or not outcome.verifications:
        return None
    from kairos_ci.stages.evidence_junit import write_evidence_junit

    folder = ctx.runner_temp / "kairos-ci" / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    for index, run in enumerate(outcome.verifications, 1):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", run.name).strip("-")[:80]
        write_evidence_junit(folder / f"{index:02d}-{slug}.xml", run)
    return folder


def _default_bundle_path(ctx: context.Context, dry_run: bool) -> Path | None:
    if ctx.runner_temp is not None:
        return ctx.runner_temp / "kairos-bundle.json"
    return Path("kairos-bundle.json") if dry_run else None
