"""Prompts are package data, rendered with every placeholder filled."""

from __future__ import annotations

import pytest

from kairos_ci.agent import prompts


def test_the_system_prompt_names_the_fence_and_the_rules() -> None:
    text = prompts.render("system", nonce="abc123", edit_tests_rule="Tests are read-only.")
    assert "<untrusted-abc123 ...>" in text and "</untrusted-abc123>" in text
    assert "Tests are read-only." in text and "$" not in text


def test_missing_values_and_unknown_prompts_are_errors() -> None:
    with pytest.raises(KeyError):
        prompts.render("fix_tests", failing="x")
    with pytest.raises(ValueError, match="no prompt named"):
        prompts.render("../secrets")
