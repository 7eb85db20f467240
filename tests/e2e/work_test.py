"""`kairos-ci work` and `kairos-ci integrate` end to end: an approved three-step plan on the
memory branch, a scripted model, the real jail and pytest. Each step lands on its own
branch (the second built on the first), the board's journal replays clean, and the two
independent slices become two pull requests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.moves import FINISHED
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent, TaskStatus
from kairos_ci.coordinator.seed import task_class
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.track import MIN_ATTEMPTS
from kairos_ci.git import Git
from kairos_ci.memory.records import Journal, RunRecord, RunResult, VerdictRecord
from kairos_ci.memory.store import MemoryStore
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import keep_current, with_approval
from kairos_ci.plan.records import (
    Approval,
    Baseline,
    FileChanges,
    Plan,
    Step,
    StepVerification,
)
from kairos_ci.plan.remembered import remember
from kairos_ci.sandbox.anthropic.server import Handle
from kairos_ci.sandbox.github.server import GitHubSandbox
from kairos_ci.verdicts.records import Verdict
from tests.e2e.fix_tests_test import (
    TARGET,
    github,
    model,
    models_asked,
    pulls,
    sample_world,
    use,
)
from tests.plan.sample import STEPS, sample_plan
from tests.sandbox.github.world import World, client
from tests.tasks.chat.people import TOKENS, event_payload, sandbox_for

KAIROS = "kairos-ci[bot]"

pytestmark = pytest.mark.slow

SUITE = "python -m pytest -q -p no:cacheprovider tests"
TRIAGE_MODEL = "claude-haiku-4-5"  # the sample's config: models.triage
WORK_MODEL = "claude-sonnet-4-5"  # the sample's config: models.work
PLAN_MODEL = "claude-opus-5-5"  # models.plan, the schema's default
# The sample's mode test draws from a generator seeded by the run id; this one passes.
STEADY_RUN = "4242"
# The sample project at its base: one test fails there, the one S1 fixes.
BASELINE = Baseline(SUITE, 4, 1, 0, (TARGET,))
OLD = "    return sum(values) / len(values)"
NEW = "    if not values:\n        return 0.0\n    return sum(values) / len(values)"
SPREAD = "def spread(values):\n    return max(values) - min(values) if values else 0\n"
TOTAL = "def total(values):\n    return sum(values)\n"
SCRIPT = [
    use("replace_in_file", path="calc/stats.py", old=OLD, new=NEW),
    use("finish", summary="mean() of an empty list is 0.0 now."),
    use("write_file", path="calc/spread.py", content=SPREAD),
    use("finish", summary="spread() gives the range of the values."),
    use("write_file", path="calc/total.py", content=TOTAL),
    use("finish", summary="total() adds the values."),
]


def three_step_plan(
    world: World, issue: int = 7, count: int = 3, first_check: str = f"{SUITE}/test_stats.py"
) -> Plan:
    """S1 then S2, which builds on it; S3 on its own: two slices, so two pull requests."""
    fix, spread, total = STEPS[0], STEPS[1], STEPS[2]
    steps = (
        replace(
            fix,
            title="Make mean() of nothing 0.0",
            files=FileChanges(modify=("calc/stats.py",)),
            verification=StepVerification((first_check,)),
        ),
        replace(
            spread,
            title="Add spread()",
            files=FileChanges(create=("calc/spread.py",)),
            verification=StepVerification((SUITE,)),
        ),
        replace(
            total,
            title="Add total()",
            depends_on=(),
            files=FileChanges(create=("calc/total.py",)),
            verification=StepVerification((f"{SUITE}/test_stats.py::test_mean",)),
        ),
    )
    return plan_of(world, issue, steps[:count])


def plan_of(
    world: World, issue: int, steps: tuple[Step, ...], baseline: Baseline = BASELINE
) -> Plan:
    """The approved plan of ``issue`` with ``steps``, based on the world's HEAD, whose
    suite has ``baseline`` (the sample's)."""
    base = sample_plan()
    return sample_plan(
        plan_id=f"issue-{issue}",
        issue=issue,
        repository="octo/app",
        base_sha=world.git("rev-parse", "HEAD"),
        steps=steps,
        decision_points=(),
        context=replace(base.context, impact_set=(), baseline=baseline),
    )


def approve_on_memory(world: World, plan: Plan, state: Path) -> None:
    """What the planning workflow leaves behind once a maintainer approved the plan."""
    approval = Approval("maria", "2026-12-07T09:00:00Z", plan.plan_hash, {})
    keep_current(DirectoryCheckpoints(state), with_approval(plan, approval))
    memory = MemoryStore(world.work, clock=utc_now)
    remember(memory, state, world.git("rev-parse", "HEAD"))


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Handle]:
    with model(monkeypatch, SCRIPT) as handle:  # type: ignore[arg-type]
        yield handle


