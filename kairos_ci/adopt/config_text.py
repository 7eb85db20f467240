"""``.github/kairos.yml`` as text: what was detected, each entry with where it came from.

Strings are written as JSON strings, which YAML reads as double-quoted scalars: no
value can change the document's shape, whatever it holds.
"""

from __future__ import annotations

import json

from kairos_ci.adopt.records import Adoption, LinterSetup, TestSetup

HEADER = """\
# kairos-ci config, written by `kairos-ci init` from what it found in this repository.
# Edit freely; check it with `kairos-ci validate` and `kairos-ci doctor`.
# Every key: README.md, "Configuration reference".
"""


def render_config(adoption: Adoption) -> str:
    lines = [HEADER.rstrip("\n"), "version: 1"]
    if adoption.tests is not None:
        lines += _tests(adoption.tests)
    if adoption.linters:
        lines.append("linters:")
        for linter in adoption.linters:
            lines += _linter(linter)
    if adoption.tests is None and not adoption.linters:
        lines.append("# Nothing to run was detected: add `tests:` and `linters:` here.")
    return "\n".join(lines) + "\n"


def _tests(tests: TestSetup) -> list[str]:
    return [
        f"# Tests: found from {tests.source}; the command writes JUnit where `junit` says.",
        "tests:",
        f"  run: {_quoted(tests.run)}",
        f"  junit: [{', '.join(_quoted(glob) for glob in tests.junit)}]",
    ]


def _linter(linter: LinterSetup) -> list[str]:
    lines = [
        f"  # {linter.name}: configured in {linter.source}",
        f"  - name: {_quoted(linter.name)}",
        f"    run: {_quoted(linter.run)}",
        f"    format: {_quoted(linter.format)}",
    ]
    if linter.report is not None:
        lines.append(f"    report: {_quoted(linter.report)}")
    if linter.fix is not None:
        lines.append(f"    fix: {_quoted(linter.fix)}")
    return lines


def _quoted(text: str) -> str:
    return json.dumps(text)
