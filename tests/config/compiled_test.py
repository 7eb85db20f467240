"""The compiled schema and jsonschema agree, for the memory and the config schema: on valid
documents, and on documents made by breaking one value of a valid one in each way a writer
bug or a hand edit could."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kairos_ci.config.compiled import UnsupportedSchema, compile_schema
from kairos_ci.config.schema import JsonObject, load_schema
from kairos_ci.memory import codec
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
        ({"type": "number", "minimum": 0}, [0, 2.5, float("nan")], [-1, False]),
        ({"maximum": 1}, [1, float("nan")], [2]),  # NaN is not below or above anything
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


RECORD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["v"],
    "properties": {
        "v": {"enum": ["x", "y"]},
        "e": {"type": "array", "maxItems": 2, "items": {"type": "string", "minLength": 1}},
    },
}


# Maps of alike values are checked a collection at a time: each way one value can break.
@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        (
            {"type": "object", "additionalProperties": {"type": "string", "pattern": "^a"}},
            [{}, {"k": "a1", "l": "ab"}],
            [{"k": "a", "l": "b"}, {"k": "a", "l": 1}, {"k": ["a"]}],
        ),
        (
            {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2}},
            [{"k": "ab", "l": ""}],
            [{"k": "ab", "l": "abc"}],
        ),
        (
            {"type": "object", "additionalProperties": {"enum": ["a", "b"]}},
            [{"k": "a", "l": "b"}],
            [{"k": "a", "l": "c"}, {"k": 1}, {"k": ["a"]}],
        ),
        (
            {"type": "object", "additionalProperties": RECORD},
            [{"t": {"v": "x"}, "u": {"v": "y", "e": ["r1", "r2"]}}],
            [
                {"t": {"v": "x"}, "u": {"v": "x", "z": 1}},
                {"t": {"v": "x"}, "u": {"e": []}},
                {"t": {"v": "x"}, "u": {"v": "z"}},
                {"t": {"v": "x"}, "u": {"v": "x", "e": ["a", "b", "c"]}},
                {"t": {"v": "x"}, "u": {"v": "x", "e": [""]}},
                {"t": {"v": "x"}, "u": {"v": "x", "e": "a"}},
                {"t": {"v": "x"}, "u": []},
            ],
        ),
    ],
)
def test_maps_of_many_values_follow_json_schema(
    schema: dict[str, Any], good: list[Any], bad: list[Any]
) -> None:
    test_edges_follow_json_schema(schema, good, bad)


def test_a_property_name_that_passed_is_remembered_and_no_other() -> None:
    check = compile_schema({"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}})
    assert check({"a": 1, "b": 2})
    assert not check({"a": 1, "B": 2})
    assert check({"b": 1})


def test_a_keyword_it_does_not_compile_is_refused_not_skipped() -> None:
    with pytest.raises(UnsupportedSchema, match="patternProperties"):
        compile_schema({"type": "object", "patternProperties": {"^a": {}}})
    with pytest.raises(UnsupportedSchema, match="format"):
        compile_schema({"type": "string", "format": "email"})


# The config schema: what `kairos-ci validate` checks without importing jsonschema.
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "configs").glob("*.yml"))
CONFIG = load_schema("config")
CONFIG_CHECK = compile_schema(CONFIG)
VALIDATOR = Draft202012Validator(CONFIG)
BASE = yaml.safe_load(
    (
        Path(__file__).resolve().parents[2] / "examples" / "configs" / "python-project.yml"
    ).read_text()
)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_config_passes_both(example: Path) -> None:
    data = yaml.safe_load(example.read_text())
    assert VALIDATOR.is_valid(data) and CONFIG_CHECK(data)


@pytest.mark.parametrize(
    ("schema", "data"),
    [
        ({"type": "integer"}, True),
        ({"type": "boolean"}, 1),
        ({"type": "number"}, "1"),
        ({"type": ["string", "null"]}, 3),
        ({"enum": [1, "a"]}, True),
        ({"const": 1}, "1"),
        ({"properties": {"a": {"type": "string"}}}, {"a": 1}),
        ({"properties": {"a": {}}, "additionalProperties": False}, {"a": 1, "b": 2}),
        ({"additionalProperties": {"type": "string"}}, {"b": 2}),
        ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"A": 1}),
        ({"required": ["a"]}, {"b": 1}),
        ({"items": {"type": "string"}}, ["a", 1]),
        ({"uniqueItems": True}, ["a", "a"]),
        ({"pattern": "^x"}, "yx"),
        ({"minimum": 0}, -1),
        ({"maximum": 1.5}, 2),
        ({"minLength": 2}, "a"),
        ({"maxLength": 1}, "ab"),
        ({"minItems": 1}, []),
        ({"maxItems": 1}, [1, 2]),
        ({"minProperties": 1}, {}),
        ({"maxProperties": 1}, {"a": 1, "b": 2}),
        ({"$ref": "#/$defs/s", "$defs": {"s": {"type": "string"}}}, 1),
        ({"$ref": "#/$defs/s", "maxLength": 1, "$defs": {"s": {"type": "string"}}}, "ab"),
    ],
)
def test_what_jsonschema_rejects_the_compiled_check_rejects(schema: JsonObject, data: Any) -> None:
    assert not Draft202012Validator(schema).is_valid(data)
    assert not compile_schema(schema)(data)


def test_keywords_apply_only_to_their_own_types() -> None:
    schema: JsonObject = {"minLength": 3, "minimum": 5, "required": ["a"], "items": False}
    samples: list[Any] = ["abc", 7, {"a": None}, [], None, True]
    for data in samples:
        assert Draft202012Validator(schema).is_valid(data)
        assert compile_schema(schema)(data)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(BASE)[1:]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 100),
    st.sampled_from([-1, 10**9]),
    st.sampled_from([0.0, 1.0, 1.5, float("nan"), float("inf")]),
    st.sampled_from(["suggest", "auto", "ruff", "fix_lint", "", "x" * 300, "claude-haiku-4-5"]),
    st.text(max_size=5),
    st.just(datetime.date(2024, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "run", "format", "when", "then"]), inner),
    ),
    max_leaves=6,
)


def _mutated(path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    data = copy.deepcopy(BASE)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PATHS), values, st.booleans())
def test_a_mutated_config_passes_the_compiled_check_only_if_jsonschema_accepts_it(
    path: tuple[Any, ...], value: Any, delete: bool
) -> None:
    data = _mutated(path, value, delete)
    assert CONFIG_CHECK(data) == VALIDATOR.is_valid(data), list(VALIDATOR.iter_errors(data))
