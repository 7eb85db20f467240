from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kairos_ci.context import Secret
from kairos_ci.errors import GitError, MemoryConflict, MemoryError_
from kairos_ci.git import Git
from kairos_ci.memory.records import SCHEMA_VERSION, Fact, Lease, MemoryLimits, RunRecord, RunResult
from kairos_ci.memory.store import CarriedChange, Edit, MemoryStore
from kairos_ci.memory.tip import Tip
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import NOW, T0, at, branch_files, journal, make_store, show
from tests.memory.http_git import serve, token_of


def test_the_first_save_creates_the_branch_and_load_reads_it(
    store: MemoryStore, origin: Path
) -> None:
    assert store.load().commit is None
    result = store.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    assert result.changed and result.attempts == 1
    assert Git(origin).text("rev-parse", "refs/heads/kairos/memory") == result.commit
    files = branch_files(origin)
    assert {"MEMORY.md", "snapshot.json", "leases.json"} <= set(files)
    assert [f for f in files if f.startswith("journal/")] == ["journal/" + store.load().journals[0]]
    loaded = store.load()
    assert loaded.commit == result.commit and loaded.notes == () and not loaded.keyed
    assert loaded.memory.tests["t::a"].history[0].outcome is Outcome.FAILED
    assert b"Runs remembered: 1" in show(origin, "MEMORY.md")


def test_the_branch_is_an_orphan_and_only_kairos_commits(store: MemoryStore, origin: Path) -> None:
    store.save(journal("r1", 1))
    store.save(journal("r2", 2))
    git = Git(origin)
    assert git.text("rev-list", "--count", "refs/heads/kairos/memory") == "2"
    assert git.text("log", "--format=%cn <%ce>", "-1", "refs/heads/kairos/memory") == (
        "kairos-ci <kairos-ci@users.noreply.github.com>"
    )


def test_saving_the_same_journal_again_pushes_nothing(store: MemoryStore) -> None:
    one = journal("r1", 1, {"t::a": Outcome.PASSED})
    first = store.save(one)
    again = store.save(one)
    assert not again.changed and again.commit == first.commit
    assert store.load().memory.run_count == 1


def test_a_bad_journal_is_refused_before_anything_is_written(
    store: MemoryStore, origin: Path
) -> None:
    bad = journal("r1", 1)
    bad = type(bad)(run=RunRecord("r1", "push", "not-a-sha", at(1), RunResult.SUCCESS))
    with pytest.raises(MemoryError_, match=r"journal of run 'r1' is invalid: .*run/sha"):
        store.save(bad)
    assert (
        Git(origin)
        .run("rev-parse", "--verify", "-q", "refs/heads/kairos/memory", check=False)
        .returncode
        == 1
    )


def test_a_journal_holding_the_token_is_never_saved(clone: Path, tmp_path: Path) -> None:
    token = "ghs_" + "leak" * 8
    store = make_store(clone, tmp_path / "s", token=Secret(token))
    leaky = journal("r1", 1, facts=(Fact("note", f"token is {token}", "model", "r1", at(1)),))
    with pytest.raises(MemoryError_, match="contains the token: not saved") as caught:
        store.save(leaky)
    assert token not in str(caught.value)


def test_journals_are_compacted_in_generations_so_the_tip_stays_bounded(
    clone: Path, tmp_path: Path, origin: Path
) -> None:
    limits = MemoryLimits(max_journals=5)
    store = make_store(clone, tmp_path / "scratch", limits=limits, clock=lambda: T0)
    counts, snapshots = [], []
    for i in range(12):
        store.save(journal(f"r{i}", i, {"t::a": Outcome.PASSED}))
        counts.append(len(store.load().journals))
        snapshots.append(Git(origin).text("rev-parse", "refs/heads/kairos/memory:snapshot.json"))
    assert counts == [1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0]
    # The snapshot is rewritten once per generation, not on every save.
    assert len(set(snapshots)) == 3 and snapshots[1:5] == [snapshots[0]] * 4
    loaded = store.load()
    assert loaded.memory.run_count == 12
    assert [e.run_id for e in loaded.memory.tests["t::a"].history] == [f"r{i}" for i in range(12)]


