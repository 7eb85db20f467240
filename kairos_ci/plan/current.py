"""The issue's current plan: the version last posted, with the approvals it has had.

It is kept through the checkpoint store under the plan id alone (``issue-N``), apart from
each run's own checkpoints (those are keyed by version and base commit, which a later
event does not know), with the plan as JSON and as Markdown beside it for people
and other tools. A tick on the plan comment is read against it: the canonical
comment is rebuilt from it, and an approval is added to it. Its status stays the one the
comment shows, so the rebuilt comment stays the posted one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kairos_ci.plan.checkpoints import CheckpointStore
from kairos_ci.plan.codec import plan_from_json, plan_to_json
from kairos_ci.plan.comment import render_plan_comment
from kairos_ci.plan.records import Approval, Phase, Plan

PLAN_JSON = "plan.json"  # against schemas/plan.schema.json, approvals included
PLAN_MARKDOWN = "plan.md"  # the plan comment as posted


def keep_current(store: CheckpointStore, plan: Plan) -> None:
    """``plan`` becomes its issue's current plan. Approvals already kept stay with it: a
    rerun that posts the same plan again must not forget them, and those of an earlier
    version no longer count for a new hash (``review.current_approvals``)."""
    kept = current_plan(store, plan.plan_id)
    for approval in kept.approvals if kept is not None else ():
        plan = with_approval(plan, approval)
    document = plan_to_json(plan)
    store.save(plan.plan_id, Phase.PUBLISH, {"data": {"plan": document}})
    store.save_artefact(plan.plan_id, PLAN_JSON, json.dumps(document, indent=2) + "\n")
    store.save_artefact(plan.plan_id, PLAN_MARKDOWN, render_plan_comment(plan))


def current_plan(store: CheckpointStore, plan_id: str) -> Plan | None:
    saved = store.load(plan_id, Phase.PUBLISH)
    return None if saved is None else plan_in(saved, plan_id)


def plan_in(saved: Mapping[str, Any], plan_id: str) -> Plan:
    """The plan a saved current-plan checkpoint holds."""
    return plan_from_json(saved["data"]["plan"], f"the current plan of {plan_id}")


def with_approval(plan: Plan, approval: Approval) -> Plan:
    """``plan`` with ``approval`` added once (the same approval again adds nothing)."""
    if approval in plan.approvals or any(_same(approval, a) for a in plan.approvals):
        return plan
    return replace(plan, approvals=(*plan.approvals, approval))


def _same(one: Approval, other: Approval) -> bool:
    """The same person approving the same content with the same choices: one approval."""
    return (one.approver, one.plan_hash, dict(one.choices)) == (
        other.approver,
        other.plan_hash,
        dict(other.choices),
    )
