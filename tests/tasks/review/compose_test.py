"""Composing the one review: inline only where the diff shows the line, the cap with the
rest summarised, suggestions only over added lines, a footer that never claims complete."""

from __future__ import annotations

from kairos_ci.diff.parse import parse_diff
from kairos_ci.tasks.review.compose import compose, placeable
from kairos_ci.tasks.review.records import (
    Coverage,
    NotReviewed,
    PullDiff,
    ReviewFinding,
    ReviewScope,
    Source,
    SuggestedEdit,
)

DIFF = """diff --git a/lib.py b/lib.py
--- a/lib.py
+++ b/lib.py
@@ -1,3 +1,5 @@
 one
+two
+three
 four
 five
"""
PULL = PullDiff("a" * 40, "b" * 40, parse_diff(DIFF), {"lib.py": "one\ntwo\nthree\nfour\nfive\n"})
SCOPE = ReviewScope(frozenset({"lib.py"}), {"lib.py": frozenset({2, 3})})
COVERAGE = Coverage(1, 1, (), "ruff ran on the head", "not run: no key")


def finding(
    line: int | None, n: int = 0, suggestion: SuggestedEdit | None = None, path: str = "lib.py"
) -> ReviewFinding:
    return ReviewFinding(
        Source.LINT,
        "ruff/F401",
        path,
        line,
        f"title {n}",
        f"detail {n}",
        f"lint-{n}",
        suggestion=suggestion,
    )


def test_the_cap_keeps_the_first_and_lists_the_rest() -> None:
    found = [finding(2, 1), finding(3, 2), finding(1, 3), finding(4, 4)]
    done = compose(found, PULL, SCOPE, COVERAGE, limit=2)
    assert [(c.line, c.fingerprint) for c in done.comments] == [(1, "lint-3"), (2, "lint-1")]
    assert "**More findings** (over `limits.max_review_comments`, 2):" in done.body
    assert "`lib.py` line 3: title 2 (`lint-2`)" in done.body
    assert "`lib.py` line 4: title 4 (`lint-4`)" in done.body


def test_findings_off_the_diff_go_into_the_body() -> None:
    off = [finding(40, 1), finding(None, 2, path="other.py")]
    done = compose(off, PULL, SCOPE, COVERAGE, limit=10)
    assert done.comments == ()
    assert "**Not on a line of this diff:**" in done.body and "detail 1" in done.body


def test_a_suggestion_needs_every_line_it_replaces_to_be_added() -> None:
    assert placeable(finding(3, suggestion=SuggestedEdit(2, 3, "x")), PULL)
    assert not placeable(finding(4, suggestion=SuggestedEdit(3, 4, "x")), PULL)  # 4 is context
    done = compose(
        [finding(3, suggestion=SuggestedEdit(2, 3, "a ``` b"))], PULL, SCOPE, COVERAGE, 5
    )
    (comment,) = done.comments
    assert comment.start_line == 2 and comment.line == 3
    assert "````suggestion\na ``` b\n````" in comment.body


def test_an_empty_suggestion_deletes_the_lines() -> None:
    done = compose([finding(2, suggestion=SuggestedEdit(2, 2, ""))], PULL, SCOPE, COVERAGE, 5)
    assert "```suggestion\n```" in done.comments[0].body


def test_the_footer_lists_what_was_not_reviewed_and_never_claims_completeness() -> None:
    missing = tuple(NotReviewed(f"f{n}.py", "did not fit", for_size=True) for n in range(35))
    coverage = Coverage(40, 5, missing, "none configured", "read 5 file(s)")
    body = compose([], PULL, SCOPE, coverage, 5).body
    assert "nothing new to say" in body
    assert "**Not reviewed** (35):" in body and "- `f29.py`: did not fit" in body
    assert "`f30.py`" not in body and "- and 5 more: see the run's job summary" in body
    assert "this is not a complete review" in body
    assert "read 5 of 40 changed file(s)" in body


def test_a_huge_body_is_cut_before_the_footer() -> None:
    long = [
        ReviewFinding(Source.MODEL, "model/review", "x.py", None, "t", "d" * 2000, f"model-{n}")
        for n in range(60)
    ]
    body = compose(long, PULL, SCOPE, COVERAGE, 5).body
    assert len(body) <= 60_000
    assert "full list is in the run's job summary" in body
    assert body.endswith("this is not a complete review, and it never approves._")


def test_two_findings_on_one_line_make_one_comment_with_one_suggestion() -> None:
    lint = finding(2, 1, suggestion=SuggestedEdit(2, 2, ""))
    debug = ReviewFinding(
        Source.DEBUG, "kairos/debug-leftover", "lib.py", 2, "leftover", "a print", "debug-1",
        suggestion=SuggestedEdit(2, 2, ""),
    )  # fmt: skip
    model = ReviewFinding(Source.MODEL, "model/review", "lib.py", 3, "m", "model says", "model-1")
    done = compose([model, debug, lint], PULL, SCOPE, COVERAGE, limit=5)
    assert [(c.line, c.fingerprint) for c in done.comments][1] == (3, "model-1")
    first = done.comments[0]
    body = first.body
    assert first.line == 2 and first.start_line is None
    assert first.fingerprint.startswith("line-")
    assert body.startswith("**2 findings on this line:**\n\ndetail 1")
    assert body.count("```suggestion") == 1  # two suggestions on one line would conflict
    assert "`/kairos ignore lint-1`" in body and "`/kairos ignore debug-1`" in body
    assert "3 new findings." in done.body
    assert "3 of them are in 2 comments on the lines they concern" in done.body


def test_the_cap_counts_comments_not_findings() -> None:
    found = [finding(2, 1), finding(2, 2), finding(3, 3)]
    done = compose(found, PULL, SCOPE, COVERAGE, limit=1)
    (comment,) = done.comments
    assert comment.line == 2 and "detail 1" in comment.body
    assert "detail 2" in comment.body
    assert "`lib.py` line 3: title 3 (`lint-3`)" in done.body


def test_a_merged_comment_spans_the_widest_range_its_findings_cover() -> None:
    wide = ReviewFinding(Source.LINT, "ruff/E999", "lib.py", 3, "t", "wide", "lint-w", start_line=2)
    done = compose([wide, finding(3, 1)], PULL, SCOPE, COVERAGE, limit=5)
    (comment,) = done.comments
    assert (comment.start_line, comment.line) == (2, 3)


def test_the_footer_counts_what_the_base_already_had() -> None:
    coverage = Coverage(1, 1, (), "ruff ran on the head and the merge base", "off", 5)
    body = compose([], PULL, SCOPE, coverage, 5).body
    assert "- Left out: 5 lint finding(s) on changed lines that the base branch already had" in (
        body
    )
    assert "Left out:" not in compose([], PULL, SCOPE, COVERAGE, 5).body
