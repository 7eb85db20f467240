"""A planning job: what to plan, the ports it works through, and its settings.

The pipeline builds one and calls ``phases.run_plan``. Authorising the sender, posting the
plan comment and recording spend and approvals in memory stay with the pipeline; the job
only reads the checkout, asks the model, and reports through ``ProgressSink``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.redact import Redactor
from kairos_ci.clock import Clock
from kairos_ci.config.records import Price
from kairos_ci.git import Git
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.checkpoints import CheckpointStore
from kairos_ci.plan.deadline import DEFAULT_TOTAL
from kairos_ci.plan.impact import DEFAULT_HOPS
from kairos_ci.plan.survey import BaselineRunner, SurveyLimits


class ProgressSink(Protocol):
    def show(self, body: str, lines: tuple[str, ...]) -> None:
        """Create or edit the tracking comment (found by its hidden marker), and write
        ``lines`` to the job log and the step summary."""


@dataclass(frozen=True)
class PlanRequest:
    repository: str  # OWNER/NAME
    issue: int
    plan_id: str
    version: int
    goal: str  # untrusted: the command's text, or the issue's title and body


@dataclass(frozen=True)
class PlanPorts:
    git: Git  # the checkout of the base commit; only ever read
    store: CheckpointStore
    clock: Clock
    progress: ProgressSink
    llm: Llm | None  # None without an API key: design and draft are reported missing
    baseline: BaselineRunner | None  # the verification sandbox's test run
    redactor: Redactor = field(default_factory=Redactor.of)


@dataclass(frozen=True)
class PlanSettings:
    model: str  # the plan tier's model
    prices: Mapping[str, Price] = field(default_factory=dict)
    bounds: PlanBounds = field(default_factory=PlanBounds)
    deadline: timedelta = DEFAULT_TOTAL
    survey: SurveyLimits = field(default_factory=SurveyLimits)
    hops: int = DEFAULT_HOPS
    max_repairs: int = 2
    critic: str | None = None  # a second model that reviews each valid draft; None: off
    max_tokens: int = 8192  # per model reply


@dataclass(frozen=True)
class PlanJob:
    request: PlanRequest
    ports: PlanPorts
    settings: PlanSettings
