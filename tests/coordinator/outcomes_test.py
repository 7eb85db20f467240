"""Reasons quoted onto the board stay bounded, whatever git or the tests printed."""

from __future__ import annotations

from kairos_ci.coordinator.outcomes import MAX_QUOTE, Conflict, TestsFailed


def test_a_conflict_quotes_its_first_paths_and_counts_the_rest() -> None:
    assert Conflict(("a.py", "b b.py")).quote() == "merge conflict in a.py, b b.py"
    many = Conflict(tuple(f"src/module_{n}.py" for n in range(25)))
    assert many.quote().endswith("src/module_19.py and 5 more")
    huge = Conflict(tuple("d/" * 200 + str(n) for n in range(3)))
    assert len(huge.quote()) == MAX_QUOTE and huge.quote().endswith("…")


def test_a_test_failure_keeps_the_end_of_its_output() -> None:
    quote = TestsFailed("pytest -q", "noise\n" * 500 + "E   assert 1 == 2").quote()
    assert quote.startswith("`pytest -q` failed on the merged tree:\n")
    assert quote.endswith("E   assert 1 == 2") and len(quote) == MAX_QUOTE
    long_command = TestsFailed("x" * 2000, "the end").quote()
    assert len(long_command) == MAX_QUOTE
