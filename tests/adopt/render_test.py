"""The set of files init plans, and what it tells the user."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.render import describe, planned_files
from tests.adopt.projects import JEST_ESLINT, NOTHING, SRC_LAYOUT, adopt


def test_fix_tests_is_planned_only_when_the_projects_ci_is_known(tmp_path: Path) -> None:
    with_ci = [f.path for f in planned_files(adopt(tmp_path / "js", JEST_ESLINT))]
    assert with_ci == [
        ".github/kairos.yml",
        ".github/workflows/kairos-nightly.yml",
        ".github/workflows/kairos-review.yml",
        ".github/workflows/kairos-fix-tests.yml",
    ]
    without = [f.path for f in planned_files(adopt(tmp_path / "py", SRC_LAYOUT))]
    assert ".github/workflows/kairos-fix-tests.yml" not in without


def test_describe_names_sources_commands_and_notes(tmp_path: Path) -> None:
    lines = describe(adopt(tmp_path / "js", JEST_ESLINT))
    assert lines[0] == "detected: node (from package.json, package-lock.json)"
    assert lines[1].startswith("tests: jest --coverage --ci ") and lines[1].endswith(
        "-> junit.xml (from package.json scripts.test)"
    )
    assert "linter: eslint: eslint --format json . (from eslint.config.js)" in lines
    assert "fix-tests: after your workflow 'CI' fails" in lines
    assert lines[-1].startswith("note: JavaScript: jest-junit not in package.json")
    nothing = describe(adopt(tmp_path / "none", NOTHING))
    assert len(nothing) == 1 and nothing[0].startswith("note: nothing detectable")
