"""Render the config reference (README) from the schema, so docs cannot drift from it."""

from __future__ import annotations

import json
from collections.abc import Iterator

from kairos_ci.config.schema import JsonObject, load_schema, resolve


def key_rows(root: JsonObject | None = None) -> Iterator[tuple[str, JsonObject, bool]]:
    """Every key path in the config schema: (path, its schema, required)."""
    root = load_schema("config") if root is None else root
    yield from _walk(root, "", root)


def render_reference() -> str:
    root = load_schema("config")
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for path, schema, required in key_rows(root):
        default = "required" if required else _default(schema)
        meaning = schema.get("description", "")
        lines.append(f"| `{path}` | {_type(schema, root)} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


def _walk(
    schema: JsonObject, prefix: str, root: JsonObject
) -> Iterator[tuple[str, JsonObject, bool]]:
    required = set(schema.get("required", []))
    for key, sub in schema.get("properties", {}).items():
        sub = resolve(sub, root)
        path = f"{prefix}.{key}" if prefix else key
        yield path, sub, key in required
        if sub.get("type") == "object":
            yield from _walk(sub, path, root)
            extra = sub.get("additionalProperties")
            if isinstance(extra, dict):
                yield from _walk(resolve(extra, root), f"{path}.<model>", root)
        items = resolve(sub.get("items", {}), root) if sub.get("type") == "array" else {}
        if items.get("type") == "object":
            yield from _walk(items, f"{path}[]", root)


def _type(schema: JsonObject, root: JsonObject) -> str:
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = str(schema.get("type", ""))
    if kind == "array":
        return "list, each " + _type(resolve(schema.get("items", {}), root), root)
    return {"object": "mapping", "integer": "whole number"}.get(kind, kind)


def _default(schema: JsonObject) -> str:
    return f"`{json.dumps(schema['default'])}`" if "default" in schema else ""
