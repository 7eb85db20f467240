"""Plans made of independent chains of steps, each step adding its own module, and the
scripted model's replies for them: the coordinator's and the swarm's act tests share
them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kairos_ci.plan.records import FileChanges, Plan, StepVerification
from tests.e2e.fix_tests_test import use
from tests.e2e.work_test import SUITE, plan_of
from tests.plan.sample import step
from tests.sandbox.github.world import World

CHECK = StepVerification((f"{SUITE}/test_stats.py::test_mean",))


def chained_plan(world: World, issue: int, chains: Sequence[Sequence[str]]) -> Plan:
    """Each step adds calc/<step>.py and depends on the step before it in its chain."""
    steps = []
    for chain in chains:
        for index, step_id in enumerate(chain):
            made = step(step_id, (), *chain[max(index - 1, 0) : index], p50=10.0)
            files = FileChanges(create=(f"calc/{step_id.lower()}.py",))
            steps.append(replace(made, title=f"Add {step_id}", files=files, verification=CHECK))
    return plan_of(world, issue, tuple(steps))


def module_routes(chains: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Each step's conversation gets its own replies, whichever worker has it (" of" ends
    the step's id in the opening: S1's route does not answer S10)."""
    found = []
    for step_id in (s for chain in chains for s in chain):
        module = f"def {step_id.lower()}():\n    return {step_id!r}\n"
        replies = [
            use("write_file", path=f"calc/{step_id.lower()}.py", content=module),
            use("finish", summary=f"{step_id} adds its module."),
        ]
        found.append({"when": f"carry out step {step_id} of", "replies": replies})
    return found
