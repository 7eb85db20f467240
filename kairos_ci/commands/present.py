"""How every pipeline command leaves its outcome: the bundle, the job summary, the
step outputs, annotations, and the exit code."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from kairos_ci import context
from kairos_ci.bundle.load import dump_bundle
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import render
from kairos_ci.stages.evidence_junit import write_evidence_junit
from kairos_ci.stages.outcome import RunOutcome


def runner_for(ctx: context.Context) -> Runner:
    """The step's outputs and summary, with every secret masked in the log."""
    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    return runner


def present(ctx: context.Context, runner: Runner, outcome: RunOutcome, bundle: Path | None) -> int:
    """Leave the bundle (at ``bundle``, when given), the job summary, the outputs and
    annotations; return the exit code."""

    if bundle is not None:
        dump_bundle(outcome.bundle, bundle)
    runner.write_summary(render(outcome.report))
    runner.set_output("summary", outcome.report.one_line())
    runner.set_output("bundle", str(bundle) if bundle else "")
    runner.set_output("pr-urls", json.dumps(list(outcome.applied.pr_urls())))
    runner.set_output("evidence", str(_write_evidence(ctx, outcome) or ""))
    for problem in outcome.report.problems:
        runner.annotate("error", problem, title=outcome.report.title)
    print(render(outcome.report))
    return outcome.exit_code


def bundle_path(ctx: context.Context, given: Path | None, dry_run: bool) -> Path | None:
    """Where the bundle goes: as asked; under Actions, the runner's temporary directory
    (the two-job split uploads it); locally, only for a dry run."""
    if given is not None:
        return given
    if ctx.runner_temp is not None:
        return ctx.runner_temp / "kairos-bundle.json"
    return Path("kairos-bundle.json") if dry_run else None


def _write_evidence(ctx: context.Context, outcome: RunOutcome) -> Path | None:
    """Each verification's JUnit report, in a folder the workflow uploads as an artifact
    (only under Actions: a local run has no artifact to fill)."""
    if ctx.runner_temp is None or not outcome.verifications:
        return None

    folder = ctx.runner_temp / "kairos-ci" / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    for index, run in enumerate(outcome.verifications, 1):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", run.name).strip("-")[:80]
        write_evidence_junit(folder / f"{index:02d}-{slug}.xml", run)
    return folder
