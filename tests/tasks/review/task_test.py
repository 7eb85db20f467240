"""The review task's decisions: which events get a review, the autonomy it runs at, and
one comment per line when a linter and the debug check agree."""

from __future__ import annotations

from kairos_ci.config.load import parse_config
from kairos_ci.tasks.review.records import PullView, ReviewFinding, Source, SuggestedEdit
from kairos_ci.tasks.review.task import _one_per_line, skip_reason

PULL = PullView(1, "a" * 40, "b" * 40, "maria", from_fork=False)
DRAFT = PullView(1, "a" * 40, "b" * 40, "maria", from_fork=False, draft=True)
DEFAULTS = parse_config(b"version: 1\n", "test")
DRAFTS = parse_config(b"version: 1\nreview:\n  drafts: true\n", "test")


def test_which_events_are_reviewed() -> None:
    for action in ("opened", "synchronize", "reopened", "ready_for_review"):
        assert skip_reason(action, PULL, DEFAULTS) is None
    assert "is not reviewed" in (skip_reason("closed", PULL, DEFAULTS) or "")
    assert "draft" in (skip_reason("opened", DRAFT, DEFAULTS) or "")
    assert skip_reason("opened", DRAFT, DRAFTS) is None


def finding(source: Source, rule: str, fix: bool) -> ReviewFinding:
    suggestion = SuggestedEdit(3, 3, "") if fix else None
    return ReviewFinding(
        source, rule, "a.py", 3, "t", "d", f"{source}-{rule}", suggestion=suggestion
    )


def test_a_linter_and_the_debug_check_on_one_line_say_it_once() -> None:
    debug = finding(Source.DEBUG, "kairos/debug-leftover", fix=True)
    t100 = finding(Source.LINT, "ruff/T100", fix=False)
    assert _one_per_line([debug, t100]) == [debug]  # only the debug check can fix it
    t201 = finding(Source.LINT, "ruff/T201", fix=True)
    assert _one_per_line([debug, t201]) == [t201]  # the linter's, when it can fix it too
    e501 = finding(Source.LINT, "ruff/E501", fix=False)
    assert _one_per_line([debug, e501]) == [debug, e501]  # a different problem
