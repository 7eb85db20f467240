"""Path confinement for the agent's tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.paths import WritePolicy, check_syntax, locate, locate_for_write
from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS
from kairos_ci.errors import PolicyViolation

POLICY = WritePolicy(BUILTIN_PROTECTED_PATHS, {})


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "not a usable path"),
        (".", "not a usable path"),
        ("/etc/passwd", "absolute"),
        ("~/.ssh/id_rsa", "absolute"),
        ("C:/x", "absolute"),
        ("a\\b", "backslashes"),
        ("a/../../b", "'..'"),
        ("x\0y", "not a usable path"),
        (".git/config", ".git"),
        ("sub/.GIT/config", ".git"),
    ],
)
def test_syntax_refusals(raw: str, fragment: str) -> None:
    with pytest.raises(PolicyViolation, match=fragment.replace(".", r"\.")):
        check_syntax(raw)


def test_normal_paths_are_normalised() -> None:
    assert check_syntax("./src//app.py") == "src/app.py"


def test_symlinks_are_resolved(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x")
    (tmp_path / "alias").symlink_to("src")
    (tmp_path / "out").symlink_to("/tmp")
    found = locate(tmp_path, "alias/a.py")
    assert found.real_relative == "src/a.py"
    with pytest.raises(PolicyViolation, match="outside the repository"):
        locate(tmp_path, "out/x")


def test_writes_are_checked_on_both_sides_of_a_link(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / "ci").symlink_to(".github")
    with pytest.raises(PolicyViolation, match=r"protected path \.github/w\.yml"):
        locate_for_write(tmp_path, "ci/w.yml", POLICY)
    with pytest.raises(PolicyViolation, match="read-only"):
        locate_for_write(tmp_path, "tests/test_x.py", POLICY)
    editable = WritePolicy(BUILTIN_PROTECTED_PATHS, {}, edit_tests=True)
    assert locate_for_write(tmp_path, "tests/test_x.py", editable).relative == "tests/test_x.py"
    extra = WritePolicy((*BUILTIN_PROTECTED_PATHS, "deploy/**"), {})
    with pytest.raises(PolicyViolation, match="deploy/\\*\\*"):
        locate_for_write(tmp_path, "deploy/prod.tf", extra)
