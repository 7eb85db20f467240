"""A journal's results as one column: read like ``{test: History}``, folded as parts."""

from __future__ import annotations

import pytest

from kairos_ci.memory import codec
from kairos_ci.memory.columns import StoredHistories, result_parts
from kairos_ci.memory.history import History, PointTable
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import journal

OUTCOMES = {"t::a": Outcome.PASSED, "t::b": Outcome.FAILED}


def test_decoded_results_read_like_the_histories_they_were_made_from() -> None:
    original = journal("r1", 1, OUTCOMES)
    decoded = codec.decode_journal(codec.journal_doc(original), "journal/x.json")
    assert isinstance(decoded.results, StoredHistories)
    assert len(decoded.results) == 2 and list(decoded.results) == ["t::a", "t::b"]
    assert decoded.results == original.results
    assert list(decoded.results["t::b"]) == list(original.results["t::b"])
    with pytest.raises(KeyError):
        decoded.results["t::c"]


def test_a_column_and_a_plain_mapping_give_the_same_parts() -> None:
    original = journal("r1", 1, OUTCOMES)
    decoded = codec.decode_journal(codec.journal_doc(original), "journal/x.json")
    stored_ids, stored_parts = result_parts(decoded.results)
    plain_ids, plain_parts = result_parts(original.results)
    assert list(stored_ids) == list(plain_ids) == ["t::a", "t::b"]
    texts = [text for _, text in stored_parts]
    assert texts == [text for _, text in plain_parts] == ["0:p:0.25", "0:f:0.25"]


def test_a_plain_history_of_many_parts_gives_each_part() -> None:
    table = PointTable({"0": ("a" * 40, "b" * 40, "r", "2026-01-01T00:00:00Z")}, stable=False)
    history = History([(table, "0:p:1"), (table, "0:f:2 0:p:3")])
    test_ids, parts = result_parts({"t::a": history})
    assert list(test_ids) == ["t::a", "t::a"]
    assert [text for _, text in parts] == ["0:p:1", "0:f:2 0:p:3"]


def test_an_empty_stored_history_is_refused() -> None:
    table = PointTable({}, stable=False)
    with pytest.raises(ValueError, match="never empty"):
        StoredHistories(table, {"t::a": ""})
