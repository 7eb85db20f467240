"""A linter's fix becomes a suggestion only when it is one change, wholly on added lines;
and through the whole review path, findings the base already had are left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.diff.records import Hunk
from kairos_ci.tasks.review.lint import _fix_for, _replacement
from kairos_ci.tasks.review.records import SuggestedEdit
from tests.sandbox.github.world import strict_sandbox
from tests.tasks.review.scenario import (
    LEGACY_AS_CLASS,
    LEGACY_MORE,
    branch,
    legacy_project,
    open_pull,
    payload,
    repo_state,
    review,
)


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


@pytest.mark.slow
def test_a_review_says_only_what_the_pull_request_introduced_once_per_line(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base has 5 findings, all re-indented by the pull request; it adds 2: exactly 2
    comments. A later push adds one line with two findings: one comment."""
    world = legacy_project(tmp_path)
    branch(world, "tidy", {"calc/legacy.py": LEGACY_AS_CLASS})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        number = open_pull(sandbox, world, "tidy")
        assert review(world, payload(tmp_path, world, number, "opened", "tidy")) == 0
        state = repo_state(sandbox)
        placed = sorted((c["path"], c["line"]) for c in state["review_comments"])
        assert placed == [("calc/legacy.py", 12), ("calc/legacy.py", 13)]
        bodies = " ".join(c["body"] for c in state["review_comments"])
        assert "`F401`" in bodies and "`E711`" in bodies and "`E741`" not in bodies
        (posted,) = state["reviews"]
        assert (
            "- Left out: 5 lint finding(s) on changed lines that the base branch"
            in (posted["body"])
        )
        assert "ruff ran on the head and the merge base" in posted["body"]
        assert "5 lint finding(s) the base branch already had: left out" in env.read_text()

        branch(world, "tidy", {"calc/legacy.py": LEGACY_MORE})
        again = payload(tmp_path, world, number, "synchronize", "tidy")
        assert review(world, again, run_id="r2") == 0
        state = repo_state(sandbox)
        latest = [c for c in state["review_comments"] if c["line"] == 16]
        (merged,) = latest
        assert merged["body"].startswith("**2 findings on this line:**")
        assert "`E731`" in merged["body"] and "`E741`" in merged["body"]
        assert len(state["review_comments"]) == 3
        assert all(r["status"] < 400 for r in sandbox.state()["requests"])
