"""Parse branch files: JSON, then migrate to the current shape, then validate.

Migrations are an ordered list of steps, each lifting a document one version.
A document from a newer kairos is refused (``MemoryTooNew``) so that an older
kairos never overwrites what it does not understand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt, MemoryTooNew
from kairos_ci.memory.records import SCHEMA_VERSION

Doc = dict[str, Any]
_MESSAGE_CHARS = 200  # errors quote branch content: keep them short


@dataclass(frozen=True)
class Migration:
    """Lifts a document from ``from_version`` to ``from_version + 1``."""

    from_version: int
    apply: Callable[[Doc], Doc]


def _add_backoffs(doc: Doc) -> Doc:
    """Version 2 remembers failed fixes and when to retry them; version 1 had none."""
    if doc.get("kind") == "snapshot":
        doc["backoffs"] = {}  # by failure signature
    elif doc.get("kind") == "journal":
        doc["backoffs"] = []
    return doc


# Version 1 is the first shape; each later version appends the step that lifts to it.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, _add_backoffs),)


@dataclass(frozen=True)
class Checker:
    validator: jsonschema.protocols.Validator
    migrations: Sequence[Migration] = MIGRATIONS
    current: int = SCHEMA_VERSION


def checker(migrations: Sequence[Migration] = MIGRATIONS) -> Checker:
    return Checker(jsonschema.Draft202012Validator(load_schema("memory")), migrations)


def parse(raw: bytes, kind: str, where: str, check: Checker) -> Doc:
    """The current-version document in ``raw``; ``MemoryCorrupt`` says why it is not one."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MemoryCorrupt(f"{where}: not valid JSON ({_short(str(err))})") from None
    if not isinstance(doc, dict) or doc.get("kind") != kind:
        raise MemoryCorrupt(f"{where}: not a memory {kind} document")
    doc = migrate(doc, where, check)
    validate(doc, where, check)
    return doc


def migrate(doc: Doc, where: str, check: Checker) -> Doc:
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise MemoryCorrupt(f"{where}: schema_version is missing or not a whole number")
    if version > check.current:
        raise MemoryTooNew(
            f"{where} has schema version {version}, newer than {check.current} which this "
            "kairos-ci understands: upgrade kairos-ci; memory was left untouched"
        )
    steps = {step.from_version: step for step in check.migrations}
    while version < check.current:
        step = steps.get(version)
        if step is None:
            raise MemoryCorrupt(f"{where}: no migration from schema version {version}")
        doc = step.apply(doc)
        version += 1
        doc["schema_version"] = version
    return doc


def validate(doc: Doc, where: str, check: Checker) -> None:
    error = best_match(check.validator.iter_errors(doc))
    if error is not None:
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise MemoryCorrupt(f"{where}: {path}: {_short(error.message)}")


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 3] + "..."
