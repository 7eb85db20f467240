"""The coordinator's acceptance, under act: a six-step plan with two parallel branches,
carried out by two workers at once (two runs of the action with `command: work`, each
on its own checkout, as two matrix legs would be), then `command: integrate`. Real git,
the real jail and pytest, the GitHub sandbox and a scripted model that answers each
step's conversation from its own route."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.git import Git
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import running
from tests.e2e.act_harness import ActRun, run_action
from tests.e2e.chains import chained_plan, module_routes
from tests.e2e.fix_tests_test import API_KEY, pulls, sample_world
from tests.e2e.work_test import approve_on_memory
from tests.sandbox.github.world import KAIROS_TOKEN, client, strict_sandbox

pytestmark = pytest.mark.slow

CHAINS = [["S1", "S2", "S3"], ["S4", "S5", "S6"]]


def act(tmp: Path, name: str, inputs: dict[str, str], env: dict[str, str]) -> ActRun:
    folder = tmp / name
    folder.mkdir()
    secrets = {"GITHUB_TOKEN": KAIROS_TOKEN}
    return run_action(folder, inputs, env=env, secrets=secrets)


def test_two_workers_carry_out_two_branches_to_two_verified_pull_requests(tmp_path: Path) -> None:
    world = sample_world(tmp_path / "world")
    second = tmp_path / "second-checkout"
    Git(tmp_path).run("clone", "-q", str(world.origin), str(second))
    with (
        strict_sandbox(world) as sandbox,
        running(parse_script({"replies": [], "routes": module_routes(CHAINS)})) as model,
    ):
        issue = client(sandbox).get_repo("octo/app").create_issue("Add modules", "Plan it.")
        plan = chained_plan(world, issue.number, CHAINS)
        approve_on_memory(world, plan, tmp_path / "plans")
        Git(second).run("pull", "-q", "--ff-only")
        env = {
            "GITHUB_API_URL": sandbox.base_url,
            "GITHUB_REPOSITORY": "octo/app",
            "ANTHROPIC_BASE_URL": model.base_url,
        }
        work = {"command": "work", "issue": str(issue.number), "anthropic-api-key": API_KEY}
        legs = [
            ("leg-1", {**work, "worker": "1", "working-directory": str(world.work)}),
            ("leg-2", {**work, "worker": "2", "working-directory": str(second)}),
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs: Sequence[ActRun] = list(pool.map(lambda leg: act(tmp_path, *leg, env), legs))
        for run in runs:
            assert run.returncode == 0, run.log[-4000:]
        gather = {"command": "integrate", "issue": str(issue.number)}
        gathered = act(tmp_path, "gather", {**gather, "working-directory": str(world.work)}, env)
        assert gathered.returncode == 0, gathered.log[-4000:]
        proposed = pulls(sandbox)
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.violations == () and journal.final is not None
    assert {t.state for t in journal.final.tasks} == {TaskStatus.DONE}
    owners = {e.by for t in journal.final.tasks for e in t.history if e.what == "claimed"}
    assert owners and all(owner.endswith(("/work/1", "/work/2")) for owner in owners)
    slices = {f"kairos/plan-issue-{issue.number}/slice-{n}" for n in (1, 2)}
    assert set(proposed) == slices
    for branch in slices:
        body = proposed[branch]["body"]
        assert "1 verification command passed" in body  # each merged step's own check
    assert KAIROS_TOKEN not in "".join(r.log for r in (*runs, gathered)).replace(
        f"::add-mask::{KAIROS_TOKEN}", ""
    )
