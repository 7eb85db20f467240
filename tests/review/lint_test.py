"""A linter's fix becomes a suggestion only when it is one change, wholly on added lines."""

from __future__ import annotations

from kairos_ci.diff.records import Hunk
from kairos_ci.review.lint import _fix_for, _replacement
from kairos_ci.review.records import SuggestedEdit


def test_a_fix_hunk_becomes_a_replacement_of_head_lines() -> None:
    rows = ["import sys", "x = 1", ""]
    deletion = Hunk(1, 1, 0, 0, "", ())
    assert _replacement(deletion, rows) == SuggestedEdit(1, 1, "")
    change = Hunk(3, 2, 2, 1, "", ())
    assert _replacement(change, rows) == SuggestedEdit(3, 4, "x = 1")
    assert _replacement(Hunk(5, 0, 5, 1, "", ()), rows) is None  # an insertion has no line


def test_only_one_fix_wholly_on_added_lines_is_offered() -> None:
    fixes = [SuggestedEdit(1, 1, ""), SuggestedEdit(5, 6, "y")]
    added = frozenset({1, 2, 5})
    assert _fix_for(fixes, 1, 1, added) == SuggestedEdit(1, 1, "")
    assert _fix_for(fixes, 5, 5, added) is None  # line 6 is not added
    assert _fix_for(fixes, 1, 6, added) is None  # two fixes overlap the finding
    assert _fix_for(fixes, 3, 3, added) is None
