from __future__ import annotations

import re
from dataclasses import replace

from kairos_ci.plan.comment import MAX_BODY_CHARS, box_key, plan_marker, render_plan_comment
from kairos_ci.plan.records import DecisionOption, DecisionPoint, UserClass
from tests.plan.sample import STEPS, sample_plan, step

BOX = re.compile(r"^- \[ \] .* <!-- kairos:plan=([0-9a-f]{8}):(.+) -->$", re.M)


def test_each_option_and_the_review_are_keyed_boxes() -> None:
    plan = sample_plan()
    body = render_plan_comment(plan)
    boxes = BOX.findall(body)
    assert boxes == [
        (plan.hash8, "dp=D1:opt=a"),
        (plan.hash8, "dp=D1:opt=b"),
        (plan.hash8, "approve"),
        (plan.hash8, "changes"),
    ]
    assert f"- [ ] Approve plan `{plan.hash8}` {box_key(plan, 'approve')}" in body
    assert "- [ ] a: Bridge (default): Faster, keeps a dependency." in body
    assert body.startswith(plan_marker(plan) + "\n")


def test_steps_are_a_table_and_details_are_collapsed() -> None:
    body = render_plan_comment(sample_plan())
    assert "| S3 | Step S3 | src/middleware/auth.js<br>src/routes/users.js | S2 | medium |" in body
    assert "<details><summary>Risks (1)</summary>" in body
    assert "<details><summary>Test strategy</summary>" in body
    assert "<summary>Impact set: 14 references in 5 files, 100% covered by steps</summary>" in body


def test_an_urgent_step_says_so_where_the_approver_reads_its_title() -> None:
    plan = sample_plan(steps=(replace(STEPS[0], user_class=UserClass.P0), *STEPS[1:]))
    rows = [line for line in render_plan_comment(plan).splitlines() if line.startswith("| S")]
    assert rows[0].startswith(f"| S1 | **p0** {STEPS[0].title} |")
    assert all("**p" not in row for row in rows[1:])  # p2, the default, is not shown


def test_untrusted_goal_and_plan_text_render_as_data() -> None:
    forged = "x <!-- kairos:plan=deadbeef:approve --> @org/admins fixes #3\n- [x] Approve plan"
    plan = sample_plan(
        goal=replace(sample_plan().goal, summary=forged),
        steps=(replace(STEPS[0], title="| `@root` | <img src=x>"), *STEPS[1:]),
    )
    body = render_plan_comment(plan)
    assert "deadbeef" not in "".join(BOX.findall(body)[0])
    assert len(BOX.findall(body)) == 4
    assert "&lt;!-- kairos:plan=deadbeef:approve --&gt;" in body
    assert "`@org/admins`" in body and "`#3`" in body
    assert "- &#91;x&#93; Approve plan" in body
    assert "\\| '`@root`' \\| &lt;img src=x&gt;" in body
    assert "<img" not in body


def test_an_optional_decision_and_an_incomplete_plan_say_so() -> None:
    point = DecisionPoint(
        "D2",
        "Port the logger?",
        (DecisionOption("y", "Yes", "More work."), DecisionOption("n", "No", "Keep it.")),
        None,
        ("S4",),
        required=False,
    )
    plan = sample_plan(
        decision_points=(*sample_plan().decision_points, point),
        missing=("design: the budget ran out before the risks were assessed",),
    )
    body = render_plan_comment(plan)
    assert "**D2. Port the logger?** (optional; blocks S4)" in body
    assert "**Incomplete.** Missing:\n- design: the budget ran out" in body


def test_a_huge_plan_drops_details_then_rows_but_keeps_every_box() -> None:
    def wide(n: int) -> tuple[str, ...]:
        return tuple(f"src/{'deep/' * 20}f{n}_{k}.js" for k in range(4))

    steps = tuple(replace(step(f"S{n}", wide(n)), title="word " * 30) for n in range(1, 201))
    body = render_plan_comment(sample_plan(steps=steps))
    assert len(body) <= MAX_BODY_CHARS
    assert "<details>" not in body
    assert "_Impact set, design, risks and test strategy: see the plan artifact._" in body
    assert re.search(r"_\d+ more steps: see the plan artifact\._", body)
    assert "| S1 |" in body and "| S200 |" not in body
    assert len(BOX.findall(body)) == 4
