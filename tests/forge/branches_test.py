"""Building kairos's commit from a patch and pushing it, with real git."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kairos_ci.errors import GitError
from kairos_ci.forge.branches import Branches, HumanCommits, auth_config
from kairos_ci.forge.records import Change
from kairos_ci.git import Git
from tests.bundle.builders import make_patch
from tests.sandbox.github.world import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def test_build_describes_the_change_without_touching_the_worktree(world: World) -> None:
    world.git("mv", "README.md", "DOCS.md")
    world.commit({}, "rename")
    base, patch = make_patch(world, {"DOCS.md": None, "app.py": "one\n", "new.txt": "x\n"})
    (world.work / "scratch.txt").write_text("untracked, must survive\n")
    built = Branches(world.work).build(base, patch, "Fix things")
    assert sorted(c.path for c in built.changes) == ["DOCS.md", "app.py", "new.txt"]
    assert (built.deleted_files, built.added_lines) == (1, 2)
    assert world.git("status", "--porcelain") == "?? scratch.txt"
    assert world.git("log", "-1", "--format=%s|%ae", built.sha) == (
        "Fix things|kairos-ci@users.noreply.github.com"
    )


def test_a_patch_that_does_not_apply_is_a_clear_git_error(world: World) -> None:
    base, patch = make_patch(world, {"app.py": "one\n"})
    world.commit({"app.py": "someone else\n"}, "conflict")
    head = world.git("rev-parse", "HEAD")
    with pytest.raises(GitError, match=f"does not apply on {head[:12]}"):
        Branches(world.work).build(head, patch, "m")
    assert base != head


def test_push_creates_leaves_and_updates(world: World) -> None:
    branches = Branches(world.work)
    base, patch = make_patch(world, {"app.py": "one\n"})
    built = branches.build(base, patch, "m")
    assert branches.push("kairos/x", built, "main").change is Change.CREATED
    rebuilt = branches.build(base, patch, "m")  # a new sha, the same change
    assert branches.push("kairos/x", rebuilt, "main").change is Change.UNCHANGED
    other = branches.build(*make_patch(world, {"app.py": "two\n"}), "m")
    assert branches.push("kairos/x", other, "main").change is Change.UPDATED
    world.git("fetch", "-q", "origin")
    assert world.git("rev-parse", "origin/kairos/x") == other.sha


def test_a_human_commit_stops_every_update(world: World) -> None:
    branches = Branches(world.work)
    base, patch = make_patch(world, {"app.py": "one\n"})
    branches.push("kairos/x", branches.build(base, patch, "m"), "main")
    world.git("fetch", "-q", "origin")
    world.git("checkout", "-q", "-B", "kairos/x", "origin/kairos/x")
    world.commit({"note.txt": "mine\n"}, "human touch", human=True)
    world.git("checkout", "-q", "main")
    with pytest.raises(HumanCommits) as caught:
        branches.push(
            "kairos/x", branches.build(*make_patch(world, {"app.py": "2\n"}), "m"), "main"
        )
    assert caught.value.authors == ("Maria <maria@example.com>",)


def test_auth_config_is_a_basic_header_for_the_server_only() -> None:
    [(key, value)] = auth_config("https://github.com/", "ghs_secret").items()
    assert key == "http.https://github.com/.extraheader"
    token = base64.b64decode(value.removeprefix("AUTHORIZATION: basic ")).decode()
    assert token == "x-access-token:ghs_secret"


def test_pushes_read_none_of_the_checkouts_config(world: World, tmp_path: Path) -> None:
    """An earlier step of the job left an insteadOf to another repository and a proxy in
    the checkout's .git/config: kairos's push still reaches origin, directly."""
    elsewhere = tmp_path / "elsewhere.git"
    world.git("init", "-q", "--bare", str(elsewhere))
    world.git("config", f"url.{elsewhere}.insteadOf", str(world.origin))
    world.git("config", "http.proxy", "http://127.0.0.1:9")
    branches = Branches(world.work)
    built = branches.build(*make_patch(world, {"app.py": "one\n"}), "m")
    assert branches.push("kairos/x", built, "main").change is Change.CREATED
    assert world.git("ls-remote", str(elsewhere)) == ""  # plain git would have pushed here
    assert Git(world.origin).text("rev-parse", "refs/heads/kairos/x") == built.sha
