"""The dashboard as a write: rendered from this run's view, written only when it changed."""

from __future__ import annotations

from kairos_ci.bundle.intents import EditDashboard
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.dashboard.records import Dashboard
from kairos_ci.dashboard.render import material, render
from kairos_ci.forge.markers import strip_markers
from kairos_ci.forge.records import Issue
from kairos_ci.policy import autonomy
from kairos_ci.policy.records import RuleOutcome, Situation

TITLE = "kairos-ci dashboard"


def dashboard_write(
    view: Dashboard, config: Config, situation: Situation, existing: Issue | None
) -> list[Write]:
    if not config.dashboard.enabled:
        return []
    decision = autonomy.decide(TaskKind.REPORT_FLAKY, config.autonomy, RuleOutcome(), situation)
    if decision.level < Level.SUGGEST:
        return []
    body = render(view)
    # Only what matters is compared: a night that changed nothing edits nothing.
    if existing is not None and material(strip_markers(existing.body)) == material(body):
        return []
    intent = EditDashboard(config.dashboard.label, TITLE, body)
    return [Write("dashboard", decision.level, decision.why(), intent, TaskKind.REPORT_FLAKY)]
