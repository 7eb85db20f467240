"""``/kairos plan <goal>`` (or the ``kairos:plan`` label) on an issue, as its table of
contents: authorise the sender -> plan (``plan.phases.run_plan``), showing progress in one
tracking comment -> post the plan comment.

The sender is authorised through the API (write, maintain or admin), never from the event's
association; bots never start a plan. A refusal is quiet: no comment, only the reply's
``why`` for the job summary. Both comments are found again by their fingerprint, so a rerun
after a kill edits them instead of adding more. The posted plan becomes the issue's
current plan (``plan.current``), which ticks on its comment are read against.
``/kairos plan revise <text>`` plans the next version of it, with a new hash (earlier
approvals no longer count), and marks the earlier plan comment superseded.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.redact import Redactor
from kairos_ci.clock import Clock
from kairos_ci.errors import ForgeError
from kairos_ci.events.records import User
from kairos_ci.forge.records import CommentSpec, Ensured
from kairos_ci.git import Git
from kairos_ci.plan.checkpoints import CheckpointStore
from kairos_ci.plan.comment import render_plan_comment
from kairos_ci.plan.current import current_plan, keep_current
from kairos_ci.plan.job import PlanJob, PlanPorts, PlanRequest, PlanSettings
from kairos_ci.plan.phases import PlanOutcome, run_plan
from kairos_ci.plan.plaintext import plain
from kairos_ci.plan.records import Plan
from kairos_ci.plan.survey import BaselineRunner
from kairos_ci.policy.records import Permission
from kairos_ci.tasks.chat.authorize import is_bot

_PLAN_ID = re.compile(r"issue-([1-9][0-9]{0,9})")  # as ``plan_id`` writes it

MAX_LISTED_PATHS = 20
LogLine = Callable[[str], None]  # one line to the job log and the step summary


class PlanForge(Protocol):
    """What planning needs of the forge (``forge.port.Forge`` provides it)."""

    def get_permission(self, login: str) -> Permission: ...

    def ensure_comment(self, spec: CommentSpec) -> Ensured: ...


@dataclass(frozen=True)
class PlanAsk:
    issue: int
    goal: str  # untrusted: the command's text, or the labelled issue's title and body
    sender: User  # who commented or labelled: the one authorised
    version: int = 1
    revision: bool = False  # `/kairos plan revise`: ``goal`` is the change asked of the plan


@dataclass(frozen=True)
class PlanWiring:
    repository: str  # OWNER/NAME
    forge: PlanForge
    git: Git  # the checkout of the base commit; only ever read
    store: CheckpointStore  # where finished phases are kept between reruns
    clock: Clock
    llm: Llm | None  # None without an API key: the plan says what it lacks
    baseline: BaselineRunner | None  # the verification sandbox's test run
    settings: PlanSettings
    log: LogLine
    redactor: Redactor = field(default_factory=Redactor.of)


class PlanStep(enum.StrEnum):
    REFUSED = "refused"  # the sender may not start a plan: nothing was posted
    DISCARDED = "discarded"  # the checkout changed during planning: the reason was posted
    POSTED = "posted"  # the plan comment is up (its status says complete or incomplete)
    FAILED = "failed"  # the plan was made but the comment could not be posted


@dataclass(frozen=True)
class PlanReply:
    step: PlanStep
    why: str
    outcome: PlanOutcome | None = None  # None when refused; its charges go to the spend ledger


def plan_issue(ask: PlanAsk, wiring: PlanWiring) -> PlanReply:
    refusal = _refusal(ask.sender, wiring.forge)
    if refusal is not None:
        return PlanReply(PlanStep.REFUSED, refusal)
    previous = current_plan(wiring.store, plan_id(ask.issue)) if ask.revision else None
    if ask.revision:
        if previous is None:
            return _nothing_to_revise(ask, wiring)
        ask = revised(ask, previous)
    outcome = run_plan(_job(ask, wiring))
    fingerprint = plan_comment_fingerprint(ask.issue, ask.version)
    if outcome.discarded is not None:
        body, step, why = _discarded(outcome.discarded), PlanStep.DISCARDED, outcome.discarded
    else:
        assert outcome.plan is not None  # a plan that was not discarded exists
        plan = outcome.plan
        body, step, why = outcome.comment, PlanStep.POSTED, f"plan {plan.hash8}: {plan.status}"
    try:
        wiring.forge.ensure_comment(CommentSpec(ask.issue, fingerprint, body))
    except ForgeError as err:
        return PlanReply(PlanStep.FAILED, f"the plan comment could not be posted ({err})", outcome)
    if outcome.plan is not None:  # what ticks on the posted comment are read against
        keep_current(wiring.store, outcome.plan)
        if previous is not None:
            _supersede(previous, outcome.plan, wiring)
    return PlanReply(step, why, outcome)


def revised(ask: PlanAsk, previous: Plan) -> PlanAsk:
    """The next version: the goal planned before, with the change asked of it. Its hash is
    new, so no approval of an earlier version counts for it."""
    goal = (
        f"{previous.goal.summary}\n\nRevision of plan {previous.hash8} (version "
        f"{previous.version}) asked by {ask.sender.login}:\n{ask.goal}"
    )
    return replace(ask, goal=goal, version=previous.version + 1, revision=False)


def _nothing_to_revise(ask: PlanAsk, wiring: PlanWiring) -> PlanReply:
    why = f"#{ask.issue} has no plan to revise: ask for one with `/kairos plan GOAL`"
    try:
        spec = CommentSpec(ask.issue, f"plan-note.{ask.issue}", f"**No plan:** {why}.")
        wiring.forge.ensure_comment(spec)
    except ForgeError as err:
        return PlanReply(PlanStep.FAILED, f"{why}; the note could not be posted ({err})")
    return PlanReply(PlanStep.REFUSED, why)


def _supersede(previous: Plan, plan: Plan, wiring: PlanWiring) -> None:
    """The earlier plan comment says it is replaced: its boxes no longer count."""
    if previous.version == plan.version:
        return
    note = (
        f"> **Superseded** by version {plan.version} (plan `{plan.hash8}`) below: "
        "ticks here no longer count.\n\n"
    )
    fingerprint = plan_comment_fingerprint(previous.issue, previous.version)
    try:
        body = note + render_plan_comment(previous)
        wiring.forge.ensure_comment(CommentSpec(previous.issue, fingerprint, body))
    except ForgeError as err:  # the old boxes are ignored anyway: a courtesy
        wiring.log(f"plan {previous.hash8}: could not be marked superseded ({err})")


def plan_comment_fingerprint(issue: int, version: int) -> str:
    return f"plan.{plan_id(issue)}.v{version}"


def plan_id(issue: int) -> str:
    """Stable across versions: one plan per issue at a time."""
    return f"issue-{issue}"


def issue_of(plan: str) -> int | None:
    """The issue of a ``plan_id``; None for an id kairos did not make."""
    found = _PLAN_ID.fullmatch(plan)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class TrackingComment:
    """The planning run's ``ProgressSink``: one comment on the issue, edited in place."""

    forge: PlanForge
    issue: int
    log: LogLine

    def show(self, body: str, lines: tuple[str, ...]) -> None:
        for line in lines:
            self.log(line)
        try:
            self.forge.ensure_comment(CommentSpec(self.issue, f"plan-progress.{self.issue}", body))
        except ForgeError as err:  # progress is a courtesy: planning goes on without it
            self.log(f"the tracking comment could not be updated ({err})")


