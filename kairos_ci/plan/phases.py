"""The planning run, phase by phase, resumable: the one entry the pipeline calls.

Each finished phase is saved through the checkpoint store before the next starts; a rerun
loads what is there and goes on from the first phase without a checkpoint, so it neither
repeats the survey's test run nor pays the model again for a finished phase. A phase that
stops short (a bound, a stuck or missing model) ends the research: the plan is assembled
from what exists, marked ``incomplete`` with what is missing, and still published. Before
publishing, the checkout must be exactly as it was (``git status --porcelain`` empty), or
the plan is discarded with the reason (and the tracking comment says so). A version, once
published (complete or not), is final: a rerun returns it, and another attempt is a new
version (``/kairos plan revise``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kairos_ci.agent.records import Charge
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.memory.records import Spend
from kairos_ci.plan.assembly import assemble
from kairos_ci.plan.bounds import spend_of
from kairos_ci.plan.codec import plan_from_json, plan_to_json
from kairos_ci.plan.comment import render_plan_comment
from kairos_ci.plan.deadline import Deadline
from kairos_ci.plan.job import PlanJob
from kairos_ci.plan.phase_model import design_phase, draft_phase
from kairos_ci.plan.phase_work import (
    impact_phase,
    intake_phase,
    localise_phase,
    plan_pieces,
    survey_phase,
    validate_phase,
)
from kairos_ci.plan.progress import (
    EditThrottle,
    ProgressState,
    ProgressUpdate,
    progress_lines,
    render_progress,
)
from kairos_ci.plan.records import Phase, Plan, PlanStatus
from kairos_ci.plan.runstate import PhaseOutcome, RunState

Handler = Callable[[RunState], PhaseOutcome]
RESEARCH: tuple[tuple[Phase, Handler], ...] = (
    (Phase.INTAKE, intake_phase),
    (Phase.SURVEY, survey_phase),
    (Phase.IMPACT, impact_phase),
    (Phase.LOCALISE, localise_phase),
    (Phase.DESIGN, design_phase),
    (Phase.DRAFT, draft_phase),
    (Phase.VALIDATE, validate_phase),
)


@dataclass(frozen=True)
class PlanOutcome:
    plan: Plan | None  # None when discarded
    comment: str  # the plan comment to post ("" when discarded)
    charges: tuple[Charge, ...]  # this run's model calls (resumed phases cost nothing)
    spent: Spend  # the whole plan's spend, resumed phases included
    resumed: tuple[Phase, ...]  # phases taken from checkpoints
    edits: int  # tracking-comment edits this run made
    discarded: str | None = None  # why no plan may be posted


@dataclass
class _Runner:
    job: PlanJob
    state: RunState
    key: str
    throttle: EditThrottle
    charges: list[Charge]
    resumed: list[Phase]
    finding: str = ""

    def research(self) -> None:
        for phase, handler in RESEARCH:
            if not self._phase(phase, handler):
                return

    def _phase(self, phase: Phase, handler: Handler) -> bool:
        saved = self.job.ports.store.load(self.key, phase)
        if saved is not None:
            self._take(phase, saved)
            self.resumed.append(phase)
            return True
        now = self.job.ports.clock()
        if self.state.deadline.expired(now):
            self.state.missing.append(f"{phase}: not started; the deadline had passed")
            return False
        self.show(phase, ProgressState.RESEARCHING)
        outcome = handler(self.state)
        self.charges.extend(outcome.charges)
        self.finding = outcome.finding
        if outcome.hit is not None:
            self.state.spent += spend_of(outcome.charges)
            self.state.calls += outcome.calls
            self.state.missing.append(f"{phase}: {outcome.hit}")
            return False
        checkpoint = {
            "data": dict(outcome.data),
            "finding": outcome.finding,
            "spend": _spend_json(spend_of(outcome.charges)),
            "calls": outcome.calls,
        }
        self.job.ports.store.save(self.key, phase, checkpoint)
        self._take(phase, checkpoint)
        return True

    def _take(self, phase: Phase, checkpoint: Mapping[str, Any]) -> None:
        self.state.results[phase] = checkpoint["data"]
        self.finding = str(checkpoint.get("finding", self.finding))
        spend = checkpoint.get("spend", {})
        self.state.spent += Spend(
            float(spend.get("usd", 0)),
            int(spend.get("input_tokens", 0)),
            int(spend.get("output_tokens", 0)),
        )
        self.state.calls += int(checkpoint.get("calls", 0))
        if phase is Phase.SURVEY:
            self.state.missing.extend(_baseline_problems(checkpoint["data"]))

    def published(self) -> tuple[Plan, str] | None:
        """The plan this version already published: final, so a rerun only returns it."""
        saved = self.job.ports.store.load(self.key, Phase.PUBLISH)
        if saved is None:
            return None
        self.resumed.append(Phase.PUBLISH)
        plan = plan_from_json(saved["data"]["plan"], "the published plan checkpoint")
        return plan, str(saved["data"]["comment"])

    def publish(self) -> tuple[Plan, str]:
        plan = self._final_plan()
        comment = render_plan_comment(plan)
        self.show(Phase.PUBLISH, _final_state(plan))
        data = {"plan": plan_to_json(plan), "comment": comment}
        self.job.ports.store.save(self.key, Phase.PUBLISH, {"data": data, "finding": self.finding})
        return plan, comment

    def discard(self, changed: str) -> PlanOutcome:
        self.finding = "discarded: the checkout changed during planning"
        self.show(Phase.PUBLISH, ProgressState.DISCARDED)
        why = f"the checkout changed during planning, so the plan is discarded:\n{changed}"
        return self.outcome(None, "", why)

    def outcome(self, plan: Plan | None, comment: str, discarded: str | None = None) -> PlanOutcome:
        return PlanOutcome(
            plan=plan,
            comment=comment,
            charges=tuple(self.charges),
            spent=self.state.spent,
            resumed=tuple(self.resumed),
            edits=self.throttle.edits,
            discarded=discarded,
        )

    def _final_plan(self) -> Plan:
        validated = self.state.data(Phase.VALIDATE)
        if validated is not None:  # research ran to its end: nothing went missing after
            return plan_from_json(validated["plan"], "the validated plan checkpoint")
        return assemble(plan_pieces(self.state, tuple(self.state.missing)))

    def show(self, phase: Phase, state: ProgressState) -> None:
        clock = self.job.ports.clock
        now = clock()
        update = ProgressUpdate(
            issue=self.job.request.issue,
            state=state,
            phase=phase,
            elapsed=self.state.deadline.elapsed(now),
            deadline=self.state.deadline.total,
            spend=self.state.spent,
            budget_usd=self.job.settings.bounds.usd,
            finding=self.finding,
        )
        body = render_progress(update)
        if self.throttle.allows(phase, body, now):
            self.job.ports.progress.show(body, progress_lines(update))
            self.throttle = self.throttle.edited(phase, body, now)


def run_plan(job: PlanJob) -> PlanOutcome:
    """Plan ``job.request`` within its bounds; see the module docstring."""
    git = job.ports.git
    base = git.text("rev-parse", "HEAD")
    state = RunState(
        job, base, Deadline(job.ports.clock(), job.settings.deadline), Envelope.fresh()
    )
    key = f"{job.request.plan_id}-v{job.request.version}-{base[:12]}"
    runner = _Runner(job, state, key, EditThrottle(), [], [])
    done = runner.published()
    if done is None:
        runner.research()
    changed = git.text("status", "--porcelain", "--untracked-files=all")
    if changed:
        return runner.discard(changed)
    plan, comment = done or runner.publish()
    return runner.outcome(plan, comment)


def _final_state(plan: Plan) -> ProgressState:
    if plan.status is PlanStatus.INCOMPLETE:
        return ProgressState.INCOMPLETE
    if any(point.required for point in plan.decision_points):
        return ProgressState.NEEDS_INPUT
    return ProgressState.READY


def _baseline_problems(data: Mapping[str, Any]) -> list[str]:
    problems = data.get("survey", {}).get("problems", [])
    return [f"survey: {p}" for p in problems if str(p).startswith("baseline")]


def _spend_json(spend: Spend) -> dict[str, Any]:
    return {
        "usd": spend.usd,
        "input_tokens": spend.input_tokens,
        "output_tokens": spend.output_tokens,
    }