def test_old_journals_are_compacted_by_age(clone: Path, tmp_path: Path) -> None:
    now = [T0]
    store = make_store(clone, tmp_path / "scratch", clock=lambda: now[0])
    store.save(journal("r1", 1))
    store.save(journal("r2", 2))
    assert len(store.load().journals) == 2
    now[0] = T0 + MemoryLimits().journal_age + timedelta(minutes=1)
    store.save(journal("r3", 3600 * 24 * 8))
    loaded = store.load()
    assert loaded.journals == ()  # the whole generation, r3 with it, is in the snapshot
    assert loaded.memory.run_count == 3


def test_compact_folds_everything_and_then_has_nothing_to_do(
    store: MemoryStore, origin: Path
) -> None:
    for i in range(3):
        store.save(journal(f"r{i}", i, {"t::a": Outcome.FAILED}))
    before = store.load().memory
    result = store.compact()
    assert result.changed
    assert [f for f in branch_files(origin) if f.startswith("journal/")] == []
    assert store.load().memory == before
    assert not store.compact().changed


def test_a_lost_race_is_retried_on_the_new_tip(
    store: MemoryStore, clone: Path, tmp_path: Path
) -> None:
    racer = make_store(clone, tmp_path / "racer")
    store.save(journal("r0", 0))
    calls = []

    def change(tip: Tip) -> Edit:
        calls.append(tip.commit)
        if len(calls) == 1:
            racer.save(journal("racer", 1))  # lands between our fetch and our push
        return Edit("memory: test lease", leases={"x": Lease("x", "me", at(0), at(60))})

    result = store.transact(change)
    assert result.attempts == 2 and calls[0] != calls[1]
    loaded = store.load()
    assert {r.run_id for r in loaded.memory.runs} == {"r0", "racer"}
    assert "x" in loaded.memory.leases


def test_always_losing_the_race_gives_up_after_the_bounded_tries(
    clone: Path, tmp_path: Path
) -> None:
    store = make_store(clone, tmp_path / "scratch", max_attempts=3)
    racer = make_store(clone, tmp_path / "racer")
    store.save(journal("r0", 0))
    tries = []

    def change(tip: Tip) -> Edit:
        tries.append(1)
        racer.save(journal(f"racer{len(tries)}", len(tries)))
        return Edit("memory: test lease", leases={"x": Lease("x", "me", at(0), at(60))})

    with pytest.raises(MemoryConflict, match="gave up after 3 tries"):
        store.transact(change)
    assert len(tries) == 3


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_load_and_save_leave_the_users_clone_byte_identical(
    store: MemoryStore, clone: Path
) -> None:
    Git(clone).run(
        "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic persisted"
    )
    before = _files(clone)
    assert {".git/HEAD", ".git/index", ".git/config", "app.py", "notes.txt"} <= before.keys()
    store.load()
    store.save(journal("r1", 1, {"t::a": Outcome.PASSED}))
    store.load()
    store.compact()
    store.verify()
    after = _files(clone)
    assert after == before
    # The index still holds the staged change and HEAD still points at main.
    assert Git(clone).text("diff", "--cached", "--name-only") == "app.py"
    assert Git(clone).text("symbolic-ref", "HEAD") == "refs/heads/main"


def test_the_token_travels_as_a_header_only(tmp_path: Path, clone: Path) -> None:
    token = "ghs_" + "s3cret" * 6
    root = tmp_path / "served"
    root.mkdir()
    Git(tmp_path).run("init", "--quiet", "--bare", str(root / "origin.git"))
    with serve(root, token) as (url, seen):
        store = MemoryStore(
            clone,
            remote=f"{url}/origin.git",
            token=Secret(token),
            server_url=url,
            scratch_dir=tmp_path,
            clock=lambda: NOW,
        )
        store.save(journal("r1", 1))
        assert store.load().memory.run_count == 1
    assert seen.authorization and {token_of(a) for a in seen.authorization} == {token}
    assert not any(token.encode() in line for line in seen.command_lines)
    assert all(token.encode() not in data for data in _files(clone / ".git").values())
    assert token not in repr(store)


