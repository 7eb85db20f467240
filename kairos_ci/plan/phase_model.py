"""The phases that ask the plan model: design, then draft (with its repair rounds, and the
critic's pass when the config names a critic model).

Both run ``consult`` with the read-only tools. The goal and everything read from the
repository reach the model fenced as untrusted data. A draft is checked as kairos will
check the finished plan (assembled, then validated against the files at the base), so a
repair round sees exactly the refusals the validate phase would give.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kairos_ci.agent.records import ToolSpec
from kairos_ci.errors import InputError
from kairos_ci.memory.records import Spend
from kairos_ci.plan.assembly import assemble
from kairos_ci.plan.bounds import BoundHit, BoundKind
from kairos_ci.plan.consult import Checked, Consultation, Consulted, consult
from kairos_ci.plan.critic import Critic, critique
from kairos_ci.plan.inventory import files_at
from kairos_ci.plan.phase_work import plan_pieces
from kairos_ci.plan.prompting import prompt
from kairos_ci.plan.readonly_tools import ReadOnlyTools
from kairos_ci.plan.records import Phase
from kairos_ci.plan.runstate import PhaseOutcome, RunState
from kairos_ci.plan.submissions import design_tool, draft_tool
from kairos_ci.plan.validate import validate_plan

MAX_LISTED_IMPACT = 200


def design_phase(run: RunState) -> PhaseOutcome:
    opening = prompt(
        "design",
        goal=_goal(run),
        languages=", ".join(f"{x.name} ({x.files})" for x in _survey_languages(run)) or "-",
        commands=_commands(run),
        baseline=_baseline(run),
        impact=_impact(run),
        ambiguous=_wrap(run, "files to examine", "\n".join(_localised(run)) or "(none)"),
        repo_map=_wrap(run, "repository map", _repo_map(run)),
    )
    consulted = _consult(run, Phase.DESIGN, _consultation(run, opening, design_tool()))
    if consulted.submitted is None:
        return _stopped(consulted)
    design = dict(consulted.submitted)
    finding = (
        f"design: {len(design['design_choices'])} choices, "
        f"{len(design['decision_points'])} decision points, {len(design['risks'])} risks"
    )
    return _done({"design": design}, finding, consulted)


def draft_phase(run: RunState) -> PhaseOutcome:
    design = (run.data(Phase.DESIGN) or {}).get("design", {})
    opening = prompt(
        "draft",
        goal=_goal(run),
        design=json.dumps(design, indent=1, ensure_ascii=False),
        impact=_impact(run),
        commands=_commands(run),
    )
    base_files = files_at(run.job.ports.git, run.base)

    def check(submitted: Mapping[str, Any], spent: Spend) -> Checked:
        try:
            plan = assemble(plan_pieces(run, (), draft=submitted))
        except InputError as err:
            return Checked((str(err),))
        refusals = tuple(str(r) for r in validate_plan(plan, base_files).refusals)
        critic = _critic(run)
        if refusals or critic is None:  # kairos's own rules first; the critic is optional
            return Checked(refusals)
        return critique(critic, plan.goal.summary, submitted, spent)

    consulted = _consult(run, Phase.DRAFT, _consultation(run, opening, draft_tool()), check)
    if consulted.submitted is None:
        return _stopped(consulted)
    steps = len(consulted.submitted["steps"])
    left = f", {len(consulted.problems)} problems left" if consulted.problems else ""
    data = {"draft": dict(consulted.submitted), "problems": list(consulted.problems)}
    return _done(data, f"draft: {steps} steps{left}", consulted)


def _critic(run: RunState) -> Critic | None:
    job = run.job
    settings = job.settings
    if settings.critic is None or job.ports.llm is None:
        return None
    return Critic(
        job.ports.llm, settings.critic, settings.prices, settings.bounds, job.ports.redactor
    )


def _consult(
    run: RunState, phase: Phase, consultation: Consultation, check: Any = None
) -> Consulted:
    job = run.job
    if job.ports.llm is None:
        hit = BoundHit(BoundKind.NO_MODEL, f"no API key: the {phase} phase needs the plan model")
        return Consulted(None, (), hit, (), 0)
    inventory, _ = run.inventory_and_index()
    tools = ReadOnlyTools(inventory, job.settings.survey.index.inventory, run.envelope)
    return consult(
        job.ports.llm,
        consultation,
        tools,
        run.meter(phase),
        job.ports.redactor,
        check,
        job.settings.max_repairs,
    )


def _done(data: dict[str, Any], finding: str, consulted: Consulted) -> PhaseOutcome:
    return PhaseOutcome(data, finding, consulted.charges, consulted.calls)


def _stopped(consulted: Consulted) -> PhaseOutcome:
    hit = consulted.hit or BoundHit(BoundKind.NO_RESULT, "nothing was submitted")
    return PhaseOutcome({}, f"stopped: {hit}", consulted.charges, consulted.calls, hit)


def _consultation(run: RunState, opening: str, submit: ToolSpec) -> Consultation:
    settings = run.job.settings
    return Consultation(prompt("system"), opening, submit, settings.model, settings.max_tokens)


def _wrap(run: RunState, source: str, text: str) -> str:
    return run.envelope.wrap(source, text)


def _goal(run: RunState) -> str:
    intake = run.intake()
    return f"Goal ({intake.kind.value}):\n" + _wrap(run, "the goal, from the issue", intake.goal)


def _survey_languages(run: RunState) -> tuple[Any, ...]:
    survey = run.survey()
    return survey.languages if survey else ()


def _commands(run: RunState) -> str:
    survey = run.survey()
    commands = survey.commands if survey else ()
    text = "; ".join(f"{c.kind.value}: {c.command} ({c.source})" for c in commands)
    return _wrap(run, "commands", text or "(none found)")


def _baseline(run: RunState) -> str:
    survey = run.survey()
    baseline = survey.baseline if survey else None
    if baseline is None:
        return "not recorded"
    failing = ", ".join(baseline.failing_ids[:20]) or "none"
    counts = f"{baseline.passed} passed, {baseline.failed} failed, {baseline.skipped} skipped"
    text = f"{counts}; failing: {failing}"
    return _wrap(run, "baseline", text)


def _impact(run: RunState) -> str:
    entries = run.impact()
    rows = [
        f"{e.path} (hops {e.hops}, {e.references} references): {e.reason}"
        for e in entries[:MAX_LISTED_IMPACT]
    ]
    if len(entries) > MAX_LISTED_IMPACT:
        rows.append(f"... and {len(entries) - MAX_LISTED_IMPACT} more files")
    return _wrap(run, "impact set", "\n".join(rows) or "(empty)")


def _localised(run: RunState) -> list[str]:
    return list((run.data(Phase.LOCALISE) or {}).get("files", []))


def _repo_map(run: RunState) -> str:
    survey = run.survey()
    return survey.repo_map if survey and survey.repo_map else "(empty)"
