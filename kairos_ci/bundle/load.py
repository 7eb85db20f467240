"""Reading, validating and writing bundle files (schemas/bundle.schema.json)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from kairos_ci.bundle.intents import Kind, intent_json, parse_intent
from kairos_ci.bundle.records import Bundle, RunSpend, Write
from kairos_ci.config.records import Level, TaskKind
from kairos_ci.config.schema import load_schema
from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.memory.records import Spend

BUNDLE_LIMIT_BYTES = 8 * 1024 * 1024
_SHOWN_PROBLEMS = 10


def load_bundle(path: Path) -> Bundle:
    try:
        size = path.stat().st_size
        if size > BUNDLE_LIMIT_BYTES:
            raise InputTooLarge(f"{path}: bundle is {size} bytes, over {BUNDLE_LIMIT_BYTES}")
        data = json.loads(path.read_bytes())
    except OSError as err:
        raise InputError(f"{path}: cannot read the bundle: {err.strerror}") from None
    except ValueError as err:
        raise InputError(f"{path}: not JSON: {err}") from None
    return parse_bundle(data, str(path))


def parse_bundle(data: Any, source: str = "bundle") -> Bundle:
    """A valid bundle, or an ``InputError`` naming every problem by its JSON path."""
    validator = Draft202012Validator(load_schema("bundle"))
    problems = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if problems:
        lines = [f"{_where(e.absolute_path)}: {e.message[:200]}" for e in problems]
        more = len(lines) - _SHOWN_PROBLEMS
        shown = lines[:_SHOWN_PROBLEMS] + ([f"... and {more} more"] if more > 0 else [])
        raise InputError(f"{source}: not a valid bundle:\n  " + "\n  ".join(shown))
    writes = tuple(
        Write(
            fingerprint=item["fingerprint"],
            autonomy=Level.parse(item["autonomy"]),
            why=item["why"],
            intent=parse_intent(Kind(item["kind"]), item["target"], item["payload"]),
            task=TaskKind(item["task"]) if "task" in item else None,
        )
        for item in data["writes"]
    )
    spend = _spend(data["spend"]) if "spend" in data else None
    return Bundle(data["repository"], writes, data.get("created_by", {}), data["version"], spend)


def bundle_to_dict(bundle: Bundle) -> dict[str, Any]:
    writes = []
    for w in bundle.writes:
        item: dict[str, Any] = {
            "kind": w.kind.value,
            "fingerprint": w.fingerprint,
            "autonomy": str(w.autonomy),
            "why": w.why,
            **intent_json(w.intent),
        }
        if w.task is not None:
            item["task"] = w.task.value
        writes.append(item)
    data: dict[str, Any] = {"version": bundle.version, "repository": bundle.repository}
    if bundle.created_by:
        data["created_by"] = dict(bundle.created_by)
    if bundle.spend is not None:
        data["spend"] = _spend_json(bundle.spend)
    data["writes"] = writes
    return data


def dump_bundle(bundle: Bundle, path: Path) -> None:
    """Write atomically (a reader never sees half a bundle); refuse an invalid one."""
    data = bundle_to_dict(bundle)
    parse_bundle(data, "the bundle being written")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bundle-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=False)
        out.write("\n")
    Path(tmp).replace(path)


def _spend(data: dict[str, Any]) -> RunSpend:
    by_model = {
        model: Spend(float(s["usd"]), s["input_tokens"], s["output_tokens"])
        for model, s in data["models"].items()
    }
    return RunSpend(data["at"], by_model)


def _spend_json(spend: RunSpend) -> dict[str, Any]:
    models = {
        model: {"usd": s.usd, "input_tokens": s.input_tokens, "output_tokens": s.output_tokens}
        for model, s in spend.by_model.items()
    }
    return {"at": spend.at, "models": models}


def _where(path: Any) -> str:
    parts = ""
    for part in path:
        parts += f"[{part}]" if isinstance(part, int) else f".{part}"
    return parts.lstrip(".") or "(root)"