def work(world: World, issue: int = 7) -> int:
    argv = ["work", "--issue", str(issue), "--repo", str(world.work), "--minutes", "10"]
    return main([*argv, "--worker", "1"])


def integrate(world: World, issue: int) -> int:
    return main(["integrate", "--issue", str(issue), "--repo", str(world.work)])


def test_an_approved_plan_is_carried_out_and_proposed_one_pull_request_per_slice(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch, scripted: Handle
) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", STEADY_RUN)
    temp, outputs = tmp_path / "runner-temp", tmp_path / "outputs"
    temp.mkdir()
    monkeypatch.setenv("RUNNER_TEMP", str(temp))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    world = sample_world(tmp_path)
    with github(world, monkeypatch) as sandbox:
        issue = client(sandbox).get_repo("octo/app").create_issue("Tidy calc", "Plan it.")
        plan = three_step_plan(world, issue.number)
        approve_on_memory(world, plan, tmp_path / "plans")
        assert work(world, issue.number) == 0, env.read_text()
        assert_evidence(output(outputs, "evidence"), ("S1", "S2", "S3"))
        assert output(outputs, "summary") == "kairos-ci work: 3 done, 0 failed"
        assert integrate(world, issue.number) == 0, env.read_text()
        proposed = pulls(sandbox)
        progress = [c.body for c in issue.get_comments()]
    assert len(scripted.requests()) == len(SCRIPT)
    assert set(proposed) == {
        f"kairos/plan-issue-{issue.number}/slice-1",
        f"kairos/plan-issue-{issue.number}/slice-2",
    }
    one = proposed[f"kairos/plan-issue-{issue.number}/slice-1"]
    assert one["title"].endswith("(part 1 of 2)") and "| S2 | Add spread() |" in one["body"]
    origin = Git(world.origin)
    first = origin.text("rev-parse", f"refs/heads/kairos/plan-issue-{issue.number}/S1")
    second = origin.text("rev-parse", f"refs/heads/kairos/plan-issue-{issue.number}/S2")
    assert "return 0.0" in origin.text("show", f"{first}:calc/stats.py")
    assert "return 0.0" in origin.text("show", f"{second}:calc/stats.py")  # built on S1
    assert "def spread" in origin.text("show", f"{second}:calc/spread.py")
    journal = replay(origin, "refs/heads/kairos/memory", plan.plan_id)
    assert journal.violations == ()
    assert journal.final is not None
    assert {t.id: t.state for t in journal.final.tasks} == dict.fromkeys(
        ("S1", "S2", "S3"), TaskStatus.DONE
    )
    assert journal.final.task("S2").result is not None
    assert journal.final.task("S2").result.head == second
    summary = env.read_text()
    assert f"plan {plan.hash8}: 3 done, 0 failed; every task has ended" in summary
    merged = origin.text("rev-parse", f"refs/heads/kairos/plan-issue-{issue.number}/slice-1")
    assert "def spread" in origin.text("show", f"{merged}:calc/spread.py")
    assert "return 0.0" in origin.text("show", f"{merged}:calc/stats.py")
    assert world.git("status", "--porcelain") == ""
    (shown,) = progress  # the plan comment, edited once per finished task and integration
    assert "progress 100%" in shown and "**Done 3 of 3**" in shown
    # Each step's row names its slice's pull request (the sandbox's http URL stays text).
    cell = {p["head"]["ref"][-1]: f"| {p['html_url']} |" for p in proposed.values()}
    assert shown.count(cell["1"]) == 2 and shown.count(cell["2"]) == 1


