"""Each possessive twin accepts exactly what the schema's own history pattern accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kairos_ci.config.schema import load_schema
from kairos_ci.memory.patterns import TWINS, with_twins

SCHEMA = load_schema("memory")
PAIRS = [(re.compile(original), re.compile(twin)) for original, twin in TWINS.items()]

# Pieces of tokens, right (first) and wrong (second): numbers with leading zeros or ten
# digits, durations with eight digits or four decimals, letters that are no outcome.
NUMBERS = (["0", "7", "12", "123456789"], ["00", "01", "1234567890", ""])
OUTCOMES = (["p", "f", "e", "s", "k"], ["x", "P", ""])
DURATIONS = (
    ["", "0", "1.5", "0.076", "1234567", "1234567.123"],
    ["12345678", "1.", ".5", "1.2345"],
)
GLUE = ([" "], ["  ", ":", "\n", "", "\u00a0"])


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
        text = text[:at] + draw(st.sampled_from("0:p .\n9")) + text[at + 1 :]
    return text


def test_every_history_pattern_in_the_schema_has_a_twin() -> None:
    history_patterns = {pattern for pattern in patterns(SCHEMA) if "[pfesk]" in pattern}
    assert history_patterns == TWINS.keys()


def test_the_copy_differs_from_the_schema_only_in_those_patterns() -> None:
    fast = with_twins(SCHEMA)
    assert sorted(patterns(fast)) == sorted(TWINS.get(p, p) for p in patterns(SCHEMA))
    assert unpatterned(fast) == unpatterned(SCHEMA)
    assert TWINS.keys() <= set(patterns(SCHEMA))  # the schema itself is left as it was


@settings(max_examples=3000, deadline=None)
@given(histories())
def test_twins_agree_with_the_schema_patterns(text: str) -> None:
    for original, twin in PAIRS:
        assert (original.search(text) is None) == (twin.search(text) is None), text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0:p:",
        "0:p:0.076 12:f:1234567.123 3:k:",
        "0:p:1\n",  # "$" matches before a final newline, in both
        " ".join(["1:p:1"] * 20),
        " ".join(["1:p:1"] * 200),
        " ".join(["1:p:1"] * 201),
        "01:p:1",
        "1234567890:p:1",
        "1:p:12345678",
        "1:p:1.2345",
        "1:p:1 ",
        "1:p:1  2:f:",
        "1:x:1",
        "1:p:1:p:1",
    ],
)
def test_twins_agree_on_the_edges(text: str) -> None:
    for original, twin in PAIRS:
        assert (original.search(text) is None) == (twin.search(text) is None)


def test_the_edges_include_both_answers() -> None:
    snapshot = next(twin for original, twin in PAIRS if "{0,199}" in original.pattern)
    assert snapshot.search(" ".join(["1:p:1"] * 200))
    assert not snapshot.search(" ".join(["1:p:1"] * 201))
    assert not snapshot.search("1:p:1.2345") and snapshot.search("1:p:1.234")
