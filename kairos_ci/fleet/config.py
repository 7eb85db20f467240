"""Find, read and check the fleet file (``.github/kairos-fleet.yml`` in the fleet
repository). Every problem names its key and its line and column, all at once, as
``kairos-ci validate`` does for the kairos config: the same YAML loader and error type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kairos_ci.config.load import located_problem, read_config, yaml_document
from kairos_ci.config.schema import load_schema, with_defaults
from kairos_ci.config.yaml_source import YamlDocument
from kairos_ci.errors import ConfigError, ConfigProblem, UsageError
from kairos_ci.fleet.records import Fleet, FleetDashboard, Shards

if TYPE_CHECKING:
    import jsonschema

FLEET_CANDIDATES = (".github/kairos-fleet.yml", ".github/kairos-fleet.yaml")

KeyPath = tuple[str | int, ...]


def find_fleet(repo: Path, given: Path | None = None) -> Path:
    """``given`` (relative to ``repo``), or the repository's fleet file."""
    if given is not None:
        return repo / given
    for candidate in FLEET_CANDIDATES:
        if (repo / candidate).is_file():
            return repo / candidate
    raise UsageError(f"no fleet file in {repo}: add {FLEET_CANDIDATES[0]} (see docs/fleet.md)")


def load_fleet(path: Path) -> Fleet:
    return parse_fleet(read_config(path), str(path))


def parse_fleet(raw: bytes, source: str) -> Fleet:
    """The fleet in ``raw``; ``ConfigError`` listing every problem."""
    document = yaml_document(raw, source)
    problems = list(_schema_problems(document, source))
    if not problems:
        problems = list(_semantic_problems(document, source))
    if problems:
        raise ConfigError(tuple(sorted(problems, key=lambda p: (p.line or 0, p.column or 0))))
    return _typed(with_defaults(document.data, load_schema("fleet")), source)


def _schema_problems(document: YamlDocument, source: str) -> Iterator[ConfigProblem]:
    import jsonschema  # lazy: only the fleet commands pay for it

    if not isinstance(document.data, dict):
        yield located_problem(document, source, (), "the file must be a mapping of keys")
        return
    validator = jsonschema.Draft202012Validator(load_schema("fleet"))
    for error in validator.iter_errors(document.data):
        yield from _translate(error, document, source)


def _translate(
    error: jsonschema.ValidationError, document: YamlDocument, source: str
) -> Iterator[ConfigProblem]:
    path: KeyPath = tuple(error.absolute_path)
    instance: Any = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        schema: Any = error.schema
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(instance) - set(allowed)):
            message = f"unknown key '{key}'; allowed: {', '.join(allowed)}"
            yield located_problem(document, source, (*path, key), message, of_key=True)
    elif error.validator == "pattern" and isinstance(instance, str):
        yield located_problem(document, source, path, f"{instance!r} is not OWNER/NAME")
    else:
        yield located_problem(document, source, path, error.message)


def _semantic_problems(document: YamlDocument, source: str) -> Iterator[ConfigProblem]:
    data: dict[str, Any] = document.data  # type: ignore[assignment]  # checked by the schema
    seen: set[str] = set()
    for index, name in enumerate(data["repositories"]):
        if name.lower() in seen:
            yield located_problem(
                document, source, ("repositories", index), f"{name} is listed twice"
            )
        seen.add(name.lower())
    count = data.get("shards", {}).get("count", 0)
    if count > len(seen):
        message = f"{count} shards for {len(seen)} repositories would leave shards empty"
        yield located_problem(document, source, ("shards", "count"), message)


def _typed(data: dict[str, Any], source: str) -> Fleet:
    board = data["dashboard"]
    shards = data.get("shards")
    return Fleet(
        repositories=tuple(data["repositories"]),
        dashboard=FleetDashboard(board["repository"], board["label"], board["max_rows"]),
        memory_branch=data["memory_branch"],
        shards=Shards(shards["count"], shards["salt"]) if shards else None,
        source=source,
    )
