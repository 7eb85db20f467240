"""Issue 20's chaining under act: a swarm run that leaves work ready hands it on. Both
committed workflows run as a user copies them (examples/workflows/kairos-swarm.yml and
kairos-swarm-relay.yml), less one line act does not know (``as_act_reads``).

Each leg stops once its run's USD cap is spent (the scripted model's ``finish`` reply
reports more output tokens than the cap buys), so one leg does one step. The first run,
dispatched with one leg, finishes S1 and leaves a relay. The relay workflow, started
by that run's completion (a ``workflow_run`` event), takes the relay and runs the swarm
on the same issue: two legs finish S2 and S3, and with no work left it leaves no relay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.adopt.actions import UPLOAD_ARTIFACT
from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.records import Relay, TaskStatus
from kairos_ci.dashboard.records import Dashboard
from kairos_ci.dashboard.render import render
from kairos_ci.forge.records import DashboardSpec
from kairos_ci.git import Git
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running
from kairos_ci.sandbox.github.server import GitHubSandbox
from kairos_ci.stages.dashboard_write import TITLE
from tests.commands.swarm_next_test import completed
from tests.e2e.act_harness import ActEvent, ActRun, copy_project, run_workflow
from tests.e2e.chains import chained_plan, module_routes
from tests.e2e.fix_tests_test import API_KEY, sample_world
from tests.e2e.init_nightly_act_test import upload_artifact_stand_in
from tests.e2e.swarm_act_test import KAIROS_ACTION, assert_no_secret
from tests.e2e.work_test import approve_on_memory
from tests.sandbox.github.world import KAIROS_TOKEN, World, client, forge_for, strict_sandbox

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workflows"
SWARM, RELAY = "kairos-swarm.yml", "kairos-swarm-relay.yml"
STEPS = [["S1"], ["S2"], ["S3"]]  # independent: any leg may take any
FIRST, SECOND = 100, 200  # the runs' ids
# A run's cap: S1's first reply leaves room for the second; the second spends past it.
PER_RUN_USD = 1.0
CACHE_MODE = "cache-mode: none # kairos installs itself under RUNNER_TEMP and keeps no cache\n"
OVER_THE_CAP = {"input_tokens": 1000, "output_tokens": 70_000}  # $1.05 at sonnet's $15/M


def routes() -> list[dict[str, Any]]:
    """Each step's two scripted replies; its ``finish`` spends the run's cap."""
    found = module_routes(STEPS)
    for route in found:
        route["replies"][-1] = {**route["replies"][-1], "usage": OVER_THE_CAP}
    return found


@dataclass(frozen=True)
class Runs:
    world: World
    sandbox: GitHubSandbox
    model: Handle
    actions: dict[str, Path]  # the kairos action and upload-artifact, by the uses they stand for
    tmp: Path

    def run(self, flow: str, name: str, payload: dict[str, Any], run_id: int) -> ActRun:
        event = ActEvent(
            name,
            payload,
            env={
                "GITHUB_API_URL": self.sandbox.base_url,
                "GITHUB_REPOSITORY": "octo/app",
                "GITHUB_RUN_ID": str(run_id),
                "ANTHROPIC_BASE_URL": self.model.base_url,
            },
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN, "ANTHROPIC_API_KEY": API_KEY},
            local_actions={
                KAIROS_ACTION: self.actions["kairos"],
                UPLOAD_ARTIFACT.uses: self.actions["upload"],
            },
            concurrent_jobs=2,
        )
        folder = self.tmp / f"run-{run_id}"
        folder.mkdir()
        flow_path = self.world.work / ".github" / "workflows" / flow
        done = run_workflow(self.world.work, flow_path, event, folder)
        (folder / "act.log").write_text(done.log)  # to read when an assertion fails
        assert_no_secret(done.log)
        return done


def test_a_run_that_leaves_work_ready_is_followed_by_the_relay_workflows_run(
    tmp_path: Path,
) -> None:
    world = sample_world(tmp_path / "world", per_run_usd=PER_RUN_USD)
    world.commit(
        {f".github/workflows/{name}": as_act_reads(name) for name in (SWARM, RELAY)},
        "add the kairos swarm and its relay",
    )
    actions = {
        "kairos": copy_project(tmp_path / "kairos-ci"),
        "upload": upload_artifact_stand_in(tmp_path / "upload-artifact", tmp_path / "uploads"),
    }
    script = parse_script({"replies": [], "routes": routes()})
    with strict_sandbox(world) as sandbox, running(script) as model:
        issue = client(sandbox).get_repo("octo/app").create_issue("Add modules", "Plan it.")
        plan = chained_plan(world, issue.number, STEPS)
        approve_on_memory(world, plan, tmp_path / "plans")
        made = forge_for(sandbox, world).ensure_dashboard(
            DashboardSpec(TITLE, render(Dashboard()), "kairos")  # as a first nightly leaves it
        )
        assert made.number is not None
        runs = Runs(world, sandbox, model, actions, tmp_path)
        dispatch = {"inputs": {"issue": issue.number, "max-workers": 1}}
        first = runs.run(SWARM, "workflow_dispatch", dispatch, FIRST)
        assert first.returncode == 0, first.log[-6000:]
        after_first = board_of(world, plan.plan_id)
        shown = body_of(sandbox, made.number)
        relayed = runs.run(RELAY, "workflow_run", completed(FIRST, "success"), SECOND)
        assert relayed.returncode == 0, relayed.log[-6000:]
        assert len(model.requests()) == 2 * len(STEPS)  # each step once, in one run or the other
        last = body_of(sandbox, made.number)
    assert {t.id: t.state for t in after_first.tasks}["S1"] is TaskStatus.DONE
    assert (
        sum(t.state is TaskStatus.DONE for t in after_first.tasks) == 1
    )  # the cap stopped the leg
    assert after_first.relay is not None and (after_first.relay.run, after_first.relay.level) == (
        "100",
        1,
    )
    assert "| relay | level 1: the relay workflow starts the next run |" in first.log
    assert f"kairos-ci swarm next: #{issue.number}" in relayed.log
    final = board_of(world, plan.plan_id)
    assert {t.state for t in final.tasks} == {TaskStatus.DONE}
    owners = {e.by.split("/")[0] for t in final.tasks for e in t.history if e.what == "claimed"}
    assert owners == {
        f"{FIRST}.1",
        f"{SECOND}.1",
    }  # S1 in the first run, S2 and S3 in the relayed one
    # Taken by the relayed run, which left none: no work remains.
    assert final.relay == Relay("100", 1, after_first.relay.at, taken_by=str(SECOND))
    assert re.search(r"\| relay \| none: no work remains that a run could start \|", relayed.log)
    # Between nights, the gather job kept the dashboard's plans section current: the plan
    # with work left after the first run, then none once every step was done.
    assert "## Plans in progress" in shown and "**Done 1 of 3**" in shown, shown
    assert "## Plans in progress" not in last and "## Open kairos pull requests" in last


def as_act_reads(name: str) -> str:
    """The committed file, less the one line act 0.2.89 refuses: ``cache-mode``, which
    GitHub added in September 2026 (the relay keeps no cache either way)."""
    text = (EXAMPLES / name).read_text()
    if name == RELAY:
        assert CACHE_MODE in text
        text = text.replace(CACHE_MODE, "")
    return text


def body_of(sandbox: GitHubSandbox, number: int) -> str:
    return str(client(sandbox).get_repo("octo/app").get_issue(number).body)


def board_of(world: World, plan_id: str) -> Any:
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan_id)
    assert journal.violations == () and journal.final is not None
    return journal.final
