"""Parse branch files: JSON, then migrate to the current shape, then validate.

Migrations are an ordered list of steps, each lifting a document one version.
A document from a newer kairos is refused (``MemoryTooNew``) so that an older
kairos never overwrites what it does not understand.

Two validators hold documents to the one schema. A migrated document (written by an
older kairos) and ``strict`` reads (``memory verify``) go through jsonschema. A
current-version file, which this kairos's own code wrote, and every file about to be
written get the schema compiled into Python (``compiled``): the same rules, many times
faster. When that says no, jsonschema words the error. The compiled schema leaves out
the history patterns: ``grammar`` checks each history with the points it names, in one
pass, when ``codec`` decodes a document or a writer checks one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kairos_ci.config.compiled import Check, compile_schema
from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt, MemoryTooNew
from kairos_ci.memory.grammar import without_history_patterns
from kairos_ci.memory.records import SCHEMA_VERSION

if TYPE_CHECKING:
    import jsonschema

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


def _number_points(doc: Doc) -> Doc:
    """Version 3 keys the snapshot's points by number, so numbers outlive compactions.
    Version 2's list index becomes the number: every history token stays valid."""
    points = doc.get("points")
    if doc.get("kind") == "snapshot" and isinstance(points, list):
        doc["points"] = {str(index): point for index, point in enumerate(points)}
    return doc


# Version 1 is the first shape; each later version appends the step that lifts to it.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, _add_backoffs), Migration(2, _number_points))


@dataclass(frozen=True)
class Checker:
    schema: Doc
    migrations: Sequence[Migration] = MIGRATIONS
    current: int = SCHEMA_VERSION
    fast: Check = field(init=False)

    def __post_init__(self) -> None:
        # Less the history patterns: ``grammar`` checks them with the points (see above).
        object.__setattr__(self, "fast", compile_schema(without_history_patterns(self.schema)))

    @cached_property
    def validator(self) -> jsonschema.protocols.Validator:
        """jsonschema, imported only when a document needs it (its import is slow)."""
        import jsonschema

        return jsonschema.Draft202012Validator(self.schema)


def checker(migrations: Sequence[Migration] = MIGRATIONS) -> Checker:
    return Checker(load_schema("memory"), migrations)


@dataclass(frozen=True)
class Read:
    doc: Doc  # at the current version
    migrated: bool  # written by an older kairos: lifted here, and not yet stored this way


def parse(raw: bytes, kind: str, where: str, check: Checker, *, strict: bool = False) -> Doc:
    """The current-version document in ``raw``; ``MemoryCorrupt`` says why it is not one.
    ``strict``: validate with jsonschema even a document this kairos wrote."""
    return read(raw, kind, where, check, strict=strict).doc


def read(raw: bytes, kind: str, where: str, check: Checker, *, strict: bool = False) -> Read:
    """``parse``, saying whether the document had to be migrated."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MemoryCorrupt(f"{where}: not valid JSON ({_short(str(err))})") from None
    if not isinstance(doc, dict) or doc.get("kind") != kind:
        raise MemoryCorrupt(f"{where}: not a memory {kind} document")
    migrated = doc.get("schema_version") != check.current
    doc = migrate(doc, where, check)
    if strict or migrated:  # a migration's input came from outside this kairos
        validate(doc, where, check)
    else:
        conforms(doc, where, check)
    return Read(doc, migrated)


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
    """Full JSON Schema validation: for documents from outside this kairos."""
    from jsonschema.exceptions import best_match

    error = best_match(check.validator.iter_errors(doc))
    if error is not None:
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise MemoryCorrupt(f"{where}: {path}: {_short(error.message)}")


def conforms(doc: Doc, where: str, check: Checker) -> None:
    """The compiled schema: for documents this kairos wrote or is about to write."""
    if check.fast(doc):
        return
    validate(doc, where, check)  # words the error
    raise MemoryCorrupt(f"{where}: does not match the memory schema")  # the two disagree


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 3] + "..."