def test_a_plan_without_an_approval_runs_nothing(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch, scripted: Handle
) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", STEADY_RUN)
    world = sample_world(tmp_path)
    plan = three_step_plan(world)
    state = tmp_path / "plans"
    keep_current(DirectoryCheckpoints(state), plan)
    remember(MemoryStore(world.work, clock=utc_now), state, world.git("rev-parse", "HEAD"))
    with github(world, monkeypatch):
        assert work(world) == 0
    assert scripted.requests() == []
    assert f"plan {plan.hash8} has no approval" in env.read_text()
    assert "kairos/plan-issue-7" not in Git(world.origin).text("branch", "--all")


BREAK = [
    use("replace_in_file", path="calc/stats.py", old=OLD, new="    return 0.0"),
    use("finish", summary="mean() is simpler now."),
]


def test_a_step_that_breaks_a_test_passing_at_the_base_is_not_verified(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", STEADY_RUN)
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path / "runner-temp"))
    world = sample_world(tmp_path)
    # Its own check looks elsewhere: only the whole suite sees what it broke.
    plan = three_step_plan(
        world, count=1, first_check=f"{SUITE}/test_stats.py::test_median_odd_and_even"
    )
    with model(monkeypatch, BREAK * 2) as handle, github(world, monkeypatch):  # type: ignore[arg-type]
        approve_on_memory(world, plan, tmp_path / "plans")
        assert work(world) == 1  # the step failed: a problem in the summary
        assert len(handle.requests()) == 4  # two attempts, each judged and refused
        # The second attempt, after a failed one, is one tier up: work, then plan.
        assert models_asked(handle) == [WORK_MODEL] * 2 + [PLAN_MODEL] * 2
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.final is not None
    failed = journal.final.task("S1")
    # Each result keeps the tier it ran: the track record the next plans choose by.
    assert [e.tier for e in failed.history if e.what in FINISHED] == ["work", "plan"]
    assert failed.state is TaskStatus.FAILED and failed.result is not None
    assert "tests that passed at the base fail: tests.test_stats::test_mean" in failed.result.note
    assert "kairos/plan-issue-7/S1" not in Git(world.origin).text("branch", "--all")
    assert_refused_attempts_kept(tmp_path / "runner-temp" / "kairos-ci" / "evidence" / "work-1")


