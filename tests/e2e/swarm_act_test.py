"""Issue 20's live acceptance under act: the committed swarm workflow
(examples/workflows/kairos-swarm.yml, copied unchanged into the project) carries out a
20-step plan with the matrix its plan job sized, 4 legs at once, then the gather job
proposes the slices, runs the full suite once on them all together and measures the
schedule against its lower bound. A second run, with nothing ready, starts no leg and
asks the model nothing.

Real git, the real jail and pytest, the GitHub sandbox and a scripted model answering
each step's conversation from its own route. act cannot fetch actions offline: the
kairos action runs from a copy of this project (act's ``--local-repository``), and
``actions/checkout`` is act's own copy of the local repository, one per job."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from kairos_ci.adopt.actions import UPLOAD_ARTIFACT
from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.git import Git
from kairos_ci.plan.records import Plan
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.e2e.act_harness import ActEvent, ActRun, copy_project, run_workflow
from tests.e2e.chains import chained_plan, module_routes
from tests.e2e.fix_tests_test import API_KEY, pulls, sample_world
from tests.e2e.init_nightly_act_test import upload_artifact_stand_in
from tests.e2e.work_test import approve_on_memory
from tests.sandbox.github.world import KAIROS_TOKEN, World, client, strict_sandbox

pytestmark = pytest.mark.slow

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "workflows" / "kairos-swarm.yml"
FLOW = ".github/workflows/kairos-swarm.yml"
KAIROS_ACTION = "kairos-ci/kairos-ci@0000000000000000000000000000000000000000"
CHAINS, LENGTH, LEGS = 4, 5, 4


def chains() -> list[list[str]]:
    """Four independent chains of five steps: S1 -> ... -> S5, S6 -> ... -> S10, ..."""
    return [[f"S{c * LENGTH + i + 1}" for i in range(LENGTH)] for c in range(CHAINS)]


@dataclass(frozen=True)
class Swarm:
    """The committed workflow, dispatched under act on the world's checkout."""

    world: World
    sandbox: GitHubSandbox
    model: Handle
    kairos: Path  # the folder act runs for the kairos action
    upload: Path  # the folder act runs for actions/upload-artifact: it copies to uploads
    tmp: Path

    def dispatch(self, issue: int, run_id: int) -> ActRun:
        event = ActEvent(
            "workflow_dispatch",
            {"inputs": {"issue": issue, "max-workers": LEGS}},
            env={
                "GITHUB_API_URL": self.sandbox.base_url,
                "GITHUB_REPOSITORY": "octo/app",
                "GITHUB_RUN_ID": str(run_id),  # each dispatch is a run of its own
                "ANTHROPIC_BASE_URL": self.model.base_url,
            },
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN, "ANTHROPIC_API_KEY": API_KEY},
            local_actions={KAIROS_ACTION: self.kairos, UPLOAD_ARTIFACT.uses: self.upload},
            concurrent_jobs=LEGS,
        )
        folder = self.tmp / f"run-{run_id}"
        folder.mkdir()
        done = run_workflow(self.world.work, self.world.work / FLOW, event, folder)
        (folder / "act.log").write_text(done.log)  # to read when an assertion fails
        assert_no_secret(done.log)
        return done


def with_the_workflow(world: World) -> None:
    """The workflow file as a user copies it: unchanged, committed and pushed."""
    text = WORKFLOW.read_text()
    assert f"uses: {KAIROS_ACTION} #" in text  # the stand-ins replace what the file uses
    assert f"uses: {UPLOAD_ARTIFACT.uses} #" in text
    world.commit({FLOW: text}, "add the kairos swarm workflow")


def test_the_swarm_workflow_runs_twenty_steps_on_four_legs_then_finds_nothing_to_do(
    tmp_path: Path,
) -> None:
    world = sample_world(tmp_path / "world")
    with_the_workflow(world)
    kairos = copy_project(tmp_path / "kairos-ci")
    uploads = tmp_path / "uploads"
    upload = upload_artifact_stand_in(tmp_path / "upload-artifact", uploads)
    script = parse_script({"replies": [], "routes": module_routes(chains())})
    with strict_sandbox(world) as sandbox, running(script) as model:
        issue = client(sandbox).get_repo("octo/app").create_issue("Add modules", "Plan it.")
        plan = chained_plan(world, issue.number, chains())
        approve_on_memory(world, plan, tmp_path / "plans")
        swarm = Swarm(world, sandbox, model, kairos, upload, tmp_path)
        first = swarm.dispatch(issue.number, run_id=1)
        assert first.returncode == 0, first.log[-6000:]
        proposed = pulls(sandbox)
        asked = len(model.requests())
        assert asked == 2 * CHAINS * LENGTH  # each step's two scripted replies
        again = swarm.dispatch(issue.number, run_id=2)
        assert again.returncode == 0, again.log[-6000:]
        assert len(model.requests()) == asked  # the rerun asked the model nothing
    assert job_outputs(first.log, "plan") == {"slots": {'{"slot":[1,2,3,4]}'}, "has-work": {"true"}}
    assert_done_by_every_leg(world, plan)
    assert_uploaded_by_every_leg(uploads)
    assert_full_suite_uploaded(uploads / "kairos-integrate-1-1" / "full-suite-attempt-1")
    slices = {f"kairos/plan-issue-{issue.number}/slice-{n}" for n in range(1, CHAINS + 1)}
    assert set(proposed) == slices
    for branch in slices:
        assert "1 verification command passed" in proposed[branch]["body"]
    gathered = job_summary(first.log, "gather")
    assert_full_suite_once(first.log, gathered)
    assert_measured(gathered)
    assert job_outputs(again.log, "plan") == {"slots": {'{"slot":[]}'}, "has-work": {"false"}}
    assert not re.search(r"^\[kairos swarm/(work|gather)", again.log, re.M), again.log[-4000:]


