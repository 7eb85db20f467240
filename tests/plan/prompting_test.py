from __future__ import annotations

import re

import pytest

from kairos_ci.plan.prompting import PROMPT_NAMES, prompt

PLACEHOLDERS = {
    "system": (),
    "design": ("goal", "languages", "commands", "baseline", "impact", "ambiguous", "repo_map"),
    "draft": ("goal", "design", "impact", "commands"),
    "critic": ("nonce", "plan"),
}


def test_every_prompt_takes_exactly_its_values_and_shows_each_one() -> None:
    assert set(PLACEHOLDERS) == set(PROMPT_NAMES)
    for name, wanted in PLACEHOLDERS.items():
        values = {key: f"<<{key}-value>>" for key in wanted}
        text = prompt(name, **values)
        for key in wanted:
            assert f"<<{key}-value>>" in text, (name, key)
        assert not re.search(r"\$[a-z_]", text), name


def test_values_are_inserted_literally() -> None:
    text = prompt("draft", goal="$impact {x}", design="D", impact="I", commands="C")
    assert "$impact {x}" in text


def test_an_unknown_prompt_or_a_missing_value_is_an_error() -> None:
    with pytest.raises(ValueError, match="no planning prompt"):
        prompt("shell")
    with pytest.raises(KeyError, match="languages"):
        prompt("design", goal="only this")
