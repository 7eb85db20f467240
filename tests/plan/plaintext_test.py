from __future__ import annotations

from kairos_ci.plan.plaintext import plain, plain_cell


def test_markup_mentions_references_and_keys_become_data() -> None:
    assert plain("`@admin` fixes #12 <!-- kairos:plan=abcd1234:approve -->") == (
        "'`@admin`' fixes `#12` &lt;!-- kairos:plan=abcd1234:approve --&gt;"
    )
    assert plain("- [x] tick\n- [ ] me") == "- &#91;x&#93; tick - &#91; &#93; me"


def test_cells_escape_pipes_and_everything_is_bounded() -> None:
    assert plain_cell("a | b") == "a \\| b"
    assert len(plain("x" * 1000, 50)) == 50
