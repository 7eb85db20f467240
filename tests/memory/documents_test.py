from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt, MemoryTooNew
from kairos_ci.memory import codec
from kairos_ci.memory.documents import Migration, checker, parse
from kairos_ci.memory.records import Lease
from tests.memory.helpers import at


def leases_v1() -> dict[str, Any]:
    return codec.leases_doc({"nightly": Lease("nightly", "r1", at(0), at(60))})


def test_a_current_document_parses() -> None:
    raw = json.dumps(leases_v1()).encode()
    assert parse(raw, "leases", "leases.json", checker()) == leases_v1()


def test_migrations_lift_an_old_document_step_by_step() -> None:
    # A synthetic version 0 that called the holder "run" instead of "owner".
    old = leases_v1()
    old["schema_version"] = 0
    for lease in old["leases"].values():
        lease["run"] = lease.pop("owner")

    def v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
        for lease in doc["leases"].values():
            lease["owner"] = lease.pop("run")
        return doc

    with pytest.raises(MemoryCorrupt, match="no migration from schema version 0"):
        parse(json.dumps(old).encode(), "leases", "leases.json", checker())
    check = checker([Migration(0, v0_to_v1)])
    assert parse(json.dumps(old).encode(), "leases", "leases.json", check) == leases_v1()


def test_a_newer_document_is_refused_not_read() -> None:
    doc = leases_v1()
    doc["schema_version"] = 2
    doc["something_new"] = True
    with pytest.raises(MemoryTooNew, match="schema version 2, newer than 1"):
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
    doc = leases_v1()
    doc["leases"]["nightly"]["owner"] = "x" * 5000
    with pytest.raises(MemoryCorrupt) as caught:
        parse(json.dumps(doc).encode(), "leases", "leases.json", checker())
    assert len(str(caught.value)) < 300


def test_the_shipped_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_schema("memory")
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/memory.schema.json")
