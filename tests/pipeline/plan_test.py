"""``/kairos plan`` on an issue: who may start it, the one tracking comment, the plan
comment, and a rerun after a kill, over a recording forge and the Express fixture app."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from kairos_ci.errors import ForgeError, RateLimited
from kairos_ci.events.records import User
from kairos_ci.forge.records import Change, CommentSpec, Ensured
from kairos_ci.pipeline.plan import PlanAsk, PlanStep, PlanWiring, plan_issue
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import current_plan, keep_current, with_approval
from kairos_ci.plan.job import PlanSettings
from kairos_ci.plan.records import Approval, Baseline, Phase, PlanStatus
from kairos_ci.plan.review import ReviewVerdict, current_approvals, review
from kairos_ci.policy.records import Permission
from tests.plan.express_app import GOAL, build_express_app, snapshot
from tests.plan.fakes import (
    Killed,
    KilledAfter,
    RecordingBaseline,
    ScriptedLlm,
    TickingClock,
)
from tests.plan.migration_script import design_replies, draft_replies
from tests.sandbox.github.world import client, forge_for, make_world
from tests.tasks.chat.people import TOKENS, sandbox_for

PERMISSIONS = {"maria": Permission.ADMIN, "tom": Permission.WRITE, "eve": Permission.READ}
MARIA = User("maria", is_bot=False)
TRACKING = "plan-progress.7"
PLAN = "plan.issue-7.v1"


@dataclass
class RecordingForge:
    """Comments by fingerprint, as ``ensure_comment`` leaves them, and every write made."""

    comments: dict[str, str] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    failing: bool = False

    def get_permission(self, login: str) -> Permission:
        self.asked.append(login)
        if login not in PERMISSIONS:
            raise ForgeError(f"no such user: {login}")
        return PERMISSIONS[login]

    def ensure_comment(self, spec: CommentSpec) -> Ensured:
        if self.failing:
            raise RateLimited("secondary rate limit")
        if self.comments.get(spec.fingerprint) == spec.body:
            return Ensured(Change.UNCHANGED)
        change = Change.UPDATED if spec.fingerprint in self.comments else Change.CREATED
        self.comments[spec.fingerprint] = spec.body
        self.writes.append(spec.fingerprint)
        return Ensured(change)


@dataclass
class Rig:
    root: Path
    wiring: PlanWiring
    forge: RecordingForge
    logged: list[str]
    baseline: RecordingBaseline


def rig(tmp_path: Path, llm: ScriptedLlm | None) -> Rig:
    root = tmp_path / "shop"
    root.mkdir()
    forge, logged = RecordingForge(), []
    baseline = RecordingBaseline(Baseline("npm test", 3, 0, 0, ()))
    wiring = PlanWiring(
        repository="octo/shop",
        forge=forge,
        git=build_express_app(root),
        store=DirectoryCheckpoints(tmp_path / "checkpoints"),
        clock=TickingClock(),
        llm=llm,
        baseline=baseline,
        settings=PlanSettings(model="claude-opus-5-5"),
        log=logged.append,
    )
    return Rig(root, wiring, forge, logged, baseline)


def test_a_writer_s_goal_becomes_one_tracking_comment_and_one_plan_comment(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))
    before = snapshot(setup.root)
    reply = plan_issue(PlanAsk(7, GOAL, MARIA), setup.wiring)
    assert reply.step is PlanStep.POSTED and reply.outcome is not None
    plan = reply.outcome.plan
    assert plan is not None and plan.status is PlanStatus.AWAITING_APPROVAL
    assert reply.why == f"plan {plan.hash8}: awaiting_approval"
    assert snapshot(setup.root) == before
    assert set(setup.forge.comments) == {TRACKING, PLAN}
    assert setup.forge.comments[PLAN] == reply.outcome.comment
    edits = setup.forge.writes.count(TRACKING)
    assert edits == reply.outcome.edits <= len(Phase)
    assert "### kairos plan: needs input" in setup.forge.comments[TRACKING]
    assert any(line.startswith("Latest: impact set: ") for line in setup.logged)
    ticked = "\n".join(
        line.replace("- [ ]", "- [x]", 1)
        if line.endswith((":dp=D1:opt=a -->", ":approve -->"))
        else line
        for line in setup.forge.comments[PLAN].split("\n")
    )
    assert review(plan, ticked).verdict is ReviewVerdict.APPROVED


def test_a_reader_a_bot_and_an_unknown_sender_are_refused_quietly(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm())  # asked anything, the test fails
    cases = {
        User("eve", is_bot=False): "eve has read permission; a plan needs write",
        User("renovate[bot]", is_bot=True): "renovate[bot] is a bot",
        User("ghost", is_bot=False): "the permission of ghost is unknown (no such user: ghost)",
    }
    for sender, why in cases.items():
        reply = plan_issue(PlanAsk(7, GOAL, sender), setup.wiring)
        assert reply.step is PlanStep.REFUSED and reply.why.startswith(why)
        assert reply.outcome is None
    assert setup.forge.asked == ["eve", "ghost"]  # a bot is refused before any API call
    assert setup.forge.writes == [] and setup.baseline.asked == []


def test_killed_after_the_survey_the_rerun_edits_the_same_comments(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm())
    store = setup.wiring.store
    killed = replace(setup.wiring, store=KilledAfter(store, Phase.SURVEY))
    with pytest.raises(Killed):
        plan_issue(PlanAsk(7, GOAL, MARIA), killed)
    assert set(setup.forge.comments) == {TRACKING}
    again = replace(setup.wiring, llm=ScriptedLlm(*design_replies(), *draft_replies()))
    reply = plan_issue(PlanAsk(7, GOAL, MARIA), again)
    assert reply.step is PlanStep.POSTED and reply.outcome is not None
    assert reply.outcome.resumed == (Phase.INTAKE, Phase.SURVEY)
    assert len(setup.baseline.asked) == 1
    assert set(setup.forge.comments) == {TRACKING, PLAN}


def test_without_a_model_the_incomplete_plan_is_still_posted(tmp_path: Path) -> None:
    setup = rig(tmp_path, None)
    reply = plan_issue(PlanAsk(7, GOAL, MARIA), setup.wiring)
    assert reply.step is PlanStep.POSTED and reply.why.endswith(": incomplete")
    assert "**Incomplete.** Missing:" in setup.forge.comments[PLAN]
    assert "### kairos plan: incomplete" in setup.forge.comments[TRACKING]


def test_a_changed_checkout_posts_the_reason_as_data_instead_of_a_plan(tmp_path: Path) -> None:
    setup = rig(tmp_path, None)
    root = setup.root

    class LeakyBaseline(RecordingBaseline):
        def __call__(self, command):  # type: ignore[no-untyped-def]
            (root / "@admin <b>.log").write_text("x")  # a test run that writes
            return super().__call__(command)

    wiring = replace(setup.wiring, baseline=LeakyBaseline(setup.baseline.result))
    reply = plan_issue(PlanAsk(7, GOAL, MARIA), wiring)
    assert reply.step is PlanStep.DISCARDED and reply.outcome is not None
    assert reply.outcome.plan is None
    body = setup.forge.comments[PLAN]
    assert body.startswith("**No plan:** the checkout changed during planning")
    assert "<b>" not in body and "`@admin`" in body
    assert "### kairos plan: discarded" in setup.forge.comments[TRACKING]


def test_a_forge_that_refuses_writes_fails_the_post_but_not_the_planning(tmp_path: Path) -> None:
    setup = rig(tmp_path, None)
    setup.forge.failing = True
    reply = plan_issue(PlanAsk(7, GOAL, MARIA), setup.wiring)
    assert reply.step is PlanStep.FAILED
    assert reply.why == "the plan comment could not be posted (secondary rate limit)"
    assert reply.outcome is not None and reply.outcome.plan is not None
    assert "the tracking comment could not be updated (secondary rate limit)" in setup.logged


def test_through_the_real_forge_the_posted_plan_reads_back_as_ticks(tmp_path: Path) -> None:
    world = make_world(tmp_path / "forge")
    with sandbox_for(world) as sandbox:
        repo = client(sandbox, TOKENS["maria"]).get_repo(world.full_name)
        number = int(repo.create_issue(title="Move to Fastify", body=GOAL).number)
        setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))
        wiring = replace(setup.wiring, forge=forge_for(sandbox, world))
        reply = plan_issue(PlanAsk(number, GOAL, MARIA), wiring)
        assert reply.step is PlanStep.POSTED and reply.outcome is not None
        plan = reply.outcome.plan
        assert plan is not None
        bodies = [c.body for c in repo.get_issue(number).get_comments()]
        assert len(bodies) == 2 and "### kairos plan: needs input" in bodies[0]
        ticked = "\n".join(
            line.replace("- [ ]", "- [x]", 1)
            if line.endswith((":dp=D1:opt=b -->", ":approve -->"))
            else line
            for line in bodies[1].split("\n")
        )
        outcome = review(plan, ticked)
        assert outcome.verdict is ReviewVerdict.APPROVED and outcome.choices == {"D1": "b"}


def test_a_revision_is_a_new_version_and_the_earlier_approval_no_longer_counts(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))
    first = plan_issue(PlanAsk(7, GOAL, MARIA), setup.wiring).outcome
    assert first is not None and first.plan is not None
    approval = Approval("maria", "2026-12-07T10:00:00Z", first.plan.plan_hash, {"D1": "a"})
    keep_current(setup.wiring.store, with_approval(first.plan, approval))
    model = ScriptedLlm(*design_replies(), *draft_replies())
    again = replace(setup.wiring, llm=model)
    reply = plan_issue(PlanAsk(7, "keep the Express error pages", MARIA, revision=True), again)
    assert reply.step is PlanStep.POSTED and reply.outcome is not None
    plan = reply.outcome.plan
    assert plan is not None and plan.version == 2 and plan.plan_hash != first.plan.plan_hash
    asked = f"Revision of plan {first.plan.hash8} (version 1) asked by maria:\n"
    prompt = model.requests[0].turns[0].blocks[0].text  # type: ignore[union-attr]
    assert asked + "keep the Express error pages" in prompt
    kept = current_plan(setup.wiring.store, "issue-7")
    assert kept is not None and kept.version == 2
    assert kept.approvals == (approval,) and current_approvals(kept) == ()
    assert setup.forge.comments["plan.issue-7.v2"] == reply.outcome.comment
    assert setup.forge.comments[PLAN].startswith("> **Superseded** by version 2")


def test_revising_an_issue_without_a_plan_says_so_and_plans_nothing(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm())  # asked anything, the test fails
    reply = plan_issue(PlanAsk(7, "smaller steps", MARIA, revision=True), setup.wiring)
    assert reply.step is PlanStep.REFUSED and reply.why.startswith("#7 has no plan to revise")
    assert list(setup.forge.comments) == ["plan-note.7"] and setup.baseline.asked == []
