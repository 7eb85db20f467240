from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt, MemoryTooNew
from kairos_ci.memory import codec
from kairos_ci.memory.documents import MIGRATIONS, Migration, checker, parse, read
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import SCHEMA_VERSION, Lease, Memory, MemoryLimits
from kairos_ci.verdicts.records import Outcome, Verdict
from tests.memory.helpers import at, jname, journal


def leases_now() -> dict[str, Any]:
    return codec.leases_doc({"nightly": Lease("nightly", "r1", at(0), at(60))})


def test_a_current_document_parses() -> None:
    raw = json.dumps(leases_now()).encode()
    assert parse(raw, "leases", "leases.json", checker()) == leases_now()


def test_migrations_lift_an_old_document_step_by_step() -> None:
    # A synthetic version 0 that called the holder "run" instead of "owner".
    old = leases_now()
    old["schema_version"] = 0
    for lease in old["leases"].values():
        lease["run"] = lease.pop("owner")

    def v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
        for lease in doc["leases"].values():
            lease["owner"] = lease.pop("run")
        return doc

    with pytest.raises(MemoryCorrupt, match="no migration from schema version 0"):
        parse(json.dumps(old).encode(), "leases", "leases.json", checker())
    check = checker([Migration(0, v0_to_v1), *MIGRATIONS])
    assert parse(json.dumps(old).encode(), "leases", "leases.json", check) == leases_now()


def as_version_1(doc: dict[str, Any]) -> bytes:
    """A document as kairos wrote it before backoffs were remembered."""
    old = {key: value for key, value in doc.items() if key != "backoffs"}
    return json.dumps({**old, "schema_version": 1}).encode()


def test_version_1_memory_loads_with_no_backoffs() -> None:
    memory = fold(
        Memory(), [(jname(1), journal("r1", 1, {"t::a": Outcome.FAILED}))], MemoryLimits()
    )
    snapshot = parse(as_version_1(codec.snapshot_doc(memory)), "snapshot", "s.json", checker())
    assert snapshot["schema_version"] == SCHEMA_VERSION
    assert codec.decode_snapshot(snapshot) == memory
    one = journal("r2", 2, {"t::a": Outcome.PASSED})
    lifted = parse(as_version_1(codec.journal_doc(one)), "journal", "j.json", checker())
    assert codec.decode_journal(lifted, "j.json") == one


def test_a_newer_document_is_refused_not_read() -> None:
    doc = leases_now()
    doc["schema_version"] = SCHEMA_VERSION + 1
    doc["something_new"] = True
    newer = f"schema version {SCHEMA_VERSION + 1}, newer than {SCHEMA_VERSION}"
    with pytest.raises(MemoryTooNew, match=newer):
        parse(json.dumps(doc).encode(), "leases", "leases.json", checker())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"schema_version": 1, "kind": "lea', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "not a memory leases document"),
        (b'{"kind": "leases", "leases": {}}', "schema_version is missing"),
        (b'{"schema_version": true, "kind": "leases", "leases": {}}', "schema_version is missing"),
        (b'{"schema_version": 1, "kind": "leases", "leases": {"x": {}}}', "leases/x: 'owner'"),
        (b'{"schema_version": 1, "kind": "leases"}', "'leases' is a required property"),
    ],
)
def test_unreadable_documents_say_what_and_where(raw: bytes, message: str) -> None:
    with pytest.raises(MemoryCorrupt, match=r"^leases\.json: ") as caught:
        parse(raw, "leases", "leases.json", checker())
    assert message in str(caught.value)


def test_error_messages_quoting_branch_content_are_short() -> None:
    doc = leases_now()
    doc["leases"]["nightly"]["owner"] = "x" * 5000
    with pytest.raises(MemoryCorrupt) as caught:
        parse(json.dumps(doc).encode(), "leases", "leases.json", checker())
    assert len(str(caught.value)) < 300


def test_the_shipped_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_schema("memory")
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/memory.schema.json")


def hexed(text: str) -> str:
    return text.encode().hex().ljust(40, "0")


def run_doc(run_id: str, seconds: int) -> dict[str, str]:
    sha = hexed(f"c{seconds}")
    return {
        "at": at(seconds),
        "event": "schedule",
        "outcome": "success",
        "run_id": run_id,
        "sha": sha,
    }


# Memory exactly as kairos wrote it at schema version 2 (its points were a list).
V2_SNAPSHOT: dict[str, Any] = {
    "schema_version": 2, "kind": "snapshot", "run_count": 2,
    "applied": ["20261127T030001Z-r1-aaaaaaaaaaaa.json", "20261127T030002Z-r2-bbbbbbbbbbbb.json"],
    "runs": [run_doc("r1", 1), run_doc("r2", 2)],
    "points": [[hexed("c1"), hexed("t1"), "r1", at(1)], [hexed("c2"), hexed("t2"), "r2", at(2)]],
    "tests": {
        "t::a": {"evidence": ["r1", "r2"], "history": "0:f:0.25 1:p:0.25", "verdict": "flaky"},
        "t::b": {"evidence": [], "history": "0:p:0.25", "verdict": "new"},
    },
    "backoffs": {}, "cofailures": {}, "decisions": [], "facts": {}, "posted": {},
    "rejections": {}, "spend": {"days": {}, "months": {}, "runs": {}}, "tasks": {}, "work": {},
}  # fmt: skip
V2_JOURNAL: dict[str, Any] = {
    "schema_version": 2, "kind": "journal",
    "run": run_doc("r3", 3),
    "points": [[hexed("c3"), hexed("t3"), "r3", at(3)]],
    "results": {"t::b": "0:e:0.25"},
    "backoffs": [], "cofailure": None, "decisions": [], "facts": [], "posted": {},
    "rejections": [], "spend": {}, "tasks": [], "verdicts": {}, "work": [],
}  # fmt: skip


