"""The plan comment a maintainer reviews: summary, step table, collapsed details, decision
checkboxes and the approval boxes.

Every box line ends with a hidden key binding it to this plan's hash and to its option, and
the body is a pure function of the plan: ``review.read_ticks`` rebuilds it to tell a tick
from any other edit. All plan text is rendered as data (``plaintext``). A body that would
pass GitHub's size limit drops the collapsed details first, then rows of the step table.

Once the plan is approved and carried out, the workers add the work's progress below a
fixed line (``with_work``); the review reads only what is above it (``reviewed_part``).
"""

from __future__ import annotations

from collections.abc import Iterable

from kairos_ci.plan.coverage import impact_coverage
from kairos_ci.plan.plaintext import plain, plain_cell
from kairos_ci.plan.records import DecisionPoint, Plan, Step, UserClass

MAX_BODY_CHARS = 60_000  # GitHub refuses comments over 65,536 characters
WORK_MARK = "<!-- kairos:plan-work -->"  # below it: the work's progress, not the plan
APPROVE = "approve"
CHANGES = "changes"


def plan_marker(plan: Plan) -> str:
    """The comment's own hidden key: which plan, which version, which content."""
    return f"<!-- kairos:plan-comment:id={plan.plan_id}:v={plan.version}:hash={plan.plan_hash} -->"


def box_key(plan: Plan, what: str) -> str:
    """``what`` is ``dp=D1:opt=a``, ``approve`` or ``changes``."""
    return f"<!-- kairos:plan={plan.hash8}:{what} -->"


def render_plan_comment(plan: Plan) -> str:
    full = _render(plan, details=True, step_rows=len(plan.steps))
    if len(full) <= MAX_BODY_CHARS:
        return full
    low, high = 0, len(plan.steps)  # the most step rows that fit, without the details
    while low < high:
        middle = (low + high + 1) // 2
        if len(_render(plan, details=False, step_rows=middle)) <= MAX_BODY_CHARS:
            low = middle
        else:
            high = middle - 1
    body = _render(plan, details=False, step_rows=low)
    if len(body) > MAX_BODY_CHARS:
        raise ValueError(f"plan {plan.hash8}: decisions alone exceed a comment's size")
    return body


def with_work(reviewed: str, work: str) -> str:
    """The plan comment with the work's progress below the reviewed plan."""
    return f"{reviewed.rstrip()}\n\n{WORK_MARK}\n\n---\n\n{work}"


def reviewed_part(body: str) -> str:
    """What a maintainer reviews and ticks: the body above the work's progress."""
    return body.split(WORK_MARK, 1)[0]


def _render(plan: Plan, *, details: bool, step_rows: int) -> str:
    parts = [
        plan_marker(plan),
        _heading(plan),
        _goal(plan),
        _steps(plan.steps, step_rows),
    ]
    if details:
        parts.extend(_details(plan))
    else:
        parts.append("_Impact set, design, risks and test strategy: see the plan artifact._")
    parts.extend([_decisions(plan), _review(plan)])
    return "\n\n".join(part for part in parts if part) + "\n"


def _heading(plan: Plan) -> str:
    estimates = plan.estimates
    bound = estimates.makespan_lower_bound
    parallel = f", at least {_minutes(bound[4])} with 4 agents" if 4 in bound else ""
    lines = [
        f"## kairos plan `{plan.hash8}` (version {plan.version})",
        "",
        f"Status: **{plan.status.value.replace('_', ' ')}** · {len(plan.steps)} steps · "
        f"{_minutes(estimates.total_work_minutes)} of work · critical path "
        f"{_minutes(estimates.critical_path_minutes)}{parallel}",
    ]
    if plan.missing:
        lines += ["", "**Incomplete.** Missing:", *(f"- {plain(m)}" for m in plan.missing)]
    return "\n".join(lines)


def _goal(plan: Plan) -> str:
    goal = plan.goal
    lines = [f"**Goal** ({goal.kind.value}): {plain(goal.summary, 2000)}", "", "**Acceptance**"]
    lines += [f"- {c.id}: {plain(c.text, 500)}" for c in goal.acceptance_criteria]
    if goal.non_goals:
        lines += ["", "**Non-goals**", *(f"- {plain(n, 300)}" for n in goal.non_goals)]
    return "\n".join(lines)


