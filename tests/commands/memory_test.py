"""``kairos-ci memory show|verify|compact`` on real repositories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.context import Secret
from kairos_ci.git import Git
from kairos_ci.memory.leases import acquire
from kairos_ci.memory.records import SCHEMA_VERSION, Spend, Task, TaskState
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import (
    at,
    branch_files,
    init_clone,
    init_origin,
    journal,
    make_store,
    put_tip,
    show,
)

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return init_origin(tmp_path / "origin.git")


@pytest.fixture
def clone(tmp_path: Path, origin: Path) -> Path:
    return init_clone(tmp_path / "clone", origin)


@pytest.fixture
def store(clone: Path, tmp_path: Path) -> MemoryStore:
    return make_store(clone, tmp_path / "scratch")


def shown(clone: Path, capsys: Capture, *extra: str) -> dict[str, Any]:
    assert main(["memory", "show", "--repo", str(clone), "--json", *extra]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_show_without_memory_says_so(clone: Path, capsys: Capture) -> None:
    assert main(["memory", "show", "--repo", str(clone)]) == 0
    assert "no memory yet: branch kairos/memory does not exist" in capsys.readouterr().out
    data = shown(clone, capsys)
    assert (data["schema_version"], data["commit"], data["run_count"]) == (SCHEMA_VERSION, None, 0)


def test_show_json_has_what_later_stages_read(
    store: MemoryStore, clone: Path, capsys: Capture
) -> None:
    task = Task("task-1", "fix_lint", "ruff", TaskState.QUEUED, "new findings", at(2))
    store.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    store.save(
        journal("r2", 2, {"t::a": Outcome.PASSED}, spend={"opus": Spend(0.5, 10, 5)}, tasks=(task,))
    )
    acquire(store, "nightly", "r2", ttl_s=3600)
    data = shown(clone, capsys)
    assert data["schema_version"] == SCHEMA_VERSION and data["run_count"] == 2
    assert [run["run_id"] for run in data["recent_runs"]] == ["r1", "r2"]
    test = data["tests"]["t::a"]
    assert test["verdict"] == "new"
    tokens = [token.split(":") for token in test["history"].split(" ")]
    points = data["points"]
    assert [(points[n]["run_id"], outcome, seconds) for n, outcome, seconds in tokens] == [
        ("r1", "f", "0.25"),
        ("r2", "p", "0.25"),
    ]
    assert set(points[tokens[0][0]]) == {"sha", "tree", "run_id", "at"}
    assert "point:outcome:duration" in data["history_format"]
    assert data["spend"]["months"]["2026-11"]["opus"]["usd"] == 0.5
    assert data["tasks"]["task-1"]["state"] == "queued"
    assert data["leases"]["nightly"]["owner"] == "r2"
    assert data["posted"] == {} and data["notes"] == [] and data["keyed"] is False


def test_show_markdown_is_the_summary(store: MemoryStore, clone: Path, capsys: Capture) -> None:
    store.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    assert main(["memory", "show", "--repo", str(clone)]) == 0
    out = capsys.readouterr().out
    assert "# kairos-ci memory" in out and "Runs remembered: 1" in out


def test_show_reads_the_tracking_branch_unless_asked_to_fetch(
    store: MemoryStore, clone: Path, capsys: Capture
) -> None:
    store.save(journal("r1", 1))
    Git(clone).run("fetch", "--quiet", "origin")  # the user's own fetch
    store.save(journal("r2", 2))
    assert shown(clone, capsys)["run_count"] == 1  # no network: the tracking branch
    assert shown(clone, capsys, "--fetch")["run_count"] == 2


def test_branch_comes_from_the_config(clone: Path, tmp_path: Path, capsys: Capture) -> None:
    (clone / ".kairos.yml").write_text("version: 1\nmemory:\n  branch: team/memory\n")
    make_store(clone, tmp_path / "s", branch="team/memory").save(journal("r1", 1))
    data = shown(clone, capsys)
    assert (data["branch"], data["run_count"]) == ("team/memory", 1)
    assert shown(clone, capsys, "--branch", "kairos/memory")["run_count"] == 0


def test_verify_passes_on_a_valid_branch(store: MemoryStore, clone: Path, capsys: Capture) -> None:
    result = store.save(journal("r1", 1))
    assert main(["memory", "verify", "--repo", str(clone)]) == 0
    assert capsys.readouterr().out == f"memory origin kairos/memory at {result.commit}: valid\n"


def test_verify_fails_with_the_reason(
    store: MemoryStore, clone: Path, origin: Path, capsys: Capture
) -> None:
    assert main(["memory", "verify", "--repo", str(clone)]) == 1
    assert "no memory branch 'kairos/memory' yet" in capsys.readouterr().out
    store.save(journal("r1", 1))
    put_tip(origin, {"snapshot.json": b"{", "MEMORY.md": show(origin, "MEMORY.md")})
    assert main(["memory", "verify", "--repo", str(clone)]) == 1
    out = capsys.readouterr().out
    assert "not valid" in out and "snapshot.json: not valid JSON" in out


def test_verify_with_a_key_reports_a_tip_without_its_mac(
    clone: Path, tmp_path: Path, origin: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAIROS_MEMORY_KEY", "mk-verify")
    signed = make_store(clone, tmp_path / "scratch", key=Secret("mk-verify"))
    signed.save(journal("r1", 1))
    assert main(["memory", "verify", "--repo", str(clone), "--fetch"]) == 0
    capsys.readouterr()
    forged = put_tip(origin, {path: show(origin, path) for path in branch_files(origin)})
    assert main(["memory", "verify", "--repo", str(clone), "--fetch"]) == 1
    out = capsys.readouterr().out
    assert f"memory tip {forged[:12]} does not carry this repository's memory MAC" in out
    assert "mk-verify" not in out


def test_a_newer_memory_is_one_clear_error(
    store: MemoryStore, clone: Path, origin: Path, capsys: Capture
) -> None:
    store.save(journal("r1", 1))
    doc = json.loads(show(origin, "snapshot.json"))
    doc["schema_version"] = 7
    put_tip(origin, {"snapshot.json": json.dumps(doc).encode()})
    assert main(["memory", "show", "--repo", str(clone)]) == 1
    err = capsys.readouterr().err
    newer = f"snapshot.json has schema version 7, newer than {SCHEMA_VERSION}"
    assert err.startswith(f"kairos-ci: error: {newer}")
    assert err.count("\n") == 1


def test_compact_folds_journals_then_has_nothing_to_do(
    store: MemoryStore, clone: Path, origin: Path, capsys: Capture
) -> None:
    store.save(journal("r1", 1))
    store.save(journal("r2", 2))
    assert main(["memory", "compact", "--repo", str(clone)]) == 0
    assert "memory kairos/memory: compacted at " in capsys.readouterr().out
    assert not [
        p
        for p in Git(origin).text("ls-tree", "-r", "--name-only", "kairos/memory").split()
        if p.startswith("journal/")
    ]
    assert main(["memory", "compact", "--repo", str(clone)]) == 0
    assert capsys.readouterr().out == "memory kairos/memory: nothing to compact\n"
