"""Outside text as inert markdown: no links, images, HTML, mentions or references."""

from __future__ import annotations

from kairos_ci.tasks.review.markdown import code, fence, inert


def test_active_tokens_become_code_and_markup_is_escaped() -> None:
    text = inert("fixes #12 for @acme/team, see https://x.example/a.png ![i](u) <img src=x> [l](h)")
    assert "`#12`" in text and "`@acme/team`" in text and "`https://x.example/a.png`" in text
    assert "\\!\\[i\\]\\(u\\)" in text and "\\<img src=x\\>" in text  # shown, not rendered
    assert "\\[l\\]\\(h\\)" in text


def test_a_paragraph_cannot_start_a_list_or_a_heading() -> None:
    assert inert("- item") == "\\- item"
    assert inert("1. item") == "1\\. item"
    assert inert("# title") == "\\# title"
    assert inert("line one\n\n- line two") == "line one - line two"  # one paragraph


def test_hidden_characters_go_and_long_text_is_cut() -> None:
    assert inert("a\u202eb\u200bc") == "abc"
    assert len(inert("x" * 5000, 100)) == 100


def test_code_spans_and_fences_cannot_be_closed_from_inside() -> None:
    assert code("a`b") == "`a'b`"
    assert fence("plain") == "```" and fence("has ```` four") == "`````"
