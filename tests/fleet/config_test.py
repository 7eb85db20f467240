"""The fleet file: defaults filled in, and every problem named by key, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.errors import ConfigError, UsageError
from kairos_ci.fleet.config import find_fleet, load_fleet, parse_fleet
from kairos_ci.fleet.records import Fleet, FleetDashboard, Shards

MINIMAL = b"version: 1\nrepositories: [octo/app, acme/tool]\ndashboard:\n  repository: octo/fleet\n"


def problems(raw: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_fleet(raw.encode(), "fleet.yml")
    return [str(p) for p in raised.value.problems]


def test_a_minimal_file_gets_the_defaults() -> None:
    assert parse_fleet(MINIMAL, "fleet.yml") == Fleet(
        repositories=("octo/app", "acme/tool"),
        dashboard=FleetDashboard("octo/fleet", "kairos-fleet", 50),
        memory_branch="kairos/memory",
        shards=None,
        source="fleet.yml",
    )


def test_shards_with_the_default_salt() -> None:
    fleet = parse_fleet(MINIMAL + b"shards:\n  count: 2\n", "fleet.yml")
    assert fleet.shards == Shards(2, "")


def test_an_unknown_key_is_named_with_its_line_and_the_allowed_keys() -> None:
    (problem,) = problems(MINIMAL.decode() + "shard:\n  count: 2\n")
    assert problem.startswith("fleet.yml:5:1: shard: unknown key 'shard'; allowed: dashboard,")


def test_a_bad_repository_name_is_pointed_at() -> None:
    raw = "version: 1\nrepositories:\n  - octo/app\n  - not a repo\ndashboard:\n  repository: a/b\n"
    (problem,) = problems(raw)
    assert problem == "fleet.yml:4:5: repositories[1]: 'not a repo' is not OWNER/NAME"


def test_every_problem_at_once() -> None:
    raw = "version: 2\nrepositories: []\ndashboard:\n  max_rows: 0\n"
    found = problems(raw)
    assert len(found) == 4  # version, empty list, missing repository, max_rows
    assert any("dashboard: 'repository' is a required property" in p for p in found)
    assert any(p.startswith("fleet.yml:4:13: dashboard.max_rows:") for p in found)


def test_duplicates_ignore_case_and_empty_shards_are_refused() -> None:
    raw = MINIMAL.decode().replace("acme/tool", "Octo/App") + "shards:\n  count: 3\n"
    found = problems(raw)
    assert found[0].startswith("fleet.yml:2:")
    assert "Octo/App is listed twice" in found[0]
    assert found[1] == (
        "fleet.yml:6:10: shards.count: 3 shards for 1 repositories would leave shards empty"
    )


def test_not_a_mapping_and_not_yaml() -> None:
    assert problems("- a\n- b\n") == ["fleet.yml:1:1: (root): the file must be a mapping of keys"]
    assert len(problems("version: [\n")) == 1


def test_found_in_the_checkout_or_given(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"add \.github/kairos-fleet\.yml"):
        find_fleet(tmp_path)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "kairos-fleet.yml").write_bytes(MINIMAL)
    assert load_fleet(find_fleet(tmp_path)).repositories == ("octo/app", "acme/tool")
    assert find_fleet(tmp_path, Path("other.yml")) == tmp_path / "other.yml"
    with pytest.raises(UsageError, match="no such file"):
        load_fleet(find_fleet(tmp_path, Path("other.yml")))
