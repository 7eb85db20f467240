"""Only the listed files are read, capped, and no symlink is followed."""

from __future__ import annotations

import os
from pathlib import Path

from kairos_ci.adopt.scan import MAX_FILE_BYTES, scan
from tests.adopt.projects import write


def test_manifests_markers_folders_and_globs(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\n",
            "yarn.lock": "",
            "requirements/dev.txt": "x\n",
            "src/a.py": "",
            ".github/workflows/ci.yaml": "name: CI\n",
            "other.txt": "not read",
        },
    )
    files = scan(tmp_path)
    assert files.text("pyproject.toml") == "[project]\n"
    assert files.has("yarn.lock") and files.text("yarn.lock") is None  # a marker, never read
    assert files.text("requirements/dev.txt") == "x\n"
    assert files.text(".github/workflows/ci.yaml") == "name: CI\n"
    assert files.has("src/") and not files.has("tests/")
    assert not files.has("other.txt")


def test_a_symlinked_manifest_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.toml"
    outside.write_text("[project]\nname='leak'\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "pyproject.toml")
    os.symlink(tmp_path, repo / "src")
    files = scan(repo)
    assert not files.has("pyproject.toml") and not files.has("src/")
    assert files.texts == {}


def test_large_and_binary_manifests_are_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(" " * (MAX_FILE_BYTES + 1))
    (tmp_path / "tox.ini").write_bytes(b"\xff\xfe[tox]")
    files = scan(tmp_path)
    assert files.texts == {}
    assert sorted(files.unreadable) == [
        "package.json: larger than 512 KiB, not read",
        "tox.ini: not UTF-8 text, not read",
    ]
