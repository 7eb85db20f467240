"""Checking requests and responses against GitHub's published REST description.

The description is OpenAPI 3.0, so it is translated once into JSON Schema 2020-12
(``nullable`` becomes a ``null`` type, vendor keys are dropped) and every schema is
then reached by ``$ref`` into that one translated document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kairos_ci.errors import InputError

_BASE = "urn:kairos:github-rest"
_DROPPED = frozenset({"example", "examples", "discriminator", "externalDocs", "xml"})
# Any endpoint may answer these (auth, limits, outages, a missing repository), whether
# the description lists them or not; their body is checked for the basic error shape.
GENERIC_STATUSES = frozenset({401, 403, 404, 429, 500, 502, 503, 504})
_MULTI_SEGMENT = frozenset({"ref", "path"})
_NAME_MAPS = frozenset({"properties", "paths", "schemas", "parameters", "responses", "headers"})
_MISSING = object()
_SUPPLEMENT = "supplement.json"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    pointer: str  # JSON pointer of the operation inside the description
    pattern: re.Pattern[str]
    literal_size: int


class Contract:
    """The REST subset, ready to route and validate."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._doc = _translate(document)
        resource: Resource[Any] = Resource.from_contents(
            self._doc, default_specification=DRAFT202012
        )
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        self.operations = tuple(_operations(self._doc))
        self._by_key = {(op.method, op.template): op for op in self.operations}

    @classmethod
    def load(cls, path: Path) -> Contract:
        """The description at ``path``, plus the sandbox's own supplement (``supplement.json``:
        operations the shared subset lacks; it never replaces one the subset has)."""
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read the REST description {path}: {err}") from None
        return cls(_supplemented(document))

    def find(self, method: str, template: str) -> Operation | None:
        """The operation for a route named by its path template, if described."""
        return self._by_key.get((method, template))

    def operation(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        best: tuple[Operation, dict[str, str]] | None = None
        for op in self.operations:
            found = op.pattern.fullmatch(path) if op.method == method else None
            if found and (best is None or op.literal_size > best[0].literal_size):
                best = (op, found.groupdict())
        return best

    def check_request(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        body: Any,
    ) -> list[str]:
        spec = self._spec(op)
        problems = self._check_parameters(op, spec, path_params, query)
        request_body = spec.get("requestBody")
        if request_body is None:
            if body is not _MISSING and body is not None:
                problems.append("a request body was sent to an operation that takes none")
            return problems
        if body is _MISSING or body is None:
            if request_body.get("required"):
                problems.append("the required request body is missing")
            return problems
        pointer = f"{op.pointer}/requestBody/content/application~1json/schema"
        problems += [f"body: {m}" for m in self._validate(pointer, body)]
        return problems

    def check_response(self, op: Operation, status: int, body: Any) -> list[str]:
        responses = self._spec(op)["responses"]
        key = str(status)
        if key not in responses:
            if status in GENERIC_STATUSES:
                return _check_basic_error(body)
            return [f"status {status} is not a documented answer of {op.operation_id}"]
        answer = responses[key]
        where = f"{op.pointer}/responses/{key}"
        ref = answer.get("$ref")
        if isinstance(ref, str):
            where, answer = ref.removeprefix("#"), self._deref(answer)
        content = answer.get("content")
        if not content:
            return [] if body is _MISSING else [f"status {status} must have an empty body"]
        if body is _MISSING:
            return [f"status {status} needs a body"]
        media = "application/json" if "application/json" in content else next(iter(content))
        pointer = f"{where}/content/{_escape(media)}/schema"
        return [f"body: {m}" for m in self._validate(pointer, body)]

    @staticmethod
    def no_body() -> Any:
        """The marker for "no body at all" (distinct from a JSON ``null``)."""
        return _MISSING

    def _spec(self, op: Operation) -> dict[str, Any]:
        node: Any = self._doc
        for part in op.pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        result: dict[str, Any] = node
        return result

    def _check_parameters(
        self,
        op: Operation,
        spec: Mapping[str, Any],
        path_params: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
    ) -> list[str]:
        problems: list[str] = []
        declared: dict[str, tuple[str, dict[str, Any]]] = {}
        for raw in spec.get("parameters", []):
            param = self._deref(raw)
            declared[param["name"]] = (param["in"], param.get("schema", {}))
        for name, value in path_params.items():
            problems += _check_value(f"path parameter {name}", value, declared.get(name))
        for name, values in query.items():
            where = declared.get(name)
            if where is None or where[0] != "query":
                problems.append(f"unknown query parameter {name!r}")
                continue
            for value in values:
                problems += _check_value(f"query parameter {name}", value, where)
        return problems

    def _deref(self, node: Mapping[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return dict(node)
        target: Any = self._doc
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return self._deref(target)

    def _validate(self, pointer: str, instance: Any) -> list[str]:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator(
                {"$ref": f"{_BASE}#{pointer}"}, registry=self._registry
            )
            self._validators[pointer] = validator
        messages = []
        for error in validator.iter_errors(instance):
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            messages.append(f"{where}: {error.message[:300]}")
        return messages[:20]


def _supplemented(document: dict[str, Any]) -> dict[str, Any]:
    text = resources.files("kairos_ci.sandbox.github").joinpath(_SUPPLEMENT).read_text("utf-8")
    extra = json.loads(text)
    paths = {**extra["paths"], **document.get("paths", {})}
    components = dict(document.get("components", {}))
    components["schemas"] = {**extra["schemas"], **components.get("schemas", {})}
    return {**document, "paths": paths, "components": components}


def _check_value(what: str, value: str, declared: tuple[str, dict[str, Any]] | None) -> list[str]:
    if declared is None:
        return [f"unknown {what}"]
    schema = declared[1]
    kind = schema.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return [f"{what}: {value!r} is not an integer"]
    if kind == "boolean" and value not in ("true", "false"):
        return [f"{what}: {value!r} is not a boolean"]
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        return [f"{what}: {value!r} is not one of {enum}"]
    return []


def _check_basic_error(body: Any) -> list[str]:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return []
    return ["error body must be an object with a string 'message'"]


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _operations(doc: Mapping[str, Any]) -> list[Operation]:
    found = []
    for template, item in doc["paths"].items():
        for method, spec in item.items():
            if method == "parameters" or not isinstance(spec, dict):
                continue
            regex = ""
            for piece in re.split(r"(\{[^}]+\})", template):
                if piece.startswith("{"):
                    name = piece[1:-1]
                    body = ".+" if name in _MULTI_SEGMENT else "[^/]+"
                    regex += f"(?P<{name}>{body})"
                else:
                    regex += re.escape(piece)
            found.append(
                Operation(
                    method=method.upper(),
                    template=template,
                    operation_id=spec.get("operationId", f"{method} {template}"),
                    pointer=f"/paths/{_escape(template)}/{method}",
                    pattern=re.compile(regex),
                    literal_size=len(re.sub(r"\{[^}]+\}", "", template)),
                )
            )
    return found


def _translate(node: Any, names: bool = False) -> Any:
    """OpenAPI 3.0 schema dialect -> JSON Schema 2020-12 (see the module docstring).

    ``names`` is true for maps whose keys are names (``properties``, ``paths``), where
    a key like ``example`` is a property, not a keyword to drop.
    """
    if isinstance(node, list):
        return [_translate(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: _translate(value, names=not names and key in _NAME_MAPS)
        for key, value in node.items()
        if names or (key not in _DROPPED and not key.startswith("x-"))
    }
    if names:
        return out
    if out.pop("nullable", False) is True:
        if "type" in out:
            kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*kinds, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out
