"""The dashboard as a write: rendered from this run's view, written only when it changed."""

from __future__ import annotations

from kairos_ci.bundle.intents import EditDashboard
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.dashboard.records import Dashboard
from kairos_ci.dashboard.render import material, render, with_plans
from kairos_ci.forge.markers import strip_markers
from kairos_ci.forge.records import DashboardSpec, Issue
from kairos_ci.policy import autonomy
from kairos_ci.policy.records import RuleOutcome, Situation
from kairos_ci.stages.board_plans import Plans

TITLE = "kairos-ci dashboard"


def dashboard_write(
    view: Dashboard, config: Config, situation: Situation, existing: Issue | None
) -> list[Write]:
    decision = autonomy.decide(TaskKind.REPORT_FLAKY, config.autonomy, RuleOutcome(), situation)
    if not config.dashboard.enabled or decision.level < Level.SUGGEST:
        return []
    body = render(view)
    # Only what matters is compared: a night that changed nothing edits nothing.
    if existing is not None and material(strip_markers(existing.body)) == material(body):
        return []
    intent = EditDashboard(config.dashboard.label, TITLE, body)
    return [Write("dashboard", decision.level, decision.why(), intent, TaskKind.REPORT_FLAKY)]


def plans_refresh(
    existing: Issue | None, plans: Plans, config: Config, situation: Situation
) -> DashboardSpec | None:
    """The dashboard with its plans section as the boards now show it, for a run that
    moved boards between nights; None when there is no dashboard yet (the nightly makes
    it), it is turned off or not allowed, or no board moved (``material``)."""
    decision = autonomy.decide(TaskKind.REPORT_FLAKY, config.autonomy, RuleOutcome(), situation)
    if existing is None or not config.dashboard.enabled or decision.level < Level.SUGGEST:
        return None
    before = strip_markers(existing.body)
    after = with_plans(before, plans.sections, plans.more)
    if material(after) == material(before):
        return None
    return DashboardSpec(TITLE, after, config.dashboard.label)
