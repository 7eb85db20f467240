"""The optional critic pass: a second model reads a valid draft once; its problems go back
to the planner as a repair round, its calls are charged, and it is off unless configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.redact import Redactor
from kairos_ci.config.load import parse_config
from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.critic import CRITIQUE, Critic, critique
from kairos_ci.plan.job import PlanSettings
from kairos_ci.plan.records import PlanStatus
from tests.plan.fakes import ScriptedLlm, use
from tests.plan.migration_script import DRAFT, design_replies, draft_replies
from tests.plan.phases_test import rig

CRITIC = "claude-critic-5"
PROBLEM = {"step": "S2", "problem": "Its check runs only the unit tests; run the API tests too."}


def test_a_critic_s_problem_becomes_one_more_repair_round(tmp_path: Path) -> None:
    model = ScriptedLlm(
        *design_replies(),
        *draft_replies(),
        use(CRITIQUE, problems=[PROBLEM]),
        *draft_replies(),
        use(CRITIQUE, problems=[]),
    )
    setup = rig(tmp_path, model)
    setup.settings = PlanSettings(model="claude-opus-5-5", critic=CRITIC)
    outcome = setup.run()
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.AWAITING_APPROVAL
    critics = [r for r in model.requests if r.model == CRITIC]
    assert len(critics) == 2 and critics[0].tools[0].name == CRITIQUE
    assert "<untrusted-" in critics[0].turns[0].blocks[0].text  # type: ignore[union-attr]
    repair = model.requests[-2].turns[-1].blocks[0]
    assert f"critic, S2: {PROBLEM['problem']}" in repair.content  # type: ignore[union-attr]
    assert len(outcome.charges) == len(model.requests)  # the critic's calls are charged too


def test_without_a_critic_model_no_second_opinion_is_asked(tmp_path: Path) -> None:
    model = ScriptedLlm(*design_replies(), *draft_replies())
    outcome = rig(tmp_path, model).run()
    assert outcome.plan is not None and all(r.model != CRITIC for r in model.requests)


def test_a_critic_call_that_could_pass_the_cap_is_skipped() -> None:
    model = ScriptedLlm()  # asked anything, the test fails
    critic = Critic(model, CRITIC, {}, PlanBounds(usd=1.0), Redactor.of())
    checked = critique(critic, "the goal", DRAFT, Spend(usd=0.999))
    assert checked.problems == () and checked.charges == () and model.requests == []


@pytest.mark.parametrize("items", [[{"step": "S1", "problem": "  "}], []])
def test_blank_or_no_problems_ask_for_nothing(items: list[dict[str, str]]) -> None:
    critic = Critic(
        ScriptedLlm(use(CRITIQUE, problems=items)), CRITIC, {}, PlanBounds(), Redactor.of()
    )
    checked = critique(critic, "the goal", DRAFT, Spend())
    assert checked.problems == () and len(checked.charges) == 1


def test_the_critic_is_off_unless_the_config_names_a_model() -> None:
    config = parse_config(b"version: 1\n", "kairos.yml")
    assert config.models.critic is None and PlanSettings(model="m").critic is None
    named = parse_config(b"version: 1\nmodels:\n  critic: claude-critic-5\n", "kairos.yml")
    assert named.models.critic == CRITIC
