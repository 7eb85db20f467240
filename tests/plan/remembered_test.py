"""Plans on the memory branch: a planning job's folder is committed by the second job and
recalled by the next planning job, through a real origin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.memory import caps
from kairos_ci.memory.records import Spend
from kairos_ci.memory.store import MemoryStore
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.records import Phase, PlanStatus
from kairos_ci.plan.remembered import PlanSpend, keep_spend, of_plan, recall, remember
from tests.memory.helpers import branch_files, init_clone, init_origin, make_store
from tests.plan.fakes import Killed, KilledAfter, ScriptedLlm
from tests.plan.migration_script import design_replies, draft_replies
from tests.plan.phases_test import rig

SHA = "c" * 40


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return init_origin(tmp_path / "origin.git")


@pytest.fixture
def store(tmp_path: Path, origin: Path) -> MemoryStore:
    return make_store(init_clone(tmp_path / "clone", origin), tmp_path / "scratch")


def put(folder: Path, path: str, content: object) -> None:
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content if isinstance(content, str) else json.dumps(content))


def current(version: int) -> dict[str, object]:
    return {"data": {"plan": {"version": version}}}


def plan_files(origin: Path) -> list[str]:
    return [f for f in branch_files(origin) if f.startswith("plans/")]


def test_a_folder_remembered_by_one_job_is_recalled_by_the_next(
    store: MemoryStore, origin: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    put(first, "issue-7/publish.json", current(1))
    put(first, "issue-7/plan.md", "# the plan\n")
    put(first, "issue-7-v1-0123456789ab/survey.json", {"data": {"files": 3}})
    kept = remember(store, first, SHA)
    assert kept.saved.changed and kept.files == 3 and kept.notes == ()
    assert plan_files(origin) == [
        "plans/issue-7-v1-0123456789ab/survey.json",
        "plans/issue-7/plan.md",
        "plans/issue-7/publish.json",
    ]
    later = tmp_path / "later"
    assert recall(store, "issue-7", later) == ()
    assert json.loads((later / "issue-7-v1-0123456789ab/survey.json").read_text()) == {
        "data": {"files": 3}
    }
    assert remember(store, later, SHA).saved.changed is False  # the same files change nothing


def test_recall_takes_only_the_issues_files_and_keeps_the_folders_own(
    store: MemoryStore, tmp_path: Path
) -> None:
    folder = tmp_path / "jobs"
    put(folder, "issue-1/publish.json", current(1))
    put(folder, "issue-12/publish.json", current(1))
    put(folder, "issue-1-v2-0123456789ab/intake.json", {"data": "remembered"})
    remember(store, folder, SHA)
    fresh = tmp_path / "fresh"
    put(fresh, "issue-1-v2-0123456789ab/intake.json", {"data": "this job's own"})
    recall(store, "issue-1", fresh)
    got = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*.json"))
    assert got == ["issue-1-v2-0123456789ab/intake.json", "issue-1/publish.json"]
    assert "this job's own" in (fresh / "issue-1-v2-0123456789ab/intake.json").read_text()
    assert of_plan("issue-1")("issue-1-v3-0123456789ab/x.json")
    assert not of_plan("issue-1")("issue-12/publish.json")


def test_bad_files_are_named_and_skipped_and_the_good_ones_kept(
    store: MemoryStore, origin: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "jobs"
    put(folder, "issue-2/publish.json", current(1))
    put(folder, "issue-2/notes.txt", "not a plan file")
    put(folder, "issue-2/broken.json", "{not json")
    put(folder, "issue-2/list.json", "[1, 2]")
    put(folder, "loose.json", "{}")
    put(folder, "issue-2/deep/x.json", "{}")
    (folder / "issue-2" / "link.json").symlink_to(folder / "issue-2" / "publish.json")
    (folder / "issue-2" / "huge.json").write_bytes(b" " * (caps.CARRIED_FILE_BYTES + 1))
    kept = remember(store, folder, SHA)
    assert plan_files(origin) == ["plans/issue-2/publish.json"]
    assert sorted(note.split(":")[0] for note in kept.notes) == [
        "issue-2/broken.json",
        "issue-2/deep/x.json",
        "issue-2/huge.json",
        "issue-2/list.json",
        "issue-2/notes.txt",
        "loose.json",
    ]
    assert any("not JSON" in note for note in kept.notes)


def test_a_new_version_drops_the_older_versions_checkpoints_only(
    store: MemoryStore, origin: Path, tmp_path: Path
) -> None:
    first = tmp_path / "v1"
    put(first, "issue-5/publish.json", current(1))
    put(first, "issue-5-v1-0123456789ab/survey.json", {"data": 1})
    put(first, "issue-6-v1-0123456789ab/survey.json", {"data": 1})
    remember(store, first, SHA)
    second = tmp_path / "v2"
    put(second, "issue-5/publish.json", current(2))
    put(second, "issue-5-v2-ba9876543210/survey.json", {"data": 2})
    kept = remember(store, second, SHA)
    assert kept.dropped == 1
    assert plan_files(origin) == [
        "plans/issue-5-v2-ba9876543210/survey.json",
        "plans/issue-5/publish.json",
        "plans/issue-6-v1-0123456789ab/survey.json",
    ]


def test_an_empty_folder_saves_nothing(store: MemoryStore, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    kept = remember(store, tmp_path / "empty", SHA)
    assert not kept.saved.changed and kept.files == 0


def test_killed_after_the_survey_the_next_job_resumes_from_the_memory_branch(
    store: MemoryStore, tmp_path: Path
) -> None:
    """The acceptance, across jobs: each job has its own empty folder; only the memory
    branch carries the finished phases from one to the next."""
    setup = rig(tmp_path, ScriptedLlm())
    first_job = tmp_path / "job-1"
    setup.store = KilledAfter(DirectoryCheckpoints(first_job), Phase.SURVEY)
    with pytest.raises(Killed):
        setup.run()
    remember(store, first_job, SHA)
    second_job = tmp_path / "job-2"
    recall(store, "shop-7", second_job)
    setup.store = DirectoryCheckpoints(second_job)
    setup.llm = ScriptedLlm(*design_replies(), *draft_replies())
    outcome = setup.run()
    assert outcome.resumed == (Phase.INTAKE, Phase.SURVEY)
    assert len(setup.baseline.asked) == 1
    assert outcome.plan is not None and outcome.plan.status is PlanStatus.AWAITING_APPROVAL


def test_a_planning_run_s_spend_goes_into_the_ledger_once_and_not_onto_plans(
    store: MemoryStore, origin: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "jobs"
    put(folder, "issue-9/publish.json", current(1))
    by_model = {"claude-opus-5-5": Spend(0.25, 1000, 200)}
    keep_spend(folder, PlanSpend("4242.1", "2026-11-27T05:00:00Z", "issues", by_model))
    kept = remember(store, folder, SHA)
    assert kept.spent == ("4242.1",) and kept.files == 1
    assert plan_files(origin) == ["plans/issue-9/publish.json"]
    ledger = store.load().memory.spend
    assert ledger.runs["4242.1"] == by_model and ledger.days["2026-11-27"] == by_model
    assert remember(store, folder, SHA).spent == ()  # the same run is not counted twice


def test_a_spend_file_that_lies_is_named_and_skipped(store: MemoryStore, tmp_path: Path) -> None:
    folder = tmp_path / "jobs"
    bad = {"usd": -5, "input_tokens": 1, "output_tokens": 1}
    put(
        folder,
        "spend/run-1.json",
        {"run_id": "1", "at": "2026-11-27T05:00:00Z", "event": "issues", "by_model": {"m": bad}},
    )
    kept = remember(store, folder, SHA)
    assert kept.spent == () and kept.notes == (
        "spend/run-1.json: not a planning run's spend (usd -5): skipped",
    )
