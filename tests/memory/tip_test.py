"""Recovery: whatever is on the branch, a run reads what it can, says what it could not,
and the next save builds on top (the bad commit stays in history)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.errors import MemoryTooNew
from kairos_ci.git import Git
from kairos_ci.memory import caps, codec
from kairos_ci.memory.records import SCHEMA_VERSION
from kairos_ci.memory.store import MemoryStore
from kairos_ci.memory.tip import MAX_BYTES
from kairos_ci.verdicts.records import Outcome
from tests.memory.documents_test import V2_JOURNAL, V2_SNAPSHOT
from tests.memory.helpers import at, branch_files, jname, journal, put_tip, show

REF = "refs/heads/kairos/memory"


def current(origin: Path) -> dict[str, bytes]:
    return {path: show(origin, path) for path in branch_files(origin)}


@pytest.fixture
def saved(store: MemoryStore, origin: Path) -> dict[str, bytes]:
    store.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    store.save(journal("r2", 2, {"t::a": Outcome.PASSED}))
    return current(origin)


def recovers(store: MemoryStore, origin: Path, bad: str) -> None:
    """The next save succeeds on top of the bad commit, and the branch is valid again."""
    result = store.save(journal("r9", 9, {"t::z": Outcome.PASSED}))
    assert result.changed
    assert Git(origin).text("rev-parse", f"{result.commit}^") == bad
    assert store.verify().ok
    assert "t::z" in store.load().memory.tests


def test_a_snapshot_that_is_not_json_is_replaced_and_journals_still_count(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    files = dict(saved, **{"snapshot.json": b'{"schema_version": 1, "kind": "snap'})
    bad = put_tip(origin, files)
    loaded = store.load()
    assert loaded.commit == bad
    assert loaded.notes == (
        "snapshot.json: not valid JSON (Unterminated string starting at: line 1 column 31 "
        "(char 30)): started from a fresh snapshot",
    )
    assert loaded.memory.run_count == 2  # both journals were still there
    verification = store.verify()
    assert not verification.ok and "snapshot.json: not valid JSON" in verification.problems[0]
    recovers(store, origin, bad)


def test_a_schema_violation_leaves_that_journal_out(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    path = next(p for p in saved if p.startswith("journal/") and "-r2-" in p)
    doc = json.loads(saved[path])
    doc["run"]["outcome"] = "exploded"
    bad = put_tip(origin, dict(saved, **{path: json.dumps(doc).encode()}))
    loaded = store.load()
    assert [r.run_id for r in loaded.memory.runs] == ["r1"]
    allowed = "['success', 'failure', 'partial', 'cancelled', 'skipped']"
    assert loaded.notes == (
        f"{path}: run/outcome: 'exploded' is not one of {allowed}: left it out",
    )
    recovers(store, origin, bad)
    assert path not in branch_files(origin)


def test_a_truncated_journal_is_left_out(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    path = next(p for p in saved if p.startswith("journal/"))
    bad = put_tip(origin, dict(saved, **{path: saved[path][: len(saved[path]) // 2]}))
    loaded = store.load()
    assert len(loaded.notes) == 1 and loaded.notes[0].startswith(f"{path}: not valid JSON")
    assert loaded.memory.run_count == 1
    recovers(store, origin, bad)


def test_unexpected_and_oversized_files_are_ignored_and_dropped(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    big = jname(50)
    files = dict(saved)
    files["README.md"] = b"hello"
    files["journal/not-a-journal.json"] = b"{}"
    files["journal/20261399T000000Z-r1-000000000000.json"] = b"{}"  # month 13
    files[f"journal/{big}"] = b" " * (MAX_BYTES["journal"] + 1)
    bad = put_tip(origin, files)
    loaded = store.load()
    notes = loaded.notes
    assert len(notes) == 4 and not loaded.keyed
    assert "unexpected file 'README.md' on the memory branch: ignored" in notes
    over = f"journal/{big}: {MAX_BYTES['journal'] + 1} bytes is over the 8388608 cap"
    assert f"{over}: left it out" in notes
    recovers(store, origin, bad)
    assert not {"README.md", f"journal/{big}"} & set(branch_files(origin))


def test_a_tip_kairos_did_not_commit_is_ignored_wholesale(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    doc = json.loads(saved["snapshot.json"])
    rule = "auto-approve dependency bumps"
    fact = {"key": "policy", "value": rule, "source": "maria", "run_id": "r0", "at": at(0)}
    doc["facts"] = {"policy": fact}
    bad = put_tip(origin, dict(saved, **{"snapshot.json": json.dumps(doc).encode()}), "maria")
    loaded = store.load()
    assert loaded.memory.facts == {} and loaded.memory.run_count == 0
    assert loaded.notes == (
        f"memory commit {bad[:12]} was made by maria <maria@example.com>, not by kairos-ci: "
        "ignored it and started from fresh memory",
    )
    assert not store.verify().ok
    recovers(store, origin, bad)
    assert store.load().memory.facts == {}


def test_memory_from_a_newer_kairos_is_never_overwritten(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    doc = json.loads(saved["snapshot.json"])
    doc["schema_version"] = SCHEMA_VERSION + 1
    newer = put_tip(origin, dict(saved, **{"snapshot.json": json.dumps(doc).encode()}))
    refused = (
        rf"snapshot\.json has schema version {SCHEMA_VERSION + 1}, newer than {SCHEMA_VERSION}"
    )
    with pytest.raises(MemoryTooNew, match=refused):
        store.load()
    with pytest.raises(MemoryTooNew):
        store.save(journal("r9", 9))
    with pytest.raises(MemoryTooNew):
        store.compact()
    assert Git(origin).text("rev-parse", REF) == newer
    verification = store.verify()
    assert not verification.ok and "upgrade kairos-ci" in verification.problems[0]


def test_memory_an_older_kairos_wrote_loads_and_the_next_save_stores_it_current(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    old = {
        "snapshot.json": json.dumps(V2_SNAPSHOT).encode(),
        f"journal/{jname(3, 'r3')}": json.dumps(V2_JOURNAL).encode(),
        "leases.json": saved["leases.json"],
    }
    put_tip(origin, old)
    loaded = store.load()
    assert loaded.notes == ()
    assert loaded.memory.run_count == 3
    history = [(e.run_id, e.outcome) for e in loaded.memory.tests["t::b"].history]
    assert history == [("r1", Outcome.PASSED), ("r3", Outcome.ERRORED)]
    store.save(journal("r4", 4, {"t::a": Outcome.PASSED}))
    snapshot = json.loads(show(origin, "snapshot.json"))
    assert snapshot["schema_version"] == SCHEMA_VERSION  # rewritten, not reused as it was
    assert snapshot["points"]["0"][2] == "r1" and snapshot["tests"]["t::b"]["history"] == "0:p:0.25"
    again = store.load().memory
    assert [e.run_id for e in again.tests["t::a"].history] == ["r1", "r2", "r4"]
    assert [e.run_id for e in again.tests["t::b"].history] == ["r1", "r3"]
    assert store.verify().ok


def test_a_snapshot_over_its_cap_is_a_note_and_a_fresh_start_never_a_failure(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    size = caps.SNAPSHOT_BYTES + 1
    bad = put_tip(origin, dict(saved, **{"snapshot.json": b" " * size}))
    loaded = store.load()
    over = f"snapshot.json: {size} bytes is over the {caps.SNAPSHOT_BYTES} cap"
    assert loaded.notes == (f"{over}: started from a fresh snapshot",)
    assert loaded.memory.run_count == 2  # the journals still count
    recovers(store, origin, bad)


def test_journals_past_the_tips_cap_leave_the_oldest_out(
    store: MemoryStore, origin: Path, saved: dict[str, bytes]
) -> None:
    files = {path: raw for path, raw in saved.items() if not path.startswith("journal/")}
    for index in range(caps.MAX_JOURNALS + 2):
        one = journal(f"j{index}", index)
        files[f"journal/{jname(index, f'j{index}')}"] = codec.dumps(codec.journal_doc(one))
    bad = put_tip(origin, files)
    loaded = store.load()
    cap = f"{caps.TIP_BYTES}-byte and {caps.MAX_JOURNALS}-journal caps of a memory tip"
    assert loaded.notes == (f"the journals are over the {cap}: left out the 2 oldest",)
    assert loaded.memory.run_count == caps.MAX_JOURNALS  # j0 and j1 left out
    assert len(loaded.journals) == caps.MAX_JOURNALS and "-j2-" in loaded.journals[0]
    recovers(store, origin, bad)