def assert_done_by_every_leg(world: World, plan: Plan) -> None:
    """Every step done, the journal replays clean, and each of the 4 legs claimed."""
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.violations == () and journal.final is not None
    assert len(journal.final.tasks) == CHAINS * LENGTH
    assert {t.state for t in journal.final.tasks} == {TaskStatus.DONE}
    owners = {e.by for t in journal.final.tasks for e in t.history if e.what == "claimed"}
    assert owners == {f"1.1/work/{leg}" for leg in range(1, LEGS + 1)}  # run 1, attempt 1


def assert_uploaded_by_every_leg(uploads: Path) -> None:
    """Each leg of run 1 uploaded its evidence under its own name, and between them every
    step's attempt is there: its suite's JUnit on the step's tree, its diff, its verdict."""
    legs = sorted(p for p in uploads.iterdir() if p.name.startswith("kairos-work-"))
    assert [leg.name for leg in legs] == [f"kairos-work-1-1-{n}" for n in range(1, LEGS + 1)]
    steps = []
    for kept in (kept for leg in legs for kept in sorted(leg.iterdir())):
        note = json.loads((kept / "attempt.json").read_text())
        assert (note["verdict"], note["junit"], note["patch"]) == (
            "done",
            ["suite-1.xml"],
            "patch.diff",
        ), note
        assert f"calc/{note['step'].lower()}.py" in (kept / "patch.diff").read_text()
        assert "<testcase" in (kept / "suite-1.xml").read_text()
        steps.append(note["step"])
    assert sorted(steps) == sorted(s for chain in chains() for s in chain)


def assert_full_suite_uploaded(kept: Path) -> None:
    """The gather job uploaded the full suite's run on the 4 slices together: its JUnit,
    every test of the project in it, and its verdict."""
    note = json.loads((kept / "attempt.json").read_text())
    assert (note["step"], note["verdict"], note["junit"]) == ("full-suite", "done", ["suite-1.xml"])
    assert note["note"].startswith(f"Full suite on slices 1-{CHAINS} together: 3 passed")
    assert (kept / "suite-1.xml").read_text().count("<testcase") == 4  # 3 pass, 1 as at base


def assert_full_suite_once(log: str, gathered: str) -> None:
    """The integrate step printed one verdict of the project's suite on the 4 slices
    together, and its summary has it: the baseline's failing test is fixed by no step,
    so it is not blamed on them. (act shows each step summary twice in its log.)"""
    line = (
        f"Full suite on slices 1-{CHAINS} together: 3 passed, 0 new failures; "
        "1 failing as at the base"
    )
    printed = re.findall(r"^\[kairos swarm/gather\]\s+\| (Full suite on .*)$", log, re.M)
    assert printed == [line], log[-6000:]
    assert f"- {line}" in gathered.splitlines(), gathered


def assert_measured(gathered: str) -> None:
    """The gather job's summary: this run's legs against the lower bound, and no work left."""
    for row in ("| legs used (m) | 4 |", "| attempts | 20 ended (0 failed),", "| makespan / LB |"):
        assert row in gathered, gathered
    assert "**No work remains** on the plan of" in gathered, gathered


def job_outputs(log: str, job: str) -> dict[str, set[str]]:
    """The sizing outputs a job's steps set, each with every value act logged for it
    (``::set-output:: name=value``): one value each when the job is consistent."""
    found: dict[str, set[str]] = {}
    for name, value in re.findall(
        rf"^\[kairos swarm/{job}\s*\].*::set-output:: ([a-z-]+)=(.*)$", log, re.M
    ):
        if name in ("slots", "has-work"):
            found.setdefault(name, set()).add(value.strip())
    return found


def job_summary(log: str, job: str) -> str:
    """Every step summary of one job: act prints each as a ``Summary - <markdown>`` line
    of the job, its further lines unprefixed."""
    kept: list[str] = []
    inside = False
    for line in log.splitlines():
        if line.startswith("["):
            inside = line.startswith(f"[kairos swarm/{job}]") and "Summary - " in line
        if inside:
            kept.append(line)
    return "\n".join(kept)


def assert_no_secret(log: str) -> None:
    """The token and the model key never reach the log (act echoes add-mask lines)."""
    for secret in (KAIROS_TOKEN, API_KEY):
        assert secret not in log.replace(f"::add-mask::{secret}", ""), secret
