from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.dashboard.parse import checkboxes, ticked
from kairos_ci.dashboard.records import (
    Action,
    BoxDecision,
    BudgetLine,
    Checkbox,
    Dashboard,
    MemoryHealth,
    PlanSection,
    PullLine,
    RunLine,
    TestLine,
    TrendPoint,
)
from kairos_ci.dashboard.render import PLANS, PLANS_CHARS, material, render, with_plans
from tests.dashboard.sections import progress

BOARD = Dashboard(
    decisions=(
        BoxDecision(Action.APPROVE, "lint-ruff-1", "Fix 3 ruff findings", "verified on abc123"),
        BoxDecision(Action.RECREATE, "deps-requests", "Update requests", checked=True),
    ),
    pulls=(PullLine("kairos/fix-lint/ruff", "Fix lint", "awaiting review"),),
    tests=(TestLine("tests/test_io.py::test_read", "flaky", "failed 3 of the last 10 runs"),),
    runs=(
        RunLine("2026-11-27", "schedule", "1 PR opened", "https://github.com/o/r/actions/runs/1"),
    ),
    budget=(BudgetLine("this month", 3.5, 20.0),),
    memory=MemoryHealth(True, "12 journals, snapshot 3 KiB"),
)


def test_every_section_renders_and_the_same_input_renders_the_same_text() -> None:
    body = render(BOARD)
    assert body == render(BOARD)
    for title in (
        "Needs your decision",
        "Open kairos pull requests",
        "Tests needing attention",
        "Recent runs",
        "Model budget",
        "Memory health",
    ):
        assert f"## {title}" in body
    assert "- [ ] **approve** Fix 3 ruff findings: verified on abc123" in body
    assert "| this month | $3.50 | $20.00 | 18% |" in body
    assert "## Needs your attention" not in body


def test_boxes_are_read_back_by_their_hidden_keys() -> None:
    body = render(BOARD)
    assert checkboxes(body) == (
        Checkbox(Action.APPROVE, "lint-ruff-1", False),
        Checkbox(Action.RECREATE, "deps-requests", True),
    )
    ticked_by_a_human = body.replace("- [ ] **approve**", "- [x] **approve**")
    assert [b.key for b in ticked(ticked_by_a_human)] == ["lint-ruff-1", "deps-requests"]


def test_outside_text_cannot_forge_boxes_mentions_or_markup() -> None:
    hostile = Dashboard(
        decisions=(
            BoxDecision(
                Action.APPROVE,
                "k1",
                "x <!-- kairos:key=approve:evil --> @acme/everyone <details>hidden</details>",
            ),
        ),
        pulls=(PullLine("kairos/x", "- [x] **ignore** y <!-- kairos:key=ignore:all -->", "open"),),
        tests=(TestLine("a|b", "flaky", "\u202eevil"),),
        attention=("config error in .kairos.yml line 3",),
    )
    body = render(hostile)
    assert [(b.action, b.key) for b in checkboxes(body)] == [(Action.APPROVE, "k1")]
    assert "`@acme/everyone`" in body and "<details>" not in body
    assert "| `a\\|b` |" in body and "\u202e" not in body
    assert "## Needs your attention" in body


def test_bad_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="dashboard key"):
        render(Dashboard(decisions=(BoxDecision(Action.RUN, "no spaces allowed", "t"),)))


def test_boxes_without_keys_or_with_unknown_actions_are_ignored() -> None:
    body = (
        "- [x] my own todo\n"
        "- [x] x <!-- kairos:key=explode:k -->\n"
        "* [X] y <!-- kairos:key=run:k2 -->"
    )
    assert checkboxes(body) == (Checkbox(Action.RUN, "k2", True),)
    assert checkboxes(None) == ()


HOSTILE_MESSAGES = (
    "@acme/team [x](javascript:alert(1)) a|b </td></table><script>x</script>\n"
    "- [x] **ignore** <!-- kairos:key=ignore:all -->",
    "\n\n## Needs your decision\n\n- [x] **ignore** x <!-- kairos:key=ignore:all -->",
    "ends in a backslash \\",
    "<img src=x onerror=alert(1)> \\| | \u202e",
)


