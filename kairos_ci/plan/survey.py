"""The survey phase, with no model: inventory, commands, baseline and the repository map.

The baseline test run is not made here: it goes through the verification sandbox, which
the caller hands in as ``run_baseline``. A survey without one (or whose run failed) says
so in ``problems``, and the plan will list the baseline as missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.errors import KairosError
from kairos_ci.git import Git
from kairos_ci.plan.codec import (
    baseline_from_json,
    baseline_json,
    commands_from_json,
    commands_json,
    languages_from_json,
    languages_json,
)
from kairos_ci.plan.codeindex import CodeIndex, IndexLimits, build_index
from kairos_ci.plan.inventory import Inventory, read_text, take_inventory
from kairos_ci.plan.project_commands import find_commands
from kairos_ci.plan.records import Baseline, CommandKind, Language, ProjectCommand
from kairos_ci.plan.repomap import repository_map

DEFAULT_MAP_TOKENS = 3000

# The verification sandbox's port: run the test command, return counts and failing ids.
# It raises a KairosError when the run could not be made.
BaselineRunner = Callable[[ProjectCommand], Baseline]


@dataclass(frozen=True)
class SurveyLimits:
    index: IndexLimits = field(default_factory=IndexLimits)
    map_tokens: int = DEFAULT_MAP_TOKENS


@dataclass(frozen=True)
class Survey:
    files: int
    languages: tuple[Language, ...]
    commands: tuple[ProjectCommand, ...]
    baseline: Baseline | None
    repo_map: str
    map_tokens: int
    problems: tuple[str, ...]  # what could not be read or run, one line each
    truncated: bool  # the inventory or index hit a bound

    def test_command(self) -> ProjectCommand | None:
        return next((c for c in self.commands if c.kind is CommandKind.TEST), None)


@dataclass(frozen=True)
class Surveyed:
    """The survey, and the index the impact analysis reuses in the same process."""

    survey: Survey
    inventory: Inventory
    index: CodeIndex


def reader(inventory: Inventory, limits: IndexLimits) -> Callable[[str], str | None]:
    """Text of a tracked file by path; None for untracked, large, binary or unsafe files."""
    tracked = {f.path: f for f in inventory.files}

    def read(path: str) -> str | None:
        found = tracked.get(path)
        return None if found is None else read_text(inventory, found, limits.inventory)

    return read


def survey_repository(
    git: Git,
    terms: Sequence[str],
    run_baseline: BaselineRunner | None = None,
    limits: SurveyLimits | None = None,
) -> Surveyed:
    limits = limits or SurveyLimits()
    inventory = take_inventory(git, limits.index.inventory)
    read = reader(inventory, limits.index)
    found = find_commands(inventory.paths, read)
    index = build_index(inventory, limits.index)
    repo_map = repository_map(index, terms, limits.map_tokens)
    problems = list(found.problems)
    if index.unread:
        problems.append(f"{index.unread} source files were not read (size or a bound)")
    baseline = _baseline(found.commands, run_baseline, problems)
    survey = Survey(
        files=len(inventory.files),
        languages=inventory.languages(),
        commands=found.commands,
        baseline=baseline,
        repo_map=repo_map.text,
        map_tokens=repo_map.tokens,
        problems=tuple(problems),
        truncated=index.truncated,
    )
    return Surveyed(survey, inventory, index)


def _baseline(
    commands: Sequence[ProjectCommand], run: BaselineRunner | None, problems: list[str]
) -> Baseline | None:
    test = next((c for c in commands if c.kind is CommandKind.TEST), None)
    if run is None:
        problems.append("baseline: no test run was requested")
        return None
    if test is None:
        problems.append("baseline: no test command found in the manifests or workflows")
        return None
    try:
        return run(test)
    except KairosError as err:
        problems.append(f"baseline: {test.command} could not run: {err}")
        return None


def survey_to_json(survey: Survey) -> dict[str, Any]:
    """The survey as a checkpoint stores it."""
    return {
        "files": survey.files,
        "languages": languages_json(survey.languages),
        "commands": commands_json(survey.commands),
        "baseline": baseline_json(survey.baseline),
        "repo_map": survey.repo_map,
        "map_tokens": survey.map_tokens,
        "problems": list(survey.problems),
        "truncated": survey.truncated,
    }


def survey_from_json(data: dict[str, Any]) -> Survey:
    return Survey(
        files=int(data["files"]),
        languages=languages_from_json(data["languages"]),
        commands=commands_from_json(data["commands"]),
        baseline=baseline_from_json(data["baseline"]),
        repo_map=str(data["repo_map"]),
        map_tokens=int(data["map_tokens"]),
        problems=tuple(map(str, data["problems"])),
        truncated=bool(data["truncated"]),
    )
