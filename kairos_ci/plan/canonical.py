"""Canonical JSON and the plan hash: the bytes an approval is bound to.

Keys sorted, no whitespace, UTF-8, and integral floats written as integers, so a plan read
back from its JSON hashes the same as the records it was written from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# Not content: where the plan is in its life, who approved it, when it was drafted.
UNHASHED = frozenset({"status", "approvals", "plan_hash", "created_at"})


def canonical_bytes(value: Any) -> bytes:
    text = json.dumps(_normalised(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_hash(document: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``document`` without the unhashed fields."""
    content = {key: value for key, value in document.items() if key not in UNHASHED}
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def _normalised(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("canonical JSON has no NaN or infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(key): _normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(item) for item in value]
    raise TypeError(f"not JSON data: {type(value).__name__}")
