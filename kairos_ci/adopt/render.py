"""Every file init writes, and what it says about what it found."""

from __future__ import annotations

from kairos_ci.adopt.config_text import render_config
from kairos_ci.adopt.records import Adoption, PlannedFile
from kairos_ci.adopt.workflows import render_workflows


def planned_files(adoption: Adoption) -> tuple[PlannedFile, ...]:
    config = PlannedFile(adoption.config_path, render_config(adoption))
    return (config, *render_workflows(adoption))


def describe(adoption: Adoption) -> list[str]:
    """What was detected, one line per part, for the terminal."""
    lines = []
    for chain in adoption.toolchains:
        lines.append(f"detected: {chain.language} (from {', '.join(chain.sources)})")
    if adoption.tests is not None:
        tests = adoption.tests
        lines.append(f"tests: {tests.run} -> {', '.join(tests.junit)} (from {tests.source})")
    lines += [
        f"linter: {linter.name}: {linter.run} (from {linter.source})" for linter in adoption.linters
    ]
    if adoption.ci_workflow is not None:
        lines.append(f"fix-tests: after your workflow {adoption.ci_workflow!r} fails")
    lines += [f"note: {note}" for note in adoption.notes]
    return lines
