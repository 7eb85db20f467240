"""Put the languages, linters and the project's CI together into one adoption.

When a repository has both Python and JavaScript, the tests are the ones the project's
own CI runs first by its workflows' words, else Python's; the other language's tools are
still installed, so its linters run.
"""

from __future__ import annotations

import re

import yaml

from kairos_ci.adopt.java import java_toolchain
from kairos_ci.adopt.linters import detect_linters
from kairos_ci.adopt.node import detect_node
from kairos_ci.adopt.python import detect_python
from kairos_ci.adopt.records import (
    Adoption,
    DetectedLinter,
    LanguageFindings,
    ProjectFiles,
    TestSetup,
)
from kairos_ci.config.load import CONFIG_CANDIDATES

NOTHING_FOUND = (
    "nothing detectable: no Python or JavaScript manifest and no linter config was found, so "
    "the config is minimal (version: 1); set tests.run and linters by hand "
    "(see docs/init.md), then run kairos-ci doctor"
)
_TEST_WORDS = re.compile(
    r"\b(pytest|tox|nox|jest|vitest|mocha|npm (run )?test|yarn test|pnpm test)\b"
)


def detect(files: ProjectFiles, existing_config: str | None = None) -> Adoption:
    linters, linter_notes = detect_linters(files)
    python = detect_python(files, _packages(linters, "python"))
    node, package_notes = detect_node(files, _packages(linters, "node"))
    languages = [found for found in (python, node) if found is not None]
    java = java_toolchain(files, linters)
    toolchains = (*(found.toolchain for found in languages), *([java] if java else []))
    notes = [*files.unreadable, *package_notes, *linter_notes]
    notes += [note for found in languages for note in found.notes]
    if not toolchains and not linters:
        notes.append(NOTHING_FOUND)
    ci = _ci_workflow(files)
    return Adoption(
        toolchains=toolchains,
        tests=_tests(languages, files, ci),
        linters=tuple(d.setup for d in linters),
        notes=tuple(notes),
        ci_workflow=ci[0] if ci else None,
        config_path=existing_config or CONFIG_CANDIDATES[0],
    )


def _packages(linters: tuple[DetectedLinter, ...], language: str) -> tuple[str, ...]:
    return tuple(p for d in linters if d.language == language for p in d.packages)


def _tests(
    languages: list[LanguageFindings], files: ProjectFiles, ci: tuple[str, str] | None
) -> TestSetup | None:
    candidates = [found for found in languages if found.tests is not None]
    if len(candidates) > 1 and ci is not None:
        text = files.text(ci[1]) or ""
        node_first = re.search(r"\b(jest|vitest|mocha|npm (run )?test|yarn test|pnpm test)\b", text)
        python_first = re.search(r"\b(pytest|tox|nox)\b", text)
        if node_first and (python_first is None or node_first.start() < python_first.start()):
            candidates.sort(key=lambda found: found.toolchain.language != "node")
    return candidates[0].tests if candidates else None


def _ci_workflow(files: ProjectFiles) -> tuple[str, str] | None:
    """The name and path of the project's own CI workflow: of those that run tests, the
    first that runs on pushes or pull requests, else the first."""
    found: list[tuple[bool, str, str]] = []
    for path in sorted(files.texts):
        if not path.startswith(".github/workflows/") or "kairos" in path.rsplit("/", 1)[-1]:
            continue
        text = files.texts[path]
        name, triggers = _workflow_head(text) if _TEST_WORDS.search(text) else ("", set())
        if name and "${{" not in name and "\n" not in name:
            found.append((not triggers & {"push", "pull_request"}, name, path))
    return min(found)[1:] if found else None


def _workflow_head(text: str) -> tuple[str, set[str]]:
    """The top-level ``name:`` and the events of ``on:``, read from the node graph:
    composing never expands aliases, and ``on`` (a boolean key in YAML 1.1) is no problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return "", set()  # not a workflow GitHub would run either
    if not isinstance(root, yaml.MappingNode):
        return "", set()
    head = {str(key.value): value for key, value in root.value}
    name = head.get("name")
    return (
        str(name.value) if isinstance(name, yaml.ScalarNode) else "",
        _events(head.get("on")),
    )


def _events(node: yaml.Node | None) -> set[str]:
    if isinstance(node, yaml.ScalarNode):
        return {str(node.value)}
    if isinstance(node, yaml.SequenceNode):
        return {str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)}
    if isinstance(node, yaml.MappingNode):
        return {str(key.value) for key, _ in node.value}
    return set()