def _discarded(reason: str) -> str:
    """The reason as data: the first line, then the changed paths (the repository's names)."""
    first, *paths = reason.split("\n")
    listed = "".join(f"\n- {plain(path, 200)}" for path in paths[:MAX_LISTED_PATHS])
    more = len(paths) - MAX_LISTED_PATHS
    tail = f"\n- ... and {more} more" if more > 0 else ""
    return f"**No plan:** {plain(first)}{listed}{tail}\n"


def _refusal(sender: User, forge: PlanForge) -> str | None:
    if is_bot(sender):
        return f"{sender.login} is a bot; only people with write permission start a plan"
    try:
        permission = forge.get_permission(sender.login)
    except ForgeError as err:
        return f"the permission of {sender.login} is unknown ({err})"
    if not permission.can_write:
        return f"{sender.login} has {permission} permission; a plan needs write, maintain or admin"
    return None


def _job(ask: PlanAsk, wiring: PlanWiring) -> PlanJob:
    request = PlanRequest(wiring.repository, ask.issue, plan_id(ask.issue), ask.version, ask.goal)
    progress = TrackingComment(wiring.forge, ask.issue, wiring.log)
    ports = PlanPorts(
        wiring.git,
        wiring.store,
        wiring.clock,
        progress,
        wiring.llm,
        wiring.baseline,
        wiring.redactor,
    )
    return PlanJob(request, ports, wiring.settings)