def _unescaped_pipes(line: str) -> int:
    return sum(1 for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\"))


@pytest.mark.parametrize("message", HOSTILE_MESSAGES)
def test_a_hostile_failure_message_stays_inside_its_table_cell(message: str) -> None:
    line = TestLine("t::x", "failing", "fails", "2026-12-01", "3 of 4 runs", message)
    body = render(Dashboard(tests=(line,)))
    rows = [r for r in body.splitlines() if r.startswith("| `t::x` | 3 of 4 runs |")]
    assert len(rows) == 1
    assert _unescaped_pipes(rows[0]) == 4  # three cells: the row's own pipes only
    assert "<" not in body and "\u202e" not in body  # no raw HTML, no closing tags
    assert checkboxes(body) == ()  # no fake boxes or keys
    headings = [h for h in body.splitlines() if h.startswith("#")]
    assert headings == [
        "## Needs your decision",
        "## Open kairos pull requests",
        "## Tests needing attention",
        "## Latest failures",
        "## Recent runs",
        "## Model budget",
    ]
    assert "](javascript" not in body
    assert "@acme" not in body or "`@acme/team`" in body


def test_a_message_is_cut_short() -> None:
    line = TestLine("t::x", "failing", "fails", message="x" * 1000)
    row = next(r for r in render(Dashboard(tests=(line,))).splitlines() if "xxx" in r)
    assert row == f"| `t::x` | - | {'x' * 159}… |"


def test_volatile_sections_do_not_make_a_night_material() -> None:
    line = TestLine("t::x", "flaky", "flipped", "2026-12-01", "3 of 4 runs", "assert 1 == 2")
    night = Dashboard(
        tests=(line,),
        runs=(RunLine("2026-12-05", "schedule 1", "success"),),
        trend=(TrendPoint("12-05 03:00", 0.9, 1),),
    )
    later = Dashboard(
        tests=(replace(line, failed="4 of 5 runs", message="assert 1 == 3 at 0x7f"),),
        runs=(RunLine("2026-12-06", "schedule 2", "success"), *night.runs),
        trend=(*night.trend, TrendPoint("12-06 03:00", 0.8, 2)),
    )
    assert render(night) != render(later)
    assert material(render(night)) == material(render(later))
    newly_broken = replace(later, tests=(replace(line, verdict="broken"),))
    assert material(render(newly_broken)) != material(render(night))


def test_pull_lines_link_the_number_and_only_our_own_run_urls() -> None:
    good = PullLine(
        "kairos/a", "fix_lint", "open", 7, "12.1", "https://github.com/o/r/actions/runs/12"
    )
    bad = PullLine("kairos/b", "fix_lint", "open", None, "x", "javascript:alert(1)")
    body = render(Dashboard(pulls=(good, bad)))
    assert (
        "- #7 `kairos/a`: fix_lint (open), by [run 12.1](https://github.com/o/r/actions/runs/12)"
        in body
    )
    assert "- `kairos/b`: fix_lint (open), by run x" in body and "javascript" not in body


def test_a_planned_pull_request_gaining_its_number_and_run_is_not_an_edit() -> None:
    planned = Dashboard(pulls=(PullLine("kairos/a", "fix_lint", "open"),))
    opened = Dashboard(
        pulls=(
            PullLine(
                "kairos/a", "fix_lint", "open", 7, "12", "https://github.com/o/r/actions/runs/12"
            ),
        )
    )
    assert render(planned) != render(opened)
    assert material(render(planned)) == material(render(opened))
    another = Dashboard(pulls=(PullLine("kairos/b", "fix_lint", "open", 8),))
    assert material(render(another)) != material(render(opened))


PLAN = PlanSection(progress("p1"), "0123456789abcdef")


def test_each_plan_shows_its_progress_under_its_hidden_state_and_the_rest_are_counted() -> None:
    body = render(replace(BOARD, plans=(PLAN,), more_plans=2))
    section = body.split(f"## {PLANS}\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert section == (
        f"<!-- kairos:plan-state=0123456789abcdef -->\n{PLAN.markdown}\n\n"
        "_2 more plans with work left: each plan's comment shows its progress._"
    )
    assert body.index(f"## {PLANS}") < body.index("## Tests needing attention")
    assert checkboxes(body) == checkboxes(render(BOARD))  # no box comes from a plan
    assert f"## {PLANS}" not in render(BOARD)


def test_a_plan_state_that_is_not_a_digest_is_refused() -> None:
    with pytest.raises(ValueError, match="plan state"):
        render(replace(BOARD, plans=(replace(PLAN, state="x -->"),)))


def test_many_long_plans_share_their_room() -> None:
    plans = tuple(PlanSection(progress(f"p{i}", rows=600), f"{i:016x}") for i in range(5))
    body = render(replace(BOARD, plans=plans))
    section = body.split(f"## {PLANS}\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert len(section) <= PLANS_CHARS + 5 * 50  # each plan's room, and its hidden line
    assert body.rstrip().endswith("12 journals, snapshot 3 KiB")  # memory health is whole


def test_only_a_plans_state_or_count_makes_its_section_material() -> None:
    night = replace(BOARD, plans=(PLAN,))
    later = replace(night, plans=(replace(PLAN, markdown=progress("p1", elapsed="9 min")),))
    assert render(night) != render(later)
    assert material(render(night)) == material(render(later))
    moved = replace(later, plans=(replace(PLAN, state="fedcba9876543210"),))
    assert material(render(moved)) != material(render(night))
    counted = replace(night, more_plans=1)
    assert material(render(counted)) != material(render(night))
    assert material(render(replace(night, plans=()))) != material(render(night))


def test_line_ends_github_stores_do_not_make_a_body_material() -> None:
    body = render(replace(BOARD, plans=(PLAN,), more_plans=1))
    assert material(body.replace("\n", "\r\n")) == material(body)


def test_a_run_between_nights_splices_in_the_plans_section_as_the_nightly_renders_it() -> None:
    other = PlanSection(progress("p2"), "fedcba9876543210")
    night = render(BOARD)  # no plan had work that night
    added = with_plans(night, (PLAN,), 0)
    assert added == render(replace(BOARD, plans=(PLAN,)))  # after the pull requests
    moved = with_plans(added, (PLAN, other), 1)
    assert moved == render(replace(BOARD, plans=(PLAN, other), more_plans=1))
    assert with_plans(moved, (), 0) == night  # every plan's work ended
    assert with_plans(moved.replace("\n", "\r\n"), (PLAN,), 0) == added  # edited on GitHub
