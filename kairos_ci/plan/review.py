"""Reading a maintainer's ticks on the plan comment, and what they amount to.

An edit counts only if nothing but box states changed: the canonical body is rebuilt from
the stored plan and both are compared with every box unticked. Anything else (a changed
word, a new line, a forged key) is refused, and the caller reverts the comment. Approval
counts only when every required decision point has exactly one option ticked, no optional
one has more than one, and "Request changes" is not ticked as well.

The body may end with the forge's own marker line (``ensure_comment`` adds one to every
comment it posts); that one line is not part of the plan and is set aside before comparing.

Who ticked is the caller's to check: the sender is re-authorised through the API and bots
are ignored before this module is asked.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kairos_ci.forge.markers import fingerprints, strip_markers
from kairos_ci.plan.comment import APPROVE, CHANGES, render_plan_comment, reviewed_part
from kairos_ci.plan.records import Approval, Plan

MAX_BODY_CHARS = 262_144
_BOX = re.compile(
    r"^(?P<head>- \[)(?P<mark>[ xX])(?P<tail>\] .* <!-- kairos:plan=(?P<hash>[0-9a-f]{8}):"
    r"(?P<what>dp=(?P<dp>D[0-9]{1,3}):opt=(?P<opt>[a-z0-9]{1,8})|approve|changes) -->)$"
)


class ReviewVerdict(enum.StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes requested"
    PENDING = "pending"  # ticks so far do not make an approval; nothing to do yet
    EDIT_REFUSED = "edit refused"  # more than boxes changed: revert the comment


@dataclass(frozen=True)
class Ticks:
    options: Mapping[str, tuple[str, ...]]  # decision point id -> ticked option keys
    approve: bool
    changes: bool


@dataclass(frozen=True)
class ReviewOutcome:
    verdict: ReviewVerdict
    choices: Mapping[str, str]  # decision point id -> chosen option (for an approval)
    notes: tuple[str, ...]  # why it is not an approval yet, or why the edit was refused

    def approval(self, plan: Plan, approver: str, at: str) -> Approval | None:
        """The record to keep in memory, when this outcome is an approval."""
        if self.verdict is not ReviewVerdict.APPROVED:
            return None
        return Approval(approver, at, plan.plan_hash, dict(self.choices))


def current_approvals(plan: Plan) -> tuple[Approval, ...]:
    """Approvals of exactly this content: a revision's new hash leaves earlier ones behind."""
    return tuple(a for a in plan.approvals if a.plan_hash == plan.plan_hash)


def normalised(body: str) -> str:
    """``body`` with every plan box unticked, and line ends and trailing blanks (which
    GitHub's editor may change on save) made plain."""
    lines = _without_forge_marker(body.replace("\r\n", "\n").strip()).split("\n")
    return "\n".join(_BOX.sub(r"\g<head> \g<tail>", line.rstrip()) for line in lines)


def _without_forge_marker(text: str) -> str:
    """``text`` without a last line that is only the forge's marker (one, never more)."""
    head, _, last = text.rpartition("\n")
    if fingerprints(last) and not strip_markers(last).strip():
        return head.rstrip()
    return text


def with_ticks(plan: Plan, approval: Approval) -> str:
    """The plan's comment with the boxes ``approval`` ticked, as its approver left them."""
    ticked = {APPROVE, *(f"dp={dp}:opt={opt}" for dp, opt in approval.choices.items())}
    lines = render_plan_comment(plan).split("\n")
    return "\n".join(_ticked(line, ticked, plan.hash8) for line in lines)


def _ticked(line: str, ticked: set[str], hash8: str) -> str:
    box = _BOX.match(line)
    if box is None or box.group("what") not in ticked or box.group("hash") != hash8:
        return line
    return box.group("head") + "x" + box.group("tail")


def read_ticks(plan: Plan, body: str) -> Ticks | None:
    """The ticks in ``body``'s reviewed part, or None when it differs from the plan's
    comment beyond them."""
    body = reviewed_part(body)
    if len(body) > MAX_BODY_CHARS:
        return None
    if normalised(body) != normalised(render_plan_comment(plan)):
        return None
    options: dict[str, list[str]] = {}
    approve = changes = False
    for line in body.replace("\r\n", "\n").split("\n"):
        match = _BOX.match(line.rstrip())
        if match is None or match.group("mark") == " ":
            continue
        what = match.group("what")
        if what == APPROVE:
            approve = True
        elif what == CHANGES:
            changes = True
        else:
            options.setdefault(match.group("dp"), []).append(match.group("opt"))
    return Ticks({dp: tuple(keys) for dp, keys in options.items()}, approve, changes)


def review(plan: Plan, body: str) -> ReviewOutcome:
    ticks = read_ticks(plan, body)
    if ticks is None:
        note = "the comment was edited beyond its checkboxes; it is restored from the plan"
        return ReviewOutcome(ReviewVerdict.EDIT_REFUSED, {}, (note,))
    if ticks.approve and ticks.changes:
        note = "both Approve and Request changes are ticked; untick one"
        return ReviewOutcome(ReviewVerdict.PENDING, {}, (note,))
    if ticks.changes:
        return ReviewOutcome(ReviewVerdict.CHANGES_REQUESTED, {}, ())
    choices, notes = _choices(plan, ticks)
    if not ticks.approve:
        return ReviewOutcome(ReviewVerdict.PENDING, choices, notes)
    if notes:
        return ReviewOutcome(ReviewVerdict.PENDING, choices, notes)
    return ReviewOutcome(ReviewVerdict.APPROVED, choices, ())


def _choices(plan: Plan, ticks: Ticks) -> tuple[dict[str, str], tuple[str, ...]]:
    choices: dict[str, str] = {}
    notes: list[str] = []
    for point in plan.decision_points:
        ticked = ticks.options.get(point.id, ())
        if len(ticked) == 1:
            choices[point.id] = ticked[0]
        elif len(ticked) > 1:
            notes.append(f"{point.id}: tick only one option ({len(ticked)} are ticked)")
        elif point.required:
            notes.append(f"{point.id}: tick one option; this decision is required")
        elif point.default is not None:
            choices[point.id] = point.default
    return choices, tuple(notes)
