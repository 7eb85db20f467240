"""The history grammar accepts exactly what the schema's history patterns accept, where
every token names a point of the table, string by string and joined into a column."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kairos_ci.config.schema import load_schema
from kairos_ci.errors import MemoryCorrupt
from kairos_ci.memory import codec, grammar
from kairos_ci.memory.documents import checker
from kairos_ci.memory.grammar import JOURNAL, SNAPSHOT, Grammar, Shape
from kairos_ci.memory.history import point_numbers
from tests.config.compiled_test import FULL, broken, documents

SCHEMA = load_schema("memory")
SHAPES = [
    (SNAPSHOT, re.compile(grammar.SNAPSHOT_PATTERN)),
    (JOURNAL, re.compile(grammar.JOURNAL_PATTERN)),
]

# Pieces of tokens, right (first) and wrong (second): numbers with leading zeros or ten
# digits, durations with eight digits or four decimals, letters that are no outcome.
NUMBERS = (["0", "7", "12", "123456789"], ["00", "01", "1234567890", ""])
OUTCOMES = (["p", "f", "e", "s", "k"], ["x", "P", ""])
DURATIONS = (
    ["", "0", "1.5", "0.076", "1234567", "1234567.123"],
    ["12345678", "1.", ".5", "1.2345"],
)
GLUE = ([" "], ["  ", ":", "\n", "\t", "", "\u00a0"])


def patterns(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for value in schema.values():
            yield from patterns(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from patterns(item)


def unpatterned(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {key: unpatterned(value) for key, value in schema.items() if key != "pattern"}
    if isinstance(schema, list):
        return [unpatterned(item) for item in schema]
    return schema


@st.composite
def histories(draw: st.DrawFn) -> str:
    """Strings near the history grammar: up to 24 tokens, each piece and each glue
    between them sometimes wrong, sometimes with one character changed or the end cut."""

    def piece(choices: tuple[list[str], list[str]]) -> str:
        right, wrong = choices
        return draw(st.sampled_from(wrong if draw(st.integers(0, 30)) == 0 else right))

    count = draw(st.integers(0, 24))
    tokens = [f"{piece(NUMBERS)}:{piece(OUTCOMES)}:{piece(DURATIONS)}" for _ in range(count)]
    text = "".join(token + piece(GLUE) for token in tokens)[:-1]
    if text and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from("0:p .\n\t9")) + text[at + 1 :]
    return text


def test_the_schema_holds_exactly_the_two_history_patterns() -> None:
    history_patterns = {pattern for pattern in patterns(SCHEMA) if "[pfesk]" in pattern}
    assert history_patterns == {grammar.SNAPSHOT_PATTERN, grammar.JOURNAL_PATTERN}


def test_the_compiled_copy_differs_from_the_schema_only_by_leaving_them_out() -> None:
    fast = grammar.without_history_patterns(SCHEMA)
    history = {grammar.SNAPSHOT_PATTERN, grammar.JOURNAL_PATTERN}
    assert sorted(patterns(fast)) == sorted(p for p in patterns(SCHEMA) if p not in history)
    assert unpatterned(fast) == unpatterned(SCHEMA)
    assert history <= set(patterns(SCHEMA))  # the schema itself is left as it was


def valid(texts: list[str], numbers: set[str] | None, shape: Shape) -> bool:
    return Grammar(numbers, shape).accepts(texts)


def schema_says(pattern: re.Pattern[str], text: str, numbers: set[str] | None) -> bool:
    """The schema's pattern, as jsonschema runs it, and every point in the table; and no
    final newline, which the pattern's "$" lets through and no history can be read with."""
    if pattern.search(text) is None or text.endswith("\n"):
        return False
    return numbers is None or point_numbers([text]) <= numbers


NUMBER_SETS = st.one_of(st.none(), st.sets(st.sampled_from(["0", "1", "7", "12", "123456789"])))


@settings(max_examples=3000, deadline=None)
@given(histories(), NUMBER_SETS)
def test_one_string_is_valid_exactly_when_the_schema_and_the_table_say_so(
    text: str, numbers: set[str] | None
) -> None:
    for shape, pattern in SHAPES:
        assert valid([text], numbers, shape) == schema_says(pattern, text, numbers), text