def _steps(steps: tuple[Step, ...], rows: int) -> str:
    lines = [
        "### Steps",
        "",
        "| step | title | files | after | risk | p50 / p90 | tier |",
        "|---|---|---|---|---|---|---|",
    ]
    for step in steps[:rows]:
        after = ", ".join(step.depends_on) or "-"
        estimate = step.estimate
        urgent = "" if step.user_class is UserClass.P2 else f"**{step.user_class.value}** "
        lines.append(
            f"| {step.id} | {urgent}{plain_cell(step.title, 120)} | {_files(step)} | {after} | "
            f"{step.risk.value} | {_minutes(estimate.p50_minutes)} / "
            f"{_minutes(estimate.p90_minutes)} | {estimate.tier.value} |"
        )
    if rows < len(steps):
        lines.append(f"\n_{len(steps) - rows} more steps: see the plan artifact._")
    return "\n".join(lines)


def _files(step: Step) -> str:
    changes = step.files
    marked = [
        *(("", p) for p in changes.modify),
        *(("+", p) for p in changes.create),
        *(("-", p) for p in changes.delete),
    ]
    shown = [f"{sign}{plain_cell(path, 120)}" for sign, path in marked[:4]]
    if len(marked) > 4:
        shown.append(f"and {len(marked) - 4} more")
    return "<br>".join(shown) or "-"


def _details(plan: Plan) -> list[str]:
    coverage = impact_coverage(plan)
    impact = [
        f"| {plain_cell(e.path, 150)} | {plain_cell(e.reason, 150)} | {e.references} | {e.hops} |"
        for e in plan.context.impact_set
    ]
    design = [
        f"- {c.id}: {plain(c.choice, 500)} (why: {plain(c.rationale, 800)})"
        for c in plan.design_choices
    ]
    risks = [
        f"- {r.id} (likelihood {r.likelihood.value}, impact {r.impact.value}): "
        f"{plain(r.description, 500)} Mitigation: {plain(r.mitigation, 500)}"
        for r in plan.risks
    ]
    strategy = plan.test_strategy
    tests = [
        f"- Baseline: {plain(strategy.baseline, 500)}",
        f"- Each step: {plain(strategy.per_step, 500)}",
        f"- Final gate: {plain(strategy.final_gate, 500)}",
        f"- Guard: {plain(strategy.guard, 500)}",
        *(f"- New test: {plain(t, 300)}" for t in strategy.new_tests),
    ]
    table = ["| file | reason | references | hops |", "|---|---|---|---|", *impact]
    return [
        _collapsed(
            f"Impact set: {coverage.references} references in {len(impact)} files, "
            f"{coverage.share:.0%} covered by steps",
            table if impact else ["_Empty._"],
        ),
        _collapsed(f"Design choices ({len(design)})", design or ["_None._"]),
        _collapsed(f"Risks ({len(risks)})", risks or ["_None recorded._"]),
        _collapsed("Test strategy", tests),
    ]


def _collapsed(summary: str, lines: Iterable[str]) -> str:
    body = "\n".join(lines)
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"


def _decisions(plan: Plan) -> str:
    if not plan.decision_points:
        return ""
    blocks = ["### Decisions", "Tick exactly one option for each required decision."]
    blocks.extend(_decision(plan, point) for point in plan.decision_points)
    return "\n\n".join(blocks)


def _decision(plan: Plan, point: DecisionPoint) -> str:
    need = "required" if point.required else "optional"
    blocks = ", ".join(point.blocks_steps) or "-"
    lines = [f"**{point.id}. {plain(point.question, 500)}** ({need}; blocks {blocks})"]
    for option in point.options:
        default = " (default)" if option.key == point.default else ""
        lines.append(
            f"- [ ] {option.key}: {plain(option.label, 120)}{default}: "
            f"{plain(option.consequence, 200)} {box_key(plan, f'dp={point.id}:opt={option.key}')}"
        )
    return "\n".join(lines)


def _review(plan: Plan) -> str:
    return "\n".join(
        [
            "### Review",
            "",
            f"- [ ] Approve plan `{plan.hash8}` {box_key(plan, APPROVE)}",
            f"- [ ] Request changes {box_key(plan, CHANGES)}",
            "",
            "_Only ticks are read. Any other edit of this comment is reverted; "
            "ask for changes with `/kairos plan revise <text>`._",
        ]
    )


def _minutes(value: float) -> str:
    shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{shown} min"
