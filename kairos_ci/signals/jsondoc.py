"""Loading JSON reports: size cap first, encoding from the BOM, clear errors, JSON Lines too.

JSON is loaded whole (the standard library has no streaming JSON parser); the byte cap
bounds memory. Nesting is bounded by the interpreter's recursion limit: a 10,000-deep
document fails fast with a clear error instead of a crash, and integers longer than
4,300 digits are refused by CPython itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals import source
from kairos_ci.signals.records import ReportLimits


def load(path: Path, limits: ReportLimits) -> Any:
    """The parsed document; a JSON Lines file (ruff ``json-lines``) becomes a list."""
    text = source.decode(source.read_all(path, limits))
    if not text.strip():
        raise InputError("empty file")
    # Every array or object costs ~60 bytes or more once parsed, so "[],[],..." inflates
    # twentyfold. Counting brackets (strings included: an overestimate) is cheap and says
    # how big the parsed document could get before it is built.
    nodes = text.count("[") + text.count("{")
    if nodes > limits.max_json_nodes:
        raise InputTooLarge(
            f"{nodes:,} JSON arrays and objects is over the {limits.max_json_nodes:,} cap"
        )
    try:
        return _loads(text)
    except json.JSONDecodeError as err:
        lines = _lines(text) if err.msg == "Extra data" else None
        if lines is None:
            raise InputError(_where(err)) from None
        return lines


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise InputTooLarge("JSON nested too deeply to read") from None
    except json.JSONDecodeError:
        raise
    except ValueError as err:  # e.g. an integer over CPython's 4,300-digit limit
        raise InputError(f"not valid JSON: {err}") from None


def _lines(text: str) -> list[Any] | None:
    """JSON Lines (one object per line, as ruff ``json-lines`` writes), else None."""
    items: list[Any] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            items.append(_loads(line))
        except json.JSONDecodeError:
            return None
    return items


def _where(err: json.JSONDecodeError) -> str:
    return f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: reports omit and misspell freely."""
    return value if isinstance(value, dict) else {}


def arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
