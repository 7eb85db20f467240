"""The repository's tracked files as the context reads them: inside the worktree only,
small text files only, found by suffix or module name, searched literally."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.agent import repo_files
from kairos_ci.agent.repo_files import RepoFiles
from tests.agent.repos import commit


def test_files_resolve_by_suffix_and_module_name(tmp_path: Path) -> None:
    commit(tmp_path, {"src/shop/cart.py": "def total():\n    pass\n", "tests/test_cart.py": ""})
    files = RepoFiles.of(tmp_path)
    assert files.resolve("/home/ci/work/src/shop/cart.py") == "src/shop/cart.py"
    assert files.resolve_module("tests.test_cart.TestCart") == "tests/test_cart.py"
    assert "src/shop/cart.py" in files and "cart.py" not in files
    assert files.rows("src/shop/cart.py") == ["def total():", "    pass"]
    assert files.python("src/shop/cart.py") is not None and files.python("missing.py") is None


def test_only_small_text_files_inside_the_worktree_are_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (tmp_path / "secret.txt").write_text("outside\n")
    commit(repo, {"big.py": "x" * (repo_files.MAX_FILE_BYTES + 1), "data.bin": "a\0b"})
    (repo / "link.txt").symlink_to(tmp_path / "secret.txt")
    commit(repo, {})
    files = RepoFiles.of(repo)
    assert "link.txt" in files
    assert files.rows("link.txt") == [] and files.rows("../secret.txt") == []
    assert files.rows("big.py") == [] and files.rows("data.bin") == []
    assert files.rows(".git/config") == []


def test_search_is_literal_and_bounded(tmp_path: Path) -> None:
    commit(tmp_path, {"a.py": "def test_x(\nx = '.*'\n", "b.py": "def test_y(\n"})
    files = RepoFiles.of(tmp_path)
    assert files.search("def test_x(") == (("a.py", 1),)
    assert files.search(".*") == (("a.py", 2),)  # a fixed string, not a pattern
    assert files.search("") == () and files.search("a\nb") == ()


def test_an_empty_module_parses_and_a_missing_one_does_not(tmp_path: Path) -> None:
    commit(tmp_path, {"calc/__init__.py": "", "calc/ops.py": "x = 1\n"})
    files = RepoFiles.of(tmp_path)
    assert files.python("calc/__init__.py") is not None
    assert files.python("calc/missing.py") is None and files.python("calc/../../x.py") is None
