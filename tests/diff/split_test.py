"""Splitting a ``git diff`` into each file's text: exact parts, on small and huge diffs."""

from __future__ import annotations

from kairos_ci.diff.split import file_parts

TWO_FILES = (
    "diff --git a/a.py b/a.py\n"
    "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    "diff --git a/b.py b/b.py\n"
    "--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-y = 1\n+diff --git in an added line\n"
)


def test_each_part_runs_from_its_header_to_the_next() -> None:
    first, second = file_parts(TWO_FILES)
    assert first == "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2"
    assert second.startswith("diff --git a/b.py b/b.py\n")
    assert second.endswith("+diff --git in an added line\n")  # the last keeps the final newline
    assert first + "\n" + second == TWO_FILES


def test_text_before_the_first_header_and_headers_mid_line_are_no_file() -> None:
    raw = "From: someone\nnot a diff --git line\n" + TWO_FILES
    assert file_parts(raw) == file_parts(TWO_FILES)
    assert file_parts("") == []
    assert file_parts("no header at all\n") == []


def test_a_huge_single_file_diff_splits_exactly() -> None:
    body = "".join(f"-old {i}\n+new {i}\n" for i in range(100_000))
    header = "diff --git a/big.lock b/big.lock\n--- a/big.lock\n+++ b/big.lock\n"
    huge = f"{header}@@ -1,100000 +1,100000 @@\n{body}"
    small = "diff --git a/c.txt b/c.txt\n--- a/c.txt\n+++ b/c.txt\n@@ -1 +1 @@\n-a\n+b\n"
    first, second = file_parts(huge + small)
    assert first == huge.removesuffix("\n")
    assert second == small
    assert first.count("\n") == 200_003  # header lines and every changed line, none lost
