from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt, MemoryTooNew
from kairos_ci.memory import codec
from kairos_ci.memory.documents import MIGRATIONS, Migration, checker, parse
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import SCHEMA_VERSION, Lease, Memory, MemoryLimits
from kairos_ci.verdicts.records import Outcome
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