def test_version_2_memory_as_kairos_wrote_it_loads() -> None:
    lifted = parse(json.dumps(V2_SNAPSHOT).encode(), "snapshot", "s.json", checker())
    assert lifted["schema_version"] == SCHEMA_VERSION
    assert lifted["points"]["1"] == [hexed("c2"), hexed("t2"), "r2", at(2)]
    memory = codec.decode_snapshot(lifted)
    assert [(e.run_id, e.outcome) for e in memory.tests["t::a"].history] == [
        ("r1", Outcome.FAILED),
        ("r2", Outcome.PASSED),
    ]
    assert memory.tests["t::a"].verdict is Verdict.FLAKY and memory.run_count == 2
    journal_ = parse(json.dumps(V2_JOURNAL).encode(), "journal", "j.json", checker())
    (entry,) = codec.decode_journal(journal_, "j.json").results["t::b"]
    assert (entry.sha, entry.outcome, entry.duration_s) == (hexed("c3"), Outcome.ERRORED, 0.25)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda doc: doc.update(points="none"), "points: 'none' is not of type 'object'"),
        (lambda doc: doc["points"].append(["x"]), "points/2: ['x'] is too short"),
        (lambda doc: doc["tests"]["t::b"].update(history="01:p:1"), "tests/t::b/history"),
        (lambda doc: doc["tests"]["t::b"].update(verdict="fine"), "'fine' is not one of"),
    ],
)
def test_a_broken_version_2_document_is_refused_by_the_full_validator(
    change: Any, message: str
) -> None:
    """A migration's input came from outside this kairos: jsonschema judges what it lifts."""
    doc = copy.deepcopy(V2_SNAPSHOT)
    change(doc)
    with pytest.raises(MemoryCorrupt, match=r"^s\.json: ") as caught:
        parse(json.dumps(doc).encode(), "snapshot", "s.json", checker())
    assert message in str(caught.value)


def test_only_a_migrated_document_is_reported_as_migrated() -> None:
    assert read(json.dumps(V2_SNAPSHOT).encode(), "snapshot", "s.json", checker()).migrated
    current = json.dumps(leases_now()).encode()
    assert not read(current, "leases", "leases.json", checker()).migrated


# Histories the schema refuses, as a writer bug or a hand edit could leave them.
BAD_HISTORIES = ["01:p:1", "0:p:1 ", "0:x:1", "0:p:12345678", "0:p:1.2345", "0:p:1  0:p:2"]


def current_documents() -> dict[str, dict[str, Any]]:
    """A snapshot and a journal as this kairos writes them, each with a history."""
    limits = MemoryLimits()
    first = journal("r1", 1, {"t::a": Outcome.FAILED, "t::b": Outcome.PASSED})
    memory = fold(Memory(), [(jname(1), first)], limits)
    return {"snapshot": codec.snapshot_doc(memory), "journal": codec.journal_doc(first)}


def with_history(kind: str, text: str) -> dict[str, Any]:
    doc = current_documents()[kind]
    if kind == "snapshot":
        doc["tests"]["t::b"]["history"] = text
    else:
        doc["results"]["t::b"] = text
    return doc


def loaded(kind: str, doc: dict[str, Any]) -> object:
    """A current document read as a tip's file is: parsed, then decoded (which checks
    its histories, see ``memory.grammar``)."""
    parsed = parse(json.dumps(doc).encode(), kind, "f.json", checker())
    if kind == "snapshot":
        return codec.decode_snapshot(parsed, "f.json")
    return codec.decode_journal(parsed, "f.json")


@pytest.mark.parametrize("kind", ["snapshot", "journal"])
def test_every_history_the_schema_refuses_is_refused_when_read(kind: str) -> None:
    full = Draft202012Validator(load_schema("memory"))
    for doc in current_documents().values():
        assert full.is_valid(doc)
        loaded(doc["kind"], doc)
    for text in BAD_HISTORIES:
        doc = with_history(kind, text)
        assert not full.is_valid(doc), text
        with pytest.raises(MemoryCorrupt, match=r"^f\.json: test 't::b': history .* is malformed"):
            loaded(kind, doc)


@pytest.mark.parametrize("kind", ["snapshot", "journal"])
def test_a_history_is_refused_before_it_is_written(kind: str) -> None:
    with pytest.raises(MemoryCorrupt, match=r"new file: test 't::b': history '0:p:1.2345'"):
        codec.check_histories(with_history(kind, "0:p:1.2345"), "new file")
