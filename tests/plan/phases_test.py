"""The planning run end to end on the Express fixture app, with a scripted model and a
ticking clock: valid plan, zero writes, resumes without paying twice, bounded."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import pytest

from kairos_ci.agent.llm import Llm
from kairos_ci.git import Git
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.checkpoints import CheckpointStore, DirectoryCheckpoints
from kairos_ci.plan.coverage import impact_coverage
from kairos_ci.plan.job import PlanJob, PlanPorts, PlanRequest, PlanSettings
from kairos_ci.plan.phases import PlanOutcome, run_plan
from kairos_ci.plan.records import Baseline, Phase, PlanStatus
from kairos_ci.plan.review import ReviewVerdict, review
from tests.plan.express_app import GOAL, IMPACTED, build_express_app, snapshot
from tests.plan.fakes import (
    Killed,
    KilledAfter,
    RecordingBaseline,
    RecordingProgress,
    ScriptedLlm,
    TickingClock,
    say,
    use,
)
from tests.plan.migration_script import DRAFT, STEPS, design_replies, draft_replies

BASELINE = Baseline("npm test", 3, 0, 0, ())
READ_ONLY = {"list_files", "read_file", "search_code"}


@dataclass
class Rig:
    root: Path
    git: Git
    store: CheckpointStore
    llm: Llm | None
    clock: TickingClock = field(default_factory=TickingClock)
    progress: RecordingProgress = field(default_factory=RecordingProgress)
    baseline: RecordingBaseline = field(default_factory=lambda: RecordingBaseline(BASELINE))
    settings: PlanSettings = field(default_factory=lambda: PlanSettings(model="claude-opus-5-5"))

    def run(self) -> PlanOutcome:
        ports = PlanPorts(self.git, self.store, self.clock, self.progress, self.llm, self.baseline)
        request = PlanRequest("octo/shop", 7, "shop-7", 1, GOAL)
        return run_plan(PlanJob(request, ports, self.settings))


def rig(tmp_path: Path, llm: Llm | None) -> Rig:
    root = tmp_path / "shop"
    root.mkdir()
    return Rig(root, build_express_app(root), DirectoryCheckpoints(tmp_path / "checkpoints"), llm)


def test_a_valid_plan_with_zero_writes_full_coverage_and_decision_boxes(tmp_path: Path) -> None:
    model = ScriptedLlm(*design_replies(), *draft_replies())
    setup = rig(tmp_path, model)
    before = snapshot(setup.root)
    outcome = setup.run()
    plan = outcome.plan
    assert plan is not None and outcome.discarded is None
    assert plan.status is PlanStatus.AWAITING_APPROVAL and plan.missing == ()
    assert snapshot(setup.root) == before
    assert {e.path for e in plan.context.impact_set} == set(IMPACTED)
    assert impact_coverage(plan).share >= 0.95
    assert plan.context.baseline == BASELINE
    assert plan.estimates.critical_path_minutes == 50.0
    assert "- [ ] a: Bridge (default):" in outcome.comment
    assert f"- [ ] Approve plan `{plan.hash8}`" in outcome.comment
    for request in model.requests:
        offered = {tool.name for tool in request.tools}
        assert offered - READ_ONLY in ({"submit_design"}, {"submit_plan"})
    assert "<untrusted-" in model.requests[0].turns[0].blocks[0].text  # type: ignore[union-attr]
    assert outcome.spent.usd == pytest.approx(4 * 0.018)


def test_the_tracking_comment_is_edited_at_most_once_per_phase(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))
    outcome = setup.run()
    assert outcome.edits == len(setup.progress.bodies) <= len(Phase)
    phases = [lines[0].split(" ")[1] for lines in setup.progress.lines]
    assert len(phases) == len(set(phases))
    assert setup.progress.bodies[-1].startswith("<!-- kairos:plan-progress:issue=7 -->")
    assert "### kairos plan: needs input" in setup.progress.bodies[-1]
    assert any("impact set: " in "".join(lines) for lines in setup.progress.lines)


def test_killed_after_the_survey_the_rerun_neither_resurveys_nor_reruns_tests(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path, ScriptedLlm())
    first_store = setup.store
    setup.store = KilledAfter(first_store, Phase.SURVEY)
    with pytest.raises(Killed):
        setup.run()
    assert len(setup.baseline.asked) == 1
    setup.store = first_store
    setup.llm = ScriptedLlm(*design_replies(), *draft_replies())
    outcome = setup.run()
    assert outcome.resumed == (Phase.INTAKE, Phase.SURVEY)
    assert len(setup.baseline.asked) == 1
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.AWAITING_APPROVAL


def test_killed_after_the_design_the_rerun_pays_only_for_the_draft(tmp_path: Path) -> None:
    first = ScriptedLlm(*design_replies())
    setup = rig(tmp_path, first)
    store = setup.store
    setup.store = KilledAfter(store, Phase.DESIGN)
    with pytest.raises(Killed):
        setup.run()
    assert len(first.requests) == 3
    setup.store = store
    second = ScriptedLlm(*draft_replies())  # asked for the design again, it would fail
    setup.llm = second
    outcome = setup.run()
    assert len(second.requests) == 1
    assert len(outcome.charges) == 1
    assert outcome.spent.usd == pytest.approx(4 * 0.018)  # the design's three calls, once
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.AWAITING_APPROVAL


def test_a_budget_exhausted_mid_design_gives_an_incomplete_plan(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies()))
    setup.settings = replace(setup.settings, bounds=PlanBounds(usd=0.18))
    outcome = setup.run()
    plan = outcome.plan
    assert plan is not None and plan.status is PlanStatus.INCOMPLETE
    assert plan.missing[0].startswith("design: spend cap: $0.02 spent; the next call could cost")
    assert plan.missing[1:] == ("draft: not done",)
    assert plan.steps == () and plan.goal.acceptance_criteria[0].check is not None
    assert "**Incomplete.** Missing:" in outcome.comment
    assert "### kairos plan: incomplete" in setup.progress.bodies[-1]


def test_without_a_model_the_plan_says_what_it_lacks(tmp_path: Path) -> None:
    outcome = rig(tmp_path, None).run()
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.INCOMPLETE
    assert outcome.plan.missing == (
        "design: no model: no API key: the design phase needs the plan model",
        "draft: not done",
    )
    assert len(outcome.plan.context.impact_set) == len(IMPACTED)


def test_a_model_reading_the_same_file_over_and_over_is_stopped(tmp_path: Path) -> None:
    loop = [use("read_file", path="src/app.js") for _ in range(4)]
    outcome = rig(tmp_path, ScriptedLlm(*loop)).run()
    assert outcome.plan is not None
    assert outcome.plan.missing[0].startswith("design: stuck: repeated action and observation")


def test_a_model_that_never_submits_is_nudged_once_then_stopped(tmp_path: Path) -> None:
    outcome = rig(tmp_path, ScriptedLlm(say("Thinking."), say("Still thinking."))).run()
    assert outcome.plan is not None
    assert outcome.plan.missing[0] == (
        "design: no result: the model stopped without calling submit_design"
    )


def test_a_draft_missing_impact_files_is_repaired_in_a_second_round(tmp_path: Path) -> None:
    short = {
        **DRAFT,
        "steps": [STEPS[0], {**STEPS[1], "files": {**STEPS[1]["files"], "modify": ["src/app.js"]}}],
    }
    model = ScriptedLlm(*design_replies(), use("submit_plan", **short), *draft_replies())
    outcome = rig(tmp_path, model).run()
    refusal = model.requests[-1].turns[-1].blocks[0]
    assert "[impact-coverage]" in refusal.content  # type: ignore[union-attr]
    assert "[decision-blocks] decision point D1 blocks S3, which is not a step" in refusal.content  # type: ignore[union-attr]
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.AWAITING_APPROVAL


def test_a_deadline_passed_mid_run_leaves_later_phases_missing(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm())

    class LateBaseline(RecordingBaseline):
        def __call__(self, command):  # type: ignore[no-untyped-def]
            setup.clock.jump(timedelta(hours=1))
            return super().__call__(command)

    setup.baseline = LateBaseline(BASELINE)
    outcome = setup.run()
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.INCOMPLETE
    assert outcome.plan.missing[0] == "impact: not started; the deadline had passed"


def test_a_checkout_changed_during_planning_discards_the_plan(tmp_path: Path) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))

    class LeakyBaseline(RecordingBaseline):
        def __call__(self, command):  # type: ignore[no-untyped-def]
            (setup.root / "coverage.json").write_text("{}")  # a test run that writes
            return super().__call__(command)

    setup.baseline = LeakyBaseline(BASELINE)
    outcome = setup.run()
    assert outcome.plan is None and outcome.comment == ""
    assert outcome.discarded is not None and "coverage.json" in outcome.discarded
    assert "### kairos plan: discarded" in setup.progress.bodies[-1]
    assert (
        setup.store.load("shop-7-v1-" + setup.git.text("rev-parse", "HEAD")[:12], Phase.PUBLISH)
        is None
    )


def test_the_posted_plan_can_be_approved_and_a_rerun_does_not_republish_anew(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path, ScriptedLlm(*design_replies(), *draft_replies()))
    outcome = setup.run()
    assert outcome.plan is not None
    lines = outcome.comment.split("\n")
    ticked = "\n".join(
        line.replace("- [ ]", "- [x]", 1)
        if line.endswith((":dp=D1:opt=b -->", ":approve -->"))
        else line
        for line in lines
    )
    verdict = review(outcome.plan, ticked)
    assert verdict.verdict is ReviewVerdict.APPROVED and verdict.choices == {"D1": "b"}
    setup.llm = ScriptedLlm()
    again = setup.run()
    assert again.plan == outcome.plan and again.comment == outcome.comment
    assert again.charges == () and again.edits == 0


def test_a_draft_still_invalid_after_two_repairs_is_not_posted_as_ready(tmp_path: Path) -> None:
    unordered = {**DRAFT, "steps": [*STEPS, {**STEPS[0], "id": "S5", "depends_on": []}]}
    bad = [use("submit_plan", **unordered) for _ in range(3)]
    outcome = rig(tmp_path, ScriptedLlm(*design_replies(), *bad)).run()
    plan = outcome.plan
    assert plan is not None and plan.status is PlanStatus.INCOMPLETE
    assert plan.missing == (
        "validation: [same-file-order] steps S1 and S5 both touch package.json, in no set order",
    )


def test_a_published_incomplete_version_is_final_and_a_rerun_pays_nothing(tmp_path: Path) -> None:
    setup = rig(tmp_path, None)
    first = setup.run()
    assert first.plan is not None and first.plan.status is PlanStatus.INCOMPLETE
    setup.llm = ScriptedLlm()  # asked anything, the test fails
    again = setup.run()
    assert again.plan == first.plan and again.resumed == (Phase.PUBLISH,)
    assert len(setup.baseline.asked) == 1
