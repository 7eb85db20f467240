"""The typed config is exactly the checked data with its defaults, typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.config.load import check_config, parse_config
from kairos_ci.config.records import Config
from kairos_ci.config.schema import load_schema
from kairos_ci.config.typed import typed_config

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "configs").glob("*.yml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_parse_is_check_then_type(example: Path) -> None:
    raw = example.read_bytes()
    checked = check_config(raw, str(example))
    assert isinstance(checked, dict)  # checking alone builds no records
    assert typed_config(checked, str(example)) == parse_config(raw, str(example))


def test_checked_data_has_every_top_level_default() -> None:
    checked = check_config(b"version: 1\n", "kairos.yml")
    assert set(checked) == set(load_schema("config")["properties"])
    config = typed_config(checked, "kairos.yml")
    assert isinstance(config, Config) and config.linters == () and config.rules == ()
