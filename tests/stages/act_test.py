"""The act stage's bundle: a dry run hands its model spend to the publish job."""

from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.bundle.records import RunSpend
from kairos_ci.memory.records import Spend
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.act import carried_spend
from kairos_ci.stages.records import RunInfo
from kairos_ci.stages.state import ModelNotes, Worked

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SPENT = Worked(notes=ModelNotes(spend={"claude-sonnet-4-5": Spend(0.5, 1000, 100)}))
OWN = Situation(Trigger.WORKFLOW_RUN, None)


def test_a_dry_run_carries_its_spend_to_publish() -> None:
    run = RunInfo("77", "workflow_run", NOW, dry_run=True)
    assert carried_spend(OWN, run, SPENT) == RunSpend(
        "2026-11-27T03:00:00Z", {"claude-sonnet-4-5": Spend(0.5, 1000, 100)}
    )


def test_spend_stays_home_when_memory_has_it_or_must_not() -> None:
    dry = RunInfo("77", "workflow_run", NOW, dry_run=True)
    saved_by_the_run = RunInfo("77", "workflow_run", NOW)
    fork = Situation(Trigger.WORKFLOW_RUN, None, from_fork=True)
    assert carried_spend(OWN, saved_by_the_run, SPENT) is None
    assert carried_spend(fork, dry, SPENT) is None
    assert carried_spend(OWN, dry, Worked()) is None  # no model asked: nothing to record
