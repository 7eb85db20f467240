"""The act stage every pipeline shares: the run's writes, applied as one bundle (or
planned, in a dry run), and the kairos work they opened. A dry run's bundle also carries
its model spend: it saves no memory, so the publish job records it."""

from __future__ import annotations

from collections.abc import Sequence

from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.bundle.records import Bundle, RunSpend, Write
from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.policy.records import Situation
from kairos_ci.stages.board import opened_work
from kairos_ci.stages.journal import created_by
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.state import Acted, Recalled, Worked


def act(
    p: Project, run: RunInfo, writes: Sequence[Write], before: Recalled, worked: Worked
) -> Acted:
    spend = carried_spend(p.situation, run, worked)
    bundle = Bundle(p.repository, tuple(writes), created_by(run), spend=spend)
    settings = ApplySettings(config=p.config, dry_run=run.dry_run, secrets=p.secrets)
    applied = apply(bundle, p.forge, p.branches, settings)
    identities = {change.branch: change.identity for change in worked.changes}
    work = opened_work(applied, run.at, before.reconciled.known.work, identities)
    return Acted(bundle, applied, work)


def carried_spend(situation: Situation, run: RunInfo, worked: Worked) -> RunSpend | None:
    """The spend a dry run hands to publish. A run that saves memory records its own,
    and a fork's pull request's run never writes memory."""
    spend = worked.notes.spend
    if not run.dry_run or not spend or memory_refusal(situation):
        return None
    return RunSpend(run.at, dict(spend))


def planned(writes: Sequence[Write]) -> tuple[tuple[str, str], ...]:
    """The pull requests a run is about to open: (branch, task kind)."""
    return tuple(
        (w.intent.branch, w.task.value if w.task else "")
        for w in writes
        if isinstance(w.intent, OpenPullRequest)
    )
