"""A failed CI run's fix (``workflow_run``), as its table of contents:
target -> recall -> observe -> work -> gate -> act -> keep -> report.

The fix is made on the default branch (this job's checkout), never on a pull
request's code: see ``tasks/fix_tests/workflow_run.py`` for who gets what.
"""

from __future__ import annotations

from dataclasses import replace

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.bundle.records import Bundle
from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.report.summary import Skip
from kairos_ci.stages import journal, outcome
from kairos_ci.stages.act import act
from kairos_ci.stages.evidence import gather
from kairos_ci.stages.gate import gate
from kairos_ci.stages.remember import DRY_RUN, keep, recall
from kairos_ci.stages.state import Finished, Observed, Worked
from kairos_ci.tasks.fix_tests.workflow_run import (
    WorkflowFix,
    comments,
    failing_in_run,
    find_target,
    fix_for_run,
    no_model_work,
    situation_of,
    suggested,
)
from kairos_ci.workspace.scratch import scratch_checkout

TITLE = "kairos-ci fix-tests"


def fix_failed_run(w: WorkflowFix) -> outcome.RunOutcome:
    p = w.project
    target = find_target(w)
    why_not = target.why_not or no_model_work(p.config) or ("" if w.llm else NO_KEY)
    if why_not:
        return _nothing_to_do(w, Worked(), Skip("fix_tests", why_not))
    recalled = recall(p.memory, p.forge, p.config.dashboard.label, w.run.at)
    failing, read = failing_in_run(w, recalled.memory)
    if not failing:
        return _nothing_to_do(w, read)
    observed = observe(w)
    fixed = fix_for_run(w, target, failing, observed, recalled)
    worked = replace(fixed, skipped=(*read.skipped, *fixed.skipped))
    p = replace(p, situation=situation_of(w, target))
    gated = gate(worked.changes, p.config, p.situation, recalled.reconciled.known, p.default_branch)
    writes = (*gated.writes, *comments(gated, target, p.default_branch))
    acted = act(p, w.run, writes, recalled, worked)
    done = Finished(w.run, w.base_sha, recalled, observed, worked, gated, acted)
    why_not = DRY_RUN if w.run.dry_run else memory_refusal(p.situation)
    kept = keep(p.memory, journal.build(done), why_not)
    return outcome.summarise(done, heading(w, worked, suggested(gated, target)), kept)


def observe(w: WorkflowFix) -> Observed:
    """The default branch's own tests and linters: what the fix is measured against."""
    with scratch_checkout(w.project.repo, w.base_sha) as scratch:
        return Observed(gather(scratch.path, w.project.config, w.project.runner, run_commands=True))


def heading(w: WorkflowFix, worked: Worked, lines: tuple[str, ...] = ()) -> outcome.Heading:
    event = w.event
    facts = (
        ("run", f"{event.name} #{event.run_id} ({event.triggering_event}, {event.conclusion})"),
        ("commit", event.head_sha[:12]),
        ("fixes target", f"{w.project.default_branch} at {w.base_sha[:12]}"),
        *outcome.spend_facts(worked.notes.spend, w.project.config),
    )
    title = TITLE + (" (dry run)" if w.run.dry_run else "")
    return outcome.Heading(title, facts, lines=lines)


def _nothing_to_do(w: WorkflowFix, worked: Worked, *skips: Skip) -> outcome.RunOutcome:
    everything = (*(Skip(s.task, s.why) for s in worked.skipped), *skips)
    bundle = Bundle(w.project.repository, (), journal.created_by(w.run))
    return outcome.skipped_run(heading(w, worked), everything, bundle)
