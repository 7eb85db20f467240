"""Numbered excerpts: spans merged, gaps marked, windows kept inside the file."""

from __future__ import annotations

from kairos_ci.agent.excerpts import FileExcerpt, merged, window


def test_spans_that_overlap_or_touch_are_joined() -> None:
    assert merged([(8, 9), (1, 3), (2, 5), (6, 6)]) == ((1, 6), (8, 9))
    assert merged([]) == ()


def test_an_excerpt_numbers_its_lines_and_marks_gaps() -> None:
    rows = [f"row {n}" for n in range(1, 11)]
    text = FileExcerpt("a.py", ((1, 2), (5, 5), (9, 40)), "imported by the test").render(rows)
    assert text == (
        "--- a.py (imported by the test) ---\n1\trow 1\n2\trow 2\n...\n5\trow 5\n...\n"
        "9\trow 9\n10\trow 10"
    )


def test_a_window_stays_inside_the_file() -> None:
    assert window(3, 100, size=5) == (1, 8)
    assert window(98, 100, size=5) == (93, 100)
