"""Several repositories under the one root a GitHub sandbox serves, each with a clone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.sandbox.github.world import World


def new_world(tmp: Path, repository: str, files: dict[str, str]) -> World:
    """``repository`` (OWNER/NAME) as a bare repository under ``tmp/github``, cloned to
    ``tmp/work/OWNER/NAME`` with one commit of ``files`` on main, pushed."""
    owner, name = repository.split("/")
    root = tmp / "github"
    origin = root / owner / f"{name}.git"
    origin.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = tmp / "work" / owner / name
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True, capture_output=True)
    world = World(root, origin, work, owner, name)
    world.git("checkout", "-q", "-b", "main")
    world.commit(files, "initial commit")
    return world


def fleet_file(members: tuple[str, ...], dashboard: str) -> str:
    listed = "".join(f"  - {name}\n" for name in members)
    return f"version: 1\nrepositories:\n{listed}dashboard:\n  repository: {dashboard}\n"
