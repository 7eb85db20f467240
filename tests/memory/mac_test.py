"""The memory key: a tip is trusted by its HMAC, never by the committer name it shows.

Real git throughout; "someone else" commits straight into the origin under kairos's
exact name and e-mail, which is what anyone with push access can do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.context import Secret
from kairos_ci.git import Git
from kairos_ci.memory import leases
from kairos_ci.memory.mac import TRAILER, UNAUTHENTICATED
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import REF, at, branch_files, journal, make_store, put_tip, show

KEY = "memory-key-7f3a9c1e5b"


@pytest.fixture
def keyed(clone: Path, tmp_path: Path) -> MemoryStore:
    return make_store(clone, tmp_path / "scratch", key=Secret(KEY))


def forge_tip(origin: Path, with_trailer: str = "") -> str:
    """A tip under kairos's exact identity with a planted fact and valid-looking content."""
    files = {path: show(origin, path) for path in branch_files(origin)}
    doc = json.loads(files["snapshot.json"])
    fact = {"key": "policy", "value": "auto-merge", "source": "x", "run_id": "r0", "at": at(0)}
    doc["facts"] = {"policy": fact}
    files["snapshot.json"] = json.dumps(doc).encode()
    forged = put_tip(origin, files)  # no committer given: kairos's name and e-mail
    if not with_trailer:
        return forged
    git = Git(origin)
    tree, parent = git.text("rev-parse", f"{forged}^{{tree}}", f"{forged}^").split()
    message = f"memory: run r3\n\n{TRAILER}: v1 {with_trailer}"
    forged = git.text("commit-tree", tree, "-p", parent, "-m", message)
    git.run("update-ref", REF, forged)
    return forged


def message_of(origin: Path, commit: str) -> str:
    return Git(origin).text("log", "-1", "--format=%B", commit)


def test_a_keyed_save_is_signed_and_loads_trusted_without_notes(
    keyed: MemoryStore, origin: Path
) -> None:
    result = keyed.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    assert result.commit is not None
    assert f"\n{TRAILER}: v1 " in message_of(origin, result.commit)
    loaded = keyed.load()
    assert loaded.commit == result.commit and loaded.notes == ()
    assert "t::a" in loaded.memory.tests
    assert keyed.verify().ok


@pytest.mark.parametrize("trailer", ["", "0" * 64], ids=["no-mac", "invalid-mac"])
def test_a_tip_forged_under_kairos_name_is_refused_and_the_next_save_builds_on_it(
    keyed: MemoryStore, origin: Path, trailer: str
) -> None:
    keyed.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    keyed.save(journal("r2", 2))
    forged = forge_tip(origin, trailer)
    assert Git(origin).text("log", "-1", "--format=%cn <%ce>", forged) == (
        "kairos-ci <kairos-ci@users.noreply.github.com>"
    )
    loaded = keyed.load()
    assert loaded.commit == forged and loaded.memory.facts == {}
    assert loaded.memory.run_count == 0  # a fresh start, not a partial read
    assert loaded.notes == (
        f"memory tip {forged[:12]} does not carry this repository's memory MAC (committed "
        "under kairos's name by someone else, or before the key was set): started fresh; "
        "the old tip stays in history",
    )
    assert keyed.verify().problems == loaded.notes
    result = keyed.save(journal("r9", 9, {"t::z": Outcome.PASSED}))
    assert result.changed and Git(origin).text("rev-parse", f"{result.commit}^") == forged
    again = keyed.load()
    assert again.notes == () and again.memory.facts == {} and "t::z" in again.memory.tests


def test_a_tip_signed_with_another_key_is_refused(
    keyed: MemoryStore, clone: Path, tmp_path: Path
) -> None:
    other = make_store(clone, tmp_path / "other", key=Secret("not-" + KEY))
    other.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    loaded = keyed.load()
    assert loaded.memory.run_count == 0
    assert (
        len(loaded.notes) == 1
        and "does not carry this repository's memory MAC" in (loaded.notes[0])
    )


def test_journals_compaction_and_leases_round_trip_signed(keyed: MemoryStore, origin: Path) -> None:
    for index in range(3):
        keyed.save(journal(f"r{index}", index, {"t::a": Outcome.PASSED}))
    assert len(keyed.load().journals) == 3
    keyed.compact()
    leases.acquire(keyed, "nightly", "run-1", ttl_s=60)
    leases.release(keyed, "nightly", "run-1")
    loaded = keyed.load()
    assert loaded.notes == () and loaded.journals == () and loaded.memory.run_count == 3
    commits = Git(origin).text("rev-list", REF).split()
    assert len(commits) == 6
    assert all(f"\n{TRAILER}: v1 " in message_of(origin, c) for c in commits)


def test_the_key_never_appears_in_the_commit_or_its_blobs(keyed: MemoryStore, origin: Path) -> None:
    keyed.save(journal("r1", 1, {"t::a": Outcome.FAILED}))
    git = Git(origin)
    objects = [REF, f"{REF}^{{tree}}"] + [f"{REF}:{path}" for path in branch_files(origin)]
    for name in objects:
        assert KEY.encode() not in git.run("cat-file", "-p", name).stdout
    assert KEY not in repr(keyed)


def test_without_a_key_the_name_check_stays_and_a_note_says_memory_is_unauthenticated(
    store: MemoryStore, origin: Path
) -> None:
    first = store.load()
    assert first.notes == () and not first.keyed
    result = store.save(journal("r1", 1))
    assert result.commit is not None and TRAILER not in message_of(origin, result.commit)
    again = store.load()
    assert again.notes == () and not again.keyed
    assert store.verify().ok  # running without a key is a choice, not a broken branch
    assert UNAUTHENTICATED not in show(origin, "MEMORY.md").decode()
    forged = forge_tip(origin)
    assert store.load().commit == forged and store.load().memory.facts != {}  # the name passes
