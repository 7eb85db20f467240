"""A tick on the plan comment (``issue_comment`` ``edited``), as its table of contents:
is it kairos's plan comment -> ignore bots -> re-authorise the editor through the API ->
read the ticks against the issue's current plan -> keep an approval, or restore the comment
-> tell when an approved plan is already stale (``plan.freshness``).

Below the approved plan, the work's progress lists the questions the work raised, a box
per option. An edit that changed only that part is an answer, never an approval: the
ticked options are kept beside the plan (``coordinator.answers``) for the job that may
write the board.

The comment is rebuilt from the stored plan (``plan.review``): an edit that changed more
than box states is reverted to the last good body (the ticks before the edit, or the
canonical unticked comment), and a note says why. An editor without write permission is
reverted too, quietly: their ticks must not stay on the comment, where a maintainer's
next tick would carry them into an approval. A bot's edit is ignored (kairos's own
edits come back as events, and no bot approves a plan); the next person's tick is read
against the stored plan, so a bot's change is reverted then.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kairos_ci.clock import Clock, to_iso
from kairos_ci.coordinator.answers import TickedAnswer
from kairos_ci.coordinator.progress import read_answers
from kairos_ci.errors import ForgeError
from kairos_ci.events.records import IssueCommentCreated, User
from kairos_ci.forge.markers import fingerprints
from kairos_ci.forge.records import CommentSpec
from kairos_ci.git import Git
from kairos_ci.pipeline.plan import LogLine, PlanForge, plan_comment_fingerprint, plan_id
from kairos_ci.plan.checkpoints import CheckpointStore
from kairos_ci.plan.comment import render_plan_comment, reviewed_part
from kairos_ci.plan.current import current_plan, keep_current, with_approval
from kairos_ci.plan.freshness import Freshness, freshness
from kairos_ci.plan.plaintext import plain
from kairos_ci.plan.records import Plan
from kairos_ci.plan.review import ReviewOutcome, ReviewVerdict, read_ticks, review
from kairos_ci.tasks.chat.authorize import is_bot


class TickStep(enum.StrEnum):
    IGNORED = "ignored"  # not a tick on the current plan's comment, or by a bot
    REVERTED = "reverted"  # the edit was undone (an editor without write, or a body edit)
    PENDING = "pending"  # ticks so far make no approval
    APPROVED = "approved"  # recorded on the issue's current plan
    ANSWERED = "answered"  # options ticked for the work's questions, kept for the board
    STALE = "approved, stale"  # recorded, but the plan's files changed since its base
    CHANGES_REQUESTED = "changes requested"
    FAILED = "failed"  # GitHub said no: the comment could not be restored


@dataclass(frozen=True)
class TickWiring:
    forge: PlanForge
    store: CheckpointStore  # holds the issue's current plan (``plan.current``)
    clock: Clock
    log: LogLine
    git: Git  # the default branch checked out: an approved plan is checked against it


@dataclass(frozen=True)
class TickReply:
    step: TickStep
    why: str
    plan: Plan | None = None  # the current plan after this tick (approvals included)


def read_tick(event: IssueCommentCreated, wiring: TickWiring) -> TickReply:
    """What one edit of a comment on an issue amounts to; see the module docstring."""
    plan, why = _plan_commented(event, wiring.store)
    if plan is None:
        return TickReply(TickStep.IGNORED, why)
    editor = event.sender or event.author
    if is_bot(editor):
        return TickReply(TickStep.IGNORED, f"{editor.login} is a bot; only people tick plans")
    refusal = _refusal(editor, wiring.forge)
    if refusal is not None:
        return _revert(event, plan, wiring, refusal, note=False)
    outcome = review(plan, event.body)
    if outcome.verdict is ReviewVerdict.EDIT_REFUSED:
        return _revert(event, plan, wiring, f"{editor.login}: {outcome.notes[0]}", note=True)
    if _only_work_changed(event):
        return _answers(event, plan, editor, wiring)
    return _verdict(plan, outcome, editor, wiring)


def _plan_commented(event: IssueCommentCreated, store: CheckpointStore) -> tuple[Plan | None, str]:
    """The issue's current plan when the edited comment is kairos's comment of it."""
    if event.action != "edited":
        return None, f"the comment was {event.action}: only edits are ticks"
    fingerprint = next(
        (fp for fp in fingerprints(event.previous_body or event.body) if fp.startswith("plan.")),
        None,
    )
    if fingerprint is None or not is_bot(event.author):
        return None, "not kairos's plan comment"
    plan = current_plan(store, plan_id(event.issue_number))
    if plan is None:
        return None, f"no plan is kept for #{event.issue_number}"
    if fingerprint != plan_comment_fingerprint(event.issue_number, plan.version):
        return None, f"the comment is not the current plan's (version {plan.version})"
    return plan, ""


def _only_work_changed(event: IssueCommentCreated) -> bool:
    """The edit changed the work's part and left the reviewed plan as it was. (A
    redelivered edit changed nothing: it is read as the ticks it holds, as before.)"""
    if event.previous_body is None or _plain(event.previous_body) == _plain(event.body):
        return False
    before, after = (_plain(reviewed_part(b)) for b in (event.previous_body, event.body))
    return before == after


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def _answers(event: IssueCommentCreated, plan: Plan, editor: User, wiring: TickWiring) -> TickReply:
    """The options ticked for the work's questions, each kept as a file for the board."""
    ticked, notes = read_answers(plan.plan_hash, event.body)
    if not ticked:
        return TickReply(
            TickStep.PENDING, "; ".join(notes) or "no question's option is ticked", plan
        )
    at = to_iso(wiring.clock())
    for point, key in sorted(ticked.items()):
        given = TickedAnswer(point, key, editor.login, at)
        wiring.store.save_artefact(plan.plan_id, given.file_name(), given.dumps())
    chosen = ", ".join(f"{point}={key}" for point, key in sorted(ticked.items()))
    why = f"{editor.login} answered {chosen} on plan {plan.hash8}"
    wiring.log(why)
    return TickReply(TickStep.ANSWERED, "; ".join((why, *notes)), plan)


