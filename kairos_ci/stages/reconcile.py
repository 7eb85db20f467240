"""Reconcile memory with GitHub, which is the source of truth for what exists.

A kairos PR that a human closed unmerged becomes a rejection of its exact patch;
a merged one is done. Boxes a maintainer ticked on the dashboard are read back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kairos_ci.dashboard.parse import ticked
from kairos_ci.dashboard.records import Action
from kairos_ci.forge.port import Forge
from kairos_ci.forge.records import Issue
from kairos_ci.memory.records import Memory, Rejection, Work, WorkState
from kairos_ci.stages.gate import Known


@dataclass(frozen=True)
class Reconciled:
    known: Known
    changed_work: tuple[Work, ...]  # state changes to remember
    new_rejections: tuple[Rejection, ...]
    dashboard: Issue | None


def reconcile(memory: Memory, forge: Forge, label: str, at: str) -> Reconciled:
    changed, rejections, open_prs = [], [], 0
    for work in memory.work.values():
        if work.state is not WorkState.OPEN or work.pr is None:
            continue
        pull = forge.find_pull_request(work.branch)
        if pull is None or pull.state == "open":
            open_prs += pull is not None
            continue
        state = WorkState.MERGED if pull.merged else WorkState.CLOSED
        changed.append(replace(work, state=state, updated_at=at))
        if not pull.merged:
            reason = f"closed PR #{pull.number} without merging"
            rejections.append(Rejection(work.patch_hash, "a maintainer", at, reason))
    dashboard = forge.get_dashboard(label)
    approvals = frozenset(
        box.key
        for box in ticked(dashboard.body if dashboard else None)
        if box.action is Action.APPROVE
    )
    known = Known(
        work={**memory.work, **{w.branch: w for w in changed}},
        rejections={**memory.rejections, **{r.key: r for r in rejections}},
        approvals=approvals,
        open_prs=open_prs,
    )
    return Reconciled(known, tuple(changed), tuple(rejections), dashboard)


def offline(memory: Memory) -> Reconciled:
    """Without GitHub (a dry run with no token): memory's view, unverified."""
    open_prs = sum(1 for w in memory.work.values() if w.state is WorkState.OPEN)
    known = Known(memory.work, memory.rejections, frozenset(), open_prs)
    return Reconciled(known, (), (), None)
