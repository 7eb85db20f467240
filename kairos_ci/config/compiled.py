"""A JSON Schema compiled into plain Python checks that answer only "valid or not".

Full JSON Schema validation in Python was half of every memory load at 20,000 tests, and
importing jsonschema over a third of ``kairos-ci validate``. This walks a schema once and
builds one closure per node, so the schema stays the one contract. Semantics follow
jsonschema's Draft 2020-12 for the keywords kairos's schemas use (``pattern`` is
``re.search``, an integral float is an integer, ``True`` is not ``1``); any other keyword
is refused when compiling, so a schema change cannot be skipped silently.
tests/config/compiled_test.py checks that both agree on valid and broken documents, for
the memory and the config schema. Errors are worded by jsonschema, which runs only when
this says no.

A map of 20,000 alike values (a memory's tests) is checked a collection at a time:
strings, string enums, arrays and closed objects also compile to a form that checks many
values in C loops (``_Compiler.many``), an object's columns one after another, and a
property name that passed is not searched again by the same check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import chain, filterfalse
from operator import itemgetter
from typing import Any

Check = Callable[[Any], bool]
Many = Callable[[Collection[Any]], bool]  # a check of every item of a collection at once
Schema = Mapping[str, Any]
_NAMES_REMEMBERED = 100_000  # valid property names kept per check (see ``_names``)

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)
_APPLIED = frozenset(
    {
        "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "minItems", "maxItems", "uniqueItems", "items", "prefixItems", "required",
        "properties", "additionalProperties", "propertyNames", "minProperties",
        "maxProperties", "$ref", "allOf", "oneOf", "if", "then",
    }
)  # fmt: skip


class UnsupportedSchema(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def compile_schema(root: Schema) -> Check:
    return _Compiler(root).node(root)


_STRING = frozenset({"type", "minLength", "maxLength", "pattern"})
_ARRAY = frozenset({"type", "items", "prefixItems", "minItems", "maxItems", "uniqueItems"})
_OBJECT = frozenset(
    {
        "type", "required", "properties", "additionalProperties", "propertyNames",
        "minProperties", "maxProperties",
    }
)  # fmt: skip


class _Compiler:
    def __init__(self, root: Schema) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}
        # Checks with a form that tests a whole collection in C loops: a memory document
        # has maps of 20,000 tests, where a Python call per value was most of the time.
        self.many: dict[Check, Many] = {}

    def every(self, check: Check) -> Many:
        """``check`` of each item of a collection, in its batch form when it has one."""
        many = self.many.get(check)
        if many is not None:
            return many
        return lambda items: all(map(check, items))

    def node(self, schema: Schema | bool) -> Check:
        if schema is True:
            return _anything
        if schema is False:
            return _nothing
        assert isinstance(schema, Mapping)
        applied = schema.keys() - _ANNOTATIONS
        unknown = applied - _APPLIED
        if unknown:
            raise UnsupportedSchema(f"schema keywords {sorted(unknown)} are not compiled")
        # One closure for the common shapes: a typed string, array or object.
        kind = schema.get("type")
        for name, words, build in (
            ("string", _STRING, self._string),
            ("array", _ARRAY, self._array),
            ("object", _OBJECT, self._object),
        ):
            if kind == name and applied <= words:
                return build(schema, typed=True)
        if applied == {"enum"} and all(type(option) is str for option in schema["enum"]):
            options = frozenset(schema["enum"])
            check = _string_enum(options)
            self.many[check] = lambda items: {*map(type, items)} <= _STR and options >= {*items}
            return check
        checks = [*self._typed(schema), *self._values(schema), *self._combined(schema)]
        if applied & (_STRING - {"type"}):
            checks.append(self._string(schema, typed=False))
        if applied & (_ARRAY - {"type"}):
            checks.append(self._array(schema, typed=False))
        if applied & (_OBJECT - {"type"}):
            checks.append(self._object(schema, typed=False))
        return _every(checks)

    def ref(self, ref: str) -> Check:
        if ref not in self.refs:
            target: Any = self.root
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            slot: list[Check] = []
            self.refs[ref] = lambda value: slot[0](value)  # a recursive $ref sees its own node
            slot.append(self.node(target))
        return self.refs[ref]

    def _typed(self, schema: Schema) -> list[Check]:
        if "type" not in schema:
            return []
        names = schema["type"]
        tests = [_TYPES[name] for name in ([names] if isinstance(names, str) else names)]
        if len(tests) == 1:
            return tests
        return [lambda value: any(test(value) for test in tests)]

    def _values(self, schema: Schema) -> list[Check]:
        checks: list[Check] = []
        if "enum" in schema:
            options = schema["enum"]
            checks.append(lambda value: any(_equal(value, option) for option in options))
        if "const" in schema:
            constant = schema["const"]
            checks.append(lambda value: _equal(value, constant))
        if "minimum" in schema:
            floor = schema["minimum"]
            # ``not <``, as jsonschema words it: NaN is in range.
            checks.append(lambda value: not _number(value) or not value < floor)
        if "maximum" in schema:
            ceiling = schema["maximum"]
            checks.append(lambda value: not _number(value) or not value > ceiling)
        return checks

    def _string(self, schema: Schema, *, typed: bool) -> Check:
        shortest = schema.get("minLength", 0)
        longest = schema.get("maxLength", float("inf"))
        search = re.compile(schema["pattern"]).search if "pattern" in schema else None

        def string(value: Any) -> bool:
            if type(value) is not str:
                return not typed
            if not shortest <= len(value) <= longest:
                return False
            return search is None or search(value) is not None

        def strings(items: Collection[Any]) -> bool:
            if not {*map(type, items)} <= _STR:
                return all(map(string, items))  # not all strings: item by item
            lengths = [*map(len, items)]
            if lengths and not (shortest <= min(lengths) and max(lengths) <= longest):
                return False
            return search is None or all(map(search, items))

        self.many[string] = strings
        return string

    def _array(self, schema: Schema, *, typed: bool) -> Check:
        prefix = [self.node(item) for item in schema.get("prefixItems", ())]
        rest = self.every(self.node(schema.get("items", True)))
        fewest, most = schema.get("minItems", 0), schema.get("maxItems", float("inf"))
        unique = schema.get("uniqueItems", False)

        def array(value: Any) -> bool:
            if type(value) is not list:
                return not typed
            if not fewest <= len(value) <= most:
                return False
            if unique and not _distinct(value):
                return False
            for check, item in zip(prefix, value, strict=False):
                if not check(item):
                    return False
            return rest(value[len(prefix) :] if prefix else value)

        if typed and not prefix and not unique:
            self.many[array] = self._arrays(fewest, most, rest)
        return array

    @staticmethod
    def _arrays(fewest: float, most: float, rest: Many) -> Many:
        """Many arrays alike, as one column of their items: every test's evidence."""

        def arrays(items: Collection[Any]) -> bool:
            if not {*map(type, items)} <= _LIST:
                return False
            lengths = [*map(len, items)]
            if lengths and not (fewest <= min(lengths) and max(lengths) <= most):
                return False
            return rest([*chain.from_iterable(items)])

        return arrays

    def _object(self, schema: Schema, *, typed: bool) -> Check:
        required = frozenset(schema.get("required", ()))
        known = {name: self.node(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        rest = None if extra is False else self.node(extra)  # None: no other key allowed
        names = self._names(schema["propertyNames"]) if "propertyNames" in schema else None
        fewest, most = schema.get("minProperties", 0), schema.get("maxProperties", float("inf"))
        values = None if known or rest is None else self.every(rest)  # a map: all alike

        def mapping(value: Any) -> bool:
            if type(value) is not dict:
                return not typed
            if not fewest <= len(value) <= most or not value.keys() >= required:
                return False
            if values is not None:
                if not values(value.values()):
                    return False
            else:
                for key, item in value.items():
                    check = known.get(key, rest)
                    if check is None or not check(item):
                        return False
            return names is None or names(value.keys())

        if (
            typed
            and rest is None
            and not schema.keys() & {"minProperties", "maxProperties", "propertyNames"}
        ):
            self.many[mapping] = self._records(required, known)
        return mapping

    def _records(self, required: frozenset[str], known: Mapping[str, Check]) -> Many:
        """Many objects with a closed set of keys, as columns: a map of tests' records."""
        allowed = frozenset(known)
        columns = [(name, self.every(check)) for name, check in known.items()]

        def records(items: Collection[Any]) -> bool:
            if not {*map(type, items)} <= _DICT:
                return False
            if not all(map(allowed.issuperset, items)):
                return False
            if not all(map(required.issubset, items)):
                return False
            for name, column in columns:
                present = [*map(itemgetter(name), items)] if name in required else [
                    item[name] for item in items if name in item
                ]  # fmt: skip
                if not column(present):
                    return False
            return True

        return records

    def _names(self, schema: Schema | bool) -> Many:
        """``propertyNames`` over many keys, each checked once per compiled schema: the
        snapshot and every journal name the same 20,000 tests."""
        check = self.every(self.node(schema))
        passed: set[str] = set()

        def names(keys: Collection[str]) -> bool:
            fresh = [*filterfalse(passed.__contains__, keys)]
            if not check(fresh):
                return False
            if len(passed) < _NAMES_REMEMBERED:
                passed.update(fresh)
            return True

        return names

    def _combined(self, schema: Schema) -> list[Check]:
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        checks += [self.node(sub) for sub in schema.get("allOf", ())]
        if "oneOf" in schema:
            options = [self.node(sub) for sub in schema["oneOf"]]
            checks.append(lambda value: sum(1 for check in options if check(value)) == 1)
        if "if" in schema:
            condition = self.node(schema["if"])
            then = self.node(schema.get("then", True))
            checks.append(lambda value: not condition(value) or then(value))
        return checks


_STR = frozenset({str})
_DICT = frozenset({dict})
_LIST = frozenset({list})


def _string_enum(options: frozenset[str]) -> Check:
    return lambda value: type(value) is str and value in options


def _every(checks: Sequence[Check]) -> Check:
    if not checks:
        return _anything
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:  # the common case (a type and its keywords): no loop per value
        first, second = checks
        return lambda value: first(value) and second(value)
    return lambda value: all(check(value) for check in checks)


def _distinct(items: list[Any]) -> bool:
    """No two items equal as JSON: strings by a set, anything else pairwise."""
    if all(type(item) is str for item in items):
        return len(set(items)) == len(items)
    return not any(_equal(a, b) for i, a in enumerate(items) for b in items[i + 1 :])


def _anything(value: Any) -> bool:
    return True


def _nothing(value: Any) -> bool:
    return False


def _number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _integer(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda value: type(value) is dict,
    "array": lambda value: type(value) is list,
    "string": lambda value: type(value) is str,
    "integer": _integer,
    "number": _number,
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
}


def _equal(one: Any, two: Any) -> bool:
    """JSON equality: ``True`` is not ``1``, ``1.0`` is ``1``, containers compare deeply."""
    if type(one) is bool or type(two) is bool:
        return one is two
    if type(one) is list and type(two) is list:
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if type(one) is dict and type(two) is dict:
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if _number(one) and _number(two):
        return bool(one == two)
    return type(one) is type(two) and bool(one == two)