def test_the_token_is_not_sent_to_another_host(tmp_path: Path, clone: Path) -> None:
    token = "ghs_" + "other" * 6
    root = tmp_path / "served"
    root.mkdir()
    Git(tmp_path).run("init", "--quiet", "--bare", str(root / "origin.git"))
    with serve(root, token) as (url, seen):
        store = MemoryStore(
            clone,
            remote=f"{url}/origin.git",
            token=Secret(token),
            server_url="https://github.com",
            scratch_dir=tmp_path,
            clock=lambda: NOW,
        )
        with pytest.raises(GitError) as caught:
            store.load()
    assert set(seen.authorization) == {None}
    assert token not in str(caught.value)


def test_memory_json_on_the_branch_is_compact_but_valid_json(
    store: MemoryStore, origin: Path
) -> None:
    store.save(journal("r1", 1, {"t::a": Outcome.PASSED}))
    snapshot = json.loads(show(origin, "snapshot.json"))
    assert snapshot["schema_version"] == SCHEMA_VERSION and snapshot["kind"] == "snapshot"


def test_files_under_plans_are_carried_through_every_save_and_read_back_by_path(
    store: MemoryStore, origin: Path
) -> None:
    plan = b'{"data": {}}'
    store.transact(lambda tip: Edit("plans", carried={"plans/issue-3/publish.json": plan}))
    store.save(journal("r1", 1, {"t::a": Outcome.PASSED}))  # a nightly knows nothing of plans
    store.compact()
    assert show(origin, "plans/issue-3/publish.json") == plan
    assert store.load().notes == ()  # not memory, and not an unexpected file either
    found = store.carried_files("plans", lambda path: path.startswith("issue-3/"))
    assert found.files == {"issue-3/publish.json": plan} and found.notes == ()
    assert store.carried_files("plans", lambda path: path.startswith("issue-4/")).files == {}


def test_an_edit_removes_a_plan_file_with_none(store: MemoryStore, origin: Path) -> None:
    both = {"plans/a/x.json": b"{}", "plans/a/y.json": b"{}"}
    store.transact(lambda tip: Edit("plans", carried=both))
    store.transact(lambda tip: Edit("drop", carried={"plans/a/x.json": None}))
    assert [f for f in branch_files(origin) if f.startswith("plans/")] == ["plans/a/y.json"]


def test_plan_files_of_an_untrusted_tip_are_not_read(clone: Path, tmp_path: Path) -> None:
    signed = make_store(clone, tmp_path / "s1", key=Secret("k1"))
    signed.transact(lambda tip: Edit("plans", carried={"plans/a/x.json": b"{}"}))
    other = make_store(clone, tmp_path / "s2", key=Secret("k2"))
    found = other.carried_files("plans", lambda path: True)
    assert found.files == {} and "MAC" in " ".join(found.notes)


def test_one_carried_file_updates_alone_and_a_first_one_starts_a_whole_memory(
    store: MemoryStore, origin: Path
) -> None:
    def put(raw: bytes | None) -> CarriedChange:
        count = 0 if raw is None else int(raw)
        return CarriedChange(str(count + 1).encode(), f"board: {count + 1}")

    first = store.update_carried("board/p.json", put)
    assert first.changed and {"snapshot.json", "MEMORY.md", "board/p.json"} <= set(
        branch_files(origin)
    )
    store.save(journal("r1", 1, {"t::a": Outcome.PASSED}))
    before = show(origin, "snapshot.json")
    store.update_carried("board/p.json", put)
    assert show(origin, "board/p.json") == b"2" and show(origin, "snapshot.json") == before
    assert store.load().notes == () and store.load().memory.run_count == 1
    unchanged = store.update_carried("board/p.json", lambda raw: None)
    assert not unchanged.changed
    with pytest.raises(ValueError, match="not in a folder memory carries"):
        store.update_carried("snapshot.json", put)
