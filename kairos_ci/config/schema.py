"""The JSON Schemas shipped in the package, and defaults taken from them.

The config schema is the single source of truth for keys and defaults: the
typed config is built only after ``with_defaults`` has filled what the user left out.
"""

from __future__ import annotations

import copy
import json
import pkgutil
from typing import Any

JsonObject = dict[str, Any]


def load_schema(name: str) -> JsonObject:
    """Read ``schemas/<name>.schema.json`` from the installed package."""
    # pkgutil, not importlib.resources: that one imports tempfile, shutil, bz2 and lzma,
    # a tenth of what `kairos-ci validate` costs.
    resource = f"schemas/{name}.schema.json"
    raw = pkgutil.get_data("kairos_ci", resource)
    if raw is None:  # a loader that cannot read package data
        raise FileNotFoundError(f"kairos_ci/{resource}: not readable from the installed package")
    schema: JsonObject = json.loads(raw.decode("utf-8"))
    return schema


def resolve(schema: JsonObject, root: JsonObject) -> JsonObject:
    """Follow a local ``$ref`` (``#/$defs/...``), keeping sibling keywords."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = dict(resolve(target, root))
    merged.update({k: v for k, v in schema.items() if k != "$ref"})
    return merged


def with_defaults(data: Any, schema: JsonObject, root: JsonObject | None = None) -> Any:
    """Return a copy of valid ``data`` with every schema default filled in."""
    root = schema if root is None else root
    schema = resolve(schema, root)
    if isinstance(data, dict):
        filled = dict(data)
        for key, sub in schema.get("properties", {}).items():
            sub = resolve(sub, root)
            if key not in filled and "default" in sub:
                filled[key] = copy.deepcopy(sub["default"])
            if key in filled:
                filled[key] = with_defaults(filled[key], sub, root)
        return filled
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [with_defaults(item, schema["items"], root) for item in data]
    return data
