"""The act stage every pipeline shares: the run's writes, applied as one bundle (or
planned, in a dry run), and the kairos work they opened. A dry run's bundle also carries
its model spend: it saves no memory, so the publish job records it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.bundle.records import Bundle, RunSpend, Write
from kairos_ci.memory.records import Work, WorkState
from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.policy.records import Situation
from kairos_ci.stages.board import opened_work
from kairos_ci.stages.journal import created_by
from kairos_ci.stages.records import Project, ProposedChange, RunInfo
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
    return Acted(bundle, applied, with_verifications(work, worked.changes))


def with_verifications(
    work: Mapping[str, Work], changes: Sequence[ProposedChange]
) -> dict[str, Work]:
    """Open work whose change was verified this run records what that verification ran
    on, so a later run on the same tree, config and tools reuses it. ``updated_at`` stays:
    it names the run that last wrote the pull request."""
    recorded = dict(work)
    for change in changes:
        item = recorded.get(change.branch)
        if (
            item is not None
            and item.state is WorkState.OPEN
            and item.patch_hash == change.identity
            and change.verified
            and change.verified_on
        ):
            recorded[change.branch] = replace(item, verified=change.verified_on)
    return recorded


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