@settings(max_examples=500, deadline=None)
@given(st.lists(histories(), max_size=6), NUMBER_SETS)
def test_a_column_is_valid_exactly_when_each_of_its_strings_is(
    texts: list[str], numbers: set[str] | None
) -> None:
    for shape, pattern in SHAPES:
        each = all(schema_says(pattern, text, numbers) for text in texts)
        assert valid(texts, numbers, shape) == each, texts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "0:p:",
        "0:p:0.076 12:f:1234567.123 7:k:",
        "0:p:1\n",  # "$" matches before a final newline: the grammar refuses it
        "0:p:\n",
        "0:p:1\n\n",
        "0:p:1\t0:p:1",  # the column separator, inside one string
        " ".join(["1:p:1"] * 20),
        " ".join(["1:p:1"] * 21),
        " ".join(["1:p:1"] * 200),
        " ".join(["1:p:1"] * 201),
        "01:p:1",
        "1234567890:p:1",
        "1:p:12345678",
        "1:p:1.2345",
        "1:p:1 ",
        "1:p:1  7:f:",
        "1:x:1",
        "1:p:1:p:1",
        "12:p:1 1:p:",  # 1 and 12: a prefix of a number is not that number
        "2:p:1",
    ],
)
def test_the_edges_follow_the_schema(text: str) -> None:
    for shape, pattern in SHAPES:
        for numbers in (None, {"0", "1", "7", "12"}, {"1"}, set()):
            assert valid([text], numbers, shape) == schema_says(pattern, text, numbers)
            assert valid([text, "1:p:"], numbers, shape) == (
                schema_says(pattern, text, numbers) and schema_says(pattern, "1:p:", numbers)
            )


def test_the_edges_include_both_answers() -> None:
    assert valid([" ".join(["1:p:1"] * 200)], {"1"}, SNAPSHOT)
    assert not valid([" ".join(["1:p:1"] * 201)], {"1"}, SNAPSHOT)
    assert valid([" ".join(["1:p:1"] * 20)], {"1"}, JOURNAL)
    assert not valid([" ".join(["1:p:1"] * 21)], {"1"}, JOURNAL)
    assert valid(["0:p:1", "0:f:"], {"0"}, JOURNAL) and not valid(["0:p:1\t0:p:"], {"0"}, JOURNAL)
    assert re.search(grammar.JOURNAL_PATTERN, "0:p:1\n") and not valid(["0:p:1\n"], {"0"}, JOURNAL)
    assert valid([""], set(), SNAPSHOT) and not valid([""], set(), JOURNAL)


def test_a_table_too_large_for_one_expression_is_checked_token_by_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(grammar, "NAMED_AT_MOST", 2)
    texts = ["0:p:1 5:f:", "", "7:k:0.5"]
    assert valid(texts, {"0", "5", "7"}, SNAPSHOT)
    assert not valid(texts, {"0", "5", "9"}, SNAPSHOT)
    assert not valid(["0:p:1 5:x:"], {"0", "5", "7"}, SNAPSHOT)


def test_a_bad_history_names_the_test_and_what_is_wrong() -> None:
    malformed = r"j.json: test 't::b': history '0:p:1 0:x:' is malformed"
    with pytest.raises(MemoryCorrupt, match=malformed):
        grammar.check({"t::a": "0:p:", "t::b": "0:p:1 0:x:"}, {"0"}, JOURNAL, "j.json")
    with pytest.raises(MemoryCorrupt, match=r"test 't::b': history points at entry 12 of 2"):
        grammar.check({"t::a": "0:p:", "t::b": "1:p: 12:f:"}, {"0", "1"}, SNAPSHOT, "s.json")


@pytest.mark.parametrize("kind", ["snapshot", "journal"])
def test_the_compiled_schema_and_the_grammar_agree_with_jsonschema_and_the_table(
    kind: str,
) -> None:
    """What a load of a kairos-written file checks (the compiled schema, then the
    histories) accepts exactly what jsonschema accepts whose histories name table points."""
    fast = checker().fast
    docs = [documents()[kind], *broken(documents()[kind])]
    disagreements = [
        doc
        for doc in docs
        if (fast(doc) and histories_check(doc)) != (FULL.is_valid(doc) and points_named(doc))
    ]
    assert not disagreements[:1], f"{len(disagreements)} of {len(docs)} disagree"


def histories_check(doc: dict[str, object]) -> bool:
    try:
        codec.check_histories(doc, "doc")
    except MemoryCorrupt:
        return False
    return True


def points_named(doc: dict[str, Any]) -> bool:
    if doc["kind"] == "snapshot":
        texts = [test["history"] for test in doc["tests"].values()]
        return point_numbers(texts) <= set(doc["points"])
    return point_numbers(doc["results"].values()) <= {str(n) for n in range(len(doc["points"]))}


def test_a_shape_says_how_many_tokens_a_string_holds() -> None:
    assert (SNAPSHOT.most, SNAPSHOT.empty, JOURNAL.most, JOURNAL.empty) == (200, True, 20, False)
    assert isinstance(SNAPSHOT, Shape)