def test_a_class_the_cheap_tier_does_well_runs_the_cheap_tier(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", STEADY_RUN)
    world = sample_world(tmp_path)
    plan = three_step_plan(world, count=1)
    earlier = record_of(task_class(plan, plan.steps[0]), "triage", ok=MIN_ATTEMPTS)
    BoardStore(MemoryStore(world.work, clock=utc_now), earlier.plan_id).create(earlier)
    with model(monkeypatch, SCRIPT[:2]) as handle, github(world, monkeypatch):  # type: ignore[arg-type]
        approve_on_memory(world, plan, tmp_path / "plans")
        assert work(world) == 0, env.read_text()
        assert models_asked(handle) == [TRIAGE_MODEL] * 2  # the plan asked for work
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.final is not None
    done = journal.final.task("S1")
    assert done.state is TaskStatus.DONE and done.history[-1].tier == "triage"


def record_of(task_class: str, tier: str, ok: int) -> Board:
    """Another plan's board whose tasks of ``task_class`` each ended done at ``tier``."""
    tasks = []
    for n in range(1, ok + 1):
        events = (
            TaskEvent(f"2026-12-0{n}T03:00:00Z", "claimed", "9.1/work/1", n),
            TaskEvent(f"2026-12-0{n}T03:10:00Z", "done", fence=n, tier=tier),
        )
        tasks.append(
            BoardTask(
                f"S{n}",
                f"Step {n}",
                TaskStatus.DONE,
                (),
                (f"f{n}.py",),
                10.0,
                "work",
                10.0,
                1.0,
                2,
                attempts=1,
                history=events,
                task_class=task_class,
            )
        )
    return Board("issue-99", "e" * 64, tuple(tasks), fence=ok)


def assert_refused_attempts_kept(root: Path) -> None:
    """A refused attempt keeps the diff it tried and both suite runs: the first and the
    rerun that confirmed the failure."""
    assert sorted(p.name for p in root.iterdir()) == ["S1-attempt-1", "S1-attempt-2"]
    for attempt, kept in enumerate(sorted(root.iterdir()), 1):
        note = json.loads((kept / "attempt.json").read_text())
        assert (note["attempt"], note["verdict"]) == (attempt, "failed")
        assert note["junit"] == ["suite-1.xml", "suite-2.xml"]
        assert note["note"].startswith("tests that passed at the base fail")
        assert "+    return 0.0" in (kept / "patch.diff").read_text()
        for report in ("suite-1.xml", "suite-2.xml"):
            failures = ET.parse(kept / report).getroot().iter("failure")
            assert any(True for _ in failures), report


QUESTION = {
    "text": "What is the mean of no values: 0.0, or None?",
    "options": ["0.0, like sum()", "None: there is no mean"],
}
ASKS = [
    use("read_file", path="calc/stats.py"),
    use("finish", summary="The plan does not say what an empty mean is.", question=QUESTION),
]
ANSWERED = [
    use("replace_in_file", path="calc/stats.py", old=OLD, new=NEW),
    use("finish", summary="mean() of an empty list is 0.0 now.", assumed={"D1": "a"}),
    use("write_file", path="calc/spread.py", content=SPREAD),
    use("finish", summary="spread() gives the range of the values.", assumed={"D1": "a"}),
]


def output(written: Path, name: str) -> str:
    """A step output as the runner wrote it (``name<<delimiter``, the value, the delimiter)."""
    lines = written.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}<<"))
    return lines[start + 1]


def assert_evidence(folder: str, steps: tuple[str, ...]) -> None:
    """Each step's first attempt left the suite's JUnit on its tree, its diff and its note."""
    root = Path(folder)
    assert root.name == "work-1"
    assert sorted(p.name for p in root.iterdir()) == [f"{step}-attempt-1" for step in steps]
    for step_id in steps:
        kept = root / f"{step_id}-attempt-1"
        note = json.loads((kept / "attempt.json").read_text())
        assert (note["step"], note["verdict"], note["junit"]) == (step_id, "done", ["suite-1.xml"])
        assert note["fence"] > 0 and note["patch"] == "patch.diff"
        assert (kept / "patch.diff").read_text().startswith("diff --git a/calc/")
        cases = ET.parse(kept / "suite-1.xml").getroot().iter("testcase")
        assert "test_mean" in {case.get("name") for case in cases}


def tick_as_maria(world: World, tmp_path: Path, comment: Any, ticked: str) -> int:
    """Maria saves the plan comment with an option ticked; the plan job reads the edit."""
    payload = event_payload(world, KAIROS, comment.issue, comment.id, ticked, action="edited")
    payload["sender"] = {"login": "maria", "type": "User"}
    payload["changes"] = {"body": {"from": comment.body}}
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(payload))
    state = str(tmp_path / "tick-state")
    argv = ["--repo", str(world.work), "--state", state]
    read = main(["plan", "--event", "issue_comment", "--payload", str(path), *argv])
    return read or main(["remember-plans", *argv])


@dataclass(frozen=True)
class Posted:
    issue: int
    id: int
    body: str


def plan_comment_of(sandbox: GitHubSandbox, issue: int) -> Posted:
    (comment,) = client(sandbox).get_repo("octo/app").get_issue(issue).get_comments()
    return Posted(issue, comment.id, comment.body)


