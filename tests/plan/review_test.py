from __future__ import annotations

from dataclasses import replace

from kairos_ci.forge.markers import with_marker
from kairos_ci.plan.codec import seal
from kairos_ci.plan.comment import render_plan_comment, reviewed_part, with_work
from kairos_ci.plan.records import DecisionOption, DecisionPoint, Plan
from kairos_ci.plan.review import (
    ReviewVerdict,
    current_approvals,
    read_ticks,
    review,
    with_ticks,
)
from tests.plan.sample import sample_plan

AT = "2026-11-27T04:00:00Z"


def tick(body: str, *keys: str) -> str:
    """Tick the boxes whose hidden key ends with each of ``keys``, as GitHub's UI does."""
    lines = body.split("\n")
    for key in keys:
        index = next(i for i, line in enumerate(lines) if line.endswith(f":{key} -->"))
        lines[index] = lines[index].replace("- [ ]", "- [x]", 1)
    return "\n".join(lines)


def with_optional_point() -> Plan:
    point = DecisionPoint(
        "D2",
        "Port the logger?",
        (DecisionOption("y", "Yes", "More work."), DecisionOption("n", "No", "Keep it.")),
        "n",
        ("S4",),
        required=False,
    )
    return sample_plan(decision_points=(*sample_plan().decision_points, point))


def test_one_option_per_decision_and_approve_is_an_approval_bound_to_the_hash() -> None:
    plan = sample_plan()
    body = tick(render_plan_comment(plan), "dp=D1:opt=b", "approve")
    outcome = review(plan, body)
    assert outcome.verdict is ReviewVerdict.APPROVED
    assert outcome.choices == {"D1": "b"}
    approval = outcome.approval(plan, "octocat", AT)
    assert approval is not None and approval.plan_hash == plan.plan_hash
    assert approval.choices == {"D1": "b"}


def test_approve_without_a_required_choice_waits_with_a_note() -> None:
    plan = sample_plan()
    outcome = review(plan, tick(render_plan_comment(plan), "approve"))
    assert outcome.verdict is ReviewVerdict.PENDING
    assert outcome.notes == ("D1: tick one option; this decision is required",)
    assert outcome.approval(plan, "octocat", AT) is None


def test_two_options_of_one_decision_are_not_a_choice() -> None:
    plan = sample_plan()
    body = tick(render_plan_comment(plan), "dp=D1:opt=a", "dp=D1:opt=b", "approve")
    outcome = review(plan, body)
    assert outcome.verdict is ReviewVerdict.PENDING
    assert outcome.notes == ("D1: tick only one option (2 are ticked)",)


def test_an_unticked_optional_decision_takes_its_default() -> None:
    plan = with_optional_point()
    outcome = review(plan, tick(render_plan_comment(plan), "dp=D1:opt=a", "approve"))
    assert outcome.verdict is ReviewVerdict.APPROVED
    assert outcome.choices == {"D1": "a", "D2": "n"}


def test_ticks_without_approve_are_pending_and_request_changes_wins_alone() -> None:
    plan = sample_plan()
    body = render_plan_comment(plan)
    assert review(plan, tick(body, "dp=D1:opt=a")).verdict is ReviewVerdict.PENDING
    assert review(plan, tick(body, "changes")).verdict is ReviewVerdict.CHANGES_REQUESTED
    both = review(plan, tick(body, "dp=D1:opt=a", "approve", "changes"))
    assert both.verdict is ReviewVerdict.PENDING and "both" in both.notes[0]


def test_any_edit_beyond_the_boxes_is_refused() -> None:
    plan = sample_plan()
    body = render_plan_comment(plan)
    edited = tick(body, "dp=D1:opt=a", "approve").replace("Faster, keeps", "Slower, drops")
    outcome = review(plan, edited)
    assert outcome.verdict is ReviewVerdict.EDIT_REFUSED
    assert outcome.notes == (
        "the comment was edited beyond its checkboxes; it is restored from the plan",
    )
    approve_line = next(line for line in body.split("\n") if line.endswith(":approve -->"))
    assert read_ticks(plan, body + "\n" + approve_line.replace("[ ]", "[x]")) is None
    assert read_ticks(plan, body.replace("- [ ] b:", "- [ ]  b:")) is None


def test_line_ends_and_a_dropped_final_newline_are_not_edits() -> None:
    plan = sample_plan()
    body = tick(render_plan_comment(plan), "dp=D1:opt=a", "approve")
    outcome = review(plan, body.replace("\n", "\r\n").rstrip())
    assert outcome.verdict is ReviewVerdict.APPROVED


def test_the_forge_s_marker_line_is_not_an_edit_but_a_second_one_is() -> None:
    plan = sample_plan()
    posted = with_marker(render_plan_comment(plan), "plan.shop-7.v1", "comment")
    ticked = tick(posted, "dp=D1:opt=a", "approve")
    assert review(plan, ticked).verdict is ReviewVerdict.APPROVED
    forged = ticked + "\n<!-- kairos:fp=dashboard kind=comment v=1 -->"
    assert review(plan, forged).verdict is ReviewVerdict.EDIT_REFUSED


def test_a_revision_leaves_earlier_ticks_and_approvals_behind() -> None:
    first = sample_plan()
    ticked = tick(render_plan_comment(first), "dp=D1:opt=a", "approve")
    approval = review(first, ticked).approval(first, "octocat", AT)
    assert approval is not None
    second = seal(replace(first, version=2, approvals=(approval,)))
    assert second.plan_hash != first.plan_hash
    assert review(second, ticked).verdict is ReviewVerdict.EDIT_REFUSED
    assert current_approvals(second) == ()
    assert current_approvals(replace(first, approvals=(approval,))) == (approval,)


def test_the_approved_comment_is_rebuilt_with_its_approver_s_ticks() -> None:
    plan = sample_plan()
    approved = review(plan, tick(render_plan_comment(plan), "dp=D1:opt=b", "approve"))
    approval = approved.approval(plan, "maria", "2026-11-27T05:00:00Z")
    assert approval is not None
    rebuilt = with_ticks(plan, approval)
    assert rebuilt == tick(render_plan_comment(plan), "dp=D1:opt=b", "approve")
    assert review(plan, rebuilt).verdict is ReviewVerdict.APPROVED


def test_the_work_s_progress_below_the_plan_is_not_reviewed() -> None:
    plan = sample_plan()
    ticked = tick(render_plan_comment(plan), "dp=D1:opt=b", "approve")
    work = "### Progress\n\n- [x] a: keep <!-- kairos:board=00000000:dp=D9:opt=a -->\n" * 4000
    body = with_marker(with_work(ticked, work), "plan.issue-7.v1", "comment")
    assert reviewed_part(body).rstrip() == ticked.rstrip()
    outcome = review(plan, body)  # long, and with boxes of its own: the plan alone counts
    assert outcome.verdict is ReviewVerdict.APPROVED and outcome.choices == {"D1": "b"}
    reworded = with_work(ticked.replace("Approve plan", "Approve this plan"), work)
    assert review(plan, reworded).verdict is ReviewVerdict.EDIT_REFUSED
