"""A lazy history reads exactly like the tuple of entries it stands for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kairos_ci.memory import history as history_module
from kairos_ci.memory.history import (
    History,
    PointTable,
    newest_at,
    point_numbers,
    used_numbers,
)
from kairos_ci.verdicts.records import HistoryEntry, Outcome
from tests.memory.helpers import at, sha


def entry(run: int, outcome: Outcome = Outcome.PASSED, seconds: float | None = 0.5) -> HistoryEntry:
    return HistoryEntry(sha(f"c{run}"), sha(f"t{run}"), f"r{run}", outcome, seconds, at(run))


ENTRIES = (
    entry(1, Outcome.FAILED),
    entry(2, Outcome.ERRORED, None),
    entry(2, Outcome.FLAKY, 2.0),
    entry(3, Outcome.SKIPPED, 0.0),
)


def test_a_history_is_the_sequence_of_its_entries() -> None:
    history = History.of(ENTRIES)
    assert tuple(history) == ENTRIES and history == ENTRIES and len(history) == 4
    assert history[0] == ENTRIES[0] and history[-1] == ENTRIES[-1] and history[2] == ENTRIES[2]
    assert history[1:3] == ENTRIES[1:3] and hash(history) == hash(ENTRIES)
    assert History.of(history) is history
    assert History() == () and len(History()) == 0 and list(History()) == []
    with pytest.raises(IndexError):
        History()[-1]


def test_stored_text_decodes_only_through_its_table() -> None:
    table = PointTable({"7": (sha("c"), sha("t"), "r9", at(9))}, stable=True)
    history = History.stored(table, "7:p:1.5 7:f:")
    assert [(e.run_id, e.outcome, e.duration_s) for e in history] == [
        ("r9", Outcome.PASSED, 1.5),
        ("r9", Outcome.FAILED, None),
    ]
    assert history.parts == ((table, "7:p:1.5 7:f:"),)
    assert History.stored(table, "") == ()


def test_appending_and_trimming_work_on_the_stored_text() -> None:
    history = History.of(ENTRIES[:2]).plus(ENTRIES[2:]).plus(())
    assert history == ENTRIES and len(history.parts) == 2
    assert history.last(3) == ENTRIES[1:] and history.last(1) == ENTRIES[3:]
    assert history.last(2) == ENTRIES[2:] and len(history.last(2).parts) == 1
    assert history.last(10) is history and history.last(0) == ()


def test_point_numbers_lists_every_number_used() -> None:
    assert point_numbers(["0:p:1 12:f:", "", "3:k:0.5"]) == {"0", "12", "3"}
    assert point_numbers([]) == set()


def test_the_newest_time_is_read_without_decoding() -> None:
    assert newest_at(History.of(ENTRIES)) == at(3) and newest_at(ENTRIES) == at(3)
    assert newest_at(History.of(ENTRIES[:1]).plus(ENTRIES[1:2])) == at(2)
    assert newest_at(History()) == "" and newest_at(()) == ""


# Stored strings (well formed, as a checked document holds them) of numbers 0-120.
TEXTS = st.lists(
    st.lists(
        st.tuples(st.integers(0, 120), st.sampled_from("pfesk"), st.sampled_from(["", "1.5"])),
        max_size=6,
    ).map(lambda tokens: " ".join(f"{n}:{o}:{d}" for n, o, d in tokens)),
    max_size=30,
)
NUMBERS = st.sets(st.integers(0, 130).map(str), max_size=60)


@given(TEXTS, NUMBERS)
def test_used_numbers_are_those_of_them_a_token_names(texts: list[str], numbers: set[str]) -> None:
    assert used_numbers(texts, numbers) == point_numbers(texts) & numbers


def test_a_prefix_of_a_number_is_not_that_number() -> None:
    assert used_numbers(["12:p:1 120:f:"], {"1", "12", "2"}) == {"12"}


def test_past_its_limits_it_splits_tokens_and_says_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 9 only past the characters each number is first searched for on its own.
    texts = [*(["0:p:1 5:f:", "", "7:k:0.5"] * 3000), "9:p:"]
    assert used_numbers(texts, {"5", "7", "9", "11"}) == {"5", "7", "9"}
    monkeypatch.setattr(history_module, "NAMED_AT_MOST", 1)
    assert used_numbers(texts, {"5", "7", "9", "11"}) == {"5", "7", "9"}
