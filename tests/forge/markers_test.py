from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kairos_ci.forge.markers import (
    carries,
    fingerprint,
    fingerprints,
    marker,
    strip_markers,
    with_marker,
)


def test_marker_is_one_hidden_line_at_the_end() -> None:
    body = with_marker("Fixes lint.\n", "lint-1", "pull_request")
    assert body == "Fixes lint.\n\n<!-- kairos:fp=lint-1 kind=pull_request v=1 -->"
    assert carries(body, "lint-1") and not carries(body, "lint-2")


def test_a_body_cannot_smuggle_a_second_marker() -> None:
    given_text = "text <!-- kairos:fp=other kind=comment v=1 --> more"
    assert fingerprints(with_marker(given_text, "mine", "comment")) == ("mine",)
    assert "kairos:key=approve" in strip_markers("- [ ] x <!-- kairos:key=approve -->")


def test_fingerprints_are_stable_and_ignore_nothing_given() -> None:
    assert fingerprint("ruff", "E501", "a.py", "too long") == fingerprint(
        "ruff", "E501", "a.py", "too long"
    )
    assert fingerprint("a", "bc") != fingerprint("ab", "c")
    assert fingerprint("x", prefix="lint").startswith("lint-")


def test_bad_fingerprints_are_refused() -> None:
    with pytest.raises(ValueError, match="must match"):
        marker("has space", "comment")


@given(st.text(max_size=200), st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True))
def test_marking_twice_is_marking_once(text: str, fp: str) -> None:
    once = with_marker(text, fp, "comment")
    assert with_marker(once, fp, "comment") == once
    assert fingerprints(once) == (fp,)


def test_bodies_are_cut_below_githubs_limit_keeping_the_marker() -> None:
    from kairos_ci.forge.markers import BODY_LIMIT, fit

    body = with_marker("x" * 200_000, "big-1", "comment")
    cut = fit(body)
    assert len(cut) <= BODY_LIMIT < 65_536
    assert fingerprints(cut) == ("big-1",)
    assert "truncated" in cut
    assert fit("short") == "short"
