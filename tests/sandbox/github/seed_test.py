from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kairos_ci.errors import InputError
from kairos_ci.sandbox.github.records import RepoRole
from kairos_ci.sandbox.github.seed import default_seed, load_seed, parse_seed


def test_seed_maps_tokens_to_users_and_users_to_permissions(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps(
            {
                "users": {"maria": {"tokens": ["a", "b"], "permission": "triage"}},
                "repos": {"Octo/App": {"permissions": {"maria": "admin"}}},
            }
        )
    )
    seed = load_seed(path)
    assert seed.tokens == {"a": "maria", "b": "maria"}
    assert seed.permission("octo/other", "maria") is RepoRole.TRIAGE
    assert seed.permission("octo/app", "maria") is RepoRole.ADMIN
    assert seed.permission("octo/app", "stranger") is RepoRole.READ


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"users": {"maria": {"permission": "god"}}}, "users.maria"),
        ({"users": []}, "users"),
        ({"workflow_runs": [{"name": "CI"}]}, "workflow_runs[0]"),
        ({"rate_limit": 0}, "rate_limit"),
    ],
)
def test_bad_seeds_say_where(data: object, where: str) -> None:
    with pytest.raises(InputError, match=re.escape(f"seed: {where}")):
        parse_seed(data)


def test_unreadable_seed_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text("{nope")
    with pytest.raises(InputError, match=r"seed\.json: cannot read"):
        load_seed(path)


def test_default_seed_accepts_any_token_as_the_bot() -> None:
    seed = default_seed()
    assert seed.any_token_login == "kairos-ci[bot]"
    assert seed.permission("o/r", "kairos-ci[bot]") is RepoRole.WRITE
