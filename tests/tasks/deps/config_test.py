"""The ``update_deps`` config keys, as the deps package reads them."""

from __future__ import annotations

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import DepGroup, UpdateDepsConfig
from kairos_ci.errors import ConfigError


def test_defaults_are_patch_only_three_days_one_group_per_ecosystem() -> None:
    config = parse_config(b"version: 1\n", "kairos.yml")
    assert config.update_deps == UpdateDepsConfig(("patch",), 3, (), (), None, None)


def test_every_key_is_read() -> None:
    text = b"""version: 1
update_deps:
  update_types: [patch, minor]
  cooldown_days: 0
  ignore: ["django", "npm:@types/*"]
  groups:
    - name: web
      match: ["npm:*"]
  index_url: https://mirror.example/simple/
  npm_registry_url: http://127.0.0.1:4873
"""
    deps = parse_config(text, "kairos.yml").update_deps
    assert deps.update_types == ("patch", "minor")
    assert deps.cooldown_days == 0
    assert deps.ignore == ("django", "npm:@types/*")
    assert deps.groups == (DepGroup("web", ("npm:*",)),)
    assert deps.index_url == "https://mirror.example/simple/"
    assert deps.npm_registry_url == "http://127.0.0.1:4873"


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("update_types: [tiny]", "update_deps.update_types[0]: 'tiny' is not one of patch"),
        ("cooldown_days: -1", "update_deps.cooldown_days"),
        ("index_url: https://user:pw@host/simple", "update_deps.index_url"),
        ("groups: [{name: 'Bad Name', match: [x]}]", "update_deps.groups[0].name"),
        ("cooldwn_days: 3", "unknown key 'cooldwn_days' (did you mean 'cooldown_days'?)"),
    ],
)
def test_bad_values_are_located(yaml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f"version: 1\nupdate_deps:\n  {yaml}\n".encode(), "kairos.yml")
    assert message in str(caught.value)
