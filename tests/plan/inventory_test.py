from __future__ import annotations

from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.plan.inventory import InventoryLimits, files_at, read_text, take_inventory
from kairos_ci.plan.records import Language
from tests.plan.express_app import build_express_app


def test_only_tracked_files_count_so_gitignore_holds(tmp_path: Path) -> None:
    inventory = take_inventory(build_express_app(tmp_path))
    assert "src/app.js" in inventory.paths
    assert not any(p.startswith("node_modules/") for p in inventory.paths)
    assert (tmp_path / "node_modules" / "express" / "index.js").is_file()
    assert inventory.truncated is False


def test_languages_are_counted_by_files_and_bytes(tmp_path: Path) -> None:
    inventory = take_inventory(build_express_app(tmp_path))
    languages = {x.name: x for x in inventory.languages()}
    assert languages["JavaScript"].files == 9
    assert inventory.languages()[0].name == "JavaScript"
    size = sum(f.size for f in inventory.files if f.path.endswith(".js"))
    assert languages["JavaScript"] == Language("JavaScript", 9, size)


def test_symlinks_are_not_inventoried_and_the_bound_truncates(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    (tmp_path / "secrets.js").symlink_to("/etc/passwd")
    git.run("add", "secrets.js")
    assert "secrets.js" not in take_inventory(git).paths
    small = take_inventory(git, InventoryLimits(max_files=3))
    assert len(small.files) == 3 and small.truncated


def test_a_tracked_file_replaced_by_a_symlink_on_disk_is_not_read(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    inventory = take_inventory(git)
    server = next(f for f in inventory.files if f.path == "src/server.js")
    assert "createApp" in (read_text(inventory, server, InventoryLimits()) or "")
    (tmp_path / "src" / "server.js").unlink()
    (tmp_path / "src" / "server.js").symlink_to("/etc/hostname")
    assert read_text(inventory, server, InventoryLimits()) is None


def test_large_and_binary_files_are_listed_but_not_read(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    (tmp_path / "logo.js").write_bytes(b"\0PNG")
    (tmp_path / "big.js").write_text("x" * 2000)
    git.run("add", "logo.js", "big.js")
    inventory = take_inventory(git)
    by_path = {f.path: f for f in inventory.files}
    assert read_text(inventory, by_path["logo.js"], InventoryLimits()) is None
    assert read_text(inventory, by_path["big.js"], InventoryLimits(max_file_bytes=1000)) is None


def test_files_at_a_commit_ignore_later_worktree_changes(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    sha = git.text("rev-parse", "HEAD")
    (tmp_path / "new.js").write_text("1")
    Git(tmp_path).run("add", "new.js")
    at_base = files_at(git, sha)
    assert "src/app.js" in at_base and "new.js" not in at_base
