from __future__ import annotations

import pytest

from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS
from kairos_ci.policy.protected import violations
from kairos_ci.policy.records import PathChange

PATTERNS = (*BUILTIN_PROTECTED_PATHS, "migrations/**")


@pytest.mark.parametrize(
    "change",
    [
        PathChange(".github/workflows/ci.yml"),
        PathChange("sub/action.yml"),
        PathChange("CODEOWNERS"),
        PathChange("docs/CODEOWNERS"),
        PathChange("migrations/0001.sql"),
        PathChange(".GitHub/workflows/ci.yml"),  # case-insensitive disks
        PathChange("src/ok.py", old_path=".github/workflows/ci.yml"),  # renamed away
        PathChange(".github/x.yml", old_path="src/ok.py"),  # renamed into
        PathChange("src/link", symlink_target="../.github/workflows/ci.yml"),
        PathChange("src/link", symlink_target="../../etc/passwd"),
        PathChange("../outside.py"),
        PathChange("/etc/passwd"),
        PathChange("src/../.github/a.yml"),
        PathChange(".claude/settings.json"),
        PathChange("pkg/AGENTS.md"),
    ],
)
def test_protected_or_escaping_changes_are_refused(change: PathChange) -> None:
    assert violations([change], PATTERNS)


@pytest.mark.parametrize(
    "change",
    [
        PathChange("src/app.py"),
        PathChange("docs/github.md"),
        PathChange("src/new.py", old_path="src/old.py"),
        PathChange("src/link", symlink_target="../docs/readme.md"),
        PathChange("tests/test_actions.py"),
    ],
)
def test_ordinary_changes_pass(change: PathChange) -> None:
    assert violations([change], PATTERNS) == ()


def test_changes_through_an_existing_symlinked_directory_are_resolved() -> None:
    links = {"ci": ".github/workflows"}
    found = violations([PathChange("ci/deploy.yml")], PATTERNS, existing_symlinks=links)
    assert found and ".github/workflows/deploy.yml" in found[0].reason


def test_violation_says_which_pattern_matched() -> None:
    (found,) = violations([PathChange("migrations/1.sql")], PATTERNS)
    assert found.reason == "changes protected path migrations/1.sql (matches migrations/**)"
