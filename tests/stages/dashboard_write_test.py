"""The dashboard write: a night whose only news is volatile (one more run, a new failure
rate or message, one more trend point) edits nothing; a material change edits the issue."""

from __future__ import annotations

from dataclasses import replace

from kairos_ci.bundle.intents import EditDashboard
from kairos_ci.config.load import parse_config
from kairos_ci.dashboard.records import Dashboard, PlanSection, RunLine, TestLine, TrendPoint
from kairos_ci.dashboard.render import render
from kairos_ci.forge.records import Issue
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.board_plans import Plans
from kairos_ci.stages.dashboard_write import dashboard_write, plans_refresh

CONFIG = parse_config(b"version: 1\n", "k.yml")
SCHEDULED = Situation(Trigger.SCHEDULE, None)
FLAKY = TestLine("t::x", "flaky", "flipped", "2026-12-01", "3 of 9 runs", "assert 1 == 2")
NIGHT = Dashboard(
    tests=(FLAKY,),
    runs=(RunLine("2026-12-05T03:00:00Z", "schedule 1", "success"),),
    trend=(TrendPoint("12-05 03:00", 0.9, 1),),
)


def issue(board: Dashboard) -> Issue:
    body = render(board) + "\n<!-- kairos:fp=dashboard kind=dashboard v=1 -->\n"
    return Issue(2, "https://github.com/o/r/issues/2", "kairos-ci dashboard", body, "bot", "open")


def test_a_night_with_only_volatile_news_edits_nothing() -> None:
    later = replace(
        NIGHT,
        tests=(replace(FLAKY, failed="4 of 10 runs", message="assert 1 == 3 at 0x7f"),),
        runs=(RunLine("2026-12-06T03:00:00Z", "schedule 2", "success"), *NIGHT.runs),
        trend=(*NIGHT.trend, TrendPoint("12-06 03:00", 0.8, 2)),
    )
    assert dashboard_write(later, CONFIG, SCHEDULED, issue(NIGHT)) == []


def test_a_material_change_edits_the_issue_with_every_section_up_to_date() -> None:
    later = replace(
        NIGHT,
        tests=(FLAKY, TestLine("t::y", "failing", "fails", "2026-12-06", "1 of 1 runs", "boom")),
        trend=(*NIGHT.trend, TrendPoint("12-06 03:00", 0.8, 2)),
    )
    [write] = dashboard_write(later, CONFIG, SCHEDULED, issue(NIGHT))
    assert isinstance(write.intent, EditDashboard)
    assert "| `t::y` | 1 of 1 runs | boom |" in write.intent.body
    assert '"12-06 03:00"' in write.intent.body


PLAN = PlanSection("**Plan of #7**: 1 of 3 done", "0123456789abcdef")


def test_a_board_that_moved_between_nights_edits_only_the_plans_section() -> None:
    existing = issue(NIGHT)
    spec = plans_refresh(existing, Plans((PLAN,)), CONFIG, SCHEDULED)
    assert spec is not None and spec.body == render(replace(NIGHT, plans=(PLAN,)))
    # The same boards again: nothing material changed, so no edit.
    shown = replace(existing, body=spec.body)
    assert plans_refresh(shown, Plans((PLAN,)), CONFIG, SCHEDULED) is None


def test_no_dashboard_or_one_turned_off_is_left_to_the_nightly() -> None:
    assert plans_refresh(None, Plans((PLAN,)), CONFIG, SCHEDULED) is None
    off = parse_config(b"version: 1\ndashboard:\n  enabled: false\n", "k.yml")
    assert plans_refresh(issue(NIGHT), Plans((PLAN,)), off, SCHEDULED) is None
