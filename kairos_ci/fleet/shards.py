"""The fleet's matrix: one leg per repository, or per hash shard. Pure and stable: a
repository's shard depends only on its name, the salt and the count, never on the order
of the list or on the rest of the fleet, so adding a repository moves no other one."""

from __future__ import annotations

import hashlib
import json

from kairos_ci.fleet.records import Fleet


def shard_of(repository: str, salt: str, count: int) -> int:
    """``sha256(repository + salt) mod count``; GitHub names ignore case, so does this."""
    if count < 1:
        raise ValueError(f"a fleet needs at least one shard, not {count}")
    digest = hashlib.sha256((repository.lower() + salt).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def members(fleet: Fleet, shard: int) -> tuple[str, ...]:
    """The repositories of ``shard``, in the file's order (one shard: all of them)."""
    if fleet.shards is None:
        if shard != 0:
            raise ValueError(f"the fleet has no shards: shard {shard} does not exist")
        return fleet.repositories
    if not 0 <= shard < fleet.shards.count:
        raise ValueError(f"shard must be 0 to {fleet.shards.count - 1}, not {shard}")
    salt, count = fleet.shards.salt, fleet.shards.count
    return tuple(r for r in fleet.repositories if shard_of(r, salt, count) == shard)


def matrix(fleet: Fleet) -> dict[str, list[str] | list[int]]:
    """The matrix's one axis: ids only, never anything a repository wrote."""
    if fleet.shards is None:
        return {"repository": list(fleet.repositories)}
    return {"shard": list(range(fleet.shards.count))}


def compact(value: object) -> str:
    """JSON as a step output carries it: one line, no spaces."""
    return json.dumps(value, separators=(",", ":"))
