from __future__ import annotations

from kairos_ci.forge.hunks import commentable, placeable
from kairos_ci.forge.records import InlineComment, PullFile

PATCH = "@@ -10,4 +10,5 @@ def f():\n a\n-b\n+B\n+C\n c\n@@ -30,2 +31,2 @@\n x\n-y\n+Y"


def _comment(line: int, side: str = "RIGHT", start: int | None = None) -> InlineComment:
    return InlineComment("f.py", line, "text", "fp", side, start)


def test_lines_inside_hunks_on_each_side() -> None:
    lines = commentable([PullFile("f.py", "modified", 3, 2, PATCH)])
    assert lines[("f.py", "RIGHT")] == frozenset({10, 11, 12, 13, 31, 32})
    assert lines[("f.py", "LEFT")] == frozenset({10, 11, 12, 30, 31})
    assert placeable(_comment(11), lines)
    assert not placeable(_comment(20), lines)
    assert placeable(_comment(11, "LEFT"), lines)
    assert placeable(_comment(13, start=10), lines)
    assert not placeable(_comment(31, start=13), lines)  # spans two hunks
    assert not placeable(InlineComment("other.py", 1, "t", "fp"), lines)


def test_binary_files_have_no_commentable_lines() -> None:
    lines = commentable([PullFile("img.png", "added", 0, 0, None)])
    assert not placeable(InlineComment("img.png", 1, "t", "fp"), lines)