def test_a_question_becomes_a_decision_point_on_the_plan_comment_not_a_merge(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S1's agent meets a choice the plan left open and asks instead of guessing: nothing
    is pushed or merged, S1 and S2 (after it) wait, and the plan comment carries the
    question with a box per option. Maria ticks one; the board takes her answer, and the
    next run carries out both steps on it, told the answer."""
    monkeypatch.setenv("GITHUB_RUN_ID", STEADY_RUN)
    world = sample_world(tmp_path)
    origin = Git(world.origin)
    with model(monkeypatch, ASKS + ANSWERED) as handle, sandbox_for(world) as sandbox:  # type: ignore[arg-type]
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        number = (
            client(sandbox, TOKENS["maria"]).get_repo("octo/app").create_issue("Calc", "").number
        )
        plan = three_step_plan(world, number, count=2)
        approve_on_memory(world, plan, tmp_path / "plans")
        assert work(world, number) == 0, env.read_text()
        assert "nothing can run until an answer to D1: see the plan comment" in env.read_text()
        asked = plan_comment_of(sandbox, number)
        assert "- [x] Approve plan" in asked.body  # the plan as it was approved, above
        assert "#### Decision D1: What is the mean of no values: 0.0, or None?" in asked.body
        assert "Asked while carrying out S1; waiting: S1, S2." in asked.body
        assert f"- [ ] a: 0.0, like sum() <!-- kairos:board={plan.hash8}:dp=D1:opt=a -->" in (
            asked.body
        )
        assert f"plan-{number}/S1" not in origin.text("branch", "--list", "kairos/*")
        assert integrate(world, number) == 0
        assert pulls(sandbox) == {}  # a decision point, not a merge

        ticked = asked.body.replace("- [ ] a: 0.0", "- [x] a: 0.0")
        assert tick_as_maria(world, tmp_path, asked, ticked) == 0
        assert f"issue-{number}: D1 = a, answered by maria" in env.read_text()
        assert work(world, number) == 0, env.read_text()
        assert "every task has ended" in env.read_text()
        assert integrate(world, number) == 0
        assert set(pulls(sandbox)) == {f"kairos/plan-issue-{number}/slice-1"}
        done = plan_comment_of(sandbox, number).body
    assert "Decided by maria: a: 0.0, like sum()" in done and "**Done 2 of 2**" in done
    journal = replay(origin, "refs/heads/kairos/memory", plan.plan_id)
    assert journal.violations == () and journal.final is not None
    assert [t.state for t in journal.final.tasks] == [TaskStatus.DONE, TaskStatus.DONE]
    assert journal.final.decisions == {"D1": "a"}
    again = handle.requests()[len(ASKS)]["body"]["messages"][0]["content"]
    assert "- D1: What is the mean of no values: 0.0, or None? -> a (0.0, like sum())" in str(again)


FLAKY = "tests.test_stats::test_mode_of_generated_sample"


def remember_flaky(world: World, test_id: str) -> None:
    """What a nightly leaves in memory after it saw ``test_id`` pass and fail on one commit."""
    head = world.git("rev-parse", "HEAD")
    run = RunRecord("night-1", "schedule", head, "2026-12-06T03:00:00Z", RunResult.SUCCESS)
    verdict = VerdictRecord(Verdict.FLAKY, ("night-1",))
    MemoryStore(world.work, clock=utc_now).save(Journal(run=run, verdicts={test_id: verdict}))


def test_a_test_memory_judged_flaky_does_not_sink_a_step(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under this run id the sample's mode test fails every time, run again or not; the
    last nightly judged it flaky, so the step's suite check does not count it."""
    monkeypatch.setenv("GITHUB_RUN_ID", "2")
    world = sample_world(tmp_path)
    plan = three_step_plan(world, count=1, first_check=f"{SUITE}/test_stats.py::test_mean")
    with model(monkeypatch, SCRIPT[:2]), github(world, monkeypatch):  # type: ignore[arg-type]
        approve_on_memory(world, plan, tmp_path / "plans")
        remember_flaky(world, FLAKY)
        assert work(world) == 0, env.read_text()
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.final is not None
    done = journal.final.task("S1")
    assert done.state is TaskStatus.DONE and done.result is not None
    assert done.result.tests_after.endswith(f"failing as at the base; flaky here: {FLAKY}")
