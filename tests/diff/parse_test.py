"""Unified diffs: reviewdog's parsed expectations, and real ``git diff`` output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kairos_ci.diff.parse import parse_diff, unquote_c
from kairos_ci.diff.records import ChangeKind
from kairos_ci.errors import InputError, InputTooLarge
from tests.conftest import shared_path

REVIEWDOG = "diff/reviewdog-reviewdog"
TYPES = {0: " ", 1: "+", 2: "-"}


def _diffs() -> list[str]:
    base = shared_path() / "corpus" / REVIEWDOG
    return sorted(p.name for p in base.glob("*.diff")) if base.is_dir() else []


def _strip(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


@pytest.mark.parametrize("name", _diffs())
def test_reviewdog_expectations(shared_dir: Path, name: str) -> None:
    base = shared_dir / "corpus" / REVIEWDOG
    diff = parse_diff((base / name).read_text("utf-8"))
    expected = json.loads((base / f"{name}.json").read_text("utf-8"))
    assert len(diff.files) == len(expected)
    for ours, theirs in zip(diff.files, expected, strict=True):
        header = " ".join(theirs.get("Extended") or [])
        if theirs["PathNew"] or theirs["PathOld"]:
            assert ours.path == _strip(theirs["PathNew"])
            assert ours.old_path == _strip(theirs["PathOld"])
        else:  # empty added/deleted files: reviewdog keeps only the git header
            assert f"a/{ours.path} b/{ours.path}" in header
        if "new file mode" in header:
            assert ours.kind is ChangeKind.ADDED
        if "deleted file mode" in header:
            assert ours.kind is ChangeKind.DELETED
        hunks = theirs["Hunks"] or []
        assert len(ours.hunks) == len(hunks)
        for hunk, want in zip(ours.hunks, hunks, strict=True):
            assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (
                want["StartLineOld"],
                want["LineLengthOld"],
                want["StartLineNew"],
                want["LineLengthNew"],
            )
            assert [(ln.kind, ln.old_line or 0, ln.new_line or 0) for ln in hunk.lines] == [
                (TYPES[ln["Type"]], ln["LnumOld"], ln["LnumNew"]) for ln in want["Lines"]
            ]
            # reviewdog: 1 = the new file gained a final newline, 2 = it lost it.
            gained = ours.old_ends_without_newline and not ours.new_ends_without_newline
            lost = ours.new_ends_without_newline and not ours.old_ends_without_newline
            assert want["EofNewline"] == (1 if gained else 2 if lost else 0)


def test_added_lines_match_the_new_file(shared_dir: Path) -> None:
    base = shared_dir / "corpus" / REVIEWDOG
    for name in ("sample", "nonewline", "addeofnewline", "日本語"):
        [changed] = parse_diff((base / f"{name}.diff").read_text("utf-8")).files
        new = (base / f"{name}.new.txt").read_text("utf-8").splitlines()
        old = (base / f"{name}.old.txt").read_text("utf-8").splitlines()
        for hunk in changed.hunks:
            for line in hunk.lines:
                if line.new_line:
                    assert 1 <= line.new_line <= len(new)
                if line.old_line:
                    assert 1 <= line.old_line <= len(old)
        assert changed.added and max(changed.added) <= len(new)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "core.quotepath=true", *args],
        cwd=repo,
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    return done.stdout


def test_real_git_diff_renames_binary_deleted_and_non_ascii(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "user.name", "t")
    (repo / "keep.py").write_text("a\nb\nc\n")
    (repo / "gone.txt").write_text("bye\n")
    (repo / "blob.bin").write_bytes(b"\x00\x01\x02")
    (repo / "old name.py").write_text("".join(f"line {i}\n" for i in range(20)))
    (repo / "script.sh").write_text("echo\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "keep.py").write_text("a\nB\nc\nd")  # changed line, and no final newline
    (repo / "gone.txt").unlink()
    (repo / "blob.bin").write_bytes(b"\x00\x09\x02")
    (repo / "old name.py").rename(repo / "né.py")
    (repo / "script.sh").chmod(0o755)
    (repo / "日本語.txt").write_text("新しい\n")
    git(repo, "add", "-A")
    diff = parse_diff(git(repo, "diff", "--cached", "-M", "HEAD"))
    by_path = {f.path: f for f in diff.files}
    assert by_path["keep.py"].kind is ChangeKind.MODIFIED
    assert by_path["keep.py"].added == {2, 4} and by_path["keep.py"].context == {1, 3}
    assert by_path["keep.py"].new_ends_without_newline
    assert by_path["gone.txt"].kind is ChangeKind.DELETED and diff.file("gone.txt") is None
    assert by_path["blob.bin"].binary and by_path["blob.bin"].hunks == ()
    renamed = by_path["né.py"]
    assert (renamed.kind, renamed.old_path, renamed.hunks) == (
        ChangeKind.RENAMED,
        "old name.py",
        (),
    )
    assert by_path["script.sh"].kind is ChangeKind.MODIFIED and by_path["script.sh"].hunks == ()
    assert by_path["日本語.txt"].kind is ChangeKind.ADDED and by_path["日本語.txt"].added == {1}


def test_git_c_quoting() -> None:
    assert unquote_c(r"\346\227\245\346\234\254\350\252\236.txt") == "日本語.txt"
    assert unquote_c(r"tab\there \"q\" back\\slash") == 'tab\there "q" back\\slash'


def test_bad_diffs() -> None:
    assert parse_diff("").files == ()
    with pytest.raises(InputError, match="not a unified diff"):
        parse_diff("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-only one line\n")
    with pytest.raises(InputTooLarge):
        parse_diff("x" * 100, max_chars=10)
