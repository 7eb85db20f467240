"""`/kairos plan GOAL` counts only as the comment's first, plainly written command."""

from __future__ import annotations

import pytest

from kairos_ci.tasks.chat.plan_command import PlanCommand, plan_command


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("/kairos plan migrate to Fastify", PlanCommand("migrate to Fastify", revise=False)),
        ("/kairos PLAN  migrate\nkeeping the API", PlanCommand("migrate\nkeeping the API", False)),
        ("Please:\n\n/kairos plan\nmove the DB layer", PlanCommand("move the DB layer", False)),
        ("/kairos plan", PlanCommand("", revise=False)),
        ("/kairos plan revise keep express", PlanCommand("keep express", revise=True)),
        ("```\n/kairos review\n```\n/kairos plan x", PlanCommand("x", revise=False)),
    ],
)
def test_a_plain_plan_command_and_its_goal(body: str, found: PlanCommand) -> None:
    assert plan_command(body) == found


@pytest.mark.parametrize(
    "body",
    [
        "plan",
        "ultraplan: migrate everything",
        "please /kairos plan migrate",
        "> /kairos plan migrate",
        "`/kairos plan migrate`",
        "    /kairos plan migrate",
        "/kairos planner migrate",
        "/kairos review\n\n/kairos plan migrate",  # the first command is the request
        "/kairos pl\u200ban migrate",  # reads as a command only once the hidden text goes
    ],
)
def test_no_plan_command(body: str) -> None:
    assert plan_command(body) is None
