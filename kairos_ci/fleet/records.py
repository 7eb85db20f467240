"""The fleet's configuration as frozen records (the shape of schemas/fleet.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass

FLEET_LABEL = "kairos-fleet"
MEMORY_BRANCH = "kairos/memory"


@dataclass(frozen=True)
class Shards:
    count: int
    salt: str = ""


@dataclass(frozen=True)
class FleetDashboard:
    repository: str  # OWNER/NAME: the only repository the dashboard job writes to
    label: str = FLEET_LABEL
    max_rows: int = 50


@dataclass(frozen=True)
class Fleet:
    repositories: tuple[str, ...]  # OWNER/NAME, in the file's order, no duplicates
    dashboard: FleetDashboard
    memory_branch: str = MEMORY_BRANCH
    shards: Shards | None = None  # None: one leg per repository
    source: str = ""  # where it was read from, for messages
