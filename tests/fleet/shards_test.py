"""Hash sharding: a pure, stable function of the name, the salt and the count."""

from __future__ import annotations

import hashlib

import pytest

from kairos_ci.fleet.records import Fleet, FleetDashboard, Shards
from kairos_ci.fleet.shards import compact, matrix, members, shard_of

NAMES = tuple(f"org{i % 7}/repo-{i}" for i in range(200))


def fleet(shards: Shards | None, names: tuple[str, ...] = NAMES) -> Fleet:
    return Fleet(names, FleetDashboard("org0/fleet"), shards=shards)


def test_shard_is_sha256_of_name_and_salt_mod_n() -> None:
    digest = hashlib.sha256(b"octo/appsalt").digest()
    assert shard_of("octo/app", "salt", 5) == int.from_bytes(digest[:8], "big") % 5
    assert shard_of("Octo/App", "salt", 5) == shard_of("octo/app", "salt", 5)


def test_shards_are_stable_across_order_and_growth() -> None:
    before = {n: shard_of(n, "s", 8) for n in NAMES}
    grown = fleet(Shards(8, "s"), (*reversed(NAMES), "new/one"))
    for shard in range(8):
        assert all(before[n] == shard for n in members(grown, shard) if n != "new/one")


def test_every_repository_is_in_exactly_one_shard_and_shards_are_balanced() -> None:
    sharded = fleet(Shards(4, "x"))
    groups = [members(sharded, s) for s in range(4)]
    assert sorted(n for g in groups for n in g) == sorted(NAMES)
    assert all(30 <= len(g) <= 70 for g in groups), [len(g) for g in groups]


def test_the_salt_reshuffles() -> None:
    moved = sum(shard_of(n, "a", 4) != shard_of(n, "b", 4) for n in NAMES)
    assert moved > len(NAMES) // 2


def test_the_matrix_has_ids_only() -> None:
    assert compact(matrix(fleet(None, ("a/b", "c/d")))) == '{"repository":["a/b","c/d"]}'
    assert compact(matrix(fleet(Shards(3)))) == '{"shard":[0,1,2]}'


def test_members_of_an_unsharded_fleet_and_bad_shards() -> None:
    assert members(fleet(None, ("a/b",)), 0) == ("a/b",)
    with pytest.raises(ValueError, match="no shards"):
        members(fleet(None), 1)
    with pytest.raises(ValueError, match="0 to 3"):
        members(fleet(Shards(4)), 4)
    with pytest.raises(ValueError, match="at least one shard"):
        shard_of("a/b", "", 0)
