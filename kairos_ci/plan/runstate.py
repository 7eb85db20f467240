"""What one planning run knows as it goes: finished phases' results (from this run or a
checkpoint), spend and tool calls so far, and the code index, rebuilt when the survey was
resumed from a checkpoint (it is a cache: deterministic, no model, no test run)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.agent.records import Charge
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import BoundHit
from kairos_ci.plan.codec import impact_from_json
from kairos_ci.plan.codeindex import CodeIndex, build_index
from kairos_ci.plan.consult import Meter
from kairos_ci.plan.deadline import Deadline
from kairos_ci.plan.intake import Intake
from kairos_ci.plan.inventory import Inventory, take_inventory
from kairos_ci.plan.job import PlanJob
from kairos_ci.plan.records import GoalKind, ImpactEntry, Phase
from kairos_ci.plan.survey import Survey, survey_from_json

Json = Mapping[str, Any]


@dataclass(frozen=True)
class PhaseOutcome:
    data: Json  # what the checkpoint keeps
    finding: str  # one line for the tracking comment
    charges: tuple[Charge, ...] = ()
    calls: int = 0
    hit: BoundHit | None = None  # the phase stopped short: the plan will be incomplete


@dataclass
class RunState:
    job: PlanJob
    base: str
    deadline: Deadline
    envelope: Envelope
    results: dict[Phase, Json] = field(default_factory=dict)
    spent: Spend = field(default_factory=Spend)
    calls: int = 0
    missing: list[str] = field(default_factory=list)  # what the plan will lack, one line each
    code: tuple[Inventory, CodeIndex] | None = None

    def data(self, phase: Phase) -> Json | None:
        return self.results.get(phase)

    def intake(self) -> Intake:
        data = self.results[Phase.INTAKE]
        return Intake(
            str(data["goal"]),
            GoalKind(data["kind"]),
            tuple(data["terms"]),
            tuple(data["signals"]),
        )

    def survey(self) -> Survey | None:
        data = self.results.get(Phase.SURVEY)
        return None if data is None else survey_from_json(dict(data["survey"]))

    def impact(self) -> tuple[ImpactEntry, ...]:
        data = self.results.get(Phase.IMPACT)
        return () if data is None else impact_from_json(list(data["entries"]))

    def inventory_and_index(self) -> tuple[Inventory, CodeIndex]:
        if self.code is None:
            limits = self.job.settings.survey.index
            inventory = take_inventory(self.job.ports.git, limits.inventory)
            self.code = (inventory, build_index(inventory, limits))
        return self.code

    def meter(self, phase: Phase) -> Meter:
        clock = self.job.ports.clock
        return Meter(
            clock=clock,
            ends=self.deadline.phase_ends(phase, clock()),
            bounds=self.job.settings.bounds,
            prices=self.job.settings.prices,
            spent=self.spent,
            calls=self.calls,
        )
