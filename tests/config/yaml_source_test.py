"""The YAML reader: libyaml when PyYAML has it, and the same located problems without it."""

from __future__ import annotations

import pytest
import yaml

from kairos_ci.config import yaml_source
from kairos_ci.config.load import check_config
from kairos_ci.errors import ConfigError
from tests.config.load_test import BROKEN

# Past both parsers' limits: libyaml's nesting cap, and Python's recursion limit.
DEEP = "version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n"


def located(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ConfigError) as caught:
        check_config(text.encode(), "kairos.yml")
    return [(p.key_path, p.line, p.message) for p in caught.value.problems]


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_libyaml_reads_the_config_when_pyyaml_has_it() -> None:
    assert isinstance(yaml_source._safe_loader("version: 1\n"), yaml.CSafeLoader)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_without_libyaml_problems_have_the_same_key_and_line(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = BROKEN[case][0]
    found = located(text)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert isinstance(yaml_source._safe_loader(text), yaml.SafeLoader)
    fallback = located(text)
    assert [where[:2] for where in fallback] == [where[:2] for where in found]
    if case != "yaml syntax error":  # worded by each parser
        assert fallback == found


def test_too_deep_is_worded_alike_by_either_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [message for _, _, message in located(DEEP)] == ["YAML is nested too deeply"]
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert [message for _, _, message in located(DEEP)] == ["YAML is nested too deeply"]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b"])
def test_control_characters_are_not_yaml_text_to_either_parser(
    character: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"version: 1\nmemory:\n  branch: a{character}b\n"
    [(key_path, line, message)] = located(text)
    assert (key_path, line) == ("", None) and message.startswith("not YAML text:")
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    [(key_path, line, message)] = located(text)
    assert (key_path, line) == ("", None) and message.startswith("not YAML text:")
