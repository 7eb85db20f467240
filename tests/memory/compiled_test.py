"""The compiled schema and jsonschema agree: on valid documents, and on every document
made by breaking one value of a valid one in each way a writer bug or a hand edit could."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kairos_ci.config.schema import load_schema
from kairos_ci.memory import codec
from kairos_ci.memory.compiled import UnsupportedSchema, compile_schema
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import Lease, Memory, MemoryLimits
from tests.memory.codec_test import rich_journal
from tests.memory.helpers import at, jname

SCHEMA = load_schema("memory")
FULL = Draft202012Validator(SCHEMA)
FAST = compile_schema(SCHEMA)
# Values that break most slots: wrong types, JSON's look-alikes (True is not 1), too long.
REPLACEMENTS: tuple[Any, ...] = (None, True, 1, 1.5, -1, "", "x" * 5000, "\u0000", [], {})


def documents() -> dict[str, dict[str, Any]]:
    folded = fold(
        Memory(),
        [(jname(1), rich_journal("r1", 1)), (jname(2), rich_journal("r2", 2))],
        MemoryLimits(),
    )
    return {
        "snapshot": codec.snapshot_doc(folded),
        "journal": codec.journal_doc(rich_journal()),
        "leases": codec.leases_doc({"nightly": Lease("nightly", "r1", at(0), at(60))}),
    }


def paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*path, index))


Edit = Callable[[Any, Any], object]  # (parent, key) -> anything


def broken(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``doc`` with one value replaced, doubled or removed, one key added, or one array
    grown past its bound."""
    edits: list[Edit] = [replacing(new) for new in REPLACEMENTS]
    edits += [
        lambda parent, key: parent.pop(key),
        lambda parent, key: parent.__setitem__(key, [parent[key]] * 2),
    ]
    for path in paths(doc):
        target = get(doc, path)
        if isinstance(target, dict):
            yield edited(doc, (*path, "unexpected"), lambda parent, key: parent.__setitem__(key, 1))
        if isinstance(target, list) and target:
            yield edited(doc, path, lambda parent, key: parent[key].extend(parent[key] * 25))
        for edit in edits if path else ():
            yield edited(doc, path, edit)


def replacing(new: Any) -> Edit:
    return lambda parent, key: parent.__setitem__(key, new)


def get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def edited(doc: dict[str, Any], path: tuple[Any, ...], edit: Edit) -> dict[str, Any]:
    copied = copy.deepcopy(doc)
    edit(get(copied, path[:-1]), path[-1])
    return copied


@pytest.mark.parametrize("kind", ["snapshot", "journal", "leases"])
def test_both_accept_what_kairos_writes(kind: str) -> None:
    doc = documents()[kind]
    assert FULL.is_valid(doc) and FAST(doc)


@pytest.mark.parametrize("kind", ["snapshot", "journal", "leases"])
def test_both_agree_on_every_one_value_breakage(kind: str) -> None:
    disagreements, rejected, total = [], 0, 0
    for doc in broken(documents()[kind]):
        total += 1
        full = FULL.is_valid(doc)
        rejected += not full
        if full != FAST(doc):
            disagreements.append(doc)
    assert not disagreements[:1], f"{len(disagreements)} of {total} disagree"
    assert rejected > total // 2  # the breakages mostly break something: the test has teeth


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"const": 1}, [1, 1.0], [True, "1"]),
        ({"const": True}, [True], [1]),
        ({"enum": [[1, 2]]}, [[1, 2], [1.0, 2]], [[1, True], [2, 1]]),
        ({"type": "integer"}, [3, 3.0], [3.5, True, "3"]),
        ({"type": "number", "minimum": 0}, [0, 2.5], [-1, False]),
        ({"minimum": 0}, ["-1", -0.0], [-1]),  # minimum applies to numbers only
        ({"type": "string", "pattern": "b"}, ["abc"], ["ac", 1]),  # pattern searches
        ({"propertyNames": {"maxLength": 1}}, [{"a": 1}, "not an object"], [{"ab": 1}]),
        ({"oneOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 2.5], [3]),
        ({"if": {"type": "string"}, "then": {"minLength": 2}}, ["ab", 1], ["a"]),
    ],
)
def test_edges_follow_json_schema(schema: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    check = compile_schema(schema)
    for value in good:
        assert check(value) and Draft202012Validator(schema).is_valid(value), value
    for value in bad:
        assert not check(value) and not Draft202012Validator(schema).is_valid(value), value


def test_a_keyword_it_does_not_compile_is_refused_not_skipped() -> None:
    with pytest.raises(UnsupportedSchema, match="uniqueItems"):
        compile_schema({"type": "array", "uniqueItems": True})
