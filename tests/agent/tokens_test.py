"""Token estimates and cutting text to a budget."""

from __future__ import annotations

from kairos_ci.agent.tokens import estimate, trim


def test_the_estimate_is_a_quarter_of_the_bytes_rounded_up() -> None:
    assert estimate("") == 0
    assert estimate("abcd") == 1 and estimate("abcde") == 2
    assert estimate("é" * 4) == 2  # bytes, not characters


def test_trim_cuts_at_a_line_end_and_says_how_much() -> None:
    text = "\n".join(f"line {n:03}" for n in range(100))
    assert trim(text, 10_000) == text
    cut = trim(text, 40)
    assert estimate(cut) <= 40
    assert cut.startswith("line 000\nline 001\n")
    kept = cut.count("\n")
    assert cut.endswith(f"[... {100 - kept} more lines cut to fit]")
    assert trim("x" * 1000, 5) == ""  # not even one line fits