def _refusal(editor: User, forge: PlanForge) -> str | None:
    try:
        permission = forge.get_permission(editor.login)
    except ForgeError as err:
        return f"the permission of {editor.login} is unknown ({err})"
    if not permission.can_write:
        return f"{editor.login} has {permission} permission; ticking needs write"
    return None


def _revert(
    event: IssueCommentCreated, plan: Plan, wiring: TickWiring, why: str, *, note: bool
) -> TickReply:
    """Put back the last good body: the ticks before this edit, else the canonical one."""
    previous = event.previous_body
    good = previous if previous is not None and read_ticks(plan, previous) else None
    body = good if good is not None else render_plan_comment(plan)
    fingerprint = plan_comment_fingerprint(event.issue_number, plan.version)
    try:
        wiring.forge.ensure_comment(CommentSpec(event.issue_number, fingerprint, body))
        if note:
            text = (
                f"An edit to plan `{plan.hash8}` changed more than its checkboxes, so the "
                "comment was restored. Only tick or untick boxes there; to change the plan, "
                "ask for a new one with `/kairos plan GOAL`."
            )
            spec = CommentSpec(event.issue_number, f"plan-note.{event.issue_number}", text)
            wiring.forge.ensure_comment(spec)
    except ForgeError as err:
        wiring.log(f"plan {plan.hash8}: the comment could not be restored ({err})")
        return TickReply(TickStep.FAILED, f"{why}; the comment could not be restored ({err})")
    wiring.log(f"plan {plan.hash8}: edit reverted ({why})")
    return TickReply(TickStep.REVERTED, why, plan)


def _verdict(plan: Plan, outcome: ReviewOutcome, editor: User, wiring: TickWiring) -> TickReply:
    if outcome.verdict is ReviewVerdict.CHANGES_REQUESTED:
        wiring.log(f"plan {plan.hash8}: {editor.login} requested changes")
        return TickReply(TickStep.CHANGES_REQUESTED, f"{editor.login} requested changes", plan)
    approval = outcome.approval(plan, editor.login, to_iso(wiring.clock()))
    if approval is None:
        why = "; ".join(outcome.notes) or "not approved yet"
        return TickReply(TickStep.PENDING, why, plan)
    approved = with_approval(plan, approval)
    keep_current(wiring.store, approved)
    choices = ", ".join(f"{dp}={opt}" for dp, opt in sorted(approval.choices.items()))
    why = f"{editor.login} approved plan {plan.hash8}" + (f" ({choices})" if choices else "")
    wiring.log(why)
    fresh = freshness(approved, wiring.git)
    if fresh.stale:
        return _stale(approved, fresh, why, wiring)
    return TickReply(TickStep.APPROVED, why, approved)


def _stale(plan: Plan, fresh: Freshness, approved: str, wiring: TickWiring) -> TickReply:
    """The approval is kept (it is the maintainer's), and they learn now, not when work
    starts, that nothing will execute this version: the default branch moved under it."""
    why = f"{approved}, but it is stale: {fresh.why()}"
    text = (
        f"Plan `{plan.hash8}` is approved but **stale**: {plain(fresh.why())}. Nothing "
        "runs from a stale plan; ask for a fresh version with `/kairos plan revise <text>`."
    )
    try:
        wiring.forge.ensure_comment(CommentSpec(plan.issue, f"plan-note.{plan.issue}", text))
    except ForgeError as err:
        wiring.log(f"plan {plan.hash8}: the stale note could not be posted ({err})")
    wiring.log(why)
    return TickReply(TickStep.STALE, why, plan)
